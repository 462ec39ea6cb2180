/**
 * Segments benchmark (issue 21): a Japanese-looking ledger (default 1M customers, 10M activities, 2M orders with
 * their lines) generated inside the database, then
 *   - live counts of four typical definitions through the service (countSegment: checking + compiling + counting),
 *     each against a hand-written SQL count of the same set in the same run (the counts must be equal): p50/p95
 *     and the ratio of the p95s. Targets: p95 ≤ 1 s on PostgreSQL, ≤ 2 s on PGlite, and ≤ 2× the hand-written SQL;
 *   - the full RFM recompute (recomputeValues): seconds and buyers/s;
 *   - the incremental update after one new order (refreshValuesOf for its buyer): p50/p95. Target ≤ 50 ms.
 *
 *   npx tsx bench/segments/run.ts [--customers 1000000] [--activities 10×] [--orders 2×] [--runs 20]
 *                                 [--engine pglite|postgres|both] [--keep-pglite DIR] [--keep-postgres SCHEMA]
 *                                 [--explain] [--load-only]
 *
 * --explain prints EXPLAIN ANALYZE of each compiled definition and its hand-written SQL (PostgreSQL plans; PGlite's
 * are the same planner's).
 */
import os from 'node:os';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import type { Db, Engine } from '../../src/db/database.ts';
import { recomputeValues, refreshValuesOf } from '../../src/ledger/values/values.service.ts';
import { checkDefinition, countSegment } from '../../src/use/segments/segments.service.ts';
import { compileNode, compiledText } from '../../src/use/segments/segment-sql.repository.ts';
import { argValue, engineArg, log, openBenchDb, percentile, secs, timed } from '../support/harness.ts';
import { ledgerSizeArgs, load } from '../support/ledger.ts';

interface Args {
  customers: number; activities: number; orders: number; runs: number; engines: Engine[];
  keepPglite: string | null; keepPostgres: string | null; explain: boolean; increments: number; loadOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  return {
    ...ledgerSizeArgs(argv),
    runs: Number(argValue(argv, 'runs') ?? 20),
    increments: Number(argValue(argv, 'increments') ?? 50),
    engines: engineArg(argv),
    keepPglite: argValue(argv, 'keep-pglite') ?? null,
    keepPostgres: argValue(argv, 'keep-postgres') ?? null,
    explain: argv.includes('--explain'),
    loadOnly: argv.includes('--load-only'),
  };
}

// ── definitions and their hand-written SQL ──

const DAY = 86_400_000;
const SHUTOKEN = ['東京都', '神奈川県', '埼玉県', '千葉県'];

interface Case { name: string; definition: unknown; hand: (now: Date) => RawBuilder<{ n: string }> }

const CASES: Case[] = [
  {
    name: '1 attribute',
    definition: { type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'attribute', field: 'lifecycle_stage', op: 'eq', value: 'customer' }] },
    hand: () => sql<{ n: string }>`SELECT count(*) AS n FROM customers WHERE deleted_at IS NULL AND prefecture = '東京都' AND lifecycle_stage = 'customer'`,
  },
  {
    name: '2 attribute+window',
    definition: { type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'page_views', url: '/products/*', minCount: 3, window: { lastDays: 30 } }] },
    // The visitors counted first, then their customers (joining every page view to its customer first was 4× slower).
    hand: (now) => sql<{ n: string }>`SELECT count(*) AS n FROM (
        SELECT a.customer_id FROM activities a
        WHERE a.type = 'page_view' AND a.occurred_at >= ${new Date(now.getTime() - 30 * DAY)} AND a.properties ->> 'path' LIKE '/products/%'
        GROUP BY a.customer_id HAVING count(*) >= 3) t
      JOIN customers c ON c.id = t.customer_id WHERE c.deleted_at IS NULL AND c.prefecture = '東京都'`,
  },
  {
    name: '3 RFM tier',
    definition: { type: 'rfm', tiers: ['loyal', 'stable'] },
    hand: () => sql<{ n: string }>`SELECT count(*) AS n FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.deleted_at IS NULL AND v.tier IN ('loyal', 'stable')`,
  },
  {
    name: '4 nested OR',
    definition: {
      type: 'and', conditions: [
        { type: 'attribute', field: 'prefecture', op: 'in', values: SHUTOKEN },
        { type: 'or', conditions: [
          { type: 'page_views', url: '/pricing', minCount: 2, window: { lastDays: 14 } },
          { type: 'form_submitted', window: { lastDays: 90 } },
          { type: 'purchases', minCount: 1, window: { lastDays: 30 } },
        ] },
      ],
    },
    hand: (now) => sql<{ n: string }>`SELECT count(*) AS n FROM customers c WHERE c.deleted_at IS NULL AND c.prefecture IN ('東京都', '神奈川県', '埼玉県', '千葉県') AND c.id IN (
        SELECT a.customer_id FROM activities a WHERE a.type = 'page_view' AND a.occurred_at >= ${new Date(now.getTime() - 14 * DAY)} AND a.properties ->> 'path' = '/pricing'
        GROUP BY a.customer_id HAVING count(*) >= 2
        UNION SELECT sr.customer_id FROM form_submissions fs JOIN source_records sr ON sr.id = fs.source_record_id
        WHERE fs.status = 'accepted' AND fs.created_at >= ${new Date(now.getTime() - 90 * DAY)}
        UNION SELECT sr.customer_id FROM orders o JOIN source_records sr ON sr.id = o.source_record_id
        WHERE o.status <> 'cancelled' AND o.ordered_at >= ${new Date(now.getTime() - 30 * DAY)}
          AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.quantity > 0))`,
  },
];

