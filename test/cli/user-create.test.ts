import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINES } from '../support/engines.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

// The CLI on the embedded engine; the API tests cover the same check (createUser) on both engines.
test('daicho user create refuses a common or trivial password with the reason, and creates none', { timeout: 120_000, skip: !ENGINES.includes('pglite') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-user-'));
  try {
    const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });
    const weak = cli('user', 'create', '--email', 'boss@example.co.jp', '--password', 'password1234', '--role', 'admin');
    assert.equal(weak.status, 1, weak.stdout);
    assert.match(weak.stderr, /password: This password is one of the most commonly used/);
    const ok = cli('user', 'create', '--email', 'boss@example.co.jp', '--password', 'a sound passphrase', '--role', 'admin');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Created admin boss@example\.co\.jp/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
