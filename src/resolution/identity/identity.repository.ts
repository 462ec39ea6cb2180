import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Identity resolution after import: the review queue, merges, unmerges and the decisions that explain them. */

export type ReviewStatus = 'open' | 'accepted' | 'rejected' | 'never';
export type DecisionKind = 'accept' | 'reject' | 'never' | 'unmerge' | 'manual_merge' | 'auto_merge';

/** Decision kinds that moved a whole customer's records into another (a merge unmerge can give back). */
export const MERGE_KINDS = ['accept', 'manual_merge', 'auto_merge'] as const;

// ── review queue ──

/**
 * A page of review items, most worth deciding first (priority: what the decision teaches, src/domain/match/feedback.ts),
 * then best score; `after` is the (priority, score, id) of the last item of the previous page. Open items whose two
 * records already belong to one customer (merged since) are moot and left out.
 */
export async function listReviewItems(db: Db, status: ReviewStatus, after: { priority: number; score: number; id: number } | null, limit: number) {
  const priority = sql<number>`COALESCE(review_patterns.priority, 0)`;
  let query = db
    .selectFrom('review_items')
    .innerJoin('source_records as ra', 'ra.id', 'review_items.record_a_id')
    .innerJoin('source_records as rb', 'rb.id', 'review_items.record_b_id')
    .leftJoin('review_patterns', 'review_patterns.pattern', 'review_items.pattern')
    .selectAll('review_items')
    .select(priority.as('priority'))
    .where('review_items.status', '=', status);
  if (status === 'open') {
    query = query.where(sql<SqlBool>`ra.customer_id IS DISTINCT FROM rb.customer_id`);
    // One item per pair of customers: the best-scored one (ties: the oldest). Two customers with several records each
    // raised one item per record pair (a form submitted four times was four items of the same two people), and the
    // pairs a customer is in change with every merge, so this is decided when the queue is read, not when written.
    query = query.where(sql<SqlBool>`NOT EXISTS (
      SELECT 1 FROM review_items o
      JOIN source_records oa ON oa.id = o.record_a_id
      JOIN source_records ob ON ob.id = o.record_b_id
      WHERE o.status = 'open' AND o.id <> review_items.id
        AND LEAST(oa.customer_id, ob.customer_id) = LEAST(ra.customer_id, rb.customer_id)
        AND GREATEST(oa.customer_id, ob.customer_id) = GREATEST(ra.customer_id, rb.customer_id)
        AND (o.score > review_items.score OR (o.score = review_items.score AND o.id < review_items.id)))`);
  }
  if (after) {
    query = query.where((eb) => eb.or([
      eb(priority, '<', after.priority),
      eb.and([eb(priority, '=', after.priority), eb('review_items.score', '<', after.score)]),
      eb.and([eb(priority, '=', after.priority), eb('review_items.score', '=', after.score), eb('review_items.id', '>', after.id)]),
    ]));
  }
  return query.orderBy(priority, 'desc').orderBy('review_items.score', 'desc').orderBy('review_items.id', 'asc').limit(limit).execute();
}

/** Open items of one pattern, best score first (a decision for the whole pattern). */
export async function listOpenItemsOfPattern(db: Db, pattern: string, limit: number) {
  return db.selectFrom('review_items').select(['id']).where('pattern', '=', pattern).where('status', '=', 'open')
    .orderBy('score', 'desc').orderBy('id').limit(limit).execute();
}

