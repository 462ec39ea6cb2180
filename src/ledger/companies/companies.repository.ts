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

// ── companies named by golden records ──

/** The company each name refers to (the oldest live one with exactly that name), for many names at once. */
export async function findCompaniesByNames(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }>`SELECT DISTINCT ON (name) id, name FROM companies
    WHERE name = ANY(${[...names]}::text[]) AND deleted_at IS NULL ORDER BY name, created_at, id`.execute(db);
  return new Map(rows.rows.map((r) => [r.name, r.id]));
}

/** Registers companies first named by a golden record. */
export async function insertCompaniesNamed(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }>`INSERT INTO companies (name, custom_fields, search_text)
    SELECT n, '{}'::jsonb, t FROM unnest(${[...names]}::text[], ${names.map((n) => n.toLowerCase())}::text[]) AS v(n, t)
    RETURNING id, name`.execute(db);
  return new Map(rows.rows.map((r) => [r.name, r.id]));
}
