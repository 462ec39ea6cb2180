/**
 * The background jobs' wiring (src/platform/jobs): which handler runs each kind, and what the server's minute pass
 * queues. Lower layers enqueue by kind and never import this; `daicho serve` starts a worker with these handlers, and
 * tests drain one. A kind a process has no handler for (a scheduled backup without DAICHO_BACKUP_DIR) is left to the
 * processes that have one.
 */
import path from 'node:path';
import { log } from '../core/logger.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { IMPORT_JOB, runImportJob } from '../intake/files/import.jobs.ts';
import { DISCLOSURE_JOB, generateDisclosure } from '../ledger/privacy/disclosure.service.ts';
import { RETENTION_JOB, runRetentionDelete } from '../ledger/privacy/retention.service.ts';
import { authOfUser } from '../platform/accounts/auth.service.ts';
import { enqueueQualityPassIfDue, QUALITY_JOB, recomputeQualityIfDue } from '../ledger/quality/quality.service.ts';
import { rebuildCustomerFacts, rebuildCustomerFunnel } from '../ledger/customers/customers.service.ts';
import { enqueueSourceRecomputes, runSourceRecomputeJob, SOURCE_RECOMPUTE_JOB } from '../ledger/sources/recompute.service.ts';
import { enqueueValuesRecomputeIfDue, recomputeValuesIfStale, refreshOrderTotalsKeys, VALUES_JOB } from '../ledger/values/values.service.ts';
import { rebuildRecordRollups } from '../resolution/resolver.ts';
import { purgeDoneJobs } from '../platform/jobs/jobs.repository.ts';
import type { Job, JobHandler, JobHandlers } from '../platform/jobs/worker.ts';
import { BACKUP_JOB, enqueueScheduledBackupIfDue, runScheduledBackup, type BackupSchedule } from '../platform/operations/backup-schedule.service.ts';
import { CAMPAIGN_PREPARE_JOB, CAMPAIGN_SEND_JOB } from '../use/campaigns/campaign-jobs.ts';
import { prepareCampaignJob } from '../use/campaigns/prepare.service.ts';
import { sendCampaignJob, type CampaignSender } from '../use/campaigns/send.service.ts';
import { enqueueRecommendRunIfDue, RECOMMEND_JOB, runRecommendJob } from '../use/recommend/recommend.service.ts';
import { refreshDueSegments, refreshSegmentJob, SEGMENT_REFRESH_JOB } from '../use/segments/segments.service.ts';
import { privacyParts } from './privacy-parts.ts';

export interface JobDeps {
  handle: DatabaseHandle;
  backupSchedule?: BackupSchedule | undefined;
  /** This process's campaign sender (`campaign.send`); without one, sending is left to the processes that have one. */
  campaignSender?: CampaignSender | undefined;
  /** Campaign claims (a preparation, messages) not beaten for this long belong to a process that stopped (default 120 s). */
  staleAfterMs?: number | undefined;
}

/** Done jobs are kept this many days for the admin page, then deleted by the minute pass. */
export const DONE_JOBS_KEPT_DAYS = 7;

function stringField(job: Job, field: string): string {
  const value = job.payload[field];
  if (typeof value !== 'string' || value === '') throw new Error(`job ${job.kind} ${job.id}: payload.${field} is missing`);
  return value;
}

