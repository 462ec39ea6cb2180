import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { removeUpload } from '../../../src/intake/files/uploads.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const CSV = '会員番号,氏名,メールアドレス\r\nK1,山田 太郎,taro@daicho-shoji.co.jp\r\nK2,佐藤 花子,hanako@@daicho-shoji.co.jp\r\n';
const PROFILE = { source: 'kaiin', id_column: '会員番号', fields: { full_name: '氏名', email: 'メールアドレス' } };

/**
 * An upload and an import run's report belong to the user who uploaded or ran them, like the wizard's jobs and
 * validations: another user (here marketing, beside sales) is told they do not exist (404); an admin may use them.
 */
for (const engine of ENGINES) {
  describe(`uploads and run reports are their owner's [${engine}]`, () => {
    let t: TestApp;
    let sales: Client;
    let marketing: Client;
    let admin: Client;
    const uploads: string[] = [];
    before(async () => {
      t = await startTestApp(engine);
      sales = await t.as('sales');
      marketing = await t.as('marketing');
      admin = await t.as('admin');
      // Sales import into a registered source; registering one is sources:write (an admin's).
      const registered = await admin.json('POST', '/api/v1/sources', { name: PROFILE.source, label: '会員', kind: 'file_import', party: 'first' });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
    });
    after(async () => {
      for (const id of uploads) removeUpload(id);
      await t.close();
    });

    async function upload(client: Client): Promise<string> {
      const { key } = await createApiKey(t.database.db, client.userId, 'upload key');
      const res = await t.app.request('/api/v1/imports/uploads', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'x-file-name': 'kaiin.csv' },
        body: CSV,
      });
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      uploads.push(body.uploadId);
      return body.uploadId;
    }

    test("another user's upload is a 404 for validate, validations, jobs and import; its owner and an admin may use it", async () => {
      const uploadId = await upload(sales);
      const request = { uploadId, profile: PROFILE };
      for (const path of ['/api/v1/imports/validate', '/api/v1/imports/validations', '/api/v1/imports/jobs', '/api/v1/imports']) {
        const res = await marketing.json('POST', path, request);
        assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`);
      }
      assert.equal((await t.database.db.selectFrom('import_runs').select('id').execute()).length, 0, 'nothing ran');
      assert.equal((await sales.json('POST', '/api/v1/imports/validate', request)).status, 200);
      assert.equal((await admin.json('POST', '/api/v1/imports/validate', request)).status, 200);
    });

    test("a run's report is for the user who ran it (and admins); the run history lists every run and says whose report one may read", async () => {
      const uploadId = await upload(sales);
      const run = await sales.json('POST', '/api/v1/imports', { uploadId, profile: PROFILE });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const report = `/api/v1/imports/${run.body.runId}/report.csv`;
      assert.equal((await marketing.request('GET', report)).status, 404);
      const own = await sales.request('GET', report);
      assert.equal(own.status, 200);
      assert.match(await own.text(), /hanako@@daicho-shoji\.co\.jp/);
      assert.equal((await admin.request('GET', report)).status, 200);

      const listed = async (client: Client) => (await client.json('GET', '/api/v1/imports')).body.items.find((r: { id: string }) => r.id === run.body.runId);
      assert.equal((await listed(marketing))?.reportAvailable, false, 'marketing sees the run, not its report');
      assert.equal((await listed(sales))?.reportAvailable, true);
      assert.equal((await listed(admin))?.reportAvailable, true);
    });
  });
}
