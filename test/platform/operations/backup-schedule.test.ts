import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listBackups, takeLease } from '../../../src/platform/operations/backups.repository.ts';
import { runScheduledBackup } from '../../../src/platform/operations/backup-schedule.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const HOUR = 3_600_000;

for (const engine of ENGINES) {
  describe(`scheduled backups [${engine}]`, () => {
    let database: TestDatabase;
    let dir: string;
    before(async () => {
      database = await openTestDatabase(engine);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-schedule-test-'));
    });
    after(async () => {
      await database.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('one backup per interval, registered with its expiry; rotation keeps the newest N files and marks the rest', async () => {
      const schedule = { dir, everyHours: 24, keep: 2 };
      const t0 = new Date('2026-12-01T03:00:00Z');
      const first = await runScheduledBackup(database, schedule, t0, 'server-a');
      assert.ok(first);
      assert.equal(first.backup.kind, 'scheduled');
      assert.equal(first.backup.expiresAt?.toISOString(), new Date(t0.getTime() + 48 * HOUR).toISOString());
      assert.ok(fs.existsSync(first.backup.filePath));
      assert.equal(await runScheduledBackup(database, schedule, new Date(t0.getTime() + HOUR), 'server-a'), null, 'not due yet');

      // Another server holds the lease: this one does nothing even when due.
      const day1 = new Date(t0.getTime() + 24 * HOUR);
      assert.equal(await takeLease(database.db, 'scheduled-backup', 'server-b', new Date(day1.getTime() + 60_000), day1), true);
      assert.equal(await runScheduledBackup(database, schedule, day1, 'server-a'), null, 'the lease is server-b\'s');
      const later = new Date(day1.getTime() + 5 * 60_000);
      const second = await runScheduledBackup(database, schedule, later, 'server-a');
      assert.ok(second, 'the lease expired');
      assert.deepEqual(second.rotated, []);

      const third = await runScheduledBackup(database, schedule, new Date(t0.getTime() + 48 * HOUR + 10 * 60_000), 'server-a');
      assert.ok(third);
      assert.deepEqual(third.rotated, [first.backup.filePath]);
      assert.equal(fs.existsSync(first.backup.filePath), false);
      assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(second.backup.filePath), path.basename(third.backup.filePath)].sort());
      const register = await listBackups(database.db);
      assert.equal(register.length, 3);
      assert.ok(register.find((b) => b.id === first.backup.id)?.deletedAt, 'the rotated backup stays in the register, marked deleted');
      assert.equal(register.filter((b) => b.deletedAt === null).length, 2);
    });
  });
}
