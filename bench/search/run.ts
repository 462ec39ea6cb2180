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
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/app/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createApiKey } from '../../src/features/auth/auth.service.ts';
import { PROBE_MAX_ROWS, searchCustomerIds, searchTiers } from '../../src/features/search/search.repository.ts';
import { createUser } from '../../src/features/users/users.service.ts';
import { withSearchPath } from '../../test/support/engines.ts';
import { generateCustomers } from './data.ts';
import { loadBench, type LoadTimings } from './load.ts';
import { buildQueries, type QueryKind } from './queries.ts';

interface Args { rows: number; engines: Engine[]; perKind: number; explain: boolean; keepPglite: string | null; keepPostgres: string | null }

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const engine = get('engine') ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(engine)) throw new Error(`--engine pglite|postgres|both, not ${engine}`);
  return {
    rows: Number(get('rows') ?? 1_000_000),
    engines: engine === 'both' ? ['postgres', 'pglite'] : [engine as Engine],
    perKind: Number(get('queries') ?? 200),
    explain: argv.includes('--explain'),
    keepPglite: get('keep-pglite') ?? null,
    keepPostgres: get('keep-postgres') ?? null,
  };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Measured { kind: string; n: number; p50: number; p95: number; max: number; hits: number; zero: number; zeroExamples: string[]; slowest: string; direct95: number }

/** An open benchmark database and how to get rid of it. */
interface BenchDb { handle: DatabaseHandle; loaded: boolean; cleanup(): Promise<void> }

async function openBenchDb(engine: Engine, args: Args): Promise<BenchDb> {
  if (engine === 'pglite') {
    const dir = args.keepPglite ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-'));
    const loaded = args.keepPglite !== null && fs.existsSync(path.join(dir, 'PG_VERSION'));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir, pgliteFsync: false });
    if (!loaded) await migrate(handle);
    return {
      handle,
      loaded,
      async cleanup() {
        await handle.close();
        if (!args.keepPglite) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = args.keepPostgres ?? `bench_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--keep-postgres: not a plain schema name: ${schema}`);
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  const loaded = exists && (await admin.query(`SELECT to_regclass('${schema}.customers') IS NOT NULL AS t`)).rows[0].t === true;
  if (!exists) await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: withSearchPath(base, schema), dataDir: '', pgliteFsync: false });
  if (!loaded) await migrate(handle);
  return {
    handle,
    loaded,
    async cleanup() {
      await handle.close();
      if (args.keepPostgres) return;
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function startServer(handle: DatabaseHandle): Promise<{ server: ServerType; baseUrl: string; key: string }> {
  const user = await createUser(handle.db, { email: `bench-${randomBytes(3).toString('hex')}@example.jp`, password: `Bench-${randomBytes(12).toString('hex')}`, role: 'admin' });
  const apiKey = await createApiKey(handle.db, user.id, 'search bench');
  const app = createApp({ db: handle.db, config: loadConfig({}) });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({ server, baseUrl: `http://127.0.0.1:${info.port}`, key: apiKey.key });
    });
    // PGlite runs on this same event loop: a slow query must not make the server drop the idle keep-alive socket
    // the client is about to reuse (that surfaces as ECONNRESET).
    (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
  });
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
}

async function runEngine(engine: Engine, args: Args, data: ReturnType<typeof generateCustomers>, queries: ReturnType<typeof buildQueries>) {
  log(`${engine}: opening`);
  const bench = await openBenchDb(engine, args);
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

    const { server, baseUrl, key } = await startServer(handle);
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
  for (const q of kind.queries) direct.push((await timed(() => searchCustomerIds(handle.db, q, { limit: 20 })))[0]);
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
    for (const { tier, match, density } of await searchTiers(handle.db, r.slowest)) {
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
