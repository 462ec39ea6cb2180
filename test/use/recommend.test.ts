import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { customerCandidates, exportCandidates, exportCandidatesAudited, startRun } from '../../src/use/recommend/recommend.service.ts';
import { auditEntriesOf } from '../../src/ledger/privacy/subject.repository.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

/**
 * A coffee shop: twelve customers bought beans (A) with a dripper (B) in one order, three of them also a book (D);
 * Hanako bought only beans, 30 days ago; Taro bought only the book. Premium beans (C) are the beans' step up;
 * the grinder (E) is discontinued.
 */
for (const engine of ENGINES) {
  describe(`cross-sell candidates [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const ids: Record<string, string> = {};
    const products: Record<string, string> = {};

    const waitForRun = async () => {
      for (let i = 0; i < 200; i++) {
        const res = await admin.json('GET', '/api/v1/recommendations/runs');
        const run = res.body.items[0];
        if (run && run.status !== 'running') return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the run did not finish');
    };

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const people = [
        ...Array.from({ length: 12 }, (_, i) => ({ key: `fan${i}`, fields: { full_name: `珈琲 ${i}郎`, email: `fan${i}@mame-club.co.jp` } })),
        { key: 'hanako', fields: { full_name: '佐藤 花子', email: 'hanako@mame-club.co.jp', phone: '090-1234-5678' } },
        { key: 'taro', fields: { full_name: '山田 太郎', email: 'taro@mame-club.co.jp' } },
        { key: 'none', fields: { full_name: '鈴木 次郎', email: 'jiro@mame-club.co.jp' } },
      ];
      const linked = await ingestRecords(t.database.db, {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' }, records: people.map((p) => ({ externalId: p.key, fields: p.fields })), actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      for (const [key, sku, name, category, price] of [
        ['A', 'CF-1', 'コーヒー豆', '食品', 3200], ['B', 'DR-1', 'ドリッパー', '器具', 2500], ['C', 'CF-9', 'コーヒー豆 プレミアム', '食品', 5800],
        ['D', 'BK-1', '珈琲の本', '書籍', 1800], ['E', 'GR-1', 'ミル', '器具', 9000],
      ] as const) {
        const res = await admin.json('POST', '/api/v1/products', { sku, name, category, price });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        products[key] = res.body.id;
      }
      const order = async (orderId: string, email: string, at: string, skus: string[], status?: string) => {
        const prices: Record<string, number> = { 'CF-1': 3200, 'DR-1': 2500, 'CF-9': 5800, 'BK-1': 1800, 'GR-1': 9000 };
        const res = await admin.json('POST', '/api/v1/orders', {
          source: 'ec', orderId, orderedAt: at, customer: { email }, lines: skus.map((sku) => ({ sku, quantity: 1, unitPrice: prices[sku]! })), ...(status ? { status } : {}),
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      for (let i = 0; i < 12; i++) {
        await order(`F-${i}`, `fan${i}@mame-club.co.jp`, daysAgo(100 + i), ['CF-1', 'DR-1', 'GR-1']);
        if (i < 3) await order(`F-${i}-b`, `fan${i}@mame-club.co.jp`, daysAgo(60), ['BK-1']);
      }
      await order('H-1', 'hanako@mame-club.co.jp', daysAgo(30), ['CF-1']);
      await order('T-1', 'taro@mame-club.co.jp', daysAgo(20), ['BK-1']);
      // A cancelled order counts for nothing: Jiro bought nothing.
      await order('J-1', 'jiro@mame-club.co.jp', daysAgo(10), ['CF-1', 'DR-1'], 'キャンセル');
      const off = await admin.json('PATCH', `/api/v1/products/${products.E}`, { active: false });
      assert.equal(off.status, 200, JSON.stringify(off.body));
    });
    after(async () => t.close());

    test('a run in the background: model, basket rules, every buyer\'s candidates', async () => {
      const started = await admin.json('POST', '/api/v1/recommendations/runs', {});
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.alreadyRunning, false);
      const run = await waitForRun();
      assert.equal(run.status, 'done', JSON.stringify(run));
      assert.equal(run.buyers, 14, 'twelve fans, Hanako and Taro; not Jiro (cancelled)');
      assert.equal(run.customersDone, run.customersTotal);
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customer_candidates WHERE customer_id = ${ids.none!}`.execute(t.database.db);
      assert.equal(rows.rows[0]!.n, 0, 'no candidates for who bought nothing');
    });

    test('Hanako (beans only): the dripper with its reason, premium beans as up-sell; nothing bought or discontinued', async () => {
      const res = await admin.json('GET', `/api/v1/customers/${ids.hanako}/candidates`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const items = res.body.items as Array<{ sku: string; kind: string; reason: { ja: string; en: string } }>;
      assert.equal(items[0]!.sku, 'DR-1');
      assert.equal(items[0]!.kind, 'cross_sell');
      assert.match(items[0]!.reason.ja, /^コーヒー豆 を購入した顧客の 92% が ドリッパー も購入 \(リフト 1\.1\)/u);
      assert.match(items[0]!.reason.en, /92% of customers who bought コーヒー豆 also bought ドリッパー/u);
      const premium = items.find((i) => i.sku === 'CF-9');
      assert.equal(premium?.kind, 'up_sell');
      assert.match(premium!.reason.ja, /食品 で購入中の コーヒー豆 より上位の商品 \(価格 1\.8 倍\)/u);
      assert.ok(!items.some((i) => i.sku === 'CF-1'), 'not what she bought');
      assert.ok(!items.some((i) => i.sku === 'GR-1'), 'not a discontinued product');
      assert.ok(res.body.modelBuiltAt);
      // The stored list (segments, product lists) agrees with the live one.
      const stored = await sql<{ sku: string; rank: number }>`SELECT p.sku, cc.rank FROM customer_candidates cc JOIN products p ON p.id = cc.product_id
        WHERE cc.customer_id = ${ids.hanako!} ORDER BY cc.rank`.execute(t.database.db);
      assert.deepEqual(stored.rows.map((r) => r.sku), items.map((i) => i.sku));
    });

    test('one customer\'s list on demand counts an order placed after the run', async () => {
      const before = await customerCandidates(t.database.db, ids.taro!);
      assert.ok(before.items.some((i) => i.sku === 'CF-1'));
      await admin.json('POST', '/api/v1/orders', { source: 'ec', orderId: 'T-2', orderedAt: daysAgo(1), customer: { email: 'taro@mame-club.co.jp' }, lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }] });
      const after = await customerCandidates(t.database.db, ids.taro!);
      assert.ok(!after.items.some((i) => i.sku === 'CF-1'), 'bought since: no longer offered');
      assert.equal(after.items[0]!.sku, 'DR-1');
    });

    test('who should be offered the dripper (masked for a viewer), the product\'s affinity and rules', async () => {
      const res = await admin.json('GET', `/api/v1/products/${products.B}/candidates`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const hanako = res.body.items.find((i: { customer: { id: string } }) => i.customer.id === ids.hanako);
      assert.ok(hanako, JSON.stringify(res.body.items.map((i: { customer: { displayName: string } }) => i.customer.displayName)));
      assert.equal(hanako.rank, 1);
      assert.match(hanako.reason.ja, /ドリッパー も購入/u);
      assert.equal(hanako.customer.email, 'hanako@mame-club.co.jp');
      const viewer = await t.as('viewer');
      const masked = await viewer.json('GET', `/api/v1/products/${products.B}/candidates`);
      assert.equal(masked.status, 200);
      const seen = masked.body.items.find((i: { customer: { id: string } }) => i.customer.id === ids.hanako);
      assert.notEqual(seen.customer.email, 'hanako@mame-club.co.jp', 'a viewer sees the e-mail masked');
      const paged = await admin.json('GET', `/api/v1/products/${products.B}/candidates?limit=1`);
      assert.equal(paged.body.items.length, 1);
      assert.ok(paged.body.nextCursor);
      const next = await admin.json('GET', `/api/v1/products/${products.B}/candidates?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`);
      assert.notEqual(next.body.items[0].customer.id, paged.body.items[0].customer.id);

      const affinity = await admin.json('GET', `/api/v1/products/${products.A}/affinity`);
      assert.equal(affinity.status, 200, JSON.stringify(affinity.body));
      assert.equal(affinity.body.buyers, 13);
      const dripper = affinity.body.neighbours.find((n: { product: { sku: string } }) => n.product.sku === 'DR-1');
      assert.equal(dripper.coCustomers, 12);
      assert.match(dripper.reason.ja, /コーヒー豆 を購入した顧客の 92% が ドリッパー も購入/u);
      const rule = affinity.body.rules.find((r: { antecedent: Array<{ sku: string }>; consequent: { sku: string } }) =>
        r.antecedent.length === 1 && r.antecedent[0]!.sku === 'CF-1' && r.consequent.sku === 'DR-1');
      assert.ok(rule, JSON.stringify(affinity.body.rules));
      assert.equal(rule.baskets, 12);
      // As arules counts it: the beans are in 13 orders (Hanako's single-product order included), 12 with the dripper.
      assert.ok(Math.abs(rule.confidence - 12 / 13) < 1e-9, String(rule.confidence));
      assert.equal((await admin.json('GET', '/api/v1/products/00000000-0000-4000-8000-000000000000/affinity')).status, 404);
    });

    test('segment condition 「商品の提案対象」, and an unknown SKU named by its path', async () => {
      const count = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'candidate', sku: 'DR-1', maxRank: 1 } });
      assert.equal(count.status, 200, JSON.stringify(count.body));
      assert.ok(count.body.count >= 1);
      const members = await admin.json('POST', '/api/v1/segments/preview', { definition: { type: 'candidate', sku: 'DR-1', kind: 'cross_sell' } });
      assert.ok(members.body.members.some((m: { id: string }) => m.id === ids.hanako));
      const bad = await admin.json('POST', '/api/v1/segments/count', { definition: { type: 'and', conditions: [{ type: 'candidate', sku: 'NOPE' }] } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, 'definition.conditions[0].sku');
      assert.match(bad.body.errors[0].message, /商品「NOPE」はありません/u);
    });

    test('a second run rewrites without duplicates; another process\'s run is refused while one runs', async () => {
      const first = await startRun(t.database.db, {});
      assert.ok(first);
      assert.equal(await startRun(t.database.db, {}), null, 'one run at a time');
      await first.done;
      const dupes = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT customer_id, rank FROM customer_candidates GROUP BY customer_id, rank HAVING count(*) > 1) d`.execute(t.database.db);
      assert.equal(dupes.rows[0]!.n, 0);
      const runs = await sql<{ run_id: number }>`SELECT DISTINCT run_id FROM customer_candidates`.execute(t.database.db);
      assert.equal(runs.rows.length, 1, 'every row from the last run');
      // A failed run's rows are never read, and the next run removes them.
      await sql`INSERT INTO recommend_runs (as_of, status, phase, finished_at) VALUES (NULL, 'failed', 'candidates', now())`.execute(t.database.db);
      const failed = (await sql<{ id: number }>`SELECT max(id) AS id FROM recommend_runs`.execute(t.database.db)).rows[0]!.id;
      await sql`INSERT INTO customer_candidates (run_id, customer_id, rank, product_id, score, kind, reason)
        VALUES (${failed}, ${ids.hanako!}, 1, ${products.E!}, 9, 'cross_sell', '{}'::jsonb)`.execute(t.database.db);
      const list = await admin.json('GET', `/api/v1/products/${products.E}/candidates`);
      assert.ok(!list.body.items.some((i: { customer: { id: string } }) => i.customer.id === ids.hanako), 'a failed run is not read');
      const again = await startRun(t.database.db, {});
      await again!.done;
      const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customer_candidates WHERE run_id = ${failed}`.execute(t.database.db);
      assert.equal(left.rows[0]!.n, 0);
    });

    test('export as of a past date: only customers who had bought by then, from those orders only', async () => {
      const lines: string[][] = [];
      const summary = await exportCandidates(t.database.db, { k: 3, asOf: daysAgo(25).slice(0, 10) }, async (cells) => { lines.push(cells); });
      assert.equal(summary.buyers, 13, 'Taro\'s orders came later');
      const customers = new Set(lines.map((l) => l[0]));
      assert.ok(customers.has(ids.hanako));
      assert.ok(!customers.has(ids.taro));
      const hanako = lines.filter((l) => l[0] === ids.hanako);
      assert.deepEqual(hanako.map((l) => l[1]), ['1', '2', '3']);
      assert.equal(hanako[0]![2], 'DR-1');
      assert.match(hanako[0]![4]!, /ドリッパー も購入/u);
    });

    test('export as of a date: an order placed that day is not counted yet, the day after it is', async () => {
      const db = t.database.db;
      // Hanako's one order's own calendar day (Japan time, where it was placed).
      const day = (await sql<{ day: string }>`SELECT to_char((ordered_at AT TIME ZONE time_zone)::date, 'YYYY-MM-DD') AS day FROM orders WHERE external_id = 'H-1'`.execute(db)).rows[0]!.day;
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
      const customersAsOf = async (asOf: string) => {
        const lines: string[][] = [];
        await exportCandidates(db, { k: 3, asOf }, async (cells) => { lines.push(cells); });
        return new Set(lines.map((l) => l[0]));
      };
      assert.ok(!(await customersAsOf(day)).has(ids.hanako), 'as of the day of her order, she had bought nothing before it');
      assert.ok((await customersAsOf(next)).has(ids.hanako), 'as of the next day, her order counts');
    });

    test('the operator\'s export records whom it carried: each person\'s disclosure lists it, once, and nobody else\'s', async () => {
      const db = t.database.db;
      const lines: string[][] = [];
      const summary = await exportCandidatesAudited(db, { k: 3, asOf: daysAgo(25).slice(0, 10) }, async (cells) => { lines.push(cells); }, { auth: null, ip: null, userAgent: 'test' });
      const carried = new Set(lines.map((l) => l[0]!));
      assert.equal(summary.customers, carried.size, 'each customer once, however many rows they have');
      const listed = await db.selectFrom('export_customers').select('customer_id').where('export_id', '=', summary.exportId).execute();
      assert.deepEqual(new Set(listed.map((r) => r.customer_id)), carried);
      const entry = await db.selectFrom('audit_log').select('details').where('action', '=', 'export.recommendations').executeTakeFirstOrThrow();
      const details = (typeof entry.details === 'string' ? JSON.parse(entry.details) : entry.details) as Record<string, unknown>;
      assert.deepEqual([details.exportId, details.customers, details.rows], [summary.exportId, carried.size, lines.length]);
      assert.ok((await auditEntriesOf(db, [ids.hanako!])).some((e) => e.action === 'export.recommendations'), 'Hanako\'s disclosure lists the export');
      assert.ok(!(await auditEntriesOf(db, [ids.taro!])).some((e) => e.action === 'export.recommendations'), 'Taro was not in it');
    });
  });
}
