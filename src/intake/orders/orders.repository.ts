import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

// ── products ──

export async function insertProduct(db: Db, values: { sku: string; name: string; category: string | null; price: string | null; active: boolean }) {
  return db.insertInto('products').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateProduct(db: Db, id: string, values: Partial<{ sku: string; name: string; category: string | null; price: string | null; active: boolean }>) {
  return db.updateTable('products').set({ ...values, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function findProduct(db: Db, id: string) {
  return db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listProducts(db: Db, filter: { q?: string | undefined; category?: string | undefined; active?: boolean | undefined }, after: { sku: string } | null, limit: number) {
  let q = db.selectFrom('products').selectAll();
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.active !== undefined) q = q.where('active', '=', filter.active);
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/gu, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('sku', 'ilike', like), eb('name', 'ilike', like)]));
  }
  if (after) q = q.where('sku', '>', after.sku);
  return q.orderBy('sku').limit(limit).execute();
}

export async function productIdsBySku(db: Db, skus: string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db.selectFrom('products').select(['id', 'sku']).where('sku', 'in', skus).execute();
  return new Map(rows.map((r) => [r.sku, r.id]));
}

// ── orders ──

export async function findOrdersByExternalIds(db: Db, source: string, externalIds: string[]) {
  if (externalIds.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('source', '=', source).where('external_id', 'in', externalIds).execute();
}

export async function findOrderRow(db: Db, id: string) {
  return db
    .selectFrom('orders')
    .innerJoin('source_records', 'source_records.id', 'orders.source_record_id')
    .leftJoin('customers', 'customers.id', 'source_records.customer_id')
    .selectAll('orders')
    .select(['source_records.customer_id', 'customers.display_name as customer_name'])
    .where('orders.id', '=', id)
    .executeTakeFirst();
}

export async function listLinesOf(db: Db, orderIds: string[]) {
  if (orderIds.length === 0) return [];
  return db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('order_id').orderBy('line_no').execute();
}

export interface OrderValues {
  source: string;
  external_id: string;
  source_record_id: number;
  ordered_at: Date;
  channel: string | null;
  status: string;
  total_amount: string;
  returned_amount: string;
  currency: string;
  time_zone: string;
  cancelled_at: Date | null;
  content_hash: string;
}

export async function upsertOrder(db: Db, values: OrderValues): Promise<string> {
  const { source: _s, external_id: _e, ...update } = values;
  const row = await db
    .insertInto('orders')
    .values(values)
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet({ ...update, updated_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function replaceLines(db: Db, orderId: string, lines: Array<{ line_no: number; sku: string | null; product_id: string | null; product_name: string | null; quantity: string; unit_price: string | null; amount: string; returned_quantity: string; returned_amount: string }>) {
  await db.deleteFrom('order_lines').where('order_id', '=', orderId).execute();
  if (lines.length) await db.insertInto('order_lines').values(lines.map((l) => ({ ...l, order_id: orderId }))).execute();
}

export async function listOrderRows(
  db: Db,
  filter: { customerId?: string | undefined; status?: string | undefined; channel?: string | undefined; source?: string | undefined; from?: string | undefined; to?: string | undefined },
  after: { orderedAt: string; id: string } | null,
  limit: number,
) {
  let q = db
    .selectFrom('orders')
    .innerJoin('source_records', 'source_records.id', 'orders.source_record_id')
    .leftJoin('customers', 'customers.id', 'source_records.customer_id')
    .selectAll('orders')
    .select(['source_records.customer_id', 'customers.display_name as customer_name'])
    .select(sql<string>`to_char(orders.ordered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('ordered_cursor'));
  if (filter.customerId) q = q.where('source_records.customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('orders.status', '=', filter.status);
  if (filter.channel) q = q.where('orders.channel', '=', filter.channel);
  if (filter.source) q = q.where('orders.source', '=', filter.source);
  if (filter.from) q = q.where('orders.ordered_at', '>=', new Date(filter.from));
  if (filter.to) q = q.where('orders.ordered_at', '<', new Date(filter.to));
  if (after) q = q.where(sql<SqlBool>`(orders.ordered_at, orders.id) < (${after.orderedAt}::timestamptz, ${after.id}::uuid)` as Expression<SqlBool>);
  return q.orderBy('orders.ordered_at', 'desc').orderBy('orders.id', 'desc').limit(limit).execute();
}

export interface PurchaseSummaryRow {
  order_count: number | string;
  cancelled_count: number | string;
  lifetime_value: string | null;
  returned_amount: string | null;
  first_purchase_at: Date | null;
  last_purchase_at: Date | null;
}

/**
 * A customer's purchase figures, net of cancellations and returns, straight from the orders: source_records by
 * customer (index) → orders by source record (orders_record_time_idx). Counted orders exclude cancelled and fully
 * returned ones; first/last purchase are over counted orders.
 */
export async function purchaseSummary(db: Db, customerId: string): Promise<PurchaseSummaryRow> {
  const result = await sql<PurchaseSummaryRow>`
    select
      count(*) filter (where o.status <> 'cancelled' and o.total_amount > o.returned_amount) as order_count,
      count(*) filter (where o.status = 'cancelled') as cancelled_count,
      coalesce(sum(o.total_amount - o.returned_amount) filter (where o.status <> 'cancelled'), 0) as lifetime_value,
      coalesce(sum(o.returned_amount) filter (where o.status <> 'cancelled'), 0) as returned_amount,
      min(o.ordered_at) filter (where o.status <> 'cancelled' and o.total_amount > o.returned_amount) as first_purchase_at,
      max(o.ordered_at) filter (where o.status <> 'cancelled' and o.total_amount > o.returned_amount) as last_purchase_at
    from source_records sr
    join orders o on o.source_record_id = sr.id
    where sr.customer_id = ${customerId}`.execute(db);
  return result.rows[0]!;
}

/**
 * The same figures for every customer with purchases (for RFM segmentation): one grouped scan of orders.
 */
export async function purchaseStatsAll(db: Db) {
  const result = await sql<{ customer_id: string; order_count: number | string; lifetime_value: string; first_purchase_at: Date; last_purchase_at: Date }>`
    select sr.customer_id,
      count(*) as order_count,
      sum(o.total_amount - o.returned_amount) as lifetime_value,
      min(o.ordered_at) as first_purchase_at,
      max(o.ordered_at) as last_purchase_at
    from orders o
    join source_records sr on sr.id = o.source_record_id
    where o.status <> 'cancelled' and o.total_amount > o.returned_amount and sr.customer_id is not null
    group by sr.customer_id`.execute(db);
  return result.rows;
}

export async function findSourceId(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('sources').select('id').where('name', '=', name).executeTakeFirst();
  return row?.id ?? null;
}

export async function recordCustomer(db: Db, recordId: number): Promise<string | null> {
  const row = await db.selectFrom('source_records').select('customer_id').where('id', '=', recordId).executeTakeFirst();
  return row?.customer_id ?? null;
}

export async function activityTime(db: Db, dedupeKey: string): Promise<Date | null> {
  const row = await db.selectFrom('activities').select('occurred_at').where('dedupe_key', '=', dedupeKey).executeTakeFirst();
  return row?.occurred_at ?? null;
}

/**
 * 消去 (src/ledger/privacy): the orders of these buyer records and their lines. Daicho's orders are a copy of the
 * shop's or ERP's (the books of account the tax law keeps live there), so nothing is kept here (docs/PRIVACY.md).
 */
export async function eraseOrdersOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const ids = db.selectFrom('orders').select('id').where('source_record_id', 'in', recordIds);
  await db.deleteFrom('order_lines').where('order_id', 'in', ids).execute();
  const r = await db.deleteFrom('orders').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
