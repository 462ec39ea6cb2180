import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { FORM_RATE_LIMIT } from '../../../src/intake/forms/forms.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const FIELDS = [
  { key: 'family_name', target: 'family_name', labelJa: '姓', type: 'text', required: true },
  { key: 'given_name', target: 'given_name', labelJa: '名', type: 'text', required: true },
  { key: 'kana', target: 'full_name_kana', labelJa: 'フリガナ', type: 'kana', required: true },
  { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
  { key: 'tel', target: 'phone', labelJa: '電話番号', type: 'tel', required: false },
  { key: 'zip', target: 'postal_code', labelJa: '郵便番号', type: 'postal_code', required: false },
  { key: 'pref', target: 'prefecture', labelJa: '都道府県', type: 'prefecture', required: false },
  { key: 'addr', target: 'address', labelJa: '住所', type: 'text', required: false },
  { key: 'company', target: 'company_name', labelJa: '会社名', type: 'text', required: false },
  { key: 'timing', target: 'custom.導入時期', labelJa: '導入時期', type: 'radio', required: false, options: ['3ヶ月以内', '1年以内', '未定'] },
  { key: 'message', target: 'custom.お問い合わせ内容', labelJa: 'お問い合わせ内容', type: 'textarea', required: false },
];
const CONSENT = 'ご入力いただいた個人情報は、資料の送付および当社製品・セミナーのご案内に利用します。';
const EMBED_ORIGIN = 'https://www.kaisha-site.co.jp';

