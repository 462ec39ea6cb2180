import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { can } from '../../domain/auth/permissions.ts';
import type { OrderProfile } from '../../domain/commerce/profile.ts';
import { runOrderImport } from './orders.import.ts';
import { cancelOrder, createProduct, getOrder, getProduct, listOrders, listProducts, purchaseSummary, putOrder, returnOrderLines, updateProduct } from './orders.service.ts';
import { uploadLimit, withUploadedFile } from './upload.ts';

const Money = z.string().openapi({ example: '12000.00', description: 'Decimal string, JPY' });
const MoneyIn = z.union([z.string().max(30), z.number()]).transform(String);

const ProductSchema = z.object({
  id: z.string().uuid(), sku: z.string(), name: z.string(), category: z.string().nullable(), price: Money.nullable(), active: z.boolean(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Product');
const ProductCreate = z.object({
  sku: z.string().trim().min(1).max(100).openapi({ example: 'A-100' }),
  name: z.string().trim().min(1).max(300).openapi({ example: '業務用コーヒー豆 1kg' }),
  category: z.string().trim().max(100).nullable().optional(),
  price: MoneyIn.nullable().optional().openapi({ example: '3200' }),
  active: z.boolean().optional(),
}).openapi('ProductCreate');
const ProductPatch = ProductCreate.partial().openapi('ProductPatch');

const OrderLineSchema = z.object({
  lineNo: z.number().int(), sku: z.string().nullable(), productId: z.string().nullable(), productName: z.string().nullable(),
  quantity: z.string(), unitPrice: Money.nullable(), amount: Money, returnedQuantity: z.string(), returnedAmount: Money,
});
const OrderSchema = z.object({
  id: z.string().uuid(), source: z.string(), orderId: z.string(), customerId: z.string().nullable(), customerName: z.string().nullable(),
  orderedAt: z.string(), channel: z.string().nullable(), status: z.string().openapi({ description: 'completed, cancelled, partially_returned or returned' }),
  totalAmount: Money, returnedAmount: Money, netAmount: Money, currency: z.string(), cancelledAt: z.string().nullable(),
  lines: z.array(OrderLineSchema).optional(),
}).openapi('Order');

const text = (max: number) => z.string().trim().max(max).nullable().optional();
const OrderLineIn = z.object({
  sku: text(100), productName: text(300),
  quantity: MoneyIn.nullable().optional().openapi({ example: '2', description: 'Negative: returned' }),
  unitPrice: MoneyIn.nullable().optional().openapi({ example: '3200' }),
  amount: MoneyIn.nullable().optional().openapi({ example: '6400', description: 'Default: quantity × unitPrice' }),
  status: text(20).openapi({ description: '完了 / キャンセル / 返品 (or completed / cancelled / returned)' }),
});
const OrderPut = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/u).optional().openapi({ example: 'ec', description: 'Which system the order id belongs to (default "api")' }),
  orderId: z.string().trim().min(1).max(100).openapi({ example: 'A-1001' }),
  orderedAt: z.string().trim().min(1).max(40).openapi({ example: '2026-04-03T10:15:00+09:00', description: 'ISO 8601, or a date such as 2026/4/3 or 令和8年4月3日 (Japan time)' }),
  channel: text(40).openapi({ example: 'EC' }),
  status: text(20),
  customer: z.object({ email: text(254), phone: text(40), memberId: text(100), name: text(200), nameKana: text(200), companyName: text(200) }),
  lines: z.array(OrderLineIn).min(1).max(500),
}).openapi('OrderPut');

const Problem = z.object({ line: z.number().int(), field: z.string().nullable(), reason: z.string(), value: z.string().nullable() });
const OrderImportSummary = z.object({
  kind: z.literal('orders'), source: z.string(), file: z.string(), encoding: z.string().nullable(), read: z.number().int(), orders: z.number().int(),
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejectedRows: z.number().int(), problems: z.array(Problem), seconds: z.number(),
}).openapi('OrderImportSummary');

const PurchaseSummary = z.object({
  customerId: z.string().uuid(), currency: z.string(), lifetimeValue: Money, orderCount: z.number().int(), cancelledCount: z.number().int(),
  returnedAmount: Money, firstPurchaseAt: z.string().nullable(), lastPurchaseAt: z.string().nullable(),
}).openapi('PurchaseSummary');

const page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable(), hasMore: z.boolean() });

