import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../../src/db/database.ts';
import { listRunRows } from '../../../src/intake/files/import.repository.ts';
import { RUN_STALE_SECONDS } from '../../../src/intake/files/import.service.ts';
import { ENGINES } from '../../support/engines.ts';

const ROOT = path.join(import.meta.dirname, '../../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

/** 3,500 people with some repeats, so several staging batches commit before the kill. */
function writeFile(file: string): void {
  const lines = ['ID,氏名,メール,電話'];
  for (let i = 0; i < 3500; i++) {
    const person = i % 3000; // the last 500 rows repeat earlier people under new ids
    lines.push(`R${i},山田 太郎${person},taro${person}@example.jp,03-${String(1000 + (person % 9000)).padStart(4, '0')}-${String(person).padStart(4, '0')}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function partition(dataDir: string): Promise<string[]> {
  const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
  try {
    const rows = await handle.db.selectFrom('source_records').select(['external_id', 'customer_id']).execute();
    const groups = new Map<string, string[]>();
    for (const r of rows) {
      assert.ok(r.customer_id, `record ${r.external_id} left unresolved`);
      groups.set(r.customer_id, [...(groups.get(r.customer_id) ?? []), r.external_id]);
    }
    return [...groups.values()].map((g) => g.sort().join(' ')).sort();
  } finally {
    await handle.close();
  }
}

/** The reported status of each run, newest first; `ageHeartbeats` moves every heartbeat back ten minutes first. */
async function runStatuses(dataDir: string, { ageHeartbeats = false } = {}): Promise<string[]> {
  const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
  try {
    if (ageHeartbeats) await sql`UPDATE import_runs SET heartbeat_at = heartbeat_at - interval '10 minutes'`.execute(handle.db);
    return (await listRunRows(handle.db, 10, RUN_STALE_SECONDS)).map((r) => r.status);
  } finally {
    await handle.close();
  }
}

test('a killed import, re-run, gives exactly the ledger of an uninterrupted one; the killed run is reported interrupted', { timeout: 300_000, skip: !ENGINES.includes('pglite') }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-kill-import-'));
  try {
    const file = path.join(dir, 'people.csv');
    const profile = path.join(dir, 'profile.json');
    writeFile(file);
    fs.writeFileSync(profile, JSON.stringify({ source: 'crm', id_column: 'ID', fields: { full_name: '氏名', email: 'メール', phone: '電話' } }));
    const env = (dataDir: string) => ({ ...process.env, DAICHO_DATA_DIR: dataDir, DATABASE_URL: '' });

    const clean = path.join(dir, 'clean');
    const ok = spawnSync(process.execPath, [...CLI, 'import', file, '--mapping', profile], { env: env(clean), encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);

    const killed = path.join(dir, 'killed');
    const child = spawn(process.execPath, [...CLI, 'import', file, '--mapping', profile], { env: env(killed), stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        // Progress is printed after each committed batch: kill after the second one.
        if (/2,000 rows/.test(err)) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.equal(child.signalCode, 'SIGKILL', 'the import was killed mid-way');
    const rerun = spawnSync(process.execPath, [...CLI, 'import', file, '--mapping', profile], { env: env(killed), encoding: 'utf8' });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, /unchanged [1-9]/, 'the re-run skipped what the first run had committed');

    assert.deepEqual(await partition(killed), await partition(clean));
    // The killed run never finished: once its heartbeat is old, the run history says it was interrupted.
    assert.deepEqual(await runStatuses(killed), ['completed', 'running']);
    assert.deepEqual(await runStatuses(killed, { ageHeartbeats: true }), ['completed', 'interrupted']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
