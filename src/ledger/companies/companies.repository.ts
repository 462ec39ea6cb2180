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
