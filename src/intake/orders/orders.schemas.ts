import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';
import { PreviewSchema } from '../files/import.schemas.ts';

const Money = z.string().openapi({ example: '12000.00', description: 'Decimal string, JPY' });
const MoneyIn = z.union([z.string().max(30), z.number()]).transform(String);
const text = (max: number) => z.string().trim().max(max).nullable().optional();

// ── products ──

export const ProductSchema = z.object({
  id: z.string().uuid(), sku: z.string(), name: z.string(), category: z.string().nullable(), price: Money.nullable(), active: z.boolean(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Product');
export type Product = z.infer<typeof ProductSchema>;

export const ProductListQuery = z.object({ q: z.string().max(200).optional(), category: z.string().max(100).optional(), active: z.enum(['true', 'false']).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const ProductPageSchema = pageOf(ProductSchema);
export type ProductPage = z.infer<typeof ProductPageSchema>;

export const ProductCreate = z.object({
  sku: z.string().trim().min(1).max(100).openapi({ example: 'A-100' }),
  name: z.string().trim().min(1).max(300).openapi({ example: '業務用コーヒー豆 1kg' }),
  category: z.string().trim().max(100).nullable().optional(),
  price: MoneyIn.nullable().optional().openapi({ example: '3200' }),
  active: z.boolean().optional(),
}).openapi('ProductCreate');
export const ProductPatch = ProductCreate.partial().openapi('ProductPatch');

// ── orders ──

const ORDER_STATUS = z.enum(['completed', 'cancelled', 'partially_returned', 'returned']);
export type OrderStatus = z.infer<typeof ORDER_STATUS>;

export const OrderLineSchema = z.object({
  lineNo: z.number().int(), sku: z.string().nullable(), productId: z.string().nullable(), productName: z.string().nullable(),
  quantity: z.string(), unitPrice: Money.nullable(), amount: Money, returnedQuantity: z.string(), returnedAmount: Money,
});
export type OrderLine = z.infer<typeof OrderLineSchema>;

export const OrderSchema = z.object({
  id: z.string().uuid(), source: z.string(), orderId: z.string(), customerId: z.string().nullable(), customerName: z.string().nullable(),
  orderedAt: z.string(), channel: z.string().nullable(), status: z.string().openapi({ description: 'completed, cancelled, partially_returned or returned' }),
  totalAmount: Money, returnedAmount: Money, netAmount: Money, currency: z.string(), cancelledAt: z.string().nullable(),
  lines: z.array(OrderLineSchema).optional(),
}).openapi('Order');
export type Order = z.infer<typeof OrderSchema>;

export const OrderListQuery = z.object({
  customerId: z.string().uuid().optional(), status: ORDER_STATUS.optional(),
  channel: z.string().max(40).optional(), source: z.string().max(63).optional(),
  from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const OrderPageSchema = pageOf(OrderSchema);
export type OrderPage = z.infer<typeof OrderPageSchema>;

const OrderLineIn = z.object({
  sku: text(100), productName: text(300),
  quantity: MoneyIn.nullable().optional().openapi({ example: '2', description: 'Negative: returned' }),
  unitPrice: MoneyIn.nullable().optional().openapi({ example: '3200' }),
  amount: MoneyIn.nullable().optional().openapi({ example: '6400', description: 'Default: quantity × unitPrice' }),
  status: text(20).openapi({ description: '完了 / キャンセル / 返品 (or completed / cancelled / returned)' }),
});
export const OrderPut = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/u).optional().openapi({ example: 'ec', description: 'Which system the order id belongs to (default "api")' }),
  orderId: z.string().trim().min(1).max(100).openapi({ example: 'A-1001' }),
  orderedAt: z.string().trim().min(1).max(40).openapi({ example: '2026-04-03T10:15:00+09:00', description: 'ISO 8601, or a date such as 2026/4/3 or 令和8年4月3日 (Japan time)' }),
  channel: text(40).openapi({ example: 'EC' }),
  status: text(20),
  currency: z.string().trim().max(3).nullable().optional().openapi({ example: 'JPY', description: 'ISO 4217 code of the amounts (default JPY)' }),
  timeZone: z.string().trim().max(64).nullable().optional().openapi({ example: 'Asia/Tokyo', description: 'IANA zone of orderedAt when it has no offset, and of the order\'s calendar day (default Asia/Tokyo)' }),
  customer: z.object({ email: text(254), phone: text(40), memberId: text(100), name: text(200), nameKana: text(200), companyName: text(200) }),
  lines: z.array(OrderLineIn).min(1).max(500),
}).openapi('OrderPut');

export const OrderReturn = z.object({ lines: z.array(z.object({ sku: z.string().trim().min(1).max(100), quantity: MoneyIn })).min(1).max(500) }).openapi('OrderReturn');

// ── file imports (orders here, event attendance in events.schemas.ts) ──

/** A row of an order or attendance file that was not taken, with its line and why. */
export const RowProblemSchema = z.object({ line: z.number().int(), field: z.string().nullable(), reason: z.string(), value: z.string().nullable() });
export type RowProblem = z.infer<typeof RowProblemSchema>;

export const OrderImportSummarySchema = z.object({
  kind: z.literal('orders'), source: z.string(), file: z.string(), encoding: z.string().nullable(), read: z.number().int(), orders: z.number().int(),
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejectedRows: z.number().int(), problems: z.array(RowProblemSchema), seconds: z.number(),
}).openapi('OrderImportSummary');
export type OrderImportSummary = z.infer<typeof OrderImportSummarySchema>;

/** What the order wizard's 「検証」 found: the import's checks, nothing written. */
export const OrderValidationSchema = z.object({
  kind: z.literal('orders'), source: z.string(), file: z.string(), encoding: z.string().nullable(), read: z.number().int(),
  orders: z.number().int().openapi({ description: 'Distinct order ids in the file' }),
  newOrders: z.number().int().openapi({ description: 'Orders the import would add' }),
  existingOrders: z.number().int().openapi({ description: 'Orders already stored under this source: the import replaces them (or leaves them when unchanged)' }),
  rejectedRows: z.number().int(),
  problems: z.array(RowProblemSchema).openapi({ description: 'Every row the import would not take, with its line and reason (Japanese, then English)' }),
  seconds: z.number(),
}).openapi('OrderValidation');
export type OrderValidation = z.infer<typeof OrderValidationSchema>;

// ── the order import wizard: upload, suggestion, validation, run ──

export const OrderSuggestionSchema = z.object({
  orderIdColumn: z.string().nullable(),
  fields: z.record(z.string(), z.string()).openapi({ description: 'Order profile field → column (ordered_at, member_id, customer_email, sku, quantity, amount…)' }),
  columns: z.array(z.object({
    header: z.string(), kind: z.string().nullable(), score: z.number(), used: z.boolean(),
    misfit: z.object({
      fit: z.object({
        field: z.string(), checked: z.number().int(), misfits: z.number().int(), share: z.number(),
        example: z.object({ value: z.string(), kind: z.string() }).nullable(),
      }),
      message: z.string(),
    }).optional().openapi({ description: 'The sample values do not fit what the header names (text under 数量…): why the column is not suggested' }),
  })),
  unmapped: z.array(z.string()),
  targets: z.array(z.object({ key: z.string(), required: z.enum(['always', 'customer_key', 'price']).nullable() }))
    .openapi({ description: 'What a column can be mapped to, in the order to show them; required: always, one customer key, amount or unit price' }),
}).openapi('OrderMappingSuggestion');
export type OrderMappingSuggestionView = z.infer<typeof OrderSuggestionSchema>;

export const OrderPreviewSchema = z.object({ preview: PreviewSchema, suggestion: OrderSuggestionSchema }).openapi('OrderImportPreview');
export type OrderImportPreview = z.infer<typeof OrderPreviewSchema>;

export const OrderUploadSchema = z.object({
  uploadId: z.string().uuid(), fileName: z.string(), size: z.number().int(), preview: PreviewSchema, suggestion: OrderSuggestionSchema,
}).openapi('OrderImportUpload');
export type OrderImportUpload = z.infer<typeof OrderUploadSchema>;

export const OrderImportRequest = z.object({
  uploadId: z.string().uuid(),
  profile: z.record(z.string(), z.unknown()).openapi({
    description: 'Order profile (JSON form, kind may be left out): { source, order_id_column, encoding?, header_row?, channel?, fields: { ordered_at: "注文日", member_id: "会員番号", sku: "商品コード", quantity: "数量", amount: "金額" } }',
  }),
}).openapi('OrderImportRequest');

// ── a customer's purchases ──

export const PurchaseSummarySchema = z.object({
  customerId: z.string().uuid(), currency: z.string(), lifetimeValue: Money, orderCount: z.number().int(), cancelledCount: z.number().int(),
  returnedAmount: Money, firstPurchaseAt: z.string().nullable(), lastPurchaseAt: z.string().nullable(),
}).openapi('PurchaseSummary');
export type PurchaseSummary = z.infer<typeof PurchaseSummarySchema>;
