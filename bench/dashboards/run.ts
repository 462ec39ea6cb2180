/**
 * Dashboards benchmark (issue 22): the segments benchmark's ledger (bench/support/ledger.ts: default 1M customers,
 * 10M activities, 2M orders with their lines) plus what the dashboards read — companies with a JSIC code and a size
 * band for 40% of the customers, owners for 30%, a stage history with plausible times (some skip 商談中), identity
 * decisions for the `ec` and form records, a saved segment (1都3県, ~35%) — then every panel through the service
 * (panel(): checks, query, labels), the composition for each dimension, and each panel again with the segment and
 * with a date range (the last 90 days), each against a hand-written SQL over the raw tables (orders, order lines,
 * source records) computing the same numbers (the run stops if they differ): p50/p95 and the ratio of the p95s.
 * Targets: p95 ≤ 1 s on PostgreSQL, ≤ 2 s on PGlite.
 *
 *   npx tsx bench/dashboards/run.ts [--customers 1000000] [--runs 10] [--hand-runs 3] [--engine pglite|postgres|both]
 *                                   [--keep-pglite DIR] [--keep-postgres SCHEMA] [--only composition] [--explain]
 *
 * --hand-runs 0 still checks each panel against its hand-written SQL once, and that one run's time is the SQL's
 * figure (the raw SQL takes 10–60 s a panel at 1M). Each case's line is logged as it finishes, the table at the end.
 */
import os from 'node:os';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import type { Db, Engine } from '../../src/db/database.ts';
import { JSIC_MIDDLE } from '../../src/domain/companies/industry.ts';
import { rebuildCustomerFacts, rebuildCustomerFunnel } from '../../src/ledger/customers/customers.service.ts';
import { rebuildOrderRollups, refreshOrderTotalsKeys } from '../../src/ledger/values/values.service.ts';
import { rebuildRecordRollups } from '../../src/resolution/resolver.ts';
import { COMPOSITION_DIMENSIONS, type CompositionDimension, type Panel, type PanelId, type PanelQuery } from '../../src/use/dashboards/dashboards.schemas.ts';
import { FUNNEL_STAGES, panel } from '../../src/use/dashboards/dashboards.service.ts';
import { argValue, engineArg, log, openBenchDb, percentile, secs, timed } from '../support/harness.ts';
import { h, ledgerSizeArgs, load, uid, type LedgerSize } from '../support/ledger.ts';

interface Args extends LedgerSize {
  runs: number; handRuns: number; engines: Engine[]; keepPglite: string | null; keepPostgres: string | null; only: string | null; explain: boolean;
}

function parseArgs(argv: string[]): Args {
  return {
    ...ledgerSizeArgs(argv),
    runs: Number(argValue(argv, 'runs') ?? 10),
    handRuns: Number(argValue(argv, 'hand-runs') ?? 3),
    engines: engineArg(argv),
    keepPglite: argValue(argv, 'keep-pglite') ?? null,
    keepPostgres: argValue(argv, 'keep-postgres') ?? null,
    only: argValue(argv, 'only') ?? null,
    explain: argv.includes('--explain'),
  };
}

// ── what the dashboards need beyond the segments' ledger ──

const OWNERS = 20;
const COMPANIES = 20_000;
const MAJORS = 'ABCDEFGHIJKLMNOPQRST';
const SIZE_BANDS = ['1-9', '10-49', '50-299', '300-999', '1000+'];
const SEGMENT_NAME = 'bench 1都3県';

