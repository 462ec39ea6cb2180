/**
 * Work that takes minutes (an import, the validation of a large file) runs in the background: the UI starts a job,
 * gets its id at once and polls its progress instead of holding one HTTP request open. Jobs live in this process's
 * memory (a job is one running promise); what lasts is what the work itself writes (an import run, for instance).
 * One store per kind of job, so an import job id never answers as a validation and the reverse.
 */
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../../core/context.ts';
import { AppError, describeError, type FieldError } from '../../core/errors.ts';
import { isOwnOrAdmin } from './owner.ts';

export interface BackgroundJob<P, R> {
  id: string;
  userId: string | null;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: Date;
  finishedAt: Date | null;
  progress: P;
  result: R | null;
  error: { code: string; message: string; errors: FieldError[] } | null;
}

/** Thrown by work that saw its signal aborted: the job ends as 'cancelled', not 'failed'. */
export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Finished jobs are kept this long for the poller, then forgotten. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;

export function jobStore<P, R>(label: string) {
  const jobs = new Map<string, { job: BackgroundJob<P, R>; abort: AbortController }>();
  const prune = (now: number) => {
    for (const [id, { job }] of jobs) if (job.finishedAt && now - job.finishedAt.getTime() > KEEP_FINISHED_MS) jobs.delete(id);
  };
  /** A job the signed-in user may see: their own (admins see every job). */
  const visible = (id: string, auth: AuthContext | null) => {
    const entry = jobs.get(id);
    return entry && isOwnOrAdmin(entry.job.userId, auth) ? entry : null;
  };
  return {
    /**
     * Starts `work` without waiting for it. It reports progress through `report` (the job keeps the last report) and
     * should stop at the signal by throwing JobCancelled.
     */
    start(userId: string | null, initial: P, work: (report: (p: P) => void, signal: AbortSignal) => Promise<R>): BackgroundJob<P, R> {
      prune(Date.now());
      const job: BackgroundJob<P, R> = {
        id: randomUUID(), userId, status: 'running', startedAt: new Date(), finishedAt: null, progress: initial, result: null, error: null,
      };
      const abort = new AbortController();
      jobs.set(job.id, { job, abort });
      work((p) => { job.progress = p; }, abort.signal).then(
        (result) => {
          job.result = result;
          job.status = 'completed';
        },
        (error: unknown) => {
          if (error instanceof JobCancelled) {
            job.status = 'cancelled';
            return;
          }
          job.status = 'failed';
          job.error = error instanceof AppError
            ? { code: error.code, message: error.message, errors: error.fieldErrors }
            : { code: 'internal', message: error instanceof Error ? error.message : String(error), errors: [] };
          if (!(error instanceof AppError)) console.error(`${label} job ${job.id} failed: ${describeError(error)}`);
        },
      ).finally(() => {
        job.finishedAt = new Date();
      });
      return job;
    },
    /** The job, if the signed-in user may see it. */
    find(id: string, auth: AuthContext | null): BackgroundJob<P, R> | null {
      return visible(id, auth)?.job ?? null;
    },
    /** Asks a running job the user may see to stop (it ends as 'cancelled' at its next check); the job, or null. */
    cancel(id: string, auth: AuthContext | null): BackgroundJob<P, R> | null {
      const entry = visible(id, auth);
      if (entry?.job.status === 'running') entry.abort.abort();
      return entry?.job ?? null;
    },
  };
}
