/**
 * Staging's CPU side alone: reads the generated benchmark CSV (data.ts) and prepares every row in this thread as an
 * import's worker threads do (mapping, normalisation, the matcher's form, blocking keys; stage-prepare.ts), without a
 * database. Prints rows/s of reading alone and of reading + preparing, so the cost of preparation per row shows.
 * With `--cpu-prof` on the node command line it is the profile of preparation.
 *
 *   npx tsx bench/import/prepare.ts [--rows 20000]
 */
import { parseArgs } from 'node:util';
import { benchFile } from './data.ts';
import { readAndPrepare } from './prepare-rows.ts';

async function main() {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
  const rows = Number(values.rows);
  const { file, profileFile } = benchFile(rows);

  const read = async (prepare: boolean) => {
    const { rows: n, seconds } = await readAndPrepare(file, profileFile, prepare);
    return { n, seconds };
  };
  const reading = await read(false);
  const preparing = await read(true);
  const prepareOnly = preparing.seconds - reading.seconds;
  console.log(`${reading.n.toLocaleString()} rows: reading ${reading.seconds.toFixed(2)} s (${(reading.n / reading.seconds).toFixed(0)} rows/s); `
    + `reading + preparing ${preparing.seconds.toFixed(2)} s; preparing alone ${prepareOnly.toFixed(2)} s = ${(prepareOnly * 1e6 / reading.n).toFixed(0)} µs a row `
    + `(${(reading.n / prepareOnly).toFixed(0)} rows/s per thread)`);
}

await main();
