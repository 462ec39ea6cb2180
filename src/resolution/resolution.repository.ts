/**
 * The one writer of what identity resolution works on: source records (staged, linked, moved, quarantined), their
 * blocking keys, the matcher's decisions and weights, and the review queue.
 */
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../db/database.ts';
import { keyHash } from './key-hash.ts';

/** Existing records of a batch: (external id → id, content hash, customer) to tell new, updated and unchanged apart. */
export async function findRecords(db: Db, sourceId: string, externalIds: string[]) {
  if (externalIds.length === 0) return [];
  return db
    .selectFrom('source_records')
    .select(['id', 'external_id', 'content_hash', 'customer_id'])
    .where('source_id', '=', sourceId)
    .where(sql<SqlBool>`external_id = ANY(${externalIds}::text[])`)
    .execute();
}

/** A record as staging writes it: JSON documents already serialised (src/intake/files/stage-prepare.ts). */
export interface StagedRecord {
  externalId: string;
  rawJson: string;
  statementJson: string;
  contentHash: string;
  matchRecordJson: string;
}

export async function insertRecords(db: Db, sourceId: string, records: readonly StagedRecord[], userId: string | null) {
  if (records.length === 0) return [];
  return db
    .insertInto('source_records')
    .values(records.map((r) => ({
      source_id: sourceId,
      external_id: r.externalId,
      raw: r.rawJson,
      normalized: r.statementJson,
      content_hash: r.contentHash,
      match_record: r.matchRecordJson,
      created_by_user_id: userId,
    })))
    .onConflict((oc) => oc.columns(['source_id', 'external_id']).doNothing())
    .returning(['id', 'external_id'])
    .execute();
}

/** The prepared forms records have now (to derive the blocking keys they were stored under). */
export async function findMatchRecords(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('source_records').select(['id', 'match_record']).where(sql<SqlBool>`id = ANY(${ids}::bigint[])`).execute();
}

/** Removes (key, record) pairs from match_keys (keys as hashed by key-hash.ts). */
export async function deleteMatchKeys(db: Db, rows: ReadonlyArray<{ keyHash: string; recordId: number }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows.slice(i, i + 20_000);
    await sql`DELETE FROM match_keys USING unnest(${chunk.map((r) => r.keyHash)}::bigint[], ${chunk.map((r) => r.recordId)}::bigint[]) AS v(key_hash, id)
      WHERE match_keys.key_hash = v.key_hash AND match_keys.source_record_id = v.id`.execute(db);
  }
}

/** A changed record gets its new content (its old match keys are deleted by the caller, see deleteMatchKeys). */
export async function updateRecord(db: Db, id: number, r: StagedRecord): Promise<void> {
  const updated = await db
    .updateTable('source_records')
    .set({
      raw: r.rawJson,
      normalized: r.statementJson,
      content_hash: r.contentHash,
      match_record: r.matchRecordJson,
      // The database's clock, like an insert's defaults.
      updated_at: sql<Date>`now()`,
      received_at: sql<Date>`now()`,
      // New content is a new chance: a record set aside by a failed resolution goes back in the queue.
      quarantined_at: null,
      resolution_error: null,
    })
    .where('id', '=', id)
    .returning('customer_id')
    .execute();
  // Its arrival moved: its customer's first touch may have changed.
  await refreshRecordRollupsOf(db, updated.map((u) => u.customer_id));
}

/**
 * Blocking keys (hashed) of staged records; two array parameters per `perStatement` keys (20,000 unless said),
 * inserted in key order (the index pages are then visited in order: measured half the time of the file's random order).
 */
export async function insertMatchKeys(db: Db, rows: ReadonlyArray<{ keyHash: string; recordId: number }>, perStatement = 20_000): Promise<void> {
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    await sql`INSERT INTO match_keys (key_hash, source_record_id)
      SELECT * FROM unnest(${chunk.map((r) => r.keyHash)}::bigint[], ${chunk.map((r) => r.recordId)}::bigint[]) AS v(key_hash, id)
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING`.execute(db);
  }
}

/** How many records still need resolving (new ones, and any a killed run left behind), and their id range. */
export async function countUnresolved(db: Db): Promise<{ count: number; firstId: number | null; lastId: number | null }> {
  const row = await db
    .selectFrom('source_records')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('id').as('first_id'), eb.fn.max('id').as('last_id')])
    .where('customer_id', 'is', null)
    .where('match_record', 'is not', null)
    .where('quarantined_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), firstId: row.first_id === null ? null : Number(row.first_id), lastId: row.last_id === null ? null : Number(row.last_id) };
}

