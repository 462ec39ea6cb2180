import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * SQL of customer values (customer_values, value_runs): purchase facts per customer from the orders, scores
 * against stored cut points, and the reads of the RFM grid. The one writer of both tables.
 */

export interface Cuts { r: Array<number | null>; f: Array<number | null>; m: Array<number | null> }

/**
/**
 * A line's net amount (src/domain/value/rfm.ts): (quantity − returned) × unit price, or, without a unit price,
 * amount − returned amount. Shared with the segment conditions on purchase amounts.
 */
export const LINE_NET = sql`CASE WHEN l.unit_price IS NOT NULL THEN (l.quantity - l.returned_quantity) * l.unit_price ELSE l.amount - l.returned_amount END`;

/**
 * Per buyer, as of a date: orders counted for frequency and recency are not cancelled and have a line of positive
 * quantity; monetary nets every line of every non-cancelled order; orders on a local date after the as-of date are
 * left out (a past date reproduces history). Dates are the order's own (orders.time_zone). An order's lines are read
 * in one of two shapes with the same result (an order without lines counts nothing and adds nothing): for everyone,
 * all lines grouped once and hash-joined (1M customers, 2M orders on PostgreSQL: an index probe and a hashed EXISTS per
 * order took most of the recompute); for a few customers, their orders' lines by index.
 */
const FACTS = (asOf: string, currency: string, customerIds: readonly string[] | null) => sql`
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
      ? sql`CROSS JOIN LATERAL (SELECT bool_or(l.quantity > 0) AS counted, sum(${LINE_NET}) AS net FROM order_lines l WHERE l.order_id = o.id) l`
      : sql`JOIN (SELECT l.order_id, bool_or(l.quantity > 0) AS counted, sum(${LINE_NET}) AS net FROM order_lines l GROUP BY l.order_id) l ON l.order_id = o.id`}
    WHERE o.status <> 'cancelled' AND o.currency = ${currency} AND (o.ordered_at AT TIME ZONE o.time_zone)::date <= ${asOf}::date
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
export async function replaceFacts(db: Db, asOf: string, currency: string): Promise<number> {
  await sql`DELETE FROM customer_values`.execute(db);
  const result = await sql`
    INSERT INTO customer_values (customer_id, as_of, first_order_at, last_order_at, recency_days, frequency, monetary, currency)
    SELECT f.customer_id, ${asOf}::date, f.first_order_at, f.last_order_at, ${asOf}::date - f.last_day, f.frequency, f.monetary, ${currency}
    FROM (${FACTS(asOf, currency, null)}) f
    JOIN customers c ON c.id = f.customer_id AND c.deleted_at IS NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

const scoreSql = (expr: ReturnType<typeof sql>, cuts: Array<number | null>) => {
  const reached = cuts.filter((c): c is number => c !== null).map((c) => sql`CASE WHEN ${expr} >= ${c} THEN 1 ELSE 0 END`);
  return reached.length ? sql`(1 + ${sql.join(reached, sql` + `)})` : sql`1`;
};

/** The tier of a segment, in SQL: a lookup over the pairs of src/domain/value rfmTier. */
const tierSql = (segment: ReturnType<typeof sql>, tierOf: Readonly<Record<string, string>>) => {
  const pairs = Object.entries(tierOf);
  return sql`(SELECT t.tier FROM unnest(${pairs.map(([k]) => k)}::text[], ${pairs.map(([, v]) => v)}::text[]) AS t(segment, tier) WHERE t.segment = ${segment})`;
};

/** The (r, f, m) cell's segment from the grid of src/domain/value rfmSegmentGrid. */
const segmentSql = (segments: readonly string[], bins: number, r: ReturnType<typeof sql>, f: ReturnType<typeof sql>, m: ReturnType<typeof sql>) =>
  sql`(${[...segments]}::text[])[(${r} - 1) * ${bins * bins} + (${f} - 1) * ${bins} + ${m}]`;

/**
 * Rewrites the facts, scores, segment and tier of some customers (after their orders changed, a merge or a split)
 * against the given cut points, in one statement: buyers upserted, customers who no longer bought dropped, predicted
 * values cleared (the caller predicts them again with the last run's models). One statement is one snapshot and one
 * commit: a reader never sees the customer between a delete and its insert, and the refresh after one order costs
 * one round trip.
 */
