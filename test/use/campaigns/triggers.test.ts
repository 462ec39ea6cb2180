import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { createMailer } from '../../../src/use/campaigns/mailer.ts';
import { CampaignSender } from '../../../src/use/campaigns/send.service.ts';
import { drainJobs } from '../../support/jobs.ts';
import { runDueRules, runRule } from '../../../src/use/triggers/triggers.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;

/**
 * The issue's rule 「料金ページを 7 日以内に 2 回以上閲覧し、14 日間接触なし」 on a ledger where each person stands for one case:
 *  P viewed /pricing twice this week, never contacted (fires)   Q viewed once          R viewed twice, a note 5 days ago
 *  S viewed twice 10 days ago      N viewed twice, e-mailed 20 days ago (fires)        O viewed twice, opted out
 *  K viewed twice, already got one marketing e-mail yesterday (the cap is 1 a week)
 */
const RULE = {
  type: 'and', conditions: [
    { type: 'page_views', url: '/pricing*', minCount: 2, window: { lastDays: 7 } },
    { type: 'no_contact', days: 14 },
  ],
};

for (const engine of ENGINES) {
  describe(`behaviour triggers [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let sales: Client;
    let viewer: Client;
    const ids: Record<string, string> = {};
    const firingsOf = async (ruleId: string) => (await sql<{ customer_id: string; outcome: string; reason: string; suppression_reason: string | null }>`
      SELECT customer_id, outcome, reason, suppression_reason FROM trigger_firings WHERE rule_id = ${ruleId}::uuid ORDER BY id`.execute(t.database.db)).rows;
    const who = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0];
    const createRule = async (input: Record<string, unknown>) => {
      const res = await admin.json('POST', '/api/v1/triggers', input);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      sales = await t.as('sales');
      viewer = await t.as('viewer');
      const db = t.database.db;
      const people = ['P', 'Q', 'R', 'S', 'N', 'O', 'K'];
      const linked = await ingestRecords(db, {
        source: { name: 'web', label: 'ウェブ', kind: 'file_import' },
        records: people.map((p) => ({ externalId: p, fields: { full_name: `試験 ${p}郎`, email: `${p.toLowerCase()}@daicho-test.jp` } })),
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', sender_address = '東京都千代田区丸の内1-1-1', sender_contact = '03-1234-5678',
        from_email = 'news@daicho-test.jp', cap_count = 1, cap_days = 7`.execute(db);
      for (const p of people) {
        const state = p === 'O' ? 'withdrawn' : 'granted';
        await sql`INSERT INTO consents (customer_id, purpose, granted, purpose_code, state, method, recorded_at)
          VALUES (${ids[p]!}::uuid, 'email_marketing', ${state === 'granted'}, 'email_marketing', ${state}, 'staff', now() - interval '30 days')`.execute(db);
      }
      const view = async (p: string, path: string, daysAgo: number) => {
        await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
          VALUES (${ids[p]!}::uuid, 'page_view', ${new Date(Date.now() - daysAgo * DAY)}, ${path}, ${JSON.stringify({ path, url: `https://daicho-test.jp${path}` })}::jsonb)`.execute(db);
      };
      for (const p of ['P', 'R', 'N', 'O', 'K']) { await view(p, '/pricing', 1); await view(p, '/pricing/enterprise', 3); }
      await view('Q', '/pricing', 2);
      await view('Q', '/blog/x', 2);
      await view('S', '/pricing', 10); await view('S', '/pricing', 11);
      const note = await admin.json('POST', `/api/v1/customers/${ids.R!}/notes`, { body: '電話で料金を説明', occurredAt: new Date(Date.now() - 5 * DAY).toISOString() });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
        VALUES (${ids.N!}::uuid, 'email_sent', ${new Date(Date.now() - 20 * DAY)}, 'メール送信: 旧', '{}'::jsonb)`.execute(db);
      const other = await admin.json('POST', '/api/v1/campaigns', { name: '他部署の配信', channel: 'email', subject: 's', bodyText: 'b' });
      assert.equal(other.status, 201, JSON.stringify(other.body));
      await sql`INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, token, sent_at)
        VALUES (${other.body.id}::uuid, ${ids.K!}::uuid, 'email', 'k@daicho-test.jp', 'sent', 'tok-k', now() - interval '1 day')`.execute(db);
      // P is the sales user's customer; the others have no owner.
      const owned = await admin.json('PATCH', `/api/v1/customers/${ids.P!}`, { ownerUserId: sales.userId });
      assert.equal(owned.status, 200, JSON.stringify(owned.body));
    });
    after(async () => { await t.close(); });

    test('no_contact: none of the contact activities in N days; never contacted counts; the example rule as a segment', async () => {
      const count = async (definition: unknown) => {
        const res = await admin.json('POST', '/api/v1/segments/count', { definition });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.count as number;
      };
      assert.equal(await count({ type: 'no_contact', days: 14 }), 6, 'all but R (a note 5 days ago)');
      assert.equal(await count({ type: 'no_contact', days: 30 }), 5, 'N was e-mailed 20 days ago');
      assert.equal(await count({ type: 'no_contact', days: 3 }), 7, 'the note is older than 3 days');
      assert.equal(await count({ type: 'not', condition: { type: 'no_contact', days: 14 } }), 1);
      assert.equal(await count(RULE), 4, 'P, N, O, K');
      const bad = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'and', conditions: [{ type: 'no_contact', days: 0 }] } });
      assert.equal(bad.status, 400);
      assert.ok(JSON.stringify(bad.body).includes('definition.conditions[0].days'), JSON.stringify(bad.body));
    });

    test('API: a bad definition or missing content is a 400 with paths; viewers read but cannot write', async () => {
      const bad = await admin.json('POST', '/api/v1/triggers', { name: 'x', action: 'email', cooldownDays: 7, subject: 's', bodyText: 'b', definition: { type: 'page_views', minCount: -1 } });
      assert.equal(bad.status, 400);
      assert.ok(JSON.stringify(bad.body).includes('definition.minCount'), JSON.stringify(bad.body));
      const noTitle = await admin.json('POST', '/api/v1/triggers', { name: 'x', action: 'task', cooldownDays: 7, definition: RULE });
      assert.equal(noTitle.status, 400);
      for (const field of ['taskTitle', 'dueInDays', 'fallbackUserId']) assert.ok(JSON.stringify(noTitle.body).includes(field), JSON.stringify(noTitle.body));
      assert.equal((await viewer.json('POST', '/api/v1/triggers', { name: 'x', action: 'email', cooldownDays: 7, subject: 's', bodyText: 'b', definition: RULE })).status, 403);
      assert.equal((await viewer.json('GET', '/api/v1/triggers')).status, 200);
    });

    test('e-mail rule: fires for P and N, O suppressed (opted_out), K suppressed (frequency_cap); the send loop sends; no second firing within the cool-down', async () => {
      const ruleId = await createRule({ name: '料金ページ再訪', action: 'email', cooldownDays: 30, definition: RULE, subject: '{{宛名}} へ: 料金のご案内', bodyText: '{{姓}} 様\n料金についてご不明な点はありませんか。' });
      const run = await admin.json('POST', `/api/v1/triggers/${ruleId}/run`);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.deepEqual({ matched: run.body.matched, sent: run.body.sent, suppressed: run.body.suppressed, tasks: run.body.tasks }, { matched: 4, sent: 2, suppressed: 2, tasks: 0 });
      const firings = await firingsOf(ruleId);
      assert.deepEqual(firings.map((f) => [who(f.customer_id), f.outcome, f.suppression_reason]).sort(), [
        ['K', 'suppressed', 'frequency_cap'], ['N', 'sent', null], ['O', 'suppressed', 'opted_out'], ['P', 'sent', null]]);
      assert.equal(firings[0]!.reason, '/pricing* の閲覧 2 回以上 (直近 7 日) かつ 14 日間接触なし');
      const campaign = await admin.json('GET', `/api/v1/campaigns/${run.body.campaignId}`);
      assert.equal(campaign.status, 200);
      assert.equal(campaign.body.status, 'sending');
      assert.match(campaign.body.name, /^料金ページ再訪 \(自動\) \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/u);
      assert.equal(campaign.body.triggerRuleId, ruleId);
      // The rule's instances stay out of the campaign list unless asked for.
      const ids = async (query: string) => ((await admin.json('GET', `/api/v1/campaigns${query}`)).body.items as Array<{ id: string }>).map((c) => c.id);
      const manual = await admin.json('POST', '/api/v1/campaigns', { name: '手動の配信', channel: 'email', subject: 's', bodyText: 'b' });
      const users = await ids('');
      assert.ok(users.includes(manual.body.id) && !users.includes(run.body.campaignId), 'by default only campaigns people made');
      assert.deepEqual(await ids('?origin=trigger'), [run.body.campaignId]);
      const all = await ids('?origin=all');
      assert.ok(all.includes(manual.body.id) && all.includes(run.body.campaignId));
      assert.equal(all.length, users.length + 1);
      const bad = await admin.json('GET', '/api/v1/campaigns?origin=robots');
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /origin/u);
      await admin.json('DELETE', `/api/v1/campaigns/${manual.body.id}`);

      // The instance's campaign.send job, queued with it, run by a server's job worker with no SMTP: the outbox.
      const queued = await admin.json('GET', '/api/v1/jobs?status=queued&kind=campaign.send');
      assert.deepEqual(queued.body.items.map((j: { payload: { campaignId: string } }) => j.payload.campaignId), [run.body.campaignId]);
      const mailer = createMailer(t.database.db, { smtpUrl: undefined });
      const sender = new CampaignSender(t.database.db, mailer, { publicUrl: 'http://127.0.0.1:3000', rate: 1000 });
      await drainJobs({ handle: t.database, campaignSender: sender });
      mailer.close();
      // The suppressed have no message: the instance's audience rows say why (campaign_audience).
      const sent = (await sql<{ customer_id: string; status: string }>`SELECT customer_id, status FROM campaign_messages WHERE campaign_id = ${run.body.campaignId}::uuid
        UNION ALL SELECT customer_id, 'suppressed' FROM campaign_audience WHERE campaign_id = ${run.body.campaignId}::uuid AND reason IS NOT NULL`.execute(t.database.db)).rows;
      assert.deepEqual(sent.map((m) => [who(m.customer_id), m.status]).sort(), [['K', 'suppressed'], ['N', 'outbox'], ['O', 'suppressed'], ['P', 'outbox']]);
      const outbox = (await sql<{ n: number | string }>`SELECT count(*) AS n FROM outbox_messages WHERE campaign_id = ${run.body.campaignId}::uuid`.execute(t.database.db)).rows;
      assert.equal(Number(outbox[0]!.n), 2);
      assert.equal((await admin.json('GET', `/api/v1/campaigns/${run.body.campaignId}`)).body.status, 'done');

      // Within the cool-down nobody fires again (the minute's pass included).
      const again = await admin.json('POST', `/api/v1/triggers/${ruleId}/run`);
      assert.equal(again.body.matched, 0);
      await runDueRules(t.database.db, new Date(Date.now() + 120_000));
      assert.equal((await firingsOf(ruleId)).length, 4);

      // The firings list: masked e-mail for a viewer, plain for an admin.
      const page = await viewer.json('GET', `/api/v1/triggers/${ruleId}/firings?limit=3`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.items.length, 3);
      assert.ok(page.body.nextCursor);
      assert.ok(page.body.items.every((f: { email: string }) => !f.email.startsWith('p@') && !f.email.startsWith('k@') && !f.email.startsWith('n@') && !f.email.startsWith('o@')));
      const next = await viewer.json('GET', `/api/v1/triggers/${ruleId}/firings?limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      assert.equal(next.body.items.length, 1);
      const plain = await admin.json('GET', `/api/v1/triggers/${ruleId}/firings`);
      assert.ok(plain.body.items.some((f: { email: string }) => f.email === 'p@daicho-test.jp'));
      await admin.json('PATCH', `/api/v1/triggers/${ruleId}`, { enabled: false });
    });

    test('task rule: one task per person for the owner (else the fallback user), due date, timeline; fires again only after the cool-down', async () => {
      const ruleId = await createRule({
        name: '料金ページ → 電話', action: 'task', cooldownDays: 3, definition: { type: 'page_views', url: '/pricing*', minCount: 2, window: { lastDays: 7 } },
        taskTitle: '料金ページを見た方に電話', dueInDays: 2, fallbackUserId: admin.userId,
      });
      const now = new Date();
      const first = await runRule(t.database.db, ruleId, { now });
      assert.equal(first.tasks, 5, 'P, R, N, O, K');
      const tasks = (await sql<{ customer_id: string; assignee_user_id: string; due_on: string }>`
        SELECT customer_id, assignee_user_id, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM tasks WHERE rule_id = ${ruleId}::uuid`.execute(t.database.db)).rows;
      assert.equal(tasks.length, 5);
      const due = new Date(now.getTime() + 9 * 3_600_000 + 2 * DAY).toISOString().slice(0, 10);
      for (const task of tasks) {
        assert.equal(task.due_on, due);
        assert.equal(task.assignee_user_id, task.customer_id === ids.P ? sales.userId : admin.userId);
      }
      const mine = await sales.json('GET', '/api/v1/tasks?mine=1&status=open');
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.deepEqual(mine.body.items.map((x: { customerId: string; title: string }) => [x.customerId, x.title]), [[ids.P, '料金ページを見た方に電話']]);
      const timeline = (await sql<{ n: number | string }>`SELECT count(*) AS n FROM activities WHERE customer_id = ${ids.P!}::uuid AND type = 'task_created'`.execute(t.database.db)).rows;
      assert.equal(Number(timeline[0]!.n), 1);
      assert.equal((await runRule(t.database.db, ruleId, { now: new Date(now.getTime() + DAY) })).tasks, 0, 'within the cool-down');
      assert.equal((await runRule(t.database.db, ruleId, { now: new Date(now.getTime() + 3 * DAY + 60_000) })).tasks, 5, 'after it');
      assert.equal((await firingsOf(ruleId)).filter((f) => f.customer_id === ids.P).length, 2);

      const done = await sales.json('POST', `/api/v1/tasks/${mine.body.items[0].id}/done`);
      assert.equal(done.status, 204);
      assert.equal((await sales.json('POST', `/api/v1/tasks/${mine.body.items[0].id}/done`)).status, 409);
      assert.equal((await viewer.json('POST', `/api/v1/tasks/${mine.body.items[0].id}/done`)).status, 403);
      await admin.json('DELETE', `/api/v1/triggers/${ruleId}`);
      assert.equal((await admin.json('GET', `/api/v1/triggers/${ruleId}`)).status, 404);
    });

    test('a pass that dies before committing leaves nothing; its retry fires once; a concurrent claim loses', async () => {
      const ruleId = await createRule({
        name: 'クラッシュ', action: 'task', cooldownDays: 7, definition: { type: 'page_views', url: '/pricing*', minCount: 2, window: { lastDays: 7 } },
        taskTitle: '確認', dueInDays: 0, fallbackUserId: admin.userId,
      });
      await assert.rejects(runRule(t.database.db, ruleId, { beforeCommit: async () => { throw new Error('crash'); } }), /crash/u);
      assert.equal((await firingsOf(ruleId)).length, 0);
      assert.equal(Number((await sql<{ n: number | string }>`SELECT count(*) AS n FROM tasks WHERE rule_id = ${ruleId}::uuid`.execute(t.database.db)).rows[0]!.n), 0);
      const retried = await runRule(t.database.db, ruleId);
      assert.equal(retried.tasks, 5);
      assert.equal((await runRule(t.database.db, ruleId)).tasks, 0);
      assert.equal((await firingsOf(ruleId)).length, 5);
      // Another server read the rule before this pass claimed it: its compare-and-set fails and it runs nothing.
      const stale = (await sql<{ last_run_at: Date }>`SELECT last_run_at FROM trigger_rules WHERE id = ${ruleId}::uuid`.execute(t.database.db)).rows[0]!.last_run_at;
      await sql`UPDATE trigger_rules SET last_run_at = now() WHERE id = ${ruleId}::uuid`.execute(t.database.db);
      const { claimRule } = await import('../../../src/use/triggers/triggers.repository.ts');
      assert.equal(await claimRule(t.database.db, ruleId, stale, new Date()), false);
    });
  });
}
