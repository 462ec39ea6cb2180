import type { Actor } from '../../core/context.ts';
import { cursorBigId, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { insertAuditEntry, insertExportCustomers, listAuditEntries, type AuditFilter } from './audit.repository.ts';
import type { AuditLogItem } from './audit.schemas.ts';

export type { AuditFilter };

/** Records who did what, when and from where. Never put secrets (passwords, tokens) in `details`. */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  entity: { type: string; id: string } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await insertAuditEntry(db, {
    actorUserId: actor.auth?.userId ?? null,
    actorApiKeyId: actor.auth?.apiKeyId ?? null,
    actorLabel: actor.auth?.email ?? null,
    action,
    entityType: entity?.type ?? null,
    entityId: entity?.id ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details,
  });
}

type AuditRow = Awaited<ReturnType<typeof listAuditEntries>>[number];

function toItem(r: AuditRow): AuditLogItem {
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actorUserId: r.actor_user_id,
    actorLabel: r.actor_label,
    via: r.actor_api_key_id ? 'api_key' : r.actor_user_id ? 'session' : null,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details,
  };
}

/** Only the filters that are set: what the list queries by and what an export's own audit entry records. */
export function activeAuditFilters(filter: AuditFilter): AuditFilter {
  const keys = ['action', 'entityType', 'entityId', 'actorUserId', 'from', 'to'] as const;
  return Object.fromEntries(keys.filter((k) => filter[k]).map((k) => [k, filter[k]])) as AuditFilter;
}

/** A page of the log, newest first. The cursor is opaque (core/cursor.ts) and holds the last id shown. */
export async function readAuditLog(
  db: Db,
  filter: AuditFilter & { cursor?: string | undefined; limit: number },
): Promise<{ items: AuditLogItem[]; nextCursor: string | null }> {
  const beforeId = filter.cursor ? cursorBigId(decodeCursor(filter.cursor).id) : undefined;
  const rows = await listAuditEntries(db, { ...activeAuditFilters(filter), beforeId, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { items: page.map(toItem), nextCursor: rows.length > filter.limit && last ? encodeCursor({ id: last.id }) : null };
}

const EXPORT_PAGE = 2_000;

const CSV_COLUMNS: Array<[string, (item: AuditLogItem) => string | null]> = [
  ['id', (i) => String(i.id)],
  ['occurred_at', (i) => i.occurredAt],
  ['actor_user_id', (i) => i.actorUserId],
  ['actor', (i) => i.actorLabel],
  ['via', (i) => i.via],
  ['action', (i) => i.action],
  ['entity_type', (i) => i.entityType],
  ['entity_id', (i) => i.entityId],
  ['ip', (i) => i.ip],
  ['user_agent', (i) => i.userAgent],
  ['details', (i) => JSON.stringify(i.details)],
];

/**
 * The filtered log as CSV lines (header first), newest first, read in keyset pages. The export is itself audited
 * (`audit.export` with its filters and row count) once every line is written: reading the audit log in bulk is an
 * act worth a trace like any other export.
 */
export async function exportAuditLog(db: Db, filter: AuditFilter, actor: Actor, write: (line: string) => Promise<void>): Promise<number> {
  const filters = activeAuditFilters(filter);
  await write(csvLine(CSV_COLUMNS.map(([h]) => h)));
  let rows = 0;
  let beforeId: number | undefined;
  for (;;) {
    const page = await listAuditEntries(db, { ...filters, beforeId, limit: EXPORT_PAGE });
    for (const r of page) await write(csvLine(CSV_COLUMNS.map(([, get]) => get(toItem(r)))));
    rows += page.length;
    if (page.length < EXPORT_PAGE) break;
    beforeId = page[page.length - 1]!.id;
  }
  await audit(db, actor, 'audit.export', null, { rows, filters });
  return rows;
}

/**
 * A personal-data export's record of whom it carried: `track` wraps the export's pages and lists each page's
 * customers under a new export id as they go out; the export's audit entry then names `exportId` and `customers`
 * (details), so the disclosure report of a person lists the exports that carried them (docs/PRIVACY.md).
 */
export function exportTracker(db: Db) {
  const exportId = randomUUID();
  let customers = 0;
  let seen = new Set<string>();
  const flush = async () => {
    if (seen.size === 0) return;
    const ids = [...seen];
    seen = new Set();
    customers += await insertExportCustomers(db, exportId, ids);
  };
  return {
    exportId,
    get customers() { return customers; },
    async *track<T extends { id: string }>(pages: AsyncIterable<T[]>): AsyncIterable<T[]> {
      for await (const page of pages) {
        customers += await insertExportCustomers(db, exportId, page.map((r) => r.id));
        yield page;
      }
    },
    /** For pages whose rows name their customer otherwise (links: a record's customer_id, null when unlinked). */
    async add(customerIds: ReadonlyArray<string | null>): Promise<void> {
      customers += await insertExportCustomers(db, exportId, [...new Set(customerIds.filter((id): id is string => id !== null))]);
    },
    /** For exports written row by row (a customer id per row, maybe several rows each): listed a thousand at a time. */
    async see(customerId: string): Promise<void> {
      seen.add(customerId);
      if (seen.size >= 1000) await flush();
    },
    /** Lists what see() has buffered: call it before reading `customers` for the audit entry. */
    flush,
  };
}
