import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { prepareCampaign } from '../../src/use/campaigns/prepare.service.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../support/engines.ts';

const MIGRATION = fs.readFileSync(path.join(import.meta.dirname, '../../src/db/migrations/0044_campaign_audience.sql'), 'utf8');

/** The schema as it was before 0044 (0024, 0028, 0029, 0033): the staging table, the suppressed as messages. */
const BEFORE = `
  DROP TABLE campaign_audience;
  ALTER TABLE campaigns DROP COLUMN prepared_through;
  CREATE TABLE campaign_audience_staging (
    campaign_id uuid NOT NULL REFERENCES campaigns (id), customer_id uuid NOT NULL, address text, reason text,
    PRIMARY KEY (campaign_id, customer_id));
  DROP INDEX campaign_messages_token_key;
  ALTER TABLE campaign_messages ADD CONSTRAINT campaign_messages_token_key UNIQUE (token);
  ALTER TABLE trigger_firings ADD CONSTRAINT trigger_firings_campaign_message_id_fkey FOREIGN KEY (campaign_message_id) REFERENCES campaign_messages (id);`;

for (const engine of ENGINES) {
  describe(`migration 0044: the suppressed become audience rows, a preparation in flight goes on [${engine}]`, () => {
    let database: TestDatabase;
    before(async () => { database = await openTestDatabase(engine); });
    after(async () => database.destroy());

    test('suppressed messages move under their ids (a trigger firing keeps naming one); a half-prepared campaign finishes once', async () => {
      const db = database.db;
      await database.execScript(BEFORE);
      const customer = async (n: number) => (await db.insertInto('customers').values({ display_name: `顧客 ${n}`, email: `c${n}@daicho-test.jp`, custom_fields: '{}', provenance: '{}' })
        .returning('id').executeTakeFirstOrThrow()).id;
      const [a, b, c] = [await customer(1), await customer(2), await customer(3)];
      const campaign = async (name: string, status: string) => (await sql<{ id: string }>`INSERT INTO campaigns (name, channel, status, subject, body_text)
        VALUES (${name}, 'email', ${status}, 's', 'b') RETURNING id`.execute(db)).rows[0]!.id;
      const message = async (campaignId: string, customerId: string, status: string, reason: string | null, token: string | null) =>
        Number((await sql<{ id: string }>`INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, reason, token)
          VALUES (${campaignId}::uuid, ${customerId}::uuid, 'email', 'x@daicho-test.jp', ${status}, ${reason}, ${token}) RETURNING id`.execute(db)).rows[0]!.id);

      // A sent campaign: one sent, one suppressed, the suppressed one named by a trigger firing.
      const done = await campaign('済', 'done');
      const sentId = await message(done, a, 'sent', null, 'tok-sent-0001');
      const suppressedId = await message(done, b, 'suppressed', 'no_basis', null);
      const rule = (await sql<{ id: string }>`INSERT INTO trigger_rules (name, definition, action, subject, body_text, cooldown_days) VALUES ('r', '{}'::jsonb, 'email', 's', 'b', 7) RETURNING id`.execute(db)).rows[0]!.id;
      await sql`INSERT INTO trigger_firings (rule_id, customer_id, fired_at, outcome, reason, suppression_reason, campaign_id, campaign_message_id)
        VALUES (${rule}::uuid, ${b}::uuid, now(), 'suppressed', 'r', 'no_basis', ${done}::uuid, ${suppressedId})`.execute(db);
      // A campaign half prepared: a and b moved (queued, suppressed), c still staged.
      const half = await campaign('準備中', 'preparing');
      await sql`UPDATE campaigns SET audience_total = 3, audience_prepared = 2 WHERE id = ${half}::uuid`.execute(db);
      const halfQueued = await message(half, a, 'queued', null, 'tok-queued-0001');
      const halfSuppressed = await message(half, b, 'suppressed', 'opted_out', null);
      await sql`INSERT INTO campaign_audience_staging (campaign_id, customer_id, address) VALUES (${half}::uuid, ${c}::uuid, 'c3@daicho-test.jp')`.execute(db);

      await database.execScript(MIGRATION);

      const messages = (await sql<{ id: string; campaign_id: string; status: string }>`SELECT id, campaign_id, status FROM campaign_messages ORDER BY id`.execute(db)).rows;
      assert.deepEqual(messages.map((m) => [Number(m.id), m.status]), [[sentId, 'sent'], [halfQueued, 'queued']], 'no suppressed message is left');
      const audience = (await sql<{ id: string; campaign_id: string; customer_id: string; reason: string | null }>`SELECT id, campaign_id, customer_id, reason FROM campaign_audience ORDER BY id`.execute(db)).rows;
      assert.deepEqual(audience.slice(0, 2).map((r) => [Number(r.id), r.campaign_id, r.reason]), [[suppressedId, done, 'no_basis'], [halfSuppressed, half, 'opted_out']]);
      assert.deepEqual(audience.slice(2).map((r) => [r.campaign_id, r.customer_id, r.reason]), [[half, c, null]]);
      assert.ok(Number(audience[2]!.id) > halfSuppressed, 'the staged person comes after what was moved');
      const firing = await sql<{ campaign_message_id: string }>`SELECT campaign_message_id FROM trigger_firings`.execute(db);
      assert.equal(Number(firing.rows[0]!.campaign_message_id), suppressedId, 'the firing names the audience row now');

      // The preparation goes on after what it had moved: c becomes a message, nobody twice, progress 3 / 3.
      assert.equal(await prepareCampaign(db, half, { worker: 'w', staleAfterMs: 0 }), 'done');
      const after = (await sql<{ customer_id: string; status: string }>`SELECT customer_id, status FROM campaign_messages WHERE campaign_id = ${half}::uuid ORDER BY id`.execute(db)).rows;
      assert.deepEqual(after.map((m) => [m.customer_id, m.status]), [[a, 'queued'], [c, 'queued']]);
      const row = await db.selectFrom('campaigns').select(['status', 'audience_total', 'audience_prepared']).where('id', '=', half).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'sending', audience_total: 3, audience_prepared: 3 });
      // A second message without a token and the one with a token still unique.
      await assert.rejects(message(done, c, 'sent', null, 'tok-sent-0001'));
      await message(done, c, 'skipped', 'test', null);
    });
  });
}
