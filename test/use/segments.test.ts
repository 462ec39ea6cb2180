import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { recomputeValues } from '../../src/ledger/values/values.service.ts';
import { refreshDueSegments } from '../../src/use/segments/segments.service.ts';
import { ENGINES } from '../support/engines.ts';
import { drainJobs } from '../support/jobs.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

for (const engine of ENGINES) {
  describe(`segments [${engine}]`, () => {
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
      const people = [
        { key: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@a.co.jp', prefecture: '東京都', address: '千代田区丸の内1-1', birth_date: '1990-04-01' } },
        { key: 'taro', fields: { full_name: '山田 太郎', email: 'taro@b.co.jp', prefecture: '東京都', address: '港区芝公園4-2' } },
        { key: 'jiro', fields: { full_name: '鈴木 次郎', email: 'jiro@c.co.jp', prefecture: '大阪府', address: '大阪市北区梅田1-1' } },
        { key: 'saburo', fields: { full_name: '高橋 三郎', phone: '090-1111-2222', prefecture: '東京都' } },
      ];
      const linked = await ingestRecords(t.database.db, {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: people.map((p) => ({ externalId: p.key, fields: p.fields })),
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      // Hanako bought 3 times (one in the last 30 days), Taro once 200 days ago, Jiro twice (one cancelled).
      const order = (orderId: string, email: string, at: string, lines: Array<{ sku: string; quantity: number; unitPrice: number }>, status?: string) =>
        admin.json('POST', '/api/v1/orders', { source: 'ec', orderId, orderedAt: at, customer: { email }, lines, ...(status ? { status } : {}) });
      await admin.json('POST', '/api/v1/products', { sku: 'CF-1', name: 'コーヒー豆', category: '食品', price: 3200 });
      await admin.json('POST', '/api/v1/products', { sku: 'MG-1', name: 'マグカップ', category: '雑貨', price: 1500 });
      for (const [id, email, at, lines, status] of [
        ['H-1', 'hanako@a.co.jp', daysAgo(300), [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]],
        ['H-2', 'hanako@a.co.jp', daysAgo(100), [{ sku: 'CF-1', quantity: 2, unitPrice: 3200 }]],
        ['H-3', 'hanako@a.co.jp', daysAgo(10), [{ sku: 'MG-1', quantity: 1, unitPrice: 1500 }]],
        ['T-1', 'taro@b.co.jp', daysAgo(200), [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]],
        ['J-1', 'jiro@c.co.jp', daysAgo(50), [{ sku: 'MG-1', quantity: 4, unitPrice: 1500 }]],
        ['J-2', 'jiro@c.co.jp', daysAgo(5), [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }], 'キャンセル'],
      ] as const) {
        const res = await order(id, email, at, [...lines], status);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      // Page views: Hanako saw /products/ pages 3 times (90 s in all) this week; Taro once, 400 days ago.
      const views: Array<[string, string, number, number]> = [['hanako', '/products/cf-1', 3, 30_000], ['hanako', '/products/mg-1', 2, 30_000], ['hanako', '/pricing', 1, 5_000], ['taro', '/products/cf-1', 400, 10_000]];
      for (const [who, path, ago, dwell] of views) {
        await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
          VALUES (${ids[who]!}, 'page_view', ${new Date(Date.now() - ago * DAY)}, ${path}, ${JSON.stringify({ path, url: `https://shop.example.jp${path}`, dwellMs: dwell })}::jsonb)`.execute(t.database.db);
      }
      await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
        VALUES (${ids.hanako!}, 'page_view', ${new Date(Date.now() - 4 * DAY)}, 'cf', ${JSON.stringify({ path: '/products/cf-1', url: 'https://shop.example.jp/products/cf-1', dwellMs: 30_000 })}::jsonb)`.execute(t.database.db);
      const run = await recomputeValues(t.database.db);
      assert.equal(run.customers, 3);
    });
    after(async () => t.close());

    test('attributes, has, age, NOT and OR, and an empty AND (everyone)', async () => {
      assert.equal(await count({ type: 'and', conditions: [] }), 4);
      assert.equal(await count({ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }), 3);
      assert.equal(await count({ type: 'not', condition: { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' } }), 1);
      assert.equal(await count({ type: 'attribute', field: 'city', op: 'starts_with', value: '港区' }), 1);
      assert.equal(await count({ type: 'attribute', field: 'email_domain', op: 'in', values: ['a.co.jp', 'c.co.jp'] }), 2);
      assert.equal(await count({ type: 'has', field: 'email' }), 3);
      // NOT of a condition on an empty field keeps the customer (no three-valued surprises).
      assert.equal(await count({ type: 'not', condition: { type: 'attribute', field: 'city', op: 'contains', value: '区' } }), 1);
      assert.equal(await count({ type: 'or', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '大阪府' }, { type: 'has', field: 'phone' }] }), 2);
      const born = new Date(Date.now() + 9 * 3_600_000);
      const age = born.getUTCFullYear() - 1990 - (born.toISOString().slice(5, 10) < '04-01' ? 1 : 0);
      assert.equal(await count({ type: 'age', min: age, max: age }), 1);
      assert.equal(await count({ type: 'age', min: age + 1 }), 0);
      assert.equal(await count({ type: 'source', source: 'crm', op: 'has_record' }), 4);
      assert.equal(await count({ type: 'source_count', min: 2 }), 3); // crm + orders
    });

    test('purchases: counts, windows, SKU and category, amount, zero buyers, cancelled orders not counted', async () => {
      assert.equal(await count({ type: 'purchases', minCount: 2 }), 1); // Hanako (Jiro's second order was cancelled)
      assert.equal(await count({ type: 'purchases', minCount: 1, window: { lastDays: 30 } }), 1);
      assert.equal(await count({ type: 'purchases', minCount: 1, window: { lastDays: 60 } }), 2);
      assert.equal(await count({ type: 'purchases', maxCount: 0 }), 1); // Saburo never bought
      assert.equal(await count({ type: 'purchases', maxCount: 1 }), 3);
      assert.equal(await count({ type: 'purchases', sku: 'MG-1' }), 2);
      assert.equal(await count({ type: 'purchases', category: '食品', minCount: 2 }), 1);
      assert.equal(await count({ type: 'purchases', minAmount: 6000 }), 2); // Hanako 11,100; Jiro 6,000
      assert.equal(await count({ type: 'purchases', minAmount: 6001 }), 1);
      assert.equal(await count({ type: 'no_purchase', days: 180 }), 1); // Taro
      const date = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
      // A from/to window is inclusive of both calendar days (Japan time).
      const h2 = Date.now() - 100 * DAY;
      assert.equal(await count({ type: 'purchases', window: { from: date(h2), to: date(h2) } }), 1);
      assert.equal(await count({ type: 'purchases', window: { from: date(h2 + DAY), to: date(h2 + 2 * DAY) } }), 0);
      // The issue's example: 東京都 で 2 回以上購入、最終購入が 180 日以内.
      assert.equal(await count({ type: 'and', conditions: [
        { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'purchases', minCount: 2 }, { type: 'purchases', window: { lastDays: 180 } },
      ] }), 1);
    });

    test('behaviour: page views by pattern, count and time', async () => {
      assert.equal(await count({ type: 'page_views', url: '/products/*', minCount: 3, window: { lastDays: 7 } }), 1);
      assert.equal(await count({ type: 'page_views', url: '/products/*', minCount: 5, window: { lastDays: 7 } }), 0);
      assert.equal(await count({ type: 'page_views', url: '/products/*', minSeconds: 90, window: { lastDays: 7 } }), 1);
      assert.equal(await count({ type: 'page_views', url: '/products/*', minSeconds: 91, window: { lastDays: 7 } }), 0);
      assert.equal(await count({ type: 'page_views', url: '/products/*' }), 2); // ever: Taro too
      assert.equal(await count({ type: 'page_views', url: 'pricing' }), 1);
    });

    test('behaviour: form submissions by form and window, spam and unlinked records not counted', async () => {
      const db = t.database.db;
      const source = (await sql<{ id: string }>`INSERT INTO sources (name, label, kind, party) VALUES ('form-contact', 'お問い合わせ', 'form', 'first') RETURNING id`.execute(db)).rows[0]!.id;
      const form = (await sql<{ id: string }>`INSERT INTO forms (slug, kind, title, source_id) VALUES ('contact-test', 'contact', 'お問い合わせ', ${source}) RETURNING id`.execute(db)).rows[0]!.id;
      const record = async (customerId: string | null, key: string) => (await sql<{ id: string }>`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash)
        VALUES (${source}, ${key}, ${customerId}, '{}'::json, ${key}) RETURNING id`.execute(db)).rows[0]!.id;
      const submit = async (recordId: string, key: string, status: string, days: number) => sql`INSERT INTO form_submissions (form_id, submission_key, status, source_record_id, created_at)
        VALUES (${form}, ${key}, ${status}, ${recordId}, ${new Date(Date.now() - days * DAY)})`.execute(db);
      await submit(await record(ids.hanako!, 'f-hanako'), 's1', 'accepted', 5);
      await submit(await record(ids.taro!, 'f-taro'), 's2', 'accepted', 200);
      await submit(await record(ids.jiro!, 'f-jiro'), 's3', 'spam', 1);
      await submit(await record(null, 'f-nobody'), 's4', 'accepted', 1); // waiting for identity resolution
      assert.equal(await count({ type: 'form_submitted' }), 2);
      assert.equal(await count({ type: 'form_submitted', window: { lastDays: 30 } }), 1);
      assert.equal(await count({ type: 'form_submitted', formId: form }), 2);
      assert.equal(await count({ type: 'not', condition: { type: 'form_submitted', window: { lastDays: 30 } } }), 3);
      assert.equal(await count({ type: 'or', conditions: [{ type: 'form_submitted', window: { lastDays: 30 } }, { type: 'purchases', maxCount: 0 }] }), 2); // Hanako, Saburo
    });

    test('RFM: facts, scores keep one-time and repeat buyers apart, conditions, grid', async () => {
      const hanako = (await admin.json('GET', `/api/v1/customers/${ids.hanako}/value`)).body.value;
      assert.equal(hanako.frequency, 3);
      assert.equal(Number(hanako.monetary), 11100);
      assert.equal(hanako.recencyDays, 10);
      const taro = (await admin.json('GET', `/api/v1/customers/${ids.taro}/value`)).body.value;
      const jiro = (await admin.json('GET', `/api/v1/customers/${ids.jiro}/value`)).body.value;
      assert.equal(jiro.frequency, 1);
      assert.equal(taro.f, jiro.f);
      assert.ok(hanako.f > taro.f, 'the repeat buyer scores above the one-time buyers');
      assert.ok(hanako.r > taro.r);
      assert.equal((await admin.json('GET', `/api/v1/customers/${ids.saburo}/value`)).body.value, null);
      assert.equal(await count({ type: 'rfm', f: { min: hanako.f } }), 1);
      assert.equal(await count({ type: 'rfm', tiers: [taro.tier] }) >= 1, true);
      const grid = (await admin.json('GET', '/api/v1/rfm')).body;
      assert.equal(grid.cells.reduce((s: number, c: { customers: number }) => s + c.customers, 0), 3);
      assert.equal(grid.tiers.length, 6);
    });

    test('an order refreshes its buyer at once against the same cut points', async () => {
      const before = (await admin.json('GET', `/api/v1/customers/${ids.taro}/value`)).body.value;
      const res = await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'T-2', orderedAt: daysAgo(1), customer: { email: 'taro@b.co.jp' }, lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }] });
      assert.equal(res.status, 200);
      const now = (await admin.json('GET', `/api/v1/customers/${ids.taro}/value`)).body.value;
      assert.equal(now.frequency, 2);
      assert.equal(now.recencyDays, 1);
      assert.ok(now.r >= before.r);
    });

    test('bad definitions answer 400 with the JSON path and a Japanese message', async () => {
      const bad = async (definition: unknown) => {
        const res = await admin.json('POST', '/api/v1/segments/count', { definition });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        return res.body.errors as Array<{ field: string; message: string }>;
      };
      let errors = await bad({ type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'purchases', minCount: -1 }] });
      assert.equal(errors[0]!.field, 'definition.conditions[1].minCount');
      assert.match(errors[0]!.message, /小さすぎます/u);
      errors = await bad({ type: 'or', conditions: [{ type: 'teleport' }] });
      assert.match(errors[0]!.field, /^definition\.conditions\[0\]/u);
      errors = await bad({ type: 'attribute', field: 'prefecture', op: 'eq' });
      assert.equal(errors[0]!.field, 'definition.value');
      errors = await bad({ type: 'custom_field', key: 'nope', op: 'eq', value: 'x' });
      assert.equal(errors[0]!.field, 'definition.key');
      errors = await bad({ type: 'source', source: 'nowhere', op: 'has_record' });
      assert.match(errors[0]!.message, /データソース/u);
      errors = await bad({ type: 'purchases', minCount: 3, maxCount: 1 });
      assert.equal(errors[0]!.field, 'definition.maxCount');
      errors = await bad({ type: 'purchases', window: { lastDays: 0 } });
      assert.match(errors[0]!.field, /^definition\.window/u);
      errors = await bad({ type: 'company', field: 'industry', values: ['Z'] });
      assert.match(errors[0]!.message, /JSIC/u);
      // Too deep: 12 nested NOTs.
      let deep: unknown = { type: 'has', field: 'email' };
      for (let i = 0; i < 12; i++) deep = { type: 'not', condition: deep };
      errors = await bad(deep);
      assert.match(errors[0]!.message, /深すぎます/u);
      assert.equal((await admin.json('POST', '/api/v1/segments/count', { definition: 'everyone' })).status, 400);
    });

    test('saved segments: members, sizes, references without cycles, snapshot, split by tier, export (audited), permissions', async () => {
      const tokyo = await admin.json('POST', '/api/v1/segments', { name: '東京都の購入者', definition: { type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'purchases', minCount: 1 }] } });
      assert.equal(tokyo.status, 201, JSON.stringify(tokyo.body));
      assert.equal(tokyo.body.memberCount, 2);
      const members = await admin.json('GET', `/api/v1/segments/${tokyo.body.id}/members?limit=1`);
      assert.equal(members.body.items.length, 1);
      const next = await admin.json('GET', `/api/v1/segments/${tokyo.body.id}/members?limit=1&cursor=${encodeURIComponent(members.body.nextCursor)}`);
      assert.equal(next.body.items.length, 1);
      assert.notEqual(next.body.items[0].id, members.body.items[0].id);

      const repeat = await admin.json('POST', '/api/v1/segments', { name: 'リピーター (東京)', definition: { type: 'and', conditions: [{ type: 'segment', segmentId: tokyo.body.id }, { type: 'purchases', minCount: 2 }] } });
      assert.equal(repeat.status, 201);
      assert.equal(repeat.body.memberCount, 2); // Hanako 3, Taro 2 since T-2
      const cycle = await admin.json('PATCH', `/api/v1/segments/${tokyo.body.id}`, { definition: { type: 'segment', segmentId: repeat.body.id } });
      assert.equal(cycle.status, 400);
      assert.equal((await admin.json('DELETE', `/api/v1/segments/${tokyo.body.id}`)).status, 409);

      const frozen = await admin.json('POST', '/api/v1/segments', { name: '凍結', mode: 'snapshot', definition: { type: 'has', field: 'email' } });
      assert.equal(frozen.body.memberCount, 3);
      assert.equal((await admin.json('POST', `/api/v1/segments/${frozen.body.id}/refresh`)).status, 409);

      const refreshed = await admin.json('POST', `/api/v1/segments/${tokyo.body.id}/refresh`);
      assert.equal(refreshed.status, 200);
      const sizes = await admin.json('GET', `/api/v1/segments/${tokyo.body.id}/sizes`);
      assert.ok(sizes.body.items.length >= 1);

      const dist = await admin.json('GET', `/api/v1/segments/${tokyo.body.id}/distribution`);
      assert.equal(dist.body.members, 2);
      assert.equal(dist.body.orderCounts.find((b: { bucket: string }) => b.bucket === '2').customers, 1);

      const split = await admin.json('POST', `/api/v1/segments/${tokyo.body.id}/split`);
      assert.equal(split.status, 201);
      assert.equal(split.body.items.reduce((s: number, x: { memberCount: number }) => s + x.memberCount, 0), 2);
      assert.ok(split.body.items.every((x: { name: string }) => x.name.startsWith('東京都の購入者 — ')));

      const csv = await admin.request('GET', `/api/v1/segments/${tokyo.body.id}/export.csv`);
      assert.equal(csv.status, 200);
      const text = await csv.text();
      assert.equal(text.trim().split('\n').length, 3);
      assert.match(text, /佐藤/u);
      const log = await admin.json('GET', '/api/v1/audit-log?action=export.segment');
      assert.equal(log.body.items.length, 1);

      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('POST', '/api/v1/segments', { name: 'x', definition: { type: 'has', field: 'email' } })).status, 403);
      assert.equal((await viewer.request('GET', `/api/v1/segments/${tokyo.body.id}/export.csv`)).status, 403);
      const seen = await viewer.json('GET', `/api/v1/segments/${tokyo.body.id}/members`);
      assert.equal(seen.status, 200);
      assert.ok(seen.body.items.every((c: { email: string | null }) => c.email === null || c.email.includes('*')), 'e-mails masked for a viewer');
    });

    test('on a schedule: a dynamic segment with an interval is refreshed when it is due; a manual one and a snapshot are not', async () => {
      const definition = { type: 'has', field: 'birth_date' };
      const save = async (body: Record<string, unknown>) => {
        const res = await admin.json('POST', '/api/v1/segments', { definition, ...body });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body as { id: string; memberCount: number; refreshedAt: string };
      };
      const hourly = await save({ name: '生年月日あり（毎時）', refreshMinutes: 60 });
      const manual = await save({ name: '生年月日あり（手動）' });
      const frozen = await save({ name: '生年月日あり（凍結）', mode: 'snapshot', refreshMinutes: 60 });
      assert.equal(hourly.memberCount, 1); // Hanako
      const edited = await admin.json('PATCH', `/api/v1/customers/${ids.saburo}`, { birthDate: '1980-02-29' });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
      assert.equal(await refreshDueSegments(t.database.db, at(30)), 0, 'not due within the hour');
      assert.equal(await refreshDueSegments(t.database.db, at(61)), 1, 'due after it');
      assert.equal(await refreshDueSegments(t.database.db, at(62)), 0, 'claimed: queued once');
      const queued = await t.database.db.selectFrom('jobs').select(['kind', 'payload', 'status']).where('kind', '=', 'segment.refresh').execute();
      assert.deepEqual(queued, [{ kind: 'segment.refresh', payload: { segmentId: hourly.id }, status: 'queued' }]);
      await drainJobs({ handle: t.database });
      assert.equal(await refreshDueSegments(t.database.db, at(59)), 0, 'refreshed just now: not due again within the hour');
      const get = async (id: string) => (await admin.json('GET', `/api/v1/segments/${id}`)).body as { memberCount: number; refreshedAt: string };
      assert.equal((await get(hourly.id)).memberCount, 2);
      assert.ok((await get(hourly.id)).refreshedAt > hourly.refreshedAt);
      assert.equal((await get(manual.id)).memberCount, 1);
      assert.equal((await get(frozen.id)).memberCount, 1);
      // Its size over time: the first count and the scheduled one that added Saburo.
      const sizes = (await admin.json('GET', `/api/v1/segments/${hourly.id}/sizes`)).body.items as Array<{ memberCount: number; added: number; removed: number }>;
      assert.deepEqual(sizes.map((x) => [x.memberCount, x.added, x.removed]), [[2, 1, 0], [1, 1, 0]]);
    });

    test('a merged customer is counted once and keeps the orders of both', async () => {
      const merged = await admin.json('POST', '/api/v1/customers/merge', { customerIds: [ids.saburo, ids.jiro] });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal(await count({ type: 'and', conditions: [] }), 3);
      assert.equal(await count({ type: 'purchases', sku: 'MG-1' }), 2);
      assert.equal(await count({ type: 'purchases', maxCount: 0 }), 0);
      const value = (await admin.json('GET', `/api/v1/customers/${ids.saburo}/value`)).body.value;
      assert.equal(value.frequency, 1);
    });
  });
}
