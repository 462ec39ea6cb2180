import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushRejectionCounts } from '../../../src/intake/tracker/collect.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { identifyVisitor } from '../../../src/intake/tracker/identify.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const ORIGIN = 'https://www.daicho-shoji.co.jp';
const actor = { auth: null, ip: null, userAgent: 'test' };

let n = 0;
const id = (prefix: string) => `${prefix}${String(++n).padStart(8, '0')}`;

for (const engine of ENGINES) {
  describe(`tracker ingestion [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let site: { id: string; writeKey: string };

    const post = (body: unknown, headers: Record<string, string> = {}) => t.app.request('/api/v1/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': UA, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const batch = (events: unknown[], over: Record<string, unknown> = {}) => ({ k: site.writeKey, v: 'visitor-0001', s: 'visit-0001', n: Date.now(), e: events, ...over });
    const pv = (i: string, u = 'https://www.daicho-shoji.co.jp/products/a?utm_source=newsletter&utm_medium=email&utm_campaign=autumn', extra: Record<string, unknown> = {}) =>
      ({ t: 'pv', i, u, ti: '製品A | 大帳商事', r: 'https://www.google.com/', at: Date.now(), ...extra });
    const stats = async () => {
      await flushRejectionCounts(t.database.db);
      return (await admin.json('GET', `/api/v1/sites/${site.id}`)).body.stats;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const created = await admin.json('POST', '/api/v1/sites', { name: 'コーポレートサイト', allowedOrigins: [ORIGIN, 'https://*.daicho-shoji.jp'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      site = created.body;
      assert.match(site.writeKey, /^dt_[A-Za-z0-9]{24}$/);
    });
    after(async () => t.close());

    test('a batch of page views and events is stored, with UTM, path and visit', async () => {
      const res = await post(batch([pv('pv-aaaaaaaa', undefined, { f: 1 }), { t: 'ev', i: 'ev-aaaaaaaa', n: 'download', p: 'pv-aaaaaaaa', pr: { file: 'catalog.pdf' }, at: Date.now() }]));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
      assert.deepEqual(await res.json(), { accepted: 2, rejected: [], identified: false });
      const view = await t.database.db.selectFrom('page_views').selectAll().where('view_key', '=', 'pv-aaaaaaaa').executeTakeFirstOrThrow();
      assert.equal(view.path, '/products/a');
      assert.equal(view.utm_campaign, 'autumn');
      assert.equal(view.title, '製品A | 大帳商事');
      assert.equal(view.dwell_ms, null);
      const visit = await t.database.db.selectFrom('web_visits').selectAll().where('id', '=', view.visit_id).executeTakeFirstOrThrow();
      assert.equal(visit.landing_url, view.url);
      assert.equal(visit.utm_source, 'newsletter');
      assert.equal(visit.referrer, 'https://www.google.com/');
      const ev = await t.database.db.selectFrom('web_events').selectAll().where('event_key', '=', 'ev-aaaaaaaa').executeTakeFirstOrThrow();
      assert.deepEqual(ev.properties, { file: 'catalog.pdf' });
    });

    test('a retried batch changes nothing; the page-leave beacon updates the same page view, and dwell only grows', async () => {
      const body = batch([pv('pv-bbbbbbbb')]);
      assert.equal((await post(body)).status, 200);
      assert.equal((await post(body)).status, 200);
      assert.equal((await post(batch([{ t: 'pl', i: 'pv-bbbbbbbb', u: 'https://www.daicho-shoji.co.jp/products/a', d: 42_000, at: Date.now() }]))).status, 200);
      assert.equal((await post(batch([{ t: 'pl', i: 'pv-bbbbbbbb', u: 'https://www.daicho-shoji.co.jp/products/a', d: 12_000, at: Date.now() }]))).status, 200);
      const rows = await t.database.db.selectFrom('page_views').select(['dwell_ms', 'title']).where('view_key', '=', 'pv-bbbbbbbb').execute();
      assert.deepEqual(rows, [{ dwell_ms: 42_000, title: '製品A | 大帳商事' }]);
    });

    test('a page-leave that arrives before its page view is kept, and the page view fills in the rest', async () => {
      assert.equal((await post(batch([{ t: 'pl', i: 'pv-cccccccc', u: 'https://www.daicho-shoji.co.jp/about', d: 5_000, at: Date.now() }]))).status, 200);
      assert.equal((await post(batch([pv('pv-cccccccc', 'https://www.daicho-shoji.co.jp/about', { at: Date.now() - 5_000 })]))).status, 200);
      const row = await t.database.db.selectFrom('page_views').select(['dwell_ms', 'title', 'referrer']).where('view_key', '=', 'pv-cccccccc').executeTakeFirstOrThrow();
      assert.deepEqual(row, { dwell_ms: 5_000, title: '製品A | 大帳商事', referrer: 'https://www.google.com/' });
    });

    test('another browser cannot overwrite a page view by reusing its id', async () => {
      assert.equal((await post(batch([{ t: 'pl', i: 'pv-bbbbbbbb', u: 'https://www.daicho-shoji.co.jp/x', d: 9_999_999, at: Date.now() }], { v: 'intruder-0001' }))).status, 200);
      const row = await t.database.db.selectFrom('page_views').select('dwell_ms').where('view_key', '=', 'pv-bbbbbbbb').executeTakeFirstOrThrow();
      assert.equal(row.dwell_ms, 42_000);
    });

    test('origins: a wildcard subdomain is allowed; another origin or none is refused without CORS headers', async () => {
      assert.equal((await post(batch([pv('pv-dddddddd', 'https://shop.daicho-shoji.jp/')]), { origin: 'https://shop.daicho-shoji.jp' })).status, 200);
      for (const origin of ['https://evil.example.net', 'https://daicho-shoji.jp', 'null']) {
        const res = await post(batch([pv('pv-eeeeeeee')]), { origin });
        assert.equal(res.status, 403, origin);
        assert.equal(res.headers.get('access-control-allow-origin'), null);
        assert.equal((await res.json()).code, 'origin_not_allowed');
      }
      const preflight = await t.app.request('/api/v1/collect', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
      assert.equal(await t.database.db.selectFrom('page_views').select('view_key').where('view_key', '=', 'pv-eeeeeeee').executeTakeFirst(), undefined);
    });

    test('wrong key, bot, Do-Not-Track, malformed and oversized requests are refused with their reason and counted', async () => {
      const before = await stats();
      const cases: Array<[Response, number, string]> = [
        [await post(batch([pv('pv-ffffffff')], { k: 'dt_' + 'x'.repeat(24) })), 403, 'unknown_key'],
        [await post(batch([pv('pv-ffffffff')]), { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }), 403, 'bot'],
        [await post(batch([pv('pv-ffffffff')]), { 'user-agent': 'curl/8.5.0' }), 403, 'bot'],
        [await post(batch([pv('pv-ffffffff')]), { dnt: '1' }), 403, 'do_not_track'],
        [await post(batch([pv('pv-ffffffff')]), { 'sec-gpc': '1' }), 403, 'do_not_track'],
        [await post('{"k": "dt_'), 400, 'malformed_json'],
        [await post(batch([pv('pv-ffffffff')], { v: 'short' })), 400, 'bad_envelope'],
        [await post(batch(Array.from({ length: 101 }, (_, i) => pv(`pv-many${String(i).padStart(4, '0')}`)))), 400, 'too_many_events'],
        [await post(batch([pv('pv-ffffffff', `https://www.daicho-shoji.co.jp/?q=${'x'.repeat(70_000)}`)])), 413, 'payload_too_large'],
      ];
      for (const [res, status, code] of cases) {
        assert.equal(res.status, status, code);
        const body = await res.json();
        assert.equal(body.code, code);
        assert.ok(body.title.length > 0);
      }
      assert.equal(await t.database.db.selectFrom('page_views').select('view_key').where('view_key', '=', 'pv-ffffffff').executeTakeFirst(), undefined);
      const after = await stats();
      const delta = (reason: string) => (after.rejectedToday[reason] ?? 0) - (before.rejectedToday[reason] ?? 0);
      assert.equal(delta('bot'), 2);
      assert.equal(delta('do_not_track'), 2);
      const list = (await admin.json('GET', '/api/v1/sites')).body;
      assert.ok(list.unknownKeyRejectedToday >= 4, 'unknown key, malformed, bad envelope and oversized are counted without a site');
    });

    test('bad events are refused one by one with their reason; the good ones in the batch land', async () => {
      const before = await stats();
      const res = await post(batch([
        pv('pv-gggggggg'),
        { t: 'pv', i: 'bad id!', u: 'https://www.daicho-shoji.co.jp/' },
        { t: 'pv', i: 'pv-hhhhhhhh', u: 'javascript:alert(1)' },
        { t: 'zz', i: 'pv-iiiiiiii' },
        { t: 'pl', i: 'pv-gggggggg', u: 'https://www.daicho-shoji.co.jp/', d: -5 },
        { t: 'pv', i: 'pv-jjjjjjjj', u: 'https://www.daicho-shoji.co.jp/', at: 'yesterday' },
        'not an object',
        pv('pv-gggggggg'),
        { t: 'ev', i: 'ev-kkkkkkkk', n: 'x', pr: { big: 'y'.repeat(3000) } },
      ]));
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.accepted, 1);
      assert.deepEqual(body.rejected, [
        { index: 1, reason: 'bad_id' }, { index: 2, reason: 'bad_url' }, { index: 3, reason: 'bad_type' }, { index: 4, reason: 'bad_dwell' },
        { index: 5, reason: 'bad_time' }, { index: 6, reason: 'bad_event' }, { index: 7, reason: 'duplicate' }, { index: 8, reason: 'bad_props' },
      ]);
      assert.ok(await t.database.db.selectFrom('page_views').select('view_key').where('view_key', '=', 'pv-gggggggg').executeTakeFirst());
      const after = await stats();
      for (const reason of ['bad_id', 'bad_url', 'bad_type', 'bad_dwell', 'bad_time', 'bad_event', 'duplicate', 'bad_props']) {
        assert.equal((after.rejectedToday[reason] ?? 0) - (before.rejectedToday[reason] ?? 0), 1, reason);
      }
      assert.ok(after.pageViewsToday >= 5);
    });

    test('rate limits per client address answer 429 and count the refused events', async () => {
      const limited = await admin.json('POST', '/api/v1/sites', { name: '小さなサイト', allowedOrigins: [ORIGIN], ipRatePerMinute: 3 });
      const key = limited.body.writeKey as string;
      const ok = await post({ k: key, v: 'visitor-rate', s: 'visit-rate', n: Date.now(), e: [pv('pv-rate0001'), pv('pv-rate0002'), pv('pv-rate0003')] });
      assert.equal(ok.status, 200);
      const refused = await post({ k: key, v: 'visitor-rate', s: 'visit-rate', n: Date.now(), e: [pv('pv-rate0004')] });
      assert.equal(refused.status, 429);
      assert.equal((await refused.json()).code, 'rate_limited');
      await flushRejectionCounts(t.database.db);
      const s = (await admin.json('GET', `/api/v1/sites/${limited.body.id}`)).body.stats;
      assert.equal(s.rejectedToday.rate_limited, 1);
    });

    test('a paused site and a rotated key stop ingestion', async () => {
      const other = (await admin.json('POST', '/api/v1/sites', { name: '停止テスト', allowedOrigins: [ORIGIN] })).body;
      const send = (k: string) => post({ k, v: 'visitor-rot1', s: 'visit-rot1', n: Date.now(), e: [pv(id('pv-rot'))] });
      assert.equal((await send(other.writeKey)).status, 200);
      const rotated = (await admin.json('POST', `/api/v1/sites/${other.id}/rotate-key`)).body;
      assert.notEqual(rotated.writeKey, other.writeKey);
      assert.equal((await send(other.writeKey)).status, 403);
      assert.equal((await send(rotated.writeKey)).status, 200);
      assert.equal((await admin.json('PATCH', `/api/v1/sites/${other.id}`, { active: false })).status, 200);
      const paused = await send(rotated.writeKey);
      assert.equal(paused.status, 403);
      assert.equal((await paused.json()).code, 'site_inactive');
      const bad = await admin.json('PATCH', `/api/v1/sites/${other.id}`, { allowedOrigins: ['not an origin', 'https://ok.example.co.jp/path'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors.length, 2);
    });

    test('identify back-fills the visitor\'s page views onto the customer timeline; later ones follow; unmerge takes them away', async () => {
      const vid = 'visitor-known-01';
      const send = (events: unknown[]) => post({ k: site.writeKey, v: vid, s: 'visit-known-01', n: Date.now(), e: events });
      assert.equal((await send([pv('pv-known001', 'https://www.daicho-shoji.co.jp/', { f: 1 }), pv('pv-known002', 'https://www.daicho-shoji.co.jp/pricing?utm_source=ad')])).status, 200);
      assert.equal((await send([{ t: 'pl', i: 'pv-known001', u: 'https://www.daicho-shoji.co.jp/', d: 31_000 }])).status, 200);
      // The person is already known from a CRM record.
      const [known] = await ingestRecords(t.database.db, { source: { name: 'crm', label: 'CRM', kind: 'api' }, actor,
        records: [{ externalId: 'C-100', fields: { full_name: '山田 花子', email: 'hanako.yamada@kaisha-abc.co.jp', phone: '03-5555-1234' } }] });
      const crm = { body: { id: known!.customerId } };
      const res = await send([{ t: 'id', tr: { email: 'Hanako.Yamada@kaisha-abc.co.jp', name: '山田 花子', favourite: 'ignored' } }]);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).identified, true);
      const timeline = async (customerId: string) => (await admin.json('GET', `/api/v1/customers/${customerId}/activities?types=page_view`)).body.items as Array<{ properties: Record<string, any>; title: string }>;
      let items = await timeline(crm.body.id);
      assert.equal(items.length, 2);
      const home = items.find((i) => i.properties.url === 'https://www.daicho-shoji.co.jp/')!;
      assert.equal(home.properties.dwellMs, 31_000);
      assert.equal(typeof home.properties.visitId, 'number');
      const pricing = items.find((i) => i.properties.path === '/pricing')!;
      assert.deepEqual(pricing.properties.utm, { source: 'ad', medium: null, campaign: null, term: null, content: null });
      // After identification, page views and dwell updates go straight to the timeline.
      assert.equal((await send([pv('pv-known003', 'https://www.daicho-shoji.co.jp/contact')])).status, 200);
      assert.equal((await send([{ t: 'pl', i: 'pv-known003', u: 'https://www.daicho-shoji.co.jp/contact', d: 7_500 }])).status, 200);
      items = await timeline(crm.body.id);
      assert.equal(items.length, 3);
      assert.equal(items.find((i) => i.properties.path === '/contact')!.properties.dwellMs, 7_500);
      const acts = await t.database.db.selectFrom('activities').select(['dedupe_key', 'source_record_id']).where('type', '=', 'page_view').where('customer_id', '=', crm.body.id).execute();
      assert.ok(acts.every((a) => new RegExp(`^pv:${site.id}:pv-known00\\d$`).test(a.dedupe_key!) && a.source_record_id !== null));
      // Identify again: idempotent, nothing doubled.
      await send([{ t: 'id', tr: { email: 'hanako.yamada@kaisha-abc.co.jp' } }]);
      assert.equal((await timeline(crm.body.id)).length, 3);
      // Unmerge the tracker record: the page views leave with it.
      const records = (await admin.json('GET', `/api/v1/customers/${crm.body.id}/identity`)).body.records as Array<{ id: number; source: string }>;
      const web = records.find((r) => r.source === `web-${site.id}`);
      assert.ok(web, JSON.stringify(records.map((r) => r.source)));
      const split = await admin.json('POST', `/api/v1/customers/${crm.body.id}/unmerge`, { sourceRecordIds: [web.id] });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      assert.equal((await timeline(crm.body.id)).length, 0);
      assert.equal((await timeline(split.body.newCustomerId)).length, 3);
      // And new page views follow the record to its new customer.
      await send([pv('pv-known004', 'https://www.daicho-shoji.co.jp/blog')]);
      assert.equal((await timeline(split.body.newCustomerId)).length, 4);
    });

    test('another e-mail on the same browser is another person: a new record, only page views from then on', async () => {
      const vid = 'visitor-shared-1';
      const send = (events: unknown[]) => post({ k: site.writeKey, v: vid, s: 'visit-shared-1', n: Date.now(), e: events });
      await send([pv('pv-shared01')]);
      const first = await identifyVisitor(t.database.db, { writeKey: site.writeKey, visitorId: vid, traits: { email: 'taro@family-x.co.jp', name: '鈴木 太郎' }, actor });
      assert.ok(first);
      assert.equal(first.backfilled, 1);
      await send([pv('pv-shared02')]);
      const second = await identifyVisitor(t.database.db, { visitorId: vid, fields: { email: 'jiro@other-y.co.jp', full_name: '佐藤 次郎' }, actor });
      assert.ok(second);
      assert.notEqual(second.customerId, first.customerId);
      assert.notEqual(second.recordId, first.recordId);
      assert.equal(second.backfilled, 0);
      await send([pv('pv-shared03')]);
      const count = async (c: string) => (await t.database.db.selectFrom('activities').select('id').where('customer_id', '=', c).where('type', '=', 'page_view').execute()).length;
      assert.equal(await count(first.customerId), 2);
      assert.equal(await count(second.customerId), 1);
      const ext = await t.database.db.selectFrom('source_records').select('external_id').where('id', '=', second.recordId).executeTakeFirstOrThrow();
      assert.equal(ext.external_id, `${vid}~1`);
    });

    test('identify with nothing to identify by is refused; an unknown visitor without a site is a no-op', async () => {
      const res = await post(batch([{ t: 'id', tr: { favourite: 'blue' } }]));
      assert.deepEqual((await res.json()).rejected, [{ index: 0, reason: 'bad_traits' }]);
      assert.equal(await identifyVisitor(t.database.db, { visitorId: 'never-seen-0001', traits: { email: 'a@kaisha-z.co.jp' }, actor }), null);
    });

    test('/t.js is served cacheable and cross-origin, gzipped under 3 KB', async () => {
      const res = await t.app.request('/t.js', { headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(res.headers.get('content-encoding'), 'gzip');
      assert.match(res.headers.get('cache-control')!, /public, max-age=\d+/);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      const size = (await res.arrayBuffer()).byteLength;
      assert.ok(size <= 3072, `t.js is ${size} bytes gzipped`);
      const etag = res.headers.get('etag')!;
      assert.equal((await t.app.request('/t.js', { headers: { 'if-none-match': etag } })).status, 304);
      const plain = await t.app.request('/t.js');
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.ok((await plain.text()).includes('/api/v1/collect'));
    });

    test('sites need sites:read / sites:write', async () => {
      const sales = await t.as('sales');
      assert.equal((await sales.json('GET', '/api/v1/sites')).status, 200);
      assert.equal((await sales.json('POST', '/api/v1/sites', { name: 'x' })).status, 403);
      assert.equal((await t.app.request('/api/v1/sites')).status, 401);
    });
  });
}
