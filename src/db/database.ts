import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.ts';
import { lockDataFolder } from './folder-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Engine = 'pglite' | 'postgres';

/** An open database: the Kysely handle plus what only the connection layer may do. */
export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** Runs a multi-statement SQL script (migrations). */
  execScript(script: string): Promise<void>;
  close(): Promise<void>;
}

// Type OIDs whose parsing differs between pg and PGlite by default; both engines must return the same JS values.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** Handles whose statements all run on one connection, one at a time (PGlite). */
const singleConnection = new WeakSet<Db>();

/**
 * Whether two transactions of this handle can run at the same time on the server (a PostgreSQL pool). On PGlite they
 * take turns on its one connection (PGliteDialect's lock), which is correct but overlaps nothing: work that is only
 * worth running beside other work asks this first.
 */
export function runsConcurrently(db: Db): boolean {
  return !singleConnection.has(db);
}

/** Says that a handle's statements run on one connection, one at a time (PGlite, or PGlite reached from a worker). */
export function markSingleConnection(db: Db): void {
  singleConnection.add(db);
}

/** The URL each PostgreSQL handle was opened with: a worker thread opens a pool of its own with it. */
const postgresUrls = new WeakMap<Db, string>();

/** The PostgreSQL URL `db` was opened with, or undefined (PGlite: a worker reaches it through a database port). */
export function postgresUrlOf(db: Db): string | undefined {
  return postgresUrls.get(db);
}

/**
 * Opens PostgreSQL when `databaseUrl` is set, otherwise PGlite in `dataDir`.
 * int8 → number (ids and counts stay below 2^53), numeric → string (money is never a float), date → 'YYYY-MM-DD'.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pgliteFsync'>): Promise<DatabaseHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPglite(config.dataDir, config.pgliteFsync);
}

/** A PostgreSQL pool of `poolSize` connections (DAICHO_PG_POOL_SIZE, else 10, by default). */
export async function openPostgres(url: string, poolSize = Number(process.env.DAICHO_PG_POOL_SIZE ?? 10)): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === INT8) return (v: string) => Number(v);
        if (oid === NUMERIC || oid === DATE) return (v: string) => v;
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A schema in the URL (?options=-c search_path=…) is honoured by the server; nothing else to set here.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  postgresUrls.set(db, url);
  await sql`select 1`.execute(db);
  return {
    db,
    engine: 'postgres',
    async execScript(script) { await pool.query(script); },
    async close() { await db.destroy(); },
  };
}

/**
 * PGlite's buffer cache lives in the WebAssembly memory of this process, which never shrinks, and counts against an
 * import's memory bound; pages it misses still come from the OS page cache. 64 MB instead of PostgreSQL's 128 MB:
 * a 100k-row import peaked at 853 / 834 MiB instead of 926 / 923 MiB, in the same time (78.5 / 80.0 s against
 * 79.0 / 78.4 s, runs alternated).
 */
const PGLITE_SHARED_BUFFERS = '64MB';

async function openPglite(dataDir: string, fsync: boolean): Promise<DatabaseHandle> {
  fs.mkdirSync(dataDir, { recursive: true });
  // Before anything touches the files (initdb included): a second instance on them would lose writes.
  const unlock = dataDir.includes('://') ? () => undefined : lockDataFolder(dataDir);
  let pglite: PGlite;
  try {
    initPgliteDataDir(dataDir);
    pglite = await PGlite.create({
      dataDir,
      relaxedDurability: false,
      // Start parameters replace PGlite's defaults (single-user mode, no parallel workers, …): extend them, never drop them.
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`, ...(fsync ? ['-c', 'fsync=on'] : [])],
      parsers: {
        [INT8]: (v: string) => Number(v),
        [NUMERIC]: (v: string) => v,
        [DATE]: (v: string) => v,
      },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  void pgliteTypes;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  singleConnection.add(db);
  return {
    db,
    engine: 'pglite',
    async execScript(script) { await pglite.exec(script); },
    async close() {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * A new data folder is initialised (initdb) in a short-lived child process, then opened here. PGlite runs initdb
 * in a second WebAssembly instance beside a copy of the first one's heap, and this process would keep most of it:
 * opening a new folder left 630 MiB of external memory (827 MiB RSS) against 199 MiB (351 MiB RSS) for an
 * existing one; now it leaves what opening an existing one does (376 MiB RSS). Where the child cannot run, the
 * folder is initialised here as before.
 */
function initPgliteDataDir(dataDir: string): void {
  if (dataDir.includes('://') || fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const script = fileURLToPath(new URL('./pglite-init.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [script, dataDir], { encoding: 'utf8' });
  if (child.status === 0) return;
  if (child.error === undefined) {
    throw new Error(`Initialising the PGlite data folder ${dataDir} failed: ${(child.stderr || child.stdout).trim()}`);
  }
}

/** Whether the database answers a trivial statement (the health check); throws when it does not. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
