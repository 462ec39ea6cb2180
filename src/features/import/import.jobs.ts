/**
 * Imports in the background: the UI starts a job, gets its id at once and polls its progress (rows read, bytes of
 * the file, then the resolution phase) instead of holding one HTTP request open for minutes. Jobs live in this
 * process's memory (a job is one running promise); what lasts is the import run they write (GET /imports).
 */
import { randomUUID } from 'node:crypto';
import { AppError, type FieldError } from '../../app/errors.ts';
import type { Db } from '../../db/database.ts';
import { runImport, type ImportOptions, type ImportSummary } from './import.service.ts';

export interface ImportJob {
  id: string;
  userId: string | null;
  status: 'running' | 'completed' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  /**
   * Reading: rows and bytes of the file (a large file's first chunks are resolved meanwhile); resolving: every row is
   * staged, records resolved of those pending (in chunks).
   */
  progress: { phase: 'reading' | 'resolving'; rows: number; bytesRead: number; totalBytes: number; resolved: number; pending: number };
  summary: ImportSummary | null;
  error: { code: string; message: string; errors: FieldError[] } | null;
}

/** Finished jobs are kept this long for the poller, then forgotten (the run itself stays in import_runs). */
const KEEP_FINISHED_MS = 60 * 60 * 1000;
const jobs = new Map<string, ImportJob>();

function prune(now: number): void {
  for (const [id, job] of jobs) if (job.finishedAt && now - job.finishedAt.getTime() > KEEP_FINISHED_MS) jobs.delete(id);
}

/** Starts `runImport` without waiting. The upload stays, so a failed job can be run again. */
export function startImportJob(db: Db, options: Omit<ImportOptions, 'onProgress'>): ImportJob {
  prune(Date.now());
  const job: ImportJob = {
    id: randomUUID(),
    userId: options.actor.auth?.userId ?? null,
    status: 'running',
    startedAt: new Date(),
    finishedAt: null,
    progress: { phase: 'reading', rows: 0, bytesRead: 0, totalBytes: 0, resolved: 0, pending: 0 },
    summary: null,
    error: null,
  };
  jobs.set(job.id, job);
  const run = runImport(db, {
    ...options,
    onProgress: (p) => {
      job.progress = {
        phase: p.phase, rows: p.rows, bytesRead: p.bytesRead, totalBytes: p.totalBytes,
        resolved: p.resolved ?? job.progress.resolved, pending: p.pending ?? job.progress.pending,
      };
    },
  });
  run.then(
    (summary) => {
      job.summary = summary;
      job.progress = { ...job.progress, phase: 'resolving', rows: summary.read, bytesRead: job.progress.totalBytes };
      job.status = 'completed';
    },
    (error: unknown) => {
      job.status = 'failed';
      job.error = error instanceof AppError
        ? { code: error.code, message: error.message, errors: error.fieldErrors }
        : { code: 'internal', message: error instanceof Error ? error.message : String(error), errors: [] };
      if (!(error instanceof AppError)) console.error('import job failed', job.id, error);
    },
  ).finally(() => {
    job.finishedAt = new Date();
  });
  return job;
}

/** A job the user may see: their own (admins see every job). */
export function findImportJob(id: string, userId: string | null, isAdmin: boolean): ImportJob | null {
  const job = jobs.get(id);
  if (!job || (!isAdmin && job.userId !== userId)) return null;
  return job;
}
