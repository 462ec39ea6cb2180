import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { createMailer, type Mailer } from '../../../src/use/campaigns/mailer.ts';
import { CampaignSender } from '../../../src/use/campaigns/send.service.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/** A real SMTP server on loopback that records each recipient it accepted. */
async function startSmtp() {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => { received.push(...session.envelope.rcptTo.map((r) => r.address)); cb(); });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The send loop looks again right before each message goes: a person whose use was stopped (利用停止) or who opted out
 * after the campaign started gets nothing, and the message is skipped with that reason.
 *   A: sent first; while A's message is on its way, B's use is stopped and D unsubscribes (after the claim-time check)
 *   B: stopped mid-send → use_stopped        C: stopped after the start, before the loop → use_stopped (claim-time)
 *   D: opted out mid-send → opted_out         E: sent
 */
for (const engine of ENGINES) {
  describe(`send loop rechecks 利用停止 and opt-out before each message [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const ids: Record<string, string> = {};
    const people = ['A', 'B', 'C', 'D', 'E'];
    const db = () => t.database.db;
    const address = (p: string) => `${p.toLowerCase()}.stop@daicho-test.jp`;

    const stopUse = async (customerId: string) => {
      const r = await admin.json('POST', '/api/v1/privacy/requests', {
        kind: 'stop_use', receivedOn: '2026-12-01', requesterName: '本人', identityVerifiedBy: admin.userId,
        identityVerifiedAt: '2026-12-01T10:00:00+09:00', identityMethod: '運転免許証の写し', customerIds: [customerId],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const s = await admin.json('POST', `/api/v1/privacy/requests/${r.body.id}/stop-use`);
      assert.equal(s.status, 200, JSON.stringify(s.body));
    };

    before(async () => {
      smtp = await startSmtp();
      t = await startTestApp(engine, { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: 'https://crm.daicho-test.jp' });
      admin = await t.as('admin');
      const linked = await ingestRecords(db(), {
        source: { name: 'crm', label: 'CRM', kind: 'file_import' },
        records: people.map((p) => ({ externalId: p, fields: { full_name: `停止 ${p}子`, email: address(p) } })),
        actor,
      });
      for (const l of linked) ids[l.externalId] = l.customerId;
      const settings = await admin.json('PUT', '/api/v1/messaging/settings', {
        senderName: '株式会社台帳テスト', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-3456-7812', fromEmail: 'news@daicho-test.jp',
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      for (const p of people) {
        await sql`INSERT INTO consents (customer_id, purpose, granted, purpose_code, state, method, recorded_at)
          VALUES (${ids[p]!}::uuid, 'email_marketing', true, 'email_marketing', 'granted', 'staff', now() - interval '30 days')`.execute(db());
      }
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    test('a stop or an opt-out after the start skips the message with its reason; the others are delivered once', async () => {
      const [campaign] = await db().insertInto('campaigns').values({ name: '冬のご案内', channel: 'email', subject: '{{宛名}}へ', body_text: 'ご案内です', status: 'sending' })
        .returning('id').execute();
      const campaignId = campaign!.id;
      for (const p of people) {
        await db().insertInto('campaign_messages').values({ campaign_id: campaignId, customer_id: ids[p]!, channel: 'email', address: address(p), status: 'queued', token: randomBytes(18).toString('base64url') }).execute();
      }
      // C is stopped after the audience was stored: the claim-time recheck skips it.
      await stopUse(ids.C!);
      const real = createMailer(db(), t.config);
      assert.equal(real.kind, 'smtp');
      let first = true;
      // While the first message is on its way (the batch was claimed and rechecked), B is stopped and D unsubscribes.
      const mailer: Mailer = {
        kind: real.kind,
        close: () => real.close(),
        send: async (msg, meta) => {
          if (first) {
            first = false;
            await stopUse(ids.B!);
            await sql`INSERT INTO consents (customer_id, purpose, granted, purpose_code, state, method, recorded_at)
              VALUES (${ids.D!}::uuid, 'email_marketing', false, 'email_marketing', 'withdrawn', 'staff', now())`.execute(db());
          }
          return real.send(msg, meta);
        },
      };
      try {
        // One message a window, in id order: A goes first, the others each get the last look before their window.
        const sender = new CampaignSender(db(), mailer, { publicUrl: 'https://crm.daicho-test.jp', rate: 10_000, concurrency: 1 });
        const tally = await sender.runCampaign(campaignId);
        assert.deepEqual(tally, { sent: 2, failed: 0, skipped: 3, stopped: false });
      } finally {
        mailer.close();
      }
      assert.deepEqual([...smtp.received].sort(), [address('A'), address('E')]);
      const rows = await db().selectFrom('campaign_messages').select(['customer_id', 'status', 'reason']).where('campaign_id', '=', campaignId).execute();
      const byPerson = Object.fromEntries(rows.map((r) => [people.find((p) => ids[p] === r.customer_id)!, `${r.status}:${r.reason ?? ''}`]));
      assert.deepEqual(byPerson, { A: 'sent:', B: 'skipped:use_stopped', C: 'skipped:use_stopped', D: 'skipped:opted_out', E: 'sent:' });
      // The report counts them by reason, like the audience's suppressions.
      const report = await admin.json('GET', `/api/v1/campaigns/${campaignId}/audience`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      const reasons = Object.fromEntries((report.body.suppressed as Array<{ reason: string; count: number }>).map((s) => [s.reason, s.count]));
      assert.equal(reasons.use_stopped, 2);
      assert.equal(reasons.opted_out, 1);
      // Nothing was written to the timelines of the three who got nothing.
      const sentActivities = await db().selectFrom('activities').select('customer_id').where('type', '=', 'email_sent').where('customer_id', 'in', [ids.B!, ids.C!, ids.D!]).execute();
      assert.equal(sentActivities.length, 0);
    });
  });
}
