/**
 * The import wizard's background work: an import, and the validation of a file before it (both read the whole file,
 * minutes for a million rows).
 *
 * An import is a job of the shared queue (src/platform/jobs, kind `import.run`): the server process that claims it
 * (FOR UPDATE SKIP LOCKED) runs it in its job thread and writes its progress and summary to the job, so the wizard
 * polls the same answer whichever process runs it, and an import whose process was killed is taken again when its
 * lease runs out. A retried import lands every good row once: the import is idempotent (source + id column), its
 * committed batches are found unchanged. What lasts of an import is the run it writes (GET /imports).
 *
 * A validation writes nothing: it stays a job of this process's memory (background-jobs.ts) that the UI polls.
 */
import type { Actor, AuthContext } from '../../core/context.ts';
import { AppError, type FieldError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { parseImportProfile, profileToJson, type ImportProfile } from '../../domain/import/profile.ts';
import { actorFromPayload, actorPayload, enqueueJob, findJob, type ActorLookup, type ActorPayload, type JobView } from '../../platform/jobs/jobs.service.ts';
import { FinalJobError, type Job } from '../../platform/jobs/worker.ts';
import { jobStore, type BackgroundJob } from './background-jobs.ts';
import type { ImportSummary } from './import.service.ts';
import type { ImportJobView } from './import.schemas.ts';
import { importInThread, validateInThread, type ValidationInput } from './job-thread.ts';
import { isOwnOrAdmin } from './owner.ts';
import { findUpload, type StoredUpload } from './uploads.ts';
import type { ValidationProgress, ValidationReport } from './validate.service.ts';

export const IMPORT_JOB = 'import.run';

/**
 * Reading: rows and bytes of the file (a large file's first chunks are resolved meanwhile); resolving: every row is
 * staged, records resolved of those pending (in chunks).
 */
export type ImportProgress = { phase: 'reading' | 'resolving'; rows: number; bytesRead: number; totalBytes: number; resolved: number; pending: number };
export type ValidationJob = BackgroundJob<ValidationProgress, ValidationReport>;

const INITIAL_PROGRESS: ImportProgress = { phase: 'reading', rows: 0, bytesRead: 0, totalBytes: 0, resolved: 0, pending: 0 };

/** What an import job carries: the upload, the profile (column names and options) and who asked (ids, no values). */
interface ImportPayload extends ActorPayload {
  uploadId: string;
  fileName: string;
  profile: unknown;
}

/**
 * Queues an import of an upload with a profile (the caller checked the target). The upload stays, so a failed job can
 * be run again; uploads expire after a day (uploads.ts).
 */
export async function enqueueImport(db: Db, upload: StoredUpload, profile: ImportProfile, actor: Actor): Promise<ImportJobView> {
  const payload: ImportPayload = { uploadId: upload.id, fileName: upload.fileName, profile: profileToJson(profile), ...actorPayload(actor) };
  const { id } = await enqueueJob(db, IMPORT_JOB, { payload: payload as unknown as Record<string, unknown> });
  return (await findImportJob(db, id, actor.auth))!;
}

/** An import job the signed-in user may see (their own; admins every one), or null (also for a job of another kind). */
export async function findImportJob(db: Db, id: string, auth: AuthContext | null): Promise<ImportJobView | null> {
  const job = await findJob(db, id);
  if (!job || job.kind !== IMPORT_JOB) return null;
  const payload = job.payload as Partial<ImportPayload>;
  if (!isOwnOrAdmin(payload.userId ?? null, auth)) return null;
  return importJobView(job);
}

const isFieldErrors = (v: unknown): v is FieldError[] => Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null && 'field' in e && 'message' in e);

