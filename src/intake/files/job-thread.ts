/**
 * The server's long work (an import: reading, preparing, identity resolution, golden records; the validation of a
 * whole file) runs in a worker thread of its own, not on the thread that answers requests: a 100k-row import kept the
 * request loop busy for a minute, and every read waited behind it. The job thread runs below the request loop's
 * priority (nice, per thread on Linux), so on a machine whose cores are all busy the requests are served first.
 *
 * PostgreSQL: the thread opens a small pool of its own. PGlite lives in this thread and cannot be opened twice: the
 * job thread's statements come here over a database port (database-port.ts) and take turns on its one connection.
 *
 * DAICHO_JOB_THREADS=0 runs the work on the calling thread instead (and so does a runtime where the thread cannot
 * start): same code, same result.
 */
import type { MessagePort } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { AppError, type ErrorCode, type FieldError } from '../../core/errors.ts';
import { postgresUrlOf, type Db } from '../../db/database.ts';
import { serveDatabasePort } from '../../db/database-port.ts';
import { JobCancelled } from './background-jobs.ts';
import { runImport, type ImportOptions, type ImportSummary } from './import.service.ts';
import { validateImport, type ValidationProgress, type ValidationReport } from './validate.service.ts';
import { startTypeScriptWorker } from './worker-thread.ts';

export type ImportInput = Omit<ImportOptions, 'onProgress'>;
export type ValidationInput = Omit<Parameters<typeof validateImport>[1], 'onProgress' | 'signal'>;
type ImportProgressReport = Parameters<NonNullable<ImportOptions['onProgress']>>[0];

/** What the job thread is asked to do (job.worker.ts runs it). */
export type JobRequest = { kind: 'import'; input: ImportInput } | { kind: 'validate'; input: ValidationInput };

/** What the job thread sends back. */
export type JobMessage =
  | { ready: true }
  | { progress: unknown }
  | { result: unknown }
  | { error: { kind: 'app'; code: ErrorCode; message: string; fieldErrors: FieldError[] } | { kind: 'cancelled' } | { kind: 'other'; message: string; name: string } };

/** The database the job thread uses: a PostgreSQL URL, or a port to this thread's PGlite. */
export type JobDatabase = { url: string } | { port: MessagePort };

export interface JobWorkerData { request: JobRequest; database: JobDatabase; setup: string | null }

/**
 * A module the job thread imports before its work, for what the process's start did that a thread does not inherit
 * (its module state is its own): the app's merge listeners, which an import needs when its records tie two existing
 * customers (src/resolution/resolver.ts merges them). Set by createApp; intake cannot import the app itself.
 */
let threadSetup: string | null = null;

export function setJobThreadSetup(moduleUrl: URL): void {
  threadSetup = moduleUrl.href;
}

/**
 * Runs an import in the job thread (or here, see above); progress as runImport reports it. At the signal (the job
 * queue's worker stops, or lost the job to another process) the thread is stopped where it is, as a killed process
 * would be: its open batch is rolled back, and a re-run lands the rest (an import is idempotent). On the calling
 * thread (DAICHO_JOB_THREADS=0) the signal is not heard: the import runs to its end.
 */
export function importInThread(db: Db, input: ImportInput, onProgress?: (p: ImportProgressReport) => void, signal?: AbortSignal): Promise<ImportSummary> {
  return inThread(db, { kind: 'import', input }, (p) => onProgress?.(p as ImportProgressReport), signal,
    () => runImport(db, { ...input, ...(onProgress ? { onProgress } : {}) }));
}

/** Validates a file in the job thread (or here); stops at the signal (JobCancelled). */
export function validateInThread(db: Db, input: ValidationInput, onProgress?: (p: ValidationProgress) => void, signal?: AbortSignal): Promise<ValidationReport> {
  return inThread(db, { kind: 'validate', input }, (p) => onProgress?.(p as ValidationProgress), signal,
    () => validateImport(db, { ...input, ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) }));
}

async function inThread<R>(db: Db, request: JobRequest, onProgress: (p: unknown) => void, signal: AbortSignal | undefined, here: () => Promise<R>): Promise<R> {
  if (process.env.DAICHO_JOB_THREADS === '0') return here();
  const url = postgresUrlOf(db);
  const channel = url === undefined ? new MessageChannel() : null;
  const stopServing = channel ? serveDatabasePort(db, channel.port1) : async () => {};
  const database: JobDatabase = url !== undefined ? { url } : { port: channel!.port2 };
  let worker;
  try {
    worker = await startTypeScriptWorker(new URL('./job.worker.ts', import.meta.url), {
      workerData: { request, database, setup: threadSetup } satisfies JobWorkerData,
      ...(channel ? { transferList: [channel.port2] } : {}),
    });
  } catch {
    await stopServing();
    return here(); // no worker threads here: the same work on this thread
  }
  const thread = worker;
  // A validation stops at its next batch of rows; an import is stopped at once (the promise below rejects, and the
  // thread is terminated in `finally`).
  let stopImport: (() => void) | null = null;
  const cancel = () => (request.kind === 'import' ? stopImport?.() : thread.postMessage('cancel'));
  // A stop asked while the thread was starting is passed on now; later ones as they come.
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await new Promise<R>((resolve, reject) => {
      stopImport = () => reject(new JobCancelled());
      if (signal?.aborted && request.kind === 'import') stopImport();
      thread.on('message', (message: JobMessage) => {
        if ('progress' in message) onProgress(message.progress);
        else if ('result' in message) resolve(message.result as R);
        else if ('error' in message) reject(rebuildError(message.error));
      });
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the job thread stopped (exit code ${code}) before it finished`)));
    });
  } finally {
    signal?.removeEventListener('abort', cancel);
    await thread.terminate();
    await stopServing();
  }
}

function rebuildError(error: Extract<JobMessage, { error: unknown }>['error']): Error {
  if (error.kind === 'app') return new AppError(error.code, error.message, error.fieldErrors);
  if (error.kind === 'cancelled') return new JobCancelled();
  return Object.assign(new Error(error.message), { name: error.name });
}
