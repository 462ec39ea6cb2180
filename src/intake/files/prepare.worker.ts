/** Worker thread of prepare-pool.ts: prepares staged rows (pure CPU) for the main thread to write. */
import { parentPort } from 'node:worker_threads';
import type { ImportProfile } from '../../domain/import/profile.ts';
import { prepareFileRows } from '../../resolution/stage-prepare.ts';

interface Job { id: number; rows: Array<{ line: number; values: Record<string, string> }>; profile: ImportProfile; sourceName: string }

// Loaded (with the TypeScript loader) and ready for work.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (job: Job) => {
  try {
    parentPort!.postMessage({ id: job.id, prepared: prepareFileRows(job.rows, job.profile, job.sourceName) });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
