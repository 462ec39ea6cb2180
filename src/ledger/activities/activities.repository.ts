import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { exactTimestamp } from '../customers/customers.repository.ts';

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
