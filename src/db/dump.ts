/**
 * Daicho's own logical dump through the driver, the same on PGlite and PostgreSQL: every table of the schema (read
 * from the catalogue, so a new table is covered without a change here) in foreign-key order, each row as the JSON
 * PostgreSQL writes (`row_to_json`), and every sequence's position. Read in one REPEATABLE READ transaction through a
 * cursor, so the dump is one consistent snapshot and memory holds one page. Restored into tables migrated to the
 * dump's schema version with `json_populate_recordset`, which reads each value back with its column's type.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATION_LOCK_ID, SCHEMA_MIGRATIONS_DDL, migrations } from './migrate.ts';
import type { Database } from './schema.ts';

/**
 * A dump's control lines, each `!` + JSON, in this order: table, then its rows (one `row_to_json` object a line, so
 * always starting with `{`); then each sequence; then the end.
 */
export type DumpLine =
  | { table: string; columns: string[] }
  | { sequence: string; lastValue: number; isCalled: boolean }
  | { end: true; tables: number; rows: number };

export interface DumpSink {
  /** Called first, with the newest migration applied in the snapshot. */
  begin(schemaVersion: string): Promise<void>;
  /** A batch of lines, each JSON without its newline. */
  lines(lines: string[]): Promise<void>;
}

const PAGE = 2000;

function control(line: DumpLine): string {
  return `!${JSON.stringify(line)}`;
}

/** Quotes a name read from the catalogue as an SQL identifier. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The tables of the current schema, parents before the tables that reference them (self-references ignored). */
async function tablesInDependencyOrder(db: Db | Transaction<Database>): Promise<string[]> {
  const tables = (await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname`.execute(db)).rows.map((r) => r.name);
  const references = (await sql<{ child: string; parent: string }>`
    SELECT ch.relname AS child, pa.relname AS parent
    FROM pg_constraint k
    JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = ch.relnamespace
    WHERE k.contype = 'f' AND n.nspname = current_schema()`.execute(db)).rows;
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const r of references) if (r.child !== r.parent) parents.get(r.child)?.add(r.parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (table: string) => {
    if (placed.has(table) || visiting.has(table)) return; // a cycle is broken anywhere: restore drops the keys first
    visiting.add(table);
    for (const parent of parents.get(table) ?? []) place(parent);
    visiting.delete(table);
    placed.add(table);
    ordered.push(table);
  };
  for (const table of tables) place(table);
  return ordered;
}

/** A table's stored columns (generated ones are computed again on restore), in their order. */
async function storedColumns(db: Db | Transaction<Database>, table: string): Promise<string[]> {
  return (await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped
      AND a.attgenerated = ''
    ORDER BY a.attnum`.execute(db)).rows.map((r) => r.name);
}

async function sequenceNames(db: Db | Transaction<Database>): Promise<string[]> {
  return (await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY c.relname`.execute(db)).rows.map((r) => r.name);
}

/** Writes the whole database to `sink` from one snapshot. Returns the tables and rows written. */
export async function dumpRows(db: Db, sink: DumpSink): Promise<{ tables: number; rows: number }> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const version = await sql<{ version: string | null }>`SELECT max(version) AS version FROM schema_migrations`.execute(trx);
    await sink.begin(version.rows[0]?.version ?? '');
    const tables = await tablesInDependencyOrder(trx);
    let rows = 0;
    for (const table of tables) {
      const columns = await storedColumns(trx, table);
      await sink.lines([control({ table, columns })]);
      await sql.raw(`DECLARE daicho_dump NO SCROLL CURSOR FOR
        SELECT row_to_json(x)::text AS r FROM (SELECT ${columns.map(ident).join(', ')} FROM ${ident(table)}) x`).execute(trx);
      for (;;) {
        const page = await sql.raw<{ r: string }>(`FETCH ${PAGE} FROM daicho_dump`).execute(trx);
        if (page.rows.length === 0) break;
        rows += page.rows.length;
        await sink.lines(page.rows.map((p) => p.r));
      }
      await sql.raw('CLOSE daicho_dump').execute(trx);
    }
    const sequences: string[] = [];
    for (const name of await sequenceNames(trx)) {
      const state = await sql.raw<{ last_value: number; is_called: boolean }>(`SELECT last_value, is_called FROM ${ident(name)}`).execute(trx);
      sequences.push(control({ sequence: name, lastValue: Number(state.rows[0]!.last_value), isCalled: state.rows[0]!.is_called }));
    }
    sequences.push(control({ end: true, tables: tables.length, rows }));
    await sink.lines(sequences);
    return { tables: tables.length, rows };
  });
}

/** The newest migration applied, or null when the database was never migrated. */
export async function appliedSchemaVersion(db: Db): Promise<string | null> {
  const exists = await sql<{ found: string | null }>`SELECT to_regclass('schema_migrations')::text AS found`.execute(db);
  if (!exists.rows[0]?.found) return null;
  const row = await sql<{ version: string | null }>`SELECT max(version) AS version FROM schema_migrations`.execute(db);
  return row.rows[0]?.version ?? null;
}

/**
 * Whether the database holds a ledger a restore would replace: any user, customer or source record (a freshly
 * migrated database holds only the rows its migrations seed: roles, stages, the built-in sources).
 */
export async function holdsData(db: Db): Promise<boolean> {
  if ((await appliedSchemaVersion(db)) === null) return false;
  const row = await sql<{ found: boolean }>`SELECT (EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM customers)
    OR EXISTS (SELECT 1 FROM source_records)) AS found`.execute(db);
  return row.rows[0]?.found ?? false;
}

/** The schema Daicho's tables live in (current_schema()): a pg_dump archive restores into the one it was taken from. */
export async function currentSchema(db: Db): Promise<string> {
  return (await sql<{ name: string }>`SELECT current_schema() AS name`.execute(db)).rows[0]!.name;
}

/** The server's major version (15, 16, …): pg_dump is used only when its own major version is the same. */
export async function serverMajorVersion(db: Db): Promise<number> {
  const row = await sql<{ v: string }>`SELECT current_setting('server_version_num') AS v`.execute(db);
  return Math.floor(Number(row.rows[0]!.v) / 10_000);
}

/** Drops every table of the current schema (their sequences and indexes go with them). */
async function dropAllTables(db: Db | Transaction<Database>): Promise<void> {
  const tables = (await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`.execute(db)).rows;
  if (tables.length) await sql.raw(`DROP TABLE ${tables.map((t) => ident(t.name)).join(', ')} CASCADE`).execute(db);
}