export function jobHandlers(deps: JobDeps): JobHandlers {
  const { handle } = deps;
  const db = handle.db;
  const parts = privacyParts();
  const lookupActor = (userId: string, apiKeyId: string | null) => authOfUser(db, userId, apiKeyId);
  /**
   * The daily rescore (RFM recency moves with the calendar), then the dashboards' customer facts rebuilt from the
   * customers table and the records' rollups (first touches, sources, joined flags). Another process holding the recompute (a person's 再計算)
   * throws, so the job is retried; a retry after today's values landed only rebuilds the facts.
   */
  async function recomputeValuesJob(job: Job): Promise<Record<string, unknown>> {
    job.reportProgress({ phase: 'values' });
    const run = await recomputeValuesIfStale(db);
    if (run?.skipped) throw new Error('顧客価値を別のプロセスが再計算中です (another process is recomputing customer values; retried later)');
    if (run) log.info('customer values recomputed', { asOf: run.asOf, buyers: run.customers, seconds: run.seconds });
    job.reportProgress({ phase: 'facts' });
    await rebuildCustomerFacts(db);
    job.reportProgress({ phase: 'funnel' });
    await rebuildCustomerFunnel(db);
    job.reportProgress({ phase: 'record_rollups' });
    await rebuildRecordRollups(db);
    // The keys and sources beside the order totals are copies of the facts and of the records' rollups: put right
    // after both.
    await refreshOrderTotalsKeys(db, null);
    return run
      ? { asOf: run.asOf, buyers: run.customers, seconds: Number(run.seconds.toFixed(1)), ...(run.modelError ? { modelError: run.modelError } : {}) }
      : { upToDate: true };
  }
  const handlers: Record<string, JobHandler> = {
    [QUALITY_JOB]: async (job) => {
      const q = await recomputeQualityIfDue(db, { force: job.payload.force === true });
      if (q) log.info('data quality pass done', { customers: q.customers, seconds: Number(q.seconds.toFixed(1)) });
    },
    [SEGMENT_REFRESH_JOB]: (job) => refreshSegmentJob(db, stringField(job, 'segmentId')),
    [DISCLOSURE_JOB]: (job) => generateDisclosure(db, stringField(job, 'reportId'), parts),
    [CAMPAIGN_PREPARE_JOB]: (job) => prepareCampaignJob(db, { ...job, campaignId: stringField(job, 'campaignId') }, deps.staleAfterMs ?? 120_000),
    [IMPORT_JOB]: (job) => runImportJob(db, job, lookupActor),
    [RETENTION_JOB]: async (job) => ({ ...await runRetentionDelete(db, job, lookupActor, parts) }),
    [VALUES_JOB]: (job) => recomputeValuesJob(job),
    [RECOMMEND_JOB]: async (job) => {
      const r = await runRecommendJob(db, (p) => job.reportProgress({ ...p }));
      if (!r.upToDate) log.info('cross-sell candidates computed', { buyers: r.buyers, seconds: r.seconds });
      return r;
    },
    [SOURCE_RECOMPUTE_JOB]: (job) => runSourceRecomputeJob(db, stringField(job, 'sourceId'), (p) => job.reportProgress({ ...p })),
  };
  const sender = deps.campaignSender;
  if (sender) handlers[CAMPAIGN_SEND_JOB] = (job) => sendCampaignJob(sender, { campaignId: stringField(job, 'campaignId'), signal: job.signal });
  const schedule = deps.backupSchedule;
  if (schedule) {
    handlers[BACKUP_JOB] = async () => {
      // Its duration is observed by the worker, as every job's is (by kind).
      const done = await runScheduledBackup(handle, schedule);
      if (done) {
        log.info('scheduled backup written', { file: done.backup.filePath, format: done.backup.format, bytes: done.backup.bytes, seconds: done.backup.seconds, rotated: done.rotated.length });
      }
      // The file's name (in the operator's folder, nothing personal) for the ジョブ page; none when it was not due.
      return done ? { file: path.basename(done.backup.filePath), format: done.backup.format, bytes: done.backup.bytes, rotated: done.rotated.length } : { upToDate: true };
    };
  }
  return handlers;
}

/**
 * The minute pass's queueing: today's customer-value recompute and quality pass, the daily cross-sell run, the
 * survivorship recomputes still running, a due scheduled backup and the due segment refreshes become jobs (each
 * idempotent by its dedupe key, so several servers looking at once queue one); old done jobs are purged.
 */
export async function enqueueDueJobs(deps: JobDeps, now: Date = new Date()): Promise<void> {
  const db = deps.handle.db;
  await enqueueValuesRecomputeIfDue(db, now);
  await enqueueSourceRecomputes(db);
  await enqueueRecommendRunIfDue(db, now);
  await enqueueQualityPassIfDue(db, now);
  if (deps.backupSchedule) await enqueueScheduledBackupIfDue(db, deps.backupSchedule, now);
  await refreshDueSegments(db, now);
  await purgeDoneJobs(db, DONE_JOBS_KEPT_DAYS);
}
