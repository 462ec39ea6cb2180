import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { nodeFlags } from '../../bin/node-flags.mjs';

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
