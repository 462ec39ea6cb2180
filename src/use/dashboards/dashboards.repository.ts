import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import { JSIC_MIDDLE } from '../../domain/companies/industry.ts';
import type { CompositionDimension } from './dashboards.schemas.ts';

/**
 * SQL of the dashboards' panels: reads only. Customers are read from customer_facts (migration 0025: a narrow copy
 * of each customer's dimensions written with its golden record), never the wide customers table; a customer's
 * records from the index on source_records (customer_id, source_id, received_at, id). Every panel reads the
 * ledger's live customers (deleted_at IS NULL: a
 * merged-away customer is soft-deleted and its records moved, so nobody is counted twice), optionally only a saved
 * segment's members, and counts orders as RFM does (src/ledger/values: LINE_NET, cancelled orders left out, an order
 * counts as a purchase when a line has a positive quantity, revenue nets every line of every order that is not
 * cancelled). Months and days are Japan time.
 */

export interface Scope {
  segmentId: string | null;
  /** Inclusive start and exclusive end of the measures' own times (Japan midnights), or null. */
  from: Date | null;
  until: Date | null;
  /** The same as Japan days (YYYY-MM-DD), both inclusive, for the day rollups. */
  fromDay: string | null;
  toDay: string | null;
}

export const TIME_ZONE = 'Asia/Tokyo';
const month = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} AT TIME ZONE ${sql.lit(TIME_ZONE)}, 'YYYY-MM')`;

/** `AND <column> IN (members of the segment)` when the scope has a segment. */
function members(scope: Scope, column: RawBuilder<unknown>) {
  return scope.segmentId ? sql`AND ${column} IN (SELECT sm.customer_id FROM segment_members sm WHERE sm.segment_id = ${scope.segmentId}::uuid)` : sql``;
}

/** `AND <column> within the range` (nothing without one). */
function within(scope: Scope, column: RawBuilder<unknown>) {
  return sql`${scope.from ? sql`AND ${column} >= ${scope.from}` : sql``} ${scope.until ? sql`AND ${column} < ${scope.until}` : sql``}`;
}

/** Whether the range holds the time (TRUE without a range). */
function inRange(scope: Scope, column: RawBuilder<unknown>) {
  const parts = [...(scope.from ? [sql`${column} >= ${scope.from}`] : []), ...(scope.until ? [sql`${column} < ${scope.until}`] : [])];
  return parts.length ? sql`(${sql.join(parts, sql` AND `)})` : sql`TRUE`;
}

/** `AND <day column> within the range` (Japan days, inclusive). */
function withinDays(scope: Scope, column: RawBuilder<unknown>) {
  return sql`${scope.fromDay ? sql`AND ${column} >= ${scope.fromDay}::date` : sql``} ${scope.toDay ? sql`AND ${column} <= ${scope.toDay}::date` : sql``}`;
}

/** Whether a Japan day (YYYY-MM-DD) is the last of its month. */
const lastOfMonth = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1)).getUTCDate() === 1;

/**
 * Whether the month sums (migration 0046: order_months, category_months, cohort_months — every customer's day rows
 * summed per month) answer the scope: no segment, and a range of whole months (from a first day, to a last day, or
 * open). `fromMonth` false: the range's start does not matter (the cohorts apply it to the month of first purchase).
 */
function monthSums(scope: Scope, fromMonth = true): boolean {
  return scope.segmentId === null && (!fromMonth || scope.fromDay === null || scope.fromDay.endsWith('-01'))
    && (scope.toDay === null || lastOfMonth(scope.toDay));
}

/**
 * Per customer of the scope: yen purchases and revenue of the orders placed in the range, from the order rollup
 * (customer_order_days: RFM's definition per customer and Japan day, live customers only; src/ledger/values).
 */
function yenPerCustomer(scope: Scope) {
  return sql`
    SELECT d.customer_id, sum(d.orders) AS orders, sum(d.revenue) AS revenue FROM customer_order_days d
    WHERE d.currency = 'JPY' ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)}
    GROUP BY d.customer_id`;
}

/** Purchases in other currencies than yen in the scope (left out of the yen sums). */
export async function otherCurrencyOrders(db: Db, scope: Scope): Promise<number> {
  const r = await sql<{ n: number | string | null }>`
    SELECT sum(d.orders) AS n FROM customer_order_days d
    WHERE d.currency <> 'JPY' ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Planner settings of a panel's transaction (bench/README.md has the measurements behind each). */
