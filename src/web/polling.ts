/**
 * Polling while something runs in the background (a recompute, a quality pass, a recommendation run): one tick every
 * `intervalMs`, the next one scheduled only once the previous tick has settled (a slow answer never stacks requests),
 * and none while the tab is hidden (a tick at once when it shows again).
 */
import { useEffect, useRef } from 'react';

/** What polling needs of the page: document in the browser, a stand-in in tests. */
export interface VisibilitySource {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** Starts polling `tick`; returns what stops it. A tick that throws or rejects does not stop the polling. */
export function startPolling(tick: () => unknown, intervalMs: number, page: VisibilitySource): () => void {
  let stopped = false;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    timer = undefined;
    if (!stopped && !running && page.visibilityState !== 'hidden') timer = setTimeout(run, delayMs);
  };
  const run = () => {
    timer = undefined;
    running = true;
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(tick());
    } catch {
      settled = Promise.resolve();
    }
    void settled.catch(() => undefined).then(() => {
      running = false;
      schedule(intervalMs);
    });
  };
  const onVisibility = () => {
    if (page.visibilityState === 'hidden') {
      clearTimeout(timer);
      timer = undefined;
    } else {
      schedule(0);
    }
  };
  page.addEventListener('visibilitychange', onVisibility);
  schedule(intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
    page.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * Calls `tick` every `intervalMs` while `active` (the latest `tick` of the component: it may read fresh state), the
 * first time one interval after `active` turns true. Stops when `active` turns false or the component goes.
 */
export function usePolling(tick: () => unknown, intervalMs: number, active: boolean): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    return startPolling(() => latest.current(), intervalMs, document);
  }, [active, intervalMs]);
}
