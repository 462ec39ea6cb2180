/**
 * Import benchmark: a generated Japanese member export (CP932 CSV, 20% of rows the same person written differently;
 * see data.ts) imported through the real CLI (`daicho import FILE --mapping PROFILE.json`: streaming, normalisation,
 * identity resolution, golden records, search grams) into a fresh ledger, per engine and size. Prints rows/s, seconds,
 * the child process's peak RSS, customers created (the file holds 80% distinct people), and the ratio to the baseline:
 * a plain COPY of the same CSV rows into a table without indexes on the same engine in the same run (PostgreSQL:
 * `psql \copy … (FORMAT csv, HEADER, ENCODING 'SJIS')`; PGlite: COPY FROM '/dev/blob' of the text decoded from
 * CP932 in JavaScript, as PGlite cannot convert SJIS itself). With two sizes it prints how the time grows.
 *
 *   npx tsx bench/import/run.ts [--sizes 100000,1000000 | --rows N] [--engine pglite|postgres|both]
 *                               [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--keep]
 *
 * PostgreSQL: each size gets a fresh database (daicho_bench_import_<pid>_<rows>) on the server of --database-url,
 * dropped afterwards unless --keep; psql must be on PATH. Generated files are cached in $TMPDIR/daicho-bench-import.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { PGlite } from '@electric-sql/pglite';
import { benchFile, COLUMNS } from './data.ts';
import { freshPostgresDatabase, migrateLedger, postgresServerCpuSeconds, runCliMeasured } from './child.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    sizes: { type: 'string', default: '100000,1000000' },
    engine: { type: 'string', default: 'both' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = (values.rows ?? values.sizes).split(',').map((s) => Number(s.replace(/_/gu, ''))).filter((n) => Number.isInteger(n) && n > 0);
const engines = values.engine === 'both' ? ['pglite', 'postgres'] as const : [values.engine as 'pglite' | 'postgres'];
if (sizes.length === 0 || !engines.every((e) => e === 'pglite' || e === 'postgres')) {
  console.error('usage: run.ts [--sizes 100000,1000000 | --rows N] [--engine pglite|postgres|both]');
  process.exit(2);
}

interface Result {
  engine: string; rows: number; seconds: number; peakRssMb: number; copySeconds: number;
  /** CPU of the import process (all threads; PGlite's engine included) and of the PostgreSQL server during the import. */
  cpuSeconds: number; serverCpuSeconds: number | null;
  customers: number | null; people: number; merged: number | null; review: number | null;
}
const results: Result[] = [];
console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

for (const rows of sizes) {
  const { file, people, profileFile } = benchFile(rows);
  for (const engine of engines) {
    const result = engine === 'pglite' ? await runPglite(file, profileFile, rows) : await runPostgres(file, profileFile, rows);
    const r = { ...result, people };
    results.push(r);
    console.log(`${engine} ${rows.toLocaleString()} rows: ${r.seconds.toFixed(1)} s, ${(rows / r.seconds).toFixed(0)} rows/s, peak RSS ${r.peakRssMb.toFixed(0)} MiB, COPY ${r.copySeconds.toFixed(2)} s, customers ${r.customers ?? '?'} (people ${r.people}), CPU ${cpuOf(r)}`);
  }
}

/** The import's CPU: its process, plus the server's on PostgreSQL, and what that is a row. */
function cpuOf(r: Result): string {
  const total = r.cpuSeconds + (r.serverCpuSeconds ?? 0);
  const parts = r.serverCpuSeconds === null ? `${r.cpuSeconds.toFixed(1)} s` : `${r.cpuSeconds.toFixed(1)} + server ${r.serverCpuSeconds.toFixed(1)} s`;
  return `${parts} = ${(total * 1e6 / r.rows).toFixed(0)} µs a row, ${(total / r.seconds).toFixed(2)} of ${os.cpus().length} cores busy`;
}

