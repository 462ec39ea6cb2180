import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-import-'));

// A 名刺管理-style export in CP932 with CRLF, a quoted newline, a broken row and invalid values.
const MEISHI = [
  '名刺ID,氏名,フリガナ,会社名,部署名,役職,メールアドレス,電話番号,郵便番号,住所,メモ',
  'M1,髙橋　一郎,ﾀｶﾊｼ ｲﾁﾛｳ,㈱台帳商事,営業部,課長,ichiro@daicho-shoji.co.jp,03-1234-9876,100-0001,東京都千代田区千代田１丁目２番３号,"展示会で交換',
  '来月訪問"',
  'M2,佐藤 花子,さとう はなこ,,,,hanako@@example,090-2345-6781,,大阪府大阪市北区梅田1-1-1,',
  'M3,壊れた行',
  'M4,鈴木 次郎,スズキ ジロウ,台帳商事株式会社,,,jiro@daicho-shoji.co.jp,,,,生年月日は昭和60年4月3日',
].join('\r\n') + '\r\n';

const SEMINAR = [
  '受付ID,参加者名,会社名,メール',
  'S1,高橋 一郎,株式会社台帳商事,ichiro@daicho-shoji.co.jp',
  'S2,田中 三郎,,saburo@example.jp',
].join('\n') + '\n';

const meishiProfile = parseImportProfile({
  source: 'meishi', id_column: '名刺ID', encoding: 'cp932',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', company_name: '会社名', department: '部署名', title: '役職', email: 'メールアドレス', phone: '電話番号', postal_code: '郵便番号', address: '住所' },
});
const seminarProfile = parseImportProfile({ source: 'seminar', id_column: '受付ID', fields: { full_name: '参加者名', company_name: '会社名', email: 'メール' } });

fs.writeFileSync(path.join(dir, 'meishi.csv'), iconv.encode(MEISHI, 'cp932'));
fs.writeFileSync(path.join(dir, 'seminar.csv'), SEMINAR);

for (const engine of ENGINES) {
  describe(`import [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => { t = await openTestDatabase(engine); });
    after(async () => t.destroy());

    test('good rows land, a bad row is reported with its line, invalid values are flagged but kept raw', async () => {
      const summary = await runImport(t.db, { filePath: path.join(dir, 'meishi.csv'), profile: meishiProfile, actor });
      assert.equal(summary.encoding, 'cp932');
      assert.equal(summary.read, 4);
      assert.equal(summary.new, 3);
      assert.equal(summary.rejected, 1);
      const issues = await t.db.selectFrom('import_issues').selectAll().where('run_id', '=', summary.runId).orderBy('line').execute();
      const rejected = issues.find((i) => i.severity === 'rejected')!;
      assert.equal(rejected.line, 5, 'the physical line of the broken row (after a quoted newline)');
      assert.ok(issues.some((i) => i.severity === 'flagged' && i.field === 'email' && i.value === 'hanako@@example'));
      const records = await t.db.selectFrom('source_records').selectAll().where('external_id', '=', 'M2').execute();
      assert.equal(records[0]!.raw['メールアドレス'], 'hanako@@example', 'raw value kept as received');
      assert.equal('email' in records[0]!.normalized, false, 'not in the golden record');
      const ichiro = await t.db.selectFrom('customers').selectAll().where('family_name', '=', '髙橋').executeTakeFirstOrThrow();
      assert.equal(ichiro.given_name, '一郎');
      assert.equal(ichiro.family_name_kana, 'タカハシ');
      assert.equal(ichiro.phone, '+81312349876');
      assert.equal(ichiro.prefecture, '東京都');
      assert.equal(ichiro.address, '千代田区千代田1-2-3');
      assert.equal(ichiro.custom_fields['メモ'], '展示会で交換\r\n来月訪問', 'unmapped columns are kept as custom attributes');
      assert.equal(ichiro.provenance.email?.source, 'meishi');
      const timeline = await t.db.selectFrom('activities').select(['type', 'title']).where('customer_id', '=', ichiro.id).execute();
      assert.deepEqual(timeline.map((a) => a.type), ['import']);
    });

    test('importing the same file again changes nothing', async () => {
      const before = await snapshot(t);
      const summary = await runImport(t.db, { filePath: path.join(dir, 'meishi.csv'), profile: meishiProfile, actor });
      assert.equal(summary.unchanged, 3);
      assert.equal(summary.new + summary.updated + summary.customersCreated, 0);
      assert.deepEqual(await snapshot(t), before);
    });

    test('the same person from another department joins her customer; provenance names both sources', async () => {
      const summary = await runImport(t.db, { filePath: path.join(dir, 'seminar.csv'), profile: seminarProfile, actor });
      assert.equal(summary.new, 2);
      const links = await t.db.selectFrom('source_records').select(['external_id', 'customer_id']).where('external_id', 'in', ['M1', 'S1', 'S2']).execute();
      const of = Object.fromEntries(links.map((l) => [l.external_id, l.customer_id]));
      assert.equal(of.S1, of.M1, '高橋 (髙橋) 一郎 with the same e-mail is one person');
      assert.notEqual(of.S2, of.M1);
      const decisions = await t.db.selectFrom('match_decisions').select(['kind', 'rule']).where('customer_id', '=', of.M1!).execute();
      assert.ok(decisions.some((d) => d.kind === 'merge'));
      const customer = await t.db.selectFrom('customers').select(['provenance', 'company_id']).where('id', '=', of.M1!).executeTakeFirstOrThrow();
      assert.ok(['meishi', 'seminar'].includes(customer.provenance.familyName!.source));
    });

    test('a profile naming a column the file lacks stops before anything lands', async () => {
      const wrong = parseImportProfile({ source: 'seminar', id_column: '受付ID', fields: { email: 'Eメール' } });
      await assert.rejects(runImport(t.db, { filePath: path.join(dir, 'seminar.csv'), profile: wrong, actor }), /Eメール/);
    });
  });
}

/** The ledger's shape: which records form each customer, and the golden values. */
async function snapshot(t: TestDatabase) {
  const links = await t.db.selectFrom('source_records').select(['external_id', 'customer_id', 'content_hash']).orderBy('external_id').execute();
  const customers = await t.db.selectFrom('customers').select(['id', 'display_name', 'email', 'phone', 'updated_at']).orderBy('id').execute();
  const activities = await t.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { links, customers, activities: Number(activities.n) };
}
