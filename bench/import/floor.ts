/**
 * The floor under the import's throughput: what this ledger's storage costs when nothing but storing is done.
 *
 * An import of the generated file (data.ts) is run through the real CLI on PostgreSQL (the baseline this benchmark
 * names). Every row it left in the ledger (source records, customers with their search grams, blocking keys,
 * decisions, review items, activities, companies, the run and its issues) is then exported and loaded back with COPY
 * into a fresh, migrated ledger with every index, constraint and foreign key of the real schema: each tuple written
 * once, in the cheapest way the engine has, with no reads, no matching and no updates. That is a lower bound on the
 * database's share of any import that ends with the same ledger. On PostgreSQL the COPY backend's own CPU is read
 * from /proc (utime + stime), so the bound is in core-seconds, whatever the disk did; on PGlite, which runs in this
 * process, it is this process's CPU time. The CPU of preparing the rows (reading, decoding CP932, mapping,
 * normalisation, the matcher's form and its keys: stage-prepare.ts) is measured beside it in this thread.
 *
 * With two cores, an import of N rows can go no faster than N ÷ ((database floor + preparation) ÷ 2) rows/s, even if
 * identity resolution, golden records and every round trip cost nothing and both cores were always busy. The
 * benchmark prints that bound next to the issue's targets and the real import.
 *
 *   npx tsx bench/import/floor.ts [--rows 100000] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
 *                                 [--ledger-url URL_OF_AN_IMPORTED_LEDGER]   (skips the import; it must hold the file)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { CLK_TCK, freshPostgresDatabase, migrateLedger, postgresServerCpuSeconds, processTicks, runCliMeasured } from './child.ts';
import { benchFile } from './data.ts';
import { readAndPrepare } from './prepare-rows.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'ledger-url': { type: 'string' },
  },
});
const rows = Number(values.rows!.replace(/_/gu, ''));
const TARGETS = { postgres: 20_000, pglite: 10_000 } as const;
const CORES = os.cpus().length;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-floor-'));

interface TableCost { table: string; rows: number; wallSeconds: number; cpuSeconds: number }

/** Not written by an import: the migrations' own bookkeeping, and run.ts's COPY baseline in a ledger it kept. */
const NOT_LEDGER = new Set(['schema_migrations', 'copy_baseline']);

