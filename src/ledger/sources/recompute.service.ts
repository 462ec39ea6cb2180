/**
 * Survivorship re-applied after a source's priority changed, in the background and durable. The walk over the
 * source's customers is a row of source_recomputes whose cursor advances in the same transaction as the page it
 * recomputes, so what it says is done is done: a process killed mid-walk, or a page that failed, loses nothing, and
 * the walk goes on from the cursor in a `source.recompute` job (queued by the server's minute pass; retried while it
 * fails) or when a user retries it.
 * A newer priority change restarts the walk from the first customer; a walker already running meets the reset row at
 * its next page. Several processes sharing one PostgreSQL may walk the same source: the row lock makes them take
 * turns, each page is recomputed once.
 */
import type { Actor } from '../../core/context.ts';
import { describeError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { enqueueJob } from '../../platform/jobs/jobs.service.ts';
import { recomputeSourceCustomersPage } from '../customers/golden.service.ts';
import * as repo from './sources.repository.ts';
import type { SourceRecompute } from './sources.schemas.ts';

/** Customers recomputed per transaction (a page: memory stays bounded whatever the source's size). */
export const RECOMPUTE_PAGE = 2000;

export type { SourceRecompute };

type RecomputeRow = NonNullable<Awaited<ReturnType<typeof repo.findRecomputeRow>>>;

export function recomputeOf(row: RecomputeRow): SourceRecompute {
  return {
    status: row.status, priorityFrom: row.priority_from, priorityTo: row.priority_to, done: row.done, total: row.total, error: row.error,
    startedAt: new Date(row.started_at).toISOString(), finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** Walkers running in this process, by source; `again` asks one that is finishing to look at its row once more. */
const walkers = new Map<string, { again: boolean; done: Promise<void> }>();

/** What a walk does that the audit log keeps: who asked is in the entry of the change (source.update). */
const SYSTEM: Actor = { auth: null, ip: null, userAgent: 'daicho (survivorship recompute)' };

/**
 * Starts the recompute of the source's customers for a priority that changed `from` → `to` (in the caller's
 * transaction, with the change itself). The walk starts once the caller has committed: call walkSourceRecompute then.
 */
export async function requestSourceRecompute(db: Db, sourceId: string, from: number, to: number, userId: string | null): Promise<void> {
  const total = await repo.countCustomersOfSource(db, sourceId);
  await repo.startRecomputeRow(db, { sourceId, from, to, total, userId });
}

/** A failed recompute goes on from its cursor. 404 when the source has no recompute; a running one is left to run. */
export async function retrySourceRecompute(db: Db, sourceId: string, actor: Actor, options: WalkOptions = {}): Promise<SourceRecompute> {
  const row = await repo.findRecomputeRow(db, sourceId);
  if (!row) throw notFound('Recompute');
  if (row.status === 'failed') {
    await repo.resumeRecomputeRow(db, sourceId);
    await audit(db, actor, 'source.recompute_retry', { type: 'source', id: sourceId }, { done: row.done, total: row.total });
  }
  await walkAndWait(db, sourceId, options);
  return recomputeOf((await repo.findRecomputeRow(db, sourceId))!);
}

export interface WalkOptions {
  pageSize?: number;
  /** How long the caller waits for the walk before it answers with the progress so far (a small source is done by then). */
  waitMs?: number;
}

/** How far a walk has got, after each page it committed. */
export type WalkProgress = (progress: { done: number; total: number }) => void;

/**
 * Makes sure a walker runs for the source in this process; resolves when it has stopped (done, failed, or nothing to
 * do). `onPage` hears of the pages of a walker this call starts (not of one already running here).
 */
export function walkSourceRecompute(db: Db, sourceId: string, pageSize = RECOMPUTE_PAGE, onPage?: WalkProgress): Promise<void> {
  const running = walkers.get(sourceId);
  if (running) {
    running.again = true;
    return running.done;
  }
  const walker = { again: false, done: Promise.resolve() };
  walker.done = (async () => {
    try {
      do {
        walker.again = false;
        await walk(db, sourceId, pageSize, onPage);
      } while (walker.again);
    } catch (error) {
      // walk() records its own failures in the row; this is the database gone (a closing process): the row stays
      // running and the next start resumes it. Never a rejection, which the fire-and-forget callers would not catch.
      console.error(`survivorship recompute of source ${sourceId} stopped: ${describeError(error)}`);
    } finally {
      walkers.delete(sourceId);
    }
  })();
  walkers.set(sourceId, walker);
  return walker.done;
}

/** Starts the walk and waits for it up to `waitMs` (the caller reads the recompute's state then). */
export async function walkAndWait(db: Db, sourceId: string, { pageSize = RECOMPUTE_PAGE, waitMs = 2000 }: WalkOptions = {}): Promise<void> {
  const done = walkSourceRecompute(db, sourceId, pageSize);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); })]);
  clearTimeout(timer);
}

