import { ordersChanged, productCategoryChanged } from '../../ledger/values/values.service.ts';
import { createHash } from 'node:crypto';
import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorText, cursorTime, cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState, type FieldError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { buildOrder, orderBuyer, orderGroupProblem, parseLine, type BuiltOrder, type OrderInputLine, type OrderRow, type RowProblem, type StoredLine } from '../../domain/commerce/orders.ts';
import { decimalToMilli, decimalToSen, DEFAULT_ORDER_TIME_ZONE, isCurrencyCode, isTimeZone, milliToDecimal, parseAmount, parseTimestamp, senToDecimal } from '../../domain/commerce/values.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { nfkc } from '../../domain/normalize/text.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import { deleteKeyedActivities, upsertKeyedActivity } from '../../ledger/activities/activities.repository.ts';
import { customerKey, missingKeyReason } from '../../domain/commerce/customer-keys.ts';
import { findCustomerRow } from '../../ledger/customers/customers.repository.ts';
import * as repo from './orders.repository.ts';
import type { Order, OrderPage, Product, ProductPage, PurchaseSummary } from './orders.schemas.ts';

// ── products ──

type ProductRow = Awaited<ReturnType<typeof repo.insertProduct>>;
const toProduct = (r: ProductRow): Product => ({
  id: r.id, sku: r.sku, name: r.name, category: r.category, price: r.price, active: r.active,
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

function priceOrThrow(raw: string | number | null | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  const p = parseAmount(String(raw));
  if (!p.ok || (p.value !== null && p.value < 0)) throw new AppError('validation_failed', '価格が正しくありません (invalid price)', [{ field: 'price', message: p.ok ? '0 以上 (must be ≥ 0)' : p.reason }]);
  return p.value === null ? null : senToDecimal(p.value);
}

const skuConflict = () => new AppError('conflict', 'この商品コードは登録済みです (SKU exists)', [{ field: 'sku', message: 'Already registered' }]);

export async function createProduct(db: Db, input: { sku: string; name: string; category?: string | null | undefined; price?: string | number | null | undefined; active?: boolean | undefined }, actor: Actor): Promise<Product> {
  try {
    const row = await repo.insertProduct(db, { sku: nfkc(input.sku).trim(), name: input.name.trim(), category: input.category?.trim() || null, price: priceOrThrow(input.price) ?? null, active: input.active ?? true });
    await audit(db, actor, 'product.create', { type: 'product', id: row.id }, { sku: row.sku });
    return toProduct(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw skuConflict();
    throw error;
  }
}

export async function updateProduct(db: Db, id: string, input: { sku?: string | undefined; name?: string | undefined; category?: string | null | undefined; price?: string | number | null | undefined; active?: boolean | undefined }, actor: Actor): Promise<Product> {
  const price = priceOrThrow(input.price);
  try {
    const row = await repo.updateProduct(db, id, {
      ...(input.sku !== undefined ? { sku: nfkc(input.sku).trim() } : {}),
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.category !== undefined ? { category: input.category?.trim() || null } : {}),
      ...(price !== undefined ? { price } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    });
    if (!row) throw notFound('Product');
    // The dashboards' revenue by category follows the product's new category.
    if (input.category !== undefined) await productCategoryChanged(db, id);
    await audit(db, actor, 'product.update', { type: 'product', id }, { fields: Object.keys(input) });
    return toProduct(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw skuConflict();
    throw error;
  }
}

export async function getProduct(db: Db, id: string): Promise<Product> {
  const row = await repo.findProduct(db, id);
  if (!row) throw notFound('Product');
  return toProduct(row);
}

export async function listProducts(db: Db, query: { q?: string | undefined; category?: string | undefined; active?: boolean | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<ProductPage> {
  const limit = query.limit ?? 50;
  let after: { sku: string } | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    after = { sku: cursorText(c.s) };
  }
  const rows = await repo.listProducts(db, { q: query.q ? nfkc(query.q).trim() : undefined, category: query.category, active: query.active }, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toProduct), hasMore: rows.length > limit, nextCursor: rows.length > limit && last ? encodeCursor({ s: last.sku }) : null };
}

// ── orders ──

type OrderListRow = Awaited<ReturnType<typeof repo.listOrderRows>>[number];
type LineRowDb = Awaited<ReturnType<typeof repo.listLinesOf>>[number];

function toOrder(r: Omit<OrderListRow, 'ordered_cursor'>, lines?: LineRowDb[]): Order {
  const cancelled = r.status === 'cancelled';
  return {
    id: r.id, source: r.source, orderId: r.external_id, customerId: r.customer_id, customerName: r.customer_name,
    orderedAt: r.ordered_at.toISOString(), channel: r.channel, status: r.status,
    totalAmount: r.total_amount, returnedAmount: r.returned_amount,
    netAmount: cancelled ? '0.00' : senToDecimal(decimalToSen(r.total_amount) - decimalToSen(r.returned_amount)),
    currency: r.currency, cancelledAt: r.cancelled_at ? r.cancelled_at.toISOString() : null,
    ...(lines ? { lines: lines.map((l) => ({
      lineNo: l.line_no, sku: l.sku, productId: l.product_id, productName: l.product_name,
      quantity: milliToDecimal(decimalToMilli(l.quantity)), unitPrice: l.unit_price, amount: l.amount,
      returnedQuantity: milliToDecimal(decimalToMilli(l.returned_quantity)), returnedAmount: l.returned_amount,
    })) } : {}),
  };
}

/** Only roles that may see personal data see the buyer's name in order lists (amounts are not personal). */
function maskBuyer(order: Order, auth: AuthContext | null, canReadCustomers: boolean): Order {
  return canReadCustomers ? order : { ...order, customerName: order.customerName ? '＊＊＊' : null, customerId: auth ? order.customerId : null };
}

export async function getOrder(db: Db, id: string, view: { auth: AuthContext | null; customers: boolean }): Promise<Order> {
  const row = await repo.findOrderRow(db, id);
  if (!row) throw notFound('Order');
  return maskBuyer(toOrder(row, await repo.listLinesOf(db, [id])), view.auth, view.customers);
}

export async function listOrders(
  db: Db,
  query: { customerId?: string | undefined; status?: string | undefined; channel?: string | undefined; source?: string | undefined; from?: string | undefined; to?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  view: { auth: AuthContext | null; customers: boolean },
): Promise<OrderPage> {
  const limit = query.limit ?? 50;
  let after: { orderedAt: string; id: string } | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    after = { orderedAt: cursorTime(c.t), id: cursorUuid(c.i) };
  }
  const rows = await repo.listOrderRows(db, query, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => maskBuyer(toOrder(r), view.auth, view.customers)),
    hasMore: rows.length > limit,
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.ordered_cursor, i: last.id }) : null,
  };
}

/** Customer purchase figures (net of cancellations and returns). */
export async function purchaseSummary(db: Db, customerId: string): Promise<PurchaseSummary> {
  if (!await findCustomerRow(db, customerId, { includeDeleted: true })) throw notFound('Customer');
  const r = await repo.purchaseSummary(db, customerId);
  return {
    customerId,
    currency: 'JPY',
    lifetimeValue: senToDecimal(decimalToSen(r.lifetime_value)),
    orderCount: Number(r.order_count),
    cancelledCount: Number(r.cancelled_count),
    returnedAmount: senToDecimal(decimalToSen(r.returned_amount)),
    firstPurchaseAt: r.first_purchase_at ? new Date(r.first_purchase_at).toISOString() : null,
    lastPurchaseAt: r.last_purchase_at ? new Date(r.last_purchase_at).toISOString() : null,
  };
}

// ── writing orders (API and file import share this) ──

export interface OrderGroup {
  orderId: string;
  rows: OrderRow[];
}

export interface OrderWriteReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RowProblem[];
  orders: Array<{ orderId: string; id: string; customerId: string; status: string }>;
}

