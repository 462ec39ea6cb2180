/**
 * Timeline benchmark: N activities (default 10M) spread over N/50 customers with a skewed distribution (a few
 * customers hold tens of thousands of activities, as heavy web visitors do), then p50/p95/p99 of one customer's
 * timeline page through the HTTP API, for typical and heavy customers, a type filter and the second page, against
 * the baseline of an indexed exact e-mail lookup through the same API. Target (issue 4): p95 ≤ 50 ms at 10M.
 *
 *   npx tsx bench/timeline/run.ts [--activities 10000000] [--engine pglite|postgres|both] [--queries 200]
 *                                 [--keep-pglite DIR] [--keep-postgres SCHEMA]
 *
 * The data is generated inside the database (generate_series), so loading is fast and the same on both engines.
 */
import { sql } from 'kysely';
import type { DatabaseHandle, Engine } from '../../src/db/database.ts';
import { argValue, engineArg, log, openBenchDb, percentile, secs, startServer, timed } from '../support/harness.ts';

interface Args { activities: number; engines: Engine[]; queries: number; keepPglite: string | null; keepPostgres: string | null }

function parseArgs(argv: string[]): Args {
  return {
    activities: Number(argValue(argv, 'activities') ?? 10_000_000),
    engines: engineArg(argv),
    queries: Number(argValue(argv, 'queries') ?? 200),
    keepPglite: argValue(argv, 'keep-pglite') ?? null,
    keepPostgres: argValue(argv, 'keep-postgres') ?? null,
  };
}

const CHUNK = 500_000;

/** Customer k's id: md5('c' || k) shaped as a version-4 UUID (the API validates UUIDs). Only numbers go in here. */
const uid = (k: string) => sql.raw(`overlay(overlay(md5('c' || ${k}) placing '4' from 13) placing '8' from 17)::uuid`);

/**
 * Customers c1…cN (uuid from md5('c' || i)) and the activities. Customer k of an activity is floor(N · r²) for a
 * uniform r: customer 0 gets about 1/√N of all rows. Types follow a plausible mix: page views dominate.
 */
