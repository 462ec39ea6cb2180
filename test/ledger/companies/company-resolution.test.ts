import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../../src/db/database.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { resolveCompanies } from '../../../src/ledger/companies/companies.service.ts';
import { dedupeCompanies } from '../../../src/ledger/customers/company-dedupe.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-companies-'));

const HEADER = 'ID,氏名,メール,会社名,部署,業種,従業員数,資本金,法人番号,ホームページ';
const ROWS = [
  'A1,佐藤 一郎,ichiro@sakura-is.co.jp,さくら情報システム 株式会社,営業部,情報サービス業,約300名,5億円,,https://www.sakura-is.co.jp/',
  'A2,鈴木 二郎,jiro@sakura-is.co.jp,さくら情報システム(株),,,,,,',
  'A3,高橋 三郎,saburo@sakura-is.co.jp,さくら情報システム株式会社 東京支店,開発部,,,,,',
  'A4,田中 四郎,shiro@espec.co.jp,エスペック(株),,製造業,1200人,,,',
  'A5,伊藤 五郎,goro@espec.co.jp,エスペック株式会社,,,,,,',
  'A6,渡辺 六郎,rokuro@gmail.com,なし,,,,,,',
  'A7,山本 七郎,nanaro@example.jp,無し,,,,,,',
  'A8,中村 八郎,hachi@example.jp,-,,,,,,',
  'A9,小林 九郎,kuro@gmb.example.jp,(株)GMB,,,,,,',
  'A10,加藤 十郎,juro@x-corp.example.jp,エックス商事株式会社,,,,,7000012050002,',
  'A11,吉田 十一,ju1@x-corp.example.jp,エックス商事(有),,,,,7000012050002,',
];
const file = path.join(dir, 'people.csv');
fs.writeFileSync(file, [HEADER, ...ROWS].join('\n') + '\n');
const profile = parseImportProfile({
  source: 'meishi', id_column: 'ID',
  fields: {
    full_name: '氏名', email: 'メール', company_name: '会社名', department: '部署', company_industry: '業種',
    company_employees: '従業員数', company_capital: '資本金', company_corporate_number: '法人番号', company_website: 'ホームページ',
  },
});

async function companyOf(db: Db, externalId: string) {
  return db.selectFrom('source_records')
    .innerJoin('customers', 'customers.id', 'source_records.customer_id')
    .leftJoin('companies', 'companies.id', 'customers.company_id')
    .select(['customers.company_id', 'customers.department', 'companies.name', 'companies.legal_form', 'companies.corporate_number',
      'companies.industry', 'companies.industry_code', 'companies.employee_count', 'companies.size_band', 'companies.capital_yen', 'companies.domain'])
    .where('source_records.external_id', '=', externalId)
    .executeTakeFirstOrThrow();
}

