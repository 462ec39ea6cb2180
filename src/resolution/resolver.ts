import { awaitedLater } from '../core/awaited-later.ts';
import type { Actor } from '../core/context.ts';
import { sqlState } from '../core/errors.ts';
import { type Db } from '../db/database.ts';
import { uuidv7 } from '../db/ids.ts';
import { sendPending } from '../db/send-pending.ts';
import type { SourceStatement } from '../domain/customers/golden.ts';
import { stripUnstorable } from '../domain/normalize/storable.ts';
import { blockCap, candidatePairs, clusterTargets, compareRecords, decidePair, defaultWeights, countLedgerNames, keyTier, LEVELS, MIN_TRAINING_RECORDS, resolveBatch, reviewPattern, trainWeights, type MatchRecord, type MatchWeights, type ResolvedLink } from '../domain/match/index.ts';
import { audit } from '../platform/audit/audit.service.ts';
import { insertImportActivities } from '../ledger/activities/activities.repository.ts';
import { statementOf } from '../ledger/customers/customers.repository.ts';
import { createCustomersFromStatements, recomputeCustomers } from '../ledger/customers/golden.service.ts';
import { deferSearchIndexMerge, mergeSearchIndex } from '../ledger/search/search.repository.ts';
import { refreshValuesOf } from '../ledger/values/values.service.ts';
import { absorbCustomer } from './customer-merge.service.ts';
import * as repo from './resolution.repository.ts';
import { backfillPatterns, learnedDecisions, refreshPriorities } from './review-learning.ts';
import type { QuarantinedRecord } from './resolution.schemas.ts';
import { storedKeyHash, storedKeysOf, type StoredMatchRecord } from './key-hash.ts';

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

/** Random record pairs behind the unrelated class when training for many chunks (bounds the training's memory). */
const TRAIN_RANDOM_PAIRS = 100_000;

export type { QuarantinedRecord } from './resolution.schemas.ts';

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

interface ImportRunRef { id: string; sourceId: string; sourceLabel: string; fileName?: string }

/**
 * Links every unresolved record (this run's, or one a killed run left) to a customer: the records and the linked
 * records they share blocking keys with are clustered together (src/domain/match); a cluster that holds records of
 * one existing customer joins it, a cluster of new records only becomes a new customer. A cluster that holds several
 * existing customers joins the best tied one; another customer tied to the new records by strong evidence (not a
 * name alone) is merged into it — a later file corrects an earlier decision (a bridge, resolveChunk) — unless a person
 * separated the two; one tied by a name alone is left for review.
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
 * A pair a person decided (rejected, or 「今後も統合しない」) is respected: such pairs are between linked records, a
 * decided pair is never proposed again (review_items is unique per pair), and a bridge between two customers a person
 * separated (a rejected pair between them, or a split: separatedCustomerPairs) stays a review case.
 */
export function chunkResolver(
  db: Db,
  /** The file import whose chunks these are (its decisions and 「取り込み」 activities name it); null for other doors. */
  run: ImportRunRef | null,
  chunkSize: number,
  /** After each chunk: records resolved so far, of how many (those resolved and those still waiting). */
  onChunk?: (resolved: number, pending: number) => void,
  neighbourBudget = NEIGHBOUR_BUDGET,
) {
  const totals = { merged: 0, bridged: 0, review: 0, customersCreated: 0, resolved: 0, quarantined: 0, seconds: 0 };
  let weights: MatchWeights | null = null;
  /** The search index merge of the last chunk (deferSearchIndexMerge), running beside the next. */
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
        await repo.lockResolver(trx);
        const records = await repo.listUnresolvedChunk(trx, limit);
        if (records.length === 0) return null;
        taken.records = records;
        if (weights) await deferSearchIndexMerge(trx);
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
    totals.bridged += chunk.bridged;
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
      merging = mergeSearchIndex(db);
      awaitedLater(merging); // before the next merge and in finish
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
    await repo.lockResolver(trx);
    const stored = await repo.findWeightsCovering(trx, firstId, lastId);
    if (stored && weightsFitEngine(stored.weights)) return stored.weights as MatchWeights;
    const { records } = await loadChunkRecords(trx, await repo.listUnresolvedChunk(trx, chunkSize), neighbourBudget);
    const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { pairs, freeMasks } = candidatePairs(sorted, { maxBlockSize: MAX_BLOCK, keysOf: storedKeysOf });
    const comparisons = pairs.map(([i, j]) => compareRecords(sorted[i]!, sorted[j]!));
    const weights = trainWeights(sorted, comparisons, { randomPairs: TRAIN_RANDOM_PAIRS, freeMasks });
    await repo.saveWeights(trx, weights, sorted.length, { firstId, lastId: null });
    return weights;
  });
}

