import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * SQL of customer values (customer_values, value_runs): purchase facts per customer from the orders, scores
 * against stored cut points, and the reads of the RFM grid. The one writer of both tables.
 */

export interface Cuts { r: Array<number | null>; f: Array<number | null>; m: Array<number | null> }

/**
 * Orders counted for RFM (frequency, recency): not cancelled, with at least one line of positive quantity. An
 * order's lines are read in one of two shapes with the same result (an order without lines counts nothing and adds
 * nothing): for everyone, all lines grouped once and hash-joined (1M customers, 2M orders on PostgreSQL: an index
 * probe and a hashed EXISTS per order took most of the recompute); for a few customers, their orders' lines by index.
 */
const FACTS = (asOfEnd: Date, currency: string, customerIds: readonly string[] | null) => sql`
  SELECT sr.customer_id,
         min(o.ordered_at) FILTER (WHERE o.counted) AS first_order_at,
         max(o.ordered_at) FILTER (WHERE o.counted) AS last_order_at,
         max(o.local_day) FILTER (WHERE o.counted) AS last_day,
         count(*) FILTER (WHERE o.counted) AS frequency,
         COALESCE(sum(o.net), 0) AS monetary
  FROM (
    SELECT o.id, o.source_record_id, o.ordered_at, (o.ordered_at AT TIME ZONE o.time_zone)::date AS local_day,
           COALESCE(l.counted, FALSE) AS counted, COALESCE(l.net, 0) AS net
    FROM orders o
    ${customerIds
      ? sql`CROSS JOIN LATERAL (SELECT bool_or(l.quantity > 0) AS counted, sum(l.amount - l.returned_amount) AS net FROM order_lines l WHERE l.order_id = o.id) l`
      : sql`JOIN (SELECT l.order_id, bool_or(l.quantity > 0) AS counted, sum(l.amount - l.returned_amount) AS net FROM order_lines l GROUP BY l.order_id) l ON l.order_id = o.id`}
    WHERE o.status <> 'cancelled' AND o.currency = ${currency} AND o.ordered_at < ${asOfEnd}
      ${customerIds ? sql`AND o.source_record_id IN (SELECT id FROM source_records WHERE customer_id = ANY(${[...customerIds]}::uuid[]))` : sql``}
  ) o
  JOIN source_records sr ON sr.id = o.source_record_id
  WHERE sr.customer_id IS NOT NULL
  GROUP BY sr.customer_id
  HAVING count(*) FILTER (WHERE o.counted) >= 1`;

/** The currency most counted orders are in (the scoring currency when none is configured). */
export async function mainCurrency(db: Db): Promise<string | null> {
  const row = await sql<{ currency: string }>`SELECT currency FROM orders WHERE status <> 'cancelled' GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1`.execute(db);
  return row.rows[0]?.currency ?? null;
}

/**
 * Rewrites every buyer's facts as of `asOf` (a Japan date; orders before its end), dropping customers who no
 * longer bought; scores are set afterwards by scoreAll. Returns the number of buyers.
 */
