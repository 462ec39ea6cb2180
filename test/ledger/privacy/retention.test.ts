import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { privacyParts } from '../../../src/app/privacy-parts.ts';
import { RETENTION_JOB, runRetentionDelete } from '../../../src/ledger/privacy/retention.service.ts';
import { authOfUser } from '../../../src/platform/accounts/auth.service.ts';
import { JobWorker } from '../../../src/platform/jobs/worker.ts';
import { ENGINES } from '../../support/engines.ts';
import { recordRollupsDrift } from '../../support/record-rollups.ts';
import { funnelDrift } from '../../support/customer-funnel.ts';
import { drainJobs } from '../../support/jobs.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const operator = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-retention-'));
// 会員 (members, retention 365 days): 山田 only here; 鈴木 here and in the CRM; 佐藤 here but recent.
const MEMBERS = path.join(dir, 'members.csv');
fs.writeFileSync(MEMBERS, [
  '会員ID,氏名,メール,電話,住所',
  'M1,山田 太郎,taro.yamada@daicho-test.jp,090-3456-7812,東京都渋谷区神宮前九丁目八番七号',
  'M2,鈴木 花子,hanako.suzuki@daicho-test.jp,090-5678-2341,大阪府大阪市北区梅田一丁目二番三号',
  'M3,佐藤 次郎,jiro.sato@daicho-test.jp,090-7812-3456,福岡県福岡市中央区天神四丁目五番六号',
].join('\n') + '\n');
const CRM = path.join(dir, 'crm.csv');
fs.writeFileSync(CRM, ['顧客番号,氏名,メール', 'C1,鈴木 花子,hanako.suzuki@daicho-test.jp'].join('\n') + '\n');
const MEMBERS_PROFILE = parseImportProfile({ source: 'members', id_column: '会員ID', fields: { full_name: '氏名', email: 'メール', phone: '電話', address: '住所' } });
const CRM_PROFILE = parseImportProfile({ source: 'crm', id_column: '顧客番号', fields: { full_name: '氏名', email: 'メール' } });

