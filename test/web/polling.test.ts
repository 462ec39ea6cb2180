import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { startPolling, type VisibilitySource } from '../../src/web/polling.ts';

/** A page whose visibility the test sets. */
function fakePage(): VisibilitySource & { show: (visible: boolean) => void; listeners: () => number } {
  let state: DocumentVisibilityState = 'visible';
  const listeners = new Set<() => void>();
  return {
    get visibilityState() { return state; },
    addEventListener: (_type, listener) => { listeners.add(listener); },
    removeEventListener: (_type, listener) => { listeners.delete(listener); },
    show: (visible) => { state = visible ? 'visible' : 'hidden'; for (const l of [...listeners]) l(); },
    listeners: () => listeners.size,
  };
}

/** Lets the microtasks of settled ticks run (the next tick is scheduled once the previous one settled). */
const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

function fakeTimers(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  return async (ms: number) => { t.mock.timers.tick(ms); await settle(); };
}

/** Polling every second that counts its ticks, on a page the test shows and hides. */
function countingPoll(t: TestContext) {
  const advance = fakeTimers(t);
  const page = fakePage();
  let ticks = 0;
  const stop = startPolling(() => { ticks++; }, 1000, page);
  return { advance, page, stop, ticks: () => ticks };
}

test('ticks once an interval, first one interval after the start, and not after it is stopped', async (t) => {
  const { advance, page, stop, ticks } = countingPoll(t);
  await advance(999);
  assert.equal(ticks(), 0);
  await advance(1);
  assert.equal(ticks(), 1);
  await advance(1000);
  await advance(1000);
  assert.equal(ticks(), 3);
  stop();
  await advance(5000);
  assert.equal(ticks(), 3);
  assert.equal(page.listeners(), 0, 'the visibility listener goes with the polling');
});

test('waits for a slow tick before scheduling the next, and goes on after one that fails', async (t) => {
  const advance = fakeTimers(t);
  let ticks = 0;
  let finish: (() => void) | null = null;
  const stop = startPolling(() => {
    ticks++;
    if (ticks === 1) return new Promise<void>((resolve) => { finish = resolve; });
    if (ticks === 2) return Promise.reject(new Error('network'));
    if (ticks === 3) throw new Error('thrown');
    return undefined;
  }, 1000, fakePage());
  await advance(1000);
  assert.equal(ticks, 1);
  await advance(5000);
  assert.equal(ticks, 1, 'no second request while the first is unanswered');
  finish!();
  await settle();
  await advance(1000);
  assert.equal(ticks, 2);
  await advance(1000);
  assert.equal(ticks, 3, 'a rejected tick does not stop the polling');
  await advance(1000);
  assert.equal(ticks, 4, 'nor does a tick that throws');
  stop();
});

test('no tick while the tab is hidden; one at once when it shows again', async (t) => {
  const { advance, page, stop, ticks } = countingPoll(t);
  await advance(1000);
  assert.equal(ticks(), 1);
  page.show(false);
  await advance(10_000);
  assert.equal(ticks(), 1);
  page.show(true);
  await advance(0);
  assert.equal(ticks(), 2);
  await advance(1000);
  assert.equal(ticks(), 3);
  stop();
});