export interface PanelSettings {
  /** Hash a million customers in memory instead of in batches on disk (the default 4 MB spills). */
  workMem: string;
  /** Without JIT: compiling the panels' expressions took 0.5–0.8 s of a 1 M-customer panel, more than it saved. */
  jit: boolean;
}
export const PANEL_SETTINGS: PanelSettings = { workMem: '64MB', jit: false };

/**
 * Runs a panel's reads in one transaction whose statements are cancelled after `ms` (statement_timeout, local to the
 * transaction: a panel that cannot answer in time gives its connection back instead of holding it for minutes), with
 * the panel's planner settings, local to the transaction too.
 */
export async function withStatementTimeout<T>(db: Db, ms: number, settings: PanelSettings, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('statement_timeout', ${`${Math.max(1, Math.round(ms))}ms`}, true), set_config('work_mem', ${settings.workMem}, true),
      set_config('jit', ${settings.jit ? 'on' : 'off'}, true)`.execute(trx);
    return run(trx);
  });
}

export async function segmentExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('segments').select('id').where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst()) !== undefined;
}

// ── composition ──

const MIDDLE_TO_MAJOR = () => sql`(VALUES ${sql.join(Object.entries(JSIC_MIDDLE).map(([code, m]) => sql`(${code}, ${m.major})`))}) AS jm(middle, major)`;

/** Each live customer of the scope with its key of the dimension (several rows for `source`: one per source). */
function keyed(dimension: CompositionDimension, scope: Scope) {
  const where = sql`WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)}`;
  switch (dimension) {
    case 'industry':
      return sql`SELECT c.customer_id AS id, c.created_at, CASE WHEN co.industry_code ~ '^[A-T]$' THEN co.industry_code ELSE jm.major END AS key
        FROM customer_facts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN ${MIDDLE_TO_MAJOR()} ON jm.middle = left(co.industry_code, 2) ${where}`;
    case 'size_band':
      return sql`SELECT c.customer_id AS id, c.created_at, co.size_band AS key FROM customer_facts c LEFT JOIN companies co ON co.id = c.company_id ${where}`;
    case 'prefecture':
      return sql`SELECT c.customer_id AS id, c.created_at, c.prefecture AS key FROM customer_facts c ${where}`;
    case 'channel':
      return sql`SELECT c.customer_id AS id, c.created_at, c.acquisition_channel AS key FROM customer_facts c ${where}`;
    case 'stage':
      return sql`SELECT c.customer_id AS id, c.created_at, c.lifecycle_stage AS key FROM customer_facts c ${where}`;
    case 'owner':
      return sql`SELECT c.customer_id AS id, c.created_at, c.owner_user_id::text AS key FROM customer_facts c ${where}`;
    case 'source':
      // A customer's sources as resolution keeps them (customer_sources, migration 0043: one row per customer and source).
      return sql`SELECT c.customer_id AS id, c.created_at, s.name AS key
        FROM customer_facts c JOIN customer_sources cs ON cs.customer_id = c.customer_id JOIN sources s ON s.id = cs.source_id ${where}`;
  }
}

/**
 * The column of customer_facts and of customer_order_totals (0045: the buyer's keys beside its totals) a dimension
 * is read from (not `source`), and the key it maps to, over `x.k` (industry and size band through the company).
 */
function storedKey(dimension: Exclude<CompositionDimension, 'source'>): { column: string; key: RawBuilder<unknown>; joins: RawBuilder<unknown> } {
  const company = sql`LEFT JOIN companies co ON co.id = x.k`;
  switch (dimension) {
    case 'industry':
      return { column: 'company_id', key: sql`CASE WHEN co.industry_code ~ '^[A-T]$' THEN co.industry_code ELSE jm.major END`,
        joins: sql`${company} LEFT JOIN ${MIDDLE_TO_MAJOR()} ON jm.middle = left(co.industry_code, 2)` };
    case 'size_band': return { column: 'company_id', key: sql`co.size_band`, joins: company };
    case 'prefecture': return { column: 'prefecture', key: sql`x.k`, joins: sql`` };
    case 'channel': return { column: 'acquisition_channel', key: sql`x.k`, joins: sql`` };
    case 'stage': return { column: 'lifecycle_stage', key: sql`x.k`, joins: sql`` };
    case 'owner': return { column: 'owner_user_id', key: sql`x.k::text`, joins: sql`` };
  }
}

export interface CompositionRow { key: string | null; customers: number | string; buyers: number | string; orders: number | string; revenue: string | null }

/**
 * Per key: customers who entered the ledger in the range, and of everyone with the key, buyers (a purchase in the
 * range), purchases and yen revenue in the range.
 */
export async function composition(db: Db, dimension: CompositionDimension, scope: Scope): Promise<CompositionRow[]> {
  const unranged = scope.fromDay === null && scope.toDay === null && scope.from === null && scope.until === null;
  if (unranged && dimension === 'source') {
    // Without a range the creation time is not needed: the customers from their sources (customer_sources), the few
    // deleted ones left out by their partial index; the buyers, purchases and revenue from the totals alone, each
    // buyer's sources kept beside its totals (0048) — two scans, no join of the 1.68M pairs to the 613k totals (a
    // parallel hash join of 2–3 s at 1M). The totals hold live customers only.
    const r = await sql<CompositionRow>`
      SELECT s.name AS key, sum(x.customers) AS customers, sum(x.buyers) AS buyers, sum(x.orders) AS orders, sum(x.revenue) AS revenue
      FROM (
        SELECT cs.source_id, count(*) AS customers, 0 AS buyers, 0 AS orders, 0 AS revenue
        FROM customer_sources cs
        WHERE NOT EXISTS (SELECT 1 FROM customer_facts c WHERE c.customer_id = cs.customer_id AND c.deleted_at IS NOT NULL)
          ${members(scope, sql`cs.customer_id`)}
        GROUP BY cs.source_id
        UNION ALL
        SELECT u.source_id, 0, count(*) FILTER (WHERE t.orders > 0), sum(t.orders), sum(t.revenue)
        FROM customer_order_totals t CROSS JOIN LATERAL unnest(t.source_ids) AS u(source_id)
        WHERE t.currency = 'JPY' ${members(scope, sql`t.customer_id`)}
        GROUP BY u.source_id) x
      JOIN sources s ON s.id = x.source_id
      GROUP BY s.name`.execute(db);
    return r.rows;
  }
  if (dimension === 'source') {
    // With a range: the customers created in it and the range's buyers are counted apart, each joined to its own few
    // customers' sources (joining the million facts to 1.68M source pairs first took 2 s at 1M).
    const r = await sql<CompositionRow>`
      SELECT s.name AS key, sum(x.customers) AS customers, sum(x.buyers) AS buyers, sum(x.orders) AS orders, sum(x.revenue) AS revenue
      FROM (
        SELECT cs.source_id, count(*) AS customers, 0 AS buyers, 0 AS orders, 0 AS revenue, 0 AS keyed
        FROM customer_facts c JOIN customer_sources cs ON cs.customer_id = c.customer_id
        WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} AND ${inRange(scope, sql`c.created_at`)}
        GROUP BY cs.source_id
        UNION ALL
        SELECT cs.source_id, 0, count(*) FILTER (WHERE p.orders > 0), sum(p.orders), sum(p.revenue), count(*)
        FROM (${yenPerCustomer(scope)}) p JOIN customer_sources cs ON cs.customer_id = p.customer_id
        WHERE NOT EXISTS (SELECT 1 FROM customer_facts c WHERE c.customer_id = p.customer_id AND c.deleted_at IS NOT NULL)
        GROUP BY cs.source_id) x
      JOIN sources s ON s.id = x.source_id
      GROUP BY s.name HAVING sum(x.customers) > 0 OR sum(x.keyed) > 0`.execute(db);
    return r.rows;
  }
  if (unranged) {
    // Without a range: every customer counts (customer_facts), and its purchases are its totals
    // (customer_order_totals: one row per buyer and currency, with the buyer's keys beside them, migration 0045),
    // each summed by its stored column apart — two scans, no join of the million facts to the totals — and the few
    // hundred groups mapped to keys afterwards (an industry's JSIC mapping per company, not per customer).
    const k = storedKey(dimension);
    const column = sql.ref(`c.${k.column}`);
    const r = await sql<CompositionRow>`
      SELECT ${k.key} AS key, sum(x.customers) AS customers, sum(x.buyers) AS buyers, sum(x.orders) AS orders, sum(x.revenue) AS revenue
      FROM (
        SELECT ${column} AS k, count(*) AS customers, 0 AS buyers, 0 AS orders, 0 AS revenue FROM customer_facts c
        WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} GROUP BY ${column}
        UNION ALL
        SELECT ${column}, 0, count(*) FILTER (WHERE c.orders > 0), sum(c.orders), sum(c.revenue) FROM customer_order_totals c
        WHERE c.currency = 'JPY' ${members(scope, sql`c.customer_id`)} GROUP BY ${column}) x
      ${k.joins}
      GROUP BY 1`.execute(db);
    return r.rows;
  }
  if (scope.fromDay === null) {
    // Without a start, a customer bought in the range when its first yen purchase ever (currency_first) is in it: the
    // rollup's rows are joined to the keys and summed, without grouping by customer first.
    const r = await sql<CompositionRow>`
      SELECT x.key, sum(x.customers) AS customers, sum(x.buyers) AS buyers, sum(x.orders) AS orders, sum(x.revenue) AS revenue
      FROM (
        SELECT k.key, count(*) FILTER (WHERE ${inRange(scope, sql`k.created_at`)}) AS customers, 0 AS buyers, 0 AS orders, 0 AS revenue, 0 AS days
        FROM (${keyed(dimension, scope)}) k GROUP BY k.key
        UNION ALL
        SELECT k.key, 0, count(*) FILTER (WHERE d.currency_first), sum(d.orders), sum(d.revenue), count(*)
        FROM customer_order_days d JOIN (${keyed(dimension, scope)}) k ON k.id = d.customer_id
        WHERE d.currency = 'JPY' ${withinDays(scope, sql`d.day`)}
        GROUP BY k.key) x
      GROUP BY x.key HAVING sum(x.customers) > 0 OR sum(x.days) > 0`.execute(db);
    return r.rows;
  }
  const r = await sql<CompositionRow>`
    WITH per AS (${yenPerCustomer(scope)})
    SELECT k.key, count(*) FILTER (WHERE ${inRange(scope, sql`k.created_at`)}) AS customers,
           count(*) FILTER (WHERE p.orders > 0) AS buyers, COALESCE(sum(p.orders), 0) AS orders, COALESCE(sum(p.revenue), 0) AS revenue
    FROM (${keyed(dimension, scope)}) k LEFT JOIN per p ON p.customer_id = k.id
    GROUP BY k.key
    HAVING count(*) FILTER (WHERE ${inRange(scope, sql`k.created_at`)}) > 0 OR count(p.customer_id) > 0`.execute(db);
  return r.rows;
}

/** A page of the customers behind one composition row (entered the ledger in the range), in id order after `after`. */
export async function compositionCustomerIds(db: Db, dimension: CompositionDimension, key: string | null, scope: Scope, after: string | null, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    SELECT DISTINCT k.id FROM (${keyed(dimension, scope)}) k
    WHERE ${key === null ? sql`k.key IS NULL` : sql`k.key = ${key}`} AND ${inRange(scope, sql`k.created_at`)}
      ${after ? sql`AND k.id > ${after}::uuid` : sql``}
    ORDER BY k.id LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Labels of the codes of a dimension kept in tables (stages, channels, sources, owners), with their order. */
export async function dimensionLabels(db: Db, dimension: 'stage' | 'channel' | 'source' | 'owner'): Promise<Array<{ code: string; label: string; sort: number }>> {
  const r = dimension === 'stage'
    ? await sql<{ code: string; label: string; sort: number }>`SELECT code, label_ja AS label, sort_order AS sort FROM lifecycle_stages`.execute(db)
    : dimension === 'channel'
      ? await sql<{ code: string; label: string; sort: number }>`SELECT code, label_ja AS label, sort_order AS sort FROM acquisition_channels`.execute(db)
      : dimension === 'source'
        ? await sql<{ code: string; label: string; sort: number }>`SELECT name AS code, label, 0 AS sort FROM sources`.execute(db)
        : await sql<{ code: string; label: string; sort: number }>`SELECT id::text AS code, COALESCE(display_name, email) AS label, 0 AS sort FROM users`.execute(db);
  return r.rows;
}

// ── funnel ──

export interface FunnelRow { stage: number; reached: number | string; converted: number | string; median_days: number | string | null; average_days: number | string | null }

/**
 * For each funnel stage k: the customers whose first arrival at stage k — or, when they skipped it, at a later funnel
 * stage — fell in the range; of those, who reached stage k + 1, and the days between. `stages`: the funnel in order,
 * as customer_funnel stores it (migration 0045: each live customer's first arrival at each stage, one column a stage;
 * changes after the range's end do not count, so an arrival after it is none).
 */
export async function funnel(db: Db, stages: readonly string[], scope: Scope): Promise<FunnelRow[]> {
  const arrival = (stage: string) => scope.until
    ? sql`CASE WHEN ${sql.ref(`f.${stage}_at`)} < ${scope.until} THEN ${sql.ref(`f.${stage}_at`)} END`
    : sql`${sql.ref(`f.${stage}_at`)}`;
  // Reaching stage k = the first arrival at k or any later stage (LEAST skips nulls).
  const reachedAt = stages.map((_, k) => {
    const later = stages.slice(k).map(arrival);
    return sql`${later.length > 1 ? sql`LEAST(${sql.join(later)})` : later[0]!} AS ${sql.ref(`r${k}`)}`;
  });
  // One pass over the customers' arrival times, every stage's figures as filtered aggregates.
  const figures = stages.map((_, k) => {
    const at = sql.ref(`f.r${k}`);
    const next = k + 1 < stages.length ? sql.ref(`f.r${k + 1}`) : null;
    const reached = sql`${at} IS NOT NULL AND ${inRange(scope, at)}`;
    // date_part is float8 (EXTRACT is numeric since PostgreSQL 14: sorting a million numerics for the medians took
    // 0.9 s of a 1 s funnel at 1M, float8 0.5 s).
    const days = next ? sql`date_part('epoch', ${next} - ${at}) / 86400` : null;
    return sql`count(*) FILTER (WHERE ${reached}) AS ${sql.ref(`reached${k}`)},
      ${next ? sql`count(${next}) FILTER (WHERE ${reached})` : sql`0`} AS ${sql.ref(`converted${k}`)},
      ${days ? sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days}) FILTER (WHERE ${reached})` : sql`NULL::float8`} AS ${sql.ref(`median${k}`)},
      ${days ? sql`avg(${days}) FILTER (WHERE ${reached})` : sql`NULL::float8`} AS ${sql.ref(`average${k}`)}`;
  });
  // OFFSET 0 keeps the subquery from being flattened: flattened, every aggregate and filter recomputed the arrivals'
  // LEAST / CASE (a 90-day funnel at 1M: 0.78 s, against 0.30 s computing them once a row).
  const r = await sql<Record<string, number | string | null>>`
    SELECT ${sql.join(figures)}
    FROM (SELECT ${sql.join(reachedAt)} FROM customer_funnel f WHERE TRUE ${members(scope, sql`f.customer_id`)} OFFSET 0) f`.execute(db);
  const row = r.rows[0] ?? {};
  return stages.map((_, k) => ({
    stage: k, reached: row[`reached${k}`] ?? 0, converted: row[`converted${k}`] ?? 0,
    median_days: row[`median${k}`] ?? null, average_days: row[`average${k}`] ?? null,
  }));
}

