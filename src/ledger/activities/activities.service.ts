import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorBigId, cursorTime, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskActivityProperties } from '../../domain/customers/masking.ts';
import { findActiveUserIds } from '../../platform/accounts/users.repository.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './activities.repository.ts';
import type { Activity, Timeline } from './activities.schemas.ts';

export async function timeline(
  db: Db,
  customerId: string,
  query: { types?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  auth: AuthContext | null,
): Promise<Timeline> {
  if (!(await repo.liveCustomerExists(db, customerId))) throw notFound('Customer');
  const limit = query.limit ?? 50;
  const types = query.types?.split(',').map((t) => t.trim()).filter(Boolean);
  let after: { occurredAt: string; id: number } | null = null;
  if (query.cursor) {
    const { t: at, i: id } = decodeCursor(query.cursor);
    after = { occurredAt: cursorTime(at), id: cursorBigId(id) };
  }
  const rows = await repo.listActivities(db, customerId, { types }, after, limit + 1);
  const page = rows.slice(0, limit);
  const personal = canReadPersonal(auth);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      title: r.title,
      properties: personal ? r.properties : maskActivityProperties(r.type, r.properties),
      amount: r.amount,
      currency: r.currency,
      source: r.source_name,
      sourceLabel: r.source_label,
      actor: r.actor_name,
    })),
    hasMore: rows.length > limit,
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.occurred_cursor, i: last.id }) : null,
  };
}

/** A sales note on the timeline; `mentions` are user ids to notify (owners, colleagues). */
export async function addNote(db: Db, customerId: string, input: { body: string; mentions?: string[] | undefined; occurredAt?: string | undefined }, actor: Actor): Promise<Activity> {
  if (!(await repo.liveCustomerExists(db, customerId))) throw notFound('Customer');
  const mentions = [...new Set(input.mentions ?? [])];
  const active = await findActiveUserIds(db, mentions);
  const unknown = (input.mentions ?? []).flatMap((id, i) => (active.has(id) ? [] : [{ field: `mentions.${i}`, message: `No active user with id ${id}` }]));
  if (unknown.length > 0) throw new AppError('validation_failed', 'A mentioned user does not exist or is disabled', unknown);
  const row = await repo.insertActivity(db, {
    customerId,
    type: 'note',
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
    title: 'メモ',
    properties: { body: input.body, mentions },
    actorUserId: actor.auth?.userId ?? null,
  });
  await audit(db, actor, 'customer.note', { type: 'customer', id: customerId }, { activityId: row.id });
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    title: row.title,
    properties: canReadPersonal(actor.auth) ? row.properties : maskActivityProperties(row.type, row.properties),
    amount: row.amount,
    currency: row.currency,
    source: null,
    sourceLabel: null,
    actor: actor.auth?.displayName ?? null,
  };
}

function canReadPersonal(auth: AuthContext | null): boolean {
  return auth !== null && can(auth.role, 'customers:read_personal');
}
