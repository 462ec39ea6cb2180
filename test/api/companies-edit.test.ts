import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseImportProfile } from '../../src/domain/import/profile.ts';
import { runImport } from '../../src/intake/files/import.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-company-edit-'));
const profile = parseImportProfile({
  source: 'crm', id_column: 'ID',
  fields: { full_name: '氏名', company_name: '会社名', company_industry: '業種', company_employees: '従業員数', company_capital: '資本金', company_phone: '代表電話' },
});
function writeFile(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ['ID,氏名,会社名,業種,従業員数,資本金,代表電話', ...rows].join('\n') + '\n');
  return file;
}

for (const engine of ENGINES) {
  describe(`company edit via the API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => t.close());

    test('facts from an import, a manual edit that later imports keep, the size band and 中小企業 derived', { timeout: 120_000 }, async () => {
      await runImport(t.database.db, { filePath: writeFile('a.csv', ['1,佐藤 一郎,株式会社ダイチョウ商事,卸売業,約40名,3000万円,03-3581-4321']), profile, actor });
      const list = await admin.json('GET', '/api/v1/companies?q=ダイチョウ');
      assert.equal(list.body.items.length, 1);
      const id = list.body.items[0].id;
      let c = (await admin.json('GET', `/api/v1/companies/${id}`)).body;
      assert.equal(c.industry, '卸売業');
      assert.equal(c.industryCode, 'I');
      assert.equal(c.employeeCount, 40);
      assert.equal(c.sizeBand, '10-49');
      assert.equal(c.sizeBandLabel, '10〜49名');
      assert.equal(c.capitalYen, 30_000_000);
      assert.equal(c.phone, '+81335814321');
      assert.equal(c.sme.sme, true, '卸売業: capital ≤ 1億円 → 中小企業者');
      assert.equal(c.fieldSources.industry.source, 'crm');

      const patched = await admin.json('PATCH', `/api/v1/companies/${id}`, { employees: '1,500名', capital: '20億円', industry: '製造業' });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.sizeBand, '1000+');
      assert.equal(patched.body.industryCode, 'E');
      assert.equal(patched.body.sme.sme, false, '製造業, 20億円 and 1,500名: not an SME');
      assert.equal(patched.body.fieldSources.employees.source, 'manual');

      // A later import states other figures: the edited ones stay, the phone (not edited) follows the import.
      await runImport(t.database.db, { filePath: writeFile('b.csv', ['2,鈴木 二郎,(株)ダイチョウ商事,小売業,10名,1000万円,06-6441-2087']), profile, actor });
      c = (await admin.json('GET', `/api/v1/companies/${id}`)).body;
      assert.equal(c.people.length, 2, 'the second spelling is the same company');
      assert.equal(c.industry, '製造業');
      assert.equal(c.employeeCount, 1500);
      assert.equal(c.capitalYen, 2_000_000_000);
      assert.equal(c.phone, '+81664412087');
    });
  });
}
