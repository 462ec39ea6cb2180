import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/app/app.ts';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { ENGINES } from '../support/engines.ts';
import { bearerClient, startTestApp, type Client, type TestApp } from '../support/app.ts';

const EMAIL = 'ichiro.suzuki@kaisha.co.jp';
const LIMIT = 10;

for (const engine of ENGINES) {
  describe(`search: masked fields and the per-user limit [${engine}]`, () => {
    let t: TestApp;
    let viewer: Client;
    let marketing: Client;
    before(async () => {
      t = await startTestApp(engine, { searchRateLimit: { maxPerWindow: LIMIT, windowSeconds: 60 } });
      const admin = await t.as('admin');
      viewer = await t.as('viewer');
      marketing = await t.as('marketing');
      const created = await admin.json('POST', '/api/v1/customers', { familyName: '鈴木', givenName: '一郎', email: EMAIL, phone: '090-4417-2938', companyName: 'Kaisha Trading' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    });
    after(async () => t.close());

    const found = async (client: Client, path: string) => {
      const res = await client.json('GET', path);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((c: { familyName: string }) => c.familyName);
    };
    const queries = (q: string) => [`/api/v1/search?q=${encodeURIComponent(q)}`, `/api/v1/customers?q=${encodeURIComponent(q)}`];

    test('a viewer finds an e-mail or a phone only by the whole of it; a marketing user by any part', async () => {
      for (const part of ['ichiro.suz', 'suzuki@kaisha', '4417-29']) {
        const [search, list] = queries(part);
        assert.deepEqual(await found(viewer, search!), [], `viewer ${part}`);
        assert.deepEqual(await found(marketing, list!), ['鈴木'], `marketing ${part}`);
      }
      for (const whole of [EMAIL, '09044172938']) {
        for (const path of queries(whole)) assert.deepEqual(await found(viewer, path), ['鈴木'], `viewer ${path}`);
      }
      // Names and companies are found by their parts, as before.
      assert.deepEqual(await found(viewer, queries('kaisha')[0]!), ['鈴木']);
      assert.deepEqual(await found(viewer, queries('鈴')[1]!), ['鈴木']);
    });

    test(`the ${LIMIT + 1}th search in a minute is refused with 429 and Retry-After, in every process, for that user only`, async () => {
      const sales = await t.as('sales');
      for (let i = 0; i < LIMIT; i++) assert.equal((await sales.request('GET', `/api/v1/search?q=${i}鈴木`)).status, 200, `search ${i + 1}`);
      const refused = await sales.request('GET', '/api/v1/search?q=鈴木');
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal((await refused.json()).code, 'too_many_requests');
      assert.equal((await sales.request('GET', `/api/v1/customers?q=${encodeURIComponent('鈴木')}`)).status, 429, 'the list with q is a search too');
      assert.equal((await sales.request('GET', '/api/v1/customers')).status, 200, 'the list without q is not');
      // Another server process on the same database counts the same searches.
      const other = createApp({ db: t.database.db, config: t.config });
      const { key } = await createApiKey(t.database.db, sales.userId, 'second process');
      assert.equal((await bearerClient(other, key, sales.userId, sales.email).request('GET', '/api/v1/search?q=鈴木')).status, 429);
      const admin = await t.as('admin');
      assert.equal((await admin.request('GET', '/api/v1/search?q=鈴木')).status, 200, 'per user');
    });
  });
}
