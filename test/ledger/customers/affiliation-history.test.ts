import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { wireMergeListeners } from '../../../src/app/merge-listeners.ts';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { updateCustomer } from '../../../src/intake/manual/manual.service.ts';
import { getCompany, listFormerPeople } from '../../../src/ledger/companies/companies.service.ts';
import { customerAffiliations } from '../../../src/ledger/customers/customers.service.ts';
import { unmergeCustomer } from '../../../src/resolution/identity/identity.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-career-'));
const HEADER = 'ID,氏名,フリガナ,メール,携帯,会社名,部署,役職';
const write = (name: string, rows: string[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
};
// 名刺 of spring: 山田花子 at エーシャ (and a colleague who stays there).
const SPRING = write('spring.csv', [
  'M1,山田 花子,ヤマダ ハナコ,hanako@a-sha.daicho-test.jp,090-3456-7812,株式会社エーシャ,営業部,課長',
  'M9,佐藤 一郎,サトウ イチロウ,ichiro@a-sha.daicho-test.jp,090-3456-7899,株式会社エーシャ,総務部,',
]);
// 名刺 of autumn: the same person (name, reading, mobile) at ビーシャ with a new e-mail.
const AUTUMN = write('autumn.csv', ['M2,山田 花子,ヤマダ ハナコ,h.yamada@b-sha.daicho-test.jp,090-3456-7812,ビーシャ(株),マーケティング部,部長']);
const profile = parseImportProfile({
  source: 'meishi', id_column: 'ID', email_basis: 'business_card',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '携帯', company_name: '会社名', department: '部署', title: '役職' },
});

async function recordOf(db: Db, externalId: string) {
  return db.selectFrom('source_records').select(['id', 'customer_id']).where('external_id', '=', externalId).executeTakeFirstOrThrow();
}
async function companyIdOf(db: Db, name: string) {
  return (await db.selectFrom('companies').select('id').where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).id;
}
async function changesOf(db: Db, customerId?: string) {
  let q = db.selectFrom('activities').select(['customer_id', 'title', 'source_record_id', 'properties']).where('type', '=', 'affiliation_change');
  if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
  return q.execute();
}
async function snapshot(db: Db) {
  return {
    affiliations: await db.selectFrom('affiliations').select(['customer_id', 'company_id', 'department', 'title', 'is_primary', 'started_on', 'ended_on'])
      .orderBy('customer_id').orderBy('company_id').execute(),
    activities: await db.selectFrom('activities').select(['id', 'type', 'title', 'customer_id']).orderBy('id').execute(),
    customers: await db.selectFrom('customers').select(['id', 'company_id']).where('deleted_at', 'is', null).orderBy('id').execute(),
  };
}

