/**
 * The job worker: one per server process (`daicho serve` starts it with the handlers `src/app/jobs.ts` registers).
 * Each pass takes back the jobs of processes whose lease expired, then claims as many due jobs of its kinds as it
 * has free slots (FOR UPDATE SKIP LOCKED, so several processes on one PostgreSQL never take the same job), runs
 * them with a heartbeat that extends their lease, and completes or fails them (exponential backoff; dead after
 * max_attempts). It polls every `pollMs` and wakes at once when this process enqueues. stop() claims nothing more,
 * waits for the jobs in flight (their signal is aborted so long ones can stop at a safe point: one that then throws is
 * given back, not failed) and gives back those still running after its grace period, neither counting the attempt.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { errorText, log, scrub } from '../../core/logger.ts';
import { jobDuration, jobFailures, jobRuns } from '../../core/metrics.ts';
import type { Db } from '../../db/database.ts';
import * as repo from './jobs.repository.ts';
import { onEnqueued } from './jobs.service.ts';

export interface Job {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the worker stops or the job's lease was lost (another process took it): stop at a safe point. */
  signal: AbortSignal;
  /**
   * Records how far the job has got (counts and ids, never a personal value), readable by whoever polls the job in
   * any process. Written at most once a second; the last report is written before the job completes.
   */
  reportProgress: (progress: Record<string, unknown>) => void;
  /** The progress stored when the job was claimed: what an earlier attempt saved (saveProgress), or null. */
  progress: Record<string, unknown> | null;
  /**
   * Writes the progress now through `db` (the handler's transaction: it commits with the work it counts, so a retry
   * reads back exactly what was done). Throws when this worker no longer holds the job, rolling that work back.
   */
  saveProgress: (db: Db, progress: Record<string, unknown>) => Promise<void>;
}

/**
 * What a handler returns is kept as the job's result (counts and ids, never a personal value); nothing keeps none.
 */
export type JobHandler = (job: Job) => Promise<Record<string, unknown> | void>;

/**
 * A failure that retrying cannot mend (the job's input is wrong: a file that is not a table, a column the profile
 * names but the file lacks): the job goes to the dead-letter list at once, keeping `result` (what the handler says of
 * the failure, e.g. its field errors).
 */
export class FinalJobError extends Error {
  constructor(message: string, readonly result: Record<string, unknown> | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FinalJobError';
  }
}

/** Progress is written at most this often (the last report is written before the job completes). */
const PROGRESS_WRITE_MS = 1000;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface WorkerOptions {
  /** This worker's name in locked_by (default host:pid:random). */
  id?: string;
  /** Jobs run at once (default 3). */
  concurrency?: number;
  /** How often an idle worker looks for due jobs (default 2 s). */
  pollMs?: number;
  /** How long a claim holds a job without a heartbeat (default 120 s). */
  leaseSeconds?: number;
  /** How often a running job's lease is extended (default a third of the lease). */
  heartbeatMs?: number;
  /** Backoff after a failed attempt n: base·2^(n-1) seconds, at most max (defaults 30 s and 1 h). */
  backoffBaseSeconds?: number;
  backoffMaxSeconds?: number;
  /** How long stop() waits for jobs in flight before giving them back (default 30 s). */
  stopGraceMs?: number;
}

/** The error a job's last_error keeps: its message, scrubbed of e-mail addresses, phones and tokens, at most 500 characters. */
export function jobErrorText(error: unknown): string {
  return scrub(errorText(error)).slice(0, 500);
}