// ── orders by month ──

export interface RevenueMonthRow { month: string; revenue: string | null; orders: number | string; buyers: number | string; new_buyers: number | string }

/**
 * Per month of the range: yen revenue, purchases, buyers, and buyers whose first purchase ever (any currency) fell in
 * that month.
 */
export async function revenueByMonth(db: Db, scope: Scope): Promise<RevenueMonthRow[]> {
  if (monthSums(scope)) {
    // Every customer over whole months: the month sums (a few rows a month) instead of every customer-day.
    const r = await sql<RevenueMonthRow>`
      SELECT to_char(m.month, 'YYYY-MM') AS month, sum(m.revenue) AS revenue, sum(m.orders)::bigint AS orders, sum(m.buyers)::bigint AS buyers,
             sum(m.new_buyers)::bigint AS new_buyers
      FROM order_months m WHERE m.currency = 'JPY' ${withinDays(scope, sql`m.month`)}
      GROUP BY m.month HAVING sum(m.days) <> 0 ORDER BY 1`.execute(db);
    return r.rows;
  }
  if (scope.fromDay === null || scope.fromDay.endsWith('-01')) {
    // The range starts with a month: a buyer of a month is its first purchase day there (month_first), one row each.
    const r = await sql<RevenueMonthRow>`
      SELECT to_char(date_trunc('month', d.day), 'YYYY-MM') AS month, sum(d.revenue) AS revenue, sum(d.orders) AS orders,
             count(*) FILTER (WHERE d.month_first) AS buyers,
             count(*) FILTER (WHERE d.month_first AND date_trunc('month', d.first_day) = date_trunc('month', d.day)) AS new_buyers
      FROM customer_order_days d
      WHERE d.currency = 'JPY' ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)}
      GROUP BY date_trunc('month', d.day) ORDER BY 1`.execute(db);
    return r.rows;
  }
  const r = await sql<RevenueMonthRow>`
    WITH m AS (
      SELECT d.customer_id, to_char(d.day, 'YYYY-MM') AS month, sum(d.revenue) AS revenue, sum(d.orders) AS orders, min(d.first_day) AS first_day
      FROM customer_order_days d
      WHERE d.currency = 'JPY' ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)}
      GROUP BY 1, 2)
    SELECT m.month, sum(m.revenue) AS revenue, sum(m.orders) AS orders, count(*) FILTER (WHERE m.orders > 0) AS buyers,
           count(*) FILTER (WHERE m.orders > 0 AND to_char(m.first_day, 'YYYY-MM') = m.month) AS new_buyers
    FROM m GROUP BY m.month ORDER BY m.month`.execute(db);
  return r.rows;
}