export async function refreshFactsOf(db: Db, customerIds: readonly string[], asOf: string, currency: string,
  cuts: Cuts, bins: number, segments: readonly string[], tierOf: Readonly<Record<string, string>>): Promise<void> {
  if (customerIds.length === 0) return;
  const ids = [...customerIds];
  await sql`
    WITH f AS (
      SELECT f.customer_id, f.first_order_at, f.last_order_at, ${asOf}::date - f.last_day AS recency_days, f.frequency, f.monetary
      FROM (${FACTS(asOf, currency, ids)}) f
      JOIN customers c ON c.id = f.customer_id AND c.deleted_at IS NULL
      WHERE f.customer_id = ANY(${ids}::uuid[])),
    scored AS (
      SELECT f.*, ${scoreSql(sql`-f.recency_days`, cuts.r)} AS r, ${scoreSql(sql`f.frequency`, cuts.f)} AS f_score, ${scoreSql(sql`f.monetary`, cuts.m)} AS m FROM f),
    s AS (SELECT scored.*, ${segmentSql(segments, bins, sql`scored.r`, sql`scored.f_score`, sql`scored.m`)} AS segment FROM scored),
    gone AS (
      DELETE FROM customer_values WHERE customer_id = ANY(${ids}::uuid[]) AND customer_id NOT IN (SELECT customer_id FROM f))
    INSERT INTO customer_values (customer_id, as_of, first_order_at, last_order_at, recency_days, frequency, monetary, currency, r, f, m, segment, tier)
    SELECT s.customer_id, ${asOf}::date, s.first_order_at, s.last_order_at, s.recency_days, s.frequency, s.monetary, ${currency},
           s.r, s.f_score, s.m, s.segment, ${tierSql(sql`s.segment`, tierOf)}
    FROM s
    ON CONFLICT (customer_id) DO UPDATE SET
      as_of = excluded.as_of, first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
      recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary, currency = excluded.currency,
      r = excluded.r, f = excluded.f, m = excluded.m, segment = excluded.segment, tier = excluded.tier,
      p_alive = NULL, expected_purchases_90d = NULL, expected_order_value = NULL, predicted_value_365d = NULL, computed_at = now()`.execute(db);
}

/**
 * Distinct values of one fact with how many buyers hold each ("better" = larger: recency negated); for F, only
 * the repeat buyers (a one-time buyer is always F 1).
 */
export async function distinctFacts(db: Db, fact: 'r' | 'f' | 'm'): Promise<Array<{ value: number; count: number }>> {
  const expr = fact === 'r' ? sql`-recency_days` : fact === 'f' ? sql`frequency` : sql`monetary`;
  const rows = await sql<{ value: string | number; count: string | number }>`SELECT ${expr} AS value, count(*) AS count FROM customer_values
    ${fact === 'f' ? sql`WHERE frequency >= 2` : sql``} GROUP BY 1`.execute(db);
  return rows.rows.map((r) => ({ value: Number(r.value), count: Number(r.count) }));
}


/**
 * Scores, segment and tier of the given customers (all when null) against the cut points. `segments` is the
 * (r, f, m) grid of src/domain/value rfmSegmentGrid; `tierOf` maps a segment to its tier.
 */
export async function applyScores(db: Db, cuts: Cuts, bins: number, segments: readonly string[], tierOf: Readonly<Record<string, string>>, customerIds: readonly string[] | null): Promise<void> {
  const r = scoreSql(sql`-recency_days`, cuts.r);
  const f = scoreSql(sql`frequency`, cuts.f);
  const m = scoreSql(sql`monetary`, cuts.m);
  await sql`
    UPDATE customer_values SET r = s.r, f = s.f, m = s.m, segment = s.segment, tier = ${tierSql(sql`s.segment`, tierOf)}, computed_at = now()
    FROM (SELECT customer_id, r, f, m, ${segmentSql(segments, bins, sql`r`, sql`f`, sql`m`)} AS segment
          FROM (SELECT customer_id, ${r} AS r, ${f} AS f, ${m} AS m FROM customer_values
                ${customerIds ? sql`WHERE customer_id = ANY(${[...customerIds]}::uuid[])` : sql``}) scored) s
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
    SELECT v.r, v.f, count(*) AS customers, COALESCE(sum(v.monetary), 0) AS revenue
    FROM customer_values v JOIN customers c ON c.id = v.customer_id AND c.deleted_at IS NULL
    WHERE v.r IS NOT NULL GROUP BY v.r, v.f ORDER BY v.r, v.f`.execute(db);
  return rows.rows;
}

