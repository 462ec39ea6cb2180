import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0048_totals_sources.sql'), 'utf8');

for (const engine of ENGINES) {
  describe(`migration 0048: the totals' sources backfilled from customer_sources and customer_first_touch [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.destroy());

    test('each buyer\'s sources, sorted, and its first touch\'s source; none for a buyer without records', async () => {
      const db = database.db;
      await database.execScript('DROP INDEX customer_order_totals_other_idx; ALTER TABLE customer_order_totals DROP COLUMN source_ids, DROP COLUMN first_source_id;');
      const customer = async (n: number) => (await db.insertInto('customers').values({ display_name: `顧客 ${n}`, email: `c${n}@daicho-test.jp`, custom_fields: '{}', provenance: '{}' })
        .returning('id').executeTakeFirstOrThrow()).id;
      const source = async (name: string) => (await sql<{ id: string }>`INSERT INTO sources (name, label, kind, party) VALUES (${name}, ${name}, 'file_import', 'first')
        RETURNING id`.execute(db)).rows[0]!.id;
      const [a, b] = [await customer(1), await customer(2)];
      const [s1, s2] = [await source('m48-crm'), await source('m48-ec')];
      // a: records of two sources, the ec one first; b: a buyer without records (no sources, no first touch).
      await sql`INSERT INTO customer_sources (customer_id, source_id) VALUES (${a}::uuid, ${s1}::uuid), (${a}::uuid, ${s2}::uuid)`.execute(db);
      await sql`INSERT INTO customer_first_touch (customer_id, source_id, received_at, source_record_id) VALUES (${a}::uuid, ${s2}::uuid, now(), 1)`.execute(db);
      await sql`INSERT INTO customer_order_totals (customer_id, currency, orders, revenue, days) VALUES
        (${a}::uuid, 'JPY', 2, 6400, 2), (${a}::uuid, 'USD', 1, 50, 1), (${b}::uuid, 'JPY', 1, 1000, 1)`.execute(db);

      await database.execScript(MIGRATION);

      const rows = (await sql<{ customer_id: string; currency: string; source_ids: string | null; first_source_id: string | null }>`
        SELECT customer_id, currency, array_to_string(source_ids, ',') AS source_ids, first_source_id FROM customer_order_totals ORDER BY customer_id, currency`.execute(db)).rows;
      const sorted = [s1, s2].sort().join(',');
      assert.deepEqual(rows.map((r) => [r.customer_id, r.currency, r.source_ids, r.first_source_id]), [
        [a, 'JPY', sorted, s2], [a, 'USD', sorted, s2], [b, 'JPY', null, null],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || String(x[1]).localeCompare(String(y[1]))));
    });
  });
}
