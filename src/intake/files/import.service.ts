import path from 'node:path';
import { awaitedLater } from '../../core/awaited-later.ts';
import type { Actor } from '../../core/context.ts';
import { describeError } from '../../core/errors.ts';
import { runsConcurrently, type Db } from '../../db/database.ts';
import type { ImportProfile } from '../../domain/import/profile.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { applyProfileEmailBasis, checkImportTarget, ensureSource } from '../../ledger/sources/sources.service.ts';
import { PendingConsents, writePendingConsents } from './import-consents.ts';
import { signal } from '../../core/signal.ts';
import { chunkResolver, NEIGHBOUR_BUDGET, RESOLVE_CHUNK } from '../../resolution/resolver.ts';
import { changesRecords, stagePrepared, type ExistingRecord } from '../../resolution/staging.ts';
import * as records from '../../resolution/resolution.repository.ts';
import { openWithProfile } from './open-with-profile.ts';
import * as repo from './import.repository.ts';
import type { ImportSummary } from './import.schemas.ts';
import { inlinePool, openWorkerPool } from './prepare-pool.ts';
import { type PreparedRow } from '../../resolution/stage-prepare.ts';

/** Rows staged per transaction: a killed import keeps whole batches and a re-run skips them as unchanged. */
const BATCH_ROWS = 1000;
/** Files from this size on prepare their rows in worker threads (below, starting a worker costs more than it saves). */
const PARALLEL_PREPARE_BYTES = 2 * 2 ** 20;
/** Batches prepared ahead of the one being written (bounds memory: PREPARE_AHEAD × BATCH_ROWS rows in flight). */
const PREPARE_AHEAD = 3;
/**
 * With worker threads, more: they keep preparing while this thread resolves a chunk. A chunk's worth (11 batches) took
 * ~75 MB of prepared rows; 6 with bounded worker heaps (prepare-pool.ts) took a 100k-row import on PGlite from 977 to
 * 901 MiB peak in the same time (78.5 → 76.7 s): preparing a batch takes a fraction of resolving one.
 */
const PREPARE_AHEAD_WITH_WORKERS = 6;
/**
 * On PostgreSQL, how many chunks' worth of records staging may run ahead of the chunks being resolved beside it. Two:
 * the next chunk is staged while one is resolved, and a chunk that resolves faster than the one before never waits.
 */
const STAGE_AHEAD_CHUNKS = 2;
/**
 * A running import touches its run this often; a run untouched for RUN_STALE_SECONDS is reported as interrupted (its
 * process was killed: nothing else finishes it). A timer, not progress: one chunk may take a while, the process lives.
 */
const RUN_HEARTBEAT_MS = 30_000;
export const RUN_STALE_SECONDS = 120;

// The summary's shape is the API's (import.schemas.ts); the CLI and the job thread take it from here.
export type { ImportSummary };

export interface ImportOptions {
  filePath: string;
  profile: ImportProfile;
  actor: Actor;
  /**
   * After each staged batch, and after each resolved chunk (with `resolved` of `pending` records). A large file's
   * chunks are resolved while it is read; phase 'resolving' once every row is staged.
   */
  onProgress?: (p: { phase: 'reading' | 'resolving'; rows: number; bytesRead: number; totalBytes: number; resolved?: number; pending?: number }) => void;
  /** Records resolved per transaction (default RESOLVE_CHUNK); tests use small chunks. */
  resolveChunk?: number;
  /** Rows staged per transaction (default BATCH_ROWS); tests use small batches. */
  batchRows?: number;
  /** Neighbours a chunk may load through weak keys (default NEIGHBOUR_BUDGET); tests use small budgets. */
  neighbourBudget?: number;
  /**
   * Resolve chunks beside staging, on connections of their own (default: where the engine runs two transactions at
   * once, i.e. PostgreSQL); false resolves them in between batches. The ledger is the same either way.
   */
  resolveBeside?: boolean;
}

/**
 * Imports one department export: every row becomes (or updates) a source record of the profile's source, bad rows
 * are reported with line and reason while the good ones land, then new records are resolved against the ledger
 * (identity resolution) and the affected golden records recomputed. Idempotent: the key is source + id column (or
 * the content hash), so importing the same file twice changes nothing.
 */