async function extend(db: Db): Promise<void> {
  // Owners: sales users (no sign-in needed here).
  await sql`INSERT INTO users (email, email_normalized, display_name, password_hash, role)
    SELECT 'owner' || k || '@bench.daicho.dev', 'owner' || k || '@bench.daicho.dev', '営業 ' || k, 'x', 'sales' FROM generate_series(1, ${OWNERS}) AS k
    ON CONFLICT DO NOTHING`.execute(db);
  // Companies: a JSIC 大分類 letter for half of them, a 中分類 code for the other half; size bands skewed small.
  const middles = Object.keys(JSIC_MIDDLE);
  await sql`INSERT INTO companies (id, name, industry_code, size_band)
    SELECT ${uid('co', 'k')}, 'ベンチ商事' || k || '株式会社',
           CASE WHEN k % 2 = 0 THEN substr(${MAJORS}, 1 + (${sql.raw(h('k', 21))} % 20)::int, 1)
                ELSE (${sql.raw(`ARRAY[${middles.map((m) => `'${m}'`).join(',')}]`)})[1 + (${sql.raw(h('k', 22))} % ${middles.length})::int] END,
           CASE WHEN k % 11 = 0 THEN NULL ELSE (ARRAY[${sql.join(SIZE_BANDS)}])[1 + floor(5 * power((${sql.raw(h('k', 23))} + 0.5) / 1000003.0, 1.6))::int] END
    FROM generate_series(0, ${COMPANIES - 1}) AS k ON CONFLICT DO NOTHING`.execute(db);
  log('  companies and owners');
  // 40% of customers work at a company, 30% have an owner.
  await sql`UPDATE customers c SET
      company_id = CASE WHEN ${sql.raw(h("('x' || substr(c.id::text, 1, 8))::bit(32)::int", 24))} % 10 < 4
                        THEN ${uid('co', `(${h("('x' || substr(c.id::text, 1, 8))::bit(32)::int", 25)} % ${COMPANIES})`)} END,
      owner_user_id = CASE WHEN ${sql.raw(h("('x' || substr(c.id::text, 1, 8))::bit(32)::int", 26))} % 10 < 3
                           THEN (SELECT id FROM users WHERE email = 'owner' || (1 + ${sql.raw(h("('x' || substr(c.id::text, 1, 8))::bit(32)::int", 27))} % ${OWNERS}) || '@bench.daicho.dev') END`.execute(db);
  log('  companies and owners set on customers');
  // Stage history consistent with each customer's stage: prospect at created_at, then 商談中 1–60 days later
  // (20% of customers skip it), 顧客 1–90 days after that, 休眠 / 失注 / 対象外 later still; never after now.
  await sql`DELETE FROM customer_stage_changes`.execute(db);
  await sql`INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage, changed_at)
    SELECT c.id, s.from_stage, s.to_stage, LEAST(now(), c.created_at + s.after * interval '1 day')
    FROM (SELECT c.id, c.created_at, c.lifecycle_stage, ${sql.raw(h("('x' || substr(c.id::text, 1, 8))::bit(32)::int", 28))} AS r FROM customers c) c
    CROSS JOIN LATERAL (SELECT 1 + c.r % 60 AS d1, 1 + (c.r / 60) % 90 AS d2, c.r % 5 = 0 AS skip) t
    CROSS JOIN LATERAL (VALUES
      (1, NULL, 'prospect', 0, TRUE),
      (2, 'prospect', 'opportunity', t.d1, c.lifecycle_stage IN ('opportunity', 'lost') OR (c.lifecycle_stage IN ('customer', 'dormant') AND NOT t.skip)),
      (3, CASE WHEN t.skip THEN 'prospect' ELSE 'opportunity' END, 'customer', t.d1 + t.d2, c.lifecycle_stage IN ('customer', 'dormant')),
      (4, 'customer', 'dormant', t.d1 + t.d2 + 120, c.lifecycle_stage = 'dormant'),
      (4, 'opportunity', 'lost', t.d1 + 30, c.lifecycle_stage = 'lost'),
      (2, 'prospect', 'disqualified', t.d1, c.lifecycle_stage = 'disqualified')) AS s(step, from_stage, to_stage, after, kept)
    WHERE s.kept ORDER BY c.created_at, s.step`.execute(db);
  // The history was written with SQL of its own: each customer's first arrivals rebuilt as the daily pass does.
  const [funnelMs] = await timed(() => rebuildCustomerFunnel(db));
  log(`  stage history; funnel rows rebuilt in ${secs(funnelMs)}`);
  // Identity decisions: every ec and form record joined its customer (an existing one) a minute after it arrived;
  // joined_existing as resolution's insertDecisions sets it (the customer created before the decision).
  await sql`DELETE FROM match_decisions WHERE rule = 'cluster' AND evidence = '{}'::jsonb`.execute(db);
  await sql`INSERT INTO match_decisions (kind, source_record_id, customer_id, rule, evidence, created_at, joined_existing)
    SELECT 'merge', sr.id, sr.customer_id, 'cluster', '{}'::jsonb, GREATEST(sr.received_at, c.created_at) + interval '1 minute',
           c.created_at < GREATEST(sr.received_at, c.created_at) + interval '1 minute'
    FROM source_records sr JOIN sources s ON s.id = sr.source_id JOIN customers c ON c.id = sr.customer_id
    WHERE s.name IN ('ec', 'web-form')`.execute(db);
  log('  identity decisions');
  // A saved segment, materialised: 1都3県.
  const segment = (await sql<{ id: string }>`INSERT INTO segments (name, definition, mode, member_count, refreshed_at)
    VALUES (${SEGMENT_NAME}, ${JSON.stringify({ type: 'attribute', field: 'prefecture', op: 'in', values: ['東京都', '神奈川県', '埼玉県', '千葉県'] })}::jsonb, 'dynamic', 0, now())
    RETURNING id`.execute(db)).rows[0]!.id;
  await sql`INSERT INTO segment_members (segment_id, customer_id)
    SELECT ${segment}::uuid, id FROM customers WHERE deleted_at IS NULL AND prefecture IN ('東京都', '神奈川県', '埼玉県', '千葉県')`.execute(db);
  log('  segment');
  // The ledger was loaded and the companies and owners set with SQL of their own: the customer facts rebuilt once,
  // before the order rollups (the totals copy each buyer's keys from the facts).
  const [factsMs] = await timed(() => rebuildCustomerFacts(db));
  log(`  customer facts rebuilt in ${secs(factsMs)}`);
  const [ms] = await timed(() => rebuildOrderRollups(db));
  log(`  order rollups rebuilt in ${secs(ms)}`);
  // The same for the records' rollups: first touches, customers' sources, joined flags (the records and decisions
  // were loaded with SQL of their own too).
  const [firstMs] = await timed(() => rebuildRecordRollups(db));
  log(`  first touches, sources and joined flags rebuilt in ${secs(firstMs)}`);
  // The totals copy each buyer's sources and first touch (0048): put right after the records' rollups, as the daily pass does.
  const [keysMs] = await timed(() => refreshOrderTotalsKeys(db, null));
  log(`  totals' keys and sources refreshed in ${secs(keysMs)}`);
  for (const table of ['users', 'companies', 'customers', 'segment_members']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  // Vacuumed so that the panels' index-only scans (source records by customer and source) need no heap visits (the
  // funnel, when it read the stage changes by customer, took 5.5 s at 1M on a fresh ledger, 1.9 s after a VACUUM).
  for (const table of ['source_records', 'customer_facts', 'customer_order_totals', 'customer_first_touch', 'customer_sources', 'match_decisions', 'customer_stage_changes', 'customer_funnel']) {
    await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
  }
}

// ── hand-written SQL over the raw tables ──

interface Filters { segment: string | null; fromDay: string | null; toDay: string | null }
const member = (f: Filters, col: string) => (f.segment ? sql`AND ${sql.raw(col)} IN (SELECT customer_id FROM segment_members WHERE segment_id = ${f.segment}::uuid)` : sql``);
const dayIn = (f: Filters, col: RawBuilder<unknown>) => sql`${f.fromDay ? sql`AND ${col} >= ${f.fromDay}::date` : sql``} ${f.toDay ? sql`AND ${col} <= ${f.toDay}::date` : sql``}`;
const JDAY = sql`(o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date`;
/** Each order as RFM counts it: not cancelled, with lines; a purchase when a line has a positive quantity; net of returns. */
const rawOrders = (f: Filters, range = true) => sql`
  SELECT sr.customer_id, o.id, ${JDAY} AS day, o.currency, l.counted, l.net
  FROM orders o
  JOIN (SELECT order_id, bool_or(quantity > 0) AS counted,
               sum(CASE WHEN unit_price IS NOT NULL THEN (quantity - returned_quantity) * unit_price ELSE amount - returned_amount END) AS net
        FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
  JOIN source_records sr ON sr.id = o.source_record_id JOIN customers c ON c.id = sr.customer_id
  WHERE o.status <> 'cancelled' AND c.deleted_at IS NULL ${member(f, 'c.id')} ${range ? dayIn(f, JDAY) : sql``}`;
const createdIn = (f: Filters) => sql`${f.fromDay ? sql`(c.created_at AT TIME ZONE 'Asia/Tokyo')::date >= ${f.fromDay}::date` : sql`TRUE`} AND ${f.toDay ? sql`(c.created_at AT TIME ZONE 'Asia/Tokyo')::date <= ${f.toDay}::date` : sql`TRUE`}`;
const MIDDLES = () => sql`(VALUES ${sql.join(Object.entries(JSIC_MIDDLE).map(([code, m]) => sql`(${code}, ${m.major})`))}) AS jm(code, major)`;

function keyOf(by: CompositionDimension): { from: RawBuilder<unknown>; key: RawBuilder<unknown> } {
  switch (by) {
    case 'industry': return { from: sql`customers c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN ${MIDDLES()} ON jm.code = substr(co.industry_code, 1, 2)`, key: sql`COALESCE(CASE WHEN length(co.industry_code) = 1 THEN co.industry_code END, jm.major)` };
    case 'size_band': return { from: sql`customers c LEFT JOIN companies co ON co.id = c.company_id`, key: sql`co.size_band` };
    case 'prefecture': return { from: sql`customers c`, key: sql`c.prefecture` };
    case 'channel': return { from: sql`customers c`, key: sql`c.acquisition_channel` };
    case 'stage': return { from: sql`customers c`, key: sql`c.lifecycle_stage` };
    case 'owner': return { from: sql`customers c`, key: sql`c.owner_user_id::text` };
    case 'source': return { from: sql`customers c JOIN (SELECT DISTINCT customer_id, source_id FROM source_records) r ON r.customer_id = c.id JOIN sources s ON s.id = r.source_id`, key: sql`s.name` };
  }
}

type Hand = (f: Filters) => RawBuilder<Record<string, unknown>>;

const HAND: Record<Exclude<PanelId, 'composition'>, Hand> & { composition: (by: CompositionDimension) => Hand } = {
  composition: (by) => (f) => {
    const k = keyOf(by);
    return sql`WITH per AS (SELECT customer_id, count(*) FILTER (WHERE counted) AS orders, sum(net) AS revenue FROM (${rawOrders(f)}) o WHERE currency = 'JPY' GROUP BY customer_id)
      SELECT ${k.key} AS key, count(*) FILTER (WHERE ${createdIn(f)}) AS customers, count(*) FILTER (WHERE per.orders > 0) AS buyers,
             COALESCE(sum(per.orders), 0) AS orders, COALESCE(sum(per.revenue), 0) AS revenue
      FROM ${k.from} LEFT JOIN per ON per.customer_id = c.id
      WHERE c.deleted_at IS NULL ${member(f, 'c.id')}
      GROUP BY 1 HAVING count(*) FILTER (WHERE ${createdIn(f)}) > 0 OR count(per.customer_id) > 0`;
  },
  funnel: (f) => sql`
    WITH firsts AS (
      SELECT h.customer_id, h.to_stage, min(h.changed_at) AS at FROM customer_stage_changes h JOIN customers c ON c.id = h.customer_id
      WHERE c.deleted_at IS NULL ${member(f, 'c.id')} ${f.toDay ? sql`AND (h.changed_at AT TIME ZONE 'Asia/Tokyo')::date <= ${f.toDay}::date` : sql``}
      GROUP BY 1, 2),
    reach AS (
      SELECT customer_id, min(at) FILTER (WHERE to_stage IN ('prospect', 'opportunity', 'customer')) AS r0,
             min(at) FILTER (WHERE to_stage IN ('opportunity', 'customer')) AS r1, min(at) FILTER (WHERE to_stage = 'customer') AS r2
      FROM firsts GROUP BY 1),
    steps AS (SELECT customer_id, 0 AS stage, r0 AS at, r1 AS next FROM reach UNION ALL SELECT customer_id, 1, r1, r2 FROM reach UNION ALL SELECT customer_id, 2, r2, NULL FROM reach)
    SELECT ${sql.raw(`(ARRAY['${FUNNEL_STAGES.join("','")}'])`)}[stage + 1] AS stage, count(*) AS reached, count(next) AS converted,
           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM next - at) / 86400))::numeric, 1) AS "medianDays"
    FROM steps WHERE at IS NOT NULL ${dayIn(f, sql`(at AT TIME ZONE 'Asia/Tokyo')::date`)}
    GROUP BY stage ORDER BY stage`,
  revenue_by_month: (f) => sql`
    WITH o AS (${rawOrders(f, false)}),
    firsts AS (SELECT customer_id, min(day) FILTER (WHERE counted) AS first_day FROM o GROUP BY 1),
    m AS (SELECT customer_id, to_char(day, 'YYYY-MM') AS month, sum(net) AS revenue, count(*) FILTER (WHERE counted) AS orders
          FROM o WHERE currency = 'JPY' ${dayIn(f, sql`day`)} GROUP BY 1, 2)
    SELECT m.month, sum(m.revenue) AS revenue, sum(m.orders) AS orders, count(*) FILTER (WHERE m.orders > 0) AS buyers,
           count(*) FILTER (WHERE m.orders > 0 AND to_char(fi.first_day, 'YYYY-MM') = m.month) AS "newBuyers"
    FROM m JOIN firsts fi ON fi.customer_id = m.customer_id GROUP BY 1`,
  category_by_month: (f) => sql`
    SELECT to_char(${JDAY}, 'YYYY-MM') AS month, p.category,
           sum(CASE WHEN l.unit_price IS NOT NULL THEN (l.quantity - l.returned_quantity) * l.unit_price ELSE l.amount - l.returned_amount END) AS revenue,
           count(DISTINCT o.id) FILTER (WHERE l.quantity > 0) AS orders, count(DISTINCT c.id) FILTER (WHERE l.quantity > 0) AS buyers
    FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id
    JOIN source_records sr ON sr.id = o.source_record_id JOIN customers c ON c.id = sr.customer_id
    WHERE o.status <> 'cancelled' AND o.currency = 'JPY' AND c.deleted_at IS NULL ${member(f, 'c.id')} ${dayIn(f, JDAY)}
    GROUP BY 1, 2`,
  cohorts: (f) => sql`
    WITH o AS (SELECT customer_id, date_trunc('month', day) AS month FROM (${rawOrders(f, false)}) o WHERE counted ${f.toDay ? sql`AND day <= ${f.toDay}::date` : sql``} GROUP BY 1, 2),
    firsts AS (SELECT customer_id, min(month) AS cohort FROM o GROUP BY 1),
    kept AS (SELECT * FROM firsts ${f.fromDay ? sql`WHERE cohort >= date_trunc('month', ${f.fromDay}::date)` : sql``}),
    sizes AS (SELECT cohort, count(*) AS n FROM kept GROUP BY 1)
    SELECT to_char(k.cohort, 'YYYY-MM') AS cohort, ((EXTRACT(YEAR FROM age(o.month, k.cohort)) * 12 + EXTRACT(MONTH FROM age(o.month, k.cohort))))::int AS "monthsSince",
           count(*) AS buyers, s.n AS "cohortSize"
    FROM o JOIN kept k ON k.customer_id = o.customer_id JOIN sizes s ON s.cohort = k.cohort GROUP BY 1, 2, s.n`,
  acquisition: (f) => sql`
    SELECT to_char(c.created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month, c.acquisition_channel AS channel, count(*) AS "newCustomers"
    FROM customers c WHERE c.deleted_at IS NULL ${member(f, 'c.id')} AND ${createdIn(f)} GROUP BY 1, 2`,
  voice_by_month: (f) => sql`
    SELECT to_char(v.received_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month, v.sentiment, count(*) AS items
    FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
    WHERE c.deleted_at IS NULL ${member(f, 'c.id')} ${dayIn(f, sql`(v.received_at AT TIME ZONE 'Asia/Tokyo')::date`)} GROUP BY 1, 2`,
  first_touch: (f) => sql`
    WITH cs AS (SELECT c.id FROM customers c WHERE c.deleted_at IS NULL ${member(f, 'c.id')} AND ${createdIn(f)}),
    ranked AS (SELECT sr.customer_id, sr.source_id, row_number() OVER (PARTITION BY sr.customer_id ORDER BY sr.received_at, sr.id) AS n
               FROM source_records sr JOIN cs ON cs.id = sr.customer_id),
    bought AS (SELECT DISTINCT customer_id FROM (${rawOrders(f)}) o WHERE counted)
    SELECT s.name AS source, count(*) AS customers, count(b.customer_id) AS buyers
    FROM ranked r JOIN sources s ON s.id = r.source_id LEFT JOIN bought b ON b.customer_id = r.customer_id WHERE r.n = 1 GROUP BY 1`,
  quality: (f) => sql`
    SELECT m.metric, m.count FROM (
      SELECT count(c.email) AS e, count(c.phone) AS p, count(*) FILTER (WHERE c.address IS NOT NULL OR c.postal_code IS NOT NULL) AS a, count(c.company_id) AS co
      FROM customers c WHERE c.deleted_at IS NULL ${member(f, 'c.id')} AND ${createdIn(f)}) x
    CROSS JOIN LATERAL (VALUES ('with_email', x.e), ('with_phone', x.p), ('with_address', x.a), ('with_company', x.co),
      ('review_waiting', (SELECT count(*) FROM review_items WHERE status = 'open')), ('company_review_waiting', (SELECT count(*) FROM company_reviews WHERE status = 'open')),
      ('stale_values', (SELECT count(*) FROM customer_quality q JOIN customers c ON c.id = q.customer_id
                        WHERE q.stale_count > 0 AND c.deleted_at IS NULL ${member(f, 'c.id')} AND ${createdIn(f)}))) AS m(metric, count)`,
  merges_by_source: (f) => sql`
    WITH joined AS (SELECT DISTINCT d.source_record_id FROM match_decisions d JOIN customers t ON t.id = d.customer_id WHERE d.kind IN ('merge', 'accept') AND t.created_at < d.created_at)
    SELECT s.name AS source, count(j.source_record_id) AS merged, count(*) AS records
    FROM source_records sr JOIN sources s ON s.id = sr.source_id JOIN customers c ON c.id = sr.customer_id LEFT JOIN joined j ON j.source_record_id = sr.id
    WHERE c.deleted_at IS NULL ${member(f, 'c.id')} ${dayIn(f, sql`(sr.received_at AT TIME ZONE 'Asia/Tokyo')::date`)} GROUP BY 1`,
};

/** Rows as comparable text: the hand-written SQL's columns only, numbers to the cent, rows without a count left out. */
function comparable(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string[] {
  return rows.map((r) => JSON.stringify(columns.map((c) => {
    const v = r[c];
    if (v === null || v === undefined) return null;
    const n = Number(v);
    return typeof v === 'number' || (typeof v === 'string' && v !== '' && !Number.isNaN(n) && /^-?[\d.]+$/u.test(v)) ? Math.round(n * 100) / 100 : v;
  }))).filter((s) => !/^\[("[^"]*"|null)(,("[^"]*"|null))*(,0)+\]$/u.test(s)).sort();
}

// ── measuring ──

const load1 = () => os.loadavg()[0]!.toFixed(1);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface Case { name: string; panel: PanelId; query: PanelQuery; hand: Hand; filters: Filters }
interface Result { name: string; rows: number; p50: number; p95: number; handP50: number; handP95: number; load: string }

function cases(segment: string, now: Date): Case[] {
  const day = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
  const to = day(now.getTime());
  const from = day(now.getTime() - 89 * 86_400_000);
  // Trend panels without a range read the last 24 months: the hand-written SQL gets the same first day.
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  const first = new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth() - 23, 1)).toISOString().slice(0, 10);
  const trend = new Set<PanelId>(['revenue_by_month', 'category_by_month', 'cohorts', 'acquisition']);
  const out: Case[] = [];
  for (const by of COMPOSITION_DIMENSIONS) out.push({ name: `composition ${by}`, panel: 'composition', query: { by }, hand: HAND.composition(by), filters: { segment: null, fromDay: null, toDay: null } });
  out.push({ name: 'composition pref seg', panel: 'composition', query: { by: 'prefecture', segment }, hand: HAND.composition('prefecture'), filters: { segment, fromDay: null, toDay: null } });
  out.push({ name: 'composition pref 90d', panel: 'composition', query: { by: 'prefecture', from, to }, hand: HAND.composition('prefecture'), filters: { segment: null, fromDay: from, toDay: to } });
  for (const id of ['funnel', 'revenue_by_month', 'category_by_month', 'cohorts', 'acquisition', 'first_touch', 'quality', 'merges_by_source', 'voice_by_month'] as const) {
    const all = trend.has(id) ? first : null;
    out.push({ name: id, panel: id, query: {}, hand: HAND[id], filters: { segment: null, fromDay: all, toDay: null } });
    out.push({ name: `${id} seg`, panel: id, query: { segment }, hand: HAND[id], filters: { segment, fromDay: all, toDay: null } });
    out.push({ name: `${id} 90d`, panel: id, query: { from, to }, hand: HAND[id], filters: { segment: null, fromDay: from, toDay: to } });
  }
  return out;
}