/** Empties the schema for a pg_dump archive's restore (which recreates every table), under the migration lock. */
export async function emptySchema(db: Db): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      await conn.transaction().execute((trx) => dropAllTables(trx));
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
}

const INSERT_BATCH = 1000;

/**
 * Replaces the whole database with a dump, in one transaction (a dump that fails half-way, or a truncated file that
 * lacks its end line, leaves the database as it was): every table dropped, the migrations up to the dump's version
 * applied, foreign keys set aside while the rows go in (a table may reference itself) and checked when they come
 * back, sequences set. The caller applies the migrations after the dump's version afterwards.
 */
export async function restoreRows(db: Db, schemaVersion: string, lines: AsyncIterable<string>): Promise<{ tables: number; rows: number }> {
  const scripts = migrations().filter((m) => m.version <= schemaVersion);
  if (scripts.at(-1)?.version !== schemaVersion) throw new Error(`This Daicho does not know the backup's schema version ${schemaVersion}`);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      return await conn.transaction().execute(async (trx) => {
        await dropAllTables(trx);
        await sql.raw(SCHEMA_MIGRATIONS_DDL).execute(trx);
        for (const m of scripts) await sql.raw(m.script()).execute(trx);
        const keys = (await sql<{ tbl: string; name: string; def: string }>`
          SELECT c.relname AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS def
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE k.contype = 'f' AND n.nspname = current_schema()`.execute(trx)).rows;
        for (const k of keys) await sql.raw(`ALTER TABLE ${ident(k.tbl)} DROP CONSTRAINT ${ident(k.name)}`).execute(trx);
        const tables = await tablesInDependencyOrder(trx);
        // What the migrations seeded (roles, stages, built-in sources) comes back from the dump with everything else.
        await sql.raw(`TRUNCATE ${tables.map(ident).join(', ')}`).execute(trx);
        const known = new Set(tables);
        let table: string | null = null;
        let columnList = '';
        let batch: string[] = [];
        let rows = 0;
        let restoredTables = 0;
        let ended = false;
        const flush = async () => {
          if (!batch.length || table === null) return;
          await sql`${sql.raw(`INSERT INTO ${ident(table)} (${columnList}) OVERRIDING SYSTEM VALUE SELECT ${columnList} FROM json_populate_recordset(NULL::${ident(table)}, `)}${`[${batch.join(',')}]`}::json)`.execute(trx);
          rows += batch.length;
          batch = [];
        };
        for await (const line of lines) {
          if (line === '') continue;
          if (!line.startsWith('!')) {
            if (table === null) throw new Error('The backup is damaged: a row outside a table');
            batch.push(line);
            if (batch.length >= INSERT_BATCH) await flush();
            continue;
          }
          await flush();
          table = null;
          const entry = JSON.parse(line.slice(1)) as DumpLine;
          if ('table' in entry) {
            if (!known.has(entry.table)) throw new Error(`The backup holds a table the schema ${schemaVersion} does not have: ${entry.table}`);
            const present = new Set(await storedColumns(trx, entry.table));
            const missing = entry.columns.filter((c) => !present.has(c));
            if (missing.length) throw new Error(`The backup's table ${entry.table} has columns the schema does not: ${missing.join(', ')}`);
            table = entry.table;
            columnList = entry.columns.map(ident).join(', ');
            restoredTables++;
          } else if ('sequence' in entry) {
            await sql`SELECT setval(${ident(entry.sequence)}::regclass, ${entry.lastValue}, ${entry.isCalled})`.execute(trx);
          } else {
            if (entry.rows !== rows) throw new Error(`The backup says ${entry.rows} rows but ${rows} were read`);
            ended = true;
          }
        }
        if (!ended) throw new Error('The backup is incomplete (its end line is missing): nothing was restored');
        for (const k of keys) await sql.raw(`ALTER TABLE ${ident(k.tbl)} ADD CONSTRAINT ${ident(k.name)} ${k.def}`).execute(trx);
        return { tables: restoredTables, rows };
      });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
}
