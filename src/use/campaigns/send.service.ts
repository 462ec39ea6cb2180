import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { Block } from '../../domain/campaigns/content.ts';
import { enqueuePreparation, enqueueSending, JobStopped } from './campaign-jobs.ts';
import * as repo from './campaigns.repository.ts';
import { startCampaign } from './campaigns.service.ts';
import { composeMessages } from './compose.service.ts';
import type { Mailer } from './mailer.ts';
import * as messages from './messages.repository.ts';
import { getSettings } from './settings.service.ts';
import { insertCampaignActivities } from '../../ledger/activities/activities.repository.ts';

/**
 * The send loop. Any number of processes may run it against one database: each claims batches of queued messages
 * (SKIP LOCKED), marks a message `sending` just before its SMTP transaction and `sent` after it, and beats a heartbeat
 * on its claims. A process that dies leaves claims that go stale: never-attempted ones are queued again, and the one
 * it was inside the SMTP transaction for becomes `unknown` for a person to decide (the server may have it), so a
 * restart sends every remaining message once and never re-sends a delivered one.
 */

export interface SenderOptions {
  /** Where links in messages point (unsubscribe, tracked links, the open pixel). */
  publicUrl: string;
  batchSize?: number;
  /** Transient failures (4xx, connection) are retried until a message has been attempted this often. */
  maxAttempts?: number;
  /** Claims not refreshed for this long belong to a dead process. */
  staleAfterMs?: number;
  /** Messages a second for this process (default: the admin's setting). */
  rate?: number;
  /** Messages in flight at once (over the mailer's pooled connections). */
  concurrency?: number;
  worker?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CampaignSender {
  readonly worker: string;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly staleAfterMs: number;
  private readonly concurrency: number;
  private readonly running = new Set<string>();
  private stopping = false;
  private nextSlot = 0;

  constructor(private readonly db: Db, private readonly mailer: Mailer, private readonly options: SenderOptions) {
    this.worker = options.worker ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.batchSize = options.batchSize ?? 50;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.concurrency = options.concurrency ?? 4;
  }

  /**
   * Sends a campaign's queued messages until none is left, it is paused or cancelled, or this sender stops or `signal`
   * is aborted (`stopped` in the tally: the job is given back). Several campaigns may run at once, sharing this
   * sender's rate.
   */
  async runCampaign(campaignId: string, signal?: AbortSignal): Promise<{ sent: number; failed: number; skipped: number; stopped: boolean }> {
    const tally = { sent: 0, failed: 0, skipped: 0, stopped: false };
    const halted = () => this.stopping || signal?.aborted === true;
    if (this.running.has(campaignId)) return tally;
    this.running.add(campaignId);
    const beat = setInterval(() => { void messages.heartbeatClaims(this.db, this.worker).catch(() => undefined); }, Math.max(200, Math.floor(this.staleAfterMs / 4)));
    try {
      for (;;) {
        const campaign = await repo.findCampaign(this.db, campaignId);
        if (!campaign || campaign.status !== 'sending') break;
        if (halted()) { tally.stopped = true; break; }
        const settings = await getSettings(this.db);
        const batch = await messages.claimBatch(this.db, campaignId, this.worker, this.batchSize);
        if (batch.length === 0) {
          if ((await messages.pendingMessages(this.db, campaignId)) === 0) await repo.transitionCampaign(this.db, campaignId, ['sending'], 'done', { finished: true });
          break;
        }
        const skipped = await this.recheck(batch, campaign.channel, settings);
        tally.skipped += skipped.length;
        const skippedIds = new Set(skipped.map((s) => s.id));
        const go = batch.filter((m) => !skippedIds.has(m.id));
        let mail: Awaited<ReturnType<typeof composeMessages>>;
        try {
          mail = await composeMessages(this.db,
            { subject: campaign.subject, bodyText: campaign.body_text, bodyHtml: campaign.body_html, blocks: (Array.isArray(campaign.blocks) ? campaign.blocks : []) as Block[] },
            go.map((m) => ({ messageId: m.id, customerId: m.customer_id, token: m.token, address: m.address ?? '' })), settings, { publicUrl: this.options.publicUrl });
        } catch (error) {
          // Content or sender settings that cannot be sent (changed since the start): stop and let a person fix it.
          await messages.releaseClaims(this.db, this.worker, campaignId);
          await repo.transitionCampaign(this.db, campaignId, ['sending'], 'paused');
          console.error(`Campaign ${campaignId} paused: ${error instanceof Error ? error.message : String(error)}`);
          break;
        }
        const composed = go.filter((m) => mail.has(m.id));
        // The person was merged away or deleted since the audience was resolved.
        const gone = go.filter((m) => !mail.has(m.id)).map((m) => ({ id: m.id, reason: 'no_address' }));
        await messages.skipClaimed(this.db, gone);
        tally.skipped += gone.length;
        // Windows of `concurrency` messages side by side over the pooled connections: each window is marked sending
        // in one statement before its SMTP transactions and sent in one after them, so a kill leaves at most one
        // window unknown.
        for (let i = 0; i < composed.length && !halted(); i += this.concurrency) {
          const window = composed.slice(i, i + this.concurrency);
          await this.throttle(this.options.rate ?? settings.sendRate, window.length);
          const { stopped, marked } = await this.markSending(window, campaign.channel);
          tally.skipped += stopped;
          const going = window.filter((m) => marked.has(m.id));
          const results = await Promise.allSettled(going.map((m) => this.mailer.send(mail.get(m.id)!, { messageId: m.id, campaignId })));
          const at = new Date();
          const delivered: Array<{ id: number; smtpMessageId: string; smtpResponse: string; customerId: string; address: string | null }> = [];
          for (const [k, result] of results.entries()) {
            const m = going[k]!;
            if (result.status === 'fulfilled') {
              delivered.push({ id: m.id, smtpMessageId: result.value.messageId, smtpResponse: result.value.response, customerId: m.customer_id, address: m.address });
              continue;
            }
            const err = result.reason as unknown;
            const permanent = (err as { permanent?: unknown }).permanent === true;
            const fate = await messages.markNotDelivered(this.db, m.id, err instanceof Error ? err.message : String(err), permanent, this.maxAttempts);
            if (fate === 'failed') tally.failed += 1;
          }
          await messages.markDeliveredMany(this.db, delivered, this.mailer.kind === 'smtp' ? 'sent' : 'outbox', at);
          await insertCampaignActivities(this.db, delivered.map((d) => ({
            dedupeKey: `campaign:${d.id}:email_sent`, customerId: d.customerId, type: 'email_sent', occurredAt: at, title: `メール送信: ${campaign.name}`,
            properties: { campaignId, campaignName: campaign.name, messageId: d.id, delivery: this.mailer.kind }, address: d.address,
          })));
          tally.sent += delivered.length;
        }
        // What this batch did not attempt (stopping, paused) goes back to the queue at once.
        await messages.releaseClaims(this.db, this.worker, campaignId);
      }
    } finally {
      clearInterval(beat);
      this.running.delete(campaignId);
    }
    return tally;
  }

  /**
   * The claim-time recheck (利用停止, opt-out, bounce, the frequency cap), one transaction per batch under per-person locks: the
   * messages that pass count toward the cap before the locks go, so another campaign's batch for the same people,
   * here or in another process, sees them and two campaigns never both pass a cap of one.
   */
  private async recheck(batch: readonly messages.ClaimedMessage[], channel: 'email' | 'dm', settings: { capCount: number; capDays: number }) {
    return this.db.transaction().execute(async (trx) => {
      await messages.lockCapOf(trx, batch.map((m) => m.customer_id));
      const skipped = await messages.recheckClaimed(trx, batch.map((m) => m.id), channel, { capCount: settings.capCount, capDays: settings.capDays });
      await messages.skipClaimed(trx, skipped);
      const skippedIds = new Set(skipped.map((s) => s.id));
      await messages.markCapChecked(trx, batch.filter((m) => !skippedIds.has(m.id)).map((m) => m.id));
      return skipped;
    });
  }

  /**
   * Right before sending: a stop (利用停止), an opt-out or another message of the campaign already on its way to the
   * same person skips a message with its reason; the rest are marked sending (only while still claimed by this worker).
   * A merge locks both people's messages before it drops one of two (moveMessagesOnMerge), so it sees this mark or
   * this mark sees its drop: one person, one message.
   */
  private async markSending(window: readonly messages.ClaimedMessage[], channel: 'email' | 'dm'): Promise<{ stopped: number; marked: Set<number> }> {
    const stopped = await messages.stopsBeforeSend(this.db, window.map((m) => m.id), channel);
    if (stopped.length) await messages.skipClaimed(this.db, stopped);
    const stoppedIds = new Set(stopped.map((x) => x.id));
    const marked = await messages.markSendingMany(this.db, window.filter((m) => !stoppedIds.has(m.id)).map((m) => m.id), this.worker);
    return { stopped: stopped.length, marked };
  }

  private async throttle(rate: number, messages = 1): Promise<void> {
    const gap = (1000 / Math.max(1, rate)) * messages;
    const now = Date.now();
    if (this.nextSlot > now) await sleep(this.nextSlot - now);
    this.nextSlot = Math.max(now, this.nextSlot) + gap;
  }

  /** Stops after the messages in flight and gives back unattempted claims (the jobs running campaigns end as stopped). */
  async stop(): Promise<void> {
    this.stopping = true;
    await messages.releaseClaims(this.db, this.worker).catch(() => 0);
  }
}

/**
 * The `campaign.send` job: one campaign's queued messages sent by this process's sender. A job stopped at a safe
 * point throws (given back to the queue); one that ends while messages are still held by another process's stale
 * claims simply ends, and the campaign pass queues the campaign again once they are taken back.
 */
export async function sendCampaignJob(sender: CampaignSender, job: { campaignId: string; signal: AbortSignal }): Promise<void> {
  const tally = await sender.runCampaign(job.campaignId, job.signal);
  if (tally.stopped) throw new JobStopped(`campaign ${job.campaignId}: sending`);
}

/**
 * Every server's campaign pass (every 5 s): the claims of processes that stopped beating are taken back (never
 * attempted → queued, inside an SMTP transaction → unknown), scheduled campaigns whose time has come are started, and
 * a job is queued for each campaign that has work: preparing (its audience to store) or sending with messages queued
 * or none left in flight (to finish it). The dedupe keys keep it to one live job per campaign and kind, so the pass
 * also queues campaigns that lost theirs (a process killed between a state change and its enqueue, or stored before
 * the job queue).
 */
export async function campaignPass(db: Db, options: { staleAfterMs: number; delivery: 'smtp' | 'outbox'; now?: Date }): Promise<{ recovered: { requeued: number; unknown: number } }> {
  const now = options.now ?? new Date();
  const recovered = await messages.recoverStaleClaims(db, new Date(now.getTime() - options.staleAfterMs));
  for (const id of await repo.dueScheduled(db, now, 10)) {
    try { await startCampaign(db, id, {}, null, options.delivery, now); } catch { /* another server started it */ }
  }
  for (const id of await repo.campaignsPreparing(db)) await enqueuePreparation(db, id);
  for (const id of await messages.sendingCampaignsWithWork(db)) await enqueueSending(db, id);
  return { recovered };
}
