/**
 * Cross-sell benchmark on the ledger (issue 22): synthetic purchase histories with structure (bench/recommend/
 * generate.ts: taste groups, categories, price tiers, complements, popularity skew, noise) are written as customers,
 * orders and order lines (purchases of one customer on one day are one order), then
 *   - quality: a run as of the cut-off (75% of the period: everything before trains, the rest tests) stores every
 *     buyer's candidates; hit rate@k counts a buyer as a hit when one of their k candidates is among the products
 *     they bought after the cut-off and had not bought before (buyers with such a product only). Against the
 *     popularity baseline (the k most-bought products the customer has not bought) in the same run: the ratio;
 *   - cost: the run's seconds (model, candidates) and the process's peak RSS during it (sampled every 100 ms);
 *   - one customer's list on demand (customerCandidates, the customer page's call): p50/p95 over --samples buyers.
 *     Target ≤ 100 ms.
 *
 *   npx tsx bench/recommend/run.ts [--customers 1000000] [--products 2000] [--mean-purchases 2] [--k 10] [--seed 1]
 *                                  [--engine pglite|postgres|both] [--samples 200] [--keep-pglite DIR] [--keep-postgres SCHEMA]
 *
 * The defaults are the scale: 1M customers, ~2M orders. `--customers 100000 --mean-purchases 6` is a
 * ledger with more history per customer (quality figures move with it; both are printed in bench/README.md).
 */
import { sql } from 'kysely';
import type { Db, Engine } from '../../src/db/database.ts';
import { hitRateAtK, popularityBaseline } from '../../src/domain/recommend/index.ts';
import { customerCandidates, startRun } from '../../src/use/recommend/recommend.service.ts';
import { argValue, engineArg, log, openBenchDb, percentile } from '../support/harness.ts';
import { generatePurchases, type SyntheticData } from './generate.ts';

const argv = process.argv.slice(2);
const customers = Number(argValue(argv, 'customers') ?? 1_000_000);
const products = Number(argValue(argv, 'products') ?? 2_000);
const meanPurchases = Number(argValue(argv, 'mean-purchases') ?? 2);
const k = Number(argValue(argv, 'k') ?? 10);
const seed = Number(argValue(argv, 'seed') ?? 1);
const samples = Number(argValue(argv, 'samples') ?? 200);
const engines: Engine[] = engineArg(argv);
const DAYS = 365;
const CUT = Math.round(DAYS * 0.75);
/** Day 0 of the generated period (Japan time noon, so a day is the same calendar day in Asia/Tokyo). */
const START = Date.UTC(2025, 0, 1, 3);
const dayDate = (d: number) => new Date(START + d * 86_400_000);
const cutDate = dayDate(CUT).toISOString().slice(0, 10);

const uuidOf = (prefix: string, n: number) => {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix}0000000-0000-4000-8000-${hex}`;
};

async function load(db: Db, data: SyntheticData): Promise<void> {
  await sql`INSERT INTO sources (name, label, kind, party, priority) VALUES ('ec', 'ECサイト', 'integration', 'first', 50) ON CONFLICT (name) DO NOTHING`.execute(db);
  const source = (await sql<{ id: string }>`SELECT id FROM sources WHERE name = 'ec'`.execute(db)).rows[0]!.id;
  const productRows = data.catalog.map((p) => ({ id: uuidOf('a', p.id), sku: `SKU-${String(p.id).padStart(5, '0')}`, name: data.names[p.id - 1]!, category: p.category, price: p.price, active: p.active }));
  await sql`INSERT INTO products (id, sku, name, category, price, active)
    SELECT v.id, v.sku, v.name, v.category, v.price, v.active FROM jsonb_to_recordset(${JSON.stringify(productRows)}::jsonb)
      AS v(id uuid, sku text, name text, category text, price numeric, active boolean)`.execute(db);
  const CHUNK = 20_000;
  let orders = 0;
  for (let from = 0; from < customers; from += CHUNK) {
    const to = Math.min(customers, from + CHUNK);
    await sql`INSERT INTO customers (id, display_name, family_name, sort_key, lifecycle_stage)
      SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '顧客 ' || i, '顧客', 'k' || lpad(i::text, 8, '0'), 'customer'
      FROM generate_series(${from}::int, ${to - 1}::int) AS i`.execute(db);
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash, received_at)
      SELECT ${source}::uuid, 'M' || i, ('c0000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '{}'::jsonb, md5('M' || i), now()
      FROM generate_series(${from}::int, ${to - 1}::int) AS i`.execute(db);
    const orderRows: Array<{ id: string; c: number; at: string }> = [];
    const lineRows: Array<{ o: string; n: number; p: string; price: number }> = [];
    for (let c = from; c < to; c++) {
      let orderId: string | null = null, orderDay = -1, lineNo = 0;
      const seen = new Set<number>();
      for (let e = data.offsets[c]!; e < data.offsets[c + 1]!; e++) {
        const d = data.day[e]!;
        if (d !== orderDay) {
          orderId = uuidOf('b', ++orders);
          orderDay = d; lineNo = 0; seen.clear();
          orderRows.push({ id: orderId, c, at: dayDate(d).toISOString() });
        }
        const p = data.product[e]!;
        if (seen.has(p)) continue;
        seen.add(p);
        lineRows.push({ o: orderId!, n: ++lineNo, p: uuidOf('a', p), price: Number(data.catalog[p - 1]!.price) });
      }
    }
    await sql`INSERT INTO orders (id, source, external_id, source_record_id, ordered_at, status, total_amount, returned_amount, currency, content_hash)
      SELECT v.id, 'ec', v.id::text, sr.id, v.at, 'completed', 0, 0, 'JPY', md5(v.id::text)
      FROM jsonb_to_recordset(${JSON.stringify(orderRows)}::jsonb) AS v(id uuid, c int, at timestamptz)
      JOIN source_records sr ON sr.source_id = ${source}::uuid AND sr.external_id = 'M' || v.c`.execute(db);
    for (let i = 0; i < lineRows.length; i += 50_000) {
      await sql`INSERT INTO order_lines (order_id, line_no, sku, product_id, quantity, unit_price, amount, returned_quantity, returned_amount)
        SELECT v.o, v.n, NULL, v.p, 1, v.price, v.price, 0, 0 FROM jsonb_to_recordset(${JSON.stringify(lineRows.slice(i, i + 50_000))}::jsonb)
          AS v(o uuid, n int, p uuid, price numeric)`.execute(db);
    }
    if ((to / CHUNK) % 10 === 0 || to === customers) log(`  ${to.toLocaleString()} customers, ${orders.toLocaleString()} orders`);
  }
  await sql`ANALYZE`.execute(db);
}

