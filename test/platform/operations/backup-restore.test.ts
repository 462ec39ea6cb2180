import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { latestMigration, migrations } from '../../../src/db/migrate.ts';
import { listBackups } from '../../../src/platform/operations/backups.repository.ts';
import { createBackup, readBackupHeader, restoreBackup } from '../../../src/platform/operations/backup.service.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { ENGINES, openTestDatabase } from '../../support/engines.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { LEDGER_PERSONAL, populateLedger, snapshotTables } from '../../support/populated-ledger.ts';

/** Every table must come back: one that the ledger left empty would prove nothing, so the key ones are checked. */
const MUST_HOLD_ROWS = ['customers', 'source_records', 'orders', 'order_lines', 'activities', 'consents', 'campaigns', 'campaign_messages',
  'segments', 'segment_members', 'event_registrations', 'customer_values', 'trigger_firings', 'audit_log', 'users', 'import_runs', 'match_keys'];

function rewriteHeader(from: string, to: string, change: (header: Record<string, unknown>) => void): void {
  const bytes = fs.readFileSync(from);
  const end = bytes.indexOf(0x0a);
  const line = bytes.subarray(0, end).toString('utf8');
  const prefix = 'DAICHO-BACKUP 1 ';
  const header = JSON.parse(line.slice(prefix.length)) as Record<string, unknown>;
  change(header);
  fs.writeFileSync(to, Buffer.concat([Buffer.from(`${prefix}${JSON.stringify(header)}\n`), bytes.subarray(end + 1)]));
}

