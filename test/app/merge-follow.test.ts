import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { mergeListenerNames } from '../../src/ledger/customers/merge-listeners.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { runRule } from '../../src/use/triggers/triggers.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;

/**
 * What follows a merge and an unmerge besides records and activities (src/app/merge-listeners.ts): a trigger's
 * cool-down and the owner's task (src/use/triggers), and 利用停止 (src/ledger/privacy), through the API's merge and
 * unmerge — the same `absorb` that accepting a review item runs.
 */
for (const engine of ENGINES) {
  describe(`merge and unmerge carry trigger firings, tasks and 利用停止 [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const ids: Record<string, string> = {};
    const db = () => t.database.db;
    const recordsOf = async (customerId: string) =>
      (await db().selectFrom('source_records').select('id').where('customer_id', '=', customerId).execute()).map((r) => r.id);
    const stopOf = async (customerId: string) => (await admin.json('GET', `/api/v1/customers/${customerId}/use-stop`)).body.requestId as string | null;
    const request = async (customerIds: string[]) => {
      const r = await admin.json('POST', '/api/v1/privacy/requests', {
        kind: 'stop_use', receivedOn: '2026-12-01', requesterName: '本人', identityVerifiedBy: admin.userId,
        identityVerifiedAt: '2026-12-01T10:00:00+09:00', identityMethod: '運転免許証の写し', customerIds,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const stopUse = async (requestId: string) => assert.equal((await admin.json('POST', `/api/v1/privacy/requests/${requestId}/stop-use`)).status, 200);
    const merge = async (customerIds: string[]) => {
      const r = await admin.json('POST', '/api/v1/customers/merge', { customerIds });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    const unmerge = async (customerId: string, sourceRecordIds: number[]) => {
      const r = await admin.json('POST', `/api/v1/customers/${customerId}/unmerge`, { sourceRecordIds });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.newCustomerId as string;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      // Records that share nothing the matcher links: each its own customer until a person merges them.
      const linked = await ingestRecords(db(), {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: [
          { externalId: 'web', fields: { full_name: '高橋 一郎', email: 'ichiro.web@daicho-test.jp' } },
          { externalId: 'shop', fields: { full_name: '髙橋 壱郎', email: 'ichiro.shop@daicho-test.jp', phone: '090-3456-7812' } },
          { externalId: 'kept', fields: { full_name: '松本 花子', email: 'hanako.kept@daicho-test.jp' } },
          { externalId: 'stopped', fields: { full_name: '松本 はなこ', email: 'hanako.stopped@daicho-test.jp', phone: '090-4567-8123' } },
          { externalId: 'own', fields: { full_name: '井上 次郎', email: 'jiro.own@daicho-test.jp' } },
          { externalId: 'free', fields: { full_name: '井上 じろう', email: 'jiro.free@daicho-test.jp', phone: '090-5678-1234' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      assert.equal(new Set(Object.values(ids)).size, 6, 'six customers to start with');
    });
    after(async () => { await t.close(); });

    test('the app registers the listeners of every owner of customer-keyed rows', () => {
      assert.deepEqual(mergeListenerNames(), ['consents', 'privacy', 'triggers']);
    });

    test('a trigger fires once for the person: its cool-down and its task follow the merge', async () => {
      // Only the web record's customer viewed the pricing page twice: the rule fires for it.
      for (const daysAgo of [1, 2]) {
        await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
          VALUES (${ids.web!}::uuid, 'page_view', ${new Date(Date.now() - daysAgo * DAY)}, '料金', ${JSON.stringify({ path: '/pricing', url: 'https://daicho-test.jp/pricing' })}::jsonb)`.execute(db());
      }
      const rule = await admin.json('POST', '/api/v1/triggers', {
        name: '料金ページ → 電話', action: 'task', cooldownDays: 1, definition: { type: 'page_views', url: '/pricing*', minCount: 2, window: { lastDays: 7 } },
        taskTitle: '料金ページを見た方に電話', dueInDays: 2, fallbackUserId: admin.userId,
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const ruleId = rule.body.id as string;
      assert.equal((await runRule(db(), ruleId)).tasks, 1);
      // The shop record's customer survives the merge and now holds the page views: without the firing it would fire again.
      await merge([ids.shop!, ids.web!]);
      assert.equal((await runRule(db(), ruleId)).tasks, 0, 'within the cool-down, for the person, not per record');
      const firings = await db().selectFrom('trigger_firings').select('customer_id').where('rule_id', '=', ruleId).execute();
      assert.deepEqual(firings.map((f) => f.customer_id), [ids.shop]);
      const tasks = await admin.json('GET', '/api/v1/tasks?status=open');
      assert.equal(tasks.status, 200, JSON.stringify(tasks.body));
      const mine = (tasks.body.items as Array<{ customerId: string; title: string }>).filter((x) => x.title === '料金ページを見た方に電話');
      assert.deepEqual(mine.map((x) => x.customerId), [ids.shop], 'the task is on the customer that stays');
      // Past the cool-down it fires again, once.
      assert.equal((await runRule(db(), ruleId, { now: new Date(Date.now() + DAY + 60_000) })).tasks, 1);
    });

    test('利用停止 survives a merge (either side stopped stops the survivor) and an unmerge gives each side its own', async () => {
      const requestId = await request([ids.stopped!]);
      await stopUse(requestId);
      const stoppedRecords = await recordsOf(ids.stopped!);
      await merge([ids.kept!, ids.stopped!]);
      assert.equal(await stopOf(ids.kept!), requestId, 'the survivor is stopped');
      // It is left out of audiences like any stopped customer, and the request now concerns the survivor too.
      const shown = await admin.json('GET', `/api/v1/privacy/requests/${requestId}`);
      const concerned = (shown.body.customers as Array<{ customerId: string; useStopped: boolean }>);
      assert.ok(concerned.some((c) => c.customerId === ids.kept && c.useStopped), JSON.stringify(concerned));
      const split = await unmerge(ids.kept!, stoppedRecords);
      assert.equal(await stopOf(split), requestId, 'the customer split off is the stopped person again');
      assert.equal(await stopOf(ids.kept!), null, 'the survivor had no stop of its own');
      // Resuming the request lifts it where it now is.
      assert.equal((await admin.json('POST', `/api/v1/privacy/requests/${requestId}/resume-use`)).status, 200);
      assert.equal(await stopOf(split), null);
    });

    test('a survivor stopped on its own stays stopped when the other side leaves; the other side was never stopped', async () => {
      const requestId = await request([ids.own!]);
      await stopUse(requestId);
      const freeRecords = await recordsOf(ids.free!);
      await merge([ids.own!, ids.free!]);
      assert.equal(await stopOf(ids.own!), requestId);
      const split = await unmerge(ids.own!, freeRecords);
      assert.equal(await stopOf(ids.own!), requestId, 'its own stop stays');
      assert.equal(await stopOf(split), null, 'the record that left was never stopped');
    });
  });
}
