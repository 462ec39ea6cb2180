import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { recomputeQualityIfDue } from '../../../src/ledger/quality/quality.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * 鮮度と品質 through the API on each engine: a customer's live quality (stale title after a newer 名刺, a bounce,
 * last confirmations), the daily pass and the 要更新 queue by owner and value, a source's quality and retention.
 */
for (const engine of ENGINES) {
  describe(`data quality [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    let hanako = '';
    let jiro = '';
    let crmId = '';

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      const db = t.database.db;
      const crm = await ingestRecords(db, {
        source: { name: 'crm', label: '営業CRM', kind: 'file_import' },
        records: [
          { externalId: 'c1', fields: { full_name: '田中 花子', email: 'hanako@sakura-is.co.jp', company_name: '台帳商事', title: '課長', phone: '090-3456-7812' } },
          { externalId: 'c2', fields: { full_name: '鈴木 次郎', email: 'jiro@ledger-corp.co.jp', company_name: '台帳物産', title: '主任', postal_code: '100-0001', prefecture: '東京都', address: '千代田区千代田1-1' } },
        ],
        actor,
      });
      hanako = crm.find((r) => r.externalId === 'c1')!.customerId;
      jiro = crm.find((r) => r.externalId === 'c2')!.customerId;
      // The CRM rows are three years old; the CRM ranks above the card scanner, so its title stays the golden one.
      await sql`UPDATE source_records SET received_at = '2023-06-01T00:00:00Z' WHERE external_id IN ('c1', 'c2')`.execute(db);
      const sources = (await admin.json('GET', '/api/v1/sources')).body.items as Array<{ id: string; name: string }>;
      crmId = sources.find((s) => s.name === 'crm')!.id;
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${crmId}`, { priority: 10 })).status, 200);
      await ingestRecords(db, {
        source: { name: 'meishi', label: '名刺管理', kind: 'file_import' },
        records: [{ externalId: 'm1', fields: { full_name: '田中 花子', email: 'hanako@sakura-is.co.jp', company_name: '台帳商事', title: '部長' } }],
        actor,
      });
      const meishi = (await admin.json('GET', '/api/v1/sources')).body.items.find((s: { name: string }) => s.name === 'meishi');
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${meishi.id}`, { emailBasis: 'business_card' })).status, 200);
    });
    after(async () => t.close());

    test('a customer’s quality: the newer 名刺 supersedes the CRM title, the card confirmed the e-mail, a bounce makes it stale', async () => {
      const customer = await admin.json('GET', `/api/v1/customers/${hanako}`);
      assert.equal(customer.body.title, '課長', 'survivorship keeps the CRM title (priority 10)');
      let q = await admin.json('GET', `/api/v1/customers/${hanako}/quality`);
      assert.equal(q.status, 200, JSON.stringify(q.body));
      assert.deepEqual(q.body.stale.map((s: { field: string; reason: string }) => `${s.field}:${s.reason}`), ['title:title_superseded']);
      assert.equal(q.body.confirmations.email.source, 'meishi');
      assert.equal(q.body.confirmations.email.sourceLabel, '名刺管理');
      assert.equal(q.body.confirmations.title.source, 'crm');
      assert.ok(q.body.score > 0 && q.body.score < 100);

      await sql`INSERT INTO contact_suppressions (channel, address_key, reason, customer_id) VALUES ('email', 'hanako@sakura-is.co.jp', 'hard_bounce', ${hanako}::uuid)`.execute(t.database.db);
      q = await admin.json('GET', `/api/v1/customers/${hanako}/quality`);
      assert.deepEqual(q.body.stale.map((s: { reason: string }) => s.reason).sort(), ['email_bounced', 'title_superseded']);

      const asViewer = await viewer.json('GET', `/api/v1/customers/${hanako}/quality`);
      assert.equal(asViewer.status, 200);
      assert.ok(!JSON.stringify(asViewer.body).includes('sakura-is'), 'no personal value in the quality answer');
      assert.equal((await admin.json('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000/quality')).status, 404);
    });

    test('the daily pass stores every live customer once a day; the 要更新 queue lists stale ones by owner and value', async () => {
      const db = t.database.db;
      // 次郎's company e-mail was last given in 2023: stale by age.
      const first = await recomputeQualityIfDue(db);
      assert.ok(first && first.customers >= 2, JSON.stringify(first));
      assert.equal(await recomputeQualityIfDue(db), null, 'done for today');
      await sql`INSERT INTO customer_values (customer_id, as_of, frequency, monetary, currency) VALUES (${jiro}::uuid, '2026-12-01', 3, 90000, 'JPY'), (${hanako}::uuid, '2026-12-01', 1, 5000, 'JPY')`.execute(db);

      const all = await admin.json('GET', '/api/v1/quality/stale');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(all.body.items.map((i: { customerId: string }) => i.customerId), [jiro, hanako], 'most valuable first');
      assert.deepEqual(all.body.items[0].stale.map((s: { reason: string }) => s.reason), ['company_email_unconfirmed']);
      assert.ok(all.body.computedAt);

      const page1 = await admin.json('GET', '/api/v1/quality/stale?limit=1');
      assert.equal(page1.body.items.length, 1);
      const page2 = await admin.json('GET', `/api/v1/quality/stale?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
      assert.deepEqual(page2.body.items.map((i: { customerId: string }) => i.customerId), [hanako]);
      assert.equal(page2.body.nextCursor, null);

      assert.equal((await admin.json('PATCH', `/api/v1/customers/${hanako}`, { ownerUserId: admin.userId })).status, 200);
      const mine = await admin.json('GET', '/api/v1/quality/stale?owner=me');
      assert.deepEqual(mine.body.items.map((i: { customerId: string }) => i.customerId), [hanako]);
      const unowned = await admin.json('GET', '/api/v1/quality/stale?owner=none');
      assert.deepEqual(unowned.body.items.map((i: { customerId: string }) => i.customerId), [jiro]);
      assert.equal((await admin.json('GET', '/api/v1/quality/stale?owner=nobody')).status, 400);
      assert.equal((await admin.json('GET', '/api/v1/quality/stale?cursor=abc')).status, 400);

      const run = await admin.json('POST', '/api/v1/quality/run');
      assert.equal(run.status, 202);
      assert.equal((await viewer.json('POST', '/api/v1/quality/run')).status, 403);
    });

    test('a source’s quality: records, average score, freshness, and the records past its retention (dry run)', async () => {
      assert.equal((await admin.json('PATCH', `/api/v1/sources/${crmId}`, { retentionDays: 365, purposeOfUse: '営業活動と請求書の送付' })).status, 200);
      const listed = (await admin.json('GET', '/api/v1/sources')).body.items.find((s: { id: string }) => s.id === crmId);
      assert.equal(listed.retentionDays, 365);
      assert.equal(listed.purposeOfUse, '営業活動と請求書の送付');
      const q = await admin.json('GET', `/api/v1/sources/${crmId}/quality`);
      assert.equal(q.status, 200, JSON.stringify(q.body));
      assert.equal(q.body.records, 2);
      assert.equal(q.body.customers, 2);
      assert.equal(q.body.retention.overdue, 2, 'both CRM rows are three years old');
      assert.equal(q.body.retention.oldest.length, 2);
      assert.equal(typeof q.body.averageScore, 'number');
      assert.equal(q.body.freshness.slaDays, null);
      assert.equal((await viewer.json('GET', `/api/v1/sources/${crmId}/quality`)).status, 200, 'the registry is readable by every role, and this answer holds no personal value');
    });
  });
}
