import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { actorFromPayload, actorPayload, enqueueJob, findJob, type ActorLookup, type ActorPayload, type JobView } from '../../platform/jobs/jobs.service.ts';
import { FinalJobError, type Job } from '../../platform/jobs/worker.ts';
import { loadSubject } from './erasure.service.ts';
import type { PrivacyParts } from './parts.ts';
import * as repo from './privacy.repository.ts';
import * as retention from './retention.repository.ts';

/**
 * 保存期間切れの削除: a source's records received longer ago than its retention period (sources.retention_days) are
 * deleted for real, and only they. What a deleted record means for its customer:
 * - a customer who keeps a record the rule does not cover (another source's, or a newer one of this source) stays;
 *   what the old records brought goes with them (parts.recordErasers) and the golden record is recomputed from the
 *   records left (parts.recordsRemoved);
 * - a customer whose every record is past retention has nothing left to stand on and is removed like an erasure
 *   (parts.erasers, the same owners in the same order), without a tombstone: nobody asked to be forgotten, so a later
 *   record of the same person is a new customer, not a flag.
 * The dry run counts what a delete asked now would remove; the delete is a job (runRetentionDelete) that deletes in
 * batches of its own transactions against the cutoff fixed when it was asked, and is audited once with its totals.
 * docs/PRIVACY.md.
 */

const DAY_MS = 86_400_000;
/** Customers erased per chunk, records deleted per chunk (bounded IN lists inside a batch's transaction). */
const CUSTOMER_CHUNK = 1000;
const RECORD_CHUNK = 5000;

export interface RetentionPlan {
  sourceId: string; sourceName: string; sourceLabel: string; days: number; cutoff: string;
  /** Source records past retention, all deleted. */
  records: number;
  /** Customers with every record past retention: removed like an erasure. */
  customersRemoved: number;
  /** Customers keeping other records: their golden record is recomputed from those. */
  customersRecomputed: number;
  /** Records past retention linked to no customer (pending review). */
  unlinkedRecords: number;
}

interface Classified { plan: RetentionPlan }

