/**
 * Survivorship re-applied: after a source's priority changes (PATCH /sources/{id}), the golden record of every
 * customer holding one of its records is recomputed (recompute.service.ts: requestSourceRecompute, walkSourceRecompute). This imports the generated member
 * export of the import benchmark (data.ts) through the CLI into a fresh ledger, then times that recompute for its
 * source in this process. Prints customers recomputed, seconds and customers/s, and the ratio to the baseline: the
 * import of the same file that built the ledger, in the same run (it computed each golden record once too, besides
 * reading, normalising and resolving).
 *
 *   npx tsx bench/import/recompute.ts [--rows 100000] [--engine postgres|pglite]
 *                                     [--database-url postgres://postgres@127.0.0.1:5432/postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database.ts';
import { requestSourceRecompute, walkSourceRecompute } from '../../src/ledger/sources/recompute.service.ts';
import { freshPostgresDatabase, migrateLedger, runCliMeasured } from './child.ts';
import { benchFile, PROFILE } from './data.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    engine: { type: 'string', default: 'postgres' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const rows = Number(values.rows.replace(/_/gu, ''));
if (!Number.isInteger(rows) || rows <= 0 || !['pglite', 'postgres'].includes(values.engine)) {
  console.error('usage: recompute.ts [--rows 100000] [--engine postgres|pglite]');
  process.exit(2);
}
console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), engine ${values.engine}`);
const { file, profileFile } = benchFile(rows);

let config: { databaseUrl: string | undefined; dataDir: string; pgliteFsync: boolean };
let cleanup: () => Promise<void>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-recompute-'));
if (values.engine === 'pglite') {
  config = { databaseUrl: undefined, dataDir: path.join(dir, 'data'), pgliteFsync: false };
  cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
} else {
  const database = await freshPostgresDatabase(values['database-url']!, `daicho_bench_recompute_${process.pid}`);
  config = { databaseUrl: database.url, dataDir: path.join(dir, 'data'), pgliteFsync: false };
  cleanup = async () => {
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
try {
  const env = { ...process.env, DATABASE_URL: config.databaseUrl ?? '', DAICHO_DATA_DIR: config.dataDir };
  migrateLedger(env);
  const imported = await runCliMeasured(['import', file, '--mapping', profileFile], env);
  console.log(`import of ${rows.toLocaleString()} rows: ${imported.seconds.toFixed(1)} s (the baseline)`);
  const handle = await openDatabase(config);
  try {
    const source = await handle.db.selectFrom('sources').select(['id', 'priority']).where('name', '=', PROFILE.source).executeTakeFirstOrThrow();
    // As PATCH /sources/{id} does: the new priority and its recompute recorded together, then the walk.
    const started = performance.now();
    await handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('sources').set({ priority: source.priority - 1 }).where('id', '=', source.id).execute();
      await requestSourceRecompute(trx, source.id, source.priority, source.priority - 1, null);
    });
    await walkSourceRecompute(handle.db, source.id);
    const seconds = (performance.now() - started) / 1000;
    const walked = await handle.db.selectFrom('source_recomputes').select(['status', 'done']).where('source_id', '=', source.id).executeTakeFirstOrThrow();
    if (walked.status !== 'completed') throw new Error(`the recompute ended ${walked.status}`);
    const customers = walked.done;
    console.log(`\n| engine | rows | customers recomputed | recompute s | customers/s | import s | recompute ÷ import |\n|---|---|---|---|---|---|---|`);
    console.log(`| ${values.engine} | ${rows.toLocaleString()} | ${customers.toLocaleString()} | ${seconds.toFixed(1)} | ${(customers / seconds).toFixed(0)} | ${imported.seconds.toFixed(1)} | ${(seconds / imported.seconds).toFixed(2)} |`);
  } finally {
    await handle.close();
  }
} finally {
  await cleanup();
}
