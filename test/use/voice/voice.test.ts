import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const ORIGIN = 'https://www.daicho-test.jp';

for (const engine of ENGINES) {
  describe(`voice of customer [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let marketing: Client;
    let sales: Client;
    let viewer: Client;
    let valued: string;
    let teamId: string;

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      marketing = await t.as('marketing');
      sales = await t.as('sales');
      viewer = await t.as('viewer');
      const db = t.database.db;
      const [v] = await ingestRecords(db, { source: { name: 'crm', label: 'CRM', kind: 'file_import' }, records: [{ externalId: 'v1', fields: { full_name: '優良 一郎', email: 'ichiro@daicho-test.jp' } }], actor });
      valued = v!.customerId;
      await sql`UPDATE customers SET owner_user_id = ${sales.userId}::uuid WHERE id = ${valued}::uuid`.execute(db);
      await sql`INSERT INTO customer_values (customer_id, as_of, frequency, monetary, currency, tier, segment) VALUES (${valued}::uuid, '2026-01-01', 5, '100000', 'JPY', 'loyal', 'champions')`.execute(db);
      await sql`INSERT INTO products (sku, name) VALUES ('SKU-1', '台帳ケトル'), ('SKU-2', '台帳ポット')`.execute(db);
      await sql`UPDATE messaging_settings SET sender_name = '株式会社台帳', from_email = 'support@daicho-test.jp'`.execute(db);
      const team = await admin.json('POST', '/api/v1/voice/teams', { name: '品質チーム', memberUserIds: [marketing.userId] });
      assert.equal(team.status, 201, JSON.stringify(team.body));
      teamId = team.body.id;
      const rule = await admin.json('POST', '/api/v1/voice/routing-rules', { name: '不具合は品質チームへ', tag: '不具合', teamId, dueInDays: 2 });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
    });
    after(async () => t.close());

    test('the API: an unknown sender becomes a prospect; tags, sentiment, routing, timeline; same key once', async () => {
      const body = { email: 'new.person@daicho-test.jp', name: '新規 花子', text: 'アプリが起動しない不具合があり、とても困っています。', productSkus: ['SKU-1'], externalId: 'ext-1' };
      const res = await sales.json('POST', '/api/v1/voice/items', body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const item = res.body.item;
      assert.equal(res.body.duplicate, false);
      assert.equal(item.sentiment, 'negative');
      assert.ok(item.tags.some((g: { tag: string; origin: string }) => g.tag === '不具合' && g.origin === 'rule'));
      assert.equal(item.teamId, teamId);
      assert.ok(item.dueOn);
      assert.equal(item.channel, 'api');
      const customer = await t.database.db.selectFrom('customers').select(['lifecycle_stage', 'email']).where('id', '=', item.customerId).executeTakeFirstOrThrow();
      assert.equal(customer.email, 'new.person@daicho-test.jp');
      const again = await sales.json('POST', '/api/v1/voice/items', body);
      assert.equal(again.body.duplicate, true);
      assert.equal(again.body.item.id, item.id);
      const timeline = await t.database.db.selectFrom('activities').select(['type']).where('customer_id', '=', item.customerId).where('type', '=', 'voice_received').execute();
      assert.equal(timeline.length, 1);
      const bad = await sales.json('POST', '/api/v1/voice/items', { text: 'x' });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.errors.some((e: { field: string }) => e.field === 'customerId'));
      const badSku = await sales.json('POST', '/api/v1/voice/items', { customerId: valued, text: '良い', productSkus: ['NOPE'] });
      assert.equal(badSku.status, 400);
    });

    test('negative feedback from a loyal customer gives the owner a task; positive does not', async () => {
      const before = await t.database.db.selectFrom('tasks').select('id').where('customer_id', '=', valued).execute();
      const ok = await sales.json('POST', '/api/v1/voice/items', { customerId: valued, text: 'いつも丁寧な対応で満足しています。ありがとうございます。' });
      assert.equal(ok.body.item.sentiment, 'positive');
      const bad = await sales.json('POST', '/api/v1/voice/items', { customerId: valued, text: '配送が遅すぎて最悪です。二度と頼みたくない。' });
      assert.equal(bad.body.item.sentiment, 'negative');
      const tasks = await t.database.db.selectFrom('tasks').select(['assignee_user_id', 'title']).where('customer_id', '=', valued).execute();
      assert.equal(tasks.length, before.length + 1);
      assert.equal(tasks.at(-1)!.assignee_user_id, sales.userId);
      assert.match(tasks.at(-1)!.title, /優良/);
    });

    test('segment condition 「N 日以内に否定的な声」: the customers with a negative item in the window; a bad window is a 400', async () => {
      const count = async (definition: unknown) => {
        const r = await sales.json('POST', '/api/v1/segments/count', { definition });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.count as number;
      };
      // The new prospect's bug report and the loyal customer's delivery complaint; the praise does not count.
      assert.equal(await count({ type: 'negative_feedback', days: 30 }), 2);
      const db = t.database.db;
      const newest = await db.selectFrom('voice_items').select('id').where('sentiment', '=', 'negative').orderBy('received_at', 'desc').limit(1).executeTakeFirstOrThrow();
      await db.updateTable('voice_items').set({ received_at: new Date(Date.now() - 60 * 86_400_000) }).where('id', '=', newest.id).execute();
      assert.equal(await count({ type: 'negative_feedback', days: 30 }), 1, 'a complaint 60 days old is outside a 30-day window');
      assert.equal(await count({ type: 'negative_feedback', days: 90 }), 2);
      const bad = await sales.json('POST', '/api/v1/segments/count', { definition: { type: 'negative_feedback', days: 0 } });
      assert.equal(bad.status, 400);
    });

    test('dashboard panel voice_by_month: items per Japan month and sentiment, with Japanese labels', async () => {
      const items = await t.database.db.selectFrom('voice_items').select(['sentiment', 'received_at']).execute();
      const month = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 7);
      const expected = new Map<string, number>();
      for (const i of items) expected.set(`${month(i.received_at)}|${i.sentiment}`, (expected.get(`${month(i.received_at)}|${i.sentiment}`) ?? 0) + 1);
      const res = await sales.json('GET', '/api/v1/dashboards/panels/voice_by_month');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const got = new Map<string, number>((res.body.rows as Array<{ month: string; sentiment: string; items: number }>).map((r) => [`${r.month}|${r.sentiment}`, r.items]));
      // The panel shows the last 12 months; every item here is within them.
      assert.deepEqual([...got.entries()].sort(), [...expected.entries()].sort());
      assert.ok((res.body.rows as Array<{ sentiment: string; label: string }>).every((r) => ({ negative: '否定的', neutral: '中立', positive: '肯定的' } as Record<string, string>)[r.sentiment] === r.label));
    });

    test('e-mail to the feedback address: the sender is resolved to the existing customer; Message-ID once', async () => {
      const mail = { from: '優良 一郎 <Ichiro@daicho-test.jp>', subject: '商品について', text: '品質がとても良く、気に入っています。', messageId: '<m1@daicho-test.jp>' };
      const res = await sales.json('POST', '/api/v1/voice/inbound-email', mail);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.item.customerId, valued);
      assert.equal(res.body.item.channel, 'email');
      assert.equal((await sales.json('POST', '/api/v1/voice/inbound-email', mail)).body.duplicate, true);
      const bad = await sales.json('POST', '/api/v1/voice/inbound-email', { from: 'not an address', text: 'x' });
      assert.equal(bad.status, 400);
    });

    test('a form with a message field: each submission lands in the inbox, tagged, on the submitter', async () => {
      const form = await admin.json('POST', '/api/v1/forms', {
        slug: 'inquiry', kind: 'contact', title: 'お問い合わせ', status: 'published', allowedOrigins: [ORIGIN], fields: [
          { key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true },
          { key: 'message', target: 'custom.inquiry', labelJa: 'お問い合わせ内容', type: 'textarea', required: true, voiceMessage: true },
        ],
      });
      assert.equal(form.status, 201, JSON.stringify(form.body));
      assert.equal(form.body.fields[1].voiceMessage, true);
      const res = await t.app.request('/api/v1/public/forms/inquiry/submissions', {
        method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ submission_key: 'voice-sub-0001', email: 'form.person@daicho-test.jp', message: '返金の手続きについて教えてください。' }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const list = await marketing.json('GET', '/api/v1/voice/items?channel=form');
      assert.equal(list.body.items.length, 1);
      assert.ok(list.body.items[0].tags.some((g: { tag: string }) => g.tag === '返品・返金'));
      const detail = await marketing.json('GET', `/api/v1/voice/items/${list.body.items[0].id}`);
      assert.equal(detail.body.formId, form.body.id);
      const twoMessages = await admin.json('POST', '/api/v1/forms', {
        slug: 'inquiry2', kind: 'contact', title: 'x', fields: [
          { key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true, voiceMessage: true },
        ],
      });
      assert.equal(twoMessages.status, 400);
    });

    test('CSV of survey answers: good rows land, a bad row is reported with its line; NPS', async () => {
      const csv = 'メールアドレス,氏名,回答日時,NPS,コメント,商品コード\n'
        + 'a@daicho-test.jp,回答 太郎,2026-11-02 10:00,10,とても使いやすいです,SKU-2\n'
        + 'b@daicho-test.jp,回答 次郎,2026-11-03 11:00,12,高すぎる,SKU-2\n'
        + 'c@daicho-test.jp,回答 三郎,2026-11-04 12:00,3,サポートの返信が遅い,SKU-2\n';
      const res = await marketing.request('POST', '/api/v1/voice/import', undefined, { 'content-type': 'text/csv' });
      assert.equal(res.status, 400);
      const ok = await Promise.resolve(t.app.request('/api/v1/voice/import', { method: 'POST', headers: { authorization: `Bearer ${(await createApiKey(t.database.db, marketing.userId, 'csv')).key}`, 'content-type': 'text/csv' }, body: csv }));
      const result = await ok.json() as { rows: number; created: number; errors: Array<{ line: number; field: string }> };
      assert.equal(ok.status, 200, JSON.stringify(result));
      assert.equal(result.rows, 3);
      assert.equal(result.created, 2);
      assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[3, 'score']]);
      const scores = await viewer.json('GET', '/api/v1/voice/scores?product=SKU-2');
      assert.equal(scores.status, 200);
      assert.deepEqual({ n: scores.body.nps.n, nps: scores.body.nps.nps }, { n: 2, nps: 0 });
      const trend = await viewer.json('GET', '/api/v1/voice/trend?product=SKU-2');
      assert.deepEqual(trend.body.months.map((m: { month: string; total: number }) => [m.month, m.total]), [['2026-11', 2]]);
    });

    test('follow-up: status, comment, reply (to the outbox), done, all on the timeline; a viewer sees it masked', async () => {
      const created = await sales.json('POST', '/api/v1/voice/items', { customerId: valued, text: '保証期間について質問があります。', subject: '保証' });
      const id = created.body.item.id;
      assert.equal((await sales.json('PATCH', `/api/v1/voice/items/${id}`, { status: 'in_progress', assigneeUserId: sales.userId })).status, 200);
      assert.equal((await sales.json('POST', `/api/v1/voice/items/${id}/comments`, { body: '営業から電話済み' })).status, 200);
      assert.equal((await sales.json('POST', `/api/v1/voice/items/${id}/tags`, { tag: '保証' })).status, 200);
      const replied = await sales.json('POST', `/api/v1/voice/items/${id}/reply`, { subject: 'Re: 保証', body: '保証は1年間です。', markDone: true });
      assert.equal(replied.status, 200, JSON.stringify(replied.body));
      assert.equal(replied.body.status, 'done');
      assert.equal(replied.body.replies[0].transport, 'outbox');
      assert.equal(replied.body.replies[0].toAddress, 'ichiro@daicho-test.jp');
      const outbox = await t.database.db.selectFrom('outbox_messages').select(['to_address', 'subject']).where('subject', '=', 'Re: 保証').execute();
      assert.equal(outbox.length, 1);
      const types = (await t.database.db.selectFrom('activities').select('type').where('customer_id', '=', valued).execute()).map((a) => a.type);
      for (const type of ['voice_received', 'voice_reply', 'voice_done']) assert.ok(types.includes(type), type);
      const masked = await viewer.json('GET', `/api/v1/voice/items/${id}`);
      assert.equal(masked.status, 200);
      assert.equal(masked.body.text, '＊＊＊');
      assert.equal(masked.body.comments[0].body, '＊＊＊');
      assert.equal(masked.body.replies[0].body, '＊＊＊');
      assert.equal(masked.body.masked, true);
      assert.equal((await viewer.json('PATCH', `/api/v1/voice/items/${id}`, { status: 'new' })).status, 403);
      assert.equal((await sales.json('POST', '/api/v1/voice/tag-rules', { tag: 'x', keywords: ['x'] })).status, 403);
      assert.equal((await sales.request('GET', '/api/v1/voice/export.csv')).status, 403);
    });

    test('inbox filters, Japanese search, keyset paging, export audited, sales note as feedback, near-duplicates grouped', async () => {
      const text = '注文した台帳ケトルが届かないのですが、配送状況を確認してもらえますか。';
      const a = await sales.json('POST', '/api/v1/voice/items', { customerId: valued, text, productSkus: ['SKU-1'] });
      const b = await sales.json('POST', '/api/v1/voice/items', { email: 'other@daicho-test.jp', text: `${text}よろしくお願いします。`, productSkus: ['SKU-1'] });
      assert.ok(b.body.item.groupId);
      assert.equal(a.body.item.id !== b.body.item.id, true);
      assert.equal((await sales.json('GET', `/api/v1/voice/items/${a.body.item.id}`)).body.groupId, b.body.item.groupId);
      const found = await sales.json('GET', `/api/v1/voice/items?q=${encodeURIComponent('ﾊｲｿｳ')}`);
      assert.equal(found.status, 200);
      const search = await sales.json('GET', `/api/v1/voice/items?q=${encodeURIComponent('届かない')}`);
      assert.equal(search.body.items.length, 2);
      const one = await sales.json('GET', '/api/v1/voice/items?limit=1&status=new,in_progress');
      assert.equal(one.body.items.length, 1);
      const next = await sales.json('GET', `/api/v1/voice/items?limit=1&status=new,in_progress&cursor=${one.body.nextCursor}`);
      assert.notEqual(next.body.items[0].id, one.body.items[0].id);
      assert.equal((await sales.json('GET', '/api/v1/voice/items?status=bogus')).status, 400);
      const filtered = await sales.json('GET', `/api/v1/voice/items?product=SKU-1&sentiment=negative&teamId=${teamId}`);
      assert.ok(filtered.body.items.every((i: { productSkus: string[] }) => i.productSkus.includes('SKU-1')));
      const csv = await marketing.request('GET', '/api/v1/voice/export.csv?tag=配送');
      assert.equal(csv.status, 200);
      assert.match(await csv.text(), /受信日時/);
      const audited = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'voice.export').execute();
      assert.equal(audited.length, 1);
      const note = await sales.json('POST', `/api/v1/customers/${valued}/notes`, { body: '価格が高いので値下げを検討してほしいとのこと' });
      assert.ok(note.status === 201 || note.status === 200, JSON.stringify(note.body));
      const noteId = note.body.id ?? note.body.activity?.id;
      const fromNote = await sales.json('POST', `/api/v1/voice/notes/${noteId}`, {});
      assert.equal(fromNote.status, 201, JSON.stringify(fromNote.body));
      assert.equal(fromNote.body.item.channel, 'note');
      assert.ok(fromNote.body.item.tags.some((g: { tag: string }) => g.tag === '価格'));
      const digest = await viewer.json('GET', `/api/v1/voice/digest?teamId=${teamId}`);
      assert.equal(digest.status, 200, JSON.stringify(digest.body));
      const groups = await viewer.json('GET', '/api/v1/voice/groups');
      assert.ok(groups.body.items.length >= 1);
    });

    test('a deleted customer\'s items are hidden', async () => {
      const created = await sales.json('POST', '/api/v1/voice/items', { email: 'gone@daicho-test.jp', text: '削除される人の声' });
      assert.equal((await admin.request('DELETE', `/api/v1/customers/${created.body.item.customerId}`)).status, 204);
      assert.equal((await sales.json('GET', `/api/v1/voice/items/${created.body.item.id}`)).status, 404);
      const list = await sales.json('GET', `/api/v1/voice/items?q=${encodeURIComponent('削除される')}`);
      assert.equal(list.body.items.length, 0);
    });
  });
}

