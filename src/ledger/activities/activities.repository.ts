import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { exactTimestamp } from '../../db/sql-fragments.ts';

export interface NewActivity {
  customerId: string;
  type: string;
  occurredAt: Date;
  title?: string | null;
  properties?: Record<string, unknown>;
  amount?: string | null;
  currency?: string | null;
  sourceId?: string | null;
  sourceRecordId?: number | null;
  actorUserId?: string | null;
}

export async function insertActivity(db: Db, a: NewActivity) {
  return db
    .insertInto('activities')
    .values({
      customer_id: a.customerId,
      type: a.type,
      occurred_at: a.occurredAt,
      title: a.title ?? null,
      properties: JSON.stringify(a.properties ?? {}),
      amount: a.amount ?? null,
      currency: a.currency ?? null,
      source_id: a.sourceId ?? null,
      source_record_id: a.sourceRecordId ?? null,
      actor_user_id: a.actorUserId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether a live (not deleted) customer has this id: a timeline belongs to one (read here so activities need not import customers). */
export async function liveCustomerExists(db: Db, customerId: string): Promise<boolean> {
  return (await db.selectFrom('customers').select('id').where('id', '=', customerId).where('deleted_at', 'is', null).executeTakeFirst()) !== undefined;
}

/** A customer's timeline, newest first; keyset on (occurred_at, id) so it uses activities_customer_time_idx. */
export async function listActivities(
  db: Db,
  customerId: string,
  filter: { types?: string[] | undefined },
  after: { occurredAt: string; id: number } | null,
  limit: number,
) {
  let query = db
    .selectFrom('activities')
    .leftJoin('users', 'users.id', 'activities.actor_user_id')
    .leftJoin('sources', 'sources.id', 'activities.source_id')
    .selectAll('activities')
    .select(['users.display_name as actor_name', 'sources.name as source_name', 'sources.label as source_label'])
    .select(exactTimestamp('activities.occurred_at').as('occurred_cursor'))
    .where('activities.customer_id', '=', customerId);
  if (filter.types?.length) query = query.where('activities.type', 'in', filter.types);
  if (after) {
    query = query.where(sql<SqlBool>`(activities.occurred_at, activities.id) < (${after.occurredAt}::timestamptz, ${after.id})` as Expression<SqlBool>);
  }
  return query.orderBy('activities.occurred_at', 'desc').orderBy('activities.id', 'desc').limit(limit).execute();
}

/**
 * One 「取り込み」 entry per customer and import run: a customer that records of several chunks of the same run
 * join keeps one entry, whose record count adds up (dedupe key import:<run>:<customer>).
 */
export async function insertImportActivities(
  db: Db, runId: string, rows: Array<{ customerId: string; sourceId: string; title: string; records: number }>,
  /** The imported file's name, shown on the entry (the run id is for support, not for people). */
  fileName: string | null = null,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties, source_id, dedupe_key)
      SELECT v.customer_id, 'import', now(), v.title, jsonb_strip_nulls(jsonb_build_object('runId', ${runId}::text, 'fileName', ${fileName}::text, 'records', v.records)), v.source_id,
        'import:' || ${runId}::text || ':' || v.customer_id::text
      FROM unnest(${chunk.map((r) => r.customerId)}::uuid[], ${chunk.map((r) => r.title)}::text[], ${chunk.map((r) => r.records)}::int[],
        ${chunk.map((r) => r.sourceId)}::uuid[]) AS v(customer_id, title, records, source_id)
      ON CONFLICT (dedupe_key) DO UPDATE
        SET properties = jsonb_set(activities.properties, '{records}',
          to_jsonb((activities.properties->>'records')::int + (excluded.properties->>'records')::int)),
          updated_at = now()`.execute(db);
  }
}

// ── exports ──

// ── keyed activities: one row per dedupe key (purchases, registrations, attendance) ──
export interface KeyedActivity {
  dedupeKey: string;
  customerId: string;
  type: string;
  occurredAt: Date;
  title: string;
  properties: Record<string, unknown>;
  amount?: string | null;
  currency?: string | null;
  sourceId: string | null;
  sourceRecordId: number;
}

/**
 * Writes an activity that records something with a key of its own (an order, a registration): the first write
 * inserts, later ones update the same row (dedupe_key is unique), so a re-import or an API retry never doubles a
 * purchase on the timeline. The activity hangs off the buyer's source record, so merge/unmerge moves it.
 */
export async function upsertKeyedActivity(db: Db, a: KeyedActivity): Promise<void> {
  const values = {
    customer_id: a.customerId,
    type: a.type,
    occurred_at: a.occurredAt,
    title: a.title,
    properties: JSON.stringify(a.properties),
    amount: a.amount ?? null,
    currency: a.currency ?? null,
    source_id: a.sourceId,
    source_record_id: a.sourceRecordId,
  };
  await db
    .insertInto('activities')
    .values({ ...values, dedupe_key: a.dedupeKey })
    .onConflict((oc) => oc.column('dedupe_key').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export async function deleteKeyedActivities(db: Db, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('activities').where('dedupe_key', 'in', keys).execute();
}

/** The source each keyed activity was recorded from (dedupe key → source id), for the keys that exist. */
export async function sourcesOfKeyedActivities(db: Db, dedupeKeys: readonly string[]): Promise<Map<string, string | null>> {
  if (dedupeKeys.length === 0) return new Map();
  const rows = await db.selectFrom('activities').select(['dedupe_key', 'source_id']).where('dedupe_key', 'in', dedupeKeys).execute();
  return new Map(rows.map((r) => [r.dedupe_key!, r.source_id]));
}

/** The submission on the customer's timeline, once per submission (dedupe_key), hanging off its source record. */
export async function upsertSubmissionActivity(db: Db, a: {
  customerId: string; occurredAt: Date; title: string; properties: Record<string, unknown>;
  sourceId: string; sourceRecordId: number; dedupeKey: string;
}): Promise<void> {
  await db.insertInto('activities').values({
    customer_id: a.customerId,
    type: 'form_submission',
    occurred_at: a.occurredAt,
    title: a.title,
    properties: JSON.stringify(a.properties),
    source_id: a.sourceId,
    source_record_id: a.sourceRecordId,
    dedupe_key: a.dedupeKey,
  }).onConflict((oc) => oc.column('dedupe_key').doUpdateSet({
    title: a.title,
    properties: JSON.stringify(a.properties),
    updated_at: sql<Date>`now()`,
  })).execute();
}

/**
 * Moves a customer's activities with their records: all of them (a merge), or those that came from the given records
 * (a split).
 */
export async function moveActivities(db: Db, fromId: string, toId: string, recordIds?: readonly number[]): Promise<void> {
  if (recordIds?.length === 0) return;
  let query = db.updateTable('activities').set({ customer_id: toId }).where('customer_id', '=', fromId);
  if (recordIds) query = query.where('source_record_id', 'in', recordIds);
  await query.execute();
}

/**
 * Activities of campaigns (messages sent, opened, clicked, unsubscribed, bounced; DM pieces mailed and returned;
 * trigger tasks), many at a time: the one path every campaign activity takes (the send loop, tracking, triggers, DM).
 * Keyed by message so a retried send, a second open or a re-exported mailing list writes each once. Each hangs off the person's source record that holds the address it went
 * to (else their first record), like every other behaviour, so merge and unmerge move it with that record.
 */
export async function insertCampaignActivities(db: Db, rows: ReadonlyArray<{ dedupeKey: string; customerId: string; type: string; occurredAt: Date; title: string; properties: Record<string, unknown>; address?: string | null }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties, source_id, source_record_id, dedupe_key)
      SELECT v.customer_id, v.type, v.occurred_at, v.title, v.properties, r.source_id, r.id, v.dedupe_key
      FROM unnest(${chunk.map((r) => r.customerId)}::uuid[], ${chunk.map((r) => r.type)}::text[], ${chunk.map((r) => r.occurredAt.toISOString())}::timestamptz[],
        ${chunk.map((r) => r.title)}::text[], ${chunk.map((r) => JSON.stringify(r.properties))}::jsonb[], ${chunk.map((r) => r.dedupeKey)}::text[],
        ${chunk.map((r) => r.address?.trim().toLowerCase() || null)}::text[])
        AS v(customer_id, type, occurred_at, title, properties, dedupe_key, address)
      LEFT JOIN LATERAL (SELECT sr.id, sr.source_id FROM source_records sr WHERE sr.customer_id = v.customer_id
                         ORDER BY (lower(sr.normalized->>'email') = v.address) IS TRUE DESC, sr.id LIMIT 1) r ON TRUE
      ON CONFLICT (dedupe_key) DO NOTHING`.execute(db);
  }
}

/** 消去 (src/ledger/privacy): every activity on the customers' timelines. */
export async function eraseActivitiesOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('activities').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Retention delete (src/ledger/privacy/retention.service.ts): the activities a deleted source record brought. */
export async function eraseActivitiesOfRecords(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await db.deleteFrom('activities').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * 人事異動 / 異動・昇進 entries (type affiliation_change), written by the golden recompute where the primary
 * affiliation changes. Each hangs off the record that caused it (so merge and unmerge move it with the record) and is
 * keyed by that record and when it said it: a recompute or a re-import that finds the change again writes nothing new.
 */
export async function upsertAffiliationChanges(db: Db, rows: ReadonlyArray<{ dedupeKey: string; customerId: string; occurredAt: Date; title: string; properties: Record<string, unknown>; sourceRecordId: number }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties, source_id, source_record_id, dedupe_key)
    SELECT v.customer_id, 'affiliation_change', v.occurred_at, v.title, v.properties, sr.source_id, v.record_id, v.dedupe_key
    FROM unnest(${rows.map((r) => r.customerId)}::uuid[], ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[], ${rows.map((r) => r.title)}::text[],
      ${rows.map((r) => JSON.stringify(r.properties))}::jsonb[], ${rows.map((r) => r.sourceRecordId)}::bigint[], ${rows.map((r) => r.dedupeKey)}::text[])
      AS v(customer_id, occurred_at, title, properties, record_id, dedupe_key)
    JOIN source_records sr ON sr.id = v.record_id
    ON CONFLICT (dedupe_key) DO UPDATE SET customer_id = excluded.customer_id, title = excluded.title, properties = excluded.properties, updated_at = now()`.execute(db);
}

/** The affiliation_change entries on these customers' timelines (an unmerge checks them against the records left). */
export async function listAffiliationChanges(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('activities').select(['id', 'customer_id', 'source_record_id', 'title', 'properties'])
    .where('customer_id', 'in', [...customerIds]).where('type', '=', 'affiliation_change').execute();
}

export async function rewriteAffiliationChange(db: Db, id: number, title: string, properties: Record<string, unknown>): Promise<void> {
  await db.updateTable('activities').set({ title, properties: JSON.stringify(properties), updated_at: new Date() }).where('id', '=', id).execute();
}

export async function deleteAffiliationChanges(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('activities').where('id', 'in', [...ids]).where('type', '=', 'affiliation_change').execute();
}
