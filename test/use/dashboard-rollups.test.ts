import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { rebuildOrderRollups, refreshOrderTotalsKeys } from '../../src/ledger/values/values.service.ts';
import { rebuildRecordRollups } from '../../src/resolution/resolver.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { ENGINES } from '../support/engines.ts';
import { recordRollupsDrift } from '../support/record-rollups.ts';
import { funnelDrift, funnelRows } from '../support/customer-funnel.ts';
import { rebuildCustomerFunnel } from '../../src/ledger/customers/customers.service.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * The dashboards' stored answers of migrations 0040 and 0043 against their raw definitions, after every path that
 * writes them (the records' rollups — first touch, customer_sources, source_records.joined_existing — are checked by
 * recordRollupsDrift at every step):
 *  - customer_order_totals (values.repository.ts): per live customer and currency, purchases (orders with a line of
 *    positive quantity), net revenue and order days of its orders not cancelled, and the customer's composition keys
 *    (0045: prefecture, channel, stage, owner, company) and sources (0048: its set of sources and its first touch's
 *    source, against its records) — after an order, a return, a cancellation, a changed record, a merge, a split, a
 *    soft delete, an erasure and the daily rebuild;
 *  - the month sums (0046: order_months, category_months, cohort_months; values.repository.ts), appended as deltas
 *    by the same calls: per key, equal to the same sums over the day rows — checked by monthsDrift with the totals;
 *    the daily rebuild compacts them to one row per key;
 *  - customer_funnel (0045, customers.repository.ts): each live customer's first arrival at each funnel stage — checked
 *    by funnelDrift with the totals, so after the same paths, and after a stage edit;
 *  - match_decisions.joined_existing (resolution.repository.ts): a merge or accept whose customer was created before
 *    the decision — a record joining an existing customer, and a record of a cluster whose customer was created in
 *    the same import (not joined).
 */
