import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

/** SQL of saved segments: segments, segment_members, segment_sizes (their one writer). */

export async function insertSegment(db: Db, values: { name: string; description: string | null; definition: unknown; mode: 'dynamic' | 'snapshot'; ownerUserId: string | null; refreshMinutes: number | null }) {
  return db.insertInto('segments').values({
    name: values.name, description: values.description, definition: JSON.stringify(values.definition), mode: values.mode,
    owner_user_id: values.ownerUserId, refresh_minutes: values.refreshMinutes,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function updateSegment(db: Db, id: string, values: { name?: string; description?: string | null; definition?: unknown; refreshMinutes?: number | null }) {
  return db.updateTable('segments').set({
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.description !== undefined ? { description: values.description } : {}),
    ...(values.definition !== undefined ? { definition: JSON.stringify(values.definition) } : {}),
    ...(values.refreshMinutes !== undefined ? { refresh_minutes: values.refreshMinutes } : {}),
    updated_at: new Date(),
  }).where('id', '=', id).where('archived_at', 'is', null).returningAll().executeTakeFirst();
}

export async function archiveSegment(db: Db, id: string): Promise<boolean> {
  const r = await db.updateTable('segments').set({ archived_at: new Date(), updated_at: new Date() }).where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findSegment(db: Db, id: string) {
  return db.selectFrom('segments').leftJoin('users', 'users.id', 'segments.owner_user_id')
    .selectAll('segments').select('users.display_name as owner_name')
    .where('segments.id', '=', id).where('segments.archived_at', 'is', null).executeTakeFirst();
}

export async function listSegments(db: Db) {
  return db.selectFrom('segments').leftJoin('users', 'users.id', 'segments.owner_user_id')
    .selectAll('segments').select('users.display_name as owner_name')
    .where('segments.archived_at', 'is', null).orderBy('segments.name').orderBy('segments.id').limit(1000).execute();
}

/** Definitions and modes of live segments (for references between segments). */
export async function listDefinitions(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('segments').select(['id', 'definition', 'mode', 'name']).where('id', 'in', [...ids]).where('archived_at', 'is', null).execute();
}

/**
 * Replaces the members with those the predicate keeps, in one statement each way (no rows through JavaScript),
 * and records the size. Returns the counts.
 */
export async function materialize(db: Db, segmentId: string, predicate: RawBuilder<SqlBool>): Promise<{ members: number; added: number; removed: number }> {
  await sql`CREATE TEMP TABLE IF NOT EXISTS segment_refresh (customer_id uuid PRIMARY KEY) ON COMMIT DELETE ROWS`.execute(db);
  await sql`INSERT INTO segment_refresh (customer_id) SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND c.use_stopped_request_id IS NULL AND ${predicate}`.execute(db);
  const removed = await sql`DELETE FROM segment_members sm WHERE sm.segment_id = ${segmentId}
    AND NOT EXISTS (SELECT 1 FROM segment_refresh r WHERE r.customer_id = sm.customer_id)`.execute(db);
  const added = await sql`INSERT INTO segment_members (segment_id, customer_id)
    SELECT ${segmentId}, r.customer_id FROM segment_refresh r ON CONFLICT DO NOTHING`.execute(db);
  const total = await sql<{ n: number | string }>`SELECT count(*) AS n FROM segment_refresh`.execute(db);
  const members = Number(total.rows[0]?.n ?? 0);
  const counts = { members, added: Number(added.numAffectedRows ?? 0), removed: Number(removed.numAffectedRows ?? 0) };
  await db.insertInto('segment_sizes').values({ segment_id: segmentId, member_count: members, added: counts.added, removed: counts.removed })
    .onConflict((oc) => oc.columns(['segment_id', 'measured_at']).doNothing()).execute();
  await db.updateTable('segments').set({ member_count: members, refreshed_at: new Date(), refresh_claimed_at: null }).where('id', '=', segmentId).execute();
  return counts;
}

export async function listSizes(db: Db, segmentId: string) {
  return db.selectFrom('segment_sizes').selectAll().where('segment_id', '=', segmentId).orderBy('measured_at', 'desc').limit(200).execute();
}

/** Live members after a customer id (keyset), for the members list and exports. */
export async function memberIdsAfter(db: Db, segmentId: string, after: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('segment_members').innerJoin('customers', 'customers.id', 'segment_members.customer_id')
    .select('segment_members.customer_id').where('segment_members.segment_id', '=', segmentId).where('customers.deleted_at', 'is', null)
    .where('customers.use_stopped_request_id', 'is', null);
  if (after) q = q.where(sql<SqlBool>`segment_members.customer_id > ${after}::uuid`);
  const rows = await q.orderBy('segment_members.customer_id').limit(limit).execute();
  return rows.map((r) => r.customer_id);
}

/**
 * Claims the dynamic segments whose scheduled refresh is due (a claim older than 15 minutes is taken over: its
 * process died), so several servers sharing one database refresh each segment once.
 */
export async function claimDueSegments(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    UPDATE segments SET refresh_claimed_at = ${now}
    WHERE id IN (
      SELECT id FROM segments
      WHERE archived_at IS NULL AND mode = 'dynamic' AND refresh_minutes IS NOT NULL
        AND (refreshed_at IS NULL OR refreshed_at + make_interval(mins => refresh_minutes) <= ${now})
        AND (refresh_claimed_at IS NULL OR refresh_claimed_at < ${new Date(now.getTime() - 15 * 60_000)})
      ORDER BY refreshed_at NULLS FIRST LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Which of these ids exist in a table that conditions refer to (forms, events, campaigns). */
export async function existingIds(db: Db, table: 'forms' | 'events' | 'campaigns', ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom(table).select('id').where('id', 'in', [...ids]).execute();
  return rows.map((r) => r.id);
}

/** Which of these SKUs are products of the catalogue. */
export async function existingSkus(db: Db, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.selectFrom('products').select('sku').where('sku', 'in', [...skus]).execute();
  return rows.map((r) => r.sku);
}

/** Whether some live customer holds this key among its custom values (an unmapped import column kept as one). */
export async function customKeyInUse(db: Db, key: string): Promise<boolean> {
  const row = await sql<{ one: number }>`SELECT 1 AS one FROM customers WHERE deleted_at IS NULL AND custom_fields ? ${key} LIMIT 1`.execute(db);
  return row.rows.length > 0;
}

/** 消去 (src/ledger/privacy): the customers' segment memberships. */
export async function eraseMembersOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('segment_members').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