async function runEngine(engine: Engine, args: Args) {
  log(`${engine}: opening (load average ${load1()})`);
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres, loadedTable: 'form_submissions' });
  const db = bench.handle.db;
  try {
    if (!bench.loaded) {
      log(`${engine}: loading ${args.customers.toLocaleString()} customers, ${args.activities.toLocaleString()} activities, ~${args.orders.toLocaleString()} orders`);
      const [ms] = await timed(() => load(bench.handle, args));
      log(`${engine}: loaded in ${secs(ms)}`);
    }
    let segment = (await sql<{ id: string }>`SELECT id FROM segments WHERE name = ${SEGMENT_NAME}`.execute(db)).rows[0]?.id;
    if (!segment) {
      log(`${engine}: adding companies, owners, stage history, decisions, a segment; rebuilding the order rollups`);
      const [ms] = await timed(() => extend(db));
      log(`${engine}: extended in ${secs(ms)}`);
      segment = (await sql<{ id: string }>`SELECT id FROM segments WHERE name = ${SEGMENT_NAME}`.execute(db)).rows[0]!.id;
    }
    const stats = (await sql<Record<string, string>>`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
        (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM activities) AS activities, (SELECT count(*) FROM customer_stage_changes) AS stages,
        (SELECT count(*) FROM customer_order_days) AS days, (SELECT count(*) FROM customer_category_days) AS cats,
        (SELECT count(*) FROM segment_members WHERE segment_id = ${segment}::uuid) AS members`.execute(db)).rows[0]!;
    const f = (k: string) => Number(stats[k]).toLocaleString();
    const now = new Date();
    const results: Result[] = [];
    for (const c of cases(segment, now).filter((x) => !args.only || x.name.startsWith(args.only))) {
      const first: Panel = await panel(db, c.panel, c.query, now);
      const [checkMs, handResult] = await timed(() => c.hand(c.filters).execute(db));
      const hand = handResult.rows;
      const columns = Object.keys(hand[0] ?? {});
      const [a, b] = [comparable(first.rows, columns), comparable(hand, columns)];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(`${c.name}: the panel and the hand-written SQL differ\npanel: ${a.slice(0, 8).join(' ')}\nhand:  ${b.slice(0, 8).join(' ')}`);
      }
      if (args.explain) {
        const compiled = c.hand(c.filters).compile(db);
        const plan = await db.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${compiled.sql}`, [...compiled.parameters]));
        console.log(`\n--- ${c.name}: hand-written\n${(plan.rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]).join('\n')}`);
      }
      const times: number[] = [];
      for (let i = 0; i < args.runs; i++) times.push((await timed(() => panel(db, c.panel, c.query, now)))[0]);
      const handTimes: number[] = [];
      for (let i = 0; i < args.handRuns; i++) handTimes.push((await timed(() => c.hand(c.filters).execute(db)))[0]);
      // --hand-runs 0: the checking run's time stands for the hand-written SQL (one sample).
      if (handTimes.length === 0) handTimes.push(checkMs);
      const t = sorted(times);
      const ht = sorted(handTimes);
      const r = { name: c.name, rows: first.rows.length, p50: percentile(t, 50), p95: percentile(t, 95), handP50: percentile(ht, 50), handP95: percentile(ht, 95), load: load1() };
      results.push(r);
      log(`  ${c.name}: ${r.rows} rows — p95 ${r.p95.toFixed(0)} ms, hand-written ${r.handP95.toFixed(0)} ms`);
    }
    const target = engine === 'postgres' ? 1000 : 2000;
    console.log(`\nDashboards — ${engine}: ${f('customers')} customers, ${f('orders')} orders (${f('lines')} lines), ${f('activities')} activities, ${f('stages')} stage changes; rollups ${f('days')} customer-days, ${f('cats')} customer-category-days; segment ${f('members')} members`);
    console.log(`Each panel through the service (${args.runs} runs) against a hand-written SQL over the raw tables (${args.handRuns} runs), equal numbers checked. Target p95 ≤ ${target} ms. Times in ms.\n`);
    console.log(`${'panel'.padEnd(28)}${'rows'.padStart(6)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'SQL p50'.padStart(9)}${'SQL p95'.padStart(9)}${'ratio'.padStart(8)}${'load'.padStart(6)}  ok`);
    console.log('-'.repeat(88));
    for (const r of results) {
      console.log(`${r.name.padEnd(28)}${String(r.rows).padStart(6)}${r.p50.toFixed(0).padStart(8)}${r.p95.toFixed(0).padStart(8)}${r.handP50.toFixed(0).padStart(9)}${r.handP95.toFixed(0).padStart(9)}${`${(r.p95 / r.handP95).toFixed(2)}×`.padStart(8)}${r.load.padStart(6)}  ${r.p95 <= target ? 'yes' : 'NO'}`);
    }
    console.log('');
  } finally {
    await bench.cleanup();
  }
}

const args = parseArgs(process.argv.slice(2));
for (const engine of args.engines) await runEngine(engine, args);