async function load(handle: DatabaseHandle, activities: number): Promise<number> {
  const customers = Math.max(100, Math.floor(activities / 50));
  const db = handle.db;
  await sql`INSERT INTO customers (id, display_name, family_name, given_name, email, sort_key)
    SELECT ${uid('i')}, '顧客 ' || i, '顧客', i::text, 'c' || i || '@bench.daicho.dev', 'c' || lpad(i::text, 8, '0')
    FROM generate_series(0, ${customers - 1}::int) AS i`.execute(db);
  for (let from = 0; from < activities; from += CHUNK) {
    const to = Math.min(activities, from + CHUNK) - 1;
    await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties, amount, currency)
      SELECT ${uid(`floor(${customers} * power(random(), 2))::int`)}, t.type,
             now() - random() * interval '730 days', t.title, t.properties, t.amount, t.currency
      FROM (SELECT i, random() AS r FROM generate_series(${from}::int, ${to}::int) AS i) g
      CROSS JOIN LATERAL (SELECT
        CASE WHEN g.r < 0.70 THEN 'page_view' WHEN g.r < 0.75 THEN 'purchase' WHEN g.r < 0.80 THEN 'form_submission'
             WHEN g.r < 0.83 THEN 'event_attendance' WHEN g.r < 0.90 THEN 'note' WHEN g.r < 0.97 THEN 'edit' ELSE 'import' END AS type,
        CASE WHEN g.r < 0.70 THEN '製品紹介 ' || (g.i % 40) ELSE NULL END AS title,
        CASE WHEN g.r < 0.70 THEN jsonb_build_object('visitId', 'v' || (g.i / 4), 'url', 'https://www.example.co.jp/products/' || (g.i % 40), 'dwellMs', (g.i::bigint * 7919) % 300000)
             WHEN g.r < 0.75 THEN jsonb_build_object('orderId', 'O' || g.i, 'lines', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (g.i % 500), 'qty', 1 + g.i % 3)))
             WHEN g.r < 0.90 AND g.r >= 0.83 THEN jsonb_build_object('body', '打ち合わせメモ ' || g.i, 'mentions', '[]'::jsonb)
             ELSE '{}'::jsonb END AS properties,
        CASE WHEN g.r >= 0.70 AND g.r < 0.75 THEN ((g.i % 50) * 1000 + 980)::numeric ELSE NULL END AS amount,
        CASE WHEN g.r >= 0.70 AND g.r < 0.75 THEN 'JPY' ELSE NULL END AS currency) t`.execute(db);
    log(`  ${(to + 1).toLocaleString()} activities`);
  }
  await sql`ANALYZE customers`.execute(db);
  await sql`ANALYZE activities`.execute(db);
  return customers;
}

interface Row { name: string; n: number; p50: number; p95: number; p99: number; max: number; items: number }

async function measure(name: string, paths: string[], get: (p: string) => Promise<{ items: unknown[] }>): Promise<Row> {
  const times: number[] = [];
  let items = 0;
  for (const p of paths) {
    const [ms, r] = await timed(() => get(p));
    times.push(ms);
    items += r.items.length;
  }
  times.sort((a, b) => a - b);
  return { name, n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times[times.length - 1]!, items: items / times.length };
}

async function runEngine(engine: Engine, args: Args) {
  log(`${engine}: opening`);
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres, loadedTable: 'activities' });
  const { handle } = bench;
  try {
    let loadMs: number | null = null;
    if (!bench.loaded) {
      log(`${engine}: loading ${args.activities.toLocaleString()} activities`);
      [loadMs] = await timed(() => load(handle, args.activities));
      log(`${engine}: loaded in ${secs(loadMs)}`);
    }
    const stats = (await sql<{ activities: number; customers: number; size: string }>`
      SELECT (SELECT count(*) FROM activities)::bigint AS activities, (SELECT count(*) FROM customers)::int AS customers,
             pg_size_pretty(pg_total_relation_size('activities')) AS size`.execute(handle.db)).rows[0]!;
    const heavy = (await sql<{ customer_id: string; n: number }>`
      SELECT customer_id, count(*)::int AS n FROM activities WHERE customer_id IN (SELECT ${uid('i')} FROM generate_series(0, 19) AS i)
      GROUP BY customer_id ORDER BY n DESC`.execute(handle.db)).rows;
    const customers = Number(stats.customers);
    const pick = (i: number) => Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 32 * customers);
    const typical = Array.from({ length: args.queries }, (_, i) => pick(i + 1));
    const uuidOf = async (ks: number[]) => (await sql<{ id: string }>`SELECT ${uid('k')}::text AS id FROM unnest(${ks}::int[]) AS k`.execute(handle.db)).rows.map((r) => r.id);
    const typicalIds = await uuidOf(typical);
    const heavyIds = heavy.map((h) => h.customer_id);
    const rounds = (ids: string[]) => Array.from({ length: args.queries }, (_, i) => ids[i % ids.length]!);

    const { baseUrl, key, close } = await startServer(handle);
    try {
      const get = async (p: string) => {
        const res = await fetch(baseUrl + p, { headers: { authorization: `Bearer ${key}` } });
        if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
        return (await res.json()) as { items: unknown[]; nextCursor: string | null };
      };
      const timeline = (id: string, extra = '') => `/api/v1/customers/${id}/activities?limit=30${extra}`;
      for (const id of [...typicalIds.slice(0, 20), ...heavyIds]) await get(timeline(id)); // warm up
      const secondPages: string[] = [];
      for (const id of rounds(heavyIds).slice(0, 40)) {
        const first = await get(timeline(id));
        if (first.nextCursor) secondPages.push(timeline(id, `&cursor=${encodeURIComponent(first.nextCursor)}`));
      }
      const rows: Row[] = [];
      rows.push(await measure('baseline e-mail', typical.map((k) => `/api/v1/customers?email=c${k}%40bench.daicho.dev&limit=20`), get));
      rows.push(await measure('typical customer', typicalIds.map((id) => timeline(id)), get));
      rows.push(await measure('heavy customer', rounds(heavyIds).map((id) => timeline(id)), get));
      rows.push(await measure('heavy, purchases only', rounds(heavyIds).map((id) => timeline(id, '&types=purchase')), get));
      rows.push(await measure('heavy, events+forms', rounds(heavyIds).map((id) => timeline(id, '&types=event_attendance,form_submission')), get));
      rows.push(await measure('heavy, second page', rounds(secondPages), get));
      rows.push(await measure('typical, notes only', typicalIds.map((id) => timeline(id, '&types=note')), get));
      const base = rows[0]!;
      console.log(`\nTimeline through GET /api/v1/customers/{id}/activities?limit=30 — ${engine}, ${Number(stats.activities).toLocaleString()} activities (${stats.size} with indexes), ${customers.toLocaleString()} customers`);
      if (loadMs !== null) console.log(`Load (generate_series inside the database): ${secs(loadMs)}`);
      console.log(`Heavy customers hold ${heavy[heavy.length - 1]?.n.toLocaleString()}–${heavy[0]?.n.toLocaleString()} activities each; a typical one about ${Math.round(Number(stats.activities) / customers)}.`);
      console.log(`Target p95 ≤ 50 ms. Times in ms; ratios are p95 to the baseline's p95 (an indexed exact e-mail lookup through the same API).\n`);
      console.log(`${'query'.padEnd(24)}${'n'.padStart(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}${'p95/b'.padStart(8)}${'items'.padStart(7)}  ok`);
      console.log('-'.repeat(82));
      for (const r of rows) {
        const ok = r === base ? '' : r.p95 <= 50 ? 'yes' : 'NO';
        console.log(`${r.name.padEnd(24)}${String(r.n).padStart(5)}${r.p50.toFixed(1).padStart(8)}${r.p95.toFixed(1).padStart(8)}${r.p99.toFixed(1).padStart(8)}${r.max.toFixed(1).padStart(8)}${`${(r.p95 / base.p95).toFixed(1)}×`.padStart(8)}${r.items.toFixed(1).padStart(7)}  ${ok}`);
      }
    } finally {
      await close();
    }
  } finally {
    await bench.cleanup();
  }
}

const args = parseArgs(process.argv.slice(2));
for (const engine of args.engines) await runEngine(engine, args);