export async function findReviewItem(db: Db, id: number, options: { forUpdate?: boolean } = {}) {
  let query = db.selectFrom('review_items').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** What deciding an item of each pattern is worth, as last stored (absent: not refreshed yet). */
export async function patternPriorities(db: Db, patterns: readonly string[]): Promise<Map<string, number>> {
  if (patterns.length === 0) return new Map();
  const rows = await db.selectFrom('review_patterns').select(['pattern', 'priority']).where('pattern', 'in', [...patterns]).execute();
  return new Map(rows.map((r) => [r.pattern, r.priority]));
}

/** Source records by id, with their source and customer (for the side-by-side view and for unmerge). */
export async function findSourceRecords(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .leftJoin('customers', 'customers.id', 'source_records.customer_id')
    .select([
      'source_records.id',
      'source_records.external_id',
      'source_records.customer_id',
      'source_records.normalized',
      'source_records.received_at',
      'sources.name as source',
      'sources.label as source_label',
      'customers.display_name as customer_display_name',
      'customers.deleted_at as customer_deleted_at',
    ])
    .where('source_records.id', 'in', ids)
    .execute();
}

export async function listRecordsOfCustomer(db: Db, customerId: string) {
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select([
      'source_records.id',
      'source_records.external_id',
      'source_records.normalized',
      'source_records.received_at',
      'sources.name as source',
      'sources.label as source_label',
    ])
    .where('source_records.customer_id', '=', customerId)
    .orderBy('source_records.received_at', 'asc')
    .orderBy('source_records.id', 'asc')
    .execute();
}

export async function countRecordsOfCustomers(db: Db, customerIds: string[]) {
  if (customerIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('source_records')
    .select((eb) => ['customer_id', eb.fn.countAll<number>().as('n')])
    .where('customer_id', 'in', customerIds)
    .groupBy('customer_id')
    .execute();
  return new Map(rows.map((r) => [r.customer_id!, Number(r.n)]));
}

/** Pairs a person marked 'never merge' among the given records. */
export async function listNeverPairs(db: Db, recordIds: number[]) {
  if (recordIds.length < 2) return [];
  return db
    .selectFrom('review_items')
    .select(['id', 'record_a_id', 'record_b_id'])
    .where('status', '=', 'never')
    .where('record_a_id', 'in', recordIds)
    .where('record_b_id', 'in', recordIds)
    .execute();
}

export async function listRecordIdsOfCustomers(db: Db, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('source_records').select(['id', 'customer_id']).where('customer_id', 'in', customerIds).execute();
}

// ── customers ──

/** Live customers among the ids, locked for the merge or unmerge. */
export async function lockCustomers(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('customers')
    .select(['id', 'display_name', 'created_at'])
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Every decision about the given records, newest first, with the deciding user's name. */
export async function listDecisionsOfRecords(db: Db, recordIds: number[]) {
  if (recordIds.length === 0) return [];
  return db
    .selectFrom('match_decisions')
    .leftJoin('users', 'users.id', 'match_decisions.decided_by_user_id')
    .select([
      'match_decisions.id',
      'match_decisions.kind',
      'match_decisions.source_record_id',
      'match_decisions.customer_id',
      'match_decisions.other_customer_id',
      'match_decisions.score',
      'match_decisions.rule',
      'match_decisions.evidence',
      'match_decisions.import_run_id',
      'match_decisions.created_at',
      'users.display_name as decided_by',
    ])
    .where('match_decisions.source_record_id', 'in', recordIds)
    .orderBy('match_decisions.created_at', 'desc')
    .orderBy('match_decisions.id', 'desc')
    .execute();
}

/** The records each of `otherIds` brought into `customerId` by a merge (accepted review, manual or automatic merge). */
export async function recordsMergedFrom(db: Db, customerId: string, otherIds: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (otherIds.length === 0) return out;
  const rows = await db.selectFrom('match_decisions').select(['other_customer_id', 'source_record_id'])
    .where('customer_id', '=', customerId).where('other_customer_id', 'in', otherIds).where('kind', 'in', MERGE_KINDS)
    .where('source_record_id', 'is not', null).execute();
  for (const r of rows) out.set(r.other_customer_id!, [...(out.get(r.other_customer_id!) ?? []), r.source_record_id!]);
  return out;
}

/** The customers ever merged into this one (a review decision, a manual or an automatic merge moved their records here). */
export async function customersMergedInto(db: Db, customerId: string): Promise<string[]> {
  const rows = await db.selectFrom('match_decisions').select('other_customer_id').distinct()
    .where('customer_id', '=', customerId).where('kind', 'in', MERGE_KINDS)
    .where('other_customer_id', 'is not', null).where('other_customer_id', '<>', customerId).execute();
  return rows.map((r) => r.other_customer_id!);
}
