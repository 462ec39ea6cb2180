import type { ChildProcess } from 'node:child_process';

/**
 * Waits until a child process prints a line matching `pattern` (stdout or stderr) and returns the match; rejects
 * with everything it printed if it exits first. No deadline of its own: how long a start takes depends on how busy
 * the machine is, and the test runner's timeout is the bound.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const check = () => {
      const match = pattern.exec(output);
      if (!match) return;
      stop();
      resolve(match);
    };
    const onData = (chunk: Buffer | string) => {
      output += chunk.toString();
      check();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      stop();
      reject(new Error(`The process exited (${signal ?? `code ${code}`}) before printing ${pattern}:\n${output}`));
    };
    const stop = () => {
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  });
}

/** Resolves when the child has exited (at once if it already has), with its exit code or signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
