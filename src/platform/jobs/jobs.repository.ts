import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { JobStatus, JobsTable } from '../../db/schema.ts';
import type { Selectable } from 'kysely';

/** The `jobs` table's SQL (its one writer). Every time is the database's `now()`, so servers' clocks never disagree. */

export type JobRow = Selectable<JobsTable>;

export interface NewJob {
  kind: string;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  /** Seconds from now before it may run (0: at once). */
  delaySeconds: number;
  maxAttempts: number;
}

const secondsFromNow = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds})`;

/**
 * Inserts a job, or returns the live (not done) job holding the same dedupe key: a retried enqueue never makes a
 * second one. `created` says which.
 */
export async function insertJob(db: Db, job: NewJob): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      kind: job.kind, payload: JSON.stringify(job.payload), dedupe_key: job.dedupeKey, max_attempts: job.maxAttempts,
      run_at: secondsFromNow(job.delaySeconds),
    })
    .onConflict((oc) => oc.column('dedupe_key').where('status', '<>', 'done').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const live = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', job.dedupeKey).where('status', '<>', 'done').executeTakeFirst();
  // Finished between the conflict and the look: the key is free again, so this enqueue makes its job.
  if (!live) return insertJob(db, job);
  return { id: live.id, created: false };
}

/**
 * Takes up to `limit` due jobs of the given kinds for `worker` until `leaseSeconds` from now: the row locks of
 * FOR UPDATE SKIP LOCKED keep two claimers (processes, or connections of one) off the same job, and a job another
 * claimer just took no longer matches when its row is read again. Each claim counts as an attempt.
 */
export async function claimJobs(db: Db, worker: string, kinds: readonly string[], limit: number, leaseSeconds: number): Promise<JobRow[]> {
  if (kinds.length === 0 || limit <= 0) return [];
  return db
    .updateTable('jobs')
    .set({
      status: 'running', locked_by: worker, locked_until: secondsFromNow(leaseSeconds), attempts: sql<number>`attempts + 1`,
      started_at: sql<Date>`now()`, updated_at: sql<Date>`now()`,
    })
    .where('id', 'in', (eb) => eb
      .selectFrom('jobs')
      .select('id')
      .where('status', 'in', ['queued', 'failed'])
      .where('run_at', '<=', sql<Date>`now()`)
      .where('kind', 'in', [...kinds])
      .orderBy('run_at')
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked())
    .where('status', 'in', ['queued', 'failed'])
    .returningAll()
    .execute();
}

/** Extends the lease of a job `worker` still holds; false when it no longer does (it expired and was taken again). */
export async function extendLease(db: Db, id: string, worker: string, leaseSeconds: number): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ locked_until: secondsFromNow(leaseSeconds), updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records how far a job `worker` holds has got; false when it no longer holds it. */
export async function setJobProgress(db: Db, id: string, worker: string, progress: Record<string, unknown>): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ progress: JSON.stringify(progress), updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

const resultJson = (result: Record<string, unknown> | null) => (result === null ? null : JSON.stringify(result));

/** Marks a job `worker` holds as done with what it did; false when it no longer held it. */
export async function completeJob(db: Db, id: string, worker: string, result: Record<string, unknown> | null = null): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'done', result: resultJson(result), locked_by: null, locked_until: null, finished_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * A failed attempt of a job `worker` holds: failed, due again `backoffSeconds` from now, or dead when it has had its
 * max_attempts or the failure is `final` (retrying cannot help: the job's input is wrong). A final failure keeps
 * `result` (what the handler says of it). The new status, or null when the job was no longer held.
 */
export async function failJob(
  db: Db, id: string, worker: string, error: string, backoffSeconds: number, final: { result: Record<string, unknown> | null } | null = null,
): Promise<'failed' | 'dead' | null> {
  const dead = final ? sql<boolean>`true` : sql<boolean>`attempts >= max_attempts`;
  const row = await db
    .updateTable('jobs')
    .set({
      status: sql<JobStatus>`CASE WHEN ${dead} THEN 'dead' ELSE 'failed' END`,
      run_at: secondsFromNow(backoffSeconds), last_error: error, locked_by: null, locked_until: null,
      finished_at: sql<Date>`CASE WHEN ${dead} THEN now() ELSE NULL END`, updated_at: sql<Date>`now()`,
      ...(final ? { result: resultJson(final.result) } : {}),
    })
    .where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running')
    .returning('status')
    .executeTakeFirst();
  return row ? (row.status as 'failed' | 'dead') : null;
}

/**
 * Jobs whose lease has passed (their process stopped or hung) become failed and due at once, or dead when that was
 * their last attempt. `everyRunning`: every running job, lease or not (PGlite at start: its folder is one process's
 * alone, so whatever is running belonged to a process that stopped). Returns how many of each.
 */
export async function reclaimExpiredJobs(db: Db, options: { everyRunning?: boolean; exceptWorker?: string } = {}): Promise<{ failed: number; dead: number }> {
  let q = db
    .updateTable('jobs')
    .set({
      status: sql<JobStatus>`CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END`,
      last_error: sql<string>`'lease expired: the process running it stopped (' || coalesce(locked_by, '?') || ')'`,
      locked_by: null, locked_until: null, run_at: sql<Date>`now()`,
      finished_at: sql<Date>`CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END`, updated_at: sql<Date>`now()`,
    })
    .where('status', '=', 'running');
  if (!options.everyRunning) q = q.where('locked_until', '<', sql<Date>`now()`);
  const except = options.exceptWorker;
  if (except !== undefined) q = q.where((eb) => eb.or([eb('locked_by', 'is', null), eb('locked_by', '<>', except)]));
  const rows = await q.returning('status').execute();
  return { failed: rows.filter((r) => r.status === 'failed').length, dead: rows.filter((r) => r.status === 'dead').length };
}

/** A dead (or failed) job queued again with its attempts reset; null when there is no such job in those states. */
export async function requeueJob(db: Db, id: string): Promise<JobRow | null> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, run_at: sql<Date>`now()`, finished_at: null, result: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('status', 'in', ['dead', 'failed'])
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether a job of this kind is waiting or running (queued, running, or failed and due for a retry). */
export async function hasPendingJob(db: Db, kind: string): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('kind', '=', kind).where('status', 'in', ['queued', 'running', 'failed']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Jobs in one status, the most recently changed first. */
export async function listJobs(db: Db, status: JobStatus, limit: number, kind?: string): Promise<JobRow[]> {
  let q = db.selectFrom('jobs').selectAll().where('status', '=', status);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('updated_at', 'desc').orderBy('id').limit(limit).execute();
}

/** How many jobs are in each status, by kind (done ones included until purged). */
export async function countJobsByKindStatus(db: Db): Promise<Array<{ kind: string; status: JobStatus; count: number }>> {
  const rows = await db.selectFrom('jobs').select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(['kind', 'status']).execute();
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.count) }));
}

/** Deletes done jobs finished more than `days` ago; returns how many. */
export async function purgeDoneJobs(db: Db, days: number): Promise<number> {
  const rows = await db.deleteFrom('jobs')
    .where('status', '=', 'done')
    .where('updated_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .returning('id')
    .execute();
  return rows.length;
}

/** Gives a job `worker` holds back to the queue without counting the attempt (its process is stopping). */
export async function releaseJob(db: Db, id: string, worker: string): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: sql<number>`greatest(attempts - 1, 0)`, locked_by: null, locked_until: null, run_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
