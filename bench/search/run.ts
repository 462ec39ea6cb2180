/**
 * Search benchmark: N generated customers, then p50/p95 of the search box through the HTTP API, per query kind,
 * against the baseline of an indexed exact e-mail lookup through the same API.
 *
 *   npx tsx bench/search/run.ts [--rows 1000000] [--engine pglite|postgres|both] [--queries 200]
 *                               [--explain] [--keep-pglite DIR]
 *
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh schema, dropped at the end.
 * PGlite: a temporary data folder, removed at the end (unless --keep-pglite DIR, which also reuses a loaded DIR).
 * --keep-postgres SCHEMA does the same for PostgreSQL (a loaded schema is reused, and kept).
 */
import { sql } from 'kysely';
import type { DatabaseHandle, Engine } from '../../src/db/database.ts';
import { PROBE_MAX_ROWS, searchCustomerIds, searchTiers } from '../../src/ledger/search/search.repository.ts';
import { argValue, engineArg, log, openBenchDb, percentile, secs, startServer, timed } from '../support/harness.ts';
import { generateCustomers } from './data.ts';
import { loadBench, type LoadTimings } from './load.ts';
import { buildQueries, type QueryKind } from './queries.ts';

interface Args { rows: number; engines: Engine[]; perKind: number; explain: boolean; keepPglite: string | null; keepPostgres: string | null }

function parseArgs(argv: string[]): Args {
  const get = (name: string) => argValue(argv, name);
  return {
    rows: Number(get('rows') ?? 1_000_000),
    engines: engineArg(argv),
    perKind: Number(get('queries') ?? 200),
    explain: argv.includes('--explain'),
    keepPglite: get('keep-pglite') ?? null,
    keepPostgres: get('keep-postgres') ?? null,
  };
}

interface Measured { kind: string; n: number; p50: number; p95: number; max: number; hits: number; zero: number; zeroExamples: string[]; slowest: string; direct95: number }

async function runEngine(engine: Engine, args: Args, data: ReturnType<typeof generateCustomers>, queries: ReturnType<typeof buildQueries>) {
  log(`${engine}: opening`);
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres });
  const { handle } = bench;
  let load: LoadTimings | null = null;
  try {
    if (!bench.loaded) {
      log(`${engine}: loading ${data.customers.length} customers`);
      load = await loadBench(handle.db, data, { log: (m) => log(`${engine}:${m}`), maintenanceWorkMem: '128MB' });
      log(`${engine}: loaded in ${secs(load.totalMs)} (insert ${secs(load.insertMs)}, indexes ${secs(load.indexMs)}, vacuum analyze ${secs(load.vacuumMs)})`);
    }
    const sizes = (await sql<{ rows: number; table: string; gin: string }>`
      SELECT (SELECT count(*) FROM customers)::int AS rows, pg_size_pretty(pg_table_size('customers')) AS table,
             pg_size_pretty(pg_relation_size('customers_search_grams_idx')) AS gin`.execute(handle.db)).rows[0]!;
    log(`${engine}: ${sizes.rows} customers, table ${sizes.table}, GIN ${sizes.gin}`);

    const { baseUrl, key, close } = await startServer(handle);
    try {
      const get = async (pathAndQuery: string) => {
        const res = await fetch(baseUrl + pathAndQuery, { headers: { authorization: `Bearer ${key}` } }).catch(async (error: unknown) => {
          // One retry on a reset keep-alive connection; a real failure fails again.
          log(`retrying ${pathAndQuery}: ${String((error as { cause?: unknown }).cause ?? error)}`);
          return fetch(baseUrl + pathAndQuery, { headers: { authorization: `Bearer ${key}` } });
        });
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        return (await res.json()) as { items: unknown[]; hasMore: boolean };
      };
      const search = (q: string) => get(`/api/v1/search?q=${encodeURIComponent(q)}&limit=20`);
      // Warm up: plan caches, the JIT, the first pages of the index.
      for (const kind of queries.kinds) for (const q of kind.queries.slice(0, 10)) await search(q + 'x');
      for (const e of queries.emails.slice(0, 10)) await get(`/api/v1/customers?email=${encodeURIComponent(e)}&limit=20`);

      const results: Measured[] = [];
      const baseline: number[] = [];
      let baselineHits = 0;
      for (const e of queries.emails) {
        const [ms, r] = await timed(() => get(`/api/v1/customers?email=${encodeURIComponent(e)}&limit=20`));
        baseline.push(ms);
        baselineHits += r.items.length;
      }
      baseline.sort((a, b) => a - b);
      for (const kind of queries.kinds) results.push(await measureKind(kind, search, handle));
      printTable(engine, args.rows, load, sizes, baseline, baselineHits / queries.emails.length, results);
      if (args.explain) await explainSlowest(handle, results);
    } finally {
      await close();
    }
  } finally {
    await bench.cleanup();
  }
}

async function measureKind(kind: QueryKind, search: (q: string) => Promise<{ items: unknown[] }>, handle: DatabaseHandle): Promise<Measured> {
  const times: number[] = [];
  let hits = 0;
  let zero = 0;
  const zeroExamples: string[] = [];
  let slowest = '';
  let slowestMs = -1;
  for (const q of kind.queries) {
    const [ms, r] = await timed(() => search(q));
    times.push(ms);
    hits += r.items.length;
    if (r.items.length === 0) { zero++; if (zeroExamples.length < 5) zeroExamples.push(q); }
    if (ms > slowestMs) { slowestMs = ms; slowest = q; }
  }
  // The same queries straight through the repository (no HTTP, no row loading), for comparison.
  const direct: number[] = [];
  for (const q of kind.queries) direct.push((await timed(() => searchCustomerIds(handle.db, q, { limit: 20, personal: true })))[0]);
  times.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  return {
    kind: kind.kind, n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!,
    hits: hits / kind.queries.length, zero, zeroExamples, slowest, direct95: percentile(direct, 95),
  };
}

