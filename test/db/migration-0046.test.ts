import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0046_order_months.sql'), 'utf8');

for (const engine of ENGINES) {
  describe(`migration 0046: the month sums backfilled from the day rollups [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.destroy());

    test('one row per month and currency (category; cohort and month) with the day rows\' sums and flagged counts', async () => {
      const db = database.db;
      await database.execScript(`DROP TABLE order_months; DROP TABLE category_months; DROP TABLE cohort_months;
        DROP INDEX customer_order_days_other_currency_idx;`);
      const a = '00000000-0000-4000-8000-00000000000a';
      const b = '00000000-0000-4000-8000-00000000000b';
      // a: first purchase 2026-01-10, again on the 20th (not the month's first), returned whole in February (no purchase).
      // b: first purchase 2026-01-05 in yen, then in dollars in February (the month's first in any currency).
      const days: Array<[string, string, string, number, string, string, boolean, boolean, boolean]> = [
        [a, '2026-01-10', 'JPY', 1, '3200', '2026-01-10', true, true, true],
        [a, '2026-01-20', 'JPY', 1, '1500.50', '2026-01-10', false, false, false],
        [a, '2026-02-02', 'JPY', 0, '-1500.50', '2026-01-10', false, false, false],
        [b, '2026-01-05', 'JPY', 2, '6400', '2026-01-05', true, true, true],
        [b, '2026-02-03', 'USD', 1, '50', '2026-01-05', true, true, true],
      ];
      for (const [id, day, currency, orders, revenue, first, monthFirst, any, currencyFirst] of days) {
        await sql`INSERT INTO customer_order_days (customer_id, day, currency, orders, revenue, first_day, month_first, month_first_any, currency_first)
          VALUES (${id}::uuid, ${day}::date, ${currency}, ${orders}, ${revenue}::numeric, ${first}::date, ${monthFirst}, ${any}, ${currencyFirst})`.execute(db);
      }
      for (const [id, day, category, orders, revenue, monthFirst] of [
        [a, '2026-01-10', '食品', 1, '3200', true], [a, '2026-01-20', null, 1, '1500.50', true], [b, '2026-01-05', '食品', 2, '6400', true],
      ] as const) {
        await sql`INSERT INTO customer_category_days (customer_id, day, currency, category, orders, revenue, month_first)
          VALUES (${id}::uuid, ${day}::date, 'JPY', ${category}, ${orders}, ${revenue}::numeric, ${monthFirst})`.execute(db);
      }

      await database.execScript(MIGRATION);

      const rows = async (row: string, table: string) => (await sql<{ r: string }>`SELECT ${sql.raw(row)} AS r FROM ${sql.table(table)} ORDER BY 1`.execute(db)).rows.map((x) => x.r);
      assert.deepEqual(await rows(`month || ' ' || currency || ' ' || orders || ' ' || revenue || ' ' || buyers || ' ' || new_buyers || ' ' || days`, 'order_months'), [
        '2026-01-01 JPY 4 11100.50 2 2 3', '2026-02-01 JPY 0 -1500.50 0 0 1', '2026-02-01 USD 1 50 1 0 1',
      ]);
      assert.deepEqual(await rows(`month || ' ' || currency || ' ' || COALESCE(category, '-') || ' ' || orders || ' ' || revenue || ' ' || buyers || ' ' || days`, 'category_months'), [
        '2026-01-01 JPY - 1 1500.50 1 1', '2026-01-01 JPY 食品 3 9600 2 2',
      ]);
      assert.deepEqual(await rows(`cohort || ' ' || month || ' ' || buyers`, 'cohort_months'), ['2026-01-01 2026-01-01 2', '2026-01-01 2026-02-01 1']);
      // The other currencies' purchases through their own small index (in this test's schema: on PostgreSQL other
      // test files' schemas hold one of the same name).
      assert.equal((await sql<{ n: number }>`SELECT count(*) AS n FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'customer_order_days_other_currency_idx'`.execute(db)).rows[0]!.n, 1);
    });
  });
}