for (const engine of ENGINES) {
  describe(`forms [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let brochureId: string;

    const post = (slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      Promise.resolve(t.app.request(`/api/v1/public/forms/${slug}/submissions`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7', ...headers }, body: JSON.stringify(body),
      }));
    const person = (over: Record<string, unknown> = {}) => ({
      submission_key: randomUUID(), family_name: '佐藤', given_name: '花子', kana: 'さとう はなこ', email: 'hanako.sato@kaisha-mail.co.jp',
      tel: '090-3141-5926', zip: '1000001', pref: '東京都', addr: '千代田区千代田1-1', company: '株式会社台帳商事', timing: '1年以内',
      message: '見積もりをお願いします', consent: true, ...over,
    });
    const count = async (table: 'source_records' | 'activities' | 'consents' | 'form_submissions' | 'customers') =>
      Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      t = await startTestApp(engine, { trustProxy: true, trustedProxyHops: 1 });
      admin = await t.as('admin');
    });
    after(async () => t.close());

    test('create, read, edit and list a form; a bad definition is a 400 with field paths', async () => {
      const bad = await admin.json('POST', '/api/v1/forms', { slug: 'x-bad', kind: 'contact', title: 'x', fields: [{ key: 'Email', target: 'email', labelJa: 'メール', type: 'email', required: true }], consentRequired: true });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.errors.some((e: { field: string }) => e.field === 'fields.0.key'));
      assert.ok(bad.body.errors.some((e: { field: string; message: string }) => e.field === 'consentText' && /利用目的/.test(e.message)));

      const created = await admin.json('POST', '/api/v1/forms', {
        slug: 'catalog', kind: 'brochure_request', title: '製品カタログ資料請求', fields: FIELDS,
        consentPurpose: 'marketing', consentText: CONSENT, consentRequired: true, allowedOrigins: [`${EMBED_ORIGIN}/`],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      brochureId = created.body.id;
      assert.equal(created.body.status, 'draft');
      assert.equal(created.body.hostedPath, '/f/catalog');
      assert.deepEqual(created.body.allowedOrigins, [EMBED_ORIGIN]);
      const source = await t.database.db.selectFrom('sources').select(['name', 'kind']).where('id', '=', created.body.sourceId).executeTakeFirstOrThrow();
      assert.deepEqual(source, { name: 'form-catalog', kind: 'form' });

      const dup = await admin.json('POST', '/api/v1/forms', { slug: 'catalog', kind: 'contact', title: 'x' });
      assert.equal(dup.status, 409);

      // A draft is not public yet.
      assert.equal((await post('catalog', person())).status, 404);
      assert.equal((await t.app.request('/f/catalog')).status, 404);

      const edited = await admin.json('PATCH', `/api/v1/forms/${brochureId}`, { status: 'published', consentText: `${CONSENT}\n詳しくはプライバシーポリシーをご覧ください。` });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.consentVersion, 2, 'changing the wording bumps the version');
      const slugChange = await admin.json('PATCH', `/api/v1/forms/${brochureId}`, { slug: 'other' });
      assert.equal(slugChange.status, 400);

      const list = await admin.json('GET', '/api/v1/forms');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((f: { slug: string }) => f.slug), ['catalog']);
      const catalog = await admin.json('GET', '/api/v1/forms/field-catalog');
      assert.ok(catalog.body.targets.some((x: { target: string; type: string }) => x.target === 'full_name_kana' && x.type === 'kana'));
    });

    test('a submission becomes a source record, a customer, a form_submission activity and a consent', async () => {
      const res = await post('catalog', person({ submission_key: 'sub-0001-abcdef', visitor_id: 'v-1234567890' }));
      assert.equal(res.status, 201, await res.clone().text());
      const body = await res.json();
      assert.equal(body.status, 'accepted');
      assert.equal(body.duplicate, false);
      assert.match(body.message, /ありがとうございました/);
      assert.equal('customerId' in body, false, 'the public answer never reveals customer ids');

      const record = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.id', 'source_records.customer_id', 'source_records.external_id', 'source_records.normalized'])
        .where('sources.name', '=', 'form-catalog').executeTakeFirstOrThrow();
      assert.equal(record.external_id, 'sub-0001-abcdef');
      const customer = await t.database.db.selectFrom('customers').selectAll().where('id', '=', record.customer_id!).executeTakeFirstOrThrow();
      assert.equal(customer.family_name, '佐藤');
      assert.equal(customer.family_name_kana, 'サトウ');
      assert.equal(customer.email, 'hanako.sato@kaisha-mail.co.jp');
      assert.equal(customer.phone, '+819031415926');
      assert.equal(customer.postal_code, '1000001');
      assert.equal(customer.prefecture, '東京都');
      assert.equal((customer.custom_fields as Record<string, unknown>)['導入時期'], '1年以内');

      const activities = await t.database.db.selectFrom('activities').selectAll().where('customer_id', '=', customer.id).where('type', '=', 'form_submission').execute();
      assert.equal(activities.length, 1);
      assert.equal(activities[0]!.source_record_id, record.id);
      assert.equal(activities[0]!.title, '資料請求: 製品カタログ資料請求');
      const props = activities[0]!.properties as { formSlug: string; formTitle: string; answers: Array<{ key: string; value: unknown }>; consent: boolean; consentPurpose: string; consentVersion: number };
      assert.equal(props.formSlug, 'catalog');
      assert.deepEqual(props.answers, [{ key: 'timing', label: '導入時期', value: '1年以内' }], 'free text and contact details stay off the timeline');
      assert.deepEqual([props.formTitle, props.consent, props.consentPurpose, props.consentVersion], ['製品カタログ資料請求', true, 'marketing', 2]);

      const consents = await t.database.db.selectFrom('consents').selectAll().where('customer_id', '=', customer.id).execute();
      assert.equal(consents.length, 1);
      assert.equal(consents[0]!.purpose, 'marketing');
      assert.equal(consents[0]!.granted, true);
      assert.equal(consents[0]!.text_version, 2);
      assert.match(consents[0]!.text_shown!, /プライバシーポリシー/);
      assert.equal(consents[0]!.source_record_id, record.id);

      const log = await admin.json('GET', `/api/v1/customers/${customer.id}/consents`);
      assert.equal(log.status, 200);
      assert.deepEqual(log.body.items.map((c: { purpose: string; granted: boolean; textVersion: number; source: string }) => [c.purpose, c.granted, c.textVersion, c.source]),
        [['marketing', true, 2, 'フォーム: 製品カタログ資料請求']]);

      const submission = await t.database.db.selectFrom('form_submissions').selectAll().where('submission_key', '=', 'sub-0001-abcdef').executeTakeFirstOrThrow();
      assert.equal(submission.source_record_id, record.id);
      assert.equal(submission.visitor_id, 'v-1234567890');
      assert.ok(submission.ip_hash && !submission.ip_hash.includes('198.51'), 'the address is stored hashed');

      const timeline = await admin.json('GET', `/api/v1/customers/${customer.id}/activities`);
      assert.ok(timeline.body.items.some((a: { type: string }) => a.type === 'form_submission'));
    });

    test('the same submission key twice is one submission, one record, one activity', async () => {
      const before = { records: await count('source_records'), activities: await count('activities'), consents: await count('consents'), subs: await count('form_submissions') };
      const again = await post('catalog', person({ submission_key: 'sub-0001-abcdef' }));
      assert.equal(again.status, 200);
      assert.equal((await again.json()).duplicate, true);
      // A double click: two identical POSTs at once.
      const key = randomUUID();
      const hayashi = person({ submission_key: key, email: 'hajime.hayashi@kaisha-mail.co.jp', family_name: '林', given_name: '一', kana: 'はやし はじめ', tel: '03-5211-7788', zip: '5300001', pref: '大阪府', addr: '大阪市北区梅田1-1', company: '林工業株式会社' });
      const statuses = (await Promise.all([post('catalog', hayashi), post('catalog', hayashi)])).map((r) => r.status).sort();
      assert.ok(statuses.every((s) => s === 200 || s === 201) && statuses.includes(201), statuses.join());
      assert.equal(await count('source_records'), before.records + 1);
      assert.equal(await count('form_submissions'), before.subs + 1);
      assert.equal(await count('activities'), before.activities + 1);
      assert.equal(await count('consents'), before.consents + 1);
    });

    test('a second form submitted by the same person (same e-mail) lands on the same customer', async () => {
      const seminar = await admin.json('POST', '/api/v1/forms', {
        slug: 'seminar-2025', kind: 'event_registration', title: 'DXセミナー申込', status: 'published', allowedOrigins: [EMBED_ORIGIN],
        fields: [
          { key: 'name', target: 'full_name', labelJa: 'お名前', type: 'text', required: true },
          { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
          { key: 'company', target: 'company_name', labelJa: '会社名', type: 'text', required: false },
        ],
      });
      assert.equal(seminar.status, 201, JSON.stringify(seminar.body));
      const res = await post('seminar-2025', { submission_key: randomUUID(), name: '佐藤 花子', email: 'HANAKO.SATO@kaisha-mail.co.jp', company: '株式会社台帳商事' });
      assert.equal(res.status, 201);
      const owners = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['sources.name', 'source_records.customer_id'])
        .where('sources.name', 'in', ['form-catalog', 'form-seminar-2025'])
        .where('source_records.external_id', 'in', ['sub-0001-abcdef']).execute();
      const seminarRecord = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.customer_id']).where('sources.name', '=', 'form-seminar-2025').executeTakeFirstOrThrow();
      assert.equal(seminarRecord.customer_id, owners[0]!.customer_id);
      const acts = await t.database.db.selectFrom('activities').select('title').where('customer_id', '=', seminarRecord.customer_id!).where('type', '=', 'form_submission').orderBy('id').execute();
      assert.deepEqual(acts.map((a) => a.title), ['資料請求: 製品カタログ資料請求', 'イベント申込: DXセミナー申込']);
    });

    test('a tracked website visitor who submits the form becomes known: their page views join the customer', async () => {
      const site = (await admin.json('POST', '/api/v1/sites', { name: 'コーポレートサイト', allowedOrigins: [EMBED_ORIGIN] })).body as { id: string; writeKey: string };
      const vid = 'visitor-form-0001';
      const collected = await t.app.request('/api/v1/collect', {
        method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: EMBED_ORIGIN, 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' },
        body: JSON.stringify({ k: site.writeKey, v: vid, s: 'visit-form-0001', n: Date.now(), e: [{ t: 'pv', i: 'pv-form00001', u: `${EMBED_ORIGIN}/seminar`, ti: 'セミナー', at: Date.now(), f: 1 }] }),
      });
      assert.equal(collected.status, 200, await collected.clone().text());
      const res = await post('seminar-2025', { submission_key: randomUUID(), visitor_id: vid, name: '田中 美咲', email: 'misaki.tanaka@kaisha-web.co.jp', company: '田中商店株式会社' }, { origin: EMBED_ORIGIN });
      assert.equal(res.status, 201);
      const record = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select('source_records.customer_id').where('sources.name', '=', 'form-seminar-2025').where(sql<string>`source_records.raw->>'email'`, '=', 'misaki.tanaka@kaisha-web.co.jp').executeTakeFirstOrThrow();
      const views = await t.database.db.selectFrom('activities').select(['customer_id']).where('type', '=', 'page_view').execute();
      assert.equal(views.length, 1);
      assert.equal(views[0]!.customer_id, record.customer_id, 'the page view is on the customer who submitted the form');
    });

    test('an event registration form registers the person for its event', async () => {
      const bad = await admin.json('POST', '/api/v1/forms', { slug: 'no-event', kind: 'event_registration', title: 'x', eventId: '00000000-0000-4000-8000-000000000000' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, 'eventId');
      const event = await admin.json('POST', '/api/v1/events', { name: 'DX推進セミナー 2026春', startsAt: '2026-05-20T14:00:00+09:00' });
      assert.equal(event.status, 201, JSON.stringify(event.body));
      const form = await admin.json('POST', '/api/v1/forms', {
        slug: 'dx-seminar', kind: 'event_registration', title: 'DX推進セミナー申込', status: 'published', eventId: event.body.id,
        fields: [
          { key: 'name', target: 'full_name', labelJa: 'お名前', type: 'text', required: true },
          { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
        ],
      });
      assert.equal(form.status, 201, JSON.stringify(form.body));
      for (let i = 0; i < 2; i++) {
        assert.equal((await post('dx-seminar', { submission_key: randomUUID(), name: '小林 直樹', email: 'naoki.kobayashi@kaisha-event.co.jp' })).status, 201);
      }
      const regs = await admin.json('GET', `/api/v1/events/${event.body.id}/registrations`);
      assert.equal(regs.status, 200);
      assert.equal(regs.body.items.length, 1, 'one registration per person and event');
      assert.equal(regs.body.items[0].name, '小林 直樹');
      const formRecord = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select('source_records.customer_id').where('sources.name', '=', 'form-dx-seminar').limit(1).executeTakeFirstOrThrow();
      assert.equal(regs.body.items[0].customerId, formRecord.customer_id, 'the registration is on the customer who submitted');
    });

    test('Japanese validation errors name the fields; nothing is stored', async () => {
      const before = await count('form_submissions');
      const huge = await post('catalog', person({ message: 'あ'.repeat(200_000) }));
      assert.equal(huge.status, 400, 'an oversized body is refused before anything is read into the ledger');
      const res = await post('catalog', person({ family_name: '', kana: '佐藤花子', email: 'hanako@', zip: '100-00', consent: false }));
      assert.equal(res.status, 400);
      const problem = await res.json();
      const by = Object.fromEntries(problem.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
      assert.equal(by.family_name, '姓を入力してください');
      assert.match(by.kana, /フリガナはカタカナまたはひらがなで入力してください/);
      assert.match(by.email, /メールアドレスの形式が正しくありません/);
      assert.match(by.zip, /郵便番号は7桁の数字で入力してください/);
      assert.equal(by.consent, '個人情報の取り扱いに同意してください');
      assert.equal(await count('form_submissions'), before);
    });

    test('a filled honeypot looks accepted, creates no customer and is counted', async () => {
      const records = await count('source_records');
      const customers = await count('customers');
      const res = await post('catalog', person({ email: 'bot@spam-mail.co.jp', homepage: 'http://spam.example/' }));
      assert.equal(res.status, 201);
      assert.equal((await res.json()).status, 'accepted');
      assert.equal(await count('source_records'), records);
      assert.equal(await count('customers'), customers);
      const form = await admin.json('GET', `/api/v1/forms/${brochureId}`);
      assert.equal(form.body.spamCount, 1);
      const spam = await admin.json('GET', `/api/v1/forms/${brochureId}/submissions?status=spam`);
      assert.equal(spam.body.items.length, 1);
      assert.deepEqual(spam.body.items[0].values, {}, 'a bot’s answers are not kept');
    });

    test('the hosted page works without JavaScript: urlencoded post, thanks page, redirect, messages', async () => {
      const page = await t.app.request('/f/catalog');
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<form class="daicho-form" method="post" action="\/f\/catalog"/);
      for (const name of ['family_name', 'kana', 'email', 'zip', 'pref', 'consent', 'submission_key', 'homepage']) assert.match(html, new RegExp(`name="${name}"`));
      assert.match(html, /data-testid="form-field-email"/);
      assert.match(html, /<script src="\/f\/form.js" defer><\/script>/);
      assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]+<\/script>|on(click|submit|load)=/i, 'no inline script');
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const key = /name="submission_key" value="([^"]+)"/.exec(html)![1]!;

      const form = new URLSearchParams({ submission_key: key, family_name: '鈴木', given_name: '一郎', kana: 'ｽｽﾞｷ ｲﾁﾛｳ', email: 'ichiro.suzuki@kaisha-mail.co.jp', zip: '０６０－０００１', pref: '北海道', consent: 'on', timing: '未定' });
      const sent = await t.app.request('http://daicho.kaisha.co.jp/f/catalog', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9', origin: 'https://daicho.kaisha.co.jp' }, body: form.toString() });
      assert.equal(sent.status, 200);
      assert.match(await sent.text(), /data-testid="form-thanks"/);
      const customer = await t.database.db.selectFrom('customers').select(['family_name_kana', 'postal_code']).where('email', '=', 'ichiro.suzuki@kaisha-mail.co.jp').executeTakeFirstOrThrow();
      assert.deepEqual(customer, { family_name_kana: 'スズキ', postal_code: '0600001' });
      const resent = await t.app.request('/f/catalog', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' }, body: form.toString() });
      assert.equal(resent.status, 200, 'back + resubmit shows the thanks page again');
      assert.equal(await t.database.db.selectFrom('form_submissions').select('id').where('submission_key', '=', key).execute().then((r) => r.length), 1);

      const wrong = await t.app.request('/f/catalog', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' }, body: new URLSearchParams({ submission_key: randomUUID(), family_name: '鈴木', kana: 'suzuki', email: 'x' }).toString() });
      assert.equal(wrong.status, 400);
      const again = await wrong.text();
      assert.match(again, /data-testid="form-error-kana"[^>]*>フリガナはカタカナまたはひらがなで入力してください/);
      assert.match(again, /name="family_name"[^>]*value="鈴木"/, 'what was typed is kept');

      await admin.json('PATCH', `/api/v1/forms/${brochureId}`, { redirectUrl: 'https://www.kaisha-site.co.jp/thanks' });
      const redirected = await t.app.request('/f/catalog', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' }, body: new URLSearchParams({ ...Object.fromEntries(form), submission_key: randomUUID(), email: 'jiro.suzuki@kaisha-mail.co.jp' }).toString() });
      assert.equal(redirected.status, 303);
      assert.equal(redirected.headers.get('location'), 'https://www.kaisha-site.co.jp/thanks');
      await admin.json('PATCH', `/api/v1/forms/${brochureId}`, { redirectUrl: null });

      // The public API takes URL-encoded bodies as well.
      const api = await t.app.request('/api/v1/public/forms/catalog/submissions', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' }, body: new URLSearchParams({ ...Object.fromEntries(form), submission_key: randomUUID(), email: 'saburo.suzuki@kaisha-mail.co.jp' }).toString() });
      assert.equal(api.status, 201);
    });

    test('CORS: the embed works from allowed origins only; scripts load cross-origin', async () => {
      const ok = await t.app.request('/api/v1/public/forms/catalog', { headers: { origin: EMBED_ORIGIN } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), EMBED_ORIGIN);
      const def = await ok.json();
      assert.equal(def.consent.required, true);
      assert.equal('sourceId' in def, false);
      const pre = await t.app.request('/api/v1/public/forms/catalog/submissions', { method: 'OPTIONS', headers: { origin: EMBED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), EMBED_ORIGIN);
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /content-type/);
      const invalid = await post('catalog', person({ email: 'embed@' }), { origin: EMBED_ORIGIN });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.headers.get('access-control-allow-origin'), EMBED_ORIGIN, 'the embed can read the field messages');
      const embedded = await post('catalog', person({ email: 'embed@kaisha-mail.co.jp' }), { origin: EMBED_ORIGIN });
      assert.equal(embedded.status, 201);
      assert.equal(embedded.headers.get('access-control-allow-origin'), EMBED_ORIGIN);

      const evil = 'https://evil.example.net';
      const denied = await t.app.request('/api/v1/public/forms/catalog', { headers: { origin: evil } });
      assert.equal(denied.status, 403);
      assert.equal(denied.headers.get('access-control-allow-origin'), null);
      assert.equal((await t.app.request('/api/v1/public/forms/catalog/submissions', { method: 'OPTIONS', headers: { origin: evil } })).status, 403);
      assert.equal((await post('catalog', person({ email: 'evil@kaisha-mail.co.jp' }), { origin: evil })).status, 403);

      const script = await t.app.request('/f/embed.js');
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /javascript/);
      assert.equal(script.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.match(await script.text(), /data-form/);
      const postal = await t.app.request('/api/v1/public/postal/1000001');
      assert.deepEqual(await postal.json(), { postalCode: '1000001', prefecture: '東京都', city: '千代田区', town: '千代田', towns: ['千代田'] });
      assert.equal((await t.app.request('/api/v1/public/postal/9999999')).status, 404);
    });

    test('Origin: null (the hosted page, or any sandboxed page) is let in only with the form\'s own page token', async () => {
      const tokenOf = async (slug: string) => {
        const html = await (await t.app.request(`/f/${slug}`)).text();
        return /name="form_token" value="([^"]+)"/.exec(html)![1]!;
      };
      const token = await tokenOf('catalog');
      assert.match(token, /^[0-9a-f]{32}$/);
      const other = await admin.json('POST', '/api/v1/forms', { slug: 'token-other', kind: 'contact', title: '別フォーム', status: 'published', fields: FIELDS.slice(0, 4) });
      assert.equal(other.status, 201, JSON.stringify(other.body));
      const otherToken = await tokenOf('token-other');
      assert.notEqual(otherToken, token);

      // The hosted page without JavaScript: a urlencoded post back to /f/<slug>, which browsers send with Origin: null.
      const hosted = (fields: Record<string, string>) => t.app.request('/f/catalog', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.20', origin: 'null' },
        body: new URLSearchParams({ submission_key: randomUUID(), family_name: '中村', given_name: '優', kana: 'ナカムラ ユウ', email: 'yu.nakamura@kaisha-mail.co.jp', consent: 'on', ...fields }).toString(),
      });
      const refused = await hosted({});
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /フォームのページを開き直して/);
      assert.equal((await hosted({ form_token: otherToken })).status, 403, 'another form\'s token');
      assert.equal((await hosted({ form_token: 'x'.repeat(32) })).status, 403);
      const accepted = await hosted({ form_token: token });
      assert.equal(accepted.status, 200);
      assert.match(await accepted.text(), /data-testid="form-thanks"/);
      // A page shown again with messages carries the token too.
      const invalid = await hosted({ form_token: token, email: 'x' });
      assert.equal(invalid.status, 400);
      assert.match(await invalid.text(), new RegExp(`name="form_token" value="${token}"`));

      // The public API: JSON or urlencoded, the same rule.
      const api = (body: Record<string, unknown>) => post('catalog', person({ email: 'null-origin@kaisha-mail.co.jp', ...body }), { origin: 'null' });
      assert.equal((await api({})).status, 403);
      assert.equal((await api({ form_token: otherToken })).status, 403);
      const sent = await api({ form_token: token });
      assert.equal(sent.status, 201, await sent.clone().text());
      assert.equal(sent.headers.get('access-control-allow-origin'), null, 'nothing is shared with an opaque origin');
      assert.equal((await t.app.request('/api/v1/public/forms/catalog', { headers: { origin: 'null' } })).status, 403);
      assert.equal((await t.app.request('/api/v1/public/forms/catalog/submissions', { method: 'OPTIONS', headers: { origin: 'null', 'access-control-request-method': 'POST' } })).status, 403);
      // Allowed origins, our own and requests without Origin are as before.
      assert.equal((await post('catalog', person({ email: 'embed2@kaisha-mail.co.jp' }), { origin: EMBED_ORIGIN })).status, 201);
      assert.equal((await post('catalog', person({ email: 'server@kaisha-mail.co.jp' }))).status, 201);
      assert.equal((await post('catalog', person({ email: 'evil2@kaisha-mail.co.jp', form_token: token }), { origin: 'https://evil.example.net' })).status, 403, 'a token does not open other origins');
    });

    test('a viewer sees submissions with personal answers masked; names and choices stay', async () => {
      const full = await admin.json('GET', `/api/v1/forms/${brochureId}/submissions?status=accepted`);
      assert.equal(full.status, 200);
      assert.equal(full.body.masked, false);
      const hanako = full.body.items.find((s: { values: { email?: string } }) => s.values.email === 'hanako.sato@kaisha-mail.co.jp');
      assert.ok(hanako.customerId);
      assert.equal(hanako.customerName, '佐藤 花子');
      const viewer = await t.as('viewer');
      const masked = await viewer.json('GET', `/api/v1/forms/${brochureId}/submissions?status=accepted`);
      assert.equal(masked.status, 200);
      assert.equal(masked.body.masked, true);
      const text = JSON.stringify(masked.body);
      assert.doesNotMatch(text, /hanako\.sato|3141|5926|千代田区千代田|見積もり|1000001|100-0001/);
      const row = masked.body.items.find((s: { id: number }) => s.id === hanako.id);
      assert.equal(row.values.family_name, '佐藤');
      assert.equal(row.values.timing, '1年以内');
      assert.equal(row.values.pref, '東京都');
      assert.equal((await viewer.json('POST', '/api/v1/forms', { slug: 'nope', kind: 'other', title: 'x' })).status, 403);
      const sales = await t.as('sales');
      assert.equal((await sales.json('GET', '/api/v1/forms')).status, 200);
      assert.equal((await sales.json('PATCH', `/api/v1/forms/${brochureId}`, { title: 'x' })).status, 403);
    });

    test('rate limit per address: past the limit a 429 with Retry-After; other addresses go on', async () => {
      const headers = { 'x-forwarded-for': '192.0.2.55' };
      let last: Response;
      for (let i = 0; i < FORM_RATE_LIMIT.maxPerWindow; i++) {
        last = await post('seminar-2025', { submission_key: randomUUID(), name: '', email: 'x' }, headers);
        assert.equal(last.status, 400);
      }
      last = await post('seminar-2025', { submission_key: randomUUID(), name: '高橋 一郎', email: 'ichiro.takahashi@kaisha-mail.co.jp' }, headers);
      assert.equal(last.status, 429);
      assert.ok(Number(last.headers.get('retry-after')) > 0);
      const other = await post('seminar-2025', { submission_key: randomUUID(), name: '高橋 一郎', email: 'ichiro.takahashi@kaisha-mail.co.jp' }, { 'x-forwarded-for': '192.0.2.56' });
      assert.equal(other.status, 201);
    });

    test('a closed form says so; an archived one is gone', async () => {
      await admin.json('PATCH', `/api/v1/forms/${brochureId}`, { status: 'closed' });
      assert.equal((await post('catalog', person())).status, 409);
      assert.match(await (await t.app.request('/f/catalog')).text(), /受付は終了しました/);
      assert.equal((await admin.request('DELETE', `/api/v1/forms/${brochureId}`)).status, 204);
      assert.equal((await admin.json('GET', `/api/v1/forms/${brochureId}`)).status, 404);
      assert.equal((await t.app.request('/api/v1/public/forms/catalog')).status, 404);
    });
  });
}
