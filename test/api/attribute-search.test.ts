import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

// Issue 20 「Nothing invisible」: columns an import kept unmapped are searchable (by people who see personal data:
// they may hold phones or addresses) and usable in segments.
for (const engine of ENGINES) {
  describe(`unmapped columns: search and segments [${engine}]`, () => {
    let t: TestApp;
    let marketing: Client;
    let viewer: Client;
    let customerId: string;
    before(async () => {
      t = await startTestApp(engine);
      marketing = await t.as('marketing');
      viewer = await t.as('viewer');
      const [rec] = await ingestRecords(t.database.db, {
        source: { name: 'eight', label: 'Eight', kind: 'file_import' },
        records: [
          { externalId: 'e1', fields: { full_name: '田中 一郎', email: 'ichiro@tanaka.co.jp' }, attributes: { TEL会社: '03-5555-1234', 名刺交換日: '2026/10/01', MEMBER_RATING: '4' } },
          { externalId: 'e2', fields: { full_name: '中村 二郎', email: 'jiro@nakamura.co.jp' }, attributes: { MEMBER_RATING: '2' } },
        ],
        actor,
      });
      customerId = rec!.customerId;
    });
    after(async () => t.close());

    const ids = async (client: Client, q: string) => ((await client.json('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`)).body.items as Array<{ id: string }>).map((c) => c.id);

    test('found by part and by digits with customers:read_personal; a viewer cannot probe them by part', async () => {
      assert.deepEqual(await ids(marketing, '03-5555'), [customerId]);
      assert.deepEqual(await ids(marketing, '0355551234'), [customerId]);
      assert.deepEqual(await ids(marketing, '2026/10/01'), [customerId]);
      assert.deepEqual(await ids(viewer, '03-5555'), []);
      assert.deepEqual(await ids(viewer, '田中'), [customerId]);
    });

    test('a segment condition on an unmapped column', async () => {
      const res = await marketing.json('POST', '/api/v1/segments/count', { definition: { type: 'custom_field', key: 'MEMBER_RATING', op: 'in', values: ['4', '5'] } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.count, 1);
      const unknown = await marketing.json('POST', '/api/v1/segments/count', { definition: { type: 'custom_field', key: 'MEMBER_RATINGX', op: 'eq', value: '4' } });
      assert.equal(unknown.status, 400);
    });
  });
}
