/** The import's background jobs (validation, import) as the wizard follows them. */
import { ApiError, type ImportJob } from '../../api.ts';

/** Polls a background job every `ms` until it stops running; `onUpdate` sees every state, the first included. */
export async function pollJob<J extends { id: string; status: string }>(started: J, get: (id: string) => Promise<J>, onUpdate: (job: J) => void, ms: number): Promise<J> {
  let job = started;
  onUpdate(job);
  while (job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, ms));
    job = await get(job.id);
    onUpdate(job);
  }
  return job;
}

/** A failed job's error as the page shows errors: a profile problem (field errors) as a 400, anything else as a 500. */
export function jobFailure(job: { error: ImportJob['error'] }, fallback: string): ApiError {
  return new ApiError(job.error?.code === 'validation_failed' ? 400 : 500, job.error?.code ?? 'internal', job.error?.message ?? fallback, job.error?.errors ?? []);
}
