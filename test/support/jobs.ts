import { jobHandlers, type JobDeps } from '../../src/app/jobs.ts';
import { JobWorker } from '../../src/platform/jobs/worker.ts';

/** Runs every due background job with the app's handlers until none is left, as a server's worker would. */
export async function drainJobs(deps: JobDeps): Promise<void> {
  await new JobWorker(deps.handle.db, jobHandlers(deps), { id: 'test-worker' }).drain();
}
