import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ConsentMethod, ConsentPurpose, ConsentState, EmailBasis } from '../../db/schema.ts';

/**
 * The consent ledger (table `consents`, migrations 0005 and 0024): the one writer. Append-only but for a merge, which
 * moves the merged-away customer's customer-level events to the survivor. A person's current state for a purpose is
 * their latest event (recorded_at, id) over the events of their current source records (which follow a record through
 * merge and unmerge) and their own customer-level events (source_record_id null).
 */

export interface NewConsentRow {
  customerId: string;
  purposeCode: ConsentPurpose | null;
  purpose: string;
  state: ConsentState;
  method: ConsentMethod;
  sourceId: string | null;
  sourceRecordId: number | null;
  textShown: string | null;
  textVersion: number | null;
  campaignId: string | null;
  actorUserId: string | null;
  dedupeKey: string | null;
  recordedAt: Date | null;
}

function values(c: NewConsentRow) {
  return {
    customer_id: c.customerId,
    purpose_code: c.purposeCode,
    purpose: c.purpose,
    // The 0005 column, kept for readers of the log from before 0024.
    granted: c.state === 'granted',
    state: c.state,
    method: c.method,
    source_id: c.sourceId,
    source_record_id: c.sourceRecordId,
    text_shown: c.textShown,
    text_version: c.textVersion,
    campaign_id: c.campaignId,
    actor_user_id: c.actorUserId,
    dedupe_key: c.dedupeKey,
    ...(c.recordedAt ? { recorded_at: c.recordedAt } : {}),
  };
}

/** Inserts one event; an event whose dedupe key is taken writes nothing (false). */
export async function insertConsent(db: Db, c: NewConsentRow): Promise<boolean> {
  const row = await db.insertInto('consents').values(values(c))
    .onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
  return Boolean(row);
}

/** Inserts many events at once (an import's page); those whose dedupe key is taken are skipped. Returns how many were written. */
export async function insertConsents(db: Db, rows: readonly NewConsentRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const written = await db.insertInto('consents').values(rows.map(values))
    .onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').execute();
  return written.length;
}

/**
 * A subquery of rows (customer_id uuid, state text, recorded_at) holding each customer's current state for `purpose`:
 * events through their source records and their customer-level events, the latest (recorded_at, id) per customer.
 * Customers without an event have no row. Join it from the live customers:
 * `FROM customers c LEFT JOIN (<this>) cs ON cs.customer_id = c.id WHERE c.deleted_at IS NULL`. A merged-away
 * customer has no row (its records and customer-level events are the survivor's); one deleted by hand may, which
 * that join leaves out (joining customers inside as well cost a third more: bench/consents).
 * One pass over the purpose's events, a hash join to their records and a sort by customer (bench/consents/run.ts).
 */
export function currentConsentStatesSql(purpose: ConsentPurpose): RawBuilder<{ customer_id: string; state: ConsentState; recorded_at: Date }> {
  return sql<{ customer_id: string; state: ConsentState; recorded_at: Date }>`SELECT DISTINCT ON (e.customer_id) e.customer_id, e.state, e.recorded_at
    FROM (
      SELECT sr.customer_id, k.state, k.recorded_at, k.id
        FROM consents k JOIN source_records sr ON sr.id = k.source_record_id
        WHERE k.purpose_code = ${purpose} AND sr.customer_id IS NOT NULL
      UNION ALL
      SELECT k.customer_id, k.state, k.recorded_at, k.id
        FROM consents k
        WHERE k.purpose_code = ${purpose} AND k.source_record_id IS NULL
    ) e
    ORDER BY e.customer_id, e.recorded_at DESC, e.id DESC`;
}

/**
 * One customer's current state for `purpose` as a scalar subquery (null without an event): the rule of
 * currentConsentStatesSql for a single person, read through the customer's indexes. `customerId` is an SQL expression
 * of the caller's query (e.g. sql.ref('m.customer_id')), so a statement over a batch asks it per row.
 */
export function customerConsentStateSql(customerId: RawBuilder<unknown>, purpose: ConsentPurpose): RawBuilder<ConsentState | null> {
  return sql<ConsentState | null>`(SELECT e.state FROM (
      SELECT k.state, k.recorded_at, k.id FROM source_records sr JOIN consents k ON k.source_record_id = sr.id
        WHERE sr.customer_id = ${customerId} AND k.purpose_code = ${purpose}
      UNION ALL
      SELECT k.state, k.recorded_at, k.id FROM consents k
        WHERE k.customer_id = ${customerId} AND k.source_record_id IS NULL AND k.purpose_code = ${purpose}) e
    ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1)`;
}

export interface ConsentEventRow {
  id: number;
  customer_id: string;
  purpose: string;
  purpose_code: ConsentPurpose | null;
  state: ConsentState;
  granted: boolean;
  method: ConsentMethod;
  text_shown: string | null;
  text_version: number | null;
  source_id: string | null;
  source_record_id: number | null;
  campaign_id: string | null;
  actor_user_id: string | null;
  recorded_at: Date;
  source_label: string | null;
  actor_name: string | null;
}

/** The customer's events: through their current source records, and their customer-level ones. */
function eventsOf(customerId: string) {
  return sql`(
    SELECT k.* FROM consents k JOIN source_records sr ON sr.id = k.source_record_id WHERE sr.customer_id = ${customerId}
    UNION ALL
    SELECT k.* FROM consents k WHERE k.customer_id = ${customerId} AND k.source_record_id IS NULL
  )`;
}