export async function tierTotals(db: Db) {
  const rows = await sql<{ tier: string; customers: number | string; revenue: string }>`
    SELECT v.tier, count(*) AS customers, COALESCE(sum(v.monetary), 0) AS revenue
    FROM customer_values v JOIN customers c ON c.id = v.customer_id AND c.deleted_at IS NULL
    WHERE v.tier IS NOT NULL GROUP BY v.tier`.execute(db);
  return rows.rows;
}

/** Buyers for the audit export, in customer id order after `after`. */
export async function valuesAfter(db: Db, after: string | null, limit: number) {
  let q = db.selectFrom('customer_values').selectAll().where('frequency', '>=', 1);
  if (after) q = q.where(sql<SqlBool>`customer_id > ${after}::uuid`);
  return q.orderBy('customer_id').limit(limit).execute();
}

/**
 * Repeat-purchase summaries of some buyers for BG/NBD and Gamma-Gamma, in weeks as of the date: purchase days
 * (same-day orders merged), x = days − 1, tx = last − first day, T = as-of − first day, and the average spend of the
 * repeat days (the first left out). `which`: a page of buyers after a customer id, or a fixed sample (by hash).
 */
export async function modelInputs(db: Db, asOf: string, currency: string, which: { after: string | null; limit: number } | { sample: number } | { ids: readonly string[] }) {
  const buyers = 'sample' in which
    ? sql`SELECT customer_id FROM customer_values ORDER BY md5(customer_id::text) LIMIT ${which.sample}`
    : 'ids' in which
      ? sql`SELECT customer_id FROM customer_values WHERE customer_id = ANY(${[...which.ids]}::uuid[])`
      : sql`SELECT customer_id FROM customer_values ${which.after ? sql`WHERE customer_id > ${which.after}::uuid` : sql``} ORDER BY customer_id LIMIT ${which.limit}`;
  const rows = await sql<{ customer_id: string; x: number | string; t_x: number | string; t: number | string; avg_repeat: string | null }>`
    WITH buyers AS (${buyers}),
    days AS (
      SELECT sr.customer_id, (o.ordered_at AT TIME ZONE o.time_zone)::date AS day,
             sum((SELECT COALESCE(sum(${LINE_NET}), 0) FROM order_lines l WHERE l.order_id = o.id)) AS spend
      FROM buyers b JOIN source_records sr ON sr.customer_id = b.customer_id JOIN orders o ON o.source_record_id = sr.id
      WHERE o.status <> 'cancelled' AND o.currency = ${currency} AND (o.ordered_at AT TIME ZONE o.time_zone)::date <= ${asOf}::date
        AND EXISTS (SELECT 1 FROM order_lines pl WHERE pl.order_id = o.id AND pl.quantity > 0)
      GROUP BY sr.customer_id, 2),
    firsts AS (SELECT customer_id, min(day) AS first_day FROM days GROUP BY customer_id)
    SELECT d.customer_id, count(*) - 1 AS x, (max(d.day) - f.first_day) / 7.0 AS t_x, (${asOf}::date - f.first_day) / 7.0 AS t,
           CASE WHEN count(*) > 1 THEN (sum(d.spend) FILTER (WHERE d.day > f.first_day)) / (count(*) - 1) END AS avg_repeat
    FROM days d JOIN firsts f ON f.customer_id = d.customer_id
    GROUP BY d.customer_id, f.first_day ORDER BY d.customer_id`.execute(db);
  return rows.rows.map((r) => ({ customerId: r.customer_id, x: Number(r.x), tx: Number(r.t_x), T: Number(r.t), avgRepeat: r.avg_repeat === null ? null : Number(r.avg_repeat) }));
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

// ── the dashboards' order rollups (customer_order_days, customer_category_days: migration 0022; customer_order_totals: 0040;
//    the month sums order_months, category_months, cohort_months: 0046) ──

/** Japan calendar day of an order: the dashboards' months and ranges are Japan time. */
const JAPAN_DAY = sql`(o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date`;

/**
 * The rollup rows of some customers (all when null), from their orders as RFM counts them (FACTS above): orders not
 * cancelled and with lines, purchases those with a line of positive quantity, revenue LINE_NET over the lines. Live
 * customers only: a deleted or merged-away customer has no rows. The flags mark the customer's first purchase day of
 * each month (in the row's currency; in any currency) and ever (in the row's currency), so a panel counts buyers
 * by counting flagged rows instead of grouping by customer.
 */
function orderDays(customerIds: readonly string[] | null) {
  return sql`
    SELECT d.customer_id, d.day, d.currency, d.orders, d.revenue, min(d.first_day) OVER (PARTITION BY d.customer_id) AS first_day,
           d.orders > 0 AND d.day = min(d.day) FILTER (WHERE d.orders > 0) OVER (PARTITION BY d.customer_id, d.currency, date_trunc('month', d.day)) AS month_first,
           d.orders > 0 AND row_number() OVER (PARTITION BY d.customer_id, date_trunc('month', d.day) ORDER BY d.orders > 0 DESC, d.day, d.currency) = 1 AS month_first_any,
           d.orders > 0 AND d.day = min(d.day) FILTER (WHERE d.orders > 0) OVER (PARTITION BY d.customer_id, d.currency) AS currency_first
    FROM (
      SELECT sr.customer_id, ${JAPAN_DAY} AS day, o.currency, count(*) FILTER (WHERE l.counted) AS orders, sum(l.net) AS revenue,
             min(${JAPAN_DAY}) FILTER (WHERE l.counted) AS first_day
      FROM orders o
      ${customerIds
        ? sql`CROSS JOIN LATERAL (SELECT bool_or(l.quantity > 0) AS counted, sum(${LINE_NET}) AS net FROM order_lines l WHERE l.order_id = o.id) l`
        : sql`JOIN (SELECT l.order_id, bool_or(l.quantity > 0) AS counted, sum(${LINE_NET}) AS net FROM order_lines l GROUP BY l.order_id) l ON l.order_id = o.id`}
      JOIN source_records sr ON sr.id = o.source_record_id
      JOIN customers c ON c.id = sr.customer_id AND c.deleted_at IS NULL
      WHERE o.status <> 'cancelled' ${customerIds ? sql`AND l.counted IS NOT NULL AND sr.customer_id = ANY(${[...customerIds]}::uuid[])` : sql``}
      GROUP BY 1, 2, 3) d`;
}

function categoryDays(customerIds: readonly string[] | null) {
  return sql`
    SELECT g.*, g.orders > 0 AND g.day = min(g.day) FILTER (WHERE g.orders > 0) OVER (PARTITION BY g.customer_id, g.currency, g.category, date_trunc('month', g.day)) AS month_first
    FROM (
      SELECT sr.customer_id, ${JAPAN_DAY} AS day, o.currency, p.category,
             count(DISTINCT o.id) FILTER (WHERE l.quantity > 0) AS orders, sum(${LINE_NET}) AS revenue
      FROM orders o
      JOIN order_lines l ON l.order_id = o.id
      LEFT JOIN products p ON p.id = l.product_id
      JOIN source_records sr ON sr.id = o.source_record_id
      JOIN customers c ON c.id = sr.customer_id AND c.deleted_at IS NULL
      WHERE o.status <> 'cancelled' ${customerIds ? sql`AND sr.customer_id = ANY(${[...customerIds]}::uuid[])` : sql``}
      GROUP BY 1, 2, 3, 4) g`;
}

/**
 * Per customer and currency, the sums of its day rows (customer_order_totals, migration 0040): purchases, revenue and
 * how many day rows — the composition without a range reads one row per buyer instead of its days —, with the
 * buyer's keys (0045) and sources (0048) beside them.
 */
function orderTotals(where: RawBuilder<unknown>) {
  return sql`SELECT x.customer_id, x.currency, x.orders, x.revenue, x.days, ${TOTALS_KEYS('f')}, ${TOTALS_SOURCES(sql.ref('x.customer_id'))}
    FROM (SELECT d.customer_id, d.currency, sum(d.orders) AS orders, sum(d.revenue) AS revenue, count(*) AS days
          FROM customer_order_days d ${where} GROUP BY d.customer_id, d.currency) x
    LEFT JOIN customer_facts f ON f.customer_id = x.customer_id`;
}
/**
 * The buyer's composition keys beside its totals (migration 0045), copied from customer_facts: the composition
 * without a range sums the totals by key without joining a million facts.
 */
const TOTALS_KEY_COLUMNS = ['prefecture', 'acquisition_channel', 'lifecycle_stage', 'owner_user_id', 'company_id'] as const;
const TOTALS_KEYS = (alias: string) => sql.join(TOTALS_KEY_COLUMNS.map((c) => sql.ref(`${alias}.${c}`)));
/**
 * The buyer's sources beside its totals (migration 0048), copied from what resolution keeps of its records: its set
 * of sources (customer_sources, sorted; NULL without records) and its first touch's source (customer_first_touch).
 * The composition by source and first touch without a range then sum the totals alone, without joining 1.68M
 * (customer, source) pairs or a million first touches to them.
 */
const TOTALS_SOURCE_COLUMNS = ['source_ids', 'first_source_id'] as const;
const TOTALS_SOURCES = (customerId: RawBuilder<unknown>) => sql`
  (SELECT array_agg(cs.source_id ORDER BY cs.source_id) FROM customer_sources cs WHERE cs.customer_id = ${customerId}) AS source_ids,
  (SELECT ft.source_id FROM customer_first_touch ft WHERE ft.customer_id = ${customerId}) AS first_source_id`;
const TOTALS_COLUMNS = sql`customer_id, currency, orders, revenue, days, ${sql.join([...TOTALS_KEY_COLUMNS, ...TOTALS_SOURCE_COLUMNS].map((c) => sql.ref(c)))}`;

/**
 * The totals' keys and sources put right for some customers (their golden record was recomputed: every path that
 * links, moves, changes or deletes a customer's records recomputes it after resolution rewrote its sources and first
 * touch), or for every one (null: the daily pass, after the facts and the records' rollups); only rows that differ
 * are written.
 */
export async function refreshOrderTotalsKeysOf(db: Db, customerIds: readonly string[] | null): Promise<void> {
  if (customerIds !== null && customerIds.length === 0) return;
  const columns = [...TOTALS_KEY_COLUMNS, ...TOTALS_SOURCE_COLUMNS];
  await sql`UPDATE customer_order_totals t SET ${sql.join(columns.map((c) => sql`${sql.ref(c)} = ${sql.ref(`k.${c}`)}`))}
    FROM (SELECT f.customer_id, ${TOTALS_KEYS('f')}, ${TOTALS_SOURCES(sql.ref('f.customer_id'))}
          FROM customer_facts f
          WHERE ${customerIds ? sql`f.customer_id = ANY(${[...customerIds]}::uuid[])` : sql`EXISTS (SELECT 1 FROM customer_order_totals b WHERE b.customer_id = f.customer_id)`}) k
    WHERE k.customer_id = t.customer_id ${customerIds ? sql`AND t.customer_id = ANY(${[...customerIds]}::uuid[])` : sql``}
      AND (${sql.join(columns.map((c) => sql.ref(`t.${c}`)))}) IS DISTINCT FROM (${sql.join(columns.map((c) => sql.ref(`k.${c}`)))})`.execute(db);
}

/**
 * The month sums (migration 0046: order_months, category_months, cohort_months) of the day rows of some customers, or
 * of everyone (null), times `sign`. The month tables are deltas: a writer appends -1 × a customer's sums before it
 * rewrites the customer's day rows and +1 × after, so no two writers ever update one shared month row.
 */
async function appendMonthSums(db: Db, customerIds: readonly string[] | null, sign: 1 | -1): Promise<void> {
  const of = customerIds ? sql`WHERE d.customer_id = ANY(${[...customerIds]}::uuid[])` : sql``;
  const and = customerIds ? sql`AND d.customer_id = ANY(${[...customerIds]}::uuid[])` : sql``;
  const s = sql.lit(sign);
  await sql`INSERT INTO order_months (month, currency, orders, revenue, buyers, new_buyers, days)
    SELECT date_trunc('month', d.day)::date, d.currency, ${s} * sum(d.orders), ${s} * sum(d.revenue), ${s} * count(*) FILTER (WHERE d.month_first),
           ${s} * count(*) FILTER (WHERE d.month_first AND date_trunc('month', d.first_day) = date_trunc('month', d.day)), ${s} * count(*)
    FROM customer_order_days d ${of} GROUP BY 1, 2`.execute(db);
  await sql`INSERT INTO category_months (month, currency, category, orders, revenue, buyers, days)
    SELECT date_trunc('month', d.day)::date, d.currency, d.category, ${s} * sum(d.orders), ${s} * sum(d.revenue),
           ${s} * count(*) FILTER (WHERE d.month_first), ${s} * count(*)
    FROM customer_category_days d ${of} GROUP BY 1, 2, 3`.execute(db);
  await sql`INSERT INTO cohort_months (cohort, month, buyers)
    SELECT date_trunc('month', d.first_day)::date, date_trunc('month', d.day)::date, ${s} * count(*)
    FROM customer_order_days d WHERE d.month_first_any ${and} GROUP BY 1, 2`.execute(db);
}

/** Rewrites the order rollups of some customers (their orders changed, they were merged, split or deleted). */
export async function refreshOrderRollupsOf(db: Db, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const ids = [...customerIds];
  await appendMonthSums(db, ids, -1);
  await sql`DELETE FROM customer_order_days WHERE customer_id = ANY(${ids}::uuid[])`.execute(db);
  await sql`INSERT INTO customer_order_days (customer_id, day, currency, orders, revenue, first_day, month_first, month_first_any, currency_first) ${orderDays(ids)}`.execute(db);
  await sql`DELETE FROM customer_category_days WHERE customer_id = ANY(${ids}::uuid[])`.execute(db);
  await sql`INSERT INTO customer_category_days (customer_id, day, currency, category, orders, revenue, month_first) ${categoryDays(ids)}`.execute(db);
  await sql`DELETE FROM customer_order_totals WHERE customer_id = ANY(${ids}::uuid[])`.execute(db);
  await sql`INSERT INTO customer_order_totals (${TOTALS_COLUMNS}) ${orderTotals(sql`WHERE d.customer_id = ANY(${ids}::uuid[])`)}`.execute(db);
  await appendMonthSums(db, ids, 1);
}

/** Rewrites every customer's order rollups (the daily pass: whatever a path missed is put right within a day). */
export async function rebuildOrderRollups(db: Db): Promise<void> {
  await sql`DELETE FROM customer_order_days`.execute(db);
  await sql`INSERT INTO customer_order_days (customer_id, day, currency, orders, revenue, first_day, month_first, month_first_any, currency_first) ${orderDays(null)}`.execute(db);
  await sql`DELETE FROM customer_category_days`.execute(db);
  await sql`INSERT INTO customer_category_days (customer_id, day, currency, category, orders, revenue, month_first) ${categoryDays(null)}`.execute(db);
  await sql`ANALYZE customer_order_days`.execute(db);
  await sql`DELETE FROM customer_order_totals`.execute(db);
  await sql`INSERT INTO customer_order_totals (${TOTALS_COLUMNS}) ${orderTotals(sql``)}`.execute(db);
  await sql`ANALYZE customer_category_days`.execute(db);
  await sql`ANALYZE customer_order_totals`.execute(db);
  // The month sums compacted to one row per key.
  for (const table of ['order_months', 'category_months', 'cohort_months']) await sql`DELETE FROM ${sql.table(table)}`.execute(db);
  await appendMonthSums(db, null, 1);
}

/** The customers who bought a product (its category changed: their category rollups follow). */
export async function buyersOfProduct(db: Db, productId: string): Promise<string[]> {
  const r = await sql<{ customer_id: string }>`
    SELECT DISTINCT sr.customer_id FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN source_records sr ON sr.id = o.source_record_id
    WHERE l.product_id = ${productId}::uuid AND sr.customer_id IS NOT NULL`.execute(db);
  return r.rows.map((x) => x.customer_id);
}

/** The last customer-value (RFM) run's seconds, or null before the first. */
export async function lastValueRunSeconds(db: Db): Promise<number | null> {
  const row = await db.selectFrom('value_runs').select('seconds').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.seconds ?? null;
}

/** 消去 (src/ledger/privacy): the customers' values and order rollups (days, categories, totals; their month sums taken off). */
export async function eraseValuesOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const a = await db.deleteFrom('customer_values').where('customer_id', 'in', customerIds).executeTakeFirst();
  const ids = sql.join(customerIds.map((id) => sql`${id}::uuid`));
  await appendMonthSums(db, customerIds, -1);
  const b = await sql`DELETE FROM customer_order_days WHERE customer_id IN (${ids})`.execute(db);
  const c = await sql`DELETE FROM customer_category_days WHERE customer_id IN (${ids})`.execute(db);
  const d = await sql`DELETE FROM customer_order_totals WHERE customer_id IN (${ids})`.execute(db);
  return Number(a.numDeletedRows) + Number(b.numAffectedRows ?? 0) + Number(c.numAffectedRows ?? 0) + Number(d.numAffectedRows ?? 0);
}
