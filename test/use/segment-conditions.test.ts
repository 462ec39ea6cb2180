import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { recordMessageActivity } from '../../src/use/campaigns/tracking.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;

// The condition kinds test/use/segments.test.ts leaves out: events, forms, companies, typed custom fields, dates,
// first source, predicted values, RFM segments and campaign e-mail.
for (const engine of ENGINES) {
  describe(`segment conditions: events, forms, companies, custom fields, sources [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const ids: Record<string, string> = {};
    const count = async (definition: unknown) => {
      const res = await admin.json('POST', '/api/v1/segments/count', { definition });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.count as number;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      for (const [key, type, options] of [['score', 'number', []], ['renewal', 'date', []], ['plan', 'select', ['basic', 'pro']], ['interests', 'multi_select', ['dx', 'ai', 'crm']], ['vip', 'boolean', []]] as const) {
        const res = await admin.json('POST', '/api/v1/custom-fields', { entity: 'customer', key, labelJa: key, type, ...(options.length ? { options } : {}) });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const first = await ingestRecords(t.database.db, {
        source: { name: 'meishi', label: '名刺', kind: 'file_import' },
        records: [
          { externalId: 'a', fields: { full_name: '青木 愛', email: 'ai@maker.co.jp', company_name: '青木製作所株式会社' } },
          { externalId: 'b', fields: { full_name: '馬場 文', email: 'bun@shop.co.jp', company_name: '馬場商店' } },
        ],
        actor,
      });
      const later = await ingestRecords(t.database.db, {
        source: { name: 'web', label: 'Web', kind: 'file_import' },
        records: [{ externalId: 'c', fields: { full_name: '千葉 智', email: 'chiba@web.jp' } }, { externalId: 'a2', fields: { full_name: '青木 愛', email: 'ai@maker.co.jp' } }],
        actor,
      });
      for (const l of [...first, ...later]) ids[l.externalId] = l.customerId;
      assert.equal(ids.a, ids.a2, 'the same person from two sources');
      const companyOf = async (id: string) => (await admin.json('GET', `/api/v1/customers/${id}`)).body.company.id as string;
      const company = async (id: string, facts: Record<string, unknown>) => {
        const res = await admin.json('PATCH', `/api/v1/companies/${await companyOf(id)}`, facts);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      await company(ids.a!, { industry: '製造業', employees: '120名', prefecture: '愛知県' });
      await company(ids.b!, { industry: '小売業', employees: '5名', prefecture: '東京都' });
      const edit = async (id: string, customFields: Record<string, unknown>) => {
        const res = await admin.json('PATCH', `/api/v1/customers/${id}`, { customFields });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      await edit(ids.a!, { score: 85, renewal: '2027-03-31', plan: 'pro', interests: ['dx', 'ai'], vip: true });
      await edit(ids.b!, { score: 40, renewal: '2026-12-31', plan: 'basic', interests: ['crm'], vip: false });
      // A seminar Ai attended and Bun missed; a webinar Chiba registered for.
      const seminar = await admin.json('POST', '/api/v1/events', { name: 'DX セミナー', kind: 'seminar', startsAt: new Date(Date.now() - 20 * DAY).toISOString() });
      const webinar = await admin.json('POST', '/api/v1/events', { name: 'AI ウェビナー', kind: 'webinar', startsAt: new Date(Date.now() + 10 * DAY).toISOString() });
      ids.seminar = seminar.body.id;
      for (const [event, email, status] of [[seminar.body.id, 'ai@maker.co.jp', 'attended'], [seminar.body.id, 'bun@shop.co.jp', 'no_show'], [webinar.body.id, 'chiba@web.jp', 'registered']]) {
        const r = await admin.json('POST', `/api/v1/events/${event}/registrations`, { email, status });
        assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
      }
      // A brochure request by Chiba.
      const form = await admin.json('POST', '/api/v1/forms', { slug: 'brochure', title: '資料請求', kind: 'brochure_request', fields: [{ key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true }] });
      assert.equal(form.status, 201, JSON.stringify(form.body));
      ids.form = form.body.id;
      const chibaRecord = later.find((l) => l.externalId === 'c')!.recordId;
      await sql`INSERT INTO form_submissions (form_id, submission_key, status, values, source_record_id) VALUES (${form.body.id}, 'k1', 'accepted', '{}'::jsonb, ${chibaRecord})`.execute(t.database.db);
    });
    after(async () => t.close());

    test('events by status, kind and window; forms', async () => {
      assert.equal(await count({ type: 'event', status: 'attended' }), 1);
      assert.equal(await count({ type: 'event', status: 'no_show', eventId: ids.seminar }), 1);
      assert.equal(await count({ type: 'event', status: 'registered' }), 3);
      assert.equal(await count({ type: 'event', status: 'registered', eventKind: 'webinar' }), 1);
      assert.equal(await count({ type: 'event', status: 'registered', window: { lastDays: 30 } }), 3); // when they signed up
      assert.equal(await count({ type: 'event', status: 'attended', window: { lastDays: 30 } }), 1); // when it took place
      assert.equal(await count({ type: 'event', status: 'attended', window: { lastDays: 10 } }), 0);
      assert.equal(await count({ type: 'form_submitted' }), 1);
      assert.equal(await count({ type: 'form_submitted', formId: ids.form }), 1);
      assert.equal(await count({ type: 'form_submitted', window: { lastDays: 1 } }), 1);
    });

    test('companies: JSIC major, size band, employees, prefecture', async () => {
      assert.equal(await count({ type: 'company', field: 'industry', values: ['E'] }), 1); // 製造業
      assert.equal(await count({ type: 'company', field: 'industry', values: ['E', 'I'] }), 2); // + 卸売業，小売業
      assert.equal(await count({ type: 'company', field: 'size_band', values: ['50-299'] }), 1);
      assert.equal(await count({ type: 'company', field: 'employees', min: 10 }), 1);
      assert.equal(await count({ type: 'company', field: 'prefecture', values: ['東京都'] }), 1);
      assert.equal(await count({ type: 'not', condition: { type: 'company', field: 'industry', values: ['E'] } }), 2); // Chiba has no company
    });

    test('custom fields by type', async () => {
      assert.equal(await count({ type: 'custom_field', key: 'score', op: 'between', min: 50 }), 1);
      assert.equal(await count({ type: 'custom_field', key: 'renewal', op: 'between', from: '2027-01-01', to: '2027-12-31' }), 1);
      assert.equal(await count({ type: 'custom_field', key: 'plan', op: 'in', values: ['pro', 'basic'] }), 2);
      assert.equal(await count({ type: 'custom_field', key: 'interests', op: 'has_any', values: ['ai', 'crm'] }), 2);
      assert.equal(await count({ type: 'custom_field', key: 'interests', op: 'has_all', values: ['dx', 'ai'] }), 1);
      assert.equal(await count({ type: 'custom_field', key: 'vip', op: 'is_true' }), 1);
      assert.equal(await count({ type: 'custom_field', key: 'vip', op: 'is_false' }), 2); // unset counts as false
      assert.equal(await count({ type: 'custom_field', key: 'plan', op: 'is_not_set' }), 1);
      const wrong = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'custom_field', key: 'vip', op: 'between', min: 1 } });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.errors[0].field, 'definition.op');
    });

    test('campaign e-mail: received (a bounce is not), opened, clicked; by campaign, message count and window', async () => {
      const campaign = async (name: string) => {
        const res = await admin.json('POST', '/api/v1/campaigns', { name, channel: 'email', subject: name, bodyText: 'https://shop.daicho-test.jp/a https://shop.daicho-test.jp/b' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.id as string;
      };
      const spring = await campaign('春のご案内');
      const autumn = await campaign('秋のご案内');
      const db = t.database.db;
      // The send loop's and the tracker's writer of the timeline (src/use/campaigns/tracking.service.ts).
      const event = (message: number, campaignId: string, who: string, address: string, type: 'email_sent' | 'email_opened' | 'email_bounced', days: number) =>
        recordMessageActivity(db, { id: message, campaignId, campaignName: 'x', customerId: ids[who]!, address }, type, new Date(Date.now() - days * DAY));
      await event(9001, spring, 'a', 'ai@maker.co.jp', 'email_sent', 10);
      await event(9001, spring, 'a', 'ai@maker.co.jp', 'email_opened', 9);
      // Two links of one message clicked: two activities, one message.
      for (const link of [0, 1]) {
        await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties, dedupe_key)
          VALUES (${ids.a!}, 'email_clicked', ${new Date(Date.now() - 9 * DAY)}, 'click', ${JSON.stringify({ campaignId: spring, messageId: 9001, link })}::jsonb, ${`campaign:9001:email_clicked:${link}`})`.execute(db);
      }
      await event(9002, autumn, 'a', 'ai@maker.co.jp', 'email_sent', 2);
      await event(9003, spring, 'b', 'bun@shop.co.jp', 'email_sent', 10);
      await event(9003, spring, 'b', 'bun@shop.co.jp', 'email_bounced', 10);
      await event(9004, autumn, 'c', 'chiba@web.jp', 'email_sent', 40);
      await event(9004, autumn, 'c', 'chiba@web.jp', 'email_opened', 40);

      assert.equal(await count({ type: 'email', action: 'received' }), 2); // Ai, Chiba: Bun's message bounced
      assert.equal(await count({ type: 'email', action: 'received', minCount: 2 }), 1); // Ai
      assert.equal(await count({ type: 'email', action: 'received', campaignId: spring }), 1);
      assert.equal(await count({ type: 'email', action: 'received', window: { lastDays: 30 } }), 1);
      assert.equal(await count({ type: 'email', action: 'opened' }), 2);
      assert.equal(await count({ type: 'email', action: 'opened', window: { lastDays: 30 } }), 1);
      assert.equal(await count({ type: 'email', action: 'opened', campaignId: autumn }), 1); // Chiba
      assert.equal(await count({ type: 'email', action: 'clicked' }), 1);
      assert.equal(await count({ type: 'email', action: 'clicked', minCount: 2 }), 0); // one message, two links
      assert.equal(await count({ type: 'not', condition: { type: 'email', action: 'opened' } }), 1); // Bun
      const unknown = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'and', conditions: [{ type: 'email', action: 'opened', campaignId: '00000000-0000-4000-8000-000000000000' }] } });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors[0].field, 'definition.conditions[0].campaignId');
      assert.match(unknown.body.errors[0].message, /キャンペーンが見つかりません/u);
      const wrong = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'email', action: 'forwarded' } });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.errors[0].field, 'definition.action');
    });

    test('sources: first seen, number of sources; dates; empty RFM and predicted values', async () => {
      assert.equal(await count({ type: 'source', source: 'meishi', op: 'first_seen' }), 2);
      assert.equal(await count({ type: 'source', source: 'web', op: 'first_seen' }), 1);
      // Registrations came in through the events source too (edits, the manual source, do not count).
      assert.equal(await count({ type: 'source_count', min: 3 }), 1);
      assert.equal(await count({ type: 'source_count', max: 2 }), 2);
      assert.equal(await count({ type: 'source_count', max: 1 }), 0);
      assert.equal(await count({ type: 'date', field: 'created_at', window: { lastDays: 1 } }), 3);
      assert.equal(await count({ type: 'date', field: 'created_at', window: { to: '2020-01-01' } }), 0);
      assert.equal(await count({ type: 'predicted', metric: 'p_alive', max: 0.3 }), 0);
      assert.equal(await count({ type: 'rfm', segments: ['champions'] }), 0);
      const bad = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'rfm', segments: ['kings'] } });
      assert.equal(bad.status, 400);
    });
  });
}
