import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * Customers whose stored first touch (customer_first_touch, migration 0040) differs from its definition — the
 * customer's earliest record, received first, ties by id — or who have one without records, or records without one.
 */
export async function firstTouchDrift(db: Db): Promise<string[]> {
  const r = await sql<{ id: string }>`
    WITH raw AS (
      SELECT DISTINCT ON (customer_id) customer_id, source_id, received_at, id FROM source_records
      WHERE customer_id IS NOT NULL ORDER BY customer_id, received_at, id)
    SELECT COALESCE(raw.customer_id, f.customer_id)::text AS id FROM raw FULL JOIN customer_first_touch f ON f.customer_id = raw.customer_id
    WHERE (raw.source_id, raw.received_at, raw.id) IS DISTINCT FROM (f.source_id, f.received_at, f.source_record_id)`.execute(db);
  return r.rows.map((x) => x.id).sort();
}
