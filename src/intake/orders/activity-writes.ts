import type { Db } from '../../db/database.ts';

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
