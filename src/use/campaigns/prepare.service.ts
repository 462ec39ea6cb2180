import { runsConcurrently, type Db } from '../../db/database.ts';
import { wakeWorkers } from '../../platform/jobs/jobs.service.ts';
import * as audience from './audience.repository.ts';
import { enqueueSending, JobStopped } from './campaign-jobs.ts';
import { audienceSettings, segmentsPredicate } from './campaigns.service.ts';
import * as repo from './campaigns.repository.ts';
import * as messages from './messages.repository.ts';

/**
 * A started campaign's audience, stored in the background (migration 0033) by a `campaign.prepare` job of the shared
 * queue (campaign-jobs.ts) rather than in the start request. One process prepares a campaign at a time: besides the
 * job's own claim, it claims the campaign, and each step's transaction begins with the claim's heartbeat, which locks
 * the campaign row until the step commits and fails once another process has taken a stale claim over (or the
 * campaign was cancelled). The steps: the audience resolved by its one statement into campaign_audience (migration
 * 0044) with the number of people considered, then chunks of it in id order, each with its progress (prepared / total,
 * and the chunk's last id): the people to send become queued messages and leave campaign_audience, the suppressed stay
 * there (no message, no token). Every step is one transaction that stores its last id with its messages, so a process
 * that dies mid-way leaves a consistent state and the next one goes on after that id, storing no message twice. Between steps the
 * event loop gets a turn, so on PGlite (one connection, on this thread) requests are answered between chunks. Then
 * the campaign is `sending` and its `campaign.send` job is queued in the same transaction.
 */

export interface PrepareOptions {
  worker: string;
  /** A claim not beaten for this long belongs to a dead process. */
  staleAfterMs: number;
  /** People stored per step (default 20,000 on PostgreSQL, 5,000 on PGlite, whose one connection a step holds). */
  chunkSize?: number;
  now?: Date;
  /** Asked between steps: a stopping process gives its claim back. */
  shouldStop?: () => boolean;
  /** Told once the audience is resolved and staged (its size), before the chunks. */
  onResolved?: (total: number) => void;
  /** Runs inside each chunk's transaction before it commits (a test's stand-in for a crash there). */
  beforeChunkCommit?: (trx: Db, moved: number) => Promise<void>;
}

/** busy: another live process holds it (or it is no longer preparing); lost: taken over or cancelled mid-way. */
export type PrepareOutcome = 'done' | 'busy' | 'lost' | 'stopped';

export const DEFAULT_CHUNK = 20_000;
export const PGLITE_CHUNK = 5_000;

/** Lets timers and I/O (an HTTP request waiting for PGlite's connection) run before the next step. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function prepareCampaign(db: Db, id: string, options: PrepareOptions): Promise<PrepareOutcome> {
  const now = options.now ?? new Date();
  const { worker } = options;
  const chunkSize = options.chunkSize ?? (runsConcurrently(db) ? DEFAULT_CHUNK : PGLITE_CHUNK);
  if (!(await repo.claimPreparation(db, id, worker, new Date(Date.now() - options.staleAfterMs)))) return 'busy';
  const row = await repo.findCampaign(db, id);
  if (!row) return 'lost';
  if (row.audience_total === null) {
    const segs = await repo.segmentsOf(db, [id]);
    const predicate = await segmentsPredicate(db, segs.map((s) => s.id), now);
    const settings = await audienceSettings(db, now);
    const resolved = await db.transaction().execute(async (trx) => {
      if (!(await repo.beatPreparation(trx, id, worker))) return false;
      await audience.tuneForAudience(trx);
      const total = await messages.stageAudience(trx, id, audience.audienceSql(row.channel, predicate, settings));
      return repo.beatPreparation(trx, id, worker, { total });
    });
    if (!resolved) return 'lost';
    options.onResolved?.((await repo.findCampaign(db, id))?.audience_total ?? 0);
  }
  const through = (await repo.findCampaign(db, id))?.prepared_through;
  let after: number | null = through === null || through === undefined ? null : Number(through);
  for (;;) {
    await nextTurn();
    if (options.shouldStop?.()) {
      await repo.releasePreparation(db, worker);
      return 'stopped';
    }
    const step = await db.transaction().execute(async (trx): Promise<'lost' | 'moved' | 'done'> => {
      if (!(await repo.beatPreparation(trx, id, worker))) return 'lost';
      const chunk = await messages.moveStagedChunk(trx, id, row.channel, chunkSize, after);
      const moved = chunk.moved;
      if (moved === 0) {
        if (!(await repo.finishPreparation(trx, id, worker))) return 'lost';
        // DM campaigns are not sent by a process: their list is printed.
        if (row.channel === 'email') await enqueueSending(trx, id);
        return 'done';
      }
      await repo.beatPreparation(trx, id, worker, { prepared: moved, through: chunk.last ?? undefined });
      if (options.beforeChunkCommit) await options.beforeChunkCommit(trx, moved);
      after = chunk.last;
      return 'moved';
    });
    if (step === 'done') wakeWorkers();
    if (step !== 'moved') return step;
  }
}

/**
 * The `campaign.prepare` job. Its claim on the campaign is named after the job's attempt, so a retry taken over from a
 * process that died finds that process's claim and waits until it is stale (an error: retried with backoff). A
 * campaign that is no longer preparing (cancelled, or prepared meanwhile) is nothing to do.
 */
export async function prepareCampaignJob(db: Db, job: { id: string; attempt: number; signal: AbortSignal; campaignId: string }, staleAfterMs: number): Promise<void> {
  const outcome = await prepareCampaign(db, job.campaignId, {
    worker: `job:${job.id}#${job.attempt}`, staleAfterMs, shouldStop: () => job.signal.aborted,
  });
  if (outcome === 'stopped') throw new JobStopped(`campaign ${job.campaignId}: storing the audience`);
  if (outcome === 'done') return;
  const row = await repo.findCampaign(db, job.campaignId);
  if (!row || row.status !== 'preparing') return;
  throw new Error(`campaign ${job.campaignId}: another process is storing its audience (its claim is ${outcome === 'busy' ? 'still fresh' : 'newer than this one'}); retried once it is stale`);
}
