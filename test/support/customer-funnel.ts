import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * Customers whose stored funnel row (customer_funnel, migration 0045, kept by customers.repository.ts) differs from
 * its raw definition — for each live customer with a change into a funnel stage, the earliest change into each of
 * 見込み客 / 商談中 / 顧客 —, or who have a row without being such a customer (deleted, erased, no funnel stage).
 */
export async function funnelDrift(db: Db): Promise<string[]> {
  const r = await sql<{ id: string }>`
    WITH raw AS (
      SELECT h.customer_id, min(h.changed_at) FILTER (WHERE h.to_stage = 'prospect') AS p, min(h.changed_at) FILTER (WHERE h.to_stage = 'opportunity') AS o,
             min(h.changed_at) FILTER (WHERE h.to_stage = 'customer') AS c
      FROM customer_stage_changes h JOIN customers c ON c.id = h.customer_id
      WHERE c.deleted_at IS NULL AND h.to_stage IN ('prospect', 'opportunity', 'customer') GROUP BY h.customer_id)
    SELECT COALESCE(raw.customer_id, f.customer_id)::text AS id FROM raw FULL JOIN customer_funnel f ON f.customer_id = raw.customer_id
    WHERE raw.customer_id IS NULL OR f.customer_id IS NULL
       OR (raw.p, raw.o, raw.c) IS DISTINCT FROM (f.prospect_at, f.opportunity_at, f.customer_at)`.execute(db);
  return r.rows.map((x) => `funnel ${x.id}`).sort();
}

/** Live customers with a funnel row (to check a test's path wrote rows at all). */
export async function funnelRows(db: Db): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM customer_funnel`.execute(db)).rows[0]!.n);
}