async function main(): Promise<void> {
  console.log(`machine: ${CORES} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const { file, profileFile } = benchFile(rows);

  try {
    // 1. The baseline: the real import, which also builds the ledger whose storage is measured.
    let ledger = values['ledger-url'];
    let importSeconds: number | null = null;
    let dropLedger = async () => {};
    if (!ledger) {
      const db = await freshPostgresDatabase(values['database-url']!, `daicho_bench_floor_${process.pid}_ledger`);
      const env = { ...process.env, DATABASE_URL: db.url };
      migrateLedger(env);
      const serverBefore = postgresServerCpuSeconds();
      const imported = await runCliMeasured(['import', file, '--mapping', profileFile], env);
      const serverAfter = postgresServerCpuSeconds();
      importSeconds = imported.seconds;
      const server = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : NaN;
      console.log(`import (PostgreSQL, the baseline): ${rows.toLocaleString()} rows in ${imported.seconds.toFixed(1)} s = ${(rows / imported.seconds).toFixed(0)} rows/s; `
        + `CPU: import process ${imported.cpuSeconds.toFixed(1)} s, PostgreSQL server ${server.toFixed(1)} s = ${((imported.cpuSeconds + server) * 1e6 / rows).toFixed(0)} µs a row`);
      ledger = db.url;
      dropLedger = db.drop;
    }

    // 2. Every table the import filled, in foreign-key order, exported as COPY text.
    const tables = await exportLedger(ledger, dir);
    await dropLedger();
    console.log(`ledger: ${tables.map((t) => `${t.table} ${t.rows.toLocaleString()}`).join(', ')}`);

    // 3. The same rows COPY'd into a fresh ledger on each engine.
    const pgCosts = await loadPostgres(tables);
    const pgliteCosts = await loadPglite(tables);

    // 4. Preparing the rows, in this thread.
    const prepareSeconds = (await readAndPrepare(file, profileFile, true)).cpuSeconds;

    const sum = (costs: TableCost[], k: 'wallSeconds' | 'cpuSeconds') => costs.reduce((total, c) => total + c[k], 0);
    const cell = (c: TableCost) => `${c.wallSeconds.toFixed(2)} (${c.cpuSeconds.toFixed(2)})`;
    const of = (costs: TableCost[], table: string) => costs.find((c) => c.table === table)!;
    console.log('\nCOPY of the ledger\'s rows, wall s (CPU s):\n| table | rows | PostgreSQL | PostgreSQL, heap alone | PGlite |\n|---|---|---|---|---|');
    for (const t of tables) {
      console.log(`| ${t.table} | ${t.rows.toLocaleString()} | ${cell(of(pgCosts.full, t.table))} | ${cell(of(pgCosts.bare, t.table))} | ${cell(of(pgliteCosts, t.table))} |`);
    }
    const total = (costs: TableCost[]) => `${sum(costs, 'wallSeconds').toFixed(2)} (${sum(costs, 'cpuSeconds').toFixed(2)})`;
    console.log(`| all | | ${total(pgCosts.full)} | ${total(pgCosts.bare)} | ${total(pgliteCosts)} |`);
    const customers = of(pgCosts.full, 'customers');
    console.log(`PostgreSQL customers without their search index: ${cell(pgCosts.customersWithoutSearchIndex)}; the index's share ${(customers.cpuSeconds - pgCosts.customersWithoutSearchIndex.cpuSeconds).toFixed(2)} s of ${customers.cpuSeconds.toFixed(2)} s of CPU`);
    console.log(`preparing ${rows.toLocaleString()} rows (read, decode, map, normalise, matcher form, keys): ${prepareSeconds.toFixed(2)} s of CPU = ${(prepareSeconds * 1e6 / rows).toFixed(0)} µs a row`);

    console.log(`\nThe fastest an import could be on ${CORES} cores with nothing but storing and preparing, both cores always busy:`);
    console.log(`| engine, storage | storage CPU µs a row | + preparation | best case rows/s | target rows/s | target ÷ best case | real import rows/s | real ÷ best case |\n|---|---|---|---|---|---|---|---|`);
    const real = importSeconds === null ? null : rows / importSeconds;
    const bounds: Array<[string, TableCost[], keyof typeof TARGETS]> = [
      ['postgres, this schema', pgCosts.full, 'postgres'], ['postgres, heap alone', pgCosts.bare, 'postgres'], ['pglite, this schema', pgliteCosts, 'pglite'],
    ];
    for (const [label, costs, engine] of bounds) {
      const storage = sum(costs, 'cpuSeconds');
      const bound = rows / ((storage + prepareSeconds) / CORES);
      const realCell = engine === 'postgres' && real !== null ? [real.toFixed(0), `${(real / bound).toFixed(2)}`] : ['—', '—'];
      console.log(`| ${label} | ${(storage * 1e6 / rows).toFixed(0)} | ${((storage + prepareSeconds) * 1e6 / rows).toFixed(0)} | ${bound.toFixed(0)} | ${TARGETS[engine].toLocaleString()} | ${(TARGETS[engine] / bound).toFixed(2)}× | ${realCell.join(' | ')} |`);
    }
    console.log(`Preparation alone, with no database at all: ${(rows / (prepareSeconds / CORES)).toFixed(0)} rows/s on ${CORES} cores.`);
    console.log(`At ${TARGETS.postgres.toLocaleString()} rows/s on ${CORES} cores an import has ${(CORES * 1e6 / TARGETS.postgres).toFixed(0)} µs of CPU a row in all; at ${TARGETS.pglite.toLocaleString()}, ${(CORES * 1e6 / TARGETS.pglite).toFixed(0)} µs (PGlite's engine is on the main thread, so in fact less).`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Exported { table: string; columns: string[]; rows: number; file: string }

/** The non-empty tables of the ledger at `url`, parents before children, each written to `out` in COPY text format. */
async function exportLedger(url: string, out: string): Promise<Exported[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = (await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'`)).rows.map((r) => r.relname)
      .filter((name) => !NOT_LEDGER.has(name));
    const fks = (await client.query<{ child: string; parent: string }>(
      `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid <> c.confrelid`)).rows;
    const ordered = topologicalOrder(names, fks);
    const result: Exported[] = [];
    for (const table of ordered) {
      const count = Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
      if (count === 0) continue;
      // Generated columns cannot be COPY'd into; everything else is, identity columns included.
      const columns = (await client.query<{ attname: string }>(
        `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
          ORDER BY attnum`, [table])).rows.map((r) => r.attname);
      const target = path.join(out, `${table}.copy`);
      psql(url, `\\copy (SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}") TO '${target}'`);
      result.push({ table, columns, rows: count, file: target });
    }
    return result;
  } finally {
    await client.end();
  }
}

function topologicalOrder(names: string[], fks: Array<{ child: string; parent: string }>): string[] {
  const known = new Set(names);
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t) || path.has(t)) return;
    path.add(t);
    for (const fk of fks) if (fk.child === t && known.has(fk.parent)) visit(fk.parent, path);
    done.add(t);
    order.push(t);
  };
  for (const t of names.sort()) visit(t, new Set());
  return order;
}

