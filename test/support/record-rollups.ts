import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * What the records' stored rollups (kept by src/resolution/resolution.repository.ts) get wrong against their raw
 * definitions, as text naming the rollup and the row:
 *  - `first touch <customer>`: customer_first_touch (0040) differs from the customer's earliest record — received
 *    first, ties by id —, or a customer has one without records, or records without one;
 *  - `sources <customer> <source>`: customer_sources (0043) lacks a (customer, source) pair of the records, or has
 *    one no record backs;
 *  - `joined <record>`: source_records.joined_existing (0043) differs from whether the record has a decision with
 *    joined_existing.
 */
export async function recordRollupsDrift(db: Db): Promise<string[]> {
  const firstTouch = await sql<{ id: string }>`
    WITH raw AS (
      SELECT DISTINCT ON (customer_id) customer_id, source_id, received_at, id FROM source_records
      WHERE customer_id IS NOT NULL ORDER BY customer_id, received_at, id)
    SELECT COALESCE(raw.customer_id, f.customer_id)::text AS id FROM raw FULL JOIN customer_first_touch f ON f.customer_id = raw.customer_id
    WHERE (raw.source_id, raw.received_at, raw.id) IS DISTINCT FROM (f.source_id, f.received_at, f.source_record_id)`.execute(db);
  const sources = await sql<{ id: string }>`
    WITH raw AS (SELECT DISTINCT customer_id, source_id FROM source_records WHERE customer_id IS NOT NULL)
    SELECT COALESCE(raw.customer_id, cs.customer_id)::text || ' ' || COALESCE(raw.source_id, cs.source_id)::text AS id
    FROM raw FULL JOIN customer_sources cs ON cs.customer_id = raw.customer_id AND cs.source_id = raw.source_id
    WHERE raw.customer_id IS NULL OR cs.customer_id IS NULL`.execute(db);
  const joined = await sql<{ id: string }>`
    SELECT sr.id::text AS id FROM source_records sr
    WHERE sr.joined_existing <> EXISTS (SELECT 1 FROM match_decisions d WHERE d.source_record_id = sr.id AND d.joined_existing)`.execute(db);
  return [
    ...firstTouch.rows.map((x) => `first touch ${x.id}`),
    ...sources.rows.map((x) => `sources ${x.id}`),
    ...joined.rows.map((x) => `joined ${x.id}`),
  ].sort();
}
