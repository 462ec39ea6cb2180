/**
 * The ledger's counts of written family and given names (name_part_counts, migration 0049), which weigh a pair whose
 * evidence is a name (ledgerLogOdds): kept by the resolver as it links records, taken away by erasure (a count that
 * reaches 0 leaves no row), recounted by the daily pass and backfilled by the migration to the same figures. The
 * ledger's count of linked records (resolution_stats, the size a name's share is taken of) follows the same way.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/database.ts';
import { parseImportProfile } from '../../src/domain/import/profile.ts';
import { runImport } from '../../src/intake/files/import.service.ts';
import { eraseRecordsOf, linkedRecordCount, nameCounts } from '../../src/resolution/resolution.repository.ts';
import { rebuildRecordRollups } from '../../src/resolution/resolver.ts';
import { stageLinkedRecord } from '../../src/resolution/staging.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ENGINES } from '../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-name-counts-'));
const profile = parseImportProfile({ source: 'crm', id_column: 'ID', fields: { full_name: '氏名', email: 'メール', phone: '電話' } });
const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0049_name_part_counts.sql'), 'utf8');
const KEYS = ['ft', 'gt', 'ft:山田', 'gt:太郎', 'gt:花子', 'ft:勅使河原', 'gt:千穂香'];

async function counts(db: Db): Promise<Record<string, number>> {
  return Object.fromEntries(await nameCounts(db, KEYS));
}

for (const engine of ENGINES) {
  describe(`the ledger's name counts [${engine}]`, () => {
    let t: TestApp;
    let db: Db;
    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
    });
    after(async () => t.close());

    test('counted as records are linked, taken away by erasure, and the daily recount agrees', async () => {
      const file = path.join(dir, `crm-${engine}.csv`);
      fs.writeFileSync(file, [
        'ID,氏名,メール,電話',
        'c1,山田 太郎,taro.yamada@daicho-test.jp,090-3456-7812',
        'c2,山田 太郎,taro.yamada@daicho-test.jp,',
        'c3,山田 花子,hanako.yamada@daicho-test.jp,080-2345-6781',
        'c4,勅使河原 千穂香,chihoka@daicho-test.jp,070-1234-5678',
      ].join('\n') + '\n');
      await runImport(db, { filePath: file, profile, actor });
      const linked = { ft: 4, gt: 4, 'ft:山田': 3, 'gt:太郎': 2, 'gt:花子': 1, 'ft:勅使河原': 1, 'gt:千穂香': 1 };
      assert.deepEqual(await counts(db), linked);
      assert.equal(await linkedRecordCount(db), 4);

      // Importing the same file again links nothing new: nothing is counted twice.
      await runImport(db, { filePath: file, profile, actor });
      assert.deepEqual(await counts(db), linked);
      assert.equal(await linkedRecordCount(db), 4);

      const rare = await db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', 'c4').executeTakeFirstOrThrow();
      await db.transaction().execute((trx) => eraseRecordsOf(trx, [rare.customer_id!], [Number(rare.id)]));
      const erased = { ft: 3, gt: 3, 'ft:山田': 3, 'gt:太郎': 2, 'gt:花子': 1 };
      assert.deepEqual(await counts(db), erased, 'the erased name has no row left');
      assert.equal(await linkedRecordCount(db), 3, 'the ledger a later record is matched against is one record smaller');

      // A user's own statement about a customer is a linked record too: counted, and taken off again by its erasure.
      const taro = await db.selectFrom('source_records').select('customer_id').where('external_id', '=', 'c1').executeTakeFirstOrThrow();
      const stated = await stageLinkedRecord(db, {
        sourceName: 'manual', externalId: 'ui:name-counts', customerId: taro.customer_id!, raw: {}, normalized: {},
        matchFields: { family_name: '山田', given_name: '太郎' }, userId: null,
      });
      assert.equal(await linkedRecordCount(db), 4);
      assert.equal((await counts(db))['gt:太郎'], 3);
      await db.transaction().execute((trx) => eraseRecordsOf(trx, [], [Number(stated.id)]));
      assert.equal(await linkedRecordCount(db), 3);
      assert.deepEqual(await counts(db), erased);

      // A count gone wrong (a ledger from before erasure took records off it) is put right by the daily pass.
      await db.updateTable('resolution_stats').set({ linked_records: 7 }).execute();
      await rebuildRecordRollups(db);
      assert.deepEqual(await counts(db), erased);
      assert.equal(await linkedRecordCount(db), 3);

      // Migration 0049 on a ledger that had none: its backfill counts the same.
      await t.database.execScript(`DROP TABLE name_part_counts; ${MIGRATION}`);
      assert.deepEqual(await counts(db), erased);
    });
  });
}