/** Train: products bought before the cut-off; test: products first bought after it (by customer index). */
function split(data: SyntheticData) {
  const train = new Map<number, number[]>();
  const test = new Map<number, number[]>();
  for (let c = 0; c < customers; c++) {
    const before = new Set<number>(), after = new Set<number>();
    for (let e = data.offsets[c]!; e < data.offsets[c + 1]!; e++) (data.day[e]! < CUT ? before : after).add(data.product[e]!);
    if (before.size) train.set(c, [...before]);
    const fresh = [...after].filter((p) => !before.has(p));
    if (before.size && fresh.length) test.set(c, fresh);
  }
  return { train, test };
}

async function bench(engine: Engine, data: SyntheticData): Promise<void> {
  log(`── ${engine} ──`);
  const bdb = await openBenchDb(engine, { keepPglite: argValue(argv, 'keep-pglite') ?? null, keepPostgres: argValue(argv, 'keep-postgres') ?? null, loadedTable: 'orders' });
  const db = bdb.handle.db;
  try {
    if (!bdb.loaded) {
      const t = performance.now();
      await load(db, data);
      log(`loaded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
    const counts = (await sql<{ orders: number; lines: number }>`SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_lines) AS lines`.execute(db)).rows[0]!;
    log(`ledger: ${customers.toLocaleString()} customers, ${counts.orders.toLocaleString()} orders, ${counts.lines.toLocaleString()} lines, ${products} products; cut-off ${cutDate}`);

    // The run as of the cut-off, with RSS sampled while it works.
    let peak = process.memoryUsage().rss;
    const rssBefore = peak;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
    const t0 = performance.now();
    const started = await startRun(db, { asOf: cutDate, k });
    if (!started) throw new Error('a run is already in progress in this database');
    const result = await started.done;
    clearInterval(sampler);
    const phases = (await sql<{ buyers: number; pairs: number }>`SELECT buyers, pairs FROM recommend_runs WHERE id = ${result.runId}`.execute(db)).rows[0]!;
    log(`run: ${result.buyers.toLocaleString()} buyers in ${((performance.now() - t0) / 1000).toFixed(1)} s (model and rules ${result.modelSeconds.toFixed(1)} s, candidates ${(result.seconds - result.modelSeconds).toFixed(1)} s; ${Math.round(result.buyers / result.seconds).toLocaleString()} buyers/s), ${phases.pairs.toLocaleString()} neighbour rows; RSS ${Math.round(rssBefore / 2 ** 20)} MB before, peak ${Math.round(peak / 2 ** 20)} MB during the run`);

    // Quality: the stored candidates against popularity on the same split.
    const { train, test } = split(data);
    const stored = new Map<number, number[]>();
    const rows = await sql<{ c: string; p: string }>`SELECT cc.customer_id AS c, cc.product_id AS p FROM customer_candidates cc ORDER BY cc.customer_id, cc.rank`.execute(db);
    for (const r of rows.rows) {
      const c = parseInt(r.c.slice(-12), 16), p = parseInt(r.p.slice(-12), 16);
      let list = stored.get(c);
      if (!list) stored.set(c, (list = []));
      list.push(p);
    }
    const ours = hitRateAtK(train, test, (c) => stored.get(c) ?? [], k);
    const popular = hitRateAtK(train, test, popularityBaseline(train, k), k);
    log(`hit rate@${k} on ${ours.customers.toLocaleString()} buyers with a new product after the cut-off: candidates ${(ours.hitRate * 100).toFixed(1)}%, popularity ${(popular.hitRate * 100).toFixed(1)}% — ratio ${(ours.hitRate / popular.hitRate).toFixed(2)}×`);

    // One customer on demand.
    const buyers = [...train.keys()];
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const c = buyers[Math.floor((i * 7919) % buyers.length)]!;
      const t = performance.now();
      await customerCandidates(db, `c0000000-0000-4000-8000-${c.toString(16).padStart(12, '0')}`, k);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    log(`one customer's list on demand: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (target ≤ 100 ms)`);
  } finally {
    await bdb.cleanup();
  }
}

const t = performance.now();
const data = generatePurchases({ customers, products, seed, meanPurchases, days: DAYS });
log(`generated ${customers.toLocaleString()} customers, ${data.product.length.toLocaleString()} purchases in ${((performance.now() - t) / 1000).toFixed(1)} s (seed ${seed})`);
for (const engine of engines) await bench(engine, data);
