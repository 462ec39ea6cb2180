/**
 * Bulk loading for the search benchmark: multi-row INSERT … SELECT FROM unnest(arrays) in big batches,
 * with the customers' secondary indexes dropped during the load and rebuilt afterwards (one sorted GIN
 * build is far faster than a million incremental inserts), then VACUUM ANALYZE.
 */
import { sql } from 'kysely';
import { Worker } from 'node:worker_threads';
import type { Db } from '../../src/db/database.ts';
import type { SearchFields } from '../../src/domain/search/document.ts';
import type { BenchCompany, BenchCustomer } from './data.ts';
import { GRAM_SEP, buildDocs, type DocRequest, type DocResponse } from './doc-worker.ts';

/**
 * Builds the search documents of batch k+1 in a worker thread while batch k is inserted
 * (PGlite runs on the main thread; with PostgreSQL the main thread mostly waits).
 */
class DocPipeline {
  private readonly worker: Worker | null;
  private readonly pending = new Map<number, (r: DocResponse) => void>();
  constructor(useWorker: boolean) {
    // The worker registers tsx itself: loader hooks are per thread.
    const url = new URL('./doc-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
    this.worker = useWorker ? new Worker(boot, { eval: true }) : null;
    this.worker?.on('message', (r: DocResponse) => { this.pending.get(r.id)?.(r); this.pending.delete(r.id); });
  }
  build(req: DocRequest): Promise<DocResponse> {
    if (!this.worker) return Promise.resolve(buildDocs(req));
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, resolve);
      this.worker!.once('error', reject);
      this.worker!.postMessage(req);
    });
  }
  async close(): Promise<void> { await this.worker?.terminate(); }
}

export interface LoadTimings { insertMs: number; indexMs: number; vacuumMs: number; totalMs: number }

export async function loadBench(
  db: Db,
  data: { customers: BenchCustomer[]; companies: BenchCompany[] },
  options: { batchSize?: number; maintenanceWorkMem?: string; worker?: boolean; log?: (msg: string) => void } = {},
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

    // Foreign keys are checked by per-row triggers; the generated rows are valid, so skip them while loading.
    await sql`SET session_replication_role = replica`.execute(conn);
    const pipeline = new DocPipeline(options.worker ?? true);
    const fieldsOf = (c: BenchCustomer): SearchFields => ({
      familyName: c.familyName, givenName: c.givenName, familyNameKana: c.familyNameKana, givenNameKana: c.givenNameKana,
      displayName: c.displayName, companyName: c.companyIndex === null ? null : data.companies[c.companyIndex]!.name,
      email: c.email, phone: c.phone,
    });
    const request = (i: number) => pipeline.build({ id: i, rows: data.customers.slice(i, i + batchSize).map(fieldsOf) });
    let next = request(0);
    for (let i = 0; i < data.customers.length; i += batchSize) {
      const batch = data.customers.slice(i, i + batchSize);
      const docs = await next;
      if (i + batchSize < data.customers.length) next = request(i + batchSize);
      await sql`
        INSERT INTO customers (family_name, given_name, family_name_kana, given_name_kana, display_name, email, phone,
                               company_id, search_text, search_grams, sort_key, custom_fields, provenance)
        SELECT f, g, fk, gk, d, e, p, c, st, string_to_array(sg, ${GRAM_SEP}), sk, '{}', '{}'
        FROM unnest(${batch.map((c) => c.familyName)}::text[], ${batch.map((c) => c.givenName)}::text[],
                    ${batch.map((c) => c.familyNameKana)}::text[], ${batch.map((c) => c.givenNameKana)}::text[],
                    ${batch.map((c) => c.displayName)}::text[], ${batch.map((c) => c.email)}::text[], ${batch.map((c) => c.phone)}::text[],
                    ${batch.map((c) => (c.companyIndex === null ? null : companyIds[c.companyIndex]!))}::uuid[],
                    ${docs.text}::text[], ${docs.grams}::text[], ${docs.sortKey}::text[])
             AS t(f, g, fk, gk, d, e, p, c, st, sg, sk)`.execute(conn);
      if ((i / batchSize) % 20 === 19) log(`  inserted ${i + batch.length} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await pipeline.close();
    await sql`RESET session_replication_role`.execute(conn);
    const t1 = performance.now();
    log(`  insert done in ${((t1 - t0) / 1000).toFixed(1)} s; building ${indexes.length} indexes`);
    await sql`SET maintenance_work_mem = ${sql.lit(options.maintenanceWorkMem ?? '128MB')}`.execute(conn);
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