/** The source of one system's orders (`ec` → orders-ec). */
export const ordersSourceName = (source: string) => `orders-${source}`;

/**
 * Stores orders of one source: each buyer's key becomes a source record through identity resolution (so the order
 * lands on the customer a form or a file already created), then every order is inserted or updated (idempotent on
 * source + order id: unchanged content is left alone) with its lines and its timeline activities.
 * Groups that cannot be stored are reported per row with the reason; the others land.
 */
export async function writeOrders(db: Db, input: { source: string; recordKind: 'file_import' | 'api'; groups: OrderGroup[]; actor: Actor; currency?: string; timeZone?: string }): Promise<OrderWriteReport> {
  const money = { currency: input.currency ?? 'JPY', timeZone: input.timeZone ?? DEFAULT_ORDER_TIME_ZONE };
  const report: OrderWriteReport = { created: 0, updated: 0, unchanged: 0, rejected: [], orders: [] };
  if (input.groups.length === 0) return report;
  const existing = new Map((await repo.findOrdersByExternalIds(db, input.source, input.groups.map((g) => g.orderId))).map((o) => [o.external_id, o]));
  const storedLines = new Map<string, LineRowDb[]>();
  for (const l of await repo.listLinesOf(db, [...existing.values()].map((o) => o.id))) storedLines.set(l.order_id, [...(storedLines.get(l.order_id) ?? []), l]);

  const reject = (g: OrderGroup, reason: string, field: string | null = null) => {
    for (const r of g.rows) report.rejected.push({ line: r.line, field, reason, value: null });
  };
  type Prior = Awaited<ReturnType<typeof repo.findOrdersByExternalIds>>[number];
  interface Ready { group: OrderGroup; key: string | null; built: BuiltOrder; orderedAt: string; channel: string | null; prior: Prior | undefined }
  const ready: Ready[] = [];
  const people = new Map<string, { fields: Partial<Record<ImportField, string>>; memberId: string | null }>();
  for (const g of input.groups) {
    const prior = existing.get(g.orderId);
    const problem = orderGroupProblem(g.rows, prior !== undefined);
    if (problem) {
      reject(g, problem.reason, problem.field);
      continue;
    }
    const { fields, memberId } = orderBuyer(g.rows);
    const key = customerKey(memberId, fields);
    const orderedAt = g.rows.find((r) => r.orderedAt)?.orderedAt ?? prior!.ordered_at.toISOString();
    const stored = prior ? { lines: (storedLines.get(prior.id) ?? []).map(toStoredLine), cancelled: prior.status === 'cancelled' } : null;
    const built = buildOrder(g.rows, stored);
    if (!built) {
      reject(g, '返品行だけで、対象の注文が見つかりません (return rows for an order that is not stored)', 'quantity');
      continue;
    }
    if (key) {
      const prev = people.get(key);
      people.set(key, { fields: { ...(prev?.fields ?? {}), ...fields }, memberId });
    }
    ready.push({ group: g, key, built, orderedAt, channel: g.rows.find((r) => r.channel)?.channel ?? prior?.channel ?? null, prior });
  }

  const sourceName = ordersSourceName(input.source);
  const linked = await ingestRecords(db, {
    source: { name: sourceName, label: `注文 (${input.source})`, kind: input.recordKind },
    records: [...people.entries()].map(([externalId, p]) => ({ externalId, fields: p.fields, ...(p.memberId ? { attributes: { member_id: p.memberId } } : {}) })),
    actor: input.actor,
  });
  const recordOf = new Map(linked.map((l) => [l.externalId, l]));
  const sourceId = await repo.findSourceId(db, sourceName);
  const skus = [...new Set(ready.flatMap((r) => r.built.lines.map((l) => l.sku).filter((s): s is string => !!s)))];
  const productIds = await repo.productIdsBySku(db, skus);

  for (let i = 0; i < ready.length; i += 200) {
    await db.transaction().execute(async (trx) => {
      for (const r of ready.slice(i, i + 200)) {
        const rec = r.key ? recordOf.get(r.key) : undefined;
        const recordId = rec?.recordId ?? r.prior!.source_record_id;
        const customerId = rec?.customerId ?? (await repo.recordCustomer(trx, recordId));
        if (!customerId) {
          reject(r.group, '顧客に紐づけられませんでした (the buyer could not be linked)', 'customer');
          continue;
        }
        const outcome = await storeOrder(trx, { source: input.source, sourceId, orderId: r.group.orderId, recordId, customerId, orderedAt: r.orderedAt, channel: r.channel, built: r.built, prior: r.prior ?? null, productIds, ...money });
        report[outcome.change]++;
        report.orders.push({ orderId: r.group.orderId, id: outcome.id, customerId, status: r.built.status });
      }
    });
  }
  report.rejected.sort((a, b) => a.line - b.line);
  // The buyers' RFM facts and scores follow their orders (a large import rescores everyone at once).
  await ordersChanged(db, report.orders.map((o) => o.customerId));
  return report;
}