for (const engine of ENGINES) {
  describe(`dashboard rollups [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const ids: Record<string, string> = {};
    const orderIds: Record<string, string> = {};

    /** The composition keys kept beside the totals (0045), as text, of a totals row or of its customer's golden record. */
    const KEYS = (a: string) => sql.raw(['prefecture', 'acquisition_channel', 'lifecycle_stage', 'owner_user_id', 'company_id']
      .map((k) => `COALESCE(${a}.${k}::text, '-')`).join(` || ' ' || `));
    /**
     * The sources kept beside the totals (0048) as text — the buyer's sources, sorted, and its first touch's source —,
     * of a totals row, or from the customer's records (its earliest: received first, ties by id).
     */
    const SOURCES = (a: string) => sql.raw(`COALESCE(array_to_string(${a}.source_ids, ','), '-') || ' ' || COALESCE(${a}.first_source_id::text, '-')`);
    const RAW_SOURCES = (c: string) => sql.raw(`COALESCE((SELECT string_agg(DISTINCT sr.source_id::text, ',' ORDER BY sr.source_id::text) FROM source_records sr WHERE sr.customer_id = ${c}.id), '-')
      || ' ' || COALESCE((SELECT sr.source_id::text FROM source_records sr WHERE sr.customer_id = ${c}.id ORDER BY sr.received_at, sr.id LIMIT 1), '-')`);
    /** Rows of the totals table and of the raw definition that differ (as text: customer, currency, orders, revenue, days, keys, sources). */
    const totalsDrift = async () => {
      const db = t.database.db;
      const stored = (await sql<{ row: string }>`
        SELECT customer_id || ' ' || currency || ' ' || orders || ' ' || round(revenue, 2) || ' ' || days || ' ' || ${KEYS('t')} || ' ' || ${SOURCES('t')} AS row
        FROM customer_order_totals t`.execute(db)).rows.map((r) => r.row);
      const raw = (await sql<{ row: string }>`
        SELECT x.customer_id || ' ' || x.currency || ' ' || x.orders || ' ' || round(x.revenue, 2) || ' ' || x.days || ' ' || ${KEYS('c')} || ' ' || ${RAW_SOURCES('c')} AS row
        FROM customers c JOIN (
          SELECT sr.customer_id, o.currency, count(*) FILTER (WHERE l.counted) AS orders, sum(l.net) AS revenue,
                 count(DISTINCT (o.ordered_at AT TIME ZONE 'Asia/Tokyo')::date) AS days
          FROM orders o
          JOIN (SELECT order_id, bool_or(quantity > 0) AS counted,
                       sum(CASE WHEN unit_price IS NOT NULL THEN (quantity - returned_quantity) * unit_price ELSE amount - returned_amount END) AS net
                FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
          JOIN source_records sr ON sr.id = o.source_record_id JOIN customers c ON c.id = sr.customer_id
          WHERE o.status <> 'cancelled' AND c.deleted_at IS NULL
          GROUP BY 1, 2) x ON x.customer_id = c.id`.execute(db)).rows.map((r) => r.row);
      const s = new Set(stored);
      const r = new Set(raw);
      return { missing: raw.filter((x) => !s.has(x)).sort(), extra: stored.filter((x) => !r.has(x)).sort(), rows: stored.length };
    };
    /**
     * Keys of the month sums (0046: order_months, category_months, cohort_months — deltas, summed per key) whose sums
     * differ from the same sums over the day rows, as text; and how many delta rows there are.
     */
    const monthsDrift = async () => {
      const db = t.database.db;
      const rows = async (q: ReturnType<typeof sql<{ row: string }>>) => (await q.execute(db)).rows.map((r) => r.row);
      const pairs: Array<[string[], string[]]> = [
        [await rows(sql<{ row: string }>`SELECT month || ' ' || currency || ' ' || sum(orders) || ' ' || round(sum(revenue), 2) || ' ' || sum(buyers) || ' ' || sum(new_buyers) || ' ' || sum(days) AS row
            FROM order_months GROUP BY month, currency HAVING sum(days) <> 0`),
          await rows(sql<{ row: string }>`SELECT date_trunc('month', day)::date || ' ' || currency || ' ' || sum(orders) || ' ' || round(sum(revenue), 2) || ' ' || count(*) FILTER (WHERE month_first)
              || ' ' || count(*) FILTER (WHERE month_first AND date_trunc('month', first_day) = date_trunc('month', day)) || ' ' || count(*) AS row
            FROM customer_order_days GROUP BY date_trunc('month', day), currency`)],
        [await rows(sql<{ row: string }>`SELECT month || ' ' || currency || ' ' || COALESCE(category, '-') || ' ' || sum(orders) || ' ' || round(sum(revenue), 2) || ' ' || sum(buyers) || ' ' || sum(days) AS row
            FROM category_months GROUP BY month, currency, category HAVING sum(days) <> 0`),
          await rows(sql<{ row: string }>`SELECT date_trunc('month', day)::date || ' ' || currency || ' ' || COALESCE(category, '-') || ' ' || sum(orders) || ' ' || round(sum(revenue), 2)
              || ' ' || count(*) FILTER (WHERE month_first) || ' ' || count(*) AS row
            FROM customer_category_days GROUP BY date_trunc('month', day), currency, category`)],
        [await rows(sql<{ row: string }>`SELECT cohort || ' ' || month || ' ' || sum(buyers) AS row FROM cohort_months GROUP BY cohort, month HAVING sum(buyers) <> 0`),
          await rows(sql<{ row: string }>`SELECT date_trunc('month', first_day)::date || ' ' || date_trunc('month', day)::date || ' ' || count(*) AS row
            FROM customer_order_days WHERE month_first_any GROUP BY date_trunc('month', first_day), date_trunc('month', day)`)],
      ];
      const differ = pairs.flatMap(([stored, days]) => [...stored.filter((x) => !days.includes(x)).map((x) => `stored ${x}`), ...days.filter((x) => !stored.includes(x)).map((x) => `days ${x}`)]);
      const deltas = Number((await sql<{ n: number }>`SELECT (SELECT count(*) FROM order_months) + (SELECT count(*) FROM category_months) + (SELECT count(*) FROM cohort_months) AS n`.execute(db)).rows[0]!.n);
      return { differ: differ.sort(), deltas, keys: pairs.reduce((n, [, days]) => n + days.length, 0) };
    };
    const assertTotals = async (rows: number, why: string) => {
      const d = await totalsDrift();
      assert.deepEqual([d.missing, d.extra], [[], []], why);
      assert.deepEqual((await monthsDrift()).differ, [], `month sums ${why}`);
      assert.equal(d.rows, rows, why);
      assert.deepEqual(await recordRollupsDrift(t.database.db), [], `records' rollups ${why}`);
      assert.deepEqual(await funnelDrift(t.database.db), [], `funnel ${why}`);
    };
    const yen = async (who: string) => (await sql<{ orders: number; revenue: number }>`
      SELECT orders, revenue::float8 AS revenue FROM customer_order_totals WHERE customer_id = ${ids[who]!}::uuid AND currency = 'JPY'`.execute(t.database.db)).rows[0];
    /** Decisions whose stored flag differs from its definition. */
    const joinedDrift = async () => (await sql<{ id: string }>`
      SELECT d.id FROM match_decisions d LEFT JOIN customers t ON t.id = d.customer_id
      WHERE d.joined_existing IS DISTINCT FROM COALESCE(d.kind IN ('merge', 'accept') AND d.source_record_id IS NOT NULL AND t.created_at < d.created_at, FALSE)`
      .execute(t.database.db)).rows.map((r) => r.id);
    const order = async (id: string, email: string, at: string, lines: Array<{ sku: string; quantity: number; unitPrice: number }>, extra: Record<string, string> = {}) => {
      const res = await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: id, orderedAt: at, customer: { email }, lines, ...extra });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      orderIds[id] = res.body.id;
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const linked = await ingestRecords(t.database.db, {
        source: { name: 'crm', label: '基幹CRM', kind: 'file_import' },
        records: [
          { externalId: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@daicho-test.jp', prefecture: '東京都' } },
          { externalId: 'taro', fields: { full_name: '山田 太郎', email: 'taro@daicho-test.jp', prefecture: '東京都' } },
          { externalId: 'jiro', fields: { full_name: '鈴木 次郎', email: 'jiro@daicho-test.jp', prefecture: '大阪府' } },
          // Two records of one person in one import: the second joins the customer the first created in the same
          // transaction — not a customer that existed before.
          { externalId: 'shiro-1', fields: { full_name: '田中 四郎', email: 'shiro@daicho-test.jp', prefecture: '福岡県' } },
          { externalId: 'shiro-2', fields: { full_name: '田中 四郎', email: 'shiro@daicho-test.jp', phone: '090-3456-7812' } },
        ],
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      await admin.json('POST', '/api/v1/products', { sku: 'CF-1', name: 'コーヒー豆', category: '食品', price: 3200 });
      await admin.json('POST', '/api/v1/products', { sku: 'MG-1', name: 'マグカップ', category: '雑貨', price: 1500 });
    });
    after(async () => t.close());

    test('customer_first_touch after an import, a changed record and an order', async () => {
      assert.deepEqual(await recordRollupsDrift(t.database.db), [], 'after the import');
      const crm = (await sql<{ id: string }>`SELECT id FROM sources WHERE name = 'crm'`.execute(t.database.db)).rows[0]!.id;
      const first = async (who: string) => (await sql<{ source_id: string; source_record_id: string }>`
        SELECT source_id, source_record_id FROM customer_first_touch WHERE customer_id = ${ids[who]!}::uuid`.execute(t.database.db)).rows[0];
      assert.equal((await first('shiro-1'))!.source_id, crm);
      const shiro1 = (await sql<{ id: string }>`SELECT id FROM source_records WHERE external_id = 'shiro-1'`.execute(t.database.db)).rows[0]!.id;
      assert.equal(String((await first('shiro-1'))!.source_record_id), String(shiro1), 'the earlier of the two records');
      // 四郎's first record arrives again with new content: its arrival moves, so the other record is his first now.
      await ingestRecords(t.database.db, {
        source: { name: 'crm', label: '基幹CRM', kind: 'file_import' },
        records: [{ externalId: 'shiro-1', fields: { full_name: '田中 四郎', email: 'shiro@daicho-test.jp', prefecture: '佐賀県' } }],
        actor,
      });
      assert.deepEqual(await recordRollupsDrift(t.database.db), [], 'after a changed record');
      assert.notEqual(String((await first('shiro-1'))!.source_record_id), String(shiro1));
    });

    test('joined_existing: an order joining an existing customer, a cluster\'s own new customer', async () => {
      assert.equal(ids['shiro-1'], ids['shiro-2'], 'one customer for the two records');
      await order('H-1', 'hanako@daicho-test.jp', '2026-01-10T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]);
      assert.deepEqual(await joinedDrift(), []);
      assert.deepEqual(await recordRollupsDrift(t.database.db), [], 'after an order\'s record joined 花子');
      const flags = (await sql<{ external_id: string; kind: string; joined_existing: boolean }>`
        SELECT sr.external_id, d.kind, d.joined_existing FROM match_decisions d JOIN source_records sr ON sr.id = d.source_record_id
        ORDER BY sr.external_id, d.id`.execute(t.database.db)).rows;
      const flagOf = (externalId: string) => flags.filter((f) => f.external_id === externalId).map((f) => [f.kind, f.joined_existing]);
      const orderFlags = (await sql<{ kind: string; joined_existing: boolean }>`
        SELECT d.kind, d.joined_existing FROM match_decisions d JOIN orders o ON o.source_record_id = d.source_record_id
        WHERE o.id = ${orderIds['H-1']!}::uuid ORDER BY d.id`.execute(t.database.db)).rows.map((f) => [f.kind, f.joined_existing]);
      assert.deepEqual(orderFlags, [['merge', true]], 'the order\'s record joined 花子, who existed');
      assert.equal(flagOf('shiro-2').every(([, joined]) => joined === false), true, 'joined the customer its own import created');
      assert.ok(flagOf('shiro-2').length >= 1);
      const m = await admin.json('GET', '/api/v1/dashboards/panels/merges_by_source');
      assert.equal(m.status, 200, JSON.stringify(m.body));
      assert.deepEqual(m.body.rows.map((r: { source: string; merged: number; records: number }) => [r.source, r.merged, r.records]), [['crm', 0, 5], ['orders-ec', 1, 1]]);
    });

    test('customer_order_totals after orders, a return, a cancellation and an order without a purchase', async () => {
      await order('H-2', 'hanako@daicho-test.jp', '2026-02-05T10:00:00+09:00', [{ sku: 'CF-1', quantity: 2, unitPrice: 3200 }]);
      await order('T-1', 'taro@daicho-test.jp', '2026-02-20T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]);
      await order('T-2', 'taro@daicho-test.jp', '2026-03-01T10:00:00+09:00', [{ sku: 'MG-1', quantity: 10, unitPrice: 5 }], { currency: 'USD' });
      await order('J-1', 'jiro@daicho-test.jp', '2026-03-15T10:00:00+09:00', [{ sku: 'MG-1', quantity: 4, unitPrice: 1500 }]);
      await order('J-2', 'jiro@daicho-test.jp', '2026-03-20T10:00:00+09:00', [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }]);
      // 次郎's order returned whole: an order day without revenue, still a purchase.
      await order('J-3', 'jiro@daicho-test.jp', '2026-03-25T10:00:00+09:00', [{ sku: 'MG-1', quantity: 1, unitPrice: 1500 }]);
      const back = await admin.json('POST', `/api/v1/orders/${orderIds['J-3']!}/returns`, { lines: [{ sku: 'MG-1', quantity: '1' }] });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      await assertTotals(4, 'after the orders');
      assert.deepEqual(await yen('hanako'), { orders: 2, revenue: 9600 });
      const returned = await admin.json('POST', `/api/v1/orders/${orderIds['H-2']!}/returns`, { lines: [{ sku: 'CF-1', quantity: '1' }] });
      assert.equal(returned.status, 200, JSON.stringify(returned.body));
      await assertTotals(4, 'after a return');
      assert.deepEqual(await yen('hanako'), { orders: 2, revenue: 6400 });
      const cancelled = await admin.json('POST', `/api/v1/orders/${orderIds['J-2']!}/cancel`, {});
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      await assertTotals(4, 'after a cancellation');
      assert.deepEqual(await yen('jiro'), { orders: 2, revenue: 6000 });
      // By source: a customer counts once under each source it has a record of (花子 and 次郎 have ec orders too).
      const bySource = await admin.json('GET', '/api/v1/dashboards/panels/composition?by=source');
      assert.equal(bySource.status, 200, JSON.stringify(bySource.body));
      const sourceRows = (b: { rows: Array<{ key: string; customers: number; buyers: number; orders: number; revenue: number }> }) =>
        b.rows.map((r) => [r.key, r.customers, r.buyers, r.orders, r.revenue]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      assert.deepEqual(sourceRows(bySource.body), [['crm', 4, 3, 5, 15600], ['orders-ec', 3, 3, 5, 15600]]);
      // With a range (customers created in it and its buyers counted apart): everyone was created today and every
      // order is in 2026, so the same figures; from March only 次郎's two purchases (6,000 yen) and no new customer.
      const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
      const ranged = await admin.json('GET', `/api/v1/dashboards/panels/composition?by=source&from=2026-01-01&to=${today}`);
      assert.equal(ranged.status, 200, JSON.stringify(ranged.body));
      assert.deepEqual(sourceRows(ranged.body), [['crm', 4, 3, 5, 15600], ['orders-ec', 3, 3, 5, 15600]]);
      const march = await admin.json('GET', '/api/v1/dashboards/panels/composition?by=source&from=2026-03-01&to=2026-03-31');
      assert.equal(march.status, 200, JSON.stringify(march.body));
      assert.deepEqual(sourceRows(march.body), [['crm', 0, 1, 2, 6000], ['orders-ec', 0, 1, 2, 6000]]);
      // First touch with a range (its own form): the four customers created in it, three of them buyers in it.
      const ft = await admin.json('GET', `/api/v1/dashboards/panels/first_touch?from=2026-01-01&to=${today}`);
      assert.equal(ft.status, 200, JSON.stringify(ft.body));
      assert.deepEqual(ft.body.rows.map((r: { source: string; customers: number; buyers: number }) => [r.source, r.customers, r.buyers]), [['crm', 4, 3]]);
      const composition = await admin.json('GET', '/api/v1/dashboards/panels/composition?by=prefecture');
      assert.deepEqual(composition.body.rows.map((r: { key: string; customers: number; buyers: number; orders: number; revenue: number }) => [r.key, r.customers, r.buyers, r.orders, r.revenue]),
        [['東京都', 2, 2, 3, 9600], ['大阪府', 1, 1, 2, 6000], ['佐賀県', 1, 0, 0, 0]]);
    });

    test('the sources beside the totals after a buyer\'s record changed; first touch and composition by source from them', async () => {
      // 花子's import record arrives again with new content: her earliest record is now her first order's (orders-ec).
      await ingestRecords(t.database.db, {
        source: { name: 'crm', label: '基幹CRM', kind: 'file_import' },
        records: [{ externalId: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@daicho-test.jp', prefecture: '東京都', phone: '090-3456-7813' } }],
        actor,
      });
      await assertTotals(4, 'after a buyer\'s record changed: her first touch moved to her order\'s record');
      const ec = (await sql<{ id: string }>`SELECT id FROM sources WHERE name = 'orders-ec'`.execute(t.database.db)).rows[0]!.id;
      const stored = (await sql<{ first_source_id: string; n: number }>`
        SELECT first_source_id, cardinality(source_ids) AS n FROM customer_order_totals WHERE customer_id = ${ids.hanako!}::uuid AND currency = 'JPY'`.execute(t.database.db)).rows[0]!;
      assert.deepEqual([stored.first_source_id, Number(stored.n)], [ec, 2]);
      // Without a range: 太郎 bought in yen and in dollars and counts once; 四郎 bought nothing.
      const ft = await admin.json('GET', '/api/v1/dashboards/panels/first_touch');
      assert.equal(ft.status, 200, JSON.stringify(ft.body));
      assert.deepEqual(ft.body.rows.map((r: { source: string; customers: number; buyers: number }) => [r.source, r.customers, r.buyers]), [['crm', 3, 2], ['orders-ec', 1, 1]]);
      const bySource = await admin.json('GET', '/api/v1/dashboards/panels/composition?by=source');
      assert.deepEqual(bySource.body.rows.map((r: { key: string; customers: number; buyers: number; orders: number; revenue: number }) => [r.key, r.customers, r.buyers, r.orders, r.revenue])
        .sort((x: unknown[], y: unknown[]) => String(x[0]).localeCompare(String(y[0]))), [['crm', 4, 3, 5, 15600], ['orders-ec', 3, 3, 5, 15600]]);
    });

    test('customer_order_totals after a merge, a split, a soft delete, the daily rebuild and an erasure', async () => {
      // A stage edit writes the history and the funnel row (its first arrival at 商談中, then at 顧客).
      for (const stage of ['opportunity', 'customer', 'opportunity']) {
        assert.equal((await admin.json('PATCH', `/api/v1/customers/${ids.hanako!}`, { lifecycleStage: stage })).status, 200);
        assert.deepEqual(await funnelDrift(t.database.db), [], `funnel after a stage edit to ${stage}`);
      }
      const arrivals = (await sql<{ p: Date | null; o: Date | null; c: Date | null }>`
        SELECT prospect_at AS p, opportunity_at AS o, customer_at AS c FROM customer_funnel WHERE customer_id = ${ids.hanako!}::uuid`.execute(t.database.db)).rows[0]!;
      assert.ok(arrivals.p && arrivals.o && arrivals.c && arrivals.p <= arrivals.o && arrivals.o <= arrivals.c, JSON.stringify(arrivals));
      await assertTotals(4, 'after stage edits: the keys beside 花子\'s totals follow her stage');
      assert.equal((await sql<{ s: string }>`SELECT lifecycle_stage AS s FROM customer_order_totals WHERE customer_id = ${ids.hanako!}::uuid`.execute(t.database.db)).rows[0]!.s, 'opportunity');
      const merged = await admin.json('POST', '/api/v1/customers/merge', { customerIds: [ids.hanako!, ids.jiro!] });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      await assertTotals(3, 'after a merge: 次郎\'s totals are 花子\'s (花子 yen, 太郎 yen and dollars)');
      assert.deepEqual(await yen('hanako'), { orders: 4, revenue: 12400 });

      const jiroRecords = (await sql<{ id: string }>`
        SELECT sr.id FROM source_records sr WHERE sr.customer_id = ${ids.hanako!}::uuid
          AND (sr.external_id = 'jiro' OR sr.id IN (SELECT o.source_record_id FROM orders o WHERE o.id = ANY(${['J-1', 'J-2', 'J-3'].map((k) => orderIds[k]!)}::uuid[])))`
        .execute(t.database.db)).rows.map((r) => Number(r.id));
      const split = await admin.json('POST', `/api/v1/customers/${ids.hanako!}/unmerge`, { sourceRecordIds: jiroRecords });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      ids.jiro2 = split.body.newCustomerId as string;
      await assertTotals(4, 'after a split: 次郎\'s orders left with his records');
      assert.deepEqual(await yen('jiro2'), { orders: 2, revenue: 6000 });

      assert.equal((await admin.request('DELETE', `/api/v1/customers/${ids.taro!}`)).status, 204);
      await assertTotals(2, 'after a soft delete: 太郎\'s yen and dollar rows are gone');
      // First touch without a range counts buyers from the totals: 花子 (first touch: her order) and the split-off 次郎
      // (a purchase each), not 四郎.
      const ft = await admin.json('GET', '/api/v1/dashboards/panels/first_touch');
      assert.deepEqual(ft.body.rows.map((r: { source: string; customers: number; buyers: number }) => [r.source, r.customers, r.buyers]), [['crm', 2, 1], ['orders-ec', 1, 1]]);

      // The daily rebuild puts right a drifted row and a missing one.
      await sql`UPDATE customer_order_totals SET orders = orders + 5 WHERE customer_id = ${ids.hanako!}::uuid`.execute(t.database.db);
      await sql`DELETE FROM customer_order_totals WHERE customer_id = ${ids.jiro2!}::uuid`.execute(t.database.db);
      assert.notDeepEqual((await totalsDrift()).missing, []);
      // And a month sum drifted: a delta row lost.
      const before = await monthsDrift();
      assert.ok(before.deltas > before.keys, `the writes appended deltas (${before.deltas} rows for ${before.keys} keys)`);
      await sql`DELETE FROM category_months WHERE ctid IN (SELECT ctid FROM category_months WHERE days > 0 LIMIT 1)`.execute(t.database.db);
      assert.notDeepEqual((await monthsDrift()).differ, []);
      await rebuildOrderRollups(t.database.db);
      await assertTotals(2, 'after the rebuild');
      const compacted = await monthsDrift();
      assert.equal(compacted.deltas, compacted.keys, 'the rebuild leaves one row per key');
      // The keys beside the totals put right from the facts (the daily pass does it after the facts).
      await sql`UPDATE customer_order_totals SET prefecture = '沖縄県', owner_user_id = NULL, source_ids = NULL, first_source_id = NULL`.execute(t.database.db);
      await refreshOrderTotalsKeys(t.database.db, null);
      await assertTotals(2, 'after the keys\' refresh');
      // And the records' rollups: a lost source, a stray one, a flag lost and a flag set without a decision.
      const db = t.database.db;
      await sql`DELETE FROM customer_sources WHERE customer_id = ${ids.hanako!}::uuid`.execute(db);
      await sql`INSERT INTO customer_sources (customer_id, source_id) SELECT ${ids.jiro2!}::uuid, id FROM sources WHERE name = 'orders-ec'
        ON CONFLICT DO NOTHING`.execute(db);
      await sql`UPDATE source_records SET joined_existing = NOT joined_existing WHERE customer_id = ${ids.hanako!}::uuid`.execute(db);
      assert.ok((await recordRollupsDrift(db)).length >= 3);
      // The totals copy the drifted sources when the keys are refreshed before the records' rollups are put right…
      await refreshOrderTotalsKeys(db, null);
      assert.notDeepEqual((await totalsDrift()).missing, [], 'the sources beside the totals follow customer_sources');
      await rebuildRecordRollups(db);
      assert.deepEqual(await recordRollupsDrift(db), [], 'after the records\' rebuild');
      // …and are right again once the daily pass refreshes them after the records' rebuild.
      await refreshOrderTotalsKeys(db, null);
      await assertTotals(2, 'after the records\' rebuild and the keys\' refresh');
      // And the funnel: a drifted arrival, a missing row, a stray row of a deleted customer.
      await sql`UPDATE customer_funnel SET prospect_at = prospect_at - interval '3 days' WHERE customer_id = ${ids.hanako!}::uuid`.execute(db);
      await sql`DELETE FROM customer_funnel WHERE customer_id = ${ids.jiro2!}::uuid`.execute(db);
      await sql`INSERT INTO customer_funnel (customer_id, prospect_at) VALUES (${ids.taro!}::uuid, now())`.execute(db);
      assert.equal((await funnelDrift(db)).length, 3);
      await rebuildCustomerFunnel(db);
      assert.deepEqual(await funnelDrift(db), [], 'after the funnel\'s rebuild');
      assert.equal(await funnelRows(db), 3, '花子, 四郎 and the split-off 次郎');

      const r = await admin.json('POST', '/api/v1/privacy/requests', {
        kind: 'erasure', receivedOn: '2026-12-01', requesterName: '鈴木 次郎', requesterContact: 'jiro@daicho-test.jp',
        identityVerifiedBy: admin.userId, identityVerifiedAt: '2026-12-01T10:00:00+09:00', identityMethod: '運転免許証の写し', customerIds: [ids.jiro2!],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const done = await admin.json('POST', `/api/v1/privacy/requests/${r.body.id}/erase`, { confirm: '消去する' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      await assertTotals(1, 'after an erasure');
      assert.deepEqual(await joinedDrift(), [], 'the decisions left keep their flags');
    });
  });
}
