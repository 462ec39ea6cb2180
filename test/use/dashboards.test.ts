import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { rebuildCustomerFunnel } from '../../src/ledger/customers/customers.service.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * A small ledger with known numbers (Japan times):
 *  花子 東京都, web, owner admin, 製造業 300名 company, stage customer
 *     H-1 2026-01-10 CF-1 ×1 @3,200 · H-2 2026-02-05 CF-1 ×2 @3,200, one returned (net 3,200)
 *     H-3 2026-04-01 00:30 (UTC still March 31) MG-1 ×1 @1,500
 *  太郎 東京都, stage opportunity: T-1 2026-02-20 CF-1 ×1 @3,200 · T-2 2026-03-01 in USD (10 × $5)
 *  次郎 大阪府: J-1 2026-03-15 MG-1 ×4 @1,500 · J-2 2026-03-20 CF-1 ×1, cancelled
 *  三郎 東京都, phone only, no orders
 */
for (const engine of ENGINES) {
  describe(`dashboards [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let viewer: Client;
    const ids: Record<string, string> = {};
    const panel = async (name: string, query: Record<string, string> = {}) => {
      const res = await admin.json('GET', `/api/v1/dashboards/panels/${name}?${new URLSearchParams(query)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { rows: Array<Record<string, unknown>>; columns: Array<{ key: string; kind: string }>; otherCurrencyOrders: number; by: string | null; filters: unknown };
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      viewer = await t.as('viewer');
      const linked = await ingestRecords(t.database.db, {
        source: { name: 'crm', label: '基幹CRM', kind: 'file_import' },
        records: [
          { externalId: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@a.co.jp', prefecture: '東京都', address: '千代田区丸の内1-1' } },
          { externalId: 'taro', fields: { full_name: '山田 太郎', email: 'taro@b.co.jp', prefecture: '東京都' } },
          { externalId: 'jiro', fields: { full_name: '鈴木 次郎', email: 'jiro@c.co.jp', prefecture: '大阪府' } },
          { externalId: 'saburo', fields: { full_name: '高橋 三郎', phone: '090-1111-2222', prefecture: '東京都' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      const company = await admin.json('POST', '/api/v1/companies', { name: '株式会社テスト製作所', industry: '製造業', employees: '300名' });
      assert.equal(company.status, 201, JSON.stringify(company.body));
      for (const [who, patch] of [
        ['hanako', { lifecycleStage: 'customer', acquisitionChannel: 'web', ownerUserId: admin.userId, companyId: company.body.id }],
        ['taro', { lifecycleStage: 'opportunity' }],
      ] as const) {
        const res = await admin.json('PATCH', `/api/v1/customers/${ids[who]!}`, patch);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      await admin.json('POST', '/api/v1/products', { sku: 'CF-1', name: 'コーヒー豆', category: '食品', price: 3200 });
      await admin.json('POST', '/api/v1/products', { sku: 'MG-1', name: 'マグカップ', category: '雑貨', price: 1500 });
      const orders: Array<[string, string, string, Array<{ sku: string; quantity: number; unitPrice: number }>, Record<string, string>?]> = [
        ['H-1', 'hanako@a.co.jp', '2026-01-10T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]],
        ['H-2', 'hanako@a.co.jp', '2026-02-05T10:00:00+09:00', [{ sku: 'CF-1', quantity: 2, unitPrice: 3200 }]],
        ['H-3', 'hanako@a.co.jp', '2026-04-01T00:30:00+09:00', [{ sku: 'MG-1', quantity: 1, unitPrice: 1500 }]],
        ['T-1', 'taro@b.co.jp', '2026-02-20T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]],
        ['T-2', 'taro@b.co.jp', '2026-03-01T10:00:00+09:00', [{ sku: 'MG-1', quantity: 10, unitPrice: 5 }], { currency: 'USD' }],
        ['J-1', 'jiro@c.co.jp', '2026-03-15T10:00:00+09:00', [{ sku: 'MG-1', quantity: 4, unitPrice: 1500 }]],
        ['J-2', 'jiro@c.co.jp', '2026-03-20T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }], { status: 'キャンセル' }],
      ];
      const orderIds: Record<string, string> = {};
      for (const [id, email, at, lines, extra] of orders) {
        const res = await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: id, orderedAt: at, customer: { email }, lines, ...(extra ?? {}) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        orderIds[id] = res.body.id;
      }
      const returned = await admin.json('POST', `/api/v1/orders/${orderIds['H-2']!}/returns`, { lines: [{ sku: 'CF-1', quantity: '1' }] });
      assert.equal(returned.status, 200, JSON.stringify(returned.body));
      // Stage history in 2025 (the funnel's range below): 花子 prospect → opportunity (10 days) → customer (20 days);
      // 太郎 prospect → customer directly after 4 days (reaches opportunity then too); 次郎 stays a prospect.
      const history: Array<[string, string | null, string, string]> = [
        ['hanako', null, 'prospect', '2025-01-01T09:00:00+09:00'], ['hanako', 'prospect', 'opportunity', '2025-01-11T09:00:00+09:00'],
        ['hanako', 'opportunity', 'customer', '2025-01-31T09:00:00+09:00'],
        ['taro', null, 'prospect', '2025-01-01T09:00:00+09:00'], ['taro', 'prospect', 'customer', '2025-01-05T09:00:00+09:00'],
        ['jiro', null, 'prospect', '2025-01-01T09:00:00+09:00'],
      ];
      for (const [who, from, to, at] of history) {
        await sql`INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage, changed_at) VALUES (${ids[who]!}::uuid, ${from}, ${to}, ${new Date(at)})`.execute(t.database.db);
      }
      // History written with SQL of its own: the funnel rows rebuilt as the daily pass does.
      await rebuildCustomerFunnel(t.database.db);
    });
    after(async () => t.close());

    const Q1 = { from: '2026-01-01', to: '2026-04-30' };

    test('revenue by month: net of returns, cancelled left out, Japan months, new and returning buyers, other currencies counted apart', async () => {
      const p = await panel('revenue_by_month', Q1);
      assert.deepEqual(p.rows, [
        { month: '2026-01', revenue: 3200, orders: 1, buyers: 1, newBuyers: 1, returningBuyers: 0, averageOrderValue: 3200 },
        { month: '2026-02', revenue: 6400, orders: 2, buyers: 2, newBuyers: 1, returningBuyers: 1, averageOrderValue: 3200 },
        { month: '2026-03', revenue: 6000, orders: 1, buyers: 1, newBuyers: 1, returningBuyers: 0, averageOrderValue: 6000 },
        { month: '2026-04', revenue: 1500, orders: 1, buyers: 1, newBuyers: 0, returningBuyers: 1, averageOrderValue: 1500 },
      ]);
      assert.equal(p.otherCurrencyOrders, 1);
      assert.deepEqual(p.columns.map((c) => c.kind), ['month', 'yen', 'count', 'count', 'count', 'count', 'yen']);
      // Without a range: the last 24 months, the current one last, months without orders as zeros.
      const all = await panel('revenue_by_month');
      assert.equal(all.rows.length, 24);
      assert.equal(all.rows.at(-1)!.month, new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7));
      // A day range inside a month: only that day's orders.
      const day = await panel('revenue_by_month', { from: '2026-02-20', to: '2026-02-20' });
      assert.deepEqual(day.rows, [{ month: '2026-02', revenue: 3200, orders: 1, buyers: 1, newBuyers: 1, returningBuyers: 0, averageOrderValue: 3200 }]);
    });

    test('category by month and cohorts', async () => {
      const c = await panel('category_by_month', Q1);
      assert.deepEqual(c.rows, [
        { month: '2026-01', category: '食品', label: '食品', revenue: 3200, orders: 1, buyers: 1 },
        { month: '2026-02', category: '食品', label: '食品', revenue: 6400, orders: 2, buyers: 2 },
        { month: '2026-03', category: '雑貨', label: '雑貨', revenue: 6000, orders: 1, buyers: 1 },
        { month: '2026-04', category: '雑貨', label: '雑貨', revenue: 1500, orders: 1, buyers: 1 },
      ]);
      // A range that starts inside a month counts that month's buyers from its first day on.
      const day = await panel('category_by_month', { from: '2026-02-20', to: '2026-03-31' });
      assert.deepEqual(day.rows, [
        { month: '2026-02', category: '食品', label: '食品', revenue: 3200, orders: 1, buyers: 1 },
        { month: '2026-03', category: '雑貨', label: '雑貨', revenue: 6000, orders: 1, buyers: 1 },
      ]);
      const k = await panel('cohorts', Q1);
      // Cohorts by the first purchase in any currency; 太郎 bought again in March (in USD).
      assert.deepEqual(k.rows, [
        { cohort: '2026-01', monthsSince: 0, buyers: 1, cohortSize: 1, retention: 1 },
        { cohort: '2026-01', monthsSince: 1, buyers: 1, cohortSize: 1, retention: 1 },
        { cohort: '2026-01', monthsSince: 3, buyers: 1, cohortSize: 1, retention: 1 },
        { cohort: '2026-02', monthsSince: 0, buyers: 1, cohortSize: 1, retention: 1 },
        { cohort: '2026-02', monthsSince: 1, buyers: 1, cohortSize: 1, retention: 1 },
        { cohort: '2026-03', monthsSince: 0, buyers: 1, cohortSize: 1, retention: 1 },
      ]);
    });

    test('composition by each dimension, with labels; a date range counts what happened in it', async () => {
      const pref = await panel('composition', { by: 'prefecture' });
      assert.equal(pref.by, 'prefecture');
      assert.deepEqual(pref.rows, [
        { key: '東京都', label: '東京都', customers: 3, buyers: 2, orders: 4, revenue: 11100 },
        { key: '大阪府', label: '大阪府', customers: 1, buyers: 1, orders: 1, revenue: 6000 },
      ]);
      assert.equal(pref.otherCurrencyOrders, 1);
      // Customers entered the ledger now, not in February: only February's orders count.
      const feb = await panel('composition', { by: 'prefecture', from: '2026-02-01', to: '2026-02-28' });
      assert.deepEqual(feb.rows, [{ key: '東京都', label: '東京都', customers: 0, buyers: 2, orders: 2, revenue: 6400 }]);
      assert.equal(feb.otherCurrencyOrders, 0);
      const stage = await panel('composition', { by: 'stage' });
      assert.deepEqual(stage.rows.map((r) => [r.key, r.label, r.customers, r.buyers]), [['prospect', '見込み客', 2, 1], ['opportunity', '商談中', 1, 1], ['customer', '顧客', 1, 1]]);
      const channel = await panel('composition', { by: 'channel' });
      assert.deepEqual(channel.rows.map((r) => [r.key, r.label, r.customers, r.revenue]), [['web', 'Web', 1, 7900], [null, '未設定', 3, 9200]]);
      const owner = await panel('composition', { by: 'owner' });
      assert.deepEqual(owner.rows.map((r) => [r.key, r.label, r.customers]), [[admin.userId, 'admin user', 1], [null, '未設定', 3]]);
      const industry = await panel('composition', { by: 'industry' });
      assert.deepEqual(industry.rows.map((r) => [r.key, r.label, r.customers, r.orders]), [['E', '製造業', 1, 3], [null, '未設定', 3, 2]]);
      const size = await panel('composition', { by: 'size_band' });
      assert.deepEqual(size.rows.map((r) => [r.key, r.label, r.customers]), [['300-999', '300〜999名', 1], [null, '未設定', 3]]);
      const source = await panel('composition', { by: 'source' });
      assert.deepEqual(source.rows.map((r) => [r.key, r.label, r.customers, r.buyers, r.revenue]), [
        ['crm', '基幹CRM', 4, 3, 17100], ['orders-ec', '注文 (ec)', 3, 3, 17100], ['manual', '手入力 (UI / API)', 2, 2, 11100],
      ]);
      // Default dimension: prefecture.
      assert.equal((await panel('composition')).by, 'prefecture');
    });

    test('funnel from the stage history: a skipped stage counts as reached at the later time', async () => {
      const f = await panel('funnel', { from: '2025-01-01', to: '2025-12-31' });
      assert.deepEqual(f.rows, [
        { stage: 'prospect', label: '見込み客', reached: 3, converted: 2, conversionRate: 2 / 3, medianDays: 7, averageDays: 7 },
        { stage: 'opportunity', label: '商談中', reached: 2, converted: 2, conversionRate: 1, medianDays: 10, averageDays: 10 },
        { stage: 'customer', label: '顧客', reached: 2, converted: 0, conversionRate: null, medianDays: null, averageDays: null },
      ]);
    });

    test('acquisition, first touch, quality, merges by source', async () => {
      const month = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 7);
      const a = await panel('acquisition');
      assert.deepEqual(a.rows, [
        { month, channel: 'web', label: 'Web', newCustomers: 1 },
        { month, channel: null, label: '未設定', newCustomers: 3 },
      ]);
      const ft = await panel('first_touch');
      assert.deepEqual(ft.rows, [{ source: 'crm', label: '基幹CRM', customers: 4, buyers: 3, buyerRate: 0.75 }]);
      const q = await panel('quality');
      assert.deepEqual(q.rows.map((r) => [r.metric, r.count, r.share]), [
        ['with_email', 3, 0.75], ['with_phone', 1, 0.25], ['with_address', 1, 0.25], ['with_company', 1, 0.25], ['review_waiting', 0, null], ['company_review_waiting', 0, null], ['stale_values', 0, null],
      ]);
      const m = await panel('merges_by_source');
      assert.deepEqual(m.rows.map((r) => [r.source, r.merged, r.records]), [['crm', 0, 4], ['orders-ec', 3, 3], ['manual', 0, 2]]);
    });

    test('a segment filter keeps its members only; an unknown segment is a 404', async () => {
      const seg = await admin.json('POST', '/api/v1/segments', { name: '大阪', definition: { type: 'attribute', field: 'prefecture', op: 'eq', value: '大阪府' } });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      const p = await panel('revenue_by_month', { ...Q1, segment: seg.body.id });
      assert.deepEqual(p.rows.map((r) => [r.month, r.revenue, r.buyers]), [['2026-01', 0, 0], ['2026-02', 0, 0], ['2026-03', 6000, 1], ['2026-04', 0, 0]]);
      assert.deepEqual((await panel('composition', { segment: seg.body.id })).rows.map((r) => [r.key, r.customers]), [['大阪府', 1]]);
      assert.deepEqual((p.filters as { segment: string }).segment, seg.body.id);
      const missing = await admin.json('GET', '/api/v1/dashboards/panels/funnel?segment=00000000-0000-4000-8000-000000000000');
      assert.equal(missing.status, 404);
      const drillMissing = await admin.json('GET', '/api/v1/dashboards/drill?by=prefecture&segment=00000000-0000-4000-8000-000000000000');
      assert.equal(drillMissing.status, 404);
    });

    test('bad parameters are 400s', async () => {
      for (const path of [
        '/api/v1/dashboards/panels/nothing',
        '/api/v1/dashboards/panels/composition?by=height',
        '/api/v1/dashboards/panels/funnel?from=2026-1-1',
        '/api/v1/dashboards/panels/funnel?from=2026-02-30',
        '/api/v1/dashboards/panels/funnel?from=2026-03-01&to=2026-02-01',
        '/api/v1/dashboards/panels/funnel?segment=not-a-uuid',
        '/api/v1/dashboards/drill',
        '/api/v1/dashboards/drill?by=prefecture&limit=0',
        '/api/v1/dashboards/drill?by=prefecture&cursor=nonsense',
      ]) {
        const res = await admin.json('GET', path);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      }
    });

    test('drill: the customers behind a composition row, by pages, masked for a viewer', async () => {
      const tokyo = [ids.hanako!, ids.taro!, ids.saburo!].sort();
      const first = await admin.json('GET', `/api/v1/dashboards/drill?${new URLSearchParams({ by: 'prefecture', key: '東京都', limit: '2' })}`);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body.items.map((c: { id: string }) => c.id), tokyo.slice(0, 2));
      assert.equal(first.body.hasMore, true);
      const second = await admin.json('GET', `/api/v1/dashboards/drill?${new URLSearchParams({ by: 'prefecture', key: '東京都', limit: '2', cursor: first.body.nextCursor })}`);
      assert.deepEqual(second.body.items.map((c: { id: string }) => c.id), tokyo.slice(2));
      assert.equal(second.body.hasMore, false);
      // The 未設定 row: no key.
      const unset = await admin.json('GET', '/api/v1/dashboards/drill?by=channel');
      assert.deepEqual(unset.body.items.map((c: { id: string }) => c.id), [ids.taro!, ids.jiro!, ids.saburo!].sort());
      const stage = await admin.json('GET', '/api/v1/dashboards/drill?by=industry&key=E');
      assert.deepEqual(stage.body.items.map((c: { id: string }) => c.id), [ids.hanako!]);
      // A viewer sees the same customers masked exactly as the customer list masks them.
      const seen = await viewer.json('GET', `/api/v1/dashboards/drill?${new URLSearchParams({ by: 'prefecture', key: '東京都' })}`);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      const list = await viewer.json('GET', '/api/v1/customers?limit=50');
      const listed = new Map(list.body.items.map((c: { id: string }) => [c.id, c]));
      for (const item of seen.body.items as Array<{ id: string; email: string | null }>) assert.deepEqual(item, listed.get(item.id));
      const hanako = (seen.body.items as Array<{ id: string; email: string | null }>).find((c) => c.id === ids.hanako)!;
      assert.notEqual(hanako.email, 'hanako@a.co.jp');
      // The panels are open to a viewer too.
      assert.equal((await viewer.json('GET', '/api/v1/dashboards/panels/quality')).status, 200);
    });

    test('a merge and a delete: nobody counted twice, a deleted customer counted nowhere', async () => {
      const sum = (rows: Array<Record<string, unknown>>, key: string) => rows.reduce((n, r) => n + Number(r[key]), 0);
      const merged = await admin.json('POST', '/api/v1/customers/merge', { customerIds: [ids.hanako!, ids.jiro!] });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      const pref = (await panel('composition', { by: 'prefecture' })).rows;
      assert.deepEqual([sum(pref, 'customers'), sum(pref, 'buyers'), sum(pref, 'orders'), sum(pref, 'revenue')], [3, 2, 5, 17100]);
      // 次郎's March order is now the merged customer's, whose first purchase was in January: a returning buyer.
      const march = (await panel('revenue_by_month', Q1)).rows.find((r) => r.month === '2026-03')!;
      assert.deepEqual([march.revenue, march.buyers, march.newBuyers, march.returningBuyers], [6000, 1, 0, 1]);
      assert.equal((await admin.request('DELETE', `/api/v1/customers/${ids.taro!}`)).status, 204);
      const after = (await panel('composition', { by: 'prefecture' })).rows;
      assert.deepEqual([sum(after, 'customers'), sum(after, 'buyers'), sum(after, 'orders'), sum(after, 'revenue')], [2, 1, 4, 13900]);
      const feb = (await panel('revenue_by_month', Q1)).rows.find((r) => r.month === '2026-02')!;
      assert.deepEqual([feb.revenue, feb.buyers], [3200, 1]);
      assert.equal((await panel('revenue_by_month', Q1)).otherCurrencyOrders, 0);
    });
  });
}
