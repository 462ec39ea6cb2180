import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import type { Mailer } from '../../../src/use/campaigns/mailer.ts';
import * as messages from '../../../src/use/campaigns/messages.repository.ts';
import { prepareCampaign } from '../../../src/use/campaigns/prepare.service.ts';
import { CampaignSender } from '../../../src/use/campaigns/send.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/**
 * One person, one message, also when two customers who each have a message in a campaign are merged while it sends
 * (messages.repository.ts: the merge skips one of the two unless both are already on their way; the sender marks a
 * message sending only while it is still claimed and skips one whose person already has one on its way). An unmerge
 * then gives each side its own messages back, and queues again one dropped as the other's duplicate.
 */
for (const engine of ENGINES) {
  describe(`a merge while a campaign sends: one person, one message [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const db = () => t.database.db;
    let n = 0;

    /** Two customers the matcher keeps apart (different names, addresses), each with a basis; returns [survivor, merged]. */
    const pair = async () => {
      n += 1;
      const linked = await ingestRecords(db(), {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: [
          { externalId: `keep${n}`, fields: { full_name: `山田 太郎${n}`, email: `taro${n}.keep@daicho-test.jp` } },
          { externalId: `gone${n}`, fields: { full_name: `川口 次郎${n}`, email: `jiro${n}.gone@daicho-test.jp` } },
        ],
        actor,
      });
      return [linked.find((l) => l.externalId === `keep${n}`)!.customerId, linked.find((l) => l.externalId === `gone${n}`)!.customerId] as const;
    };
    const merge = async (customerIds: readonly string[]) => {
      const r = await admin.json('POST', '/api/v1/customers/merge', { customerIds });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    /** An e-mail campaign to the whole ledger, prepared, with everybody but these customers set aside: each has a queued message. */
    const campaignTo = async (customerIds: readonly string[]) => {
      const r = await admin.json('POST', '/api/v1/campaigns', { name: `統合中の配信 ${n}`, channel: 'email', subject: 'お知らせ', bodyText: '{{姓}} 様' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      assert.equal((await admin.json('POST', `/api/v1/campaigns/${id}/start`, {})).status, 200);
      assert.equal(await prepareCampaign(db(), id, { worker: 'prep', staleAfterMs: 60_000 }), 'done');
      // Only these two: everybody else of the ledger is set aside.
      await sql`UPDATE campaign_messages SET status = 'skipped', reason = 'test' WHERE campaign_id = ${id}::uuid AND status = 'queued'
        AND NOT (customer_id IN (${sql.join(customerIds.map((c) => sql`${c}::uuid`))}))`.execute(db());
      const queued = await rowsOf(id);
      assert.deepEqual(queued.filter((m) => m.status === 'queued').map((m) => m.customer_id).sort(), [...customerIds].sort());
      return id;
    };
    const rowsOf = async (id: string) => (await sql<{ id: number; customer_id: string; status: string; reason: string | null; merged_from_customer_id: string | null }>`
      SELECT id, customer_id, status, reason, merged_from_customer_id FROM campaign_messages WHERE campaign_id = ${id}::uuid AND reason IS DISTINCT FROM 'test' ORDER BY id`.execute(db())).rows;
    /** A mailer that records each message and runs `during` inside the first SMTP transaction. */
    const mailerWith = (received: string[], during?: () => Promise<void>): Mailer => ({
      kind: 'smtp',
      async send(msg) {
        received.push(String(msg.to));
        if (received.length === 1 && during) await during();
        return { messageId: `<${received.length}@test>`, response: '250 OK' };
      },
      close() {},
    });

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      await pair();
      await sql`UPDATE sources SET email_basis = 'business_relationship' WHERE name = 'crm'`.execute(db());
      const settings = await admin.json('PUT', '/api/v1/messaging/settings', {
        senderName: '株式会社台帳', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp', capCount: 10, capDays: 7,
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
    });
    after(async () => { await t?.close(); });

    test('merged while the first of the two is in its SMTP transaction and the second is claimed: the second is not sent', async () => {
      const [keep, gone] = await pair();
      const id = await campaignTo([keep, gone]);
      const received: string[] = [];
      // One message a window: both are claimed in one batch, the merge happens while the first is being sent.
      const sender = new CampaignSender(db(), mailerWith(received, () => merge([keep, gone])), { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, batchSize: 10, concurrency: 1, worker: 'w' });
      const tally = await sender.runCampaign(id);
      assert.equal(received.length, 1, `one message for the person, got ${received.join(', ')}`);
      assert.equal(tally.sent, 1);
      const rows = await rowsOf(id);
      assert.deepEqual(rows.map((r) => [r.customer_id, r.status, r.reason]).sort(), [[keep, 'sent', null], [keep, 'skipped', 'duplicate_person']].sort());
    });

    test('merged while both are claimed and past their recheck: the merged-away customer\'s is dropped, the other goes once', async () => {
      const [keep, gone] = await pair();
      const id = await campaignTo([keep, gone]);
      const claimed = await messages.claimBatch(db(), id, 'w1', 10);
      assert.equal(claimed.length, 2);
      await messages.markCapChecked(db(), claimed.map((m) => m.id));
      await merge([keep, gone]);
      const rows = await rowsOf(id);
      assert.deepEqual(rows.map((r) => [r.status, r.reason, r.merged_from_customer_id]).sort(), [['claimed', null, null], ['skipped', 'duplicate_person', gone]].sort());
      // The first worker's claim on the dropped one is void: marking it sending does nothing.
      const droppedId = rows.find((r) => r.status === 'skipped')!.id;
      assert.equal((await messages.markSendingMany(db(), [droppedId], 'w1')).size, 0);
      await messages.releaseClaims(db(), 'w1', id);
      const received: string[] = [];
      const sender = new CampaignSender(db(), mailerWith(received), { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, worker: 'w2' });
      await sender.runCampaign(id);
      assert.deepEqual(received, [`taro${n}.keep@daicho-test.jp`]);
    });

    test('an unmerge gives each side its own message back, sent or not', async () => {
      const [keep, gone] = await pair();
      const id = await campaignTo([keep, gone]);
      const goneRecords = (await db().selectFrom('source_records').select('id').where('customer_id', '=', gone).execute()).map((r) => r.id);
      const received: string[] = [];
      const sender = new CampaignSender(db(), mailerWith(received), { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, worker: 'w3' });
      await sender.runCampaign(id);
      assert.equal(received.length, 2, 'two people, two messages');
      await merge([keep, gone]);
      assert.deepEqual((await rowsOf(id)).map((r) => [r.customer_id, r.status]), [[keep, 'sent'], [keep, 'sent']], 'both were sent before the merge: both stay, on the survivor');
      const split = await admin.json('POST', `/api/v1/customers/${keep}/unmerge`, { sourceRecordIds: goneRecords });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      const other = split.body.newCustomerId as string;
      const rows = await rowsOf(id);
      assert.deepEqual(rows.map((r) => [r.customer_id, r.status, r.merged_from_customer_id]).sort(), [[keep, 'sent', null], [other, 'sent', null]].sort(), 'each side keeps its own send');
      // Each side's frequency cap counts its own one again.
      const counts = await sql<{ customer_id: string; n: number | string }>`SELECT customer_id, count(*) AS n FROM campaign_messages
        WHERE customer_id IN (${keep}::uuid, ${other}::uuid) AND status = 'sent' GROUP BY customer_id ORDER BY customer_id`.execute(db());
      assert.deepEqual(counts.rows.map((r) => Number(r.n)), [1, 1]);
    });

    test('merged before sending, unmerged while it sends: the message dropped as a duplicate is queued again, each side gets one', async () => {
      const [keep, gone] = await pair();
      const id = await campaignTo([keep, gone]);
      const goneRecords = (await db().selectFrom('source_records').select('id').where('customer_id', '=', gone).execute()).map((r) => r.id);
      await merge([keep, gone]);
      assert.deepEqual((await rowsOf(id)).map((r) => [r.status, r.reason]).sort(), [['queued', null], ['skipped', 'duplicate_person']]);
      const split = await admin.json('POST', `/api/v1/customers/${keep}/unmerge`, { sourceRecordIds: goneRecords });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      const other = split.body.newCustomerId as string;
      assert.deepEqual((await rowsOf(id)).map((r) => [r.customer_id, r.status]).sort(), [[keep, 'queued'], [other, 'queued']].sort());
      const received: string[] = [];
      const sender = new CampaignSender(db(), mailerWith(received), { publicUrl: 'http://127.0.0.1:3000', rate: 10_000, worker: 'w4' });
      await sender.runCampaign(id);
      assert.deepEqual(received.sort(), [`jiro${n}.gone@daicho-test.jp`, `taro${n}.keep@daicho-test.jp`]);
    });
  });
}