/** The customer's history, newest first (at most `limit` events). */
export async function consentHistoryRows(db: Db, customerId: string, limit: number): Promise<ConsentEventRow[]> {
  const result = await sql<ConsentEventRow>`SELECT e.id, e.customer_id, e.purpose, e.purpose_code, e.state, e.granted, e.method, e.text_shown,
      e.text_version, e.source_id, e.source_record_id, e.campaign_id, e.actor_user_id, e.recorded_at,
      s.label AS source_label, u.display_name AS actor_name
    FROM ${eventsOf(customerId)} e
    LEFT JOIN sources s ON s.id = e.source_id
    LEFT JOIN users u ON u.id = e.actor_user_id
    ORDER BY e.recorded_at DESC, e.id DESC
    LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** The customer's latest event per purpose (purpose-coded events only). */
export async function currentConsentRows(db: Db, customerId: string): Promise<ConsentEventRow[]> {
  const result = await sql<ConsentEventRow>`SELECT DISTINCT ON (e.purpose_code) e.id, e.customer_id, e.purpose, e.purpose_code, e.state, e.granted,
      e.method, e.text_shown, e.text_version, e.source_id, e.source_record_id, e.campaign_id, e.actor_user_id, e.recorded_at,
      s.label AS source_label, u.display_name AS actor_name
    FROM ${eventsOf(customerId)} e
    LEFT JOIN sources s ON s.id = e.source_id
    LEFT JOIN users u ON u.id = e.actor_user_id
    WHERE e.purpose_code IS NOT NULL
    ORDER BY e.purpose_code, e.recorded_at DESC, e.id DESC`.execute(db);
  return result.rows;
}

/**
 * A merge: the merged-away customer's customer-level events become the survivor's (record-level ones follow their
 * records), marked as that customer's (events it had absorbed from an earlier merge too: they go back with it).
 */
export async function moveCustomerLevelConsents(db: Db, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const result = await db.updateTable('consents').set({ customer_id: toCustomerId, merged_from_customer_id: fromCustomerId })
    .where('customer_id', '=', fromCustomerId).where('source_record_id', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** An unmerge: the customer-level events a merge brought from these customers go to the customer split off. */
export async function returnMergedConsents(db: Db, fromCustomerId: string, toCustomerId: string, mergedFrom: readonly string[]): Promise<number> {
  if (mergedFrom.length === 0) return 0;
  const result = await db.updateTable('consents').set({ customer_id: toCustomerId, merged_from_customer_id: null })
    .where('customer_id', '=', fromCustomerId).where('source_record_id', 'is', null)
    .where('merged_from_customer_id', 'in', [...mergedFrom]).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The customers whose customer-level events a merge moved to this one. */
export async function mergedFromCustomers(db: Db, customerId: string): Promise<string[]> {
  const rows = await db.selectFrom('consents').select('merged_from_customer_id').distinct()
    .where('customer_id', '=', customerId).where('source_record_id', 'is', null).where('merged_from_customer_id', 'is not', null).execute();
  return rows.map((r) => r.merged_from_customer_id!);
}

/** The latest event of each (record, purpose) among these records (an import compares a row's value with it). */
export async function latestRecordStates(db: Db, recordIds: readonly number[]) {
  if (recordIds.length === 0) return [];
  const result = await sql<{ source_record_id: number; purpose_code: ConsentPurpose; state: ConsentState }>`
    SELECT DISTINCT ON (k.source_record_id, k.purpose_code) k.source_record_id, k.purpose_code, k.state
    FROM consents k
    WHERE k.source_record_id = ANY(${[...recordIds]}::bigint[]) AND k.purpose_code IS NOT NULL
    ORDER BY k.source_record_id, k.purpose_code, k.recorded_at DESC, k.id DESC`.execute(db);
  return result.rows;
}

/** The sources of the customer's source records, with their e-mail basis (one row a source). */
export async function sourcesOfCustomer(db: Db, customerId: string) {
  return db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select(['sources.id', 'sources.name', 'sources.label', 'sources.email_basis'])
    .where('source_records.customer_id', '=', customerId)
    .groupBy(['sources.id', 'sources.name', 'sources.label', 'sources.email_basis'])
    .orderBy('sources.label')
    .execute() as Promise<Array<{ id: string; name: string; label: string; email_basis: EmailBasis }>>;
}

/**
 * 消去 (src/ledger/privacy): the customers' consent events and those of their records. The person is gone; the
 * tombstone is what stops a re-created record from being mailed without a new consent.
 */
export async function eraseConsentsOf(db: Db, customerIds: readonly string[], recordIds: readonly number[]): Promise<number> {
  if (customerIds.length === 0 && recordIds.length === 0) return 0;
  const r = await db.deleteFrom('consents').where((eb) => eb.or([
    ...(customerIds.length ? [eb('customer_id', 'in', customerIds), eb('merged_from_customer_id', 'in', customerIds)] : []),
    ...(recordIds.length ? [eb('source_record_id', 'in', recordIds)] : []),
  ])).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Retention delete (src/ledger/privacy/retention.service.ts): the records go, the person's decisions stay. A
 * withdrawal must not vanish with the old record that carried it (the person would become reachable again), so the
 * consents keep their state, method and text and lose only the link to the deleted record. Returns the rows detached.
 */
export async function detachConsentsFromRecords(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await db.updateTable('consents').set({ source_record_id: null }).where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
