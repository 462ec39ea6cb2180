import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.ts';
import { LOCK_FILE } from '../../src/db/folder-lock.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * The engines storage and API tests run against, like Kysely's DIALECTS list:
 * PGlite always; PostgreSQL too when DATABASE_URL is set. DAICHO_TEST_ENGINES=pglite|postgres narrows it.
 */
export const ENGINES: Engine[] = (['pglite', 'postgres'] as const).filter((engine) => {
  const only = process.env.DAICHO_TEST_ENGINES?.split(',');
  if (only && !only.includes(engine)) return false;
  return engine === 'pglite' || Boolean(process.env.DATABASE_URL);
});

export interface TestDatabase extends DatabaseHandle {
  /** Drops the schema (PostgreSQL) or the data folder (PGlite). */
  destroy(): Promise<void>;
  /** PostgreSQL: the URL of this test's schema, for a second connection pool (a second server) on the same database. */
  url?: string;
}

/**
 * A fresh, migrated database for one test file: a new data folder for PGlite, a new schema for PostgreSQL,
 * so runs (and files) never see each other's rows.
 */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const dataDir = await newPgliteFolder();
    const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
    await migrate(handle);
    return {
      ...handle,
      async destroy() {
        await handle.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is not set');
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = withSearchPath(baseUrl, schema);
  const handle = await openDatabase({ databaseUrl: url, dataDir: '', pgliteFsync: false });
  await migrate(handle);
  return {
    ...handle,
    url,
    async destroy() {
      await handle.close();
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** A new, migrated PGlite data folder of the test's own (a copy of the template); the caller removes it. */
export async function newPgliteFolder(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-test-'));
  // Never a lock along with the files: the copy is the test's, and a lock would name whoever built the template.
  fs.cpSync(await pgliteTemplate(), dataDir, { recursive: true, filter: (source) => !path.basename(source).startsWith(LOCK_FILE) });
  return dataDir;
}

/**
 * A fresh PGlite data folder takes ~15 s to initialise (initdb in WASM); a copy of a migrated template takes
 * milliseconds. The template is keyed by the migrations' content and built once per machine; concurrent test
 * processes build it in private folders and the first rename wins.
 */
async function pgliteTemplate(): Promise<string> {
  const migrationsDir = path.join(import.meta.dirname, '../../src/db/migrations');
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(migrationsDir).sort()) hash.update(file).update(fs.readFileSync(path.join(migrationsDir, file)));
  const template = path.join(os.tmpdir(), `daicho-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return template;
  const building = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-pglite-building-'));
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: building, pgliteFsync: false });
  await migrate(handle);
  await handle.close();
  try {
    fs.renameSync(building, template);
  } catch {
    fs.rmSync(building, { recursive: true, force: true }); // another process won the race
  }
  return template;
}

/** Adds `options=-c search_path=<schema>` to a postgres:// URL. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
