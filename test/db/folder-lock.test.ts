import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { ENGINES, newPgliteFolder } from '../support/engines.ts';
import { exited, waitForOutput } from '../support/process.ts';

/**
 * Two PGlite instances on one data folder each keep their own view of the files, and the writes of one are lost to
 * the other: a folder is open in one process, through one handle, at a time.
 */
const open = (dataDir: string) => openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
/** An open that should be refused; one that is not is closed again, so the test fails instead of hanging. */
const openAndClose = async (dataDir: string) => (await open(dataDir)).close();
const lockFile = (dataDir: string) => path.join(dataDir, 'daicho.lock');
const refusedBy = (pid: number, command?: RegExp) => (error: Error) => {
  assert.match(error.message, new RegExp(`in use by process ${pid}\\b`, 'u'));
  if (command) assert.match(error.message, command);
  assert.match(error.message, /stop it/u);
  return true;
};
/** The pid of a process that has come and gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const holderScript = path.join(import.meta.dirname, '../support/hold-data-folder.ts');

describe('a PGlite data folder is open in one place at a time', { skip: !ENGINES.includes('pglite') }, () => {
  test('a second open in the same process is refused until the first handle is closed', async () => {
    const dataDir = await newPgliteFolder();
    try {
      const first = await open(dataDir);
      try {
        await assert.rejects(openAndClose(dataDir), refusedBy(process.pid));
        await assert.rejects(openAndClose(path.relative(process.cwd(), dataDir)), refusedBy(process.pid), 'also by another path');
        // Refused before touching the database: the first handle still works.
        assert.equal((await first.db.selectFrom('users').select('id').execute()).length, 0);
      } finally {
        await first.close();
      }
      assert.equal(fs.existsSync(lockFile(dataDir)), false, 'closing removes the lock');
      const again = await open(dataDir);
      await again.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an open from another process is refused with its pid and command line; once it closes, the folder opens', async () => {
    const dataDir = await newPgliteFolder();
    const holder = spawn(process.execPath, ['--import', 'tsx', holderScript, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      await waitForOutput(holder, /^open$/mu);
      await assert.rejects(openAndClose(dataDir), refusedBy(holder.pid!, /hold-data-folder\.ts/u));
      holder.stdin.end();
      await waitForOutput(holder, /^closed$/mu);
      const handle = await open(dataDir);
      await handle.close();
    } finally {
      holder.kill('SIGKILL');
      await exited(holder);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('the lock of a process that was killed does not block: the next open takes it over', async () => {
    const dataDir = await newPgliteFolder();
    const holder = spawn(process.execPath, ['--import', 'tsx', holderScript, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      await waitForOutput(holder, /^open$/mu);
      holder.kill('SIGKILL');
      await exited(holder);
      assert.equal(JSON.parse(fs.readFileSync(lockFile(dataDir), 'utf8')).pid, holder.pid, 'the killed process left its lock');
      const handle = await open(dataDir);
      try {
        assert.equal(JSON.parse(fs.readFileSync(lockFile(dataDir), 'utf8')).pid, process.pid);
      } finally {
        await handle.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('stale locks are taken over: a dead pid, this pid from an earlier process, another boot, an unreadable file', async () => {
    const dataDir = await newPgliteFolder();
    const hostname = os.hostname();
    try {
      for (const stale of [
        JSON.stringify({ pid: deadPid(), hostname }),
        // A container's server is pid 1 again after a restart: the lock of the one before is not this process's.
        JSON.stringify({ pid: process.pid, hostname, token: 'an earlier process' }),
        JSON.stringify({ pid: process.ppid, hostname, bootId: 'a boot before the last power loss' }),
        '',
        '{"pid": 12',
      ]) {
        fs.writeFileSync(lockFile(dataDir), stale);
        const handle = await open(dataDir);
        await handle.close();
        assert.equal(fs.existsSync(lockFile(dataDir)), false);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a lock held on another host is not taken over: the message names the host and the file to delete', async () => {
    const dataDir = await newPgliteFolder();
    try {
      fs.writeFileSync(lockFile(dataDir), JSON.stringify({ pid: 4242, hostname: 'other-host.example' }));
      await assert.rejects(openAndClose(dataDir), (error: Error) => {
        assert.match(error.message, /process 4242 on other-host\.example/u);
        assert.ok(error.message.includes(lockFile(dataDir)), error.message);
        return true;
      });
      assert.equal(JSON.parse(fs.readFileSync(lockFile(dataDir), 'utf8')).pid, 4242, 'the lock is left alone');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
