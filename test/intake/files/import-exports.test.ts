import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

// Real exports' shapes: Eight's 名刺 export (7 title lines above the header, CP932 as Eight writes it) and a
// Mailchimp audience whose merge field "Company" holds timestamps (columns shifted), as a person would upload them.
const ROOT = path.join(import.meta.dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/domain/import/fixtures');
const EIGHT = iconv.encode(fs.readFileSync(path.join(FIXTURES, 'eight-meishi.csv'), 'utf8').replace(/\r?\n/gu, '\r\n'), 'cp932');
const MAILCHIMP = Buffer.from([
  'Email Address,First Name,Last Name,Company,OPTIN_TIME',
  'taro@example.jp,Taro,Mihon,2015-03-16 14:40:47,2015-03-16 14:20:11',
  'hanako@example.co.jp,Hanako,Shiken,2016-07-01 09:05:12,2016-07-01 09:00:00',
  'ichiro@dummy.example.com,Ichiro,Kamei,2017-12-01 00:01:02,2017-11-30 23:59:59',
].join('\n') + '\n');
const TIMESTAMP = /\d{4}-\d{2}-\d{2}/u;

async function upload(t: TestApp, client: Client, bytes: Uint8Array, name: string) {
  const key = (await createApiKey(t.database.db, client.userId, `upload ${name}`)).key;
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), name);
  const res = await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

for (const engine of ENGINES) {
  describe(`real exports through the API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(() => t.close());

    test('Eight 名刺: the preview, the validation and the import read the header on line 8; the profile keeps header_row', async () => {
      const { uploadId, preview } = await upload(t, admin, EIGHT, 'eight.csv');
      assert.equal(preview.headerLine, 8);
      assert.match(preview.warnings[0], /^8行目を見出しとしました/u);
      assert.equal(preview.rows.length, 6);
      assert.ok(preview.rows.every((r: { error?: string }) => !r.error), JSON.stringify(preview.rows));
      assert.equal(preview.suggestion.fields.full_name, '氏名');
      assert.equal(preview.suggestion.fields.email, 'e-mail');

      // Asked for another line, the preview reads its header there (and says so); left out, it detects again.
      const asked = await admin.json('GET', `/api/v1/imports/uploads/${uploadId}/preview?headerRow=1`);
      assert.equal(asked.status, 200, JSON.stringify(asked.body));
      assert.deepEqual([asked.body.headerLine, asked.body.headerReason, asked.body.headers], [1, null, ['Eight 名刺データ（氏名）']]);
      const again = await admin.json('GET', `/api/v1/imports/uploads/${uploadId}/preview`);
      assert.equal(again.body.headerLine, 8);

      const profile = { source: 'eight', header_row: 8, fields: preview.suggestion.fields };
      const validated = await admin.json('POST', '/api/v1/imports/validate', { uploadId, profile });
      assert.equal(validated.status, 200, JSON.stringify(validated.body));
      assert.deepEqual([validated.body.read, validated.body.rejected], [6, 0]);
      const detected = await admin.json('POST', '/api/v1/imports/validate', { uploadId, profile: { source: 'eight', fields: preview.suggestion.fields } });
      assert.deepEqual([detected.body.read, detected.body.rejected], [6, 0]);

      const run = await admin.json('POST', '/api/v1/imports', { uploadId, profile });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.deepEqual([run.body.read, run.body.new, run.body.rejected, run.body.customersCreated], [6, 6, 0, 6]);
      const names = (await t.database.db.selectFrom('customers').select('display_name').execute()).map((r) => r.display_name);
      assert.ok(names.some((n) => n.replace(/\s/gu, '') === '見本太郎'), names.join(', '));

      const profiles = await admin.json('GET', '/api/v1/imports/profiles');
      const stored = profiles.body.items.find((p: { source: string }) => p.source === 'eight');
      assert.equal(stored.profile.header_row, 8);
    });

    test('a Mailchimp audience with timestamps under Company: the column is flagged, not mapped, and no customer is named after a timestamp', async () => {
      const { uploadId, preview } = await upload(t, admin, MAILCHIMP, 'members_export.csv');
      assert.equal(preview.headerLine, 1);
      assert.deepEqual(preview.warnings, []);
      assert.equal(preview.suggestion.fields.company_name, undefined);
      const company = preview.suggestion.columns.find((c: { header: string }) => c.header === 'Company');
      assert.ok(company.misfit?.message, JSON.stringify(company));
      const run = await admin.json('POST', '/api/v1/imports', { uploadId, profile: { source: 'mailchimp', fields: preview.suggestion.fields } });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.deepEqual([run.body.new, run.body.rejected], [3, 0]);
      const customers = await t.database.db.selectFrom('customers').select(['display_name', 'family_name', 'given_name']).execute();
      for (const c of customers) for (const v of Object.values(c)) assert.doesNotMatch(String(v ?? ''), TIMESTAMP);
      const companies = await t.database.db.selectFrom('companies').select('name').execute();
      assert.deepEqual(companies.filter((c) => TIMESTAMP.test(c.name)), []);
    });
  });
}

// The CLI on the embedded engine reads the Eight file as the API does: header detected, or named by header_row.
test('daicho import of an Eight 名刺 export with a mapping file: 6 rows read, none rejected', { timeout: 120_000, skip: !ENGINES.includes('pglite') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-eight-'));
  try {
    const file = path.join(dir, 'eight.csv');
    fs.writeFileSync(file, EIGHT);
    const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { env, encoding: 'utf8' });
    const fields = { full_name: '氏名', email: 'e-mail', company_name: '会社名', phone: 'TEL直通' };
    const detected = path.join(dir, 'detected.json');
    fs.writeFileSync(detected, JSON.stringify({ source: 'eight', fields }));
    const named = path.join(dir, 'named.json');
    fs.writeFileSync(named, JSON.stringify({ source: 'eight', header_row: 8, fields }));
    const validated = cli('import', file, '--mapping', detected, '--validate');
    assert.equal(validated.status, 0, validated.stderr);
    assert.match(validated.stdout, /rows read 6, rejected 0/);
    const imported = cli('import', file, '--mapping', named);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /rows read 6, new 6, updated 0, unchanged 0, rejected 0/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
