import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Reads the tracking of campaign e-mails needs: the tracker's site origins, the record an activity hangs off. */

/** The allowed origins of every active tracker site: a click to one of them carries the visitor-join parameter. */
export async function trackedOrigins(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('tracker_sites').select('allowed_origins').where('active', '=', true).execute();
  return rows.flatMap((r) => r.allowed_origins);
}

/**
 * The source record a message's activity hangs off (so merge and unmerge move it like the rest of the person's
 * behaviour): the customer's record with the message's address, else their earliest record; null when they have none.
 */
export async function recordForActivity(db: Db, customerId: string, address: string | null): Promise<{ id: number; sourceId: string } | null> {
  const row = await db.selectFrom('source_records').select(['id', 'source_id'])
    .where('customer_id', '=', customerId)
    .orderBy(sql`CASE WHEN lower(normalized ->> 'email') = ${(address ?? '').trim().toLowerCase()} THEN 0 ELSE 1 END`)
    .orderBy('id').limit(1).executeTakeFirst();
  return row ? { id: row.id, sourceId: row.source_id } : null;
}