/**
 * The next `limit` unresolved records in id (= staging) order, with what survivorship needs: the matcher's form,
 * the statement, when it arrived and its source's name and priority.
 */
export async function listUnresolvedChunk(db: Db, limit: number) {
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select([
      'source_records.id', 'source_records.match_record', 'source_records.normalized', 'source_records.received_at',
      'sources.name as source', 'sources.priority as source_priority',
    ])
    .where('source_records.customer_id', 'is', null)
    .where('source_records.match_record', 'is not', null)
    .where('source_records.quarantined_at', 'is', null)
    .orderBy('source_records.id')
    .limit(limit)
    .execute();
}

/** Sets a record that failed to resolve on its own aside, with why (unless something linked it meanwhile). */
export async function quarantineRecord(db: Db, id: number, error: string): Promise<boolean> {
  const result = await db
    .updateTable('source_records')
    .set({ quarantined_at: sql<Date>`now()`, resolution_error: error })
    .where('id', '=', id)
    .where('customer_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Puts quarantined records back in the resolution queue (all of them, or those given); returns how many. */
export async function releaseQuarantined(db: Db, ids?: readonly number[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  let query = db
    .updateTable('source_records')
    .set({ quarantined_at: null, resolution_error: null })
    .where('quarantined_at', 'is not', null);
  if (ids) query = query.where('id', 'in', [...ids]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Quarantined records, oldest first, with their source; the statement says whom they are about. */
export async function listQuarantined(db: Db, limit: number) {
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select([
      'source_records.id', 'source_records.external_id', 'source_records.normalized', 'source_records.received_at',
      'source_records.quarantined_at', 'source_records.resolution_error', 'sources.name as source', 'sources.label as source_label',
    ])
    .where('source_records.quarantined_at', 'is not', null)
    .orderBy('source_records.quarantined_at')
    .orderBy('source_records.id')
    .limit(limit)
    .execute();
}

export async function countQuarantined(db: Db): Promise<number> {
  const row = await db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n')).where('quarantined_at', 'is not', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Already-linked records that have one of the given blocking keys (hashed, grouped by their cap); a key shared by
 * more records than its cap is too common to say anything and is skipped, which keeps the cost linear. One index probe per key,
 * bounded by cap + 1 rows (the extra row tells an oversized block), then the found records' customers by id.
 */
export async function listLinkedNeighbours(db: Db, keysByCap: ReadonlyMap<number, ReadonlySet<string>>) {
  // Per cap (each kind of key has its own: blockCap), in slices of keys: a key's answer does not depend on the others,
  // and a slice bounds what one statement holds (PGlite keeps the memory its largest statement needed).
  const found = new Map<number, string>();
  for (const [maxBlock, hashes] of keysByCap) {
    const distinct = [...hashes];
    for (let i = 0; i < distinct.length; i += PROBE_SLICE) {
      for (const r of await probeNeighbours(db, distinct.slice(i, i + PROBE_SLICE), maxBlock)) found.set(r.id, r.customer_id);
    }
  }
  return [...found].map(([id, customer_id]) => ({ id, customer_id }));
}

const PROBE_SLICE = 25_000;

async function probeNeighbours(db: Db, keyHashes: readonly string[], maxBlock: number) {
  const rows = await sql<{ id: number; customer_id: string }>`
    WITH probe AS MATERIALIZED (
      SELECT m.source_record_id, count(*) OVER (PARTITION BY k.key_hash) AS n
      -- In key order, the probes walk the index from left to right (3× faster than the file's random order).
      FROM (SELECT key_hash FROM unnest(${keyHashes}::bigint[]) AS key_hash ORDER BY 1) k
      CROSS JOIN LATERAL (SELECT m.source_record_id FROM match_keys m WHERE m.key_hash = k.key_hash LIMIT ${maxBlock + 1}) m
    )
    SELECT r.id, r.customer_id
    FROM (SELECT DISTINCT source_record_id FROM probe WHERE n <= ${maxBlock} ORDER BY 1) p
    -- LATERAL + LIMIT keeps this a primary-key lookup per record, in id (= physical) order: the planner cannot
    -- estimate the probe's size and would otherwise hash-join against a scan of the whole of source_records (seen at
    -- 1M records: 2 GB read for every slice).
    CROSS JOIN LATERAL (
      SELECT sr.id, sr.customer_id FROM source_records sr WHERE sr.id = p.source_record_id AND sr.customer_id IS NOT NULL LIMIT 1
    ) r`.execute(db);
  return rows.rows.map((r) => ({ id: Number(r.id), customer_id: r.customer_id }));
}

/** Whether any record with a matcher form is linked to a customer yet (source_records_customer_idx answers it). */
export async function hasLinkedRecords(db: Db): Promise<boolean> {
  const row = await db.selectFrom('source_records').select('id').where('customer_id', 'is not', null).where('match_record', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Every record of the given customers (the matcher checks a newcomer against all members: no chaining). */
export async function listRecordsOfCustomers(db: Db, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  return db
    .selectFrom('source_records')
    .select(['id', 'customer_id', 'match_record'])
    .where(sql<SqlBool>`customer_id = ANY(${customerIds}::uuid[])`)
    .where('match_record', 'is not', null)
    .execute();
}

/** Records identity resolution has linked so far (the ledger a chunk is resolved against). */
export async function linkedRecordCount(db: Db): Promise<number> {
  const row = await db.selectFrom('resolution_stats').select('linked_records').executeTakeFirst();
  return row ? Number(row.linked_records) : 0;
}

export async function addLinkedRecords(db: Db, n: number): Promise<void> {
  if (n > 0) await db.updateTable('resolution_stats').set((eb) => ({ linked_records: eb('linked_records', '+', n) })).execute();
}

/** Takes erased linked records off the count (never below 0). */
async function removeLinkedRecords(db: Db, n: number): Promise<void> {
  if (n > 0) await sql`UPDATE resolution_stats SET linked_records = GREATEST(0, linked_records - ${n})`.execute(db);
}

/** Counts the linked records again, as migration 0010 first did (the daily pass, under the resolver lock). */
export async function recountLinkedRecords(db: Db): Promise<void> {
  await sql`UPDATE resolution_stats SET linked_records =
    (SELECT count(*) FROM source_records WHERE customer_id IS NOT NULL AND match_record IS NOT NULL)`.execute(db);
}

/**
 * The ledger's counts of these name keys (countLedgerNames: 'ft', 'ft:<family>', 'gt', 'gt:<given>'); a key no linked
 * record carries is absent.
 */
export async function nameCounts(db: Db, keys: readonly string[]): Promise<Map<string, number>> {
  const byHash = new Map(keys.map((k) => [keyHash(k), k]));
  const out = new Map<string, number>();
  if (byHash.size === 0) return out;
  const rows = await sql<{ name_hash: string; records: number }>`SELECT name_hash::text AS name_hash, records FROM name_part_counts
    WHERE name_hash = ANY(${[...byHash.keys()]}::bigint[])`.execute(db);
  for (const r of rows.rows) out.set(byHash.get(String(r.name_hash))!, Number(r.records));
  return out;
}

/**
 * The written names of linked source records as their name_part_counts keys (the hash of 'ft', 'ft:<family>', 'gt',
 * 'gt:<given>', as keyHash computes it), one row a key and record: the same reading as migration 0049's backfill.
 */
function nameKeysOf(records: ReturnType<typeof sql>) {
  return sql`SELECT ('x' || substr(md5(k), 1, 16))::bit(64)::bigint AS name_hash FROM (
      SELECT unnest(ARRAY['ft', 'ft:' || (match_record->'family'->>'text')]) AS k FROM source_records
        WHERE ${records} AND customer_id IS NOT NULL AND match_record->'family'->>'text' IS NOT NULL
      UNION ALL
      SELECT unnest(ARRAY['gt', 'gt:' || (match_record->'given'->>'text')]) FROM source_records
        WHERE ${records} AND customer_id IS NOT NULL AND match_record->'given'->>'text' IS NOT NULL
    ) names`;
}

/**
 * Adds a batch of newly linked records' names to the ledger's counts (key → records, countLedgerNames of the
 * records in hand). Rows are written in key order, so two writers never wait on each other crosswise. A linked record
 * whose name changes on re-import keeps its old count until the daily recount (staging runs beside resolution and
 * would hold these rows for its whole transaction).
 */
export async function addNameCounts(db: Db, counts: ReadonlyMap<string, number>): Promise<void> {
  if (counts.size === 0) return;
  const keys = [...counts.keys()];
  await sql`INSERT INTO name_part_counts (name_hash, records)
    SELECT * FROM unnest(${keys.map(keyHash)}::bigint[], ${keys.map((k) => counts.get(k)!)}::integer[]) AS v(name_hash, records)
    ORDER BY 1
    ON CONFLICT (name_hash) DO UPDATE SET records = name_part_counts.records + EXCLUDED.records`.execute(db);
}

/**
 * Takes the names of these records, those of them that are linked, away from the ledger's counts (records about to be
 * deleted), in key order; a count that reaches 0 is deleted, so an erased name leaves no trace.
 */
export async function removeNameCountsOf(db: Db, recordIds: readonly number[]): Promise<void> {
  if (recordIds.length === 0) return;
  const shifted = await sql<{ name_hash: string }>`INSERT INTO name_part_counts (name_hash, records)
    SELECT name_hash, -count(*)::integer FROM (${nameKeysOf(sql`id = ANY(${recordIds}::bigint[])`)}) keys
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (name_hash) DO UPDATE SET records = name_part_counts.records + EXCLUDED.records
    RETURNING name_hash::text AS name_hash`.execute(db);
  if (shifted.rows.length > 0) {
    await sql`DELETE FROM name_part_counts WHERE name_hash = ANY(${shifted.rows.map((r) => r.name_hash)}::bigint[]) AND records <= 0`.execute(db);
  }
}

/** Recounts every linked record's names (the daily pass, under the resolver lock). */
export async function rebuildNameCounts(db: Db): Promise<void> {
  await sql`DELETE FROM name_part_counts`.execute(db);
  await sql`INSERT INTO name_part_counts (name_hash, records)
    SELECT name_hash, count(*)::integer FROM (${nameKeysOf(sql`TRUE`)}) keys GROUP BY 1`.execute(db);
}

/** Links many records at once (record id → customer id). */
export async function linkRecordsTo(db: Db, links: ReadonlyArray<{ recordId: number; customerId: string }>): Promise<void> {
  for (let i = 0; i < links.length; i += 20_000) {
    const chunk = links.slice(i, i + 20_000);
    const before = await sql<{ customer_id: string | null }>`SELECT DISTINCT customer_id FROM source_records WHERE id = ANY(${chunk.map((l) => l.recordId)}::bigint[])`.execute(db);
    await sql`UPDATE source_records SET customer_id = v.customer_id
      FROM unnest(${chunk.map((l) => l.recordId)}::bigint[], ${chunk.map((l) => l.customerId)}::uuid[]) AS v(id, customer_id)
      WHERE source_records.id = v.id`.execute(db);
    await refreshRecordRollupsOf(db, [...before.rows.map((r) => r.customer_id), ...chunk.map((l) => l.customerId)]);
  }
}

/**
 * A matcher's or a person's decision about a record (new, merge, review, auto merge of two existing customers; accept,
 * reject, never, unmerge, manual merge).
 */
export interface DecisionRow {
  kind: 'new' | 'merge' | 'review' | 'accept' | 'reject' | 'never' | 'unmerge' | 'manual_merge' | 'auto_merge';
  recordId: number | null;
  customerId: string | null;
  otherCustomerId?: string | null;
  score?: number | null;
  rule: string;
  evidence?: unknown;
  /** The import run that made it (automatic decisions). */
  runId?: string | null;
  /** The person who made it (review decisions, merges, splits). */
  userId?: string | null;
}

/** The distinct records of these decision rows that joined a customer who already existed. */
function joinedRecordIds(rows: ReadonlyArray<{ source_record_id: string | number | null; joined_existing: boolean }>): number[] {
  return [...new Set(rows.filter((d) => d.joined_existing && d.source_record_id !== null).map((d) => Number(d.source_record_id)))];
}

/**
 * Stores decisions. `joined_existing` is decided here, once: a merge, an accepted review or an automatic merge of a record whose customer
 * was created before the decision (now(), the decision's created_at) joined an existing customer — the dashboards'
 * merges by source count those records. The customer's creation time and the decision's never change afterwards.
 */
export async function insertDecisions(db: Db, rows: readonly DecisionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const stored = await db.insertInto('match_decisions').values(rows.slice(i, i + 2000).map((r) => ({
      kind: r.kind,
      joined_existing: (r.kind === 'merge' || r.kind === 'accept' || r.kind === 'auto_merge') && r.recordId !== null && r.customerId !== null
        ? sql<boolean>`COALESCE((SELECT t.created_at < now() FROM customers t WHERE t.id = ${r.customerId}::uuid), FALSE)`
        : false,
      source_record_id: r.recordId,
      customer_id: r.customerId,
      other_customer_id: r.otherCustomerId ?? null,
      score: r.score ?? null,
      rule: r.rule,
      evidence: JSON.stringify(r.evidence ?? []),
      ...(r.runId ? { import_run_id: r.runId } : {}),
      ...(r.userId ? { decided_by_user_id: r.userId } : {}),
    }))).returning(['source_record_id', 'joined_existing']).execute();
    // The record keeps the answer too (migration 0043): the merges by source count flagged records from their index.
    const joined = joinedRecordIds(stored);
    if (joined.length) {
      await sql`UPDATE source_records SET joined_existing = TRUE WHERE id = ANY(${joined}::bigint[]) AND NOT joined_existing`.execute(db);
    }
  }
}

/** A person's verdict on one item; `teaches`: the verdict counts as a label of the item's pattern (feedback.ts). */
export async function setReviewStatus(
  db: Db, id: number, status: 'open' | 'accepted' | 'rejected' | 'never', userId: string | null, teaches = false,
): Promise<void> {
  await db.updateTable('review_items').set({ status, decided_by_user_id: userId, decided_at: new Date(), teaches }).where('id', '=', id).execute();
}

/**
 * Gives the other open items between the same two customers the decided item's verdict: the queue shows one item per
 * customer pair, so a rejection is about the two customers, not about the one record pair that was on screen.
 */
export async function setReviewStatusOfCustomerPair(
  db: Db, decidedId: number, customers: readonly [string, string], status: 'rejected' | 'never', userId: string | null,
): Promise<void> {
  const [x, y] = customers;
  await db.updateTable('review_items').set({ status, decided_by_user_id: userId, decided_at: new Date() })
    .where('status', '=', 'open')
    .where('id', '<>', decidedId)
    .where((eb) => eb.exists(eb.selectFrom('source_records as ra').innerJoin('source_records as rb', (j) => j.onTrue())
      .select(sql<number>`1`.as('one'))
      .whereRef('ra.id', '=', 'review_items.record_a_id')
      .whereRef('rb.id', '=', 'review_items.record_b_id')
      .where((w) => w.or([
        w.and([w('ra.customer_id', '=', x), w('rb.customer_id', '=', y)]),
        w.and([w('ra.customer_id', '=', y), w('rb.customer_id', '=', x)]),
      ]))))
    .execute();
}

/**
 * Of the given pairs of customers, those a person has separated (as `a|b`, the pair as given): a review pair between
 * their records that was rejected or marked 「今後も統合しない」 (a rejection is about the two customers, see
 * setReviewStatusOfCustomerPair), or records split out of one into the other (unmerge). A customer stands for itself
 * and the customers merged into it (one step back: a split customer later merged by a person still counts). The
 * resolver never merges such a pair on its own.
 */
export async function separatedCustomerPairs(db: Db, pairs: ReadonlyArray<readonly [string, string]>): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await sql<{ a: string; b: string }>`
    WITH v AS (SELECT * FROM unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]) AS v(a, b)),
    lineage AS (
      SELECT c.id AS root, c.id AS cid FROM (SELECT a AS id FROM v UNION SELECT b FROM v) c
      UNION
      SELECT d.customer_id, d.other_customer_id FROM match_decisions d
      WHERE d.customer_id IN (SELECT a FROM v UNION SELECT b FROM v) AND d.kind IN ('accept', 'manual_merge', 'auto_merge')
        AND d.other_customer_id IS NOT NULL
    )
    SELECT v.a, v.b FROM v
    WHERE EXISTS (
      SELECT 1 FROM source_records ra JOIN review_items ri ON ri.record_a_id = ra.id JOIN source_records rb ON rb.id = ri.record_b_id
      WHERE ri.status IN ('rejected', 'never')
        AND ((ra.customer_id = v.a AND rb.customer_id = v.b) OR (ra.customer_id = v.b AND rb.customer_id = v.a))
        AND ra.customer_id IN (v.a, v.b)
    ) OR EXISTS (
      SELECT 1 FROM lineage la JOIN lineage lb ON lb.root = v.b
      JOIN match_decisions d ON d.kind = 'unmerge'
        AND ((d.customer_id = la.cid AND d.other_customer_id = lb.cid) OR (d.customer_id = lb.cid AND d.other_customer_id = la.cid))
      WHERE la.root = v.a
    )`.execute(db);
  return new Set(rows.rows.map((r) => `${r.a}|${r.b}`));
}

/** Moves every source record of `fromId` to `toId` (a merge); returns the moved record ids. */
export async function moveAllRecords(db: Db, fromId: string, toId: string): Promise<number[]> {
  const moved = await db.updateTable('source_records').set({ customer_id: toId, updated_at: new Date() })
    .where('customer_id', '=', fromId).returning('id').execute();
  await refreshRecordRollupsOf(db, [fromId, toId]);
  return moved.map((r) => r.id);
}

/** Moves the given source records from one customer to another (a split). */
export async function moveRecords(db: Db, recordIds: readonly number[], fromId: string, toId: string): Promise<void> {
  if (recordIds.length === 0) return;
  await db.updateTable('source_records').set({ customer_id: toId, updated_at: new Date() })
    .where('customer_id', '=', fromId).where('id', 'in', recordIds).execute();
  await refreshRecordRollupsOf(db, [fromId, toId]);
}

export async function insertReviewItems(
  db: Db, rows: Array<{ a: number; b: number; score: number; probability: number; rules: string[]; evidence: unknown; pattern: string }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insertInto('review_items').values(rows.slice(i, i + 2000).map((r) => ({
      record_a_id: Math.min(r.a, r.b),
      record_b_id: Math.max(r.a, r.b),
      score: r.score,
      probability: r.probability,
      rules: JSON.stringify(r.rules),
      evidence: JSON.stringify(r.evidence),
      pattern: r.pattern,
    }))).onConflict((oc) => oc.columns(['record_a_id', 'record_b_id']).doNothing()).execute();
  }
}

// ── learning from the queue (src/domain/match/feedback.ts) ──

export interface PatternCounts {
  pattern: string;
  accepted: number;
  rejected: number;
  open: number;
}

/** Per pattern, counted now: the labels (items a person decided one by one: accepted, or rejected / never) and the open items. */
export async function patternCounts(db: Db, patterns: readonly string[]): Promise<PatternCounts[]> {
  if (patterns.length === 0) return [];
  const rows = await db.selectFrom('review_items')
    .select((eb) => [
      'pattern',
      eb.fn.sum<string>(sql`CASE WHEN status = 'accepted' AND teaches THEN 1 ELSE 0 END`).as('accepted'),
      eb.fn.sum<string>(sql`CASE WHEN status IN ('rejected', 'never') AND teaches THEN 1 ELSE 0 END`).as('rejected'),
      eb.fn.sum<string>(sql`CASE WHEN status = 'open' THEN 1 ELSE 0 END`).as('open'),
    ])
    .where('pattern', 'in', [...patterns])
    .groupBy('pattern')
    .execute();
  return rows.map((r) => ({ pattern: r.pattern!, accepted: Number(r.accepted), rejected: Number(r.rejected), open: Number(r.open) }));
}

/** The stored tallies of every pattern with a label (what the importer needs to decide new pairs). */
export async function labelledPatterns(db: Db): Promise<PatternCounts[]> {
  return db.selectFrom('review_patterns').select(['pattern', 'accepted', 'rejected', 'open'])
    .where(sql<boolean>`accepted + rejected > 0`).execute();
}

/** Stores each pattern's tally and priority (one row a pattern). */
export async function savePatterns(db: Db, rows: ReadonlyArray<PatternCounts & { priority: number }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('review_patterns')
      .values(rows.slice(i, i + 1000).map((r) => ({ pattern: r.pattern, open: r.open, accepted: r.accepted, rejected: r.rejected, priority: r.priority })))
      .onConflict((oc) => oc.column('pattern').doUpdateSet((eb) => ({
        open: eb.ref('excluded.open'), accepted: eb.ref('excluded.accepted'), rejected: eb.ref('excluded.rejected'),
        priority: eb.ref('excluded.priority'), updated_at: sql<Date>`now()`,
      })))
      .execute();
  }
}

/** Items stored before patterns were (migration 0042), a batch at a time, for the resolver to fill in. */
export async function listItemsWithoutPattern(db: Db, limit: number) {
  return db.selectFrom('review_items').select(['id', 'rules', 'evidence', 'probability']).where('pattern', 'is', null).orderBy('id').limit(limit).execute();
}

export async function setItemPatterns(db: Db, rows: ReadonlyArray<{ id: number; pattern: string }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`UPDATE review_items SET pattern = v.pattern
    FROM (VALUES ${sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.pattern})`))}) AS v(id, pattern)
    WHERE review_items.id = v.id`.execute(db);
}

export async function saveWeights(db: Db, weights: unknown, trainedOn: number, range?: { firstId: number; lastId: number | null }): Promise<void> {
  await db.insertInto('match_weights').values({
    weights: JSON.stringify(weights),
    trained_on: trainedOn,
    first_record_id: range?.firstId ?? null,
    last_record_id: range?.lastId ?? null,
  }).execute();
}

/**
 * The newest weights trained for a multi-chunk resolution that covers every record in [firstId, lastId]: a range that
 * is still open (last_record_id null) covers every record from its first on (a resolution that has not finished).
 */
export async function findWeightsCovering(db: Db, firstId: number, lastId: number) {
  return db
    .selectFrom('match_weights')
    .select(['weights', 'trained_on'])
    .where('first_record_id', '<=', firstId)
    .where((eb) => eb.or([eb('last_record_id', '>=', lastId), eb('last_record_id', 'is', null)]))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The newest weights trained on at least `minRecords` records (the ledger's last sizeable training), if any. */
export async function findLatestWeights(db: Db, minRecords: number) {
  return db
    .selectFrom('match_weights')
    .select(['weights', 'trained_on'])
    .where('trained_on', '>=', minRecords)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Closes the open ranges of multi-chunk weights at the last record there is (nothing is left for them to cover). */
export async function closeOpenWeights(db: Db): Promise<void> {
  await db
    .updateTable('match_weights')
    .set((eb) => ({ last_record_id: eb.selectFrom('source_records').select((s) => s.fn.max('id').as('max')) }))
    .where('first_record_id', 'is not', null)
    .where('last_record_id', 'is', null)
    .execute();
}

/** Fresh planner statistics for source_records while a large file is staged. */
export async function analyzeRecords(db: Db): Promise<void> {
  // The row count and the key columns are what the plan needs; the wide JSON columns would make it ten times dearer.
  await sql`ANALYZE source_records (source_id, external_id, customer_id)`.execute(db);
}

/** Fresh planner statistics after a large import (PGlite has no autovacuum to do it). */
export async function analyzeLedger(db: Db): Promise<void> {
  await sql`ANALYZE source_records`.execute(db);
  // VACUUM as well: it marks key pages written since the last one all-visible, so neighbour probes are index-only
  // scans instead of one heap visit per key found (measured 1.5 → 0.85 s a chunk). A narrow table: cheap.
  // (VACUUM cannot run inside a transaction: a caller inside one gets the plain ANALYZE.)
  if (db.isTransaction) await sql`ANALYZE match_keys`.execute(db);
  else await sql`VACUUM (ANALYZE) match_keys`.execute(db);
  await sql`ANALYZE customers`.execute(db);
}

/**
 * Marks the pages of the keys linked since the last call all-visible, so the next chunk's neighbour probes stay
 * index-only scans (keys are stored as records are linked, chunk by chunk). Only new pages are visited: the cost is
 * the chunk's, not the table's. Outside a transaction only (VACUUM cannot run in one); a no-op inside.
 */
export async function vacuumMatchKeys(db: Db): Promise<void> {
  if (!db.isTransaction) await sql`VACUUM match_keys`.execute(db);
}

export async function insertSourceRecord(
  db: Db,
  values: { sourceId: string; externalId: string; customerId: string; raw: unknown; normalized: unknown; contentHash: string; userId: string | null; matchRecord?: unknown },
) {
  const record = await db
    .insertInto('source_records')
    .values({
      source_id: values.sourceId,
      external_id: values.externalId,
      customer_id: values.customerId,
      raw: JSON.stringify(values.raw),
      normalized: JSON.stringify(values.normalized),
      content_hash: values.contentHash,
      created_by_user_id: values.userId,
      ...(values.matchRecord === undefined ? {} : { match_record: JSON.stringify(values.matchRecord) }),
    })
    .returning(['id', 'received_at'])
    .executeTakeFirstOrThrow();
  await refreshRecordRollupsOf(db, [values.customerId]);
  return record;
}

/** Advisory lock that serialises identity resolution across processes (held to the end of the transaction). */
const RESOLVE_LOCK_ID = 4_242_001;

export async function lockResolver(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(${RESOLVE_LOCK_ID})`.execute(db);
}

