import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINES, newPgliteFolder } from '../support/engines.ts';
import { exited, waitForOutput } from '../support/process.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

// A user created beside a running server on the same PGlite folder was reported created, and was gone after a restart.
test('daicho user create is refused while daicho serve holds the data folder, and works once it has stopped', { skip: !ENGINES.includes('pglite') }, async () => {
  const dataDir = await newPgliteFolder();
  const env = { ...process.env, DAICHO_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1' };
  const server = spawn(process.execPath, [...CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    await waitForOutput(server, /running at/u);
    const createUser = () => spawnSync(process.execPath, [...CLI, 'user', 'create', '--email', 'admin@example.co.jp', '--password', 'correct horse battery', '--role', 'admin'], { env, encoding: 'utf8' });
    const refused = createUser();
    assert.notEqual(refused.status, 0, refused.stdout);
    assert.doesNotMatch(refused.stdout, /Created/u);
    assert.match(refused.stderr, new RegExp(`in use by process ${server.pid} \\(.*src/cli/main\\.ts serve\\)`, 'u'));
    assert.match(refused.stderr, /web UI or API/u);
    server.kill('SIGTERM');
    assert.deepEqual(await exited(server), { code: 0, signal: null });
    const created = createUser();
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /Created admin admin@example\.co\.jp/u);
  } finally {
    try { process.kill(-server.pid!, 'SIGKILL'); } catch { /* all gone */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
