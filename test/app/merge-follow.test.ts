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
 * cool-down and the owner's task (src/use/triggers), campaign messages (the frequency cap), and 利用停止 (src/ledger/privacy), through the API's merge and
 * unmerge — the same `absorb` that accepting a review item runs.
 */
for (const engine of ENGINES) {
  describe(`merge and unmerge carry trigger firings, tasks, campaign messages and 利用停止 [${engine}]`, () => {
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
          { externalId: 'capkeep', fields: { full_name: '佐藤 三郎', email: 'saburo.keep@daicho-test.jp' } },
          { externalId: 'capgone', fields: { full_name: '佐藤 さぶろう', email: 'saburo.gone@daicho-test.jp', phone: '090-6781-2345' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      assert.equal(new Set(Object.values(ids)).size, 8, 'eight customers to start with');
    });
    after(async () => { await t.close(); });

    test('the app registers the listeners of every owner of customer-keyed rows', () => {
      assert.deepEqual(mergeListenerNames(), ['consents', 'privacy', 'triggers', 'campaigns']);
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

      // An unmerge that gives the web record back gives back what fired for it: its firing and its owner's task.
      const split = await unmerge(ids.shop!, await db().selectFrom('source_records').select('id').where('external_id', '=', 'web').execute().then((r) => r.map((x) => x.id)));
      const after = await db().selectFrom('trigger_firings').select(['customer_id', 'merged_from_customer_id']).where('rule_id', '=', ruleId).orderBy('id').execute();
      assert.deepEqual(after, [{ customer_id: split, merged_from_customer_id: null }, { customer_id: ids.shop, merged_from_customer_id: null }], 'the first firing was the web customer\'s, the second the survivor\'s own');
      const open = ((await admin.json('GET', '/api/v1/tasks?status=open')).body.items as Array<{ customerId: string; title: string }>)
        .filter((x) => x.title === '料金ページを見た方に電話').map((x) => x.customerId).sort();
      assert.deepEqual(open, [split, ids.shop].sort(), 'each side has its own task');
    });

    test('campaign messages follow: the survivor\'s frequency cap counts the merged-away customer\'s, one person gets a campaign once, an unmerge gives them back', async () => {
      await sql`UPDATE sources SET email_basis = 'business_relationship' WHERE name = 'crm'`.execute(db());
      const settings = await admin.json('PUT', '/api/v1/messaging/settings', {
        senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp', capCount: 2, capDays: 7,
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      const campaign = async (name: string, status: string) => {
        const r = await admin.json('POST', '/api/v1/campaigns', { name, channel: 'email', subject: 'お知らせ', bodyText: '{{姓}} 様' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        await sql`UPDATE campaigns SET status = ${status} WHERE id = ${r.body.id}::uuid`.execute(db());
        return r.body.id as string;
      };
      const message = async (campaignId: string, customerId: string, address: string, status: 'sent' | 'queued') => {
        await sql`INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, token, sent_at)
          VALUES (${campaignId}::uuid, ${customerId}::uuid, 'email', ${address}, ${status}, md5(random()::text), ${status === 'sent' ? new Date(Date.now() - DAY) : null})`.execute(db());
      };
      // The merged-away customer was sent two campaigns this week (the cap); the survivor is queued in the second.
      const [spring, summer] = [await campaign('春のお知らせ', 'done'), await campaign('夏のお知らせ', 'sending')];
      await message(spring, ids.capgone!, 'saburo.gone@daicho-test.jp', 'sent');
      await message(summer, ids.capgone!, 'saburo.gone@daicho-test.jp', 'sent');
      await message(summer, ids.capkeep!, 'saburo.keep@daicho-test.jp', 'queued');
      const next = await campaign('秋のお知らせ', 'draft');
      const capped = async () => ((await admin.json('GET', `/api/v1/campaigns/${next}/audience/list?reason=frequency_cap`)).body.items as Array<{ customerId: string }>).map((x) => x.customerId).sort();
      assert.deepEqual(await capped(), [ids.capgone]);
      const goneRecords = await recordsOf(ids.capgone!);

      await merge([ids.capkeep!, ids.capgone!]);
      assert.deepEqual(await capped(), [ids.capkeep], 'the survivor has had its two this week');
      const rows = async (campaignId: string) => (await sql<{ customer_id: string; status: string; reason: string | null; merged_from_customer_id: string | null }>`
        SELECT customer_id, status, reason, merged_from_customer_id FROM campaign_messages WHERE campaign_id = ${campaignId}::uuid ORDER BY id`.execute(db())).rows;
      assert.deepEqual(await rows(summer), [
        { customer_id: ids.capkeep, status: 'sent', reason: null, merged_from_customer_id: ids.capgone },
        { customer_id: ids.capkeep, status: 'skipped', reason: 'duplicate_person', merged_from_customer_id: null },
      ], 'the person already has this campaign: the queued one is not sent');
      const report = await admin.json('GET', `/api/v1/campaigns/${summer}/report`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.deepEqual(report.body.suppressed, [{ reason: 'duplicate_person', count: 1 }]);

      const split = await unmerge(ids.capkeep!, goneRecords);
      assert.deepEqual(await capped(), [split], 'the messages went back with the records: the cap is the split customer\'s again');
      assert.deepEqual((await rows(spring)).map((r) => [r.customer_id, r.merged_from_customer_id]), [[split, null]]);
      assert.deepEqual((await rows(summer)).map((r) => [r.customer_id, r.status]), [[split, 'sent'], [ids.capkeep, 'queued']], 'two people again: the survivor\'s message, dropped as the other\'s duplicate, is queued again (the campaign still sends)');
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