/** Source records set aside because their identity resolution failed (resolution errors waiting for a retry). */
export async function countQuarantinedRecords(db: Db): Promise<number> {
  const row = await db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n')).where('quarantined_at', 'is not', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * 消去 (src/ledger/privacy): the customers' source records as received, their match keys, the decisions and review
 * pairs that name them (their evidence quotes values). Called after every row pointing at the records is gone.
 */
export async function eraseRecordsOf(db: Db, customerIds: readonly string[], recordIds: readonly number[]): Promise<number> {
  if (recordIds.length) {
    await db.deleteFrom('match_keys').where('source_record_id', 'in', recordIds).execute();
    await db.deleteFrom('review_items').where((eb) => eb.or([eb('record_a_id', 'in', recordIds), eb('record_b_id', 'in', recordIds)])).execute();
  }
  if (customerIds.length || recordIds.length) {
    const gone = await db.deleteFrom('match_decisions').where((eb) => eb.or([
      ...(recordIds.length ? [eb('source_record_id', 'in', recordIds)] : []),
      ...(customerIds.length ? [eb('customer_id', 'in', customerIds), eb('other_customer_id', 'in', customerIds)] : []),
    ])).returning(['source_record_id', 'joined_existing']).execute();
    // A record kept (moved to another customer before) whose joining decision named an erased customer: its flag
    // follows the decisions it still has.
    const unflag = joinedRecordIds(gone);
    if (unflag.length) {
      await sql`UPDATE source_records sr SET joined_existing = FALSE WHERE sr.id = ANY(${unflag}::bigint[]) AND sr.joined_existing
        AND NOT EXISTS (SELECT 1 FROM match_decisions d WHERE d.source_record_id = sr.id AND d.joined_existing)`.execute(db);
    }
  }
  if (recordIds.length === 0) return 0;
  await removeNameCountsOf(db, recordIds);
  const r = await db.deleteFrom('source_records').where('id', 'in', recordIds)
    .returning(['customer_id', sql<boolean>`match_record IS NOT NULL`.as('matchable')]).execute();
  // The ledger a later record is matched against is smaller by the linked records erased (linkedRecordCount).
  await removeLinkedRecords(db, r.filter((x) => x.customer_id !== null && x.matchable).length);
  // Customers kept (a retention delete) get their first record again; erased ones have none left.
  await refreshRecordRollupsOf(db, r.map((x) => x.customer_id));
  return r.length;
}

/**
 * The dashboards' rollups of the records (kept here, by the one writer of source_records): each customer's first
 * touch (customer_first_touch, migration 0040: its earliest record, received first, ties by id, with its source) and
 * its set of sources (customer_sources, 0043), rewritten for every customer whose records were linked, moved, changed
 * (a changed record's arrival moves) or deleted; rebuilt whole by the daily pass.
 */
export async function refreshRecordRollupsOf(db: Db, customerIds: ReadonlyArray<string | null>): Promise<void> {
  const ids = [...new Set(customerIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  await sql`DELETE FROM customer_first_touch WHERE customer_id = ANY(${ids}::uuid[])`.execute(db);
  await sql`INSERT INTO customer_first_touch (customer_id, source_id, received_at, source_record_id)
    SELECT DISTINCT ON (sr.customer_id) sr.customer_id, sr.source_id, sr.received_at, sr.id FROM source_records sr
    WHERE sr.customer_id = ANY(${ids}::uuid[]) ORDER BY sr.customer_id, sr.received_at, sr.id`.execute(db);
  await sql`DELETE FROM customer_sources WHERE customer_id = ANY(${ids}::uuid[])`.execute(db);
  await sql`INSERT INTO customer_sources (customer_id, source_id)
    SELECT DISTINCT sr.customer_id, sr.source_id FROM source_records sr WHERE sr.customer_id = ANY(${ids}::uuid[])`.execute(db);
}

/**
 * Rewrites every customer's first touch and sources, and every record's joined flag from its decisions (the daily
 * pass: whatever a path missed is put right within a day). The flags are written only where they differ.
 */
export async function rebuildRecordRollups(db: Db): Promise<void> {
  await sql`DELETE FROM customer_first_touch`.execute(db);
  await sql`INSERT INTO customer_first_touch (customer_id, source_id, received_at, source_record_id)
    SELECT DISTINCT ON (sr.customer_id) sr.customer_id, sr.source_id, sr.received_at, sr.id FROM source_records sr
    WHERE sr.customer_id IS NOT NULL ORDER BY sr.customer_id, sr.received_at, sr.id`.execute(db);
  await sql`DELETE FROM customer_sources`.execute(db);
  await sql`INSERT INTO customer_sources (customer_id, source_id)
    SELECT DISTINCT customer_id, source_id FROM source_records WHERE customer_id IS NOT NULL`.execute(db);
  await sql`UPDATE source_records sr SET joined_existing = j.joined
    FROM (SELECT r.id, EXISTS (SELECT 1 FROM match_decisions d WHERE d.source_record_id = r.id AND d.joined_existing) AS joined
          FROM source_records r) j
    WHERE j.id = sr.id AND sr.joined_existing <> j.joined`.execute(db);
  await sql`ANALYZE customer_first_touch`.execute(db);
  await sql`ANALYZE customer_sources`.execute(db);
}