function psql(url: string, ...commands: string[]): string {
  const run = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((c) => ['-c', c])], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
  return run.stdout;
}

/** Emptied ledger tables (what `migrate` seeds included), so the exported rows, seeds among them, go back as they were. */
function truncateAll(tables: Exported[]): string {
  return `TRUNCATE ${tables.map((t) => `"${t.table}"`).join(', ')} CASCADE`;
}

interface PostgresCosts {
  /** Into the real schema: every index, constraint and foreign key. */
  full: TableCost[];
  /** Into tables of the same columns with no index, key, constraint or default (CREATE TABLE … (LIKE …)): the heap alone. */
  bare: TableCost[];
  /** The customers again into the real schema without the search index (customers_search_grams_idx): its share. */
  customersWithoutSearchIndex: TableCost;
}

async function loadPostgres(tables: Exported[]): Promise<PostgresCosts> {
  const db = await freshPostgresDatabase(values['database-url']!, `daicho_bench_floor_${process.pid}_copy`);
  try {
    migrateLedger({ ...process.env, DATABASE_URL: db.url });
    psql(db.url, truncateAll(tables), 'CREATE SCHEMA bare',
      ...tables.map((t) => `CREATE TABLE bare."${t.table}" (LIKE public."${t.table}")`));
    const full = tables.map((t) => copyMeasured(db.url, `public."${t.table}"`, t));
    const bare = tables.map((t) => copyMeasured(db.url, `bare."${t.table}"`, t));
    const customers = tables.find((t) => t.table === 'customers')!;
    psql(db.url, 'TRUNCATE public.customers CASCADE', 'DROP INDEX public.customers_search_grams_idx');
    return { full, bare, customersWithoutSearchIndex: copyMeasured(db.url, 'public.customers', customers) };
  } finally {
    await db.drop();
  }
}

/**
 * COPY of one exported table into `target`, in a psql session of its own: the backend's CPU before and after (it reads
 * its own /proc/self/stat, which the server's superuser may), and the COPY's wall time.
 */
function copyMeasured(url: string, target: string, t: Exported): TableCost {
  const script = [
    'SELECT pg_read_file(\'/proc/self/stat\');',
    '\\timing on',
    `\\copy ${target} (${t.columns.map((c) => `"${c}"`).join(', ')}) FROM '${t.file}'`,
    '\\timing off',
    'SELECT pg_read_file(\'/proc/self/stat\');',
  ].join('\n');
  const run = spawnSync('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], { input: script, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`COPY ${target} failed: ${run.stderr}`);
  const stats = run.stdout.split('\n').filter((l) => /^\d+ \(postgres\)/u.test(l)).map((line) => processTicks(line));
  const ms = /Time: ([\d.]+) ms/u.exec(run.stdout);
  if (stats.length !== 2 || !ms) throw new Error(`could not read the COPY's cost from: ${run.stdout}`);
  return { table: t.table, rows: t.rows, wallSeconds: Number(ms[1]) / 1000, cpuSeconds: (stats[1]! - stats[0]!) / CLK_TCK };
}

async function loadPglite(tables: Exported[]): Promise<TableCost[]> {
  const dataDir = path.join(dir, 'pglite');
  migrateLedger({ ...process.env, DAICHO_DATA_DIR: dataDir, DATABASE_URL: '' });
  // As Daicho opens it (src/db/database.ts): 64 MB of shared buffers.
  const db = await PGlite.create({ dataDir, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=64MB'] });
  try {
    await db.exec(truncateAll(tables));
    const costs: TableCost[] = [];
    for (const t of tables) {
      const blob = new Blob([fs.readFileSync(t.file)]);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const copied = await db.query(`COPY "${t.table}" (${t.columns.map((c) => `"${c}"`).join(', ')}) FROM '/dev/blob'`, [], { blob });
      const wallSeconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      if (copied.affectedRows !== t.rows) throw new Error(`PGlite COPY ${t.table}: ${copied.affectedRows} of ${t.rows} rows`);
      costs.push({ table: t.table, rows: t.rows, wallSeconds, cpuSeconds: (used.user + used.system) / 1e6 });
    }
    return costs;
  } finally {
    await db.close();
  }
}

await main();
