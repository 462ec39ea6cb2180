import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * SQL of cross-sell and up-sell: buyers' purchase histories read page by page, the catalogue, the runs, the stored
 * product-affinity model and each buyer's candidates. The one writer of recommend_runs, product_affinities and
 * customer_candidates.
 *
 * "Bought" = a line of quantity > 0 with a known product in an order that was not cancelled; a later return does not
 * undo it (the customer knows the product either way: it is never offered again).
 */

export interface PurchaseLine { customer_id: string; order_id: string; product_id: string; ordered_at: Date; unit_price: string | null }
/**
 * Orders that count as of a date: those placed before it (on an earlier calendar day where they were placed), so an
 * audit that trains on the orders before a cut-off and tests on the ones from it on sees no order on both sides
 * (issue 22's `--as-of`); null = every order.
 */
const orderCounts = (asOf: string | null) => asOf === null
  ? sql`o.status <> 'cancelled'`
  : sql`o.status <> 'cancelled' AND (o.ordered_at AT TIME ZONE o.time_zone)::date < ${asOf}::date`;

/** The next page of live customers by id (keyset), buyers or not: the walk of a full run (利用停止 ones get no candidates). */
export async function customerIdPage(db: Db, after: string | null, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT id FROM customers WHERE deleted_at IS NULL AND use_stopped_request_id IS NULL ${after === null ? sql`` : sql`AND id > ${after}::uuid`}
    ORDER BY id LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function countLiveCustomers(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers WHERE deleted_at IS NULL`.execute(db);
  return row.rows[0]?.n ?? 0;
}

/**
 * What these customers bought, one row per product per order (the highest unit price paid in it), by customer and
 * time: both the customers' histories and the orders' baskets are read from it. Customers who bought nothing are absent.
 */
export async function purchasesOf(db: Db, customerIds: readonly string[], asOf: string | null): Promise<PurchaseLine[]> {
  if (customerIds.length === 0) return [];
  const rows = await sql<PurchaseLine>`
    SELECT sr.customer_id, o.id AS order_id, l.product_id, o.ordered_at, max(l.unit_price) AS unit_price
    FROM source_records sr
    JOIN orders o ON o.source_record_id = sr.id
    JOIN order_lines l ON l.order_id = o.id
    WHERE sr.customer_id = ANY(${[...customerIds]}::uuid[]) AND ${orderCounts(asOf)} AND l.quantity > 0 AND l.product_id IS NOT NULL
    GROUP BY sr.customer_id, o.id, l.product_id, o.ordered_at
    ORDER BY sr.customer_id, o.ordered_at, o.id`.execute(db);
  return rows.rows;
}

/** Every product that was ever bought or is on sale, with what up-sell needs (category and price). */
export async function catalogue(db: Db) {
  const rows = await db.selectFrom('products').select(['id', 'sku', 'name', 'category', 'price', 'active']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, sku: r.sku, name: r.name, category: r.category, price: r.price === null ? null : Number(r.price), active: r.active }));
}
export type CatalogueRow = Awaited<ReturnType<typeof catalogue>>[number];

// ── runs ──

/** Fails a run whose process stopped beating (so a new one can be claimed). */
export async function failStaleRuns(db: Db, staleBefore: Date): Promise<void> {
  await db.updateTable('recommend_runs').set({ status: 'failed', error: '処理が止まりました (stopped: no heartbeat for 10 minutes)', finished_at: new Date() })
    .where('status', '=', 'running').where('heartbeat_at', '<', staleBefore).execute();
}

/** Starts a run, or null when another is running (one at a time across processes: a unique index). */
export async function insertRun(db: Db, asOf: string | null, userId: string | null): Promise<number | null> {
  const row = await sql<{ id: number }>`
    INSERT INTO recommend_runs (as_of, started_by) VALUES (${asOf}::date, ${userId}::uuid)
    ON CONFLICT DO NOTHING RETURNING id`.execute(db);
  return row.rows[0]?.id ?? null;
}

export async function updateRun(db: Db, id: number, set: {
  phase?: 'model' | 'candidates' | 'done'; status?: 'done' | 'failed'; customers_done?: number; customers_total?: number; buyers?: number;
  product_buyers?: Record<string, number>; pairs?: number; seconds?: number; peak_rss_mb?: number; error?: string; finished?: boolean;
}): Promise<void> {
  const { finished, product_buyers, ...rest } = set;
  await db.updateTable('recommend_runs')
    .set({ ...rest, ...(product_buyers ? { product_buyers: JSON.stringify(product_buyers) } : {}), heartbeat_at: new Date(), ...(finished ? { finished_at: new Date() } : {}) })
    .where('id', '=', id).execute();
}

export async function runById(db: Db, id: number) {
  return db.selectFrom('recommend_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestRuns(db: Db, limit: number) {
  return db.selectFrom('recommend_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** The last finished run: its model totals are what the stored affinities were computed with. */
export async function lastDoneRun(db: Db) {
  return db.selectFrom('recommend_runs').selectAll().where('status', '=', 'done').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

// ── the model ──

export interface AffinityRow { product_id: string; neighbour_id: string; co_customers: number; confidence: number; lift: number; similarity: number }

/** Replaces the stored model (in the caller's transaction, so readers see the old one or the new one). */
export async function replaceAffinities(db: Db, rows: readonly AffinityRow[]): Promise<void> {
  await sql`DELETE FROM product_affinities`.execute(db);
  for (let i = 0; i < rows.length; i += 5000) {
    await sql`INSERT INTO product_affinities (product_id, neighbour_id, co_customers, confidence, lift, similarity)
      SELECT v.product_id, v.neighbour_id, v.co_customers, v.confidence, v.lift, v.similarity
      FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 5000))}::jsonb)
        AS v(product_id uuid, neighbour_id uuid, co_customers integer, confidence double precision, lift double precision, similarity double precision)
      JOIN products p ON p.id = v.product_id JOIN products n ON n.id = v.neighbour_id`.execute(db);
  }
}

/** The stored neighbours of these products. */
export async function affinitiesOf(db: Db, productIds: readonly string[]): Promise<AffinityRow[]> {
  if (productIds.length === 0) return [];
  return db.selectFrom('product_affinities').selectAll().where('product_id', '=', sql<string>`ANY(${[...productIds]}::uuid[])`).execute();
}

// ── candidates ──

export interface CandidateRow { customer_id: string; product_id: string; rank: number; score: number; kind: 'cross_sell' | 'up_sell' | 'popular'; reason: Record<string, unknown> }

/** The run whose candidates are read: the last finished one (null before the first). */
const CURRENT_RUN = sql<number>`(SELECT max(id) FROM recommend_runs WHERE status = 'done')`;

/** A run's candidates of one page of customers (one statement; the run's rows are new, nothing is replaced). */
export async function insertCandidates(db: Db, rows: readonly CandidateRow[], runId: number): Promise<void> {
  if (rows.length === 0) return;
  await sql`INSERT INTO customer_candidates (run_id, customer_id, rank, product_id, score, kind, reason)
    SELECT ${runId}, v.customer_id, v.rank, v.product_id, v.score, v.kind, v.reason
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS v(customer_id uuid, product_id uuid, rank smallint, score double precision, kind text, reason jsonb)`.execute(db);
}

/** Rows of other runs than the one kept: earlier finished runs once a new one is done, and failed or stopped runs'. */
export async function deleteCandidatesExcept(db: Db, keepRunId: number | null): Promise<number> {
  const result = await sql`DELETE FROM customer_candidates WHERE ${keepRunId === null ? sql`TRUE` : sql`run_id <> ${keepRunId}`}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** The segment condition's subquery: customers with this SKU among their first `maxRank` candidates (of one kind). */