export const SOURCE_RECOMPUTE_JOB = 'source.recompute';

/**
 * The server's minute pass: a `source.recompute` job for every walk still running (a stopped process's goes on from
 * its cursor; a live one's is joined, the row lock making the walkers take turns), keyed by the source so several
 * servers queue one. Returns how many it queued.
 */
export async function enqueueSourceRecomputes(db: Db): Promise<number> {
  let queued = 0;
  for (const sourceId of await repo.listRunningRecomputeSources(db)) {
    const job = await enqueueJob(db, SOURCE_RECOMPUTE_JOB, { dedupeKey: `${SOURCE_RECOMPUTE_JOB}:${sourceId}`, payload: { sourceId }, maxAttempts: 5 });
    if (job.created) queued++;
  }
  return queued;
}

/**
 * The `source.recompute` job: a failed walk goes on from its cursor, the walk runs to its end, and a walk that failed
 * again (or stopped, or is still another process's) throws so the job is retried; each page is recomputed once.
 */
export async function runSourceRecomputeJob(db: Db, sourceId: string, onPage: WalkProgress): Promise<Record<string, unknown>> {
  const before = await repo.findRecomputeRow(db, sourceId);
  // The source was deleted, or a person's retry finished it meanwhile: nothing left.
  if (!before || before.status === 'completed') return { sourceId, status: before?.status ?? 'none', done: before?.done ?? 0, total: before?.total ?? 0 };
  if (before.status === 'failed') await repo.resumeRecomputeRow(db, sourceId);
  await walkSourceRecompute(db, sourceId, RECOMPUTE_PAGE, onPage);
  const row = await repo.findRecomputeRow(db, sourceId);
  if (!row) return { sourceId, status: 'none', done: 0, total: 0 };
  if (row.status !== 'completed') {
    throw new Error(`survivorship recompute of source ${sourceId} ${row.status === 'failed' ? `failed (${row.error ?? '?'})` : 'is not finished'} at ${row.done} / ${row.total}: retried from its cursor`);
  }
  return { sourceId, status: row.status, done: row.done, total: row.total };
}

/** Walks the source's customers page by page until its row is no longer running. Never throws: a failure is the row's. */
async function walk(db: Db, sourceId: string, pageSize: number, onPage?: WalkProgress): Promise<void> {
  for (;;) {
    let walking: RecomputeRow | undefined;
    let finished: RecomputeRow | undefined;
    try {
      finished = await db.transaction().execute(async (trx) => {
        walking = await repo.lockRecomputeRow(trx, sourceId);
        if (!walking || walking.status !== 'running') {
          walking = undefined;
          return undefined;
        }
        const page = await recomputeSourceCustomersPage(trx, sourceId, walking.after_customer_id, pageSize);
        if (page.length === 0) return repo.finishRecomputeRow(trx, sourceId, 'completed', null);
        await repo.advanceRecomputeRow(trx, sourceId, page[page.length - 1]!, page.length);
        walking = { ...walking, done: walking.done + page.length };
        return undefined;
      });
      if (walking && !finished) onPage?.({ done: walking.done, total: walking.total });
    } catch (error) {
      // The page rolled back; the cursor stayed where the last committed page left it. Only the walk that failed is
      // marked failed (a newer priority change meanwhile started another).
      const message = error instanceof Error ? error.message : String(error);
      console.error('survivorship recompute failed', sourceId, message);
      const failed = walking && await repo.finishRecomputeRow(db, sourceId, 'failed', message, walking.started_at).catch((markError: unknown) => {
        console.error(`could not mark the recompute of source ${sourceId} failed: ${describeError(markError)}`);
        return undefined;
      });
      if (failed) await auditOutcome(db, sourceId, failed);
      return;
    }
    if (finished) {
      await auditOutcome(db, sourceId, finished);
      return;
    }
    if (!walking) return;
  }
}

/** The walk's outcome in the audit log. The walk itself is over either way: a failure to write it is reported, not thrown. */
async function auditOutcome(db: Db, sourceId: string, row: RecomputeRow): Promise<void> {
  const details = { status: row.status, priority: { from: row.priority_from, to: row.priority_to }, recomputedCustomers: row.done, total: row.total, error: row.error };
  await audit(db, SYSTEM, 'source.recompute', { type: 'source', id: sourceId }, details)
    .catch((error: unknown) => console.error(`could not audit the recompute of source ${sourceId}: ${describeError(error)}`));
}
