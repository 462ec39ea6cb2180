import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { COUNT_BOUND } from '../../src/ledger/customers/customers.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

for (const engine of ENGINES) {
  describe(`customer list total and filtered export [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      // More customers than the count's bound (bare rows: listed and counted, not searchable), in 北海道…
      await sql`INSERT INTO customers (display_name, prefecture, sort_key)
        SELECT '顧客' || n, '北海道', lpad(n::text, 6, '0') FROM generate_series(1, ${COUNT_BOUND + 5}) AS n`.execute(t.database.db);
      // …and a few made through the API (searchable) in 沖縄県 and 京都府.
      for (const [familyName, givenName, prefecture, local] of [['佐藤', '花子', '沖縄県', 'hanako'], ['佐藤', '一郎', '沖縄県', 'ichiro'], ['鈴木', '次郎', '沖縄県', 'jiro'], ['佐藤', '三郎', '京都府', 'saburo']]) {
        const created = await admin.json('POST', '/api/v1/customers', { familyName, givenName, prefecture, email: `${local}@example.jp` });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
    });
    after(async () => t.close());

    const list = async (query: string) => {
      const { status, body } = await admin.json('GET', `/api/v1/customers?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      return body as { items: Array<{ id: string; displayName: string; prefecture: string }>; nextCursor: string | null; hasMore: boolean; total?: { count: number; exact: boolean } };
    };

    test('the first page says how many match: exact up to the bound, "at least the bound" beyond it', async () => {
      assert.deepEqual((await list('prefecture=沖縄県')).total, { count: 3, exact: true });
      // A page smaller than the matches counts them rather than its own rows.
      const first = await list('prefecture=沖縄県&limit=2');
      assert.equal(first.items.length, 2);
      assert.deepEqual(first.total, { count: 3, exact: true });
      // The pages after the first keep the count they were shown: none sent again.
      assert.equal((await list(`prefecture=沖縄県&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`)).total, undefined);

      assert.deepEqual((await list('limit=5')).total, { count: COUNT_BOUND, exact: false });
      assert.deepEqual((await list('prefecture=北海道&limit=5')).total, { count: COUNT_BOUND, exact: false });
      assert.deepEqual((await list('prefecture=青森県')).total, { count: 0, exact: true });
    });

    test('a search counts its matches, with the filters applied', async () => {
      assert.deepEqual((await list('q=佐藤')).total, { count: 3, exact: true });
      const filtered = await list('q=佐藤&prefecture=沖縄県&limit=1');
      assert.equal(filtered.items.length, 1);
      assert.deepEqual(filtered.total, { count: 2, exact: true });
    });

    test('the CSV export takes the list\'s search and filters, and the audit entry records them', async () => {
      const csv = async (query: string) => {
        const res = await admin.request('GET', `/api/v1/exports/customers.csv?${query}`);
        assert.equal(res.status, 200);
        return (await res.text()).replace(/^\uFEFF/u, '').trim().split('\n').slice(1);
      };
      const okinawa = await csv('prefecture=沖縄県');
      assert.equal(okinawa.length, 3);
      assert.ok(okinawa.every((line) => line.includes('沖縄県')), okinawa.join('\n'));

      const satoInOkinawa = await csv(`q=${encodeURIComponent('佐藤')}&prefecture=${encodeURIComponent('沖縄県')}`);
      assert.deepEqual(satoInOkinawa.map((l) => l.split(',').slice(1, 3).join(' ')).sort(), ['佐藤 一郎', '佐藤 花子']);

      // The list's sort: by reading, the bare rows' sort keys 000001, 000002… come in order.
      const jsonl = await admin.request('GET', '/api/v1/exports/customers.jsonl?prefecture=北海道&sort=name');
      const names = (await jsonl.text()).trim().split('\n').slice(0, 3).map((l) => (JSON.parse(l) as { display_name: string }).display_name);
      assert.deepEqual(names, ['顧客1', '顧客2', '顧客3']);

      const log = await admin.json('GET', '/api/v1/audit-log?action=export.customers&limit=3');
      const [jsonlEntry, searchEntry, filterEntry] = log.body.items as Array<{ details: Record<string, unknown> }>;
      const { exportId, ...rest } = filterEntry!.details as { exportId: string } & Record<string, unknown>;
      assert.deepEqual(rest, { rows: 3, customers: 3, format: 'csv', encoding: 'utf-8', filters: { prefecture: '沖縄県' } });
      assert.match(exportId, /^[0-9a-f-]{36}$/u, 'the export names its list of customers (export_customers)');
      assert.deepEqual(searchEntry!.details.filters, { q: '佐藤', prefecture: '沖縄県' });
      assert.equal(searchEntry!.details.rows, 2);
      assert.deepEqual(jsonlEntry!.details.filters, { prefecture: '北海道', sort: 'name' });
      assert.equal(jsonlEntry!.details.rows, COUNT_BOUND + 5);
    });
  });
}