export interface CategoryMonthRow { month: string; category: string | null; revenue: string | null; orders: number | string; buyers: number | string }

/** Per month and product category (of the line's product; none: null): yen revenue of its lines, purchases, buyers. */
export async function categoryByMonth(db: Db, scope: Scope): Promise<CategoryMonthRow[]> {
  if (monthSums(scope)) {
    // Every customer over whole months: the month sums (PGlite at 1M read 2.87M customer-category-days for 192 groups).
    const r = await sql<CategoryMonthRow>`
      SELECT to_char(m.month, 'YYYY-MM') AS month, m.category, sum(m.revenue) AS revenue, sum(m.orders)::bigint AS orders, sum(m.buyers)::bigint AS buyers
      FROM category_months m WHERE m.currency = 'JPY' ${withinDays(scope, sql`m.month`)}
      GROUP BY m.month, m.category HAVING sum(m.days) <> 0 ORDER BY 1, 2`.execute(db);
    return r.rows;
  }
  // The range starts with a month: a category's buyers of a month are their first purchase days there (month_first).
  const whole = scope.fromDay === null || scope.fromDay.endsWith('-01');
  const r = await sql<CategoryMonthRow>`
    SELECT to_char(date_trunc('month', d.day), 'YYYY-MM') AS month, d.category, sum(d.revenue) AS revenue, sum(d.orders) AS orders,
           ${whole ? sql`count(*) FILTER (WHERE d.month_first)` : sql`count(DISTINCT d.customer_id) FILTER (WHERE d.orders > 0)`} AS buyers
    FROM customer_category_days d
    WHERE d.currency = 'JPY' ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)}
    GROUP BY date_trunc('month', d.day), d.category ORDER BY 1, 2`.execute(db);
  return r.rows;
}