const header = ['engine', 'rows', 'import s', 'rows/s', 'peak RSS MiB', 'COPY s', 'import ÷ COPY', 'customers (people)', 'merged', 'review', 'CPU'];
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of results) {
  console.log(`| ${[r.engine, r.rows.toLocaleString(), r.seconds.toFixed(1), (r.rows / r.seconds).toFixed(0), r.peakRssMb.toFixed(0), r.copySeconds.toFixed(2),
    `${(r.seconds / r.copySeconds).toFixed(0)}×`, `${r.customers ?? '?'} (${r.people})`, r.merged ?? '?', r.review ?? '?', cpuOf(r)].join(' | ')} |`);
}
for (const engine of engines) {
  const mine = results.filter((r) => r.engine === engine).sort((a, b) => a.rows - b.rows);
  for (let i = 1; i < mine.length; i++) {
    const [small, large] = [mine[0]!, mine[i]!];
    console.log(`${engine}: ${large.rows.toLocaleString()} rows took ${(large.seconds / small.seconds).toFixed(1)}× the time of ${small.rows.toLocaleString()} (${(large.rows / small.rows).toFixed(0)}× the rows; linear = ${(large.rows / small.rows).toFixed(0)}×)`);
  }
}

/** Runs the CLI import; the ledger is created first (`daicho migrate`, not timed), as an import lands in an existing ledger. */
async function runCli(file: string, profileFile: string, env: NodeJS.ProcessEnv) {
  migrateLedger(env);
  const serverBefore = env.DATABASE_URL ? postgresServerCpuSeconds() : null;
  const imported = await runCliMeasured(['import', file, '--mapping', profileFile], env);
  const serverAfter = serverBefore === null ? null : postgresServerCpuSeconds();
  return { ...imported, serverCpuSeconds: serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : null };
}

function summaryOf(stdout: string) {
  const num = (re: RegExp) => { const m = re.exec(stdout); return m ? Number(m[1]) : null; };
  return { customers: num(/new customers (\d+)/u), merged: num(/shared customers (\d+)/u), review: num(/sent to review (\d+)/u) };
}

async function runPglite(file: string, profileFile: string, rows: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-import-pglite-'));
  try {
    const imported = await runCli(file, profileFile, { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' });
    // Baseline: the same rows COPY'd into a plain table of a PGlite in the same folder layout.
    const db = await PGlite.create(path.join(dir, 'copy'));
    await db.exec(`CREATE TABLE copy_baseline (${COLUMNS.map((c) => `"${c}" text`).join(', ')})`);
    const started = performance.now();
    const text = iconv.decode(fs.readFileSync(file), 'cp932');
    const copied = await db.query(`COPY copy_baseline FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: new Blob([text]) });
    const copySeconds = (performance.now() - started) / 1000;
    if (copied.affectedRows !== rows) throw new Error(`COPY loaded ${copied.affectedRows} rows, expected ${rows}`);
    await db.close();
    return {
      engine: 'pglite', rows, seconds: imported.seconds, peakRssMb: imported.peakRssMb, copySeconds,
      cpuSeconds: imported.cpuSeconds, serverCpuSeconds: imported.serverCpuSeconds, ...summaryOf(imported.stdout),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(file: string, profileFile: string, rows: number) {
  const database = await freshPostgresDatabase(values['database-url']!, `daicho_bench_import_${process.pid}_${rows}`, values.keep);
  const url = database.url;
  try {
    const imported = await runCli(file, profileFile, { ...process.env, DATABASE_URL: url });
    const started = performance.now();
    const copy = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE copy_baseline (${COLUMNS.map((c) => `"${c}" text`).join(', ')})`,
      '-c', `\\copy copy_baseline FROM '${file}' (FORMAT csv, HEADER, ENCODING 'SJIS')`], { encoding: 'utf8' });
    const copySeconds = (performance.now() - started) / 1000;
    if (copy.status !== 0 || !copy.stdout.includes(`COPY ${rows}`)) throw new Error(`COPY failed: ${copy.stderr || copy.stdout}`);
    return {
      engine: 'postgres', rows, seconds: imported.seconds, peakRssMb: imported.peakRssMb, copySeconds, cpuSeconds: imported.cpuSeconds,
      serverCpuSeconds: imported.serverCpuSeconds, ...summaryOf(imported.stdout),
    };
  } finally {
    await database.drop();
  }
}
