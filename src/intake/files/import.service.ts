import path from 'node:path';
import { sql } from 'kysely';
import type { Actor } from '../../core/context.ts';
import { AppError, describeError, sqlState } from '../../core/errors.ts';
import { runsConcurrently, type Db } from '../../db/database.ts';
import { uuidv7 } from '../../db/ids.ts';
import { sendPending } from '../../db/send-pending.ts';
import type { ImportField, ImportProfile } from '../../domain/import/profile.ts';
import type { SourceStatement } from '../../domain/customers/golden.ts';
import { stripUnstorable } from '../../domain/normalize/storable.ts';
import {
  blockCap, candidatePairs, clusterTargets, compareRecords, keyTier, LEVELS, resolveBatch, trainWeights, type MatchRecord, type MatchWeights,
} from '../../domain/match/index.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { createCustomersFromStatements, recomputeCustomers } from '../../ledger/customers/customers.service.ts';
import { checkImportTarget } from '../../ledger/sources/sources.service.ts';
import { openWithProfile } from './open-with-profile.ts';
import * as repo from './import.repository.ts';
import { storedKeyHash, storedKeysOf, type StoredMatchRecord } from './key-hash.ts';
import { inlinePool, openWorkerPool } from './prepare-pool.ts';
import { prepareMapped, type PreparedRow } from './stage-prepare.ts';

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
/** A blocking key shared by more records than this says nothing and is skipped (keeps cost linear). */
const MAX_BLOCK = 50;
/**
 * Unresolved records resolved per transaction, in id (= file) order. More than this are resolved chunk by chunk with
 * weights trained once on the first chunk, so memory stays bounded and time linear whatever the file size; a later
 * chunk finds the customers of earlier ones through the stored blocking keys, like a later import does.
 */
export const RESOLVE_CHUNK = 10_000;
/**
 * Linked records a chunk may load as neighbours through its weak keys (a whole name alone, a birth date alone:
 * keyTier). Their blocks grow with the ledger up to their caps, so without a bound a 10k-record chunk loaded 34k
 * neighbours at 170k linked records (26k of them through weak keys) and the import's memory and time per row kept
 * growing with the ledger. A chunk probes its strong keys always, then each weaker tier only while the neighbours stay
 * within this budget. A form submission or a small import never reaches it; whether a chunk does depends on the chunk
 * and the ledger alone, so a killed import's re-run decides the same.
 */
export const NEIGHBOUR_BUDGET = 20_000;
/**
 * A running import touches its run this often; a run untouched for RUN_STALE_SECONDS is reported as interrupted (its
 * process was killed: nothing else finishes it). A timer, not progress: one chunk may take a while, the process lives.
 */
const RUN_HEARTBEAT_MS = 30_000;
export const RUN_STALE_SECONDS = 120;
/** Random record pairs behind the unrelated class when training for many chunks (bounds the training's memory). */
const TRAIN_RANDOM_PAIRS = 100_000;
/** Advisory lock that serialises identity resolution across processes. */
const RESOLVE_LOCK_ID = 4_242_001;