export interface CohortRow { cohort: string; months_since: number | string; buyers: number | string }

/**
 * Buyers by the month of their first purchase (in the range) and, for each later month up to the range's end, how
 * many of them bought that month: one rollup row per customer and month with purchases (month_first_any). A cohort's
 * size is its month 0.
 */
export async function cohorts(db: Db, scope: Scope): Promise<CohortRow[]> {
  if (monthSums(scope, false)) {
    // Every customer, to the end of a month (or open): the month sums by month of first purchase and of purchase.
    const r = await sql<CohortRow>`
      SELECT to_char(m.cohort, 'YYYY-MM') AS cohort,
             (EXTRACT(YEAR FROM m.month) - EXTRACT(YEAR FROM m.cohort)) * 12 + EXTRACT(MONTH FROM m.month) - EXTRACT(MONTH FROM m.cohort) AS months_since,
             sum(m.buyers)::bigint AS buyers
      FROM cohort_months m
      WHERE TRUE ${scope.toDay ? sql`AND m.month <= ${scope.toDay}::date` : sql``}
        ${scope.fromDay ? sql`AND m.cohort >= date_trunc('month', ${scope.fromDay}::date)` : sql``}
      GROUP BY m.cohort, m.month HAVING sum(m.buyers) <> 0 ORDER BY 1, 2`.execute(db);
    return r.rows;
  }
  const r = await sql<CohortRow>`
    SELECT to_char(x.cohort, 'YYYY-MM') AS cohort,
           (EXTRACT(YEAR FROM x.month) - EXTRACT(YEAR FROM x.cohort)) * 12 + EXTRACT(MONTH FROM x.month) - EXTRACT(MONTH FROM x.cohort) AS months_since,
           x.buyers
    FROM (
      SELECT date_trunc('month', d.first_day) AS cohort, date_trunc('month', d.day) AS month, count(*) AS buyers
      FROM customer_order_days d
      WHERE d.month_first_any ${members(scope, sql`d.customer_id`)} ${scope.toDay ? sql`AND d.day <= ${scope.toDay}::date` : sql``}
        ${scope.fromDay ? sql`AND d.first_day >= date_trunc('month', ${scope.fromDay}::date)` : sql``}
      GROUP BY 1, 2) x
    ORDER BY 1, 2`.execute(db);
  return r.rows;
}