for (const engine of ENGINES) {
  describe(`companies resolved like people [${engine}]`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(async () => t.destroy());

    test('an import: spellings of one company are one company, placeholders none, 法人番号 links', { timeout: 120_000 }, async () => {
      await runImport(t.db, { filePath: file, profile, actor });
      const sakura = await Promise.all(['A1', 'A2', 'A3'].map((id) => companyOf(t.db, id)));
      assert.equal(new Set(sakura.map((c) => c.company_id)).size, 1, 'さくら情報システム: one company');
      assert.equal(sakura[0]!.name, 'さくら情報システム株式会社');
      assert.equal(sakura[0]!.legal_form, '株式会社');
      assert.equal(sakura[0]!.industry, '情報サービス業');
      assert.equal(sakura[0]!.industry_code, '39');
      assert.equal(sakura[0]!.employee_count, 300);
      assert.equal(sakura[0]!.size_band, '300-999');
      assert.equal(Number(sakura[0]!.capital_yen), 500_000_000);
      assert.equal(sakura[0]!.domain, 'sakura-is.co.jp');
      assert.equal(sakura[2]!.department, '東京支店 開発部', 'the branch goes to the department');
      const espec = await Promise.all(['A4', 'A5'].map((id) => companyOf(t.db, id)));
      assert.equal(espec[0]!.company_id, espec[1]!.company_id, 'エスペック: one company');
      assert.equal(espec[0]!.size_band, '1000+');
      for (const id of ['A6', 'A7', 'A8']) assert.equal((await companyOf(t.db, id)).company_id, null, `${id}: a placeholder is no company`);
      const gmb = await companyOf(t.db, 'A9');
      assert.equal(gmb.legal_form, '株式会社');
      assert.equal(gmb.name, '株式会社GMB');
      const x = await Promise.all(['A10', 'A11'].map((id) => companyOf(t.db, id)));
      assert.equal(x[0]!.company_id, x[1]!.company_id, 'the same 法人番号 is one company whatever the legal form written');
      assert.equal(x[0]!.corporate_number, '7000012050002');
      const names = (await t.db.selectFrom('companies').select('name').where('deleted_at', 'is', null).execute()).map((r) => r.name).sort();
      assert.deepEqual(names, ['エスペック株式会社', 'エックス商事株式会社', 'さくら情報システム株式会社', '株式会社GMB'].sort());
    });

    test('a re-import and concurrent resolution create no second company', { timeout: 120_000 }, async () => {
      const before = await t.db.selectFrom('companies').select('id').execute();
      const [a, b] = await Promise.all([
        resolveCompanies(t.db, [{ name: '新会社ワン株式会社' }, { name: 'さくら情報システム(株)' }]),
        resolveCompanies(t.db, [{ name: '(株)新会社ワン' }]),
      ]);
      assert.equal(a[0]!.companyId, b[0]!.companyId);
      assert.equal(a[1]!.outcome, 'merge');
      const after = await t.db.selectFrom('companies').select('id').execute();
      assert.equal(after.length, before.length + 1);
      const none = await resolveCompanies(t.db, [{ name: '個人' }, { name: '不明' }, { name: null }]);
      assert.deepEqual(none.map((r) => r.companyId), [null, null, null]);
    });

    test('dedupe merges companies registered before resolution and retires placeholders; a re-run changes nothing', { timeout: 120_000 }, async () => {
      // Rows as the old exact-name lookup left them: no name key, three spellings, and 「なし」 as a company.
      const legacy = await t.db.insertInto('companies')
        .values(['旧名システム(株)', '旧名システム株式会社', '株式会社 旧名システム', 'なし'].map((name) => ({ name, custom_fields: '{}' })))
        .returning(['id', 'name']).execute();
      const customer = await t.db.selectFrom('customers').select('id').limit(1).executeTakeFirstOrThrow();
      await t.db.insertInto('affiliations').values([
        { customer_id: customer.id, company_id: legacy[1]!.id, is_primary: false },
        { customer_id: customer.id, company_id: legacy[2]!.id, is_primary: false },
        { customer_id: customer.id, company_id: legacy[3]!.id, is_primary: false },
      ]).execute();
      const first = await dedupeCompanies(t.db, actor);
      assert.equal(first.groups, 1);
      assert.equal(first.merged, 2);
      assert.equal(first.placeholders, 1);
      const live = await t.db.selectFrom('companies').select(['id', 'name', 'name_key', 'merged_into_id']).where('name', 'like', '%旧名%').execute();
      const survivor = live.find((c) => c.merged_into_id === null)!;
      assert.equal(survivor.name, '旧名システム株式会社');
      assert.ok(live.filter((c) => c.id !== survivor.id).every((c) => c.merged_into_id === survivor.id), 'merged companies point at the survivor');
      const affs = await t.db.selectFrom('affiliations').select('company_id').where('customer_id', '=', customer.id).execute();
      assert.deepEqual(affs.map((a) => a.company_id).filter((id) => legacy.some((l) => l.id === id)), [survivor.id]);
      const audits = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'company.merge').execute();
      assert.equal(audits.length, 1);
      const again = await dedupeCompanies(t.db, actor);
      assert.deepEqual([again.groups, again.merged, again.placeholders, again.keyed], [0, 0, 0, 0]);
      // A former spelling still finds the survivor.
      const [r] = await resolveCompanies(t.db, [{ name: '旧名システム(株)' }]);
      assert.equal(r!.companyId, survivor.id);
    });
  });
}
