/**
 * Reads the generated benchmark file and, with `prepare`, prepares every row in this thread in batches of 1,000, as an
 * import's worker threads do (stage-prepare.ts). Shared by prepare.ts (rows/s, and its CPU profile) and floor.ts
 * (preparation's CPU beside the storage floor).
 */
import fs from 'node:fs';
import { bindProfile, parseImportProfile } from '../../src/domain/import/profile.ts';
import { openTable } from '../../src/intake/files/readers/index.ts';
import { prepareFileRows } from '../../src/resolution/stage-prepare.ts';

/** Rows read, and the wall and CPU seconds of this thread from the first row to the last (opening the file excluded). */
export async function readAndPrepare(file: string, profileFile: string, prepare: boolean): Promise<{ rows: number; seconds: number; cpuSeconds: number }> {
  const profile = parseImportProfile(JSON.parse(fs.readFileSync(profileFile, 'utf8')));
  const table = await openTable(file, {});
  const bound = bindProfile(profile, table.headers).profile;
  const started = performance.now();
  const cpu = process.cpuUsage();
  let batch: Array<{ line: number; values: Record<string, string> }> = [];
  let rows = 0;
  for await (const row of table.rows) {
    if ('error' in row) continue;
    batch.push(row);
    rows++;
    if (batch.length === 1000) {
      if (prepare) prepareFileRows(batch, bound, 'bench');
      batch = [];
    }
  }
  if (prepare && batch.length) prepareFileRows(batch, bound, 'bench');
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  await table.close();
  return { rows, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
