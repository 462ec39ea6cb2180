/**
 * What every benchmark needs: a database on either engine (fresh, or a kept one reused), the real HTTP server with
 * an admin API key, percentiles and a timestamped log. Benchmarks import this instead of copying it.
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/app/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { createUser } from '../../src/platform/accounts/users.service.ts';
import { withSearchPath } from '../../test/support/engines.ts';

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
}

/** Value of `--name value` in argv. */
export function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `--engine pglite|postgres|both` → the engines to run, PostgreSQL first. */
export function engineArg(argv: string[]): Engine[] {
  const engine = argValue(argv, 'engine') ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(engine)) throw new Error(`--engine pglite|postgres|both, not ${engine}`);
  return engine === 'both' ? ['postgres', 'pglite'] : [engine as Engine];
}

/** An open benchmark database and how to get rid of it. */
export interface BenchDb { handle: DatabaseHandle; loaded: boolean; cleanup(): Promise<void> }

/**
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), a fresh schema dropped at the end, or
 * `keepPostgres` (a schema reused and kept). PGlite: a temporary data folder removed at the end, or `keepPglite` (a
 * folder reused and kept). `loaded` says whether a kept database already holds `loadedTable` rows from an earlier run.
 */
export async function openBenchDb(engine: Engine, options: { keepPglite?: string | null; keepPostgres?: string | null; loadedTable?: string } = {}): Promise<BenchDb> {
  const table = options.loadedTable ?? 'customers';
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  if (engine === 'pglite') {
    const dir = options.keepPglite ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-'));
    const existed = options.keepPglite != null && fs.existsSync(path.join(dir, 'PG_VERSION'));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir, pgliteFsync: false });
    await migrate(handle);
    const loaded = existed && (await hasRows(handle, table));
    return {
      handle,
      loaded,
      async cleanup() {
        await handle.close();
        if (!options.keepPglite) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = options.keepPostgres ?? `bench_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--keep-postgres: not a plain schema name: ${schema}`);
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: withSearchPath(base, schema), dataDir: '', pgliteFsync: false });
  await migrate(handle);
  const loaded = options.keepPostgres != null && (await hasRows(handle, table));
  return {
    handle,
    loaded,
    async cleanup() {
      await handle.close();
      if (options.keepPostgres) return;
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function hasRows(handle: DatabaseHandle, table: string): Promise<boolean> {
  const rows = await handle.db.selectFrom(table as 'customers').select((eb) => eb.lit(1).as('one')).limit(1).execute();
  return rows.length > 0;
}

/** The real app on a loopback port with an admin user's API key (Bearer), as a deployment would run it. */
export async function startServer(handle: DatabaseHandle): Promise<{ server: ServerType; baseUrl: string; key: string; close(): Promise<void> }> {
  const user = await createUser(handle.db, { email: `bench-${randomBytes(3).toString('hex')}@bench.daicho.dev`, password: `Bench-${randomBytes(12).toString('hex')}`, role: 'admin' });
  const apiKey = await createApiKey(handle.db, user.id, 'bench');
  // The benchmarks fire hundreds of searches a minute from one key: the limit stays (its cost is measured), far off.
  const app = createApp({ db: handle.db, config: loadConfig({ DAICHO_SEARCH_MAX_PER_MINUTE: '1000000000' }) });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        server,
        baseUrl: `http://127.0.0.1:${info.port}`,
        key: apiKey.key,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    // PGlite runs on this same event loop: a slow query must not make the server drop the idle keep-alive socket
    // the client is about to reuse (that surfaces as ECONNRESET).
    (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
  });
}
