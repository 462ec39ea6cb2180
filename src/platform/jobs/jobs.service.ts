/**
 * Background jobs: the queue every feature's background work goes through (README "Operations", ARCHITECTURE
 * "Background jobs"). A feature enqueues a kind with a payload of ids (idempotent by its dedupe key); a worker in
 * each server process (`worker.ts`, started by `daicho serve`) claims due jobs with FOR UPDATE SKIP LOCKED, runs the
 * handler `src/app/jobs.ts` registered for the kind, and completes it, or fails it with exponential backoff until
 * its max attempts, when it goes to the dead-letter list for an administrator to retry.
 */
import type { Actor, AuthContext } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { JobStatus } from '../../db/schema.ts';
import { audit } from '../audit/audit.service.ts';
import * as repo from './jobs.repository.ts';

export type { JobStatus };

export interface EnqueueOptions {
  /** A job that is not done yet with this key is returned instead of a second one (e.g. `segment.refresh:<id>`). */
  dedupeKey?: string;
  /** Ids and options only: never a personal value (the admin page lists payloads). */
  payload?: Record<string, unknown>;
  delaySeconds?: number;
  maxAttempts?: number;
}

const KIND = /^[a-z][a-z0-9_.-]{0,63}$/u;

/** Who queued a job, as its payload carries it: ids (and where from), never the user's name or e-mail. */
export interface ActorPayload { userId: string | null; apiKeyId: string | null; ip: string | null; userAgent: string | null }

/** The user a job runs as, as they are now; null when they no longer exist or are disabled (app wiring: accounts). */
export type ActorLookup = (userId: string, apiKeyId: string | null) => Promise<AuthContext | null>;

export function actorPayload(actor: Actor): ActorPayload {
  return { userId: actor.auth?.userId ?? null, apiKeyId: actor.auth?.apiKeyId ?? null, ip: actor.ip, userAgent: actor.userAgent };
}

/** The actor a job acts as (audited as them); null when the user who queued it is gone. A payload with no user: the operator. */
export async function actorFromPayload(payload: Partial<ActorPayload>, lookup: ActorLookup): Promise<Actor | null> {
  const base = { ip: payload.ip ?? null, userAgent: payload.userAgent ?? null };
  if (!payload.userId) return { auth: null, ...base };
  const auth = await lookup(payload.userId, payload.apiKeyId ?? null);
  return auth ? { auth, ...base } : null;
}

/** Workers of this process to wake when a job is enqueued here (a job enqueued by another server waits for the poll). */
const wakers = new Set<() => void>();
export function onEnqueued(wake: () => void): () => void {
  wakers.add(wake);
  return () => wakers.delete(wake);
}

/** Enqueues a job (inside the caller's transaction when `db` is one; wake the workers after it commits). */
export async function enqueueJob(db: Db, kind: string, options: EnqueueOptions = {}): Promise<{ id: string; created: boolean }> {
  if (!KIND.test(kind)) throw new Error(`job kind "${kind}" is not a-z, 0-9, . _ - (up to 64)`);
  const result = await repo.insertJob(db, {
    kind, payload: options.payload ?? {}, dedupeKey: options.dedupeKey ?? null,
    delaySeconds: Math.max(0, options.delaySeconds ?? 0), maxAttempts: options.maxAttempts ?? 5,
  });
  if (!db.isTransaction) wakeWorkers();
  return result;
}

/** Tells this process's workers that work may be waiting (after a transaction that enqueued commits). */
export function wakeWorkers(): void {
  for (const wake of wakers) wake();
}

export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toJobView(r: repo.JobRow): JobView {
  return {
    id: r.id, kind: r.kind, status: r.status, payload: r.payload, dedupeKey: r.dedupe_key, attempts: r.attempts, maxAttempts: r.max_attempts,
    runAt: iso(r.run_at)!, lockedBy: r.locked_by, lockedUntil: iso(r.locked_until), lastError: r.last_error,
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, startedAt: iso(r.started_at), finishedAt: iso(r.finished_at),
    progress: r.progress, result: r.result,
  };
}

export async function listJobs(db: Db, query: { status: JobStatus; kind?: string | undefined; limit?: number | undefined }): Promise<{ items: JobView[] }> {
  return { items: (await repo.listJobs(db, query.status, query.limit ?? 100, query.kind)).map(toJobView) };
}

/** Queued, running, failed (waiting for a retry) and dead jobs, every kind together. */
export async function jobCounts(db: Db): Promise<Record<Exclude<JobStatus, 'done'>, number>> {
  const counts = { queued: 0, running: 0, failed: 0, dead: 0 };
  for (const r of await repo.countJobsByKindStatus(db)) if (r.status !== 'done') counts[r.status] += r.count;
  return counts;
}

export { countJobsByKindStatus, hasPendingJob } from './jobs.repository.ts';

/** One job by id (a feature reads back the job it enqueued, e.g. the import wizard's poll), or null. */
export async function findJob(db: Db, id: string): Promise<JobView | null> {
  const row = await repo.findJob(db, id);
  return row ? toJobView(row) : null;
}

/** An administrator's retry of a dead (or failed) job: queued now with its attempts reset; audited. */
export async function retryJob(db: Db, id: string, actor: Actor): Promise<JobView> {
  const row = await db.transaction().execute(async (trx) => {
    const before = await repo.findJob(trx, id);
    if (!before) throw notFound('Job');
    const row = await repo.requeueJob(trx, id);
    if (!row) throw new AppError('conflict', `この処理は${before.status === 'running' ? '実行中' : before.status === 'queued' ? '待機中' : '完了済み'}です。再実行できるのは失敗・停止したものだけです (only a failed or dead job can be retried; this one is ${before.status})`);
    await audit(trx, actor, 'job.retry', { type: 'job', id }, { kind: row.kind, status: before.status, attempts: before.attempts });
    return row;
  });
  wakeWorkers();
  return toJobView(row);
}
