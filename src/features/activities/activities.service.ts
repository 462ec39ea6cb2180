import type { Actor, AuthContext } from '../../app/context.ts';
import { cursorBigId, cursorTime, decodeCursor, encodeCursor } from '../../app/cursor.ts';
import { notFound } from '../../app/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { CUSTOM_PREFIX, PERSONAL_FIELDS } from '../../domain/customers/fields.ts';
import { MASK } from '../../domain/customers/masking.ts';
import { findCustomerRow } from '../customers/customers.repository.ts';
import { audit } from '../audit/audit.service.ts';
import * as repo from './activities.repository.ts';

export interface Activity {
  id: number;
  type: string;
  occurredAt: string;
  title: string | null;
  properties: Record<string, unknown>;
  amount: string | null;
  currency: string | null;
  source: string | null;
  sourceLabel: string | null;
  actor: string | null;
}

export async function timeline(
  db: Db,
  customerId: string,
  query: { types?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  auth: AuthContext | null,
): Promise<{ items: Activity[]; nextCursor: string | null; hasMore: boolean }> {
  if (!(await findCustomerRow(db, customerId))) throw notFound('Customer');
  const limit = query.limit ?? 50;
  const types = query.types?.split(',').map((t) => t.trim()).filter(Boolean);
  let after: { occurredAt: string; id: number } | null = null;
  if (query.cursor) {
    const { t: at, i: id } = decodeCursor(query.cursor);
    after = { occurredAt: cursorTime(at), id: cursorBigId(id) };
  }
  const rows = await repo.listActivities(db, customerId, { types }, after, limit + 1);
  const page = rows.slice(0, limit);
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      title: r.title,
      properties: personal ? r.properties : maskChanges(r.properties),
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

/** Edit entries carry before/after values: personal ones are masked like the profile itself. */
function maskChanges(properties: Record<string, unknown>): Record<string, unknown> {
  const changes = properties.changes;
  if (!Array.isArray(changes)) return properties;
  return {
    ...properties,
    changes: changes.map((c: { field: string; from: unknown; to: unknown }) =>
      PERSONAL_FIELDS.has(c.field) || c.field.startsWith(CUSTOM_PREFIX) ? { field: c.field, from: c.from === null ? null : MASK, to: c.to === null ? null : MASK } : c,
    ),
  };
}

/** A sales note on the timeline; `mentions` are user ids to notify (owners, colleagues). */
export async function addNote(db: Db, customerId: string, input: { body: string; mentions?: string[] | undefined; occurredAt?: string | undefined }, actor: Actor): Promise<Activity> {
  if (!(await findCustomerRow(db, customerId))) throw notFound('Customer');
  const row = await repo.insertActivity(db, {
    customerId,
    type: 'note',
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
    title: 'メモ',
    properties: { body: input.body, mentions: input.mentions ?? [] },
    actorUserId: actor.auth?.userId ?? null,
  });
  await audit(db, actor, 'customer.note', { type: 'customer', id: customerId }, { activityId: row.id });
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    title: row.title,
    properties: row.properties,
    amount: row.amount,
    currency: row.currency,
    source: null,
    sourceLabel: null,
    actor: actor.auth?.displayName ?? null,
  };
}
