import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { identifyVisitor } from '../../src/intake/tracker/identify.service.ts';
import { recomputeQualityIfDue } from '../../src/ledger/quality/quality.service.ts';
import { prepareCampaign } from '../../src/use/campaigns/prepare.service.ts';
import { startRun as startRecommendRun } from '../../src/use/recommend/recommend.service.ts';
import { COMPOSITION_DIMENSIONS, PANELS } from '../../src/use/dashboards/dashboards.schemas.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

/**
 * A viewer (no customers:read_personal) must never see a personal value in clear, whichever endpoint it asks.
 * One person's distinctive personal data arrives through every door (UI edit, file imports with an unmapped column and
 * keyed by the e-mail, a form with a free-text question, the tracker, an order, an event registration, the review queue), and a buyer
 * known by an e-mail alone; then every GET operation of the OpenAPI document is called with every id of the kind it
 * takes, as a viewer and as an admin. No viewer response may contain any of the values; every value must show up in
 * some admin response (so the walk reaches the data it checks).
 */
const EMAIL = 'momoko.takatsukasa@masking-probe.jp';
const NAMELESS_EMAIL = 'nameless.buyer@masking-probe.jp';
const PERSONAL: Record<string, RegExp> = {
  email: /momoko\.takatsukasa|masking-probe/i,
  'e-mail of a buyer without a name': /nameless\.buyer/i,
  phone: /90.?4417|4417.?2938/,
  'postal code': /150.?0042/,
  address: /宇田川/,
  building: /マスクハイツ/,
  'birth date': /1979.?11.?23/,
  'free-text form answer': /ひみつの相談/,
  'unmapped import column': /秘密の趣味/,
  'custom field': /個人メモ秘匿/,
  'voice-of-customer text': /声の秘密の内容/,
  'voice-of-customer comment': /声のコメント秘匿/,
  // A reply's subject is written to the person about what they said: masked in the item and in the outbox.
  'voice reply subject': /返信件名秘匿/,
};

