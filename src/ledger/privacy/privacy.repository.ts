import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { currentConsentStatesSql } from '../consents/consents.repository.ts';
import type { PrivacyRequestKind, PrivacyRequestStatus, TombstoneHashKind } from '../../db/schema.ts';

/**
 * SQL of APPI requests (src/ledger/privacy): the one writer of privacy_requests, privacy_request_customers,
 * disclosure_reports, privacy_keys, erasure_tombstones, tombstone_hashes, tombstone_matches, provision_records and
 * provision_record_customers.
 */

// ── requests ──

export interface RequestValues {
  kind: PrivacyRequestKind; receivedOn: string; dueOn: string; requesterName: string; requesterContact: string | null;
  identityVerifiedByUserId: string | null; identityVerifiedAt: Date | null; identityMethod: string | null; notes: string | null;
}

const REQUEST_COLUMNS = ['r.id', 'r.kind', 'r.status', 'r.received_on', 'r.due_on', 'r.requester_name', 'r.requester_contact',
  'r.identity_verified_by_user_id', 'r.identity_verified_at', 'r.identity_method', 'r.notes', 'r.created_by_user_id',
  'r.created_at', 'r.updated_at', 'r.completed_at', 'r.erased_at'] as const;

export async function insertRequest(db: Db, v: RequestValues, createdBy: string | null): Promise<string> {
  const row = await db.insertInto('privacy_requests').values({
    kind: v.kind, received_on: v.receivedOn, due_on: v.dueOn, requester_name: v.requesterName, requester_contact: v.requesterContact,
    identity_verified_by_user_id: v.identityVerifiedByUserId, identity_verified_at: v.identityVerifiedAt, identity_method: v.identityMethod,
    notes: v.notes, created_by_user_id: createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRequest(db: Db, id: string, patch: Partial<RequestValues> & { status?: PrivacyRequestStatus }): Promise<void> {
  const set: Record<string, unknown> = {};
  if (patch.receivedOn !== undefined) set.received_on = patch.receivedOn;
  if (patch.dueOn !== undefined) set.due_on = patch.dueOn;
  if (patch.requesterName !== undefined) set.requester_name = patch.requesterName;
  if (patch.requesterContact !== undefined) set.requester_contact = patch.requesterContact;
  if (patch.identityVerifiedByUserId !== undefined) set.identity_verified_by_user_id = patch.identityVerifiedByUserId;
  if (patch.identityVerifiedAt !== undefined) set.identity_verified_at = patch.identityVerifiedAt;
  if (patch.identityMethod !== undefined) set.identity_method = patch.identityMethod;
  if (patch.notes !== undefined) set.notes = patch.notes;
  if (patch.status !== undefined) {
    set.status = patch.status;
    set.completed_at = patch.status === 'completed' || patch.status === 'rejected' ? sql`now()` : null;
  }
  await db.updateTable('privacy_requests').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function findRequest(db: Db, id: string, options: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('privacy_requests as r').select(REQUEST_COLUMNS).where('r.id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}
export type RequestRowDb = NonNullable<Awaited<ReturnType<typeof findRequest>>>;

export async function listRequests(db: Db, filter: { status?: PrivacyRequestStatus | undefined; customerId?: string | undefined }, limit: number) {
  let q = db.selectFrom('privacy_requests as r').select(REQUEST_COLUMNS)
    .select((eb) => eb.selectFrom('privacy_request_customers as rc').select(eb.fn.countAll<number>().as('n')).whereRef('rc.request_id', '=', 'r.id').as('customer_count'));
  if (filter.status) q = q.where('r.status', '=', filter.status);
  if (filter.customerId) q = q.where('r.id', 'in', db.selectFrom('privacy_request_customers').select('request_id').where('customer_id', '=', filter.customerId));
  return q.orderBy(sql`CASE WHEN r.status IN ('open', 'in_progress') THEN 0 ELSE 1 END`).orderBy('r.due_on').orderBy('r.id').limit(limit).execute();
}

export async function setRequestCustomers(db: Db, requestId: string, customerIds: readonly string[]): Promise<void> {
  await db.deleteFrom('privacy_request_customers').where('request_id', '=', requestId).execute();
  if (customerIds.length) {
    await db.insertInto('privacy_request_customers').values(customerIds.map((customerId) => ({ request_id: requestId, customer_id: customerId }))).execute();
  }
}

/** The request's customers, with what is left of each (an erased one has no row: display_name null). */
export async function listRequestCustomers(db: Db, requestId: string) {
  return db.selectFrom('privacy_request_customers as rc').leftJoin('customers as c', 'c.id', 'rc.customer_id')
    .select(['rc.customer_id', 'c.display_name', 'c.deleted_at', 'c.use_stopped_request_id'])
    .where('rc.request_id', '=', requestId).orderBy('rc.customer_id').execute();
}

/** Requests concerning these customers (an erasure redacts them). */
export async function requestIdsOfCustomers(db: Db, customerIds: readonly string[]): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const rows = await db.selectFrom('privacy_request_customers').select('request_id').distinct().where('customer_id', 'in', customerIds).execute();
  return rows.map((r) => r.request_id);
}

/** After an erasure: the requests about the person keep what was done and when, not who asked. */
export async function redactRequests(db: Db, requestIds: readonly string[]): Promise<void> {
  if (requestIds.length === 0) return;
  await db.updateTable('privacy_requests').set({ requester_name: '（消去済み）', requester_contact: null, erased_at: sql`now()`, updated_at: sql`now()` })
    .where('id', 'in', requestIds).execute();
}

// ── disclosure reports ──

export async function insertReport(db: Db, requestId: string, sectionsTotal: number, userId: string | null): Promise<string> {
  const row = await db.insertInto('disclosure_reports').values({ request_id: requestId, sections_total: sectionsTotal, created_by_user_id: userId })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function setReportProgress(db: Db, id: string, done: number): Promise<void> {
  await db.updateTable('disclosure_reports').set({ sections_done: done }).where('id', '=', id).execute();
}

export async function finishReport(db: Db, id: string, html: string, bundle: unknown): Promise<void> {
  await db.updateTable('disclosure_reports').set({ status: 'ready', html, bundle: JSON.stringify(bundle), finished_at: sql`now()` })
    .where('id', '=', id).execute();
}

export async function failReport(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('disclosure_reports').set({ status: 'failed', error, finished_at: sql`now()` }).where('id', '=', id).execute();
}

const REPORT_SUMMARY = ['id', 'request_id', 'status', 'sections_done', 'sections_total', 'error', 'created_by_user_id', 'created_at', 'finished_at'] as const;

export async function listReportsOfRequest(db: Db, requestId: string) {
  return db.selectFrom('disclosure_reports').select(REPORT_SUMMARY).where('request_id', '=', requestId).orderBy('created_at', 'desc').orderBy('id').execute();
}

export async function findReport(db: Db, id: string) {
  return db.selectFrom('disclosure_reports').select([...REPORT_SUMMARY, 'html', 'bundle']).where('id', '=', id).executeTakeFirst();
}

/** A report holds the person's data: an erasure deletes the reports of every request about them. */
export async function eraseReportsOf(db: Db, requestIds: readonly string[]): Promise<number> {
  if (requestIds.length === 0) return 0;
  const r = await db.deleteFrom('disclosure_reports').where('request_id', 'in', requestIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A report's job starts (or starts again after a failed attempt): running, from its first section. */
export async function restartReport(db: Db, id: string): Promise<void> {
  await db.updateTable('disclosure_reports').set({ status: 'running', sections_done: 0, error: null, finished_at: null }).where('id', '=', id).execute();
}

// ── tombstones ──

/** The installation's tombstone key, created on first use (the row's primary key makes two servers agree on one). */
export async function tombstoneKey(db: Db, fresh: () => string): Promise<string> {
  await db.insertInto('privacy_keys').values({ tombstone: fresh() }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const row = await db.selectFrom('privacy_keys').select('tombstone').executeTakeFirstOrThrow();
  return row.tombstone;
}

export async function insertTombstone(
  db: Db, v: { requestId: string; userId: string | null; customerCount: number; recordCount: number; deleted: Record<string, number> },
): Promise<string> {
  const row = await db.insertInto('erasure_tombstones').values({
    request_id: v.requestId, erased_by_user_id: v.userId, customer_count: v.customerCount, record_count: v.recordCount, deleted: JSON.stringify(v.deleted),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function setTombstoneCounts(db: Db, id: string, deleted: Record<string, number>): Promise<void> {
  await db.updateTable('erasure_tombstones').set({ deleted: JSON.stringify(deleted) }).where('id', '=', id).execute();
}

export async function insertTombstoneHashes(db: Db, tombstoneId: string, rows: ReadonlyArray<{ kind: TombstoneHashKind; hash: string }>): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('tombstone_hashes').values(rows.map((r) => ({ tombstone_id: tombstoneId, kind: r.kind, hash: r.hash })))
    .onConflict((oc) => oc.columns(['hash', 'tombstone_id']).doNothing()).execute();
}

/** Whether any erasure happened: staging skips hashing altogether until then. */
export async function hasTombstones(db: Db): Promise<boolean> {
  const row = await db.selectFrom('tombstone_hashes').select('hash').limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function findTombstoneHashes(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return [];
  return db.selectFrom('tombstone_hashes').select(['tombstone_id', 'kind', 'hash']).where('hash', 'in', hashes).execute();
}

export async function listTombstones(db: Db, limit: number) {
  return db.selectFrom('erasure_tombstones as t').innerJoin('privacy_requests as r', 'r.id', 't.request_id')
    .select(['t.id', 't.request_id', 't.erased_at', 't.erased_by_user_id', 't.customer_count', 't.record_count', 't.deleted'])
    .orderBy('t.erased_at', 'desc').orderBy('t.id').limit(limit).execute();
}

export async function findTombstoneOfRequest(db: Db, requestId: string) {
  return db.selectFrom('erasure_tombstones').select(['id', 'erased_at', 'customer_count', 'record_count', 'deleted'])
    .where('request_id', '=', requestId).executeTakeFirst();
}

export async function insertTombstoneMatches(
  db: Db, rows: ReadonlyArray<{ tombstoneId: string; sourceRecordId: number; sourceId: string; kinds: string[] }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('tombstone_matches').values(rows.map((r) => ({
    tombstone_id: r.tombstoneId, source_record_id: r.sourceRecordId, source_id: r.sourceId, kinds: r.kinds,
  }))).onConflict((oc) => oc.columns(['source_record_id', 'tombstone_id']).doNothing()).execute();
}

/** Flagged records: each with its source, its customer now and the erasure it matches. */
export async function listTombstoneMatches(db: Db, status: 'open' | 'dismissed', limit: number) {
  return db.selectFrom('tombstone_matches as m')
    .innerJoin('erasure_tombstones as t', 't.id', 'm.tombstone_id')
    .innerJoin('sources as s', 's.id', 'm.source_id')
    .leftJoin('source_records as sr', 'sr.id', 'm.source_record_id')
    .select(['m.id', 'm.tombstone_id', 't.request_id', 't.erased_at', 'm.source_record_id', 's.name as source_name', 's.label as source_label',
      'sr.customer_id', 'm.kinds', 'm.status', 'm.matched_at'])
    .where('m.status', '=', status).orderBy('m.matched_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
}

export async function dismissTombstoneMatch(db: Db, id: number, userId: string | null): Promise<boolean> {
  const r = await db.updateTable('tombstone_matches').set({ status: 'dismissed', decided_by_user_id: userId })
    .where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The flags of records an erasure deletes go with them. */
export async function eraseTombstoneMatchesOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await db.deleteFrom('tombstone_matches').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ── third-party provision ──

export async function insertProvision(
  db: Db, v: { recipient: string; purpose: string | null; items: string[]; format: string; customerCount: number; refusedCount: number; userId: string | null },
): Promise<string> {
  const row = await db.insertInto('provision_records').values({
    recipient: v.recipient, purpose: v.purpose, items: v.items, format: v.format, customer_count: v.customerCount,
    refused_count: v.refusedCount, provided_by_user_id: v.userId,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertProvisionCustomers(db: Db, provisionId: string, customerIds: readonly string[]): Promise<void> {
  for (let i = 0; i < customerIds.length; i += 5000) {
    await db.insertInto('provision_record_customers')
      .values(customerIds.slice(i, i + 5000).map((customerId) => ({ provision_id: provisionId, customer_id: customerId })))
      .onConflict((oc) => oc.doNothing()).execute();
  }
}

export async function listProvisions(db: Db, filter: { customerId?: string | undefined }, limit: number) {
  let q = db.selectFrom('provision_records as p').leftJoin('users as u', 'u.id', 'p.provided_by_user_id')
    .select(['p.id', 'p.recipient', 'p.purpose', 'p.items', 'p.format', 'p.customer_count', 'p.refused_count', 'p.provided_by_user_id',
      'u.display_name as provided_by_name', 'p.provided_at']);
  if (filter.customerId) q = q.where('p.id', 'in', db.selectFrom('provision_record_customers').select('provision_id').where('customer_id', '=', filter.customerId));
  return q.orderBy('p.provided_at', 'desc').orderBy('p.id').limit(limit).execute();
}

export async function existingCustomers(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('customers').select('id').where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  return rows.map((r) => r.id);
}

/** The customer's stop (利用停止) with its request, or undefined. */
export async function useStopOfCustomer(db: Db, customerId: string) {
  return db.selectFrom('customers as c').innerJoin('privacy_requests as r', 'r.id', 'c.use_stopped_request_id')
    .select(['r.id as request_id', 'r.received_on', 'r.updated_at']).where('c.id', '=', customerId).executeTakeFirst();
}

export async function setProvisionCounts(db: Db, id: string, customerCount: number, refusedCount: number): Promise<void> {
  await db.updateTable('provision_records').set({ customer_count: customerCount, refused_count: refusedCount }).where('id', '=', id).execute();
}

/** Customers whose current third_party consent is granted (a condition over `customers`): who a provision may carry. */
export function provisionConsented(): Expression<SqlBool> {
  return sql<SqlBool>`customers.id IN (SELECT cs.customer_id FROM (${currentConsentStatesSql('third_party')}) cs WHERE cs.state = 'granted')`;
}

export function provisionRefused(): Expression<SqlBool> {
  return sql<SqlBool>`customers.id NOT IN (SELECT cs.customer_id FROM (${currentConsentStatesSql('third_party')}) cs WHERE cs.state = 'granted')`;
}

// ── 利用停止 across merges (merge.service.ts) ──

/** Each customer's stop (its request), for the customers that have one. */
export async function useStopsOf(db: Db, customerIds: readonly string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.selectFrom('customers').select(['id', 'use_stopped_request_id'])
    .where('id', 'in', [...customerIds]).where('use_stopped_request_id', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.use_stopped_request_id!]));
}

/** Adds a customer to a stop's request, taken over from the customer `via` by a merge or an unmerge (kept if there). */
export async function linkInheritedStop(db: Db, requestId: string, customerId: string, via: string): Promise<void> {
  await db.insertInto('privacy_request_customers').values({ request_id: requestId, customer_id: customerId, via_merge_of: via })
    .onConflict((oc) => oc.columns(['request_id', 'customer_id']).doNothing()).execute();
}

/** Takes away the rows a customer got by merging these customers in; returns their requests. */
export async function unlinkInheritedStops(db: Db, customerId: string, via: readonly string[]): Promise<string[]> {
  if (via.length === 0) return [];
  const rows = await db.deleteFrom('privacy_request_customers').where('customer_id', '=', customerId).where('via_merge_of', 'in', [...via])
    .returning('request_id').execute();
  return rows.map((r) => r.request_id);
}

/** Whether the request still concerns the customer. */
export async function requestConcerns(db: Db, requestId: string, customerId: string): Promise<boolean> {
  return (await db.selectFrom('privacy_request_customers').select('request_id').where('request_id', '=', requestId).where('customer_id', '=', customerId).executeTakeFirst()) !== undefined;
}

/** A stop the customer still holds through a customer merged into it that is itself still stopped, if any. */
export async function inheritedActiveStop(db: Db, customerId: string): Promise<string | null> {
  const row = await db.selectFrom('privacy_request_customers as rc').innerJoin('customers as o', 'o.id', 'rc.via_merge_of')
    .select('rc.request_id').where('rc.customer_id', '=', customerId).whereRef('o.use_stopped_request_id', '=', 'rc.request_id')
    .orderBy('rc.request_id').limit(1).executeTakeFirst();
  return row?.request_id ?? null;
}
