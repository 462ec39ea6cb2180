/**
 * Worker threads that run this project's TypeScript. Node 20 loads a worker's entry before --import hooks apply, so a
 * small script registers tsx in the worker first, then imports the module; the module posts one message when it is
 * loaded and ready for work, and the promise resolves with the worker then.
 */
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

const TSX_API = import.meta.resolve('tsx/esm/api');

export function startTypeScriptWorker(
  entry: URL, options: { resourceLimits?: ResourceLimits; workerData?: unknown; transferList?: readonly Transferable[] } = {},
): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const code = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
    const worker = new Worker(code, {
      eval: true, execArgv: [], ...options, transferList: options.transferList ? [...options.transferList] : [],
    });
    const fail = (error: unknown) => reject(error instanceof Error ? error : new Error(String(error)));
    worker.once('message', () => { worker.off('error', fail); resolve(worker); });
    worker.once('error', fail);
    worker.once('exit', (code) => reject(new Error(`${entry.pathname} worker exited with ${code}`)));
  });
}