export function orderRoutes(): Router {
  const app = createRouter();
  app.use('/api/v1/orders/import', uploadLimit);
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products', access: 'commerce:read', summary: 'Product catalogue (by SKU)', tags: ['commerce'],
      request: { query: z.object({ q: z.string().max(200).optional(), category: z.string().max(100).optional(), active: z.enum(['true', 'false']).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }) },
      responses: { 200: json(page(ProductSchema), 'Products') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listProducts(c.get('deps').db, { ...q, active: q.active === undefined ? undefined : q.active === 'true' }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/products', access: 'commerce:write', summary: 'Add a product', tags: ['commerce'],
      request: { body: { content: { 'application/json': { schema: ProductCreate } }, required: true } },
      responses: { 201: json(ProductSchema, 'Created'), 409: json(z.object({}), 'SKU exists') } }),
    async (c) => c.json(await createProduct(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products/{id}', access: 'commerce:read', summary: 'A product', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(ProductSchema, 'The product'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getProduct(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/products/{id}', access: 'commerce:write', summary: 'Edit a product', tags: ['commerce'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: ProductPatch } }, required: true } },
      responses: { 200: json(ProductSchema, 'Updated'), 404: json(z.object({}), 'Not found'), 409: json(z.object({}), 'SKU exists') } }),
    async (c) => c.json(await updateProduct(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/orders', access: 'commerce:read', summary: 'Orders, newest first (buyer names need customers:read)', tags: ['commerce'],
      request: { query: z.object({
        customerId: z.string().uuid().optional(), status: z.enum(['completed', 'cancelled', 'partially_returned', 'returned']).optional(),
        channel: z.string().max(40).optional(), source: z.string().max(63).optional(),
        from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional(),
        cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional(),
      }) },
      responses: { 200: json(page(OrderSchema), 'Orders') } }),
    async (c) => {
      const auth = c.get('auth');
      return c.json(await listOrders(c.get('deps').db, c.req.valid('query'), { auth, customers: auth !== null && can(auth.role, 'customers:read') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders', access: 'commerce:write', tags: ['commerce'],
      summary: 'Record an order (idempotent on source + orderId: sending it again replaces it). The customer key (e-mail, phone or member id) is resolved to a customer like an import',
      request: { body: { content: { 'application/json': { schema: OrderPut } }, required: true } },
      responses: { 200: json(OrderSchema, 'Stored') } }),
    async (c) => c.json(await putOrder(c.get('deps').db, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/import', access: 'commerce:write', tags: ['commerce'],
      summary: 'Import an order export (multipart: file = CSV/TSV/XLSX, profile = JSON order profile). Bad rows are reported with their line; good rows land; re-importing changes nothing',
      responses: { 200: json(OrderImportSummary, 'Import summary with the per-row report') } }),
    async (c) => {
      const { db } = c.get('deps');
      const summary = await withUploadedFile(c.req.raw, c.get('auth')?.userId ?? null, 'orders', (upload, profile) => runOrderImport(db, { filePath: upload.filePath, fileName: upload.fileName, profile: profile as OrderProfile, actor: c.get('actor') }));
      return c.json(summary, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/orders/{id}', access: 'commerce:read', summary: 'An order with its lines', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(OrderSchema, 'The order'), 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      const auth = c.get('auth');
      return c.json(await getOrder(c.get('deps').db, c.req.valid('param').id, { auth, customers: auth !== null && can(auth.role, 'customers:read') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/{id}/cancel', access: 'commerce:write', summary: 'Cancel an order (leaves lifetime value and order count)', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(OrderSchema, 'Cancelled'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await cancelOrder(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/{id}/returns', access: 'commerce:write', summary: 'Record returned quantities per SKU (absolute: sending it again changes nothing)', tags: ['commerce'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ lines: z.array(z.object({ sku: z.string().trim().min(1).max(100), quantity: MoneyIn })).min(1).max(500) }).openapi('OrderReturn') } }, required: true } },
      responses: { 200: json(OrderSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await returnOrderLines(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').lines, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/purchases/summary', access: 'commerce:read', tags: ['commerce'],
      summary: 'A customer\'s lifetime value (net of cancellations and returns), order count, first and last purchase',
      request: { params: IdParam }, responses: { 200: json(PurchaseSummary, 'Figures'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await purchaseSummary(c.get('deps').db, c.req.valid('param').id), 200),
  );
  return app;
}