export async function replaceFacts(db: Db, asOf: string, asOfEnd: Date, currency: string): Promise<number> {
  await sql`DELETE FROM customer_values`.execute(db);
  const result = await sql`
    INSERT INTO customer_values (customer_id, as_of, first_order_at, last_order_at, recency_days, frequency, monetary, currency)
    SELECT f.customer_id, ${asOf}::date, f.first_order_at, f.last_order_at, ${asOf}::date - f.last_day, f.frequency, f.monetary, ${currency}
    FROM (${FACTS(asOfEnd, currency, null)}) f
    JOIN customers c ON c.id = f.customer_id AND c.deleted_at IS NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

const scoreSql = (expr: ReturnType<typeof sql>, cuts: Array<number | null>) => {
  const reached = cuts.filter((c): c is number => c !== null).map((c) => sql`CASE WHEN ${expr} >= ${c} THEN 1 ELSE 0 END`);
  return reached.length ? sql`(1 + ${sql.join(reached, sql` + `)})` : sql`1`;
};

/**
 * Rewrites the facts, scores and tier of some customers (after their orders changed, a merge or a split) against
 * the given cut points, in one statement: buyers upserted, customers who no longer bought dropped, predicted values
 * cleared (they belong to the last full run). One statement is one snapshot and one commit: a reader never sees the
 * customer between a delete and its insert, and the refresh after one order costs one round trip.
 */
export async function refreshFactsOf(db: Db, customerIds: readonly string[], asOf: string, asOfEnd: Date, currency: string,
  cuts: Cuts, bins: number, tierGrid: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const ids = [...customerIds];
  await sql`
    WITH f AS (
      SELECT f.customer_id, f.first_order_at, f.last_order_at, ${asOf}::date - f.last_day AS recency_days, f.frequency, f.monetary
      FROM (${FACTS(asOfEnd, currency, ids)}) f
      JOIN customers c ON c.id = f.customer_id AND c.deleted_at IS NULL
      WHERE f.customer_id = ANY(${ids}::uuid[])),
    s AS (
      SELECT f.*, ${scoreSql(sql`-f.recency_days`, cuts.r)} AS r, ${scoreSql(sql`f.frequency`, cuts.f)} AS f_score, ${scoreSql(sql`f.monetary`, cuts.m)} AS m FROM f),
    gone AS (
      DELETE FROM customer_values WHERE customer_id = ANY(${ids}::uuid[]) AND customer_id NOT IN (SELECT customer_id FROM f))
    INSERT INTO customer_values (customer_id, as_of, first_order_at, last_order_at, recency_days, frequency, monetary, currency, r, f, m, tier)
    SELECT s.customer_id, ${asOf}::date, s.first_order_at, s.last_order_at, s.recency_days, s.frequency, s.monetary, ${currency},
           s.r, s.f_score, s.m, (${[...tierGrid]}::text[])[(s.r - 1) * ${bins} + s.f_score]
    FROM s
    ON CONFLICT (customer_id) DO UPDATE SET
      as_of = excluded.as_of, first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
      recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary, currency = excluded.currency,
      r = excluded.r, f = excluded.f, m = excluded.m, tier = excluded.tier,
      p_alive = NULL, expected_purchases_90d = NULL, expected_order_value = NULL, predicted_value_365d = NULL, computed_at = now()`.execute(db);
}

/** Distinct values of one fact with how many buyers hold each ("better" = larger: recency negated). */
export async function distinctFacts(db: Db, fact: 'r' | 'f' | 'm'): Promise<Array<{ value: number; count: number }>> {
  const expr = fact === 'r' ? sql`-recency_days` : fact === 'f' ? sql`frequency` : sql`monetary`;
  const rows = await sql<{ value: string | number; count: string | number }>`SELECT ${expr} AS value, count(*) AS count FROM customer_values GROUP BY 1`.execute(db);
  return rows.rows.map((r) => ({ value: Number(r.value), count: Number(r.count) }));
}


/** Scores and tiers of every buyer against the cut points; tierGrid is row-major (r, f). */
export async function applyScores(db: Db, cuts: Cuts, bins: number, tierGrid: readonly string[]): Promise<void> {
  const r = scoreSql(sql`-recency_days`, cuts.r);
  const f = scoreSql(sql`frequency`, cuts.f);
  const m = scoreSql(sql`monetary`, cuts.m);
  await sql`
    UPDATE customer_values SET r = s.r, f = s.f, m = s.m, tier = (${[...tierGrid]}::text[])[(s.r - 1) * ${bins} + s.f], computed_at = now()
    FROM (SELECT customer_id, ${r} AS r, ${f} AS f, ${m} AS m FROM customer_values) s
    WHERE customer_values.customer_id = s.customer_id`.execute(db);
}

/**
 * Fresh planner statistics after a full rewrite: until autovacuum came by (never, on PGlite), a segment on tiers was
 * planned from the empty table's (192,057 members of 1M estimated at 2,647: 192k index probes, 2.0 s).
 */
export async function analyzeValues(db: Db): Promise<void> {
  await sql`ANALYZE customer_values`.execute(db);
}

export async function insertRun(db: Db, run: { asOf: string; currency: string; thresholds: unknown; model: unknown; customers: number; seconds: number }): Promise<void> {
  await db.insertInto('value_runs').values({
    as_of: run.asOf, currency: run.currency, thresholds: JSON.stringify(run.thresholds), model: run.model === null ? null : JSON.stringify(run.model),
    customers: run.customers, seconds: run.seconds,
  }).execute();
}

export async function latestRun(db: Db) {
  return db.selectFrom('value_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Takes the recompute for this transaction, or says another process holds it (several servers, one database). */
export async function tryLockRecompute(db: Db): Promise<boolean> {
  const row = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(214021) AS locked`.execute(db);
  return row.rows[0]?.locked === true;
}