export async function runImport(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const userId = options.actor.auth?.userId ?? null;
  // The run is recorded before the file is opened: a file refused at open (not a table, a header PostgreSQL cannot
  // store, columns the profile names but the file lacks) is a failed run in the history like any other failure.
  const source = (await checkImportTarget(db, options.profile.source, 'customers', options.actor)) ?? await ensureSource(db, options.profile.source, options.profile.source, 'file_import');
  // The profile's lawful basis for marketing e-mail becomes the source's (特定電子メール法); changing it needs sources:write.
  if (options.profile.emailBasis) await applyProfileEmailBasis(db, source.id, options.profile.emailBasis, options.actor);
  const run = await repo.insertRun(db, { sourceId: source.id, fileName: path.basename(options.filePath), encoding: null, userId });
  let opened: Awaited<ReturnType<typeof openWithProfile>>;
  try {
    opened = await openWithProfile(options.filePath, options.profile);
  } catch (error) {
    await repo.finishRun(db, run.id, 'failed', {}, error instanceof Error ? error.message : String(error));
    throw error;
  }
  const { table, profile } = opened;
  await repo.setRunEncoding(db, run.id, table.encoding);
  await repo.saveProfile(db, source.id, options.profile, userId);
  const counts: { read: number; new: number; updated: number; unchanged: number; rejected: number; flagged: number; merged: number; bridged: number; review: number; customersCreated: number; quarantined: number; consentEvents?: number } =
    { read: 0, new: 0, updated: 0, unchanged: 0, rejected: 0, flagged: 0, merged: 0, bridged: 0, review: 0, customersCreated: 0, quarantined: 0 };
  // The consent columns' values, written as events once their records have customers (import-consents.ts).
  const consents = profile.consent ? new PendingConsents(profile) : null;
  const chunkSize = options.resolveChunk ?? RESOLVE_CHUNK;
  const batchRows = options.batchRows ?? BATCH_ROWS;
  let phase: 'reading' | 'resolving' = 'reading';
  let rowsCommitted = 0;
  // Records waiting for resolution (a killed run's included): staging adds, each resolved chunk takes away.
  let waiting = (await records.countUnresolved(db)).count;
  let resolvedBefore = 0;
  let chunkDone = signal();
  const resolver = chunkResolver(db, { id: run.id, sourceId: source.id, sourceLabel: source.label, fileName: path.basename(options.filePath) }, chunkSize, (resolved, pending) => {
    waiting -= resolved - resolvedBefore;
    resolvedBefore = resolved;
    chunkDone.fire();
    chunkDone = signal();
    options.onProgress?.({ phase, rows: rowsCommitted, ...table.progress(), resolved, pending });
  }, options.neighbourBudget ?? NEIGHBOUR_BUDGET);
  // On PostgreSQL, chunks are resolved on connections of their own while this thread goes on staging the rows that
  // follow (see resolveBeside); on PGlite, whose one connection would only take turns, in between batches.
  const beside = options.resolveBeside ?? runsConcurrently(db);
  /** The chunks being resolved beside staging (PostgreSQL), or null; and how they failed, if they did. */
  let resolving: Promise<void> | null = null;
  let failed: { error: unknown } | null = null;
  const resolveBeside = () => {
    const started: Promise<void> = resolver.resolveWholeChunks().then(() => {
      if (resolving === started) resolving = null;
    });
    // Awaited by staging (settle, the lead bound) or after the last batch; the next batch stops at a failure.
    started.catch((error: unknown) => { failed = { error }; });
    resolving = started;
  };
  /** Waits until no chunk is being resolved beside staging (rethrows its failure). */
  const settle = async () => {
    while (resolving) await resolving;
  };
  // Large files prepare their rows in worker threads while this thread writes the previous batch (prepare-pool.ts).
  const pool = table.progress().totalBytes >= PARALLEL_PREPARE_BYTES
    ? await openWorkerPool(profile, source.name)
    : inlinePool(profile, source.name);
  // With workers, more batches are prepared ahead: they go on preparing while this thread resolves a chunk
  // (in-thread preparation gains nothing from more).
  const prepareAhead = pool.parallel ? PREPARE_AHEAD_WITH_WORKERS : PREPARE_AHEAD;
  // From here on the run ends completed or failed; until then its heartbeat says the process is at work on it (a
  // failure before this point leaves it untouched, so it is reported interrupted).
  let touching: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    touching = repo.touchRun(db, run.id).catch((error: unknown) => console.error(`could not touch import run ${run.id}: ${describeError(error)}`));
  }, RUN_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    let batch: Array<{ line: number; values: Record<string, string> }> = [];
    // Batches being prepared, oldest first; written one at a time in file order.
    const preparing: Array<{ job: Promise<PreparedRow[]>; rowsRead: number; values: Map<number, Record<string, string>> | null }> = [];
    let staged = 0;
    let analyzeAt = 4 * batchRows;
    const writeOldest = async () => {
      if (failed) throw failed.error;
      const { job, rowsRead, values } = preparing.shift()!;
      const prepared = await job;
      const consentIssues = consents && values ? prepared.flatMap((r) => consents.add(values.get(r.line) ?? {}, r.line, r.externalId)) : [];
      // A batch that changes records staged before waits for the chunks being resolved beside it: one of them may
      // hold such a record, and must link it as it was before this batch, as it would without the overlap. (Asked
      // before the batch's transaction: on PGlite a transaction waiting for another would hold the one connection.)
      // Without such a change, the records found serve staging too (a chunk only links records, which staging
      // reads only for the changed ones); with one, staging reads them again once the chunks are done.
      let found: ExistingRecord[] | undefined;
      if (resolving) {
        found = await records.findRecords(db, source.id, prepared.map((r) => r.externalId));
        if (changesRecords(prepared, found)) {
          await settle();
          found = undefined;
        }
      }
      await db.transaction().execute(async (trx) => {
        const result = await stagePrepared(trx, source.id, prepared, userId, found);
        await repo.insertIssues(trx, run.id, [...result.flagged, ...consentIssues].sort((a, b) => a.line - b.line));
        counts.new += result.new;
        counts.updated += result.updated;
        counts.unchanged += result.unchanged;
        counts.flagged += result.flagged.length + consentIssues.length;
        waiting += result.new;
      });
      // Progress counts rows whose batch has committed (a killed import keeps exactly those).
      rowsCommitted = rowsRead;
      options.onProgress?.({ phase, rows: rowsRead, ...table.progress() });
      // The id lookup of the next batch must stay an index probe: without fresh statistics the planner takes the
      // growing table for a small one and scans it (measured: 0.6 → 45 ms a batch over 100k rows, quadratic in the
      // file). PGlite has no autovacuum at all. Re-analyse each time the run's records double: O(log n) times.
      staged += prepared.length;
      if (staged >= analyzeAt) {
        await records.analyzeRecords(db);
        analyzeAt *= 2;
      }
      // More than a chunk staged and waiting: resolve it now, while the workers prepare the rows that follow. A chunk
      // is the first `chunkSize` records waiting, in id (= file) order, and is taken only once it is full, so which
      // records make up each chunk, and the ledger each one meets, do not depend on how far staging has got.
      if (waiting > chunkSize) {
        if (!beside) waiting = await resolver.resolveWholeChunks();
        else if (resolving === null) resolveBeside();
      }
      // Staging keeps at most a few chunks ahead of resolution (the rows wait in the database, not in memory, but a
      // killed import should leave little unresolved, and the progress bar should say where resolution is).
      while (resolving && waiting > STAGE_AHEAD_CHUNKS * chunkSize) await Promise.race([chunkDone.promise, resolving]);
    };
    const submit = () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      const job = pool.prepare(rows);
      awaitedLater(job); // in writeOldest
      preparing.push({ job, rowsRead: counts.read, values: consents ? new Map(rows.map((r) => [r.line, r.values])) : null });
    };
    const rejected: Array<{ line: number; severity: 'rejected'; field: null; reason: string; value: null }> = [];
    for await (const row of table.rows) {
      counts.read++;
      if ('error' in row) {
        counts.rejected++;
        rejected.push({ line: row.line, severity: 'rejected', field: null, reason: row.error, value: null });
        continue;
      }
      batch.push(row);
      if (batch.length >= batchRows) {
        submit();
        if (preparing.length >= prepareAhead) await writeOldest();
      }
    }
    submit();
    while (preparing.length > 0) await writeOldest();
    await settle();
    await pool.close();
    await repo.insertIssues(db, run.id, rejected);
    phase = 'resolving';
    rowsCommitted = counts.read;
    const resolution = await resolver.finish();
    counts.merged = resolution.merged;
    counts.bridged = resolution.bridged;
    counts.review = resolution.review;
    counts.customersCreated = resolution.customersCreated;
    counts.quarantined = resolution.quarantined;
    if (consents) counts.consentEvents = await writePendingConsents(db, consents, { id: run.id, sourceId: source.id, actorUserId: userId });
    await repo.finishRun(db, run.id, 'completed', counts, null);
    await audit(db, options.actor, 'import.run', { type: 'import_run', id: run.id }, { source: source.name, file: path.basename(options.filePath), ...counts });
  } catch (error) {
    // Chunks still being resolved finish (or fail) before the run is marked: nothing of it runs after it returns.
    // The run fails with `error`; a different failure of those chunks is logged rather than lost.
    await settle().catch((late: unknown) => {
      if (late !== error) console.error(`import run ${run.id}: resolving beside staging failed too: ${describeError(late)}`);
    });
    await pool.close();
    await repo.finishRun(db, run.id, 'failed', counts, error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    clearInterval(heartbeat);
    await touching;
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    runId: run.id, source: source.name, file: path.basename(options.filePath), encoding: table.encoding, ...counts,
    seconds, stagingSeconds: Math.max(0, seconds - resolver.totals.seconds), resolutionSeconds: resolver.totals.seconds,
  };
}