function toStoredLine(l: LineRowDb): StoredLine {
  return {
    sku: l.sku, productName: l.product_name, quantity: decimalToMilli(l.quantity), unitPrice: l.unit_price === null ? null : decimalToSen(l.unit_price),
    amount: decimalToSen(l.amount), returnedQuantity: decimalToMilli(l.returned_quantity), returnedAmount: decimalToSen(l.returned_amount),
  };
}

interface StoreInput {
  source: string;
  sourceId: string | null;
  orderId: string;
  recordId: number;
  customerId: string;
  orderedAt: string;
  channel: string | null;
  built: BuiltOrder;
  prior: { id: string; content_hash: string; cancelled_at: Date | null } | null;
  productIds: Map<string, string>;
  /** ISO 4217 code of the amounts, and the IANA zone the order was placed in. */
  currency: string;
  timeZone: string;
}

async function storeOrder(db: Db, s: StoreInput): Promise<{ id: string; change: 'created' | 'updated' | 'unchanged' }> {
  const { built } = s;
  // Currency and zone join the hash only when they are not the defaults, so orders stored before they existed stay unchanged.
  const place = s.currency === 'JPY' && s.timeZone === DEFAULT_ORDER_TIME_ZONE ? [] : [s.currency, s.timeZone];
  const hash = createHash('sha256').update(JSON.stringify([s.recordId, s.orderedAt, s.channel, built.status, built.lines, ...place])).digest('hex');
  if (s.prior && s.prior.content_hash === hash) return { id: s.prior.id, change: 'unchanged' };
  const orderedAt = new Date(s.orderedAt);
  const cancelledAt = built.cancelled ? (s.prior?.cancelled_at ?? new Date()) : null;
  const id = await repo.upsertOrder(db, {
    source: s.source, external_id: s.orderId, source_record_id: s.recordId, ordered_at: orderedAt, channel: s.channel, status: built.status,
    total_amount: senToDecimal(built.total), returned_amount: senToDecimal(built.returned), currency: s.currency, time_zone: s.timeZone,
    cancelled_at: cancelledAt, content_hash: hash,
  });
  await repo.replaceLines(db, id, built.lines.map((l) => ({
    line_no: l.lineNo, sku: l.sku, product_id: l.sku ? (s.productIds.get(l.sku) ?? null) : null, product_name: l.productName,
    quantity: milliToDecimal(l.quantity), unit_price: l.unitPrice === null ? null : senToDecimal(l.unitPrice), amount: senToDecimal(l.amount),
    returned_quantity: milliToDecimal(l.returnedQuantity), returned_amount: senToDecimal(l.returnedAmount),
  })));
  const key = `${s.source}:${s.orderId}`;
  const common = { customerId: s.customerId, sourceId: s.sourceId, sourceRecordId: s.recordId, currency: s.currency };
  const lines = built.lines.map((l) => ({ sku: l.sku, name: l.productName, qty: milliToDecimal(l.quantity), amount: senToDecimal(l.amount) }));
  await upsertKeyedActivity(db, {
    ...common, dedupeKey: `order:${key}`, type: 'purchase', occurredAt: orderedAt,
    title: `購入 ${money(built.total, s.currency)} (注文 ${s.orderId})`,
    properties: { orderId: s.orderId, source: s.source, lines, channel: s.channel, status: built.status },
    amount: senToDecimal(built.total),
  });
  if (built.cancelled) {
    await upsertKeyedActivity(db, {
      ...common, dedupeKey: `order-cancel:${key}`, type: 'purchase_cancelled', occurredAt: cancelledAt ?? new Date(),
      title: `注文キャンセル ${money(built.total, s.currency)} (注文 ${s.orderId})`, properties: { orderId: s.orderId, source: s.source, channel: s.channel }, amount: senToDecimal(built.total),
    });
  } else await deleteKeyedActivities(db, [`order-cancel:${key}`]);
  if (!built.cancelled && built.returned > 0) {
    // The return keeps the time it was first recorded when later changes rewrite it.
    const recorded = await repo.activityTime(db, `order-return:${key}`);
    await upsertKeyedActivity(db, {
      ...common, dedupeKey: `order-return:${key}`, type: 'purchase_returned', occurredAt: recorded ?? new Date(),
      title: `返品 ${money(built.returned, s.currency)} (注文 ${s.orderId})`,
      properties: { orderId: s.orderId, source: s.source, channel: s.channel, lines: built.lines.filter((l) => l.returnedQuantity > 0).map((l) => ({ sku: l.sku, name: l.productName, qty: milliToDecimal(l.returnedQuantity), amount: senToDecimal(l.returnedAmount) })) },
      amount: senToDecimal(built.returned),
    });
  } else await deleteKeyedActivities(db, [`order-return:${key}`]);
  return { id, change: s.prior ? 'updated' : 'created' };
}