for (const engine of ENGINES) {
  describe(`所属履歴: a 名刺 from a new company is a job change [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => {
      wireMergeListeners(); // an unmerge tells consents, 利用停止 and triggers, as createApp wires them
      t = await openTestDatabase(engine);
    });
    after(async () => t.destroy());

    test('A社 then B社: one customer, history A → B, one 人事異動, A lists her as former and B as current; re-import changes nothing; unmerge restores', { timeout: 180_000 }, async () => {
      const db = t.db;
      await runImport(db, { filePath: SPRING, profile, actor });
      assert.equal((await changesOf(db)).length, 0, 'a first company is no change');
      await runImport(db, { filePath: AUTUMN, profile, actor });

      const [m1, m2] = [await recordOf(db, 'M1'), await recordOf(db, 'M2')];
      assert.equal(m2.customer_id, m1.customer_id, 'one customer: name, reading and mobile kept across the job change');
      const hanako = m1.customer_id!;
      const [a, b] = [await companyIdOf(db, '株式会社エーシャ'), await companyIdOf(db, 'ビーシャ株式会社')];

      const history = (await customerAffiliations(db, hanako)).items;
      assert.deepEqual(history.map((p) => [p.companyId, p.department, p.title, p.status, p.change]), [
        [b, 'マーケティング部', '部長', 'current', 'job_change'],
        [a, '営業部', '課長', 'former', null],
      ]);
      assert.deepEqual(history[0]!.sources.map((s) => [s.sourceRecordId, s.source]), [[Number(m2.id), 'meishi']]);
      assert.ok(history[1]!.firstSeen! < history[0]!.firstSeen!, 'the periods are in the order the records were seen');

      const changes = await changesOf(db);
      assert.equal(changes.length, 1, 'one timeline entry');
      assert.equal(changes[0]!.customer_id, hanako);
      assert.equal(changes[0]!.title, '人事異動: 旧 株式会社エーシャ 営業部 課長 → 新 ビーシャ株式会社 マーケティング部 部長');
      assert.equal(Number(changes[0]!.source_record_id), Number(m2.id), 'hangs off the 名刺 that said it');

      const former = (await listFormerPeople(db, a)).items;
      assert.deepEqual(former.map((p) => [p.id, p.department, p.title, p.movedTo?.companyId, p.movedTo?.title]), [[hanako, '営業部', '課長', b, '部長']]);
      assert.match(former[0]!.endedOn ?? '', /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual((await getCompany(db, a)).people.map((p) => p.displayName), ['佐藤 一郎'], 'A lists its current people only');
      assert.deepEqual((await getCompany(db, b)).people.map((p) => [p.id, p.isPrimary]), [[hanako, true]]);
      assert.deepEqual((await listFormerPeople(db, b)).items, []);

      // Re-importing both files changes nothing: no second entry, the same affiliations.
      const was = await snapshot(db);
      await runImport(db, { filePath: SPRING, profile, actor });
      await runImport(db, { filePath: AUTUMN, profile, actor });
      const now = await snapshot(db);
      assert.deepEqual(now.affiliations, was.affiliations);
      assert.deepEqual(now.customers, was.customers);
      assert.deepEqual(now.activities.filter((x) => x.type === 'affiliation_change'), was.activities.filter((x) => x.type === 'affiliation_change'));

      // Unmerge the autumn 名刺: she is at A again (no 人事異動 back: an older record is no job change), and the
      // customer split off holds B alone, with no entry naming A.
      const { newCustomerId } = await unmergeCustomer(db, hanako, [Number(m2.id)], actor);
      const restored = (await customerAffiliations(db, hanako)).items;
      assert.deepEqual(restored.map((p) => [p.companyId, p.status, p.change]), [[a, 'current', null]]);
      assert.deepEqual((await changesOf(db)).length, 0, 'no 人事異動 left on either side');
      assert.deepEqual((await customerAffiliations(db, newCustomerId)).items.map((p) => [p.companyId, p.status]), [[b, 'current']]);
      assert.deepEqual((await listFormerPeople(db, a)).items, []);
      assert.deepEqual((await getCompany(db, a)).people.map((p) => p.displayName).sort(), ['佐藤 一郎', '山田 花子'].sort());
      const rows = await db.selectFrom('affiliations').select(['company_id', 'is_primary', 'ended_on']).where('customer_id', '=', hanako).execute();
      assert.deepEqual(rows.map((r) => [r.company_id, r.is_primary, r.ended_on]), [[a, true, null]]);

      // A user's edit is a statement too: 佐藤 typed in at ビーシャ is a 人事異動 hanging off the manual record.
      const ichiro = (await recordOf(db, 'M9')).customer_id!;
      await updateCustomer(db, ichiro, { companyName: 'ビーシャ株式会社', department: '営業部', title: '部長' }, actor);
      const edited = await changesOf(db, ichiro);
      assert.deepEqual(edited.map((c) => c.title), ['人事異動: 旧 株式会社エーシャ 総務部 → 新 ビーシャ株式会社 営業部 部長']);
      const manual = await db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id').select('source_records.id')
        .where('sources.name', '=', 'manual').where('source_records.customer_id', '=', ichiro).executeTakeFirstOrThrow();
      assert.equal(Number(edited[0]!.source_record_id), Number(manual.id));
      assert.deepEqual((await listFormerPeople(db, a)).items.map((p) => [p.displayName, p.movedTo?.companyId]), [['佐藤 一郎', b]]);
    });

    test('a later 名刺 at the same company with another title is 異動・昇進, and A → B → A comes back as a job change', { timeout: 180_000 }, async () => {
      const db = t.db;
      const p2 = parseImportProfile({ ...JSON.parse(JSON.stringify({ source: 'meishi2', id_column: 'ID', email_basis: 'business_card' })),
        fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '携帯', company_name: '会社名', department: '部署', title: '役職' } });
      await runImport(db, { filePath: write('k1.csv', ['K1,高橋 健,タカハシ ケン,ken@c-sha.daicho-test.jp,090-3456-7001,シーシャ株式会社,開発部,主任']), profile: p2, actor });
      await runImport(db, { filePath: write('k2.csv', ['K2,高橋 健,タカハシ ケン,ken@c-sha.daicho-test.jp,090-3456-7001,(株)シーシャ,開発部,課長']), profile: p2, actor });
      const ken = (await recordOf(db, 'K1')).customer_id!;
      assert.equal((await recordOf(db, 'K2')).customer_id, ken);
      assert.deepEqual((await changesOf(db, ken)).map((c) => c.title), ['異動・昇進: シーシャ株式会社 開発部 主任 → シーシャ株式会社 開発部 課長']);
      await runImport(db, { filePath: write('k3.csv', ['K3,高橋 健,タカハシ ケン,ken@d-sha.daicho-test.jp,090-3456-7001,ディーシャ株式会社,開発部,部長']), profile: p2, actor });
      await runImport(db, { filePath: write('k4.csv', ['K4,高橋 健,タカハシ ケン,ken@c-sha.daicho-test.jp,090-3456-7001,シーシャ株式会社,開発部,部長']), profile: p2, actor });
      assert.equal((await recordOf(db, 'K4')).customer_id, ken);
      const history = (await customerAffiliations(db, ken)).items;
      assert.deepEqual(history.map((p) => [p.companyName, p.writtenAs, p.status, p.change]), [
        ['シーシャ株式会社', 'シーシャ株式会社', 'current', 'job_change'], ['ディーシャ株式会社', 'ディーシャ株式会社', 'former', 'job_change'],
        ['シーシャ株式会社', '(株)シーシャ', 'former', 'internal'], ['シーシャ株式会社', 'シーシャ株式会社', 'former', null],
      ]);
      assert.equal((await changesOf(db, ken)).length, 3);
      const c = await companyIdOf(db, 'シーシャ株式会社');
      assert.deepEqual((await getCompany(db, c)).people.map((p) => p.displayName), ['高橋 健'], 'back at C: current there');
      const d = await companyIdOf(db, 'ディーシャ株式会社');
      assert.deepEqual((await listFormerPeople(db, d)).items.map((p) => [p.id, p.movedTo?.companyId]), [[ken, c]]);

      // The same 名刺 id re-sent with new content (a later export of one record) is a newer statement too.
      await runImport(db, { filePath: write('k4b.csv', ['K4,高橋 健,タカハシ ケン,ken@e-sha.daicho-test.jp,090-3456-7001,イーシャ株式会社,開発部,部長']), profile: p2, actor });
      const titles = (await changesOf(db, ken)).map((x) => x.title);
      assert.equal(titles.length, 4);
      assert.ok(titles.includes('人事異動: 旧 シーシャ株式会社 開発部 部長 → 新 イーシャ株式会社 開発部 部長'), titles.join('\n'));
    });
  });
}