/** The wizard's view of an import job: running until it is done (completed) or dead (failed). */
function importJobView(job: JobView): ImportJobView {
  const status = job.status === 'done' ? 'completed' : job.status === 'dead' ? 'failed' : 'running';
  const stored = job.result?.error as { code?: unknown; message?: unknown; errors?: unknown } | undefined;
  const error = status !== 'failed' ? null : stored && typeof stored.code === 'string' && typeof stored.message === 'string'
    ? { code: stored.code, message: stored.message, errors: isFieldErrors(stored.errors) ? stored.errors : [] }
    : { code: 'internal', message: job.lastError ?? 'The import failed', errors: [] };
  return {
    id: job.id, status, startedAt: job.startedAt ?? job.createdAt, finishedAt: status === 'running' ? null : job.finishedAt ?? job.updatedAt,
    progress: { ...INITIAL_PROGRESS, ...(job.progress as Partial<ImportProgress> | null) },
    summary: status === 'completed' ? job.result as unknown as ImportSummary : null,
    error,
    queue: { status: job.status, attempts: job.attempts, maxAttempts: job.maxAttempts, lastError: job.lastError },
  };
}

/**
 * The `import.run` job: runs the import in the job thread, reporting its progress to the job; returns the summary.
 * A failure retrying cannot mend (the upload expired, the profile names a column the file lacks, the user is gone)
 * is final, with its reason and field errors kept for the wizard.
 */
export async function runImportJob(db: Db, job: Job, lookupActor: ActorLookup): Promise<Record<string, unknown>> {
  const payload = job.payload as Partial<ImportPayload>;
  // The dead-letter list shows the message: it names the field errors too (a column the file lacks).
  const final = (error: AppError) => new FinalJobError(
    [error.message, ...error.fieldErrors.map((e) => `${e.field}: ${e.message}`)].join('; '),
    { error: { code: error.code, message: error.message, errors: error.fieldErrors } }, { cause: error },
  );
  if (typeof payload.uploadId !== 'string') throw final(new AppError('bad_request', `import job ${job.id}: no upload in its payload`));
  const upload = findUpload(payload.uploadId);
  if (!upload) {
    throw final(new AppError('not_found', `アップロードされたファイル (${payload.fileName ?? payload.uploadId}) がもうありません。ファイルをもう一度アップロードしてください (the upload expired or was removed; upload the file again)`));
  }
  let profile: ImportProfile;
  try {
    profile = parseImportProfile(payload.profile);
  } catch (error) {
    throw final(new AppError('validation_failed', `import job ${job.id}: the profile is invalid (${error instanceof Error ? error.message : String(error)})`));
  }
  const actor = await actorFromPayload(payload, lookupActor);
  if (!actor) throw final(new AppError('forbidden', `import job ${job.id}: the user who started it no longer exists or is disabled`));
  let last = INITIAL_PROGRESS;
  try {
    const summary = await importInThread(db, { filePath: upload.filePath, profile, actor }, (p) => {
      last = {
        phase: p.phase, rows: p.rows, bytesRead: p.bytesRead, totalBytes: p.totalBytes,
        resolved: p.resolved ?? last.resolved, pending: p.pending ?? last.pending,
      };
      job.reportProgress(last);
    }, job.signal);
    job.reportProgress({ ...last, phase: 'resolving', rows: summary.read, bytesRead: last.totalBytes });
    return summary as unknown as Record<string, unknown>;
  } catch (error) {
    // Refused input (AppError other than internal) stays refused on a retry; anything else (the database went away,
    // the process stopped) is retried, and the retry skips what was committed.
    if (error instanceof AppError && error.code !== 'internal') throw final(error);
    throw error;
  }
}

const validations = jobStore<ValidationProgress, ValidationReport>('validation');

/** Starts a validation in the job thread without waiting; it stops at the next batch of rows when cancelled. */
export function startValidationJob(db: Db, options: ValidationInput, userId: string | null): ValidationJob {
  return validations.start(userId, { rows: 0, bytesRead: 0, totalBytes: 0 }, (report, signal) => validateInThread(db, options, report, signal));
}

export const findValidationJob = validations.find;
export const cancelValidationJob = validations.cancel;
