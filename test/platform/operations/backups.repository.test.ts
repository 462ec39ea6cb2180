import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  insertBackup, listBackupsCreatedBefore, markBackupDeleted, releaseLease, takeLease, type NewBackup,
} from '../../../src/platform/operations/backups.repository.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

function backupAt(iso: string, kind: NewBackup['kind'] = 'scheduled'): NewBackup {
  return {
    createdAt: new Date(iso), engine: 'pglite', format: 'rows', filePath: `/backups/daicho-${iso}.daicho-backup`, bytes: 1234,
    kind, schemaVersion: '0032_operations', checksum: 'ab'.repeat(32), expiresAt: new Date('2027-01-01T00:00:00Z'),
  };
}

for (const engine of ENGINES) {
  describe(`backups register [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => { await database.destroy(); });

    test('listBackupsCreatedBefore: the backups taken before a date whose file still exists, oldest first', async () => {
      const { db } = database;
      const old = await insertBackup(db, backupAt('2026-11-01T00:00:00.000Z'));
      const manual = await insertBackup(db, backupAt('2026-11-15T00:00:00.000Z', 'manual'));
      const rotated = await insertBackup(db, backupAt('2026-11-10T00:00:00.000Z'));
      await insertBackup(db, backupAt('2026-12-02T00:00:00.000Z'));
      await markBackupDeleted(db, rotated.id, new Date('2026-11-20T00:00:00Z'));
      const before = await listBackupsCreatedBefore(db, new Date('2026-12-01T00:00:00Z'));
      assert.deepEqual(before.map((b) => b.id), [old.id, manual.id]);
      assert.equal(before[0]!.bytes, 1234);
      assert.equal(before[1]!.kind, 'manual');
      assert.equal(before[0]!.expiresAt?.toISOString(), '2027-01-01T00:00:00.000Z');
    });

    test('a lease is held by one holder until it expires or is released', async () => {
      const { db } = database;
      const now = new Date('2026-12-01T00:00:00Z');
      const until = new Date('2026-12-01T00:10:00Z');
      assert.equal(await takeLease(db, 'backup', 'server-a', until, now), true);
      assert.equal(await takeLease(db, 'backup', 'server-b', until, now), false);
      assert.equal(await takeLease(db, 'backup', 'server-a', until, now), true, 'the holder renews it');
      assert.equal(await takeLease(db, 'backup', 'server-b', new Date('2026-12-01T00:30:00Z'), new Date('2026-12-01T00:20:00Z')), true, 'expired');
      await releaseLease(db, 'backup', 'server-b');
      assert.equal(await takeLease(db, 'backup', 'server-a', until, now), true);
    });
  });
}