async function classify(db: Db, sourceId: string, now: Date): Promise<Classified> {
  const source = await retention.findSourceForRetention(db, sourceId);
  if (!source) throw notFound('Source');
  if (source.retention_days === null) {
    throw new AppError('conflict', 'このデータソースには保存期間が設定されていません (the source has no retention period)');
  }
  const cutoff = new Date(now.getTime() - source.retention_days * DAY_MS);
  const records = await retention.recordsReceivedBefore(db, sourceId, cutoff);
  const customers = [...new Set(records.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
  const keeping = await retention.customersKeepingOtherRecords(db, customers, sourceId, cutoff);
  const removed = customers.filter((c) => !keeping.has(c));
  const recomputed = customers.filter((c) => keeping.has(c));
  return {
    plan: {
      sourceId, sourceName: source.name, sourceLabel: source.label, days: source.retention_days, cutoff: cutoff.toISOString(),
      records: records.length, customersRemoved: removed.length, customersRecomputed: recomputed.length,
      unlinkedRecords: records.filter((r) => !r.customer_id).length,
    },
  };
}

/** The dry run: what a delete started now would remove. */
export async function planRetentionDelete(db: Db, sourceId: string, now: Date = new Date()): Promise<RetentionPlan> {
  return (await classify(db, sourceId, now)).plan;
}

export const RETENTION_JOB = 'retention.delete';
/** Records past retention deleted per batch, each batch its own transaction (the job's progress commits with it). */
export const RETENTION_BATCH = 2000;

/** What a retention delete has done so far (the job's progress; its result once done). */
export interface RetentionTotals {
  cutoff: string;
  batches: number;
  records: number;
  customersRemoved: number;
  /** Recomputes of customers who stay (one whose old records fall in two batches is recomputed in each). */
  customersRecomputed: number;
  unlinkedRecords: number;
  deleted: Record<string, number>;
  /** The audit entry is written (with the totals, in the last transaction): a retry after it does nothing more. */
  audited: boolean;
  seconds: number;
}

interface RetentionPayload extends ActorPayload { sourceId: string; cutoff: string }

export interface RetentionJobView {
  id: string;
  status: 'queued' | 'running' | 'failed' | 'dead' | 'done';
  attempts: number;
  lastError: string | null;
  progress: RetentionTotals | null;
}

const jobView = (job: JobView): RetentionJobView => ({
  id: job.id, status: job.status, attempts: job.attempts, lastError: job.lastError,
  progress: (job.status === 'done' ? job.result : job.progress) as RetentionTotals | null,
});

/**
 * The delete, after the source's name was typed to confirm: queued as a job (`retention.delete`, one per source at a
 * time) that deletes in batches with the cutoff fixed now. Returns the plan (the dry run at this instant) and the job.
 */
export async function requestRetentionDelete(
  db: Db, sourceId: string, confirm: string, actor: Actor, now: Date = new Date(),
): Promise<RetentionPlan & { job: RetentionJobView }> {
  const { plan } = await classify(db, sourceId, now);
  if (confirm.trim() !== plan.sourceName) {
    throw new AppError('validation_failed', `確認のためデータソース名「${plan.sourceName}」を入力してください (type the source name to confirm)`, [
      { field: 'confirm', message: `「${plan.sourceName}」と入力してください` },
    ]);
  }
  const payload: RetentionPayload = { sourceId, cutoff: plan.cutoff, ...actorPayload(actor) };
  const { id } = await enqueueJob(db, RETENTION_JOB, { payload: payload as unknown as Record<string, unknown>, dedupeKey: `${RETENTION_JOB}:${sourceId}`, maxAttempts: 5 });
  return { ...plan, job: (await retentionDeleteJob(db, sourceId, id))! };
}

/** A retention delete job of this source (its progress, then its totals), or null. */
export async function retentionDeleteJob(db: Db, sourceId: string, jobId: string): Promise<RetentionJobView | null> {
  const job = await findJob(db, jobId);
  if (!job || job.kind !== RETENTION_JOB || job.payload.sourceId !== sourceId) return null;
  return jobView(job);
}

/**
 * The `retention.delete` job: deletes the source's records received before the cutoff fixed when it was asked, a
 * batch of `batchSize` records at a time, each batch one transaction that also saves the running totals to the job.
 * A killed or failed run is taken again and goes on from what is left (the records deleted are gone, the totals
 * saved with them); the audit entry (source.retention_delete, the totals) is written once, with the last batch's
 * totals, in a transaction of its own that marks them audited. Returns the totals.
 */
export async function runRetentionDelete(
  db: Db, job: Job, lookupActor: ActorLookup, parts: PrivacyParts, batchSize: number = RETENTION_BATCH,
): Promise<RetentionTotals> {
  const payload = job.payload as Partial<RetentionPayload>;
  if (typeof payload.sourceId !== 'string' || typeof payload.cutoff !== 'string') throw new FinalJobError(`retention job ${job.id}: no source or cutoff in its payload`);
  const sourceId = payload.sourceId;
  const cutoff = new Date(payload.cutoff);
  const actor = await actorFromPayload(payload, lookupActor);
  if (!actor) throw new FinalJobError(`retention job ${job.id}: the user who asked for it no longer exists or is disabled`);
  const source = await retention.findSourceForRetention(db, sourceId);
  if (!source) throw new FinalJobError(`retention job ${job.id}: the source ${sourceId} no longer exists`);
  const saved = job.progress as RetentionTotals | null;
  const totals: RetentionTotals = saved && saved.cutoff === payload.cutoff
    ? { ...saved, deleted: { ...saved.deleted } }
    : { cutoff: payload.cutoff, batches: 0, records: 0, customersRemoved: 0, customersRecomputed: 0, unlinkedRecords: 0, deleted: {}, audited: false, seconds: 0 };
  if (totals.audited) return totals;
  const started = performance.now();
  const before = totals.seconds;
  const add = (table: string, n: number) => { totals.deleted[table] = (totals.deleted[table] ?? 0) + n; };
  for (;;) {
    if (job.signal.aborted) throw new Error(`retention job ${job.id}: stopped after ${totals.batches} batches (it goes on from there when taken again)`);
    const more = await db.transaction().execute(async (trx) => {
      const records = await retention.recordsReceivedBefore(trx, sourceId, cutoff, batchSize);
      if (records.length === 0) return false;
      const recordIds = new Set(records.map((r) => Number(r.id)));
      const customers = [...new Set(records.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
      const keeping = await retention.customersKeepingOtherRecords(trx, customers, sourceId, cutoff);
      const removed = customers.filter((c) => !keeping.has(c));
      const recomputed = customers.filter((c) => keeping.has(c));
      const removedSet = new Set(removed);
      // Customers with nothing left: erased like a request would, with every record they have (all past retention).
      for (let i = 0; i < removed.length; i += CUSTOMER_CHUNK) {
        const { subject } = await loadSubject(trx, removed.slice(i, i + CUSTOMER_CHUNK));
        // A customer merged into one of them could hold a record the rule does not cover: then this batch stops.
        const within = await retention.recordsWithin(trx, subject.recordIds, sourceId, cutoff);
        if (within > 0) {
          throw new FinalJobError('保存期間内の記録を持つ統合済みの顧客が含まれるため削除を中止しました (a merged customer holds a record within the retention period; the batches before it were deleted, this one was not)');
        }
        for (const id of subject.recordIds) recordIds.add(id);
        add('tombstone_matches', await repo.eraseTombstoneMatchesOf(trx, subject.recordIds));
        for (const eraser of parts.erasers) if (!eraser.requestOnly) add(eraser.table, await eraser.erase(trx, subject));
      }
      // Records of customers who stay (and records linked to nobody): what they brought goes, the customers stay.
      const kept = records.filter((r) => !r.customer_id || !removedSet.has(r.customer_id)).map((r) => Number(r.id));
      for (let i = 0; i < kept.length; i += RECORD_CHUNK) {
        const ids = kept.slice(i, i + RECORD_CHUNK);
        add('tombstone_matches', await repo.eraseTombstoneMatchesOf(trx, ids));
        for (const eraser of parts.recordErasers) add(eraser.table, await eraser.erase(trx, { customerIds: [], recordIds: ids, addresses: [], values: [] }));
      }
      await parts.recordsRemoved(trx, recomputed);
      totals.batches++;
      totals.records += recordIds.size;
      totals.customersRemoved += removed.length;
      totals.customersRecomputed += recomputed.length;
      totals.unlinkedRecords += records.filter((r) => !r.customer_id).length;
      totals.seconds = before + (performance.now() - started) / 1000;
      await job.saveProgress(trx, { ...totals });
      return true;
    });
    // A batch that failed rolled back with its saved totals; the job fails, and its retry starts from those.
    if (!more) break;
  }
  totals.seconds = before + (performance.now() - started) / 1000;
  await db.transaction().execute(async (trx) => {
    await audit(trx, actor, 'source.retention_delete', { type: 'source', id: sourceId }, {
      days: source.retention_days, cutoff: totals.cutoff, records: totals.records, customersRemoved: totals.customersRemoved,
      customersRecomputed: totals.customersRecomputed, unlinkedRecords: totals.unlinkedRecords, batches: totals.batches,
      seconds: Number(totals.seconds.toFixed(1)), job: job.id,
    });
    totals.audited = true;
    await job.saveProgress(trx, { ...totals });
  });
  return totals;
}
