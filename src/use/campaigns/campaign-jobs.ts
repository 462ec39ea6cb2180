import type { Db } from '../../db/database.ts';
import { enqueueJob } from '../../platform/jobs/jobs.service.ts';

/**
 * A campaign's background work as jobs of the shared queue (src/platform/jobs; handlers in src/app/jobs.ts): storing a
 * started campaign's audience (`campaign.prepare`) and sending it (`campaign.send`), one live job of each kind per
 * campaign (the dedupe key). Any server's worker may run them (claimed with FOR UPDATE SKIP LOCKED); a failed one is
 * retried with backoff and shown on the ジョブ page. Enqueued where the campaign's state changes (start, the end of
 * its preparation, resume, a resend decided, a trigger's instance) and again by every server's campaign pass, so a
 * campaign whose job ended while a dead process still held some of its messages goes on once they are taken back.
 */

export const CAMPAIGN_PREPARE_JOB = 'campaign.prepare';
export const CAMPAIGN_SEND_JOB = 'campaign.send';

/** Attempts before a campaign job goes to the dead-letter list (each attempt goes on from where the last stopped). */
const MAX_ATTEMPTS = 10;

/** Queues the storing of a started campaign's audience (inside the caller's transaction when `db` is one). */
export function enqueuePreparation(db: Db, campaignId: string): Promise<{ id: string; created: boolean }> {
  return enqueueJob(db, CAMPAIGN_PREPARE_JOB, { dedupeKey: `${CAMPAIGN_PREPARE_JOB}:${campaignId}`, payload: { campaignId }, maxAttempts: MAX_ATTEMPTS });
}

/** Queues the sending of a campaign's queued messages (inside the caller's transaction when `db` is one). */
export function enqueueSending(db: Db, campaignId: string): Promise<{ id: string; created: boolean }> {
  return enqueueJob(db, CAMPAIGN_SEND_JOB, { dedupeKey: `${CAMPAIGN_SEND_JOB}:${campaignId}`, payload: { campaignId }, maxAttempts: MAX_ATTEMPTS });
}

/** Thrown when a job stops at a safe point (its process is stopping, or another took its lease): not a failure of the work. */
export class JobStopped extends Error {
  constructor(what: string) {
    super(`${what}: stopped at a safe point (the process is stopping or another took the job over); it goes on from there`);
    this.name = 'JobStopped';
  }
}