/** The newest usable weights trained on enough records, else the population defaults. */
async function ledgerWeights(db: Db): Promise<MatchWeights> {
  const stored = await repo.findLatestWeights(db, MIN_TRAINING_RECORDS);
  return stored && weightsFitEngine(stored.weights) ? stored.weights as MatchWeights : defaultWeights();
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
  // How many of the ledger's records carry the chunk's written names, the chunk's own included (ledgerLogOdds).
  const chunkNames = countLedgerNames(pending.map((r) => r.match_record as unknown as MatchRecord));
  const ledgerNames = await repo.nameCounts(trx, [...chunkNames.keys()]);
  for (const [key, n] of chunkNames) ledgerNames.set(key, (ledgerNames.get(key) ?? 0) + n);
  // The chunk's keys are stored now, as one statement, and PostgreSQL inserts them while this thread matches (the
  // chunk's probes are done; nothing else reads match_keys before the commit, which links the records with them).
  const keysStored = repo.insertMatchKeys(trx, pendingKeys, Math.max(1, pendingKeys.length));
  awaitedLater(keysStored); // below, once matching has run
  await sendPending();
  // Too few records to train on (a form submission, an identified visitor, a small file): scored with the weights the
  // ledger was last trained with, or the defaults before any sizeable import (MIN_TRAINING_RECORDS says why).
  const given = weights ?? (records.length < MIN_TRAINING_RECORDS ? await ledgerWeights(trx) : null);
  // What the reviewers have settled decides new pairs of the same pattern (review-learning.ts); items stored before
  // patterns were get theirs first, so their labels count.
  await backfillPatterns(trx);
  const learned = await learnedDecisions(trx);
  const result = resolveBatch(records, {
    ...(given ? { weights: given } : {}), groups: customerOf, keysOf: storedKeysOf, ledgerRecords, ledgerNames, ...(learned ? { learned } : {}),
  });
  if (!given) await repo.saveWeights(trx, result.weights, records.length);
  const statementById = new Map<string, SourceStatement>(pending.map((r) => [matchId(r.id), statementOf(r)]));
  let merged = 0;
  let customersCreated = 0;
  const decisions: repo.DecisionRow[] = [];
  const created: Array<{ id: string; statements: SourceStatement[] }> = [];
  const joined = new Set<string>();
  const links: Array<{ recordId: number; customerId: string }> = [];
  const linkedTo = new Map<string, number>();
  const clusterOf = new Map<string, number>();
  result.clusters.forEach((cluster, k) => cluster.forEach((id) => clusterOf.set(id, k)));
  // A record joined through a pattern the reviewers settled says so in its decision (「レビューから学習」).
  const learnedRecords = new Set(result.links.flat().filter((l) => l.learned).flatMap((l) => [l.a, l.b]));
  const ruleOf = (id: number): string => (learnedRecords.has(matchId(id)) ? 'learned_pattern' : 'cluster');
  const bridges: Bridge[] = [];
  /** Name-only ties to a second existing customer: each becomes a review item, so a person sees and decides it. */
  const spanTies: ResolvedLink[] = [];
  for (const [k, cluster] of result.clusters.entries()) {
    // A customer tied to the newcomers by a strong link goes before one reached through a name alone (a namesake).
    const { incoming, ranked, strong } = clusterTargets(cluster, customerOf, result.links[k]);
    if (incoming.length === 0) continue;
    const ids = incoming.map(Number);
    let target = ranked[0];
    if (!target) {
      target = uuidv7();
      created.push({ id: target, statements: incoming.map((id) => statementById.get(id)!) });
      customersCreated++;
      decisions.push({ kind: 'new', recordId: ids[0]!, customerId: target, rule: 'no_match', runId });
      for (const id of ids.slice(1)) decisions.push({ kind: 'merge', recordId: id, customerId: target, rule: ruleOf(id), runId });
      merged += ids.length - 1;
    } else {
      joined.add(target);
      for (const id of ids) decisions.push({ kind: 'merge', recordId: id, customerId: target, rule: ruleOf(id), runId });
      merged += ids.length;
      for (const other of ranked.slice(1)) {
        // Both tied to the newcomers by more than a name, and every cross pair compatible (the cluster's rule): one
        // person, whom an earlier file left as two. A name-only tie stays a review case.
        if (strong.has(target) && strong.has(other)) bridges.push({ target, other, recordIds: ids, links: strongLinks(result.links[k]!, incoming, customerOf, other) });
        else {
          decisions.push({ kind: 'review', recordId: ids[0]!, customerId: target, otherCustomerId: other, rule: 'cluster_spans_customers', runId });
          const tie = bestTie(result.links[k]!, incoming, customerOf, other);
          if (tie) spanTies.push(tie);
        }
      }
    }
    for (const id of ids) links.push({ recordId: id, customerId: target });
    linkedTo.set(target, (linkedTo.get(target) ?? 0) + ids.length);
    for (const id of incoming) customerOf.set(id, target);
  }
  // A pair a person separated (rejected in review, or split) is never merged by the machine: review, as before.
  const separated = await repo.separatedCustomerPairs(trx, bridges.map((b) => [b.target, b.other] as const));
  const merging = bridges.filter((b) => !separated.has(`${b.target}|${b.other}`));
  for (const b of bridges) {
    if (separated.has(`${b.target}|${b.other}`)) {
      decisions.push({ kind: 'review', recordId: b.recordIds[0]!, customerId: b.target, otherCustomerId: b.other, rule: 'cluster_spans_customers', runId });
    }
  }
  // Records of a customer merged away below count as the survivor's for the review items that follow.
  const mergedInto = new Map(merging.map((b) => [b.other, b.target]));
  const customerNow = (id: string): string | undefined => {
    const c = customerOf.get(id);
    return c === undefined ? undefined : mergedInto.get(c) ?? c;
  };
  const reviewRows: Parameters<typeof repo.insertReviewItems>[1] = [];
  for (const item of result.reviews) {
    if (clusterOf.get(item.a) === clusterOf.get(item.b)) continue;
    if (customerNow(item.a) === customerNow(item.b)) continue;
    reviewRows.push({ a: Number(item.a), b: Number(item.b), score: item.score, probability: item.probability, rules: item.rules, evidence: item.evidence, pattern: reviewPattern(item) });
  }
  // The record now belongs to the first customer and the tie to the second is a merge-level link inside the cluster,
  // which resolveBatch does not list as a review: scored here with the same weights, it goes to the queue (a pair
  // a person already decided is never proposed again: review_items is unique per pair).
  const recordById = new Map(records.map((r) => [r.id, r]));
  for (const tie of spanTies) {
    const [ra, rb] = [recordById.get(tie.a), recordById.get(tie.b)];
    if (!ra || !rb) continue;
    const item = decidePair(tie.a, tie.b, compareRecords(ra, rb), result.weights, { ledgerRecords, ledgerNames });
    reviewRows.push({ a: Number(item.a), b: Number(item.b), score: item.score, probability: item.probability, rules: item.rules, evidence: item.evidence, pattern: reviewPattern(item) });
  }
  // New customers are inserted complete (their golden record comes from the records in hand), then every record is
  // linked, then the existing customers that records joined are recomputed: a handful of statements per chunk.
  await createCustomersFromStatements(trx, created);
  await repo.linkRecordsTo(trx, links);
  await repo.addLinkedRecords(trx, links.length);
  // Every record of the chunk is linked now (each cluster's incoming records went to a customer): its names count.
  await repo.addNameCounts(trx, chunkNames);
  // The same merge a person makes (moved records and activities, listeners, decisions, timelines, audit; reversible by
  // unmerge), in this transaction: a killed chunk leaves no half merge. Golden records and values once, below.
  for (const b of merging) {
    const best = b.links[0];
    await absorbCustomer(trx, b.target, b.other, {
      kind: 'auto_merge', score: best?.score ?? null, rule: 'bridged_existing', runId, actor: SYSTEM_ACTOR, recompute: false, refreshValues: false,
      evidence: { records: b.recordIds, links: b.links.map((l) => ({ records: [Number(l.a), Number(l.b)], score: l.score, probability: l.probability })) },
    });
    await audit(trx, SYSTEM_ACTOR, 'identity.auto_merge', { type: 'customer', id: b.target }, {
      merged: [b.other], records: b.recordIds, ...(run ? { importRunId: run.id } : {}),
    });
  }
  await recomputeCustomers(trx, joined);
  if (merging.length) await refreshValuesOf(trx, merging.flatMap((b) => [b.target, b.other]));
  await repo.insertDecisions(trx, decisions);
  await repo.insertReviewItems(trx, reviewRows);
  await refreshPriorities(trx, reviewRows.map((r) => r.pattern));
  // Forms, tracker and orders write their own activity (submission, page view, purchase): only file imports say 「取り込み」.
  if (run) {
    await insertImportActivities(trx, run.id, [...linkedTo].map(([customerId, n]) => ({ customerId, sourceId: run.sourceId, title: `${run.sourceLabel} から取り込み`, records: n })), run.fileName ?? null);
  }
  await keysStored;
  return { merged, bridged: merging.length, review: reviewRows.length, customersCreated };
}

