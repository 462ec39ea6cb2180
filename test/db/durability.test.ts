import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { ENGINES } from '../support/engines.ts';

/**
 * PGlite runs with fsync=off by default. A killed process (SIGKILL: crash, OOM killer, kill -9) must still
 * lose no committed row: PGlite writes its WAL to the data folder at each commit, and the operating system
 * keeps written pages even when the process dies. (Power loss is another matter: see README "Durability".)
 */
test('PGlite: every committed row survives SIGKILL in the middle of writes', { timeout: 120_000, skip: !ENGINES.includes('pglite') }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-kill-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../support/durability-writer.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const committed: number[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code} ${signal}`))));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const m = /^committed (\d+)$/.exec(line);
          if (m) committed.push(Number(m[1]));
          // Kill at an arbitrary point while writes are in flight.
          if (committed.length === 300) child.kill('SIGKILL');
        }
      });
    });
    assert.ok(committed.length >= 300);
    const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
    try {
      const rows = await handle.db.selectFrom('audit_log').select('id').where('action', '=', 'durability.write').execute();
      const present = new Set(rows.map((r) => r.id));
      const missing = committed.filter((id) => !present.has(id));
      assert.deepEqual(missing, [], `${missing.length} committed rows lost`);
      // The database is usable after recovery.
      await handle.db.insertInto('audit_log').values({ action: 'durability.after', details: '{}' }).execute();
    } finally {
      await handle.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