function printTable(engine: Engine, rows: number, load: LoadTimings | null, sizes: { table: string; gin: string }, baseline: number[], baselineHits: number, results: Measured[]) {
  const b50 = percentile(baseline, 50);
  const b95 = percentile(baseline, 95);
  const target = engine === 'postgres' ? 50 : 100;
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number, n = 7) => x.toFixed(1).padStart(n);
  const ratio = (x: number, b: number) => `${(x / b).toFixed(1)}×`.padStart(7);
  const lines: string[] = [];
  lines.push('');
  lines.push(`Search through GET /api/v1/search?limit=20 — ${engine}, ${rows.toLocaleString('en')} customers (table ${sizes.table}, GIN ${sizes.gin})`);
  if (load) lines.push(`Load: ${secs(load.totalMs)} total = insert ${secs(load.insertMs)} + indexes ${secs(load.indexMs)} + vacuum/analyze ${secs(load.vacuumMs)}`);
  lines.push(`Baseline: GET /api/v1/customers?email=<exact> (btree) p50 ${b50.toFixed(1)} ms, p95 ${b95.toFixed(1)} ms, ${baselineHits.toFixed(2)} hits`);
  lines.push(`Target p95 ≤ ${target} ms. All times in ms; ratios are to the baseline's p50 / p95; "repo p95" is searchCustomerIds alone.`);
  lines.push('');
  const header = `${pad('kind', 16)}${'n'.padStart(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}${'p50/b'.padStart(8)}${'p95/b'.padStart(8)}${'repo p95'.padStart(10)}${'hits'.padStart(7)}${'empty'.padStart(7)}  ok  slowest query`;
  lines.push(header);
  lines.push('-'.repeat(header.length + 10));
  lines.push(`${pad('baseline e-mail', 16)}${String(baseline.length).padStart(5)}${num(b50, 8)}${num(b95, 8)}${num(baseline[baseline.length - 1]!, 8)}${ratio(b50, b50).padStart(8)}${ratio(b95, b95).padStart(8)}${''.padStart(10)}${baselineHits.toFixed(1).padStart(7)}${''.padStart(7)}`);
  for (const r of results) {
    const ok = r.p95 <= target ? 'yes' : 'NO ';
    lines.push(`${pad(r.kind, 16)}${String(r.n).padStart(5)}${num(r.p50, 8)}${num(r.p95, 8)}${num(r.max, 8)}${ratio(r.p50, b50).padStart(8)}${ratio(r.p95, b95).padStart(8)}${num(r.direct95, 10)}${r.hits.toFixed(1).padStart(7)}${String(r.zero).padStart(7)}  ${ok} ${JSON.stringify(r.slowest)}`);
  }
  const unexpected = results.filter((r) => r.zero > 0 && r.kind !== 'no match');
  if (unexpected.length) lines.push('', 'Queries with no result: ' + unexpected.map((r) => `${r.kind}: ${r.zeroExamples.map((q) => JSON.stringify(q)).join(', ')}`).join('; '));
  console.log(lines.join('\n') + '\n');
}

async function explainSlowest(handle: DatabaseHandle, results: Measured[]) {
  for (const r of results) {
    console.log(`── EXPLAIN for the slowest ${r.kind} query ${JSON.stringify(r.slowest)}`);
    for (const { tier, match, density } of await searchTiers(handle.db, r.slowest, { personal: true })) {
      const likes = match.likes.length ? sql` AND search_text LIKE ALL (${match.likes}::text[])` : sql``;
      const probeRows = density > 0 ? Math.ceil(63 / density) : Infinity;
      const plans = await handle.db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('synchronize_seqscans', 'off', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`.execute(trx);
        const out: string[] = [];
        if (probeRows <= PROBE_MAX_ROWS) {
          const p = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS)
            SELECT id FROM (SELECT id, search_grams, search_text, deleted_at FROM customers LIMIT ${probeRows}) AS first_rows
            WHERE search_grams @> ${match.grams}::text[]${likes} AND deleted_at IS NULL LIMIT 21`.execute(trx);
          out.push(`probe of ${probeRows} rows:`, ...p.rows.map((x) => `  ${x['QUERY PLAN']}`));
        }
        const b = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS)
          SELECT id FROM customers WHERE search_grams @> ${match.grams}::text[]${likes} AND deleted_at IS NULL LIMIT 21`.execute(trx);
        out.push('GIN lookup:', ...b.rows.map((x) => `  ${x['QUERY PLAN']}`));
        return out;
      });
      console.log(`   ${tier} ${JSON.stringify(match)} density ${density}:\n` + plans.map((x) => `     ${x}`).join('\n'));
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  log(`generating ${args.rows} customers`);
  const [genMs, data] = await timed(async () => generateCustomers(args.rows));
  log(`generated in ${secs(genMs)} (${data.companies.length} companies)`);
  const queries = buildQueries(data.customers, data.companies, args.perKind);
  for (const engine of args.engines) await runEngine(engine, args, data, queries);
}

await main();