// ── measuring ──

const load1 = () => os.loadavg()[0]!.toFixed(1);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface CountRow { name: string; count: number; p50: number; p95: number; handP50: number; handP95: number }

async function explain(db: Db, label: string, compiled: { sql: string; parameters: readonly unknown[] }) {
  const plan = await db.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${compiled.sql}`, [...compiled.parameters]));
  console.log(`\n--- ${label}\n${(plan.rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]).join('\n')}`);
}

async function runEngine(engine: Engine, args: Args) {
  log(`${engine}: opening (load average ${load1()})`);
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres, loadedTable: 'form_submissions' });
  const db = bench.handle.db;
  try {
    let loadMs: number | null = null;
    if (!bench.loaded) {
      log(`${engine}: loading ${args.customers.toLocaleString()} customers, ${args.activities.toLocaleString()} activities, ~${args.orders.toLocaleString()} orders`);
      [loadMs] = await timed(() => load(bench.handle, args));
      log(`${engine}: loaded in ${secs(loadMs)}`);
    }
    if (args.loadOnly) return;
    const stats = (await sql<Record<string, string>>`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM activities) AS activities,
        (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM form_submissions) AS forms,
        (SELECT count(DISTINCT source_record_id) FROM orders) AS buyers,
        (SELECT count(*) FROM (SELECT source_record_id FROM orders GROUP BY 1 HAVING count(*) = 1) x) AS once,
        (SELECT count(*) FROM (SELECT source_record_id FROM orders GROUP BY 1 HAVING count(*) >= 10) x) AS ten`.execute(db)).rows[0]!;
    const f = (k: string) => Number(stats[k]).toLocaleString();

    // Full RFM recompute.
    log(`${engine}: recomputing values (load average ${load1()})`);
    const [recomputeMs, summary] = await timed(() => recomputeValues(db));
    const recomputeLoad = load1();
    log(`${engine}: ${summary.customers.toLocaleString()} buyers in ${secs(recomputeMs)}`);

    // Live counts, the service and the hand-written SQL in turn.
    const rows: CountRow[] = [];
    const countLoads: string[] = [];
    for (const c of CASES) {
      const now = new Date();
      const checked = await checkDefinition(db, c.definition, { now });
      const handCount = async () => Number((await c.hand(now).execute(db)).rows[0]!.n);
      const service = await countSegment(db, c.definition);
      const hand = await handCount();
      if (service.count !== hand) throw new Error(`${c.name}: the service counted ${service.count}, the hand-written SQL ${hand}`);
      if (args.explain) {
        await explain(db, `${engine} ${c.name}: compiled`, compiledText(db, compileNode(checked.node, checked.context)));
      }
      const times: number[] = [];
      const handTimes: number[] = [];
      for (let i = 0; i < args.runs; i++) {
        const [ms, r] = await timed(() => countSegment(db, c.definition));
        if (r.count !== service.count) throw new Error(`${c.name}: count changed between runs`);
        times.push(ms);
        handTimes.push((await timed(handCount))[0]);
      }
      countLoads.push(load1());
      const t = sorted(times);
      const ht = sorted(handTimes);
      rows.push({ name: c.name, count: service.count, p50: percentile(t, 50), p95: percentile(t, 95), handP50: percentile(ht, 50), handP95: percentile(ht, 95) });
      log(`  ${c.name}: ${service.count.toLocaleString()} — p95 ${percentile(t, 95).toFixed(0)} ms, hand-written ${percentile(ht, 95).toFixed(0)} ms`);
    }

    // Incremental: one new order for a buyer, then its refresh against the run's cut points.
    const ec = (await sql<{ id: string }>`SELECT id FROM sources WHERE name = 'ec'`.execute(db)).rows[0]!.id;
    const picks = (await sql<{ id: string; customer_id: string }>`SELECT sr.id, sr.customer_id FROM source_records sr
        WHERE sr.source_id = ${ec}::uuid ORDER BY sr.external_id LIMIT ${args.increments}`.execute(db)).rows;
    const refreshTimes: number[] = [];
    for (const [i, p] of picks.entries()) {
      const key = `bench-${Date.now()}-${i}`;
      const id = (await sql<{ id: string }>`INSERT INTO orders (source, external_id, source_record_id, ordered_at, total_amount, currency, content_hash)
          VALUES ('ec', ${key}, ${p.id}, now(), 4980, 'JPY', md5(${key})) RETURNING id`.execute(db)).rows[0]!.id;
      await sql`INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, amount) VALUES (${id}::uuid, 1, 'SKU-00001', 1, 4980, 4980)`.execute(db);
      refreshTimes.push((await timed(() => refreshValuesOf(db, [p.customer_id])))[0]);
    }
    const rt = sorted(refreshTimes);
    const refreshLoad = load1();

    const pgTarget = engine === 'postgres' ? 1000 : 2000;
    console.log(`\nSegments — ${engine}: ${f('customers')} customers, ${f('activities')} activities, ${f('orders')} orders (${f('lines')} lines) of ${f('buyers')} buyers (${f('once')} bought once, ${f('ten')} ten times or more), ${f('forms')} form submissions`);
    if (loadMs !== null) console.log(`Load (generate_series inside the database): ${secs(loadMs)}`);
    console.log(`Live count through countSegment (check + compile + count), ${args.runs} runs each, against hand-written SQL of the same set (equal counts checked).`);
    console.log(`Target p95 ≤ ${pgTarget} ms and ≤ 2× the hand-written SQL's p95. Times in ms.\n`);
    console.log(`${'definition'.padEnd(20)}${'members'.padStart(10)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'SQL p50'.padStart(9)}${'SQL p95'.padStart(9)}${'ratio'.padStart(8)}${'load'.padStart(6)}  ok`);
    console.log('-'.repeat(84));
    for (const [i, r] of rows.entries()) {
      const ratio = r.p95 / r.handP95;
      const ok = r.p95 <= pgTarget && ratio <= 2 ? 'yes' : 'NO';
      console.log(`${r.name.padEnd(20)}${r.count.toLocaleString().padStart(10)}${r.p50.toFixed(0).padStart(8)}${r.p95.toFixed(0).padStart(8)}${r.handP50.toFixed(0).padStart(9)}${r.handP95.toFixed(0).padStart(9)}${`${ratio.toFixed(2)}×`.padStart(8)}${countLoads[i]!.padStart(6)}  ${ok}`);
    }
    console.log(`\nFull RFM recompute (recomputeValues): ${summary.customers.toLocaleString()} buyers in ${(recomputeMs / 1000).toFixed(1)} s = ${Math.round(summary.customers / (recomputeMs / 1000)).toLocaleString()} buyers/s (load ${recomputeLoad})`);
    console.log(`Incremental after one new order (refreshValuesOf, ${rt.length} buyers): p50 ${percentile(rt, 50).toFixed(1)} ms, p95 ${percentile(rt, 95).toFixed(1)} ms, max ${rt[rt.length - 1]!.toFixed(1)} ms — target ≤ 50 ms: ${percentile(rt, 95) <= 50 ? 'yes' : 'NO'} (load ${refreshLoad})\n`);
    if (args.explain) for (const c of CASES) await explain(db, `${engine} ${c.name}: hand-written`, c.hand(new Date()).compile(db));
  } finally {
    await bench.cleanup();
  }
}

const args = parseArgs(process.argv.slice(2));
for (const engine of args.engines) await runEngine(engine, args);