/** Two existing customers one cluster of new records ties by strong evidence: `other` is merged into `target`. */
interface Bridge {
  target: string;
  other: string;
  /** The new records that tie them (they join `target`). */
  recordIds: number[];
  /** The strong links between those records and `other`'s, best first (the merge's evidence). */
  links: ResolvedLink[];
}

/** The resolver's own merges are nobody's: no user, no address (the import run is named in the details). */
const SYSTEM_ACTOR: Actor = { auth: null, ip: null, userAgent: null };

/** The best-scored link between the incoming records and a record of `customer` (the tie that put it in the cluster). */
function bestTie(links: readonly ResolvedLink[], incoming: readonly string[], customerOf: ReadonlyMap<string, string>, customer: string): ResolvedLink | null {
  const ties = tiesTo(incoming, customerOf, customer);
  let best: ResolvedLink | null = null;
  for (const l of links) if (ties(l) && (best === null || l.score > best.score)) best = l;
  return best;
}

function strongLinks(links: readonly ResolvedLink[], incoming: readonly string[], customerOf: ReadonlyMap<string, string>, customer: string): ResolvedLink[] {
  const ties = tiesTo(incoming, customerOf, customer);
  return links.filter((l) => !l.weak && !l.learned && ties(l));
}

/** Whether a link joins one of the incoming records to a record of `customer`. */
function tiesTo(incoming: readonly string[], customerOf: ReadonlyMap<string, string>, customer: string): (l: ResolvedLink) => boolean {
  const isIncoming = new Set(incoming);
  return (l) => (isIncoming.has(l.a) && customerOf.get(l.b) === customer) || (isIncoming.has(l.b) && customerOf.get(l.a) === customer);
}

/**
 * Rewrites the dashboards' rollups of the records — first touches, customers' sources, records' joined flags — in one
 * transaction, then the ledger's name counts and its count of linked records in another (the daily pass; the bench
 * after its SQL load).
 */
export async function rebuildRecordRollups(db: Db): Promise<void> {
  await db.transaction().execute((trx) => repo.rebuildRecordRollups(trx));
  // The ledger's name counts, put right where a re-import changed a linked record's name (addNameCounts says why
  // staging leaves them), and its count of linked records, under the resolver lock: no chunk links records while they
  // are recounted.
  await db.transaction().execute(async (trx) => {
    await repo.lockResolver(trx);
    await repo.rebuildNameCounts(trx);
    await repo.recountLinkedRecords(trx);
  });
}