const IMPORT_CSV = [
  '受付番号,氏名,フリガナ,メール,電話,郵便番号,住所,生年月日,会社名,趣味',
  `R-1,鷹司 桃子,タカツカサ モモコ,${EMAIL},090-4417-2938,150-0042,東京都渋谷区宇田川町9-9-9 マスクハイツ505,1979-11-23,株式会社マスク商事,秘密の趣味は盆栽`,
].join('\n') + '\n';
const IMPORT_PROFILE = {
  source: 'masking-list', id_column: '受付番号',
  fields: { full_name: '氏名', full_name_kana: 'フリガナ', email: 'メール', phone: '電話', postal_code: '郵便番号', address: '住所', birth_date: '生年月日', company_name: '会社名' },
};
const FORM_FIELDS = [
  { key: 'family_name', target: 'family_name', labelJa: '姓', type: 'text', required: true },
  { key: 'given_name', target: 'given_name', labelJa: '名', type: 'text', required: true },
  { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
  { key: 'tel', target: 'phone', labelJa: '電話番号', type: 'tel', required: false },
  { key: 'zip', target: 'postal_code', labelJa: '郵便番号', type: 'postal_code', required: false },
  { key: 'message', target: 'custom.ご相談内容', labelJa: 'ご相談内容', type: 'textarea', required: false },
  { key: 'secret', target: 'custom.合言葉', labelJa: '合言葉', type: 'text', required: false },
];

for (const engine of ENGINES) {
  describe(`masking of personal data for viewers [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    let customerId: string;

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      const ok = (res: { status: number; body: unknown }, what: string) => assert.ok(res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);

      ok(await admin.json('POST', '/api/v1/custom-fields', { entity: 'customer', key: 'memo', labelJa: 'メモ', type: 'text' }), 'custom field');
      const created = await admin.json('POST', '/api/v1/customers', {
        familyName: '鷹司', givenName: '桃子', familyNameKana: 'タカツカサ', givenNameKana: 'モモコ', email: 'momoko.takatsukasa.old@masking-probe.jp',
        phone: '090-4417-2938', postalCode: '150-0042', prefecture: '東京都', address: '渋谷区宇田川町9-9-9', building: 'マスクハイツ505',
        birthDate: '1979-11-23', customFields: { memo: '個人メモ秘匿' },
      });
      ok(created, 'customer');
      customerId = created.body.id;
      ok(await admin.json('PATCH', `/api/v1/customers/${customerId}`, { email: EMAIL }), 'edit (timeline before → after)');

      // A file import: raw rows keyed by the file's own headers, one column unmapped.
      const key = (await createApiKey(t.database.db, admin.userId, 'upload')).key;
      const form = new FormData();
      form.append('file', new Blob([IMPORT_CSV], { type: 'text/csv' }), 'list.csv');
      const uploaded = await (await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form })).json() as { uploadId: string };
      ok(await admin.json('POST', '/api/v1/imports', { uploadId: uploaded.uploadId, profile: IMPORT_PROFILE }), 'import');
      // Another department keys its rows by the e-mail itself: the record's external id is personal data too.
      const byEmail = new FormData();
      byEmail.append('file', new Blob([IMPORT_CSV], { type: 'text/csv' }), 'by-email.csv');
      const second = await (await t.app.request('/api/v1/imports/uploads', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: byEmail })).json() as { uploadId: string };
      ok(await admin.json('POST', '/api/v1/imports', { uploadId: second.uploadId, profile: { ...IMPORT_PROFILE, source: 'masking-by-email', id_column: 'メール' } }), 'import keyed by e-mail');

      // A form with a free-text and a short custom question, posted by a tracked visitor.
      const site = await admin.json('POST', '/api/v1/sites', { name: 'マスク確認サイト', allowedOrigins: ['https://masking.example'] });
      ok(site, 'site');
      const formDef = await admin.json('POST', '/api/v1/forms', { slug: 'masking', kind: 'contact', title: 'お問い合わせ', fields: FORM_FIELDS });
      ok(formDef, 'form');
      ok(await admin.json('PATCH', `/api/v1/forms/${formDef.body.id}`, { status: 'published' }), 'publish');
      const submitted = await t.app.request('/api/v1/public/forms/masking/submissions', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ submission_key: 'masking-0001', family_name: '鷹司', given_name: '桃子', email: EMAIL, tel: '09044172938', zip: '1500042', message: 'ひみつの相談があります', secret: '個人メモ秘匿' }),
      });
      assert.equal(submitted.status, 201, await submitted.clone().text());
      await identifyVisitor(t.database.db, { siteId: site.body.id, visitorId: 'masking-visitor-1', traits: { email: EMAIL, phone: '090-4417-2938', name: '鷹司 桃子' }, actor: { auth: null, ip: null, userAgent: 'test' } });

      // Purchases and an event, one buyer known by an e-mail alone (no name: nothing else to show for them).
      ok(await admin.json('POST', '/api/v1/products', { sku: 'A-1', name: '商品', price: '1000' }), 'product');
      ok(await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'MASK-1', orderedAt: '2026-04-03T10:00:00+09:00', customer: { email: EMAIL, phone: '090-4417-2938', name: '鷹司 桃子' }, lines: [{ sku: 'A-1', productName: '商品', quantity: 1, unitPrice: 1000 }] }), 'order');
      ok(await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'MASK-2', orderedAt: '2026-04-04T10:00:00+09:00', customer: { email: NAMELESS_EMAIL }, lines: [{ sku: 'A-1', quantity: 1, unitPrice: 1000 }] }), 'order of a nameless buyer');
      const event = await admin.json('POST', '/api/v1/events', { name: 'マスク説明会', startsAt: '2026-05-20T14:00:00+09:00' });
      ok(event, 'event');
      ok(await admin.json('POST', `/api/v1/events/${event.body.id}/registrations`, { name: '鷹司 桃子', email: EMAIL, phone: '090-4417-2938', companyName: '株式会社マスク商事' }), 'registration');
      ok(await admin.json('POST', `/api/v1/events/${event.body.id}/registrations`, { email: NAMELESS_EMAIL }), 'registration by e-mail alone');

      // A saved segment holding the person (its members list is a customer list) and their purchase values.
      ok(await admin.json('POST', '/api/v1/segments', { name: 'マスク確認', definition: { type: 'has', field: 'email' } }), 'segment');
      ok(await admin.json('POST', '/api/v1/rfm/recompute', {}), 'rfm');
      // Cross-sell: the nameless buyer's second product is the person's candidate (who to offer it is a customer list).
      ok(await admin.json('POST', '/api/v1/products', { sku: 'B-1', name: '別商品', price: '2000' }), 'second product');
      ok(await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'MASK-3', orderedAt: '2026-04-05T10:00:00+09:00', customer: { email: NAMELESS_EMAIL }, lines: [{ sku: 'B-1', quantity: 1, unitPrice: 2000 }] }), 'second order');
      const run = await startRecommendRun(t.database.db);
      assert.ok(run);
      await run.done;
      const offered = await admin.json('GET', `/api/v1/products/${(await t.database.db.selectFrom('products').select('id').where('sku', '=', 'B-1').executeTakeFirstOrThrow()).id}/candidates`);
      assert.ok(offered.body.items.length > 0, JSON.stringify(offered.body));

      // A campaign to everyone, started (its messages hold the e-mail address; the outbox holds the rendered message).
      ok(await admin.json('PUT', '/api/v1/messaging/settings', { senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp' }), 'messaging settings');
      await t.database.db.updateTable('sources').set({ email_basis: 'business_relationship' }).execute();
      const campaign = await admin.json('POST', '/api/v1/campaigns', { name: 'マスク確認配信', channel: 'email', subject: '{{宛名}}へ', bodyText: '{{姓}} 様' });
      ok(campaign, 'campaign');
      ok(await admin.json('POST', `/api/v1/campaigns/${campaign.body.id}/start`, {}), 'campaign started');
      assert.equal(await prepareCampaign(t.database.db, campaign.body.id as string, { worker: 'masking-test', staleAfterMs: 60_000 }), 'done', 'audience stored');
      // A behaviour trigger that fired for everyone with an e-mail (its firings list names them and their addresses).
      const trigger = await admin.json('POST', '/api/v1/triggers', { name: 'マスク確認ルール', action: 'email', cooldownDays: 7, definition: { type: 'has', field: 'email' }, subject: '{{宛名}}へ', bodyText: '{{姓}} 様' });
      ok(trigger, 'trigger');
      const fired = await admin.json('POST', `/api/v1/triggers/${trigger.body.id}/run`);
      ok(fired, 'trigger run');
      assert.ok(fired.body.matched > 0, JSON.stringify(fired.body));

      // An APPI request from the person (its requester name and contact are personal data; privacy:manage only).
      const privacyRequest = await admin.json('POST', '/api/v1/privacy/requests', { kind: 'disclosure', receivedOn: '2026-12-01', requesterName: '鷹司 桃子', requesterContact: EMAIL });
      ok(privacyRequest, 'privacy request');
      // A voice-of-customer item from the person (negative, so the digest's most negative items hold it), with a comment and a reply.
      const voiceItem = await admin.json('POST', '/api/v1/voice/inbound-email', { from: `鷹司 桃子 <${EMAIL}>`, subject: '声の秘密の内容について', text: '声の秘密の内容: 最悪で本当に困っています。', messageId: '<mask@masking-probe.jp>' });
      ok(voiceItem, 'voice item');
      ok(await admin.json('POST', `/api/v1/voice/items/${voiceItem.body.item.id}/comments`, { body: '声のコメント秘匿' }), 'voice comment');
      ok(await admin.json('POST', `/api/v1/voice/items/${voiceItem.body.item.id}/reply`, { subject: 'Re: 返信件名秘匿', body: '声の秘密の内容への返信' }), 'voice reply');
      // The same words again: a near-duplicate theme, whose label quotes the text (themes, the item's theme, the digest).
      ok(await admin.json('POST', '/api/v1/voice/inbound-email', { from: `鷹司 桃子 <${EMAIL}>`, subject: '声の秘密の内容について', text: '声の秘密の内容: 最悪で本当に困っています。', messageId: '<mask-again@masking-probe.jp>' }), 'voice item again');

      // A review case between two of the person's records, with the evidence the matcher writes.
      const records = await t.database.db.selectFrom('source_records').select(['id']).where('customer_id', 'is not', null).orderBy('id').execute();
      await t.database.db.insertInto('review_items').values({
        record_a_id: records[0]!.id, record_b_id: records[1]!.id, score: 4.2, probability: 0.7, rules: JSON.stringify([]),
        evidence: JSON.stringify([
          { field: 'email', level: 'exact', weight: 8, detail: `${EMAIL} = ${EMAIL}` },
          { field: 'phone', level: 'exact_mobile', weight: 6, detail: '+819044172938' },
          { field: 'birth', level: 'exact', weight: 5, detail: '1979-11-23' },
        ]),
      }).execute();
    });
    after(async () => t.close());

    test('no GET operation shows a viewer a personal value; an admin sees each of them somewhere', async () => {
      const db = t.database.db;
      const ids = async (table: 'customers' | 'companies' | 'orders' | 'events' | 'forms' | 'tracker_sites' | 'products' | 'segments' | 'campaigns' | 'trigger_rules') =>
        (await db.selectFrom(table).select('id').execute()).map((r) => String(r.id));
      const slugs = (await db.selectFrom('forms').select('slug').execute()).map((r) => r.slug);
      const candidates: Record<string, string[]> = {
        customers: await ids('customers'), companies: await ids('companies'), orders: await ids('orders'), events: await ids('events'),
        forms: await ids('forms'), sites: await ids('tracker_sites'), products: await ids('products'), segments: await ids('segments'),
        campaigns: await ids('campaigns'), triggers: await ids('trigger_rules'),
        imports: (await db.selectFrom('import_runs').select('id').execute()).map((r) => r.id),
        sources: (await db.selectFrom('sources').select('id').execute()).map((r) => r.id),
        // /privacy/requests/{id} and /privacy/disclosures/{id}: each id answers one of them, the other says 404.
        privacy: [...(await db.selectFrom('privacy_requests').select('id').execute()), ...(await db.selectFrom('disclosure_reports').select('id').execute())].map((r) => r.id),
        voice: (await db.selectFrom('voice_items').select('id').execute()).map((r) => r.id),
      };
      // The daily quality pass, so the 要更新 queue has rows to show (or hide).
      await recomputeQualityIfDue(db, { force: true });
      const queries: Record<string, string[]> = {
        '/api/v1/customers': ['', '?sort=name', '?sort=name&limit=1', '?limit=1', `?q=${encodeURIComponent('鷹司')}`, `?q=${encodeURIComponent(EMAIL)}`, `?q=${encodeURIComponent(NAMELESS_EMAIL)}`, `?email=${encodeURIComponent(EMAIL)}`],
        '/api/v1/search': [`?q=${encodeURIComponent('鷹司')}`, `?q=${encodeURIComponent(EMAIL)}`, `?q=${encodeURIComponent(NAMELESS_EMAIL)}`, '?q=09044172938'],
        '/api/v1/review-items': ['', '?status=open'],
        '/api/v1/orders': ['', `?source=ec`],
        // The customers behind each composition row, everyone's and each segment's.
        '/api/v1/dashboards/drill': [...COMPOSITION_DIMENSIONS.map((by) => `?by=${by}`), ...candidates.segments!.map((id) => `?by=prefecture&segment=${id}`)],
        '/api/v1/dashboards/panels/{panel}': ['', ...candidates.segments!.map((id) => `?segment=${id}`)],
        '/api/v1/campaigns/{id}/audience/list': ['', '?status=send', '?status=suppressed'],
        '/api/v1/campaigns/{id}/messages': ['', '?status=queued'],
        '/api/v1/triggers/{id}/firings': ['', '?limit=1'],
        '/api/v1/tasks': ['', '?status=open'],
        '/api/v1/quality/stale': ['', '?owner=none', '?limit=1'],
        '/api/v1/voice/items': ['', `?q=${encodeURIComponent('秘密')}`, '?limit=1', '?sentiment=negative'],
        '/api/v1/voice/export.csv': ['', '?channel=email'],
      };
      const doc = await (await t.app.request('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
      const urls: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        if (!('get' in methods)) continue;
        const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        let concrete = [path];
        if (params.includes('slug')) concrete = slugs.map((s) => path.replace('{slug}', s));
        else if (params.includes('code')) concrete = [path.replace('{code}', '1000001')];
        else if (params.includes('panel')) concrete = PANELS.map((panel) => path.replace('{panel}', panel));
        else if (params.includes('id')) {
          const kind = path.split('/')[3]!;
          const pool = candidates[kind];
          assert.ok(pool && pool.length > 0, `no ids to call ${path} with`);
          concrete = pool.map((id) => path.replace('{id}', id));
        }
        for (const url of concrete) for (const q of queries[path] ?? ['']) urls.push(url + q);
        if (params.includes('panel')) for (const by of COMPOSITION_DIMENSIONS) urls.push(`${path.replace('{panel}', 'composition')}?by=${by}`);
      }
      assert.ok(urls.length > 40, `${urls.length} calls`);
      // 所属履歴 and 元社員 (company, department, title and names: no personal value, but walked like every GET).
      for (const route of ['/affiliations', '/former-people']) assert.ok(urls.some((u) => u.endsWith(route)), `${route} is called`);

      const leaks: string[] = [];
      const seenByAdmin = new Set<string>();
      for (const url of urls) {
        const [asViewer, asAdmin] = [withCursors(await (await viewer.request('GET', url)).text()), withCursors(await (await admin.request('GET', url)).text())];
        for (const [what, pattern] of Object.entries(PERSONAL)) {
          if (pattern.test(asViewer)) leaks.push(`${url}: ${what} — ${excerpt(asViewer, pattern)}`);
          if (pattern.test(asAdmin)) seenByAdmin.add(what);
        }
      }
      assert.deepEqual(leaks, [], `a viewer saw personal data:\n${leaks.join('\n')}`);
      assert.deepEqual(Object.keys(PERSONAL).filter((what) => !seenByAdmin.has(what)), [], 'every seeded value reaches some endpoint');
    });

    test('a near-duplicate theme quotes the text for an admin and shows a mask to a viewer; so does a reply subject in the outbox', async () => {
      const themes = (await admin.json('GET', '/api/v1/voice/groups')).body.items as Array<{ label: string }>;
      assert.ok(themes.some((g) => /^類似: 声の秘密の内容/.test(g.label)), JSON.stringify(themes));
      const masked = (await viewer.json('GET', '/api/v1/voice/groups')).body.items as Array<{ label: string }>;
      assert.ok(masked.some((g) => g.label === '類似: ＊＊＊'), JSON.stringify(masked));
      const outbox = (await viewer.json('GET', '/api/v1/outbox')).body.items as Array<{ subject: string; campaignId: string | null }>;
      assert.ok(outbox.some((m) => m.campaignId === null && m.subject === '＊＊＊'), 'the reply is in the outbox, its subject masked');
    });

    test('a viewer cannot export', async () => {
      for (const path of ['/api/v1/exports/customers.csv', '/api/v1/exports/customers.jsonl', '/api/v1/exports/links.csv']) {
        assert.equal((await viewer.request('GET', path)).status, 403, path);
      }
    });

    test('the profile itself: masked fields keep their shape, names and prefecture stay, and the view is audited', async () => {
      const seen = await viewer.json('GET', `/api/v1/customers/${customerId}`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.masked, true);
      assert.equal(seen.body.familyName, '鷹司', 'names are not masked');
      assert.equal(seen.body.prefecture, '東京都', 'prefecture stays for analysis');
      for (const field of ['email', 'phone', 'phoneNational', 'postalCode', 'address', 'building', 'birthDate']) {
        assert.equal(typeof seen.body[field], 'string', `${field} keeps its shape`);
      }
      const audited = await t.database.db.selectFrom('audit_log').select(['details', 'actor_user_id']).where('action', '=', 'customer.view').where('entity_id', '=', customerId).execute();
      assert.ok(audited.some((v) => v.actor_user_id === viewer.userId && (v.details as { masked?: boolean }).masked === true), 'profile views are audited');
    });
  });
}

/** A response with its page cursors decoded next to it: a cursor is opaque, not secret (base64url JSON). */
function withCursors(text: string): string {
  const cursors = [...text.matchAll(/"nextCursor":"([A-Za-z0-9_-]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64url').toString('utf8'));
  return [text, ...cursors].join('\n');
}

function excerpt(text: string, pattern: RegExp): string {
  const m = pattern.exec(text);
  if (!m) return '';
  return text.slice(Math.max(0, m.index - 80), m.index + 60);
}