for (const engine of ENGINES) {
  describe(`retention delete (保存期間切れの削除) [${engine}]`, () => {
    let t: TestApp;
    let db: Db;
    let admin: Client;
    let manager: Client;
    let sourceId: string;
    const recordOf = (externalId: string) =>
      db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', externalId).executeTakeFirst();

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      admin = await t.as('admin');
      manager = await t.as('manager');
      assert.equal((await runImport(db, { filePath: MEMBERS, profile: MEMBERS_PROFILE, actor: operator })).new, 3);
      await runImport(db, { filePath: CRM, profile: CRM_PROFILE, actor: operator });
      const suzuki = (await recordOf('M2'))!.customer_id;
      assert.equal((await recordOf('C1'))!.customer_id, suzuki, 'the CRM record joined 鈴木');
      sourceId = (await db.selectFrom('sources').select('id').where('name', '=', 'members').executeTakeFirstOrThrow()).id;
      // 山田's and 鈴木's member records were received 400 days ago; 佐藤's today.
      await sql`UPDATE source_records SET received_at = now() - interval '400 days' WHERE external_id IN ('M1', 'M2') AND source_id = ${sourceId}`.execute(db);
    });
    after(async () => t.close());

    test('no retention period: a 409; the permission is the admin\'s', async () => {
      assert.equal((await admin.json('GET', `/api/v1/sources/${sourceId}/retention`)).status, 409);
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${sourceId}`, { retentionDays: 365 })).status, 200);
      assert.equal((await manager.json('GET', `/api/v1/sources/${sourceId}/retention`)).status, 403);
      assert.equal((await manager.json('POST', `/api/v1/sources/${sourceId}/retention/delete`, { confirm: 'members' })).status, 403);
    });

    test('the dry run counts what the delete removes; a wrong name deletes nothing; the survivor is recomputed; audited', async () => {
      const yamada = (await recordOf('M1'))!.customer_id!;
      const suzuki = (await recordOf('M2'))!.customer_id!;
      const sato = (await recordOf('M3'))!.customer_id!;
      const before = await db.selectFrom('customers').select(['address', 'phone']).where('id', '=', suzuki).executeTakeFirstOrThrow();
      assert.match(before.address ?? '', /梅田/);

      const plan = await admin.json('GET', `/api/v1/sources/${sourceId}/retention`);
      assert.equal(plan.status, 200, JSON.stringify(plan.body));
      assert.equal(plan.body.records, 2);
      assert.equal(plan.body.customersRemoved, 1);
      assert.equal(plan.body.customersRecomputed, 1);
      assert.equal(plan.body.unlinkedRecords, 0);
      assert.equal(plan.body.sourceName, 'members');

      const wrong = await admin.json('POST', `/api/v1/sources/${sourceId}/retention/delete`, { confirm: 'crm' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.errors[0].field, 'confirm');
      assert.ok(await recordOf('M1'), 'nothing deleted on a wrong name');

      const queued = await admin.json('POST', `/api/v1/sources/${sourceId}/retention/delete`, { confirm: 'members' });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      for (const k of ['records', 'customersRemoved', 'customersRecomputed', 'unlinkedRecords'] as const) assert.equal(queued.body[k], plan.body[k], k);
      assert.equal(queued.body.job.status, 'queued');
      const again = await admin.json('POST', `/api/v1/sources/${sourceId}/retention/delete`, { confirm: 'members' });
      assert.equal(again.body.job.id, queued.body.job.id, 'one delete of a source at a time');
      const jobPath = `/api/v1/sources/${sourceId}/retention/jobs/${queued.body.job.id}`;
      // One record a batch, and the second batch fails (the process lost its database): the first stays deleted.
      let batches = 0;
      const flaky = new JobWorker(db, {
        [RETENTION_JOB]: async (job) => ({ ...await runRetentionDelete(db, {
          ...job,
          saveProgress: async (trx, progress) => {
            if (++batches === 2) throw new Error('connection lost');
            await job.saveProgress(trx, progress);
          },
        }, (userId, apiKeyId) => authOfUser(db, userId, apiKeyId), privacyParts(), 1) }),
      }, { id: 'flaky', backoffBaseSeconds: 3600 });
      await flaky.drain();
      const halfway = (await admin.json('GET', jobPath)).body;
      assert.deepEqual([halfway.status, halfway.attempts, halfway.progress.batches, halfway.progress.records, halfway.progress.audited], ['failed', 1, 1, 1, false], JSON.stringify(halfway));
      assert.equal(await recordOf('M1'), undefined, 'the first batch committed');
      assert.ok(await recordOf('M2'), 'the failed batch rolled back');
      assert.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'source.retention_delete').execute()).length, 0, 'not audited before it is over');
      // Taken again when its retry is due (a real worker, batches of 2,000): it goes on from what is left.
      await sql`UPDATE jobs SET run_at = now() WHERE id = ${queued.body.job.id}`.execute(db);
      await drainJobs({ handle: t.database });
      const done = (await admin.json('GET', jobPath)).body;
      assert.equal(done.status, 'done', JSON.stringify(done));
      assert.deepEqual([done.attempts, done.progress.batches, done.progress.records, done.progress.customersRemoved, done.progress.customersRecomputed, done.progress.audited],
        [2, 2, 2, 1, 1, true]);
      assert.equal(done.progress.deleted['source_records, match_keys, name_part_counts, match_decisions, review_items'], 2);
      assert.equal(done.progress.deleted['customers, customer_facts, customer_funnel, customer_stage_changes'], 1);
      assert.equal((await manager.json('GET', jobPath)).status, 403);

      // 山田 had nothing else: gone, values and all, with no tombstone (nobody asked to be forgotten).
      assert.equal(await recordOf('M1'), undefined);
      assert.equal(await db.selectFrom('customers').select('id').where('id', '=', yamada).executeTakeFirst(), undefined);
      const quoting = await sql<{ n: string | number }>`SELECT count(*) AS n FROM customers WHERE display_name LIKE '%山田%' OR email LIKE '%yamada%'`.execute(db);
      assert.equal(Number(quoting.rows[0]!.n), 0);
      assert.equal((await db.selectFrom('erasure_tombstones').select('id').execute()).length, 0);
      // 鈴木 keeps the CRM record: the golden record is recomputed from it (no address, no phone: members brought those).
      assert.equal(await recordOf('M2'), undefined);
      assert.equal((await recordOf('C1'))!.customer_id, suzuki);
      const after = await db.selectFrom('customers').select(['display_name', 'address', 'phone', 'email', 'provenance']).where('id', '=', suzuki).executeTakeFirstOrThrow();
      assert.equal(after.email, 'hanako.suzuki@daicho-test.jp');
      assert.equal(after.address, null);
      assert.equal(after.phone, null);
      assert.doesNotMatch(JSON.stringify(after.provenance), /members/);
      // The records' rollups follow: first touches (鈴木's is the CRM record now; 山田 has none), sources, joined flags.
      assert.deepEqual(await recordRollupsDrift(db), []);
      assert.deepEqual(await funnelDrift(db), [], 'the funnel rows follow (山田 has none)');
      // 佐藤's record is within the period: untouched.
      assert.equal((await recordOf('M3'))!.customer_id, sato);

      const entries = await db.selectFrom('audit_log').select(['action', 'details', 'entity_id']).where('action', '=', 'source.retention_delete').execute();
      assert.equal(entries.length, 1, 'audited once, with the totals');
      const entry = entries[0]!;
      assert.equal(entry.entity_id, sourceId);
      const details = (typeof entry.details === 'string' ? JSON.parse(entry.details) : entry.details) as Record<string, unknown>;
      assert.equal(details.records, 2);
      assert.equal(details.customersRemoved, 1);
      assert.equal(details.customersRecomputed, 1);
      assert.equal(details.batches, 2);

      const after2 = await admin.json('GET', `/api/v1/sources/${sourceId}/retention`);
      assert.equal(after2.body.records, 0);
    });
  });
}