export function candidateCustomersSql(sku: string, maxRank: number, kind: string | undefined) {
  return sql`SELECT cc.customer_id FROM customer_candidates cc JOIN products p ON p.id = cc.product_id
    WHERE cc.run_id = ${CURRENT_RUN} AND p.sku = ${sku} AND cc.rank <= ${maxRank}${kind ? sql` AND cc.kind = ${kind}` : sql``}`;
}

/** 「B を勧める顧客」: the live customers with this product among their candidates, best placed first (keyset on rank, id). */
export async function customersForProduct(db: Db, productId: string, maxRank: number, after: { rank: number; id: string } | null, limit: number) {
  let query = db.selectFrom('customer_candidates as cc')
    .innerJoin('customers as c', 'c.id', 'cc.customer_id')
    .select(['cc.customer_id', 'cc.rank', 'cc.score', 'cc.kind', 'cc.reason'])
    .where('cc.run_id', '=', CURRENT_RUN).where('cc.product_id', '=', productId).where('cc.rank', '<=', maxRank).where('c.deleted_at', 'is', null)
    .where('c.use_stopped_request_id', 'is', null);
  if (after) query = query.where((eb) => eb.or([eb('cc.rank', '>', after.rank), eb.and([eb('cc.rank', '=', after.rank), eb('cc.customer_id', '>', after.id)])]));
  return query.orderBy('cc.rank').orderBy('cc.customer_id').limit(limit).execute();
}

