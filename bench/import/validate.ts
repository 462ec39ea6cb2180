/**
 * Validation benchmark: the wizard's 「検証」 step (`daicho import FILE --mapping PROFILE.json --validate`: the whole
 * file read, mapped and normalised as an import would, ids looked up in the ledger, nothing written) over the
 * generated CP932 member export of the import benchmark (data.ts), through the real CLI on a fresh ledger. Prints
 * seconds, rows/s and the child's peak RSS per size, and the ratio to the baseline: reading and decoding the same file
 * alone (the CSV reader in this process, no mapping), in the same run. With two sizes it prints how time and memory grow.
 *
 *   npx tsx bench/import/validate.ts [--sizes 100000,1000000] [--engine pglite|postgres]
 *                                    [--database-url postgres://postgres@127.0.0.1:5432/postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openTable } from '../../src/intake/files/readers/index.ts';
import { freshPostgresDatabase, migrateLedger, runCliMeasured } from './child.ts';
import { benchFile } from './data.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    engine: { type: 'string', default: 'pglite' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const sizes = values.sizes.split(',').map((s) => Number(s.replace(/_/gu, ''))).filter((n) => Number.isInteger(n) && n > 0);
if (sizes.length === 0 || !['pglite', 'postgres'].includes(values.engine)) {
  console.error('usage: validate.ts [--sizes 100000,1000000] [--engine pglite|postgres]');
  process.exit(2);
}
console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), engine ${values.engine}`);

const results: Array<{ rows: number; seconds: number; peakRssMb: number; readSeconds: number; line: string }> = [];
for (const rows of sizes) {
  const { file, profileFile } = benchFile(rows);
  const validated = await withLedger(rows, (env) => runCliMeasured(['import', file, '--mapping', profileFile, '--validate'], env));
  const summary = /rows read \d+.*\n.*records new \d+/u.exec(validated.stdout)?.[0].replace(/\s+/gu, ' ') ?? '?';
  const readSeconds = await readAlone(file);
  results.push({ rows, seconds: validated.seconds, peakRssMb: validated.peakRssMb, readSeconds, line: summary });
  console.log(`${rows.toLocaleString()} rows: ${validated.seconds.toFixed(1)} s, ${(rows / validated.seconds).toFixed(0)} rows/s, peak RSS ${validated.peakRssMb.toFixed(0)} MiB; reading alone ${readSeconds.toFixed(1)} s (${summary})`);
}

const header = ['rows', 'validate s', 'rows/s', 'peak RSS MiB', 'read alone s', 'validate ÷ read'];
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of results) {
  console.log(`| ${[r.rows.toLocaleString(), r.seconds.toFixed(1), (r.rows / r.seconds).toFixed(0), r.peakRssMb.toFixed(0), r.readSeconds.toFixed(1), `${(r.seconds / r.readSeconds).toFixed(1)}×`].join(' | ')} |`);
}
if (results.length > 1) {
  const [small, large] = [results[0]!, results[results.length - 1]!];
  console.log(`${large.rows.toLocaleString()} rows took ${(large.seconds / small.seconds).toFixed(1)}× the time of ${small.rows.toLocaleString()} (${(large.rows / small.rows).toFixed(0)}× the rows) and ${(large.peakRssMb - small.peakRssMb).toFixed(0)} MiB more memory`);
}

/** The CSV reader alone over the file (decoding CP932, splitting rows): the floor a validation stands on. */
async function readAlone(file: string): Promise<number> {
  const started = performance.now();
  const table = await openTable(file, {});
  for await (const _row of table.rows) { /* read only */ }
  await table.close();
  return (performance.now() - started) / 1000;
}

/** A fresh, migrated ledger on the chosen engine for `work`, removed afterwards. */
async function withLedger<T>(rows: number, work: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  if (values.engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-validate-'));
    env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await freshPostgresDatabase(values['database-url']!, `daicho_bench_validate_${process.pid}_${rows}`);
    env = { ...process.env, DATABASE_URL: database.url };
    cleanup = database.drop;
  }
  try {
    migrateLedger(env);
    return await work(env);
  } finally {
    await cleanup();
  }
}
