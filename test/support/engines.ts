import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.ts';
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
}

/**
 * A fresh, migrated database for one test file: a new data folder for PGlite, a new schema for PostgreSQL,
 * so runs (and files) never see each other's rows.
 */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-test-'));
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
  const handle = await openDatabase({ databaseUrl: withSearchPath(baseUrl, schema), dataDir: '', pgliteFsync: false });
  await migrate(handle);
  return {
    ...handle,
    async destroy() {
      await handle.close();
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** Adds `options=-c search_path=<schema>` to a postgres:// URL. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