for (const engine of ENGINES) {
  describe(`backup and restore [${engine}]`, () => {
    let t: TestApp;
    let work: string;
    let file: string;
    let snapshot: Map<string, string[]>;

    before(async () => {
      t = await startTestApp(engine);
      await populateLedger(t);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-backup-test-'));
      file = path.join(work, 'ledger.daicho-backup');
      snapshot = await snapshotTables(t.database.db);
      for (const table of MUST_HOLD_ROWS) assert.ok((snapshot.get(table)?.length ?? 0) > 0, `the populated ledger has rows in ${table}`);
    });
    after(async () => {
      await t.close();
      fs.rmSync(work, { recursive: true, force: true });
    });

    test('a rows backup restored into an empty database reproduces every table row by row, and is registered', async () => {
      const backup = await createBackup(t.database, { out: file, kind: 'manual', format: 'rows' });
      assert.equal(backup.format, 'rows');
      assert.equal(backup.schemaVersion, latestMigration());
      assert.equal(backup.bytes, fs.statSync(file).size);
      assert.match(backup.checksum, /^[0-9a-f]{64}$/);
      assert.deepEqual((await listBackups(t.database.db)).map((b) => b.id), [backup.id]);
      // The file's payload is compressed: no personal value in the clear.
      assert.ok(!fs.readFileSync(file).includes(LEDGER_PERSONAL.email));

      const target = await openTestDatabase(engine);
      try {
        const result = await restoreBackup(target, file, { force: false });
        assert.equal(result.rows, [...snapshot.entries()].filter(([k]) => !k.startsWith('sequence ')).reduce((n, [, rows]) => n + rows.length, 0));
        assert.deepEqual(result.migrated, []);
        const restored = await snapshotTables(target.db);
        assert.deepEqual([...restored.keys()], [...snapshot.keys()]);
        for (const [table, rows] of snapshot) assert.deepEqual(restored.get(table), rows, `table ${table}`);
        // Sequences go on from where they were: a new row gets a new id.
        await target.db.insertInto('audit_log').values({ actor_user_id: null, actor_label: 'test', action: 'test.after_restore', details: '{}' }).execute();
      } finally {
        await target.destroy();
      }
    });

    test('restore refuses a database that holds data unless forced; forced, it replaces a damaged ledger', async () => {
      await assert.rejects(restoreBackup(t.database, file, { force: false }), /--force/);
      const { db } = t.database;
      await db.deleteFrom('trigger_firings').execute();
      await sql`UPDATE customers SET email = NULL`.execute(db);
      await restoreBackup(t.database, file, { force: true });
      const restored = await snapshotTables(db);
      for (const [table, rows] of snapshot) assert.deepEqual(restored.get(table), rows, `table ${table}`);
    });

    test('restore refuses a backup of a newer schema, a file that is not a backup, and a truncated one, changing nothing', async () => {
      const newer = path.join(work, 'newer.daicho-backup');
      rewriteHeader(file, newer, (h) => { h.schemaVersion = '9999_future'; });
      const target = await openTestDatabase(engine);
      try {
        await assert.rejects(restoreBackup(target, newer, { force: true }), /newer Daicho/);
        const notBackup = path.join(work, 'not.csv');
        fs.writeFileSync(notBackup, 'id,name\n1,x\n');
        await assert.rejects(restoreBackup(target, notBackup, { force: true }), /not a Daicho backup/);
        const truncated = path.join(work, 'truncated.daicho-backup');
        const bytes = fs.readFileSync(file);
        fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        await target.db.insertInto('audit_log').values({ actor_user_id: null, actor_label: 'test', action: 'test.before', details: '{}' }).execute();
        await assert.rejects(restoreBackup(target, truncated, { force: true }));
        const left = await target.db.selectFrom('audit_log').select('action').execute();
        assert.deepEqual(left.map((r) => r.action), ['test.before'], 'the failed restore rolled back');
      } finally {
        await target.destroy();
      }
    });

    test('an older backup is restored at its own schema version, then migrated forward', async () => {
      // A backup taken by the Daicho before the newest migration holds neither that migration's tables and columns nor
      // its row in schema_migrations: restored at its own version, then the newest migration is applied.
      const previous = migrations().at(-2)!.version;
      const older = path.join(work, 'older.daicho-backup');
      const { createGunzip, gzipSync } = await import('node:zlib');
      const { header, payloadOffset } = await readBackupHeader(file);
      const chunks: Buffer[] = [];
      for await (const c of fs.createReadStream(file, { start: payloadOffset }).pipe(createGunzip())) chunks.push(c as Buffer);
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      // What the schema held at `previous`: a PGlite database built by the migrations up to it. Tables and columns
      // the later migrations added (0032's, and any since) are taken out of the dump, as an older Daicho wrote it.
      const known = await schemaAt(previous);
      const kept: string[] = [];
      let dropping = false;
      let inMigrations = false;
      let columns: Set<string> | null = null;
      let removedRows = 0;
      for (const line of lines) {
        if (line.startsWith('!{"table":')) {
          const entry = JSON.parse(line.slice(1)) as { table: string; columns: string[] };
          const table = known.get(entry.table);
          dropping = table === undefined;
          inMigrations = entry.table === 'schema_migrations';
          columns = table ?? null;
          if (!dropping && table) kept.push(`!${JSON.stringify({ ...entry, columns: entry.columns.filter((c) => table.has(c)) })}`);
          if (!dropping) continue;
        } else if (line.startsWith('!')) { dropping = inMigrations = false; columns = null; }
        if (dropping && !line.startsWith('!')) removedRows++;
        if (dropping) continue;
        if (inMigrations && !line.startsWith('!') && (JSON.parse(line) as { version: string }).version > previous) { removedRows++; continue; }
        if (columns && line !== '' && !line.startsWith('!')) {
          const row = JSON.parse(line) as Record<string, unknown>;
          kept.push(JSON.stringify(Object.fromEntries(Object.entries(row).filter(([c]) => columns!.has(c)))));
          continue;
        }
        kept.push(line.startsWith('!{"end":') ? line.replace(/"rows":(\d+)/, (_, n: string) => `"rows":${Number(n) - removedRows}`) : line);
      }
      fs.writeFileSync(older, Buffer.concat([
        Buffer.from(`DAICHO-BACKUP 1 ${JSON.stringify({ ...header, schemaVersion: previous })}\n`),
        gzipSync(kept.join('\n')),
      ]));
      const target = await openTestDatabase(engine);
      try {
        const result = await restoreBackup(target, older, { force: false });
        assert.deepEqual(result.migrated, [latestMigration()]);
        const customers = await target.db.selectFrom('customers').select('email').where('email', '=', LEDGER_PERSONAL.email).execute();
        assert.equal(customers.length, 1);
      } finally {
        await target.destroy();
      }
    });

    const pgDumpMatches = engine === 'postgres' && spawnSync('pg_dump', ['--version']).status === 0;
    test('PostgreSQL: a pg_dump backup (custom format) restores every table row by row', { skip: !pgDumpMatches && 'needs PostgreSQL and pg_dump' }, async () => {
      const dumpFile = path.join(work, 'ledger-pg.daicho-backup');
      const backup = await createBackup(t.database, { out: dumpFile, kind: 'manual' });
      assert.equal(backup.format, 'pg_dump', 'auto picks pg_dump when its version matches the server');
      const { db } = t.database;
      await db.deleteFrom('trigger_firings').execute();
      await restoreBackup(t.database, dumpFile, { force: true });
      const restored = await snapshotTables(db, ['backups']);
      for (const [table, rows] of snapshot) if (table !== 'backups') assert.deepEqual(restored.get(table), rows, `table ${table}`);
      // The register as it was when the dump was taken: the backup's own row is written after its file.
      assert.equal((await db.selectFrom('backups').select('id').where('id', '=', backup.id).execute()).length, 0);
    });
  });
}

/**
 * Each table's columns in a PGlite database built by the migrations up to and including `version` (a fresh folder,
 * not the migrated test template: ~15 s of initdb, once per test file).
 */
const schemas = new Map<string, Promise<Map<string, Set<string>>>>();
function schemaAt(version: string): Promise<Map<string, Set<string>>> {
  let schema = schemas.get(version);
  if (!schema) schemas.set(version, (schema = buildSchemaAt(version)));
  return schema;
}

async function buildSchemaAt(version: string): Promise<Map<string, Set<string>>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-schema-at-'));
  const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
  try {
    for (const m of migrations()) if (m.version <= version) await handle.execScript(m.script());
    const rows = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema()`.execute(handle.db);
    const out = new Map<string, Set<string>>();
    for (const r of rows.rows) {
      let cols = out.get(r.table_name);
      if (!cols) out.set(r.table_name, (cols = new Set()));
      cols.add(r.column_name);
    }
    out.set('schema_migrations', new Set(['version', 'applied_at']));
    return out;
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
