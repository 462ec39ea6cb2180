/**
 * Prepares staged rows off the main thread. The main thread reads the file and writes to the database; preparing a
 * row (mapping, normalisation, the matcher's form, blocking keys) is pure CPU and runs in worker threads, so on the
 * embedded engine (which executes on the main thread) and on PostgreSQL alike the two overlap. Batches come back in
 * the order they were submitted. Small files, and machines where a worker cannot start, prepare in-thread: same code,
 * same result.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ImportProfile } from '../../domain/import/profile.ts';
import { prepareFileRows, type PreparedRow } from './stage-prepare.ts';

const TSX_API = import.meta.resolve('tsx/esm/api');

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

export async function openWorkerPool(profile: ImportProfile, sourceName: string, size = defaultWorkerCount()): Promise<PreparePool> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < size; i++) workers.push(await startWorker());
  } catch {
    // A worker that cannot start (a runtime without the TypeScript loader in workers) costs speed, not correctness.
    await Promise.all(workers.map((w) => w.terminate()));
    return inlinePool(profile, sourceName);
  }
  const waiting = new Map<number, { resolve: (rows: PreparedRow[]) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  let closing = false;
  for (const worker of workers) {
    worker.on('message', (msg: { id: number; prepared?: PreparedRow[]; error?: string }) => {
      const job = waiting.get(msg.id);
      if (!job) return;
      waiting.delete(msg.id);
      if (msg.error !== undefined) job.reject(new Error(`Preparing rows failed: ${msg.error}`));
      else job.resolve(msg.prepared!);
    });
    const fail = (error: Error) => {
      failure = error;
      for (const job of waiting.values()) job.reject(error);
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => { if (!closing) fail(new Error(`prepare worker exited with ${code}`)); });
  }
  let next = 0;
  return {
    parallel: true,
    prepare(rows) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      const worker = workers[id % workers.length]!;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, rows, profile, sourceName });
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript like the rest. Node 20 loads a worker's entry before --import hooks apply, so a small
    // script registers tsx in the worker first, then imports the worker module.
    const entry = new URL('./prepare.worker.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(code, { eval: true, execArgv: [] });
    const fail = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
    worker.once('message', () => { worker.off('error', fail); resolve(worker); });
    worker.once('error', fail);
    worker.once('exit', (code) => reject(new Error(`prepare worker exited with ${code}`)));
  });
}
