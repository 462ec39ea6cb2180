import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { Block } from '../../domain/campaigns/content.ts';
import * as repo from './campaigns.repository.ts';
import { startCampaign } from './campaigns.service.ts';
import { composeMessages } from './compose.service.ts';
import type { Mailer } from './mailer.ts';
import * as messages from './messages.repository.ts';
import { getSettings } from './settings.service.ts';
import { recordSent } from './tracking.service.ts';

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
  worker?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CampaignSender {
  readonly worker: string;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly staleAfterMs: number;
  private readonly running = new Set<string>();
  private stopping = false;
  private nextSlot = 0;

  constructor(private readonly db: Db, private readonly mailer: Mailer, private readonly options: SenderOptions) {
    this.worker = options.worker ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.batchSize = options.batchSize ?? 50;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
  }

  /** One scheduler pass: take over dead processes' claims, start what is due, send what is sending. */
  async tick(now = new Date()): Promise<void> {
    if (this.stopping) return;
    await messages.recoverStaleClaims(this.db, new Date(now.getTime() - this.staleAfterMs));
    for (const id of await repo.dueScheduled(this.db, now, 10)) {
      try { await startCampaign(this.db, id, {}, null, this.mailer.kind, now); } catch { /* another server started it */ }
    }
    for (const c of await repo.campaignsSending(this.db)) {
      if (c.channel !== 'email' || this.running.has(c.id)) continue;
      await this.runCampaign(c.id);
    }
  }

  /** Sends a campaign's queued messages until none is left, it is paused or cancelled, or this sender stops. */
  async runCampaign(campaignId: string): Promise<{ sent: number; failed: number; skipped: number }> {
    const tally = { sent: 0, failed: 0, skipped: 0 };
    if (this.running.has(campaignId)) return tally;
    this.running.add(campaignId);
    const beat = setInterval(() => { void messages.heartbeatClaims(this.db, this.worker).catch(() => undefined); }, Math.max(200, Math.floor(this.staleAfterMs / 4)));
    try {
      for (;;) {
        const campaign = await repo.findCampaign(this.db, campaignId);
        if (!campaign || campaign.status !== 'sending' || this.stopping) break;
        const settings = await getSettings(this.db);
        const batch = await messages.claimBatch(this.db, campaignId, this.worker, this.batchSize);
        if (batch.length === 0) {
          if ((await messages.pendingMessages(this.db, campaignId)) === 0) await repo.transitionCampaign(this.db, campaignId, ['sending'], 'done', { finished: true });
          break;
        }
        const skipped = await messages.recheckClaimed(this.db, batch.map((m) => m.id), campaign.channel, { capCount: settings.capCount, capDays: settings.capDays });
        await messages.skipClaimed(this.db, skipped);
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
        for (const m of go) {
          if (this.stopping) break;
          const msg = mail.get(m.id);
          if (!msg) {
            // The person was merged away or deleted since the audience was resolved.
            await messages.skipClaimed(this.db, [{ id: m.id, reason: 'no_address' }]);
            tally.skipped += 1;
            continue;
          }
          await this.throttle(this.options.rate ?? settings.sendRate);
          if (!(await messages.markSending(this.db, m.id, this.worker))) continue;
          let result: { messageId: string; response: string };
          try {
            result = await this.mailer.send(msg, { messageId: m.id, campaignId });
          } catch (err) {
            const permanent = (err as { permanent?: unknown }).permanent === true;
            const fate = await messages.markNotDelivered(this.db, m.id, err instanceof Error ? err.message : String(err), permanent, this.maxAttempts);
            if (fate === 'failed') tally.failed += 1;
            continue;
          }
          const at = new Date();
          await messages.markDelivered(this.db, m.id, { status: this.mailer.kind === 'smtp' ? 'sent' : 'outbox', smtpMessageId: result.messageId, smtpResponse: result.response, sentAt: at });
          await recordSent(this.db, m.token, at, this.mailer.kind);
          tally.sent += 1;
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

  private async throttle(rate: number): Promise<void> {
    const gap = 1000 / Math.max(1, rate);
    const now = Date.now();
    if (this.nextSlot > now) await sleep(this.nextSlot - now);
    this.nextSlot = Math.max(now, this.nextSlot) + gap;
  }

  /** Stops after the message in flight and gives back unattempted claims. */
  async stop(): Promise<void> {
    this.stopping = true;
    await messages.releaseClaims(this.db, this.worker).catch(() => 0);
  }
}
