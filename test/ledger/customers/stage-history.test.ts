import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';
import { funnelDrift } from '../../support/customer-funnel.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

for (const engine of ENGINES) {
  describe(`customer stage history [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const history = (customerId: string) => t.database.db.selectFrom('customer_stage_changes')
      .select(['from_stage', 'to_stage', 'changed_at']).where('customer_id', '=', customerId).orderBy('id').execute();

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => t.close());

    test('a new customer starts its history; a stage edit records from → to with its time', async () => {
      const created = await admin.json('POST', '/api/v1/customers', { fullName: '佐藤 花子', email: 'hanako@example.jp', lifecycleStage: 'opportunity' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      assert.deepEqual((await history(id)).map((h) => [h.from_stage, h.to_stage]), [[null, 'opportunity']]);
      const before = Date.now();
      const edited = await admin.json('PATCH', `/api/v1/customers/${id}`, { lifecycleStage: 'customer' });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const rows = await history(id);
      assert.deepEqual(rows.map((h) => [h.from_stage, h.to_stage]), [[null, 'opportunity'], ['opportunity', 'customer']]);
      const at = rows[1]!.changed_at.getTime();
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `changed_at ${rows[1]!.changed_at.toISOString()}`);
      // An edit of another field leaves the stage, and its history, alone.
      assert.equal((await admin.json('PATCH', `/api/v1/customers/${id}`, { phone: '090-1234-5678' })).status, 200);
      assert.equal((await history(id)).length, 2);
      assert.deepEqual(await funnelDrift(t.database.db), [], 'the funnel row follows the history (created, then a stage edit)');
    });

    test('an import records null → stage for its new customers; a re-import that keeps the stage records nothing', async () => {
      const records = [
        { externalId: 'a', fields: { full_name: '山田 太郎', email: 'taro@example.jp' } },
        { externalId: 'b', fields: { full_name: '鈴木 次郎', email: 'jiro@example.jp' } },
      ];
      const linked = await ingestRecords(t.database.db, { source: { name: 'crm', label: 'CRM', kind: 'file_import' }, records, actor });
      const ids = Object.fromEntries(linked.map((l) => [l.externalId, l.customerId]));
      assert.deepEqual((await history(ids.a!)).map((h) => [h.from_stage, h.to_stage]), [[null, 'prospect']]);
      assert.deepEqual((await history(ids.b!)).map((h) => [h.from_stage, h.to_stage]), [[null, 'prospect']]);
      assert.equal((await admin.json('PATCH', `/api/v1/customers/${ids.a!}`, { lifecycleStage: 'customer' })).status, 200);
      // The same people again with their prefecture: their golden records are recomputed, their stages stay.
      await ingestRecords(t.database.db, {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: records.map((r, i) => ({ ...r, fields: { ...r.fields, prefecture: i === 0 ? '東京都' : '大阪府' } })),
        actor,
      });
      const rows = await t.database.db.selectFrom('customers').select(['lifecycle_stage', 'prefecture']).where('id', 'in', [ids.a!, ids.b!]).execute();
      assert.deepEqual(rows.map((r) => r.lifecycle_stage).sort(), ['customer', 'prospect']);
      assert.ok(rows.every((r) => r.prefecture !== null), 'the re-import was applied');
      assert.deepEqual((await history(ids.a!)).map((h) => [h.from_stage, h.to_stage]), [[null, 'prospect'], ['prospect', 'customer']]);
      assert.deepEqual((await history(ids.b!)).map((h) => [h.from_stage, h.to_stage]), [[null, 'prospect']]);
      assert.deepEqual(await funnelDrift(t.database.db), [], 'the funnel rows follow the history (import, edit, re-import)');
    });
  });
}
