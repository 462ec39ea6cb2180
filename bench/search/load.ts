/**
 * Bulk loading for the search benchmark: multi-row INSERT … SELECT FROM unnest(arrays) in big batches,
 * with the customers' secondary indexes dropped during the load and rebuilt afterwards (one sorted GIN
 * build is far faster than a million incremental inserts), then VACUUM ANALYZE.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { searchDocumentColumns } from '../../src/features/search/search.repository.ts';
import type { BenchCompany, BenchCustomer } from './data.ts';

/** Separates the grams of one row inside a single text parameter (grams never contain control characters). */
const GRAM_SEP = '\u001f';

export interface LoadTimings { insertMs: number; indexMs: number; vacuumMs: number; totalMs: number }

export async function loadBench(
  db: Db,
  data: { customers: BenchCustomer[]; companies: BenchCompany[] },
  options: { batchSize?: number; maintenanceWorkMem?: string; log?: (msg: string) => void } = {},
): Promise<LoadTimings> {
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 5000;
  const t0 = performance.now();
  return db.connection().execute(async (conn) => {
    // Secondary indexes of customers (not the primary key): remember, drop, rebuild after the load.
    const indexes = (await sql<{ indexname: string; indexdef: string }>`
      SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.tablename = 'customers' AND i.schemaname = current_schema()
        AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'customers'::regclass)`.execute(conn)).rows;
    for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.indexname)}`.execute(conn);

    const companyIds: string[] = [];
    for (let i = 0; i < data.companies.length; i += batchSize) {
      const batch = data.companies.slice(i, i + batchSize);
      const rows = await sql<{ id: string }>`
        INSERT INTO companies (name, search_text)
        SELECT n, lower(n) FROM unnest(${batch.map((c) => c.name)}::text[]) WITH ORDINALITY AS t(n, o) ORDER BY o
        RETURNING id`.execute(conn);
      companyIds.push(...rows.rows.map((r) => r.id));
    }

    for (let i = 0; i < data.customers.length; i += batchSize) {
      const batch = data.customers.slice(i, i + batchSize);
      const cols = {
        family: [] as string[], given: [] as string[], familyKana: [] as string[], givenKana: [] as string[],
        display: [] as string[], email: [] as (string | null)[], phone: [] as (string | null)[], company: [] as (string | null)[],
        text: [] as string[], grams: [] as string[], sortKey: [] as string[],
      };
      for (const c of batch) {
        const company = c.companyIndex === null ? null : data.companies[c.companyIndex]!;
        const doc = searchDocumentColumns({
          familyName: c.familyName, givenName: c.givenName, familyNameKana: c.familyNameKana, givenNameKana: c.givenNameKana,
          displayName: c.displayName, companyName: company?.name ?? null, email: c.email, phone: c.phone,
        });
        cols.family.push(c.familyName);
        cols.given.push(c.givenName);
        cols.familyKana.push(c.familyNameKana);
        cols.givenKana.push(c.givenNameKana);
        cols.display.push(c.displayName);
        cols.email.push(c.email);
        cols.phone.push(c.phone);
        cols.company.push(c.companyIndex === null ? null : companyIds[c.companyIndex]!);
        cols.text.push(doc.search_text);
        cols.grams.push(doc.search_grams.join(GRAM_SEP));
        cols.sortKey.push(doc.sort_key);
      }
      await sql`
        INSERT INTO customers (family_name, given_name, family_name_kana, given_name_kana, display_name, email, phone,
                               company_id, search_text, search_grams, sort_key, custom_fields, provenance)
        SELECT f, g, fk, gk, d, e, p, c, st, string_to_array(sg, ${GRAM_SEP}), sk, '{}', '{}'
        FROM unnest(${cols.family}::text[], ${cols.given}::text[], ${cols.familyKana}::text[], ${cols.givenKana}::text[],
                    ${cols.display}::text[], ${cols.email}::text[], ${cols.phone}::text[], ${cols.company}::uuid[],
                    ${cols.text}::text[], ${cols.grams}::text[], ${cols.sortKey}::text[])
             AS t(f, g, fk, gk, d, e, p, c, st, sg, sk)`.execute(conn);
      if ((i / batchSize) % 20 === 19) log(`  inserted ${i + batch.length} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const t1 = performance.now();
    log(`  insert done in ${((t1 - t0) / 1000).toFixed(1)} s; building ${indexes.length} indexes`);
    await sql`SET maintenance_work_mem = ${sql.lit(options.maintenanceWorkMem ?? '512MB')}`.execute(conn);
    for (const ix of indexes) {
      const ts = performance.now();
      await sql.raw(ix.indexdef).execute(conn);
      log(`  ${ix.indexname}: ${((performance.now() - ts) / 1000).toFixed(1)} s`);
    }
    await sql`RESET maintenance_work_mem`.execute(conn);
    const t2 = performance.now();
    await sql`VACUUM ANALYZE customers`.execute(conn);
    await sql`ANALYZE companies`.execute(conn);
    const t3 = performance.now();
    return { insertMs: t1 - t0, indexMs: t2 - t1, vacuumMs: t3 - t2, totalMs: t3 - t0 };
  });
}