export async function findValues(db: Db, customerId: string) {
  return db.selectFrom('customer_values').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
}

/** The R×F grid: buyers and revenue per cell. */
export async function rfGrid(db: Db) {
  const rows = await sql<{ r: number; f: number; customers: number | string; revenue: string }>`
    SELECT r, f, count(*) AS customers, COALESCE(sum(monetary), 0) AS revenue FROM customer_values
    WHERE r IS NOT NULL GROUP BY r, f ORDER BY r, f`.execute(db);
  return rows.rows;
}

export async function tierTotals(db: Db) {
  const rows = await sql<{ tier: string; customers: number | string; revenue: string }>`
    SELECT tier, count(*) AS customers, COALESCE(sum(monetary), 0) AS revenue FROM customer_values WHERE tier IS NOT NULL GROUP BY tier`.execute(db);
  return rows.rows;
}

/** Buyers for the audit export, in customer id order after `after`. */
export async function valuesAfter(db: Db, after: string | null, limit: number) {
  let q = db.selectFrom('customer_values').selectAll().where('frequency', '>=', 1);
  if (after) q = q.where(sql<SqlBool>`customer_id > ${after}::uuid`);
  return q.orderBy('customer_id').limit(limit).execute();
}

/** Buyers' repeat-purchase summaries for the BG/NBD and Gamma-Gamma fits (weeks, as of the run). */
export async function modelInputs(db: Db, asOfEnd: Date, currency: string) {
  const rows = await sql<{ customer_id: string; x: number | string; t_x: number | null; t: number; avg_repeat: string | null }>`
    WITH days AS (
      SELECT sr.customer_id, (o.ordered_at AT TIME ZONE o.time_zone)::date AS day,
             sum((SELECT COALESCE(sum(l.amount - l.returned_amount), 0) FROM order_lines l WHERE l.order_id = o.id)) AS spend
      FROM orders o JOIN source_records sr ON sr.id = o.source_record_id
      WHERE sr.customer_id IS NOT NULL AND o.status <> 'cancelled' AND o.currency = ${currency} AND o.ordered_at < ${asOfEnd}
        AND EXISTS (SELECT 1 FROM order_lines pl WHERE pl.order_id = o.id AND pl.quantity > 0)
      GROUP BY sr.customer_id, 2),
    firsts AS (SELECT customer_id, min(day) AS first_day FROM days GROUP BY customer_id)
    SELECT d.customer_id, count(*) - 1 AS x,
           (max(d.day) - f.first_day) / 7.0 AS t_x,
           ((${asOfEnd}::timestamptz AT TIME ZONE 'Asia/Tokyo')::date - f.first_day) / 7.0 AS t,
           CASE WHEN count(*) > 1 THEN (sum(d.spend) FILTER (WHERE d.day > f.first_day)) / (count(*) - 1) END AS avg_repeat
    FROM days d JOIN firsts f ON f.customer_id = d.customer_id
    GROUP BY d.customer_id, f.first_day`.execute(db);
  return rows.rows.map((r) => ({ customerId: r.customer_id, x: Number(r.x), tx: Number(r.t_x ?? 0), T: Number(r.t), avgRepeat: r.avg_repeat === null ? null : Number(r.avg_repeat) }));
}

/** Writes predicted values (BG/NBD, Gamma-Gamma) for many buyers at once. */
export async function setPredictions(db: Db, rows: ReadonlyArray<{ customerId: string; pAlive: number; expected90: number; expectedValue: number | null; value365: number | null }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`
      UPDATE customer_values SET p_alive = u.p_alive, expected_purchases_90d = u.e90, expected_order_value = u.eov, predicted_value_365d = u.v365
      FROM (SELECT * FROM unnest(${chunk.map((r) => r.customerId)}::uuid[], ${chunk.map((r) => r.pAlive)}::float8[],
                                 ${chunk.map((r) => r.expected90)}::float8[], ${chunk.map((r) => r.expectedValue)}::numeric[],
                                 ${chunk.map((r) => r.value365)}::numeric[]) AS t(customer_id, p_alive, e90, eov, v365)) u
      WHERE customer_values.customer_id = u.customer_id`.execute(db);
  }
}
