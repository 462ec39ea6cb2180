import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any fixed number: every Daicho process takes the same lock, so two starting at once migrate once.
export const MIGRATION_LOCK_ID = 7_364_201;

export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;

/** Every migration this Daicho knows, in order: version (file name without .sql) and its script. */
export function migrations(): { version: string; script: () => string }[] {
  return fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort().map((file) => ({
    version: file.replace(/\.sql$/, ''),
    script: () => fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8'),
  }));
}

/** The newest migration this Daicho knows (a backup made by a newer one is refused). */
export function latestMigration(): string {
  return migrations().at(-1)!.version;
}

/** Applies every migrations/NNNN_name.sql not yet applied, in order, each in its own transaction. */
export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  const { db } = handle;
  await handle.execScript(SCHEMA_MIGRATIONS_DDL);
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      const done = new Set((await conn.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version));
      for (const migration of migrations()) {
        if (done.has(migration.version)) continue;
        await conn.transaction().execute(async (trx) => {
          await sql.raw(migration.script()).execute(trx);
          await trx.insertInto('schema_migrations').values({ version: migration.version }).execute();
        });
        applied.push(migration.version);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
  return applied;
}