function yen(sen: number): string {
  return `¥${Math.round(sen / 100).toLocaleString('ja-JP')}`;
}

/** An amount in its currency for a timeline title: ¥1,200 for yen, 12.50 GBP otherwise. */
function money(sen: number, currency: string): string {
  return currency === 'JPY' ? yen(sen) : `${(sen / 100).toLocaleString('ja-JP', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

// ── API writes ──

export interface OrderInput {
  source?: string | undefined;
  orderId: string;
  orderedAt: string;
  channel?: string | null | undefined;
  status?: string | null | undefined;
  currency?: string | null | undefined;
  timeZone?: string | null | undefined;
  customer: { email?: string | null | undefined; phone?: string | null | undefined; memberId?: string | null | undefined; name?: string | null | undefined; nameKana?: string | null | undefined; companyName?: string | null | undefined };
  lines: OrderInputLine[];
}

/** Creates or replaces one order (idempotent on source + orderId). */
export async function putOrder(db: Db, input: OrderInput, actor: Actor): Promise<Order> {
  const errors: FieldError[] = [];
  const currency = (input.currency ?? 'JPY').toUpperCase();
  if (!isCurrencyCode(currency)) errors.push({ field: 'currency', message: `ISO 4217 の通貨コードです (an ISO 4217 code such as JPY, GBP): ${input.currency}` });
  const timeZone = input.timeZone ?? DEFAULT_ORDER_TIME_ZONE;
  if (!isTimeZone(timeZone)) errors.push({ field: 'timeZone', message: `IANA のタイムゾーン名です (an IANA time zone such as Asia/Tokyo): ${timeZone}` });
  const at = parseTimestamp(input.orderedAt, { timeZone: isTimeZone(timeZone) ? timeZone : DEFAULT_ORDER_TIME_ZONE });
  if (!at.ok || !at.value) errors.push({ field: 'orderedAt', message: at.ok ? '必須 (required)' : at.reason });
  const fields: Partial<Record<ImportField, string>> = {};
  const c = input.customer;
  if (c.email) fields.email = c.email;
  if (c.phone) fields.phone = c.phone;
  if (c.name) fields.full_name = c.name;
  if (c.nameKana) fields.full_name_kana = c.nameKana;
  if (c.companyName) fields.company_name = c.companyName;
  if (!customerKey(c.memberId, fields)) errors.push({ field: 'customer', message: missingKeyReason(fields) });
  const rows: OrderRow[] = [];
  input.lines.forEach((l, i) => {
    const p = parseLine({ ...l, status: l.status ?? input.status });
    if (!p.ok) errors.push({ field: `lines.${i}.${p.field === 'unit_price' ? 'unitPrice' : p.field === 'product_name' ? 'productName' : p.field}`, message: p.reason });
    else rows.push({ line: i + 1, orderId: input.orderId, orderedAt: at.ok ? at.value : null, ...p.value, channel: input.channel ?? null, customer: fields, memberId: c.memberId ?? null });
  });
  if (errors.length) throw new AppError('validation_failed', '注文の内容が正しくありません (invalid order)', errors);
  const source = input.source ?? 'api';
  const report = await writeOrders(db, { source, recordKind: 'api', groups: [{ orderId: nfkc(input.orderId).trim(), rows }], actor, currency, timeZone });
  const done = report.orders[0];
  if (!done) throw new AppError('validation_failed', report.rejected[0]?.reason ?? '注文を保存できませんでした (order not stored)', [{ field: report.rejected[0]?.field ?? 'lines', message: report.rejected[0]?.reason ?? 'rejected' }]);
  await audit(db, actor, 'order.put', { type: 'order', id: done.id }, { source, orderId: input.orderId, change: report.created ? 'created' : report.updated ? 'updated' : 'unchanged' });
  return getOrder(db, done.id, { auth: actor.auth, customers: true });
}

/** Cancels an order: LTV and order count leave it out; a purchase_cancelled activity goes on the timeline. */
export async function cancelOrder(db: Db, id: string, actor: Actor): Promise<Order> {
  return rewriteOrder(db, id, actor, 'order.cancel', (stored) => {
    const built = buildOrder([], { lines: stored, cancelled: true });
    return built ? { ...built, cancelled: true, status: 'cancelled' } : null;
  });
}

/** Records returned quantities (absolute per SKU) of an order. */
export async function returnOrderLines(db: Db, id: string, lines: Array<{ sku: string; quantity: string }>, actor: Actor): Promise<Order> {
  const errors: FieldError[] = [];
  const rows = lines.flatMap((l, i) => {
    const p = parseLine({ sku: l.sku, quantity: `-${String(l.quantity).replace(/^-/u, '')}`, amount: null, unitPrice: '0' });
    if (!p.ok) {
      errors.push({ field: `lines.${i}.${p.field}`, message: p.reason });
      return [];
    }
    return [p.value];
  });
  if (errors.length) throw new AppError('validation_failed', '返品の内容が正しくありません (invalid return)', errors);
  return rewriteOrder(db, id, actor, 'order.return', (stored, cancelled) => {
    // The refund follows the line's own unit price (amount / quantity).
    const priced = rows.map((r) => {
      const line = stored.find((l) => l.sku === r.sku);
      if (!line) throw new AppError('validation_failed', `この注文に商品コード ${r.sku} はありません (SKU not in order)`, [{ field: 'lines', message: r.sku ?? '' }]);
      return { ...r, amount: -Math.round((line.amount * -r.quantity) / Math.max(1, line.quantity)) };
    });
    return buildOrder(priced, { lines: stored, cancelled });
  });
}

async function rewriteOrder(db: Db, id: string, actor: Actor, action: string, build: (stored: StoredLine[], cancelled: boolean) => BuiltOrder | null): Promise<Order> {
  await db.transaction().execute(async (trx) => {
    const row = await repo.findOrderRow(trx, id);
    if (!row) throw notFound('Order');
    if (!row.customer_id) throw new AppError('conflict', 'この注文の顧客が見つかりません (order has no customer)');
    const built = build((await repo.listLinesOf(trx, [id])).map(toStoredLine), row.status === 'cancelled');
    if (!built) throw new AppError('conflict', '注文に明細がありません (order has no lines)');
    const skus = built.lines.map((l) => l.sku).filter((s): s is string => !!s);
    await storeOrder(trx, {
      source: row.source, sourceId: await repo.findSourceId(trx, ordersSourceName(row.source)), orderId: row.external_id, recordId: row.source_record_id,
      customerId: row.customer_id, orderedAt: row.ordered_at.toISOString(), channel: row.channel, built, prior: row, productIds: await repo.productIdsBySku(trx, skus),
      currency: row.currency, timeZone: row.time_zone,
    });
    await audit(trx, actor, action, { type: 'order', id }, { source: row.source, orderId: row.external_id, status: built.status });
    await ordersChanged(trx, [row.customer_id]);
  });
  return getOrder(db, id, { auth: actor.auth, customers: true });
}
