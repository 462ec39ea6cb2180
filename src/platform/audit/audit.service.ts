import type { Actor } from '../../core/context.ts';
import type { Db } from '../../db/database.ts';
import { insertAuditEntry, listAuditEntries } from './audit.repository.ts';
import type { AuditPage } from './audit.schemas.ts';

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

export async function readAuditLog(
  db: Db,
  filter: { action?: string | undefined; entityType?: string | undefined; entityId?: string | undefined; actorUserId?: string | undefined; cursor?: number | undefined; limit: number },
): Promise<AuditPage> {
  const rows = await listAuditEntries(db, {
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
    ...(filter.cursor !== undefined ? { beforeId: filter.cursor } : {}),
    limit: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((r) => ({
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
    })),
    nextCursor: rows.length > filter.limit && page.length > 0 ? String(page[page.length - 1]!.id) : null,
  };
}