// ── customers ──

export interface AcquisitionRow { month: string; channel: string | null; new_customers: number | string }

export async function acquisition(db: Db, scope: Scope): Promise<AcquisitionRow[]> {
  const r = await sql<AcquisitionRow>`
    SELECT ${month(sql`c.created_at`)} AS month, c.acquisition_channel AS channel, count(*) AS new_customers
    FROM customer_facts c WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} ${within(scope, sql`c.created_at`)}
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return r.rows;
}

export interface VoiceMonthRow { month: string; sentiment: string; items: number | string }

/** Voice-of-customer items received per Japan month and sentiment, of the scope's live customers (an item is its record's customer's). */
export async function voiceByMonth(db: Db, scope: Scope): Promise<VoiceMonthRow[]> {
  const r = await sql<VoiceMonthRow>`
    SELECT ${month(sql`v.received_at`)} AS month, v.sentiment, count(*) AS items
    FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id JOIN customer_facts c ON c.customer_id = sr.customer_id
    WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} ${within(scope, sql`v.received_at`)}
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return r.rows;
}

export interface FirstTouchRow { source: string; customers: number | string; buyers: number | string }

/**
 * Customers who entered the ledger in the range by the source of their earliest record (received first; ties by id),
 * and how many of them made a purchase in the range.
 */
