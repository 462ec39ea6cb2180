import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeFlags } from '../../bin/node-flags.mjs';
import { exited, waitForOutput } from '../support/process.ts';

test('the launcher bounds the JavaScript heap at 768 MiB unless told otherwise', () => {
  assert.deepEqual(nodeFlags({}), ['--max-old-space-size=768']);
  assert.deepEqual(nodeFlags({ DAICHO_MAX_HEAP_MB: '2048' }), ['--max-old-space-size=2048']);
  assert.deepEqual(nodeFlags({ NODE_OPTIONS: '--max-old-space-size=4096' }), [], 'NODE_OPTIONS wins');
  assert.deepEqual(nodeFlags({ DAICHO_MAX_HEAP_MB: 'lots' }), [], 'a value that is not a number is ignored');
});

test('the daicho command starts the CLI with that heap bound', () => {
  // A preload (inherited by the launcher and its child through NODE_OPTIONS) prints each process's heap limit.
  const report = "import v8 from 'node:v8'; process.stderr.write('HEAP ' + Math.round(v8.getHeapStatistics().heap_size_limit / 1048576) + '\\n')";
  const bin = path.resolve(import.meta.dirname, '../../bin/daicho.mjs');
  const result = spawnSync(process.execPath, [bin, 'help'], {
    encoding: 'utf8',
    env: { ...process.env, DAICHO_MAX_HEAP_MB: '256', NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}` },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: npm run daicho/u);
  const limits = [...result.stderr.matchAll(/HEAP (\d+)/gu)].map((m) => Number(m[1]));
  assert.equal(limits.length, 2, result.stderr);
  // The child (the CLI): 256 MiB of old space plus the young generation.
  assert.ok(limits[1]! >= 256 && limits[1]! < 400, `child heap limit ${limits[1]} MiB`);
});

test('stopping the daicho command stops the CLI it started', async () => {
  const bin = path.resolve(import.meta.dirname, '../../bin/daicho.mjs');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-launcher-'));
  const launcher = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, DATABASE_URL: '', DAICHO_DATA_DIR: dataDir, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    // Waits for the server's line however long a busy machine takes to start it (or fails as soon as it exits).
    await waitForOutput(launcher, /running at/u);
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(launcher.pid)], { encoding: 'utf8' }).trim().split(/\s+/u).map(Number);
    assert.equal(children.length, 1);
    launcher.kill('SIGTERM');
    await exited(launcher);
    // The launcher exits only once the CLI has (and has reaped it): a CLI still running now was left behind.
    assert.throws(() => process.kill(children[0]!, 0), { code: 'ESRCH' }, 'the server process is gone');
  } finally {
    // The launcher leads a process group of its own: a failed test leaves neither it nor the CLI running.
    try { process.kill(-launcher.pid!, 'SIGKILL'); } catch { /* all gone */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