export class JobWorker {
  readonly id: string;
  private readonly kinds: string[];
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private readonly heartbeatMs: number;
  private readonly backoffBase: number;
  private readonly backoffMax: number;
  private readonly stopGraceMs: number;
  private readonly inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly db: Db, private readonly handlers: JobHandlers, options: WorkerOptions = {}) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.kinds = Object.keys(handlers);
    this.concurrency = options.concurrency ?? 3;
    this.pollMs = options.pollMs ?? 2000;
    this.leaseSeconds = options.leaseSeconds ?? 120;
    this.heartbeatMs = options.heartbeatMs ?? (this.leaseSeconds * 1000) / 3;
    this.backoffBase = options.backoffBaseSeconds ?? 30;
    this.backoffMax = options.backoffMaxSeconds ?? 3600;
    this.stopGraceMs = options.stopGraceMs ?? 30_000;
  }

  /** Seconds before attempt n+1 after attempt n failed. */
  backoffSeconds(attempt: number): number {
    return Math.min(this.backoffMax, this.backoffBase * 2 ** Math.max(0, attempt - 1));
  }

  /** Starts polling (once). */
  start(): void {
    if (this.loop) return;
    this.unsubscribe = onEnqueued(() => this.wake?.());
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          await this.pass();
        } catch (error) {
          log.error('job worker pass failed', { worker: this.id, error: errorText(error) });
        }
        if (this.stopping) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wake = () => { clearTimeout(timer); resolve(); };
        });
        this.wake = null;
      }
    })();
  }

  /**
   * One pass: expired leases taken back, then as many due jobs claimed as there are free slots, each started.
   * Returns how many were claimed (they run on; `drain` and `stop` wait for them).
   */
  async pass(): Promise<number> {
    if (this.stopping) return 0;
    // Never its own: this process is alive, and a job's heartbeat can wait behind a long transaction on PGlite's one
    // connection (the value recompute at 1M) without the job being lost; other processes' expired leases are taken.
    const reclaimed = await repo.reclaimExpiredJobs(this.db, { exceptWorker: this.id });
    if (reclaimed.failed + reclaimed.dead > 0) log.warn('jobs taken back from a stopped process', { failed: reclaimed.failed, dead: reclaimed.dead });
    const free = this.concurrency - this.inFlight.size;
    const claimed = await repo.claimJobs(this.db, this.id, this.kinds, free, this.leaseSeconds);
    for (const row of claimed) this.run(row);
    return claimed.length;
  }

  /** Runs passes until nothing is due and nothing runs (tests, the CLI). */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.pass();
      if (claimed === 0 && this.inFlight.size === 0) return;
      await Promise.race([...this.inFlight.values()].map((f) => f.done));
    }
  }

  /** Claims nothing more; waits for the jobs in flight up to the grace period, then gives the rest back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    for (const f of this.inFlight.values()) f.abort.abort();
    const settled = Promise.all([...this.inFlight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([settled.then(() => false), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), this.stopGraceMs); })]);
    clearTimeout(timer);
    if (!late) return;
    for (const id of this.inFlight.keys()) {
      if (await repo.releaseJob(this.db, id, this.id).catch(() => false)) {
        const kind = this.runningKinds.get(id) ?? 'unknown';
        jobRuns.inc({ kind, outcome: 'released' });
        log.warn('job given back at shutdown', { job: id, kind });
      }
    }
  }

  private readonly runningKinds = new Map<string, string>();

  private run(row: repo.JobRow): void {
    const abort = new AbortController();
    const handler = this.handlers[row.kind]!;
    this.runningKinds.set(row.id, row.kind);
    const heartbeat = setInterval(() => {
      repo.extendLease(this.db, row.id, this.id, this.leaseSeconds).then((held) => {
        if (!held) {
          log.warn('job lease lost: another process may have taken it', { job: row.id, kind: row.kind });
          abort.abort();
        }
      }, (error: unknown) => log.error('job heartbeat failed', { job: row.id, kind: row.kind, error: errorText(error) }));
    }, this.heartbeatMs);
    heartbeat.unref();
    const started = performance.now();
    // Progress: the latest report, written one at a time and at most once a PROGRESS_WRITE_MS.
    let pendingProgress: Record<string, unknown> | null = null;
    let progressWrite: Promise<void> = Promise.resolve();
    let lastProgressAt = 0;
    let progressTimer: NodeJS.Timeout | null = null;
    const writeProgress = () => {
      progressTimer = null;
      const progress = pendingProgress;
      if (progress === null) return;
      pendingProgress = null;
      lastProgressAt = performance.now();
      progressWrite = progressWrite.then(() => repo.setJobProgress(this.db, row.id, this.id, progress)).then(
        () => {},
        (error: unknown) => log.error('job progress could not be written', { job: row.id, kind: row.kind, error: errorText(error) }),
      );
    };
    const reportProgress = (progress: Record<string, unknown>) => {
      pendingProgress = progress;
      if (progressTimer) return;
      const wait = PROGRESS_WRITE_MS - (performance.now() - lastProgressAt);
      if (wait <= 0) writeProgress();
      else progressTimer = setTimeout(writeProgress, wait);
    };
    const saveProgress = async (db: Db, progress: Record<string, unknown>) => {
      if (!(await repo.setJobProgress(db, row.id, this.id, progress))) throw new Error(`job ${row.id}: this worker no longer holds it (its lease passed)`);
    };
    const done = (async () => {
      let failure: unknown = null;
      let result: Record<string, unknown> | null = null;
      try {
        result = (await handler({
          id: row.id, kind: row.kind, payload: row.payload, attempt: row.attempts, maxAttempts: row.max_attempts, signal: abort.signal, reportProgress,
          progress: row.progress, saveProgress,
        })) ?? null;
      } catch (error) {
        failure = error;
      } finally {
        clearInterval(heartbeat);
        if (progressTimer) clearTimeout(progressTimer);
        writeProgress();
        await progressWrite;
      }
      const seconds = (performance.now() - started) / 1000;
      jobDuration.observe({ job: row.kind }, seconds);
      try {
        if (failure === null) {
          if (await repo.completeJob(this.db, row.id, this.id, result)) jobRuns.inc({ kind: row.kind, outcome: 'done' });
          else log.warn('job finished after its lease was lost', { job: row.id, kind: row.kind });
          return;
        }
        // Stopped at a safe point because this process is stopping: given back, the attempt not counted.
        if (this.stopping && abort.signal.aborted) {
          if (await repo.releaseJob(this.db, row.id, this.id)) {
            jobRuns.inc({ kind: row.kind, outcome: 'released' });
            log.info('job stopped at shutdown and given back', { job: row.id, kind: row.kind });
          }
          return;
        }
        jobFailures.inc({ job: row.kind });
        const final = failure instanceof FinalJobError ? { result: failure.result } : null;
        const status = await repo.failJob(this.db, row.id, this.id, jobErrorText(failure), this.backoffSeconds(row.attempts), final);
        if (status) jobRuns.inc({ kind: row.kind, outcome: status });
        log.error(status === 'dead' ? 'job failed for the last time: dead' : 'job failed: it will be retried', {
          job: row.id, kind: row.kind, attempt: row.attempts, maxAttempts: row.max_attempts, error: errorText(failure),
        });
      } catch (error) {
        log.error('job state could not be written', { job: row.id, kind: row.kind, error: errorText(error) });
      }
    })().finally(() => {
      this.inFlight.delete(row.id);
      this.runningKinds.delete(row.id);
      // A slot is free: look again at once.
      this.wake?.();
    });
    this.inFlight.set(row.id, { done, abort });
  }
}