export async function firstTouch(db: Db, scope: Scope): Promise<FirstTouchRow[]> {
  if (scope.from === null && scope.until === null && scope.fromDay === null && scope.toDay === null) {
    // Without a range the creation time is not needed, and the few deleted customers are left out by their partial
    // index instead of joining a million facts. Customers and buyers are counted apart: the customers from the first
    // touches, the buyers from the totals alone, each buyer's first touch's source kept beside its totals (0048; the
    // semi join of the first touches to the totals took 1.3 s of 1.9 s with a segment at 1M). A buyer is counted
    // once: by its yen row, or without yen purchases by the first currency it bought in (the other currencies' few
    // rows through their partial index; one filter for both made PostgreSQL probe the totals once per segment member,
    // 2.6 s at 1M). The totals hold live customers only.
    const live = sql`NOT EXISTS (SELECT 1 FROM customer_facts c WHERE c.customer_id = f.customer_id AND c.deleted_at IS NOT NULL) ${members(scope, sql`f.customer_id`)}`;
    const r = await sql<FirstTouchRow>`
      SELECT s.name AS source, sum(x.customers) AS customers, sum(x.buyers) AS buyers
      FROM (
        SELECT f.source_id, count(*) AS customers, 0 AS buyers FROM customer_first_touch f WHERE ${live} GROUP BY f.source_id
        UNION ALL
        SELECT t.first_source_id, 0, count(*) FROM customer_order_totals t
        WHERE t.currency = 'JPY' AND t.orders > 0 ${members(scope, sql`t.customer_id`)}
        GROUP BY t.first_source_id
        UNION ALL
        SELECT t.first_source_id, 0, count(*) FROM customer_order_totals t
        WHERE t.currency <> 'JPY' AND t.orders > 0 ${members(scope, sql`t.customer_id`)}
          AND NOT EXISTS (SELECT 1 FROM customer_order_totals o
            WHERE o.customer_id = t.customer_id AND o.orders > 0 AND (o.currency = 'JPY' OR o.currency < t.currency))
        GROUP BY t.first_source_id) x
      JOIN sources s ON s.id = x.source_id
      GROUP BY s.name ORDER BY sum(x.customers) DESC, s.name`.execute(db);
    return r.rows;
  }
  // With a range: each customer's first record as resolution keeps it (customer_first_touch, migration 0040), of the
  // customers of the scope; buyers as one distinct list of the rollup's customers in the range (no per-customer probes).
  const r = await sql<FirstTouchRow>`
    WITH firsts AS (
      SELECT f.customer_id, f.source_id
      FROM customer_first_touch f JOIN customer_facts c ON c.customer_id = f.customer_id
      WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} ${within(scope, sql`c.created_at`)}),
    buyers AS (SELECT DISTINCT d.customer_id FROM customer_order_days d
      WHERE d.orders > 0 ${members(scope, sql`d.customer_id`)} ${withinDays(scope, sql`d.day`)})
    SELECT s.name AS source, count(*) AS customers, count(b.customer_id) AS buyers
    FROM firsts f JOIN sources s ON s.id = f.source_id LEFT JOIN buyers b ON b.customer_id = f.customer_id
    GROUP BY s.name ORDER BY count(*) DESC, s.name`.execute(db);
  return r.rows;
}

