import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CompaniesTable } from '../../db/schema.ts';
import type { Insertable, Updateable } from 'kysely';

export async function findCompanyByName(db: Db, name: string) {
  return db.selectFrom('companies').select(['id', 'name']).where('name', '=', name).where('deleted_at', 'is', null).orderBy('created_at').executeTakeFirst();
}

export async function findCompanyRow(db: Db, id: string) {
  return db.selectFrom('companies').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function insertCompany(db: Db, values: Insertable<CompaniesTable>) {
  return db.insertInto('companies').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateCompany(db: Db, id: string, values: Updateable<CompaniesTable>) {
  return db.updateTable('companies').set({ ...values, updated_at: new Date() }).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
}

export async function listCompanyRows(db: Db, filter: { q?: string | undefined; prefecture?: string | undefined; industry?: string | undefined }, after: { name: string; id: string } | null, limit: number) {
  let query = db
    .selectFrom('companies')
    .selectAll('companies')
    .select((eb) =>
      eb.selectFrom('customers').select(eb.fn.countAll<number>().as('n'))
        .whereRef('customers.company_id', '=', 'companies.id').where('customers.deleted_at', 'is', null).as('people_count'),
    )
    .where('companies.deleted_at', 'is', null);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) => eb.or([eb('companies.search_text', 'like', pattern), eb('companies.name', 'like', pattern)]));
  }
  if (filter.prefecture) query = query.where('companies.prefecture', '=', filter.prefecture);
  if (filter.industry) query = query.where('companies.industry', '=', filter.industry);
  if (after) query = query.where(sql<SqlBool>`(companies.name, companies.id) > (${after.name}, ${after.id}::uuid)` as Expression<SqlBool>);
  return query.orderBy('companies.name').orderBy('companies.id').limit(limit).execute();
}

export async function listCompanyPeople(db: Db, companyId: string) {
  return db
    .selectFrom('affiliations')
    .innerJoin('customers', 'customers.id', 'affiliations.customer_id')
    .select(['customers.id', 'customers.display_name', 'customers.lifecycle_stage', 'affiliations.department', 'affiliations.title', 'affiliations.is_primary'])
    .where('affiliations.company_id', '=', companyId)
    .where('customers.deleted_at', 'is', null)
    .orderBy('customers.sort_key')
    .limit(500)
    .execute();
}

/**
 * Primary affiliations of many customers at once: the customer's affiliation with its golden record's company is
 * primary (department and title updated), every other one is not.
 */
export async function upsertPrimaryAffiliations(
  db: Db,
  rows: ReadonlyArray<{ customer_id: string; company_id: string | null; department: string | null; title: string | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  const data = JSON.stringify(rows);
  await sql`UPDATE affiliations SET is_primary = false, updated_at = now()
    FROM jsonb_to_recordset(${data}::jsonb) AS v(customer_id uuid, company_id uuid)
    WHERE affiliations.customer_id = v.customer_id AND affiliations.is_primary
      AND (v.company_id IS NULL OR affiliations.company_id <> v.company_id)`.execute(db);
  const withCompany = rows.filter((r) => r.company_id !== null);
  if (withCompany.length === 0) return;
  await sql`INSERT INTO affiliations (customer_id, company_id, department, title, is_primary)
    SELECT v.customer_id, v.company_id, v.department, v.title, true
    FROM jsonb_to_recordset(${JSON.stringify(withCompany)}::jsonb) AS v(customer_id uuid, company_id uuid, department text, title text)
    ON CONFLICT (customer_id, company_id) DO UPDATE
      SET department = excluded.department, title = excluded.title, is_primary = true, updated_at = now()`.execute(db);
}

// ── resolution (issue 20): companies found by name key, 法人番号 or a former name ──

/**
 * The companies an incoming batch may be: live ones with one of the name keys or 法人番号, legacy rows without a
 * name key yet whose name is one of the names, and companies merged away (followed to their survivor by the caller;
 * a former name must keep finding the company). Rows holding a wanted 法人番号 are returned even when deleted: the
 * number is unique across every row.
 */
export async function findCompanyCandidates(db: Db, wanted: { keys: readonly string[]; numbers: readonly string[]; names: readonly string[] }) {
  if (wanted.keys.length + wanted.numbers.length + wanted.names.length === 0) return [];
  const rows = await sql<import('kysely').Selectable<CompaniesTable>>`SELECT * FROM companies
    WHERE (deleted_at IS NULL OR merged_into_id IS NOT NULL OR corporate_number = ANY(${[...wanted.numbers]}::text[]))
      AND (name_key = ANY(${[...wanted.keys]}::text[])
        OR corporate_number = ANY(${[...wanted.numbers]}::text[])
        OR (name_key IS NULL AND name = ANY(${[...wanted.names]}::text[])))
    ORDER BY created_at, id`.execute(db);
  return rows.rows;
}

export async function corporateNumberTaken(db: Db, number: string): Promise<boolean> {
  return (await db.selectFrom('companies').select('id').where('corporate_number', '=', number).executeTakeFirst()) !== undefined;
}

/** Live companies registered by hand (field_sources.name is 'manual') under exactly these names. */
export async function findManualCompaniesByNames(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }>`SELECT DISTINCT ON (name) id, name FROM companies
    WHERE name = ANY(${[...names]}::text[]) AND deleted_at IS NULL AND field_sources -> 'name' ->> 'source' = 'manual'
    ORDER BY name, created_at, id`.execute(db);
  return new Map(rows.rows.map((r) => [r.name, r.id]));
}

