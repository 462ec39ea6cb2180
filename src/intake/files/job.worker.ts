/** The job thread of job-thread.ts: runs one import or validation on its own database handle, then exits. */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../core/errors.ts';
import { openPostgres, type Db } from '../../db/database.ts';
import { openDatabasePort } from '../../db/database-port.ts';
import { JobCancelled } from './background-jobs.ts';
import { runImport } from './import.service.ts';
import type { JobMessage, JobWorkerData } from './job-thread.ts';
import { validateImport } from './validate.service.ts';

/**
 * Below the request loop: on Linux a thread's nice value is its own, so the server's thread (and its requests) gets
 * the cores first when both want them; the prepare workers this thread starts inherit it.
 */
const JOB_NICE = 10;
/** Connections of the job thread's own PostgreSQL pool: staging, a chunk resolved beside it, the search index merge. */
const JOB_POOL_SIZE = 4;

const { request, database, setup } = workerData as JobWorkerData;
if (setup) await import(setup);
const send = (message: JobMessage) => parentPort!.postMessage(message);
try {
  os.setPriority(JOB_NICE);
} catch {
  // Not allowed here (some containers): the work runs at the server's priority.
}
const abort = new AbortController();
parentPort!.on('message', (message: unknown) => { if (message === 'cancel') abort.abort(); });

const handle = 'url' in database ? await openPostgres(database.url, JOB_POOL_SIZE) : null;
const db: Db = handle ? handle.db : openDatabasePort((database as { port: import('node:worker_threads').MessagePort }).port);
send({ ready: true });
try {
  const result = request.kind === 'import'
    ? await runImport(db, { ...request.input, onProgress: (progress) => send({ progress }) })
    : await validateImport(db, { ...request.input, onProgress: (progress) => send({ progress }), signal: abort.signal });
  send({ result });
} catch (error) {
  send({
    error: error instanceof AppError ? { kind: 'app', code: error.code, message: error.message, fieldErrors: error.fieldErrors }
      : error instanceof JobCancelled ? { kind: 'cancelled' }
        : { kind: 'other', message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' },
  });
} finally {
  if (handle) await handle.close();
  else await db.destroy();
}
