/**
 * Backup and restore at N customers (default 100k), timed through the real CLI (`daicho backup --out FILE`,
 * `daicho restore FILE`) as an operator runs them, on PGlite and PostgreSQL. The ledger is the one the segments and
 * dashboards benchmarks share (bench/support/ledger.ts: a `crm` record per customer, an `ec` record per buyer,
 * orders with lines, activities, 資料請求 submissions), generated inside the database. PostgreSQL: a database created
 * for the run on the server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), one more per restore, all
 * dropped at the end; both formats (`rows`, and `pg_dump` when a matching pg_dump is on PATH). PGlite: temporary data
 * folders, removed at the end. Each restore is checked: the same row counts of the big tables as the original.
 *
 *   npx tsx bench/operations/run.ts [--customers 100000] [--engine pglite|postgres|both]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { argValue, engineArg, log, secs } from '../support/harness.ts';
import { load } from '../support/ledger.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/daicho.mjs');
const TABLES = ['customers', 'source_records', 'activities', 'orders', 'order_lines', 'form_submissions'] as const;

interface Args { customers: number; engines: Engine[] }

function parseArgs(argv: string[]): Args {
  return { customers: Number(argValue(argv, 'customers') ?? 100_000), engines: engineArg(argv) };
}

/** Runs the CLI with the engine's environment; resolves with its wall time, rejects with its output on failure. */
function daicho(args: string[], env: Record<string, string>): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: '', DAICHO_DATA_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => {
      if (code === 0) resolve({ ms: performance.now() - started, stdout });
      else reject(new Error(`daicho ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

async function counts(handle: DatabaseHandle): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(handle.db);
    out[table] = Number(r.rows[0]!.n);
  }
  return out;
}

async function generate(handle: DatabaseHandle, customers: number): Promise<Record<string, number>> {
  await migrate(handle);
  const started = performance.now();
  await load(handle, { customers, activities: customers * 10, orders: customers * 2 });
  const c = await counts(handle);
  log(`  generated in ${secs(performance.now() - started)}: ${Object.entries(c).map(([k, v]) => `${k} ${v.toLocaleString()}`).join(', ')}`);
  return c;
}

interface Row { engine: Engine; format: string; bytes: number; backupMs: number; restoreMs: number; same: boolean }

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  return TABLES.every((t) => a[t] === b[t]);
}

async function pglite(customers: number, work: string): Promise<Row[]> {
  const dir = path.join(work, 'pglite');
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir, pgliteFsync: false });
  const original = await generate(handle, customers);
  await handle.close();
  const file = path.join(work, 'pglite.backup');
  log('  daicho backup (PGlite)');
  const backup = await daicho(['backup', '--out', file], { DAICHO_DATA_DIR: dir });
  const target = path.join(work, 'pglite-restored');
  log('  daicho restore into an empty data folder (PGlite)');
  const restore = await daicho(['restore', file], { DAICHO_DATA_DIR: target });
  const restored = await openDatabase({ databaseUrl: undefined, dataDir: target, pgliteFsync: false });
  const after = await counts(restored);
  await restored.close();
  return [{ engine: 'pglite', format: formatOf(backup.stdout), bytes: fs.statSync(file).size, backupMs: backup.ms, restoreMs: restore.ms, same: sameCounts(original, after) }];
}

const formatOf = (stdout: string) => /Backed up \((\w+)/u.exec(stdout)?.[1] ?? '?';

async function postgres(customers: number, work: string): Promise<Row[]> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/');
  const urlOf = (database: string) => { const u = new URL(base); u.pathname = `/${database}`; return u.toString(); };
  const admin = new pg.Client({ connectionString: urlOf('postgres') });
  await admin.connect();
  const created: string[] = [];
  const createDb = async () => {
    const name = `daicho_bench_ops_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    created.push(name);
    return name;
  };
  const rows: Row[] = [];
  try {
    const source = await createDb();
    const handle = await openDatabase({ databaseUrl: urlOf(source), dataDir: '', pgliteFsync: false });
    const original = await generate(handle, customers);
    await handle.close();
    for (const format of ['rows', 'pg_dump'] as const) {
      const file = path.join(work, `postgres-${format}.backup`);
      log(`  daicho backup --format ${format} (PostgreSQL)`);
      let backup;
      try {
        backup = await daicho(['backup', '--out', file, '--format', format], { DATABASE_URL: urlOf(source) });
      } catch (error) {
        log(`  ${format}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
        continue;
      }
      const target = await createDb();
      log(`  daicho restore into an empty database (PostgreSQL, ${format})`);
      const restore = await daicho(['restore', file], { DATABASE_URL: urlOf(target) });
      const restored = await openDatabase({ databaseUrl: urlOf(target), dataDir: '', pgliteFsync: false });
      const after = await counts(restored);
      await restored.close();
      rows.push({ engine: 'postgres', format, bytes: fs.statSync(file).size, backupMs: backup.ms, restoreMs: restore.ms, same: sameCounts(original, after) });
    }
  } finally {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  return rows;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-ops-'));
  const results: Row[] = [];
  try {
    for (const engine of args.engines) {
      log(`${engine}: ${args.customers.toLocaleString()} customers`);
      results.push(...(engine === 'pglite' ? await pglite(args.customers, work) : await postgres(args.customers, work)));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nbackup and restore at ${args.customers.toLocaleString()} customers (through the CLI, wall time incl. process start)`);
  console.log('| engine | format | file | backup | restore | restored counts equal |');
  console.log('|---|---|--:|--:|--:|---|');
  for (const r of results) {
    console.log(`| ${r.engine} | ${r.format} | ${(r.bytes / 1024 / 1024).toFixed(1)} MB | ${secs(r.backupMs)} | ${secs(r.restoreMs)} | ${r.same ? 'yes' : 'NO'} |`);
  }
  console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min) on ${os.cpus().length} cores`);
}

await main();
