import type { Db } from '../../db/database.ts';

/**
 * Reads of the retention delete (src/ledger/privacy/retention.service.ts): a source's records received before a
 * cutoff and what their customers keep besides them. Reads only; every table is written by its owner's eraser.
 */

export async function findSourceForRetention(db: Db, sourceId: string) {
  return db.selectFrom('sources').select(['id', 'name', 'label', 'retention_days']).where('id', '=', sourceId).executeTakeFirst();
}

/**
 * The source's records received before `cutoff`, with their customer (null: a record linked to nobody), in id order;
 * `limit`: the first ones only (a batch of the delete).
 */
export async function recordsReceivedBefore(db: Db, sourceId: string, cutoff: Date, limit?: number) {
  let q = db.selectFrom('source_records').select(['id', 'customer_id']).where('source_id', '=', sourceId).where('received_at', '<', cutoff)
    .orderBy('id');
  if (limit !== undefined) q = q.limit(limit);
  return q.execute();
}

/**
 * Of these customers, those holding a record the rule does not cover (another source's, or this source's received
 * on or after the cutoff): they keep a golden record.
 */
export async function customersKeepingOtherRecords(db: Db, customerIds: readonly string[], sourceId: string, cutoff: Date): Promise<Set<string>> {
  const keep = new Set<string>();
  for (let i = 0; i < customerIds.length; i += 5000) {
    const ids = customerIds.slice(i, i + 5000);
    const rows = await db.selectFrom('source_records').select('customer_id').distinct()
      .where('customer_id', 'in', ids)
      .where((eb) => eb.or([eb('source_id', '<>', sourceId), eb('received_at', '>=', cutoff)]))
      .execute();
    for (const r of rows) if (r.customer_id) keep.add(r.customer_id);
  }
  return keep;
}

/** How many of these records the rule does not cover (another source's, or this source's received on or after the cutoff). */
export async function recordsWithin(db: Db, recordIds: readonly number[], sourceId: string, cutoff: Date): Promise<number> {
  if (recordIds.length === 0) return 0;
  const row = await db.selectFrom('source_records').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', 'in', [...recordIds])
    .where((eb) => eb.or([eb('source_id', '<>', sourceId), eb('received_at', '>=', cutoff)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
