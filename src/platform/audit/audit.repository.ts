import type { Db } from '../../db/database.ts';

export interface AuditEntry {
  actorUserId: string | null;
  actorApiKeyId?: string | null;
  actorLabel: string | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export async function insertAuditEntry(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actorUserId,
      actor_api_key_id: entry.actorApiKeyId ?? null,
      actor_label: entry.actorLabel,
      action: entry.action,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId ?? null,
      ip: entry.ip ?? null,
      user_agent: entry.userAgent ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** What the audit log page and its CSV export filter by; every field optional, all given ones must hold. */
export interface AuditFilter {
  action?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorUserId?: string | undefined;
  /** Occurred at or after (inclusive), and before (exclusive): ISO 8601 instants. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Newest first; keyset paging by id (ids grow with time), `beforeId` being the last id of the previous page. */
export async function listAuditEntries(db: Db, filter: AuditFilter & { beforeId?: number | undefined; limit: number }) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('occurred_at', '<', new Date(filter.to));
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

// ── which customers an export carried (export_customers, migration 0037) ──

/** Records that an export (its audit entry's details.exportId) carried these customers; called page by page. */
export async function insertExportCustomers(db: Db, exportId: string, customerIds: readonly string[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < customerIds.length; i += 5000) {
    const r = await db.insertInto('export_customers').values(customerIds.slice(i, i + 5000).map((customerId) => ({ export_id: exportId, customer_id: customerId })))
      .onConflict((oc) => oc.doNothing()).executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** 消去 (src/ledger/privacy): the erased customers leave the lists (the exports' audit entries stay, with their counts). */
export async function eraseExportCustomersOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('export_customers').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