export interface QualityRow { customers: number | string; with_email: number | string; with_phone: number | string; with_address: number | string; with_company: number | string; review_waiting: number | string; company_review_waiting: number | string; stale_values: number | string }

/** How complete the scope's customers (entered in the range) are, the review queues' sizes, and how many have stale values (要更新, as of the daily quality pass). */
export async function quality(db: Db, scope: Scope): Promise<QualityRow> {
  const r = await sql<QualityRow>`
    SELECT count(*) AS customers, count(*) FILTER (WHERE c.has_email) AS with_email, count(*) FILTER (WHERE c.has_phone) AS with_phone,
           count(*) FILTER (WHERE c.has_address) AS with_address, count(c.company_id) AS with_company,
           (SELECT count(*) FROM review_items WHERE status = 'open') AS review_waiting,
           (SELECT count(*) FROM company_reviews WHERE status = 'open') AS company_review_waiting,
           count(q.customer_id) AS stale_values
    FROM customer_facts c
    -- Only the customers with stale values (a partial index): a small build side, not a second scan of a million rows.
    LEFT JOIN (SELECT customer_id FROM customer_quality WHERE stale_count > 0) q ON q.customer_id = c.customer_id
    WHERE c.deleted_at IS NULL ${members(scope, sql`c.customer_id`)} ${within(scope, sql`c.created_at`)}`.execute(db);
  return r.rows[0]!;
}

export interface MergesRow { source: string; label: string; merged: number | string; records: number | string }

/**
 * Per source: its records (received in the range) and how many of them joined a customer that existed before
 * (identity resolution's merge or an accepted review, decided after the customer was created: a cluster's own new
 * customer does not count). Resolution stores that answer with the decision (match_decisions.joined_existing,
 * migration 0040) and on its record (0043).
 */
export async function mergesBySource(db: Db, scope: Scope): Promise<MergesRow[]> {
  // The record carries its decisions' answer (source_records.joined_existing, migration 0043) in its (customer, source,
  // arrival) index: one index-only scan, the few deleted customers left out by their partial index.
  const r = await sql<MergesRow>`
    SELECT s.name AS source, s.label, x.merged, x.records
    FROM (
      SELECT sr.source_id, count(*) FILTER (WHERE sr.joined_existing) AS merged, count(*) AS records
      FROM source_records sr
      WHERE sr.customer_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM customer_facts c WHERE c.customer_id = sr.customer_id AND c.deleted_at IS NOT NULL)
        ${members(scope, sql`sr.customer_id`)} ${within(scope, sql`sr.received_at`)}
      GROUP BY sr.source_id) x
    JOIN sources s ON s.id = x.source_id
    ORDER BY x.records DESC, s.name`.execute(db);
  return r.rows;
}
