import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { funnelDrift } from '../support/customer-funnel.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0045_customer_funnel.sql'), 'utf8');

for (const engine of ENGINES) {
  describe(`migration 0045: customer_funnel backfilled from the stage history, the totals' keys from the facts [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.destroy());

    test('first arrival per funnel stage for live customers; none for the deleted or those never in a funnel stage', async () => {
      const db = database.db;
      await database.execScript(`DROP TABLE customer_funnel;
        ALTER TABLE customer_order_totals DROP COLUMN prefecture, DROP COLUMN acquisition_channel, DROP COLUMN lifecycle_stage,
          DROP COLUMN owner_user_id, DROP COLUMN company_id;`);
      const customer = async (n: number) => (await db.insertInto('customers').values({ display_name: `顧客 ${n}`, email: `c${n}@daicho-test.jp`, custom_fields: '{}', provenance: '{}' })
        .returning('id').executeTakeFirstOrThrow()).id;
      const [a, b, c, d] = [await customer(1), await customer(2), await customer(3), await customer(4)];
      await sql`UPDATE customers SET deleted_at = now() WHERE id = ${c}::uuid`.execute(db);
      const changes: Array<[string, string | null, string, string]> = [
        // a: prospect → opportunity → lost → opportunity again (the first arrival counts) → customer.
        [a, null, 'prospect', '2025-01-01T09:00:00+09:00'], [a, 'prospect', 'opportunity', '2025-01-11T09:00:00+09:00'],
        [a, 'opportunity', 'lost', '2025-02-01T09:00:00+09:00'], [a, 'lost', 'opportunity', '2025-03-01T09:00:00+09:00'],
        [a, 'opportunity', 'customer', '2025-03-20T09:00:00+09:00'],
        // b: straight to customer; c: deleted; d: never in a funnel stage.
        [b, null, 'customer', '2025-01-05T09:00:00+09:00'], [c, null, 'prospect', '2025-01-01T09:00:00+09:00'],
        [d, null, 'disqualified', '2025-01-01T09:00:00+09:00'],
      ];
      for (const [id, from, to, at] of changes) {
        await sql`INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage, changed_at) VALUES (${id}::uuid, ${from}, ${to}, ${new Date(at)})`.execute(db);
      }

      // A buyer's totals without the keys (0040), its facts with a prefecture and a stage.
      await sql`INSERT INTO customer_facts (customer_id, created_at, prefecture, lifecycle_stage, has_email, has_phone, has_address)
        VALUES (${a}::uuid, now(), '東京都', 'customer', TRUE, FALSE, FALSE)`.execute(db);
      await sql`INSERT INTO customer_order_totals (customer_id, currency, orders, revenue, days) VALUES (${a}::uuid, 'JPY', 2, 6400, 2)`.execute(db);

      await database.execScript(MIGRATION);

      assert.deepEqual(await funnelDrift(db), []);
      const rows = (await sql<{ customer_id: string; p: Date | null; o: Date | null; c: Date | null }>`
        SELECT customer_id, prospect_at AS p, opportunity_at AS o, customer_at AS c FROM customer_funnel`.execute(db)).rows;
      const iso = (x: Date | null) => x?.toISOString() ?? null;
      assert.deepEqual(rows.map((r) => [r.customer_id, iso(r.p), iso(r.o), iso(r.c)]).sort((x, y) => (x[0] === a ? -1 : y[0] === a ? 1 : 0)), [
        [a, '2025-01-01T00:00:00.000Z', '2025-01-11T00:00:00.000Z', '2025-03-20T00:00:00.000Z'],
        [b, null, null, '2025-01-05T00:00:00.000Z'],
      ]);
      const keys = (await sql<{ prefecture: string | null; lifecycle_stage: string | null; owner_user_id: string | null }>`
        SELECT prefecture, lifecycle_stage, owner_user_id FROM customer_order_totals WHERE customer_id = ${a}::uuid`.execute(db)).rows;
      assert.deepEqual(keys.map((k) => [k.prefecture, k.lifecycle_stage, k.owner_user_id]), [['東京都', 'customer', null]], 'the totals carry the facts\' keys');
    });
  });
}