export async function findCompanyRows(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('companies').selectAll().where('id', 'in', [...ids]).where('deleted_at', 'is', null).execute();
}

/** Registers companies resolution decided are new (ids chosen by the caller), in one statement per 1,000. */
export async function insertCompaniesResolved(db: Db, rows: ReadonlyArray<{ id: string; name: string; name_key: string | null; legal_form: string | null; corporate_number: string | null }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('companies').values(rows.slice(i, i + 1000).map((r) => ({
      id: r.id, name: r.name, search_text: r.name.toLowerCase(), name_key: r.name_key, legal_form: r.legal_form, corporate_number: r.corporate_number, custom_fields: '{}',
    }))).execute();
  }
}

/** Advisory lock that serialises creating companies across processes (held to the end of the transaction). */
const COMPANY_LOCK_ID = 4_242_020;

export async function lockCompanyCreation(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(${COMPANY_LOCK_ID})`.execute(db);
}

/** Pairs that may be one 法人, kept for a person (ids in either order; a pair is recorded once). */
export async function insertCompanyReviews(db: Db, pairs: ReadonlyArray<{ a: string; b: string; reasons: readonly string[] }>): Promise<void> {
  const rows = pairs.filter((p) => p.a !== p.b).map((p) => (p.a < p.b ? p : { a: p.b, b: p.a, reasons: p.reasons }));
  if (rows.length === 0) return;
  await db.insertInto('company_reviews')
    .values(rows.map((p) => ({ company_a_id: p.a, company_b_id: p.b, reasons: JSON.stringify(p.reasons) })))
    .onConflict((oc) => oc.columns(['company_a_id', 'company_b_id']).doNothing())
    .execute();
}

export async function listOpenCompanyReviews(db: Db, companyId: string) {
  return db.selectFrom('company_reviews').selectAll()
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('company_a_id', '=', companyId), eb('company_b_id', '=', companyId)]))
    .orderBy('id').limit(100).execute();
}

// ── dedupe (daicho companies dedupe) ──

/** Every live company, for grouping (the ledger holds thousands, not millions, of companies). */
export async function listLiveCompanies(db: Db) {
  return db.selectFrom('companies').selectAll().where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
}

/** The customers whose golden record names one of the companies (to recompute after a merge). */
export async function listCustomerIdsOfCompanies(db: Db, companyIds: readonly string[]): Promise<string[]> {
  if (companyIds.length === 0) return [];
  const rows = await sql<{ id: string }>`SELECT id FROM customers WHERE company_id = ANY(${[...companyIds]}::uuid[])
    UNION SELECT customer_id FROM affiliations WHERE company_id = ANY(${[...companyIds]}::uuid[])`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * Merges companies into a survivor: their affiliations move to it (a customer already affiliated with the survivor
 * keeps that one, primary if either was), they are soft-deleted pointing at the survivor, and companies merged into
 * them earlier now point at the survivor too. Returns the customers whose affiliations moved, for the audit.
 */
export async function mergeCompaniesInto(db: Db, survivorId: string, mergedIds: readonly string[]): Promise<{ moved: string[]; folded: string[] }> {
  const moved: string[] = [];
  const folded: string[] = [];
  for (const id of mergedIds) {
    const m = await sql<{ customer_id: string }>`UPDATE affiliations SET company_id = ${survivorId}, updated_at = now()
      WHERE company_id = ${id} AND NOT EXISTS (
        SELECT 1 FROM affiliations s WHERE s.customer_id = affiliations.customer_id AND s.company_id = ${survivorId})
      RETURNING customer_id`.execute(db);
    moved.push(...m.rows.map((r) => r.customer_id));
    const f = await sql<{ customer_id: string }>`WITH gone AS (DELETE FROM affiliations WHERE company_id = ${id} RETURNING customer_id, is_primary)
      UPDATE affiliations SET is_primary = true, updated_at = now() FROM gone
      WHERE affiliations.company_id = ${survivorId} AND affiliations.customer_id = gone.customer_id AND gone.is_primary
      RETURNING affiliations.customer_id`.execute(db);
    folded.push(...f.rows.map((r) => r.customer_id));
    await sql`UPDATE companies SET merged_into_id = ${survivorId}, updated_at = now() WHERE merged_into_id = ${id}`.execute(db);
  }
  if (mergedIds.length > 0) {
    await sql`UPDATE companies SET merged_into_id = ${survivorId}, deleted_at = now(), updated_at = now()
      WHERE id = ANY(${[...mergedIds]}::uuid[]) AND deleted_at IS NULL`.execute(db);
  }
  return { moved, folded };
}

/** A company whose name is no company (なし, 個人, -): soft-deleted; its people's affiliations go. */
export async function retirePlaceholderCompany(db: Db, id: string): Promise<string[]> {
  const gone = await sql<{ customer_id: string }>`DELETE FROM affiliations WHERE company_id = ${id} RETURNING customer_id`.execute(db);
  await sql`UPDATE companies SET deleted_at = now(), updated_at = now() WHERE id = ${id} AND deleted_at IS NULL`.execute(db);
  return gone.rows.map((r) => r.customer_id);
}
