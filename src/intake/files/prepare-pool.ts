/**
 * Prepares staged rows off the main thread. The main thread reads the file and writes to the database; preparing a
 * row (mapping, normalisation, the matcher's form, blocking keys) is pure CPU and runs in worker threads, so on the
 * embedded engine (which executes on the main thread) and on PostgreSQL alike the two overlap. Batches come back in
 * the order they were submitted. Small files, and machines where a worker cannot start, prepare in-thread: same code,
 * same result.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ImportProfile } from '../../domain/import/profile.ts';
import { prepareFileRows, type PreparedRow } from '../../resolution/stage-prepare.ts';
import { startTypeScriptWorker } from './worker-thread.ts';

type FileRows = Array<{ line: number; values: Record<string, string> }>;

export interface PreparePool {
  /** Whether rows are prepared beside the calling thread (worker threads) rather than in it. */
  readonly parallel: boolean;
  prepare(rows: FileRows): Promise<PreparedRow[]>;
  close(): Promise<void>;
}

/** In-thread preparation (small files, tests, fallback). */
export function inlinePool(profile: ImportProfile, sourceName: string): PreparePool {
  return {
    parallel: false,
    prepare: async (rows) => prepareFileRows(rows, profile, sourceName),
    close: async () => {},
  };
}

/**
 * Workers: DAICHO_IMPORT_WORKERS if set, else one fewer than the CPUs (the main thread and the database need one),
 * at least one, at most four.
 */
export function defaultWorkerCount(): number {
  const set = Number(process.env.DAICHO_IMPORT_WORKERS);
  if (Number.isInteger(set) && set >= 1) return Math.min(set, 16);
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

/**
 * A worker's heap. Preparing a batch needs a few MB, but unbounded V8 let a worker's heap grow to ~100 MB, and with the
 * embedded database in the same process every MB counts against the import's memory bound: with this bound (and
 * fewer batches prepared ahead) a 100k-row import on PGlite peaked at 901 instead of 977 MiB, in the same time. A
 * worker that runs out all the same (a file of very wide rows) costs speed, not the import: see openWorkerPool.
 */
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

export async function openWorkerPool(
  profile: ImportProfile, sourceName: string, size = defaultWorkerCount(), limits: typeof WORKER_LIMITS = WORKER_LIMITS,
): Promise<PreparePool> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < size; i++) workers.push(await startWorker(limits));
  } catch {
    // A worker that cannot start (a runtime without the TypeScript loader in workers) costs speed, not correctness.
    await Promise.all(workers.map((w) => w.terminate()));
    return inlinePool(profile, sourceName);
  }
  const inline = (rows: FileRows) => prepareFileRows(rows, profile, sourceName);
  const waiting = new Map<number, { rows: FileRows; worker: Worker; resolve: (rows: PreparedRow[]) => void; reject: (e: Error) => void }>();
  const alive = new Set(workers);
  let closing = false;
  for (const worker of workers) {
    worker.on('message', (msg: { id: number; prepared?: PreparedRow[]; error?: string }) => {
      const job = waiting.get(msg.id);
      if (!job) return;
      waiting.delete(msg.id);
      if (msg.error !== undefined) job.reject(new Error(`Preparing rows failed: ${msg.error}`));
      else job.resolve(msg.prepared!);
    });
    // A worker that dies (out of memory, or any crash) hands its unfinished batches to this thread, which prepares
    // them with the same code (same result); later batches go to the workers left, or are prepared here too.
    const lose = () => {
      if (!alive.delete(worker)) return;
      for (const [id, job] of waiting) {
        if (job.worker !== worker) continue;
        waiting.delete(id);
        try {
          job.resolve(inline(job.rows));
        } catch (error) {
          job.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    };
    worker.on('error', lose);
    worker.on('exit', () => { if (!closing) lose(); });
  }
  let next = 0;
  return {
    parallel: true,
    prepare(rows) {
      const id = next++;
      const live = [...alive];
      if (live.length === 0) return Promise.resolve().then(() => inline(rows));
      const worker = live[id % live.length]!;
      return new Promise((resolve, reject) => {
        waiting.set(id, { rows, worker, resolve, reject });
        worker.postMessage({ id, rows, profile, sourceName });
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function startWorker(limits: typeof WORKER_LIMITS): Promise<Worker> {
  return startTypeScriptWorker(new URL('./prepare.worker.ts', import.meta.url), { resourceLimits: limits });
}
