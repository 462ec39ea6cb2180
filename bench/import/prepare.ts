/**
 * Staging's CPU side alone: reads the generated benchmark CSV (data.ts) and prepares every row in this thread as an
 * import's worker threads do (mapping, normalisation, the matcher's form, blocking keys; stage-prepare.ts), without a
 * database. Prints rows/s of reading alone and of reading + preparing, so the cost of preparation per row shows.
 * With `--cpu-prof` on the node command line it is the profile of preparation.
 *
 *   npx tsx bench/import/prepare.ts [--rows 20000]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { bindProfile, parseImportProfile } from '../../src/domain/import/profile.ts';
import { openTable } from '../../src/features/import/readers/index.ts';
import { prepareFileRows } from '../../src/features/import/stage-prepare.ts';
import { benchFile } from './data.ts';

async function main() {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
  const rows = Number(values.rows);
  const { file, profileFile } = benchFile(rows);
  const profile = parseImportProfile(JSON.parse(fs.readFileSync(profileFile, 'utf8')));

  const read = async (prepare: boolean) => {
    const table = await openTable(file, {});
    const bound = bindProfile(profile, table.headers).profile;
    const started = performance.now();
    let batch: Array<{ line: number; values: Record<string, string> }> = [];
    let n = 0;
    for await (const row of table.rows) {
      if ('error' in row) continue;
      batch.push(row);
      n++;
      if (batch.length === 1000) {
        if (prepare) prepareFileRows(batch, bound, 'bench');
        batch = [];
      }
    }
    if (prepare && batch.length) prepareFileRows(batch, bound, 'bench');
    await table.close();
    return { n, seconds: (performance.now() - started) / 1000 };
  };
  const reading = await read(false);
  const preparing = await read(true);
  const prepareOnly = preparing.seconds - reading.seconds;
  console.log(`${reading.n.toLocaleString()} rows: reading ${reading.seconds.toFixed(2)} s (${(reading.n / reading.seconds).toFixed(0)} rows/s); `
    + `reading + preparing ${preparing.seconds.toFixed(2)} s; preparing alone ${prepareOnly.toFixed(2)} s = ${(prepareOnly * 1e6 / reading.n).toFixed(0)} µs a row `
    + `(${(reading.n / prepareOnly).toFixed(0)} rows/s per thread)`);
}

await main();