export interface ImportSummary {
  runId: string;
  source: string;
  file: string;
  encoding: string | null;
  read: number;
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
  flagged: number;
  merged: number;
  review: number;
  customersCreated: number;
  /** Records whose resolution failed on their own, set aside with their error (「名寄せレビュー」 lists them). */
  quarantined: number;
  seconds: number;
  /**
   * Of which reading the file and writing its rows while no chunk was being resolved (rows are prepared in worker
   * threads beside it; on PostgreSQL, rows staged while a chunk is resolved count as resolution time).
   */
  stagingSeconds: number;
  /** Of which identity resolution (a large file's chunks are resolved as it is staged). */
  resolutionSeconds: number;
}

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
  const counts = { read: 0, new: 0, updated: 0, unchanged: 0, rejected: 0, flagged: 0, merged: 0, review: 0, customersCreated: 0, quarantined: 0 };
  const chunkSize = options.resolveChunk ?? RESOLVE_CHUNK;
  const batchRows = options.batchRows ?? BATCH_ROWS;
  let phase: 'reading' | 'resolving' = 'reading';
  let rowsCommitted = 0;
  // Records waiting for resolution (a killed run's included): staging adds, each resolved chunk takes away.
  let waiting = (await repo.countUnresolved(db)).count;
  let resolvedBefore = 0;
  let chunkDone = signal();
  const resolver = chunkResolver(db, { id: run.id, sourceId: source.id, sourceLabel: source.label }, chunkSize, (resolved, pending) => {
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
    const preparing: Array<{ job: Promise<PreparedRow[]>; rowsRead: number }> = [];
    let staged = 0;
    let analyzeAt = 4 * batchRows;
    const writeOldest = async () => {
      if (failed) throw failed.error;
      const { job, rowsRead } = preparing.shift()!;
      const prepared = await job;
      // A batch that changes records staged before waits for the chunks being resolved beside it: one of them may
      // hold such a record, and must link it as it was before this batch, as it would without the overlap. (Asked
      // before the batch's transaction: on PGlite a transaction waiting for another would hold the one connection.)
      // Without such a change, the records found serve staging too (a chunk only links records, which staging
      // reads only for the changed ones); with one, staging reads them again once the chunks are done.
      let found: ExistingRecord[] | undefined;
      if (resolving) {
        found = await repo.findRecords(db, source.id, prepared.map((r) => r.externalId));
        if (changesRecords(prepared, found)) {
          await settle();
          found = undefined;
        }
      }
      await db.transaction().execute(async (trx) => {
        const result = await stagePrepared(trx, source.id, prepared, userId, run.id, found);
        counts.new += result.new;
        counts.updated += result.updated;
        counts.unchanged += result.unchanged;
        counts.flagged += result.flagged;
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
        await repo.analyzeRecords(db);
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
      job.catch(() => {}); // awaited in writeOldest; this keeps an early failure from being "unhandled" meanwhile
      preparing.push({ job, rowsRead: counts.read });
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
    counts.review = resolution.review;
    counts.customersCreated = resolution.customersCreated;
    counts.quarantined = resolution.quarantined;
    await repo.finishRun(db, run.id, 'completed', counts, null);
    await audit(db, options.actor, 'import.run', { type: 'import_run', id: run.id }, { source: source.name, file: path.basename(options.filePath), ...counts });
  } catch (error) {
    // Chunks still being resolved finish (or fail) before the run is marked: nothing of it runs after it returns.
    await settle().catch(() => {});
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

/**
 * Stages prepared rows as source records of one source (insert, update or leave unchanged). A new record's blocking
 * keys are stored when it is linked (resolveChunk), not here: match_keys holds linked records only, so a neighbour
 * probe finds the customers a record may join, not the rest of the file still waiting for its turn (each hit costs a
 * lookup in source_records: at 300k rows the probes had taken 243 s of 480 s of database time, 8 s at 100k).
 * An updated record that is linked gets its new keys now (it stays with its customer).
 */
async function stagePrepared(
  db: Db, sourceId: string, prepared: readonly PreparedRow[], userId: string | null, runId: string | null,
  /** The source's records with these rows' keys, when the caller has just read them. */
  found?: readonly ExistingRecord[],
) {
  // Last occurrence wins when a file repeats an id.
  const staged = new Map<string, PreparedRow>();
  for (const row of prepared) staged.set(row.externalId, row);
  const existing = new Map((found ?? await repo.findRecords(db, sourceId, [...staged.keys()])).map((r) => [r.external_id, r]));
  const fresh: PreparedRow[] = [];
  const keys: Array<{ keyHash: string; recordId: number }> = [];
  const touchedCustomers: string[] = [];
  let updated = 0;
  let unchanged = 0;
  const changedIds = [...staged.values()].map((r) => existing.get(r.externalId)).filter((b) => b && b.content_hash !== staged.get(b.external_id)!.contentHash).map((b) => b!.id);
  const oldKeys = (await repo.findMatchRecords(db, changedIds)).flatMap((r) =>
    r.match_record ? storedKeysOf(r.match_record as unknown as StoredMatchRecord).map((key) => ({ keyHash: storedKeyHash(key), recordId: r.id })) : []);
  await repo.deleteMatchKeys(db, oldKeys);
  for (const record of staged.values()) {
    const before = existing.get(record.externalId);
    if (!before) fresh.push(record);
    else if (before.content_hash === record.contentHash) unchanged++;
    else {
      updated++;
      await repo.updateRecord(db, before.id, record);
      if (before.customer_id) {
        for (const hash of record.keyHashes) keys.push({ keyHash: hash, recordId: before.id });
        touchedCustomers.push(before.customer_id);
      }
    }
  }
  const inserted = await repo.insertRecords(db, sourceId, fresh, userId);
  // A record missing from `inserted` was staged by a concurrent writer at the same moment (a double-clicked form,
  // a retried beacon): it exists now, so this run counts it as unchanged.
  unchanged += fresh.length - inserted.length;
  await repo.insertMatchKeys(db, keys);
  // Flagged values are reported once per record version: unchanged rows were reported by the run that brought them.
  const reportable = [...staged.values()]
    .filter((r) => existing.get(r.externalId)?.content_hash !== r.contentHash)
    .flatMap((r) => r.flagged.map((f) => ({ line: r.line, severity: 'flagged' as const, field: f.field, reason: f.reason, value: f.value })));
  if (runId) await repo.insertIssues(db, runId, reportable);
  // An updated record stays with its customer, whose golden record changes with it (in the same transaction, so a
  // killed import never leaves it stale).
  await recomputeCustomers(db, touchedCustomers);
  return { new: inserted.length, updated, unchanged, flagged: reportable.length, externalIds: [...staged.keys()] };
}

type ExistingRecord = Awaited<ReturnType<typeof repo.findRecords>>[number];

/** Whether staging these rows changes one of the records staged before (same key, other content). */
function changesRecords(prepared: readonly PreparedRow[], found: readonly ExistingRecord[]): boolean {
  const hashOf = new Map(prepared.map((r) => [r.externalId, r.contentHash]));
  return found.some((r) => r.content_hash !== hashOf.get(r.external_id));
}

export interface IngestRecord {
  /** The source's own key (form submission id, visitor id, member id); null → content hash. */
  externalId: string | null;
  fields: Partial<Record<ImportField, string>>;
  attributes?: Record<string, string>;
  /** Kept as the record's raw value; defaults to fields + attributes. */
  raw?: Record<string, unknown>;
}

export interface IngestedRecord {
  externalId: string;
  recordId: number;
  customerId: string;
}

/**
 * One entry point for every non-file source (forms, tracker identify, order customer keys, the API): stages the
 * records as source records of `source` (created on first use) and resolves them through the same identity
 * resolution as a file import, so a form submission or an identified visitor lands on the right customer and can be
 * split off again. Idempotent on source + externalId. Returns each record's id and customer.
 */
export async function ingestRecords(
  db: Db,
  input: { source: { name: string; label: string; kind: 'form' | 'api' | 'tracker' | 'integration' | 'file_import' }; records: IngestRecord[]; actor: Actor },
): Promise<IngestedRecord[]> {
  if (input.records.length === 0) return [];
  const source = await ensureSource(db, input.source.name, input.source.label, input.source.kind);
  const userId = input.actor.auth?.userId ?? null;
  const prepared = prepareMapped(input.records.map((r, i) => ({
    line: i + 1,
    raw: r.raw ?? { ...r.fields, ...(r.attributes ?? {}) },
    externalId: r.externalId,
    fields: r.fields,
    attributes: r.attributes ?? {},
  })), source.name);
  const staged = await db.transaction().execute((trx) => stagePrepared(trx, source.id, prepared, userId, null));
  await chunkResolver(db, null, RESOLVE_CHUNK).finish();
  const rows = await repo.findRecords(db, source.id, staged.externalIds);
  // Resolution went on past a record that failed on its own and set it aside (quarantine): it is kept, and this
  // caller, which needs its customer, says so instead of failing everyone's resolution after it.
  if (rows.some((r) => r.customer_id === null)) {
    throw new AppError('internal', '受け付けた内容は保存しましたが、名寄せに失敗したため保留しました。管理者が「名寄せレビュー」から再試行できます (the record was kept, but identity resolution failed on it: it is set aside for an administrator to retry)');
  }
  return rows.map((r) => ({ externalId: r.external_id, recordId: r.id, customerId: r.customer_id! }));
}

export interface QuarantinedRecord {
  recordId: number;
  source: string;
  sourceLabel: string;
  externalId: string;
  /** Whom the record is about, as its statement names them (null when it names no one). */
  name: string | null;
  receivedAt: string;
  quarantinedAt: string;
  error: string;
}

const QUARANTINE_PAGE = 200;

/** Records set aside because their resolution failed on its own, oldest first (the first 200), and how many in all. */
export async function listQuarantine(db: Db): Promise<{ items: QuarantinedRecord[]; total: number }> {
  const [rows, total] = await Promise.all([repo.listQuarantined(db, QUARANTINE_PAGE), repo.countQuarantined(db)]);
  return {
    total,
    items: rows.map((r) => {
      const fields = (r.normalized ?? {}) as Record<string, unknown>;
      const name = [fields.familyName, fields.givenName].filter((v) => typeof v === 'string' && v).join(' ')
        || (typeof fields.companyName === 'string' ? fields.companyName : '');
      return {
        recordId: r.id, source: r.source, sourceLabel: r.source_label, externalId: r.external_id, name: name || null,
        receivedAt: r.received_at.toISOString(), quarantinedAt: r.quarantined_at!.toISOString(), error: r.resolution_error ?? '',
      };
    }),
  };
}

/**
 * Puts quarantined records (the given ones, or all) back in the queue and resolves it, after whatever failed them was
 * fixed. A record that fails again is quarantined again, with its new error; the others land on their customers.
 */
export async function retryQuarantined(db: Db, recordIds: readonly number[] | undefined, actor: Actor): Promise<{ retried: number; resolved: number; quarantined: number }> {
  const retried = await repo.releaseQuarantined(db, recordIds);
  const totals = retried > 0 ? await chunkResolver(db, null, RESOLVE_CHUNK).finish() : { quarantined: 0 };
  const result = { retried, resolved: retried - totals.quarantined, quarantined: totals.quarantined };
  await audit(db, actor, 'identity.quarantine_retry', null, { ...result, ...(recordIds ? { recordIds: recordIds.slice(0, 100) } : {}) });
  return result;
}

async function ensureSource(db: Db, name: string, label: string, kind: 'file_import' | 'form' | 'api' | 'tracker' | 'integration') {
  const found = await repo.findSource(db, name);
  if (found) return found;
  await repo.insertSource(db, name, label, kind);
  const created = await repo.findSource(db, name);
  if (!created) throw new Error(`Could not register source ${name}`);
  return created;
}

interface ImportRunRef { id: string; sourceId: string; sourceLabel: string }

/**
 * Links every unresolved record (this run's, or one a killed run left) to a customer: the records and the linked
 * records they share blocking keys with are clustered together (src/domain/match); a cluster that holds records of
 * one existing customer joins it, a cluster of new records only becomes a new customer. Two existing customers are
 * never merged automatically: that pair goes to the review queue.
 *
 * Records are resolved `chunkSize` at a time in id order, each chunk in its own transaction. Up to one chunk, the
 * weights are trained on the chunk (and its linked neighbours) as part of resolving it. Beyond, they are trained once
 * on the first chunk and stored as covering the records from its first on (an open range, closed when nothing is left
 * to resolve) before any chunk is linked, so a re-run after a kill resolves the remaining chunks with the same weights
 * and ends with the ledger of an uninterrupted run.
 *
 * A large file does not wait for its last row: `resolveWholeChunks`, called after each staged batch, resolves a chunk
 * as soon as more than a chunk is waiting, while the worker threads prepare the next rows (prepare-pool.ts). The
 * order of batches and chunks depends on the file alone (a chunk is resolved after the batch that brings the count
 * over `chunkSize`), so an interrupted run's re-run still meets every chunk with the same ledger behind it.
 *
 * A pair a person decided (rejected, or 「今後も統合しない」) is respected without a special case: such pairs are
 * between linked records, the import links only new records, and a decided pair is never proposed again
 * (review_items is unique per pair).
 */
function chunkResolver(
  db: Db,
  /** The file import whose chunks these are (its decisions and 「取り込み」 activities name it); null for other doors. */
  run: ImportRunRef | null,
  chunkSize: number,
  /** After each chunk: records resolved so far, of how many (those resolved and those still waiting). */
  onChunk?: (resolved: number, pending: number) => void,
  neighbourBudget = NEIGHBOUR_BUDGET,
) {
  const totals = { merged: 0, review: 0, customersCreated: 0, resolved: 0, quarantined: 0, seconds: 0 };
  let weights: MatchWeights | null = null;
  /** The search index merge of the last chunk (repo.deferSearchIndexMerge), running beside the next. */
  let merging: Promise<void> = Promise.resolve();
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      totals.seconds += (performance.now() - started) / 1000;
    }
  };
  // More than a chunk waiting: weights trained once (or found, after a kill) before the first chunk is linked.
  const enterChunked = async (pending: { firstId: number | null; lastId: number | null }) => {
    if (weights) return;
    // The planner needs to know the staged rows (PGlite has no autovacuum) before the neighbour queries run.
    await repo.analyzeLedger(db);
    weights = await weightsForChunks(db, pending.firstId!, pending.lastId!, chunkSize, neighbourBudget);
  };
  /**
   * Resolves the first `limit` records waiting, in one transaction; returns how many it took (resolved or set aside).
   * A chunk that fails on its records (not on the database or the connection: mayBeRecordFault) is tried again in
   * halves, down to the one record that fails alone, which is quarantined with its error: one bad record costs
   * log2(chunk) retries once, instead of failing every resolution after it (its form, import or identify answers why).
   */
  const resolveFirst = async (limit: number): Promise<number> => {
    // The records the transaction took (set inside it: a failure before they were read is not theirs).
    const taken: { records: PendingRow[] | null } = { records: null };
    let chunk;
    try {
      chunk = await db.transaction().execute(async (trx) => {
        // One resolver at a time (imports, forms, identify): two resolvers must never link the same record twice.
        await sql`select pg_advisory_xact_lock(${RESOLVE_LOCK_ID})`.execute(trx);
        const records = await repo.listUnresolvedChunk(trx, limit);
        if (records.length === 0) return null;
        taken.records = records;
        if (weights) await repo.deferSearchIndexMerge(trx);
        return { size: records.length, ...(await resolveChunk(trx, records, weights, run, neighbourBudget)) };
      });
    } catch (error) {
      const { records } = taken;
      if (records === null || !mayBeRecordFault(error)) throw error;
      if (records.length === 1) {
        await quarantine(db, records[0]!, error);
        totals.quarantined++;
        return 1;
      }
      const half = Math.ceil(records.length / 2);
      return (await resolveFirst(half)) + (await resolveFirst(records.length - half));
    }
    if (chunk === null) return 0;
    totals.merged += chunk.merged;
    totals.review += chunk.review;
    totals.customersCreated += chunk.customersCreated;
    totals.resolved += chunk.size;
    return chunk.size;
  };
  const resolveOne = async (): Promise<number> => {
    const size = await resolveFirst(chunkSize);
    if (size === 0) return 0;
    // Keeps the next chunk's neighbour probes index-only (a no-op for a single chunk: nothing follows it).
    if (weights) {
      await repo.vacuumMatchKeys(db);
      // The chunk's search entries are merged into the index beside the next chunk (one merge at a time).
      await merging;
      merging = repo.mergeSearchIndex(db);
      merging.catch(() => {}); // awaited before the next merge and in finish; must not be "unhandled" meanwhile
    }
    return size;
  };
  /**
   * Resolves chunks until at most `leave` records are waiting (or a chunk comes back short: nothing more to take);
   * returns how many are left waiting.
   */
  const resolveDownTo = async (leave: number): Promise<number> => {
    for (;;) {
      const pending = await repo.countUnresolved(db);
      if (pending.count <= leave) return pending.count;
      if (pending.count > chunkSize) await enterChunked(pending);
      const size = await resolveOne();
      if (size > 0) onChunk?.(totals.resolved, totals.resolved + pending.count - size);
      if (size < chunkSize) return Math.max(0, pending.count - size);
    }
  };
  return {
    totals,
    /** Resolves whole chunks while more than a chunk is waiting; returns how many records are left waiting. */
    resolveWholeChunks: () => timed(() => resolveDownTo(chunkSize)),
    /** Resolves everything still waiting. */
    finish: () => timed(async () => {
      await resolveDownTo(0);
      await merging;
      if (weights) {
        await repo.analyzeLedger(db);
        // Nothing is left for these weights to cover: a later import trains its own.
        await repo.closeOpenWeights(db);
      }
      return totals;
    }),
  };
}

/** A promise to wait for and the function that fulfils it (Promise.withResolvers is Node 22). */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => { fire = resolve; });
  return { promise, fire };
}

/**
 * Whether a failed resolution may be the fault of a record in it: bad data the database refuses (SQLSTATE classes 22
 * data exception, 23 integrity), or a JavaScript error the matcher hit on some record's data. Not a connection or
 * server failure (a `code` such as ECONNRESET, or another SQLSTATE class: 40 rollback, 53 resources, 57 shutdown…),
 * which would fail every record alike and must fail the run instead of quarantining good records.
 */
function mayBeRecordFault(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith('22') || state.startsWith('23');
  return error instanceof Error && !('code' in error) && !('errno' in error);
}

/** Sets a record aside with its error (logged as one line, without its values: the error names no data). */
async function quarantine(db: Db, record: PendingRow, error: unknown): Promise<void> {
  const reason = resolutionErrorText(error);
  if (await repo.quarantineRecord(db, record.id, reason)) {
    console.error(`identity resolution: record ${record.id} of source ${record.source} quarantined: ${reason}`);
  }
}

/** What is kept of a failure: SQLSTATE, message and detail (never the statement or its parameters), bounded. */
export function resolutionErrorText(error: unknown): string {
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  const detail = error && typeof error === 'object' && 'detail' in error && typeof error.detail === 'string' ? ` (${error.detail})` : '';
  return stripUnstorable(`${state ? `[${state}] ` : ''}${message}${detail}`).slice(0, 1000);
}

/** Record ids as the matcher's ids: zero-padded, so its id order is the file order whatever the id values. */
const matchId = (id: number) => String(id).padStart(16, '0');

/**
 * Weights for a resolution of more than one chunk: the ones stored for a run that covered these records (a killed
 * import's, whose range is still open), else trained on the first chunk and its linked neighbours exactly as
 * resolveBatch would train on it, and stored as covering every record from the chunk's first on before anything is
 * linked (chunkResolver closes the range when nothing is left to resolve).
 */
async function weightsForChunks(db: Db, firstId: number, lastId: number, chunkSize: number, neighbourBudget: number): Promise<MatchWeights> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${RESOLVE_LOCK_ID})`.execute(trx);
    const stored = await repo.findWeightsCovering(trx, firstId, lastId);
    if (stored && weightsFitEngine(stored.weights)) return stored.weights as MatchWeights;
    const { records } = await loadChunkRecords(trx, await repo.listUnresolvedChunk(trx, chunkSize), neighbourBudget);
    const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const comparisons = candidatePairs(sorted, { maxBlockSize: MAX_BLOCK, keysOf: storedKeysOf }).pairs.map(([i, j]) => compareRecords(sorted[i]!, sorted[j]!));
    const weights = trainWeights(sorted, comparisons, { randomPairs: TRAIN_RANDOM_PAIRS });
    await repo.saveWeights(trx, weights, sorted.length, { firstId, lastId: null });
    return weights;
  });
}

/** Stored weights are usable only if they have the levels this version of the matcher compares. */
function weightsFitEngine(weights: unknown): boolean {
  const w = weights as Partial<MatchWeights> | null;
  if (!w || typeof w !== 'object' || !w.m || !w.h || !w.u || !w.prior || !w.tf || !w.thresholds) return false;
  return Object.entries(LEVELS).every(([field, levels]) =>
    [w.m, w.h, w.u].every((table) => (table as Record<string, number[] | undefined>)[field]?.length === levels.length));
}

type PendingRow = Awaited<ReturnType<typeof repo.listUnresolvedChunk>>[number];

/**
 * A chunk's records with the linked records they may join (all members of each candidate customer). Neighbours are
 * found tier by tier (keyTier: strong keys, then whole names, then birth dates); a weaker tier that would take the
 * neighbours past `neighbourBudget` is skipped, with the tiers after it.
 */
async function loadChunkRecords(db: Db, pending: PendingRow[], neighbourBudget: number) {
  // Keys by tier, then by their cap (a weak kind of key has a lower one: blockCap), one probe per cap; and the keys
  // the records are stored under once linked.
  const keysByTier = [0, 1, 2].map(() => new Map<number, Set<string>>());
  const pendingKeys: Array<{ keyHash: string; recordId: number }> = [];
  for (const r of pending) {
    for (const key of storedKeysOf(r.match_record as unknown as StoredMatchRecord)) {
      const keysByCap = keysByTier[keyTier(key)]!;
      const cap = blockCap(key, MAX_BLOCK);
      let hashes = keysByCap.get(cap);
      if (hashes === undefined) keysByCap.set(cap, (hashes = new Set()));
      const hash = storedKeyHash(key);
      hashes.add(hash);
      pendingKeys.push({ keyHash: hash, recordId: r.id });
    }
  }
  // A ledger without linked records (the first chunk of a first import) has no neighbours: skip the probes.
  const neighbours = new Map<number, string>();
  if (await repo.hasLinkedRecords(db)) {
    for (const [tier, keysByCap] of keysByTier.entries()) {
      if (keysByCap.size === 0) continue;
      // listLinkedNeighbours returns each record once; those found by an earlier tier are not counted again.
      const added = (await repo.listLinkedNeighbours(db, keysByCap)).filter((n) => !neighbours.has(n.id));
      if (tier > 0 && neighbours.size + added.length > neighbourBudget) break;
      for (const n of added) neighbours.set(n.id, n.customer_id);
    }
  }
  const members = await repo.listRecordsOfCustomers(db, [...new Set(neighbours.values())]);
  const customerOf = new Map<string, string>(members.map((m) => [matchId(m.id), m.customer_id!]));
  // The parsed match records themselves get their ids (not copies): the keys computed above stay cached on them.
  const records: MatchRecord[] = [...pending, ...members].map((r) => Object.assign(r.match_record as unknown as MatchRecord, { id: matchId(r.id) }));
  return { records, customerOf, pendingKeys };
}

async function resolveChunk(
  trx: Db, pending: PendingRow[], weights: MatchWeights | null, run: ImportRunRef | null, neighbourBudget: number,
) {
  const runId = run?.id ?? null;
  const { records, customerOf, pendingKeys } = await loadChunkRecords(trx, pending, neighbourBudget);
  // Linked neighbours enter as their customers (fixed groups): only pairs with a new record are compared. (resolveBatch
  // reads the map only while it runs; customerOf grows below, after it.) The ledger's size weighs name-only pairs.
  const ledgerRecords = (await repo.linkedRecordCount(trx)) + pending.length;
  // The chunk's keys are stored now, as one statement, and PostgreSQL inserts them while this thread matches (the
  // chunk's probes are done; nothing else reads match_keys before the commit, which links the records with them).
  const keysStored = repo.insertMatchKeys(trx, pendingKeys, Math.max(1, pendingKeys.length));
  keysStored.catch(() => {}); // awaited below; a failure must not be "unhandled" while matching runs
  await sendPending();
  const result = resolveBatch(records, { ...(weights ? { weights } : {}), groups: customerOf, keysOf: storedKeysOf, ledgerRecords });
  if (!weights) await repo.saveWeights(trx, result.weights, records.length);
  const statementOf = new Map<string, SourceStatement>(pending.map((r) => [matchId(r.id), {
    sourceRecordId: r.id, source: r.source, sourcePriority: r.source_priority, receivedAt: r.received_at, fields: r.normalized,
  }]));
  let merged = 0;
  let customersCreated = 0;
  const decisions: Parameters<typeof repo.insertDecisions>[1] = [];
  const created: Array<{ id: string; statements: SourceStatement[] }> = [];
  const joined = new Set<string>();
  const links: Array<{ recordId: number; customerId: string }> = [];
  const linkedTo = new Map<string, number>();
  const clusterOf = new Map<string, number>();
  result.clusters.forEach((cluster, k) => cluster.forEach((id) => clusterOf.set(id, k)));
  for (const [k, cluster] of result.clusters.entries()) {
    // A customer tied to the newcomers by a strong link goes before one reached through a name alone (a namesake).
    const { incoming, ranked } = clusterTargets(cluster, customerOf, result.links[k]);
    if (incoming.length === 0) continue;
    const ids = incoming.map(Number);
    let target = ranked[0];
    if (!target) {
      target = uuidv7();
      created.push({ id: target, statements: incoming.map((id) => statementOf.get(id)!) });
      customersCreated++;
      decisions.push({ kind: 'new', recordId: ids[0]!, customerId: target, rule: 'no_match', runId });
      for (const id of ids.slice(1)) decisions.push({ kind: 'merge', recordId: id, customerId: target, rule: 'cluster', runId });
      merged += ids.length - 1;
    } else {
      joined.add(target);
      for (const id of ids) decisions.push({ kind: 'merge', recordId: id, customerId: target, rule: 'cluster', runId });
      merged += ids.length;
      for (const other of ranked.slice(1)) {
        decisions.push({ kind: 'review', recordId: ids[0]!, customerId: target, otherCustomerId: other, rule: 'cluster_spans_customers', runId });
      }
    }
    for (const id of ids) links.push({ recordId: id, customerId: target });
    linkedTo.set(target, (linkedTo.get(target) ?? 0) + ids.length);
    for (const id of incoming) customerOf.set(id, target);
  }
  const reviewRows: Parameters<typeof repo.insertReviewItems>[1] = [];
  for (const item of result.reviews) {
    if (clusterOf.get(item.a) === clusterOf.get(item.b)) continue;
    if (customerOf.get(item.a) === customerOf.get(item.b)) continue;
    reviewRows.push({ a: Number(item.a), b: Number(item.b), score: item.score, probability: item.probability, rules: item.rules, evidence: item.evidence });
  }
  // New customers are inserted complete (their golden record comes from the records in hand), then every record is
  // linked, then the existing customers that records joined are recomputed: a handful of statements per chunk.
  await createCustomersFromStatements(trx, created);
  await repo.linkRecordsTo(trx, links);
  await repo.addLinkedRecords(trx, links.length);
  await recomputeCustomers(trx, joined);
  await repo.insertDecisions(trx, decisions);
  await repo.insertReviewItems(trx, reviewRows);
  // Forms, tracker and orders write their own activity (submission, page view, purchase): only file imports say 「取り込み」.
  if (run) {
    await repo.insertImportActivities(trx, run.id, [...linkedTo].map(([customerId, n]) => ({ customerId, sourceId: run.sourceId, title: `${run.sourceLabel} から取り込み`, records: n })));
  }
  await keysStored;
  return { merged, review: reviewRows.length, customersCreated };
}
