/**
 * One action on a row of a list (再実行 a job, 完了 a task): the row it runs on is busy meanwhile, the list reloads once
 * it succeeded, and what failed is kept for the page to show (cleared when the next action starts).
 */
import { useState } from 'react';

export interface RowAction {
  /** The id of the row whose action runs now, null when none does. */
  readonly busy: string | null;
  /** Why the last action (or the reload after it) failed, null after one that went well. */
  readonly error: unknown;
  /** Runs the action on the row `id`, then `reload`. Never rejects: a failure lands in `error`. */
  readonly run: (id: string) => Promise<void>;
}

export function useRowAction(action: (id: string) => Promise<unknown>, reload: () => Promise<unknown>): RowAction {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await action(id);
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run };
}