export async function countCustomersForProduct(db: Db, productId: string, maxRank: number): Promise<number> {
  const row = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM customer_candidates cc JOIN customers c ON c.id = cc.customer_id
    WHERE cc.run_id = ${CURRENT_RUN} AND cc.product_id = ${productId}::uuid AND cc.rank <= ${maxRank} AND c.deleted_at IS NULL AND c.use_stopped_request_id IS NULL`.execute(db);
  return row.rows[0]?.n ?? 0;
}

// ── basket rules ──

export interface RuleRow { antecedent: string[]; consequent: string; support: number; confidence: number; lift: number; baskets: number }

/** Replaces the stored rules (in the caller's transaction, with the affinities). */
export async function replaceRules(db: Db, rows: readonly RuleRow[]): Promise<void> {
  await sql`DELETE FROM product_rules`.execute(db);
  for (let i = 0; i < rows.length; i += 5000) {
    await sql`INSERT INTO product_rules (antecedent, consequent, support, confidence, lift, baskets)
      SELECT ARRAY(SELECT jsonb_array_elements_text(v.antecedent))::uuid[], v.consequent, v.support, v.confidence, v.lift, v.baskets
      FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 5000))}::jsonb)
        AS v(antecedent jsonb, consequent uuid, support double precision, confidence double precision, lift double precision, baskets integer)
      WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = v.consequent)`.execute(db);
  }
}

/** The strongest rules with this product on either side. */
export async function rulesAbout(db: Db, productId: string, limit: number): Promise<RuleRow[]> {
  const rows = await sql<RuleRow>`
    SELECT antecedent::text[] AS antecedent, consequent, support, confidence, lift, baskets FROM product_rules
    WHERE consequent = ${productId}::uuid OR antecedent @> ARRAY[${productId}::uuid]
    ORDER BY lift DESC, confidence DESC, id LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({ ...r, antecedent: parseTextArray(r.antecedent) }));
}

/** text[] arrives as an array from pg and may arrive as '{a,b}' text elsewhere: one shape for the caller. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/gu, '').split(',').filter((v) => v !== '');
}

export async function productById(db: Db, id: string) {
  const r = await db.selectFrom('products').select(['id', 'sku', 'name', 'category', 'price', 'active']).where('id', '=', id).executeTakeFirst();
  return r ? { id: r.id, sku: r.sku, name: r.name, category: r.category, price: r.price === null ? null : Number(r.price), active: r.active } : undefined;
}

/** Cross-sell runs running now, and the last finished one's seconds. */
export async function recommendRunFigures(db: Db): Promise<{ running: number; lastSeconds: number | null }> {
  const running = await db.selectFrom('recommend_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'running').executeTakeFirst();
  const last = await db.selectFrom('recommend_runs').select('seconds').where('status', '=', 'done').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return { running: Number(running?.n ?? 0), lastSeconds: last?.seconds ?? null };
}

/** 消去 (src/ledger/privacy): the customers' cross-sell candidates. */
export async function eraseCandidatesOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('customer_candidates').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Whether the customer's use is stopped (利用停止): they get no recommendations. */
export async function isUseStopped(db: Db, customerId: string): Promise<boolean> {
  const row = await db.selectFrom('customers').select('use_stopped_request_id').where('id', '=', customerId).executeTakeFirst();
  return row?.use_stopped_request_id != null;
}
