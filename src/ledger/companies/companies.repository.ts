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
    .where('affiliations.is_primary', '=', true)
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

export interface AffiliationRow {
  customer_id: string;
  company_id: string;
  department: string | null;
  title: string | null;
  is_primary: boolean;
  /** Japan days: first and last time a record said it (ended_on null while it is the 現職). */
  started_on: string | null;
  ended_on: string | null;
}

/**
 * Each customer's affiliations as its records say them (所属履歴 folded per company: src/domain/companies/
 * affiliation-history.ts): one row per company, the golden record's primary. With `replace`, a company no record of
 * the customer names any more (records split out, a company merged) loses its row; a new customer has none to lose.
 */
export async function writeAffiliations(db: Db, customerIds: readonly string[], rows: readonly AffiliationRow[], replace: boolean): Promise<void> {
  if (replace && customerIds.length > 0) {
    await sql`DELETE FROM affiliations a WHERE a.customer_id = ANY(${[...customerIds]}::uuid[])
      AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(customer_id uuid, company_id uuid)
                      WHERE v.customer_id = a.customer_id AND v.company_id = a.company_id)`.execute(db);
  }
  if (rows.length === 0) return;
  await sql`INSERT INTO affiliations (customer_id, company_id, department, title, is_primary, started_on, ended_on)
    SELECT v.customer_id, v.company_id, v.department, v.title, v.is_primary, v.started_on, v.ended_on
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS v(customer_id uuid, company_id uuid, department text, title text, is_primary boolean, started_on date, ended_on date)
    ON CONFLICT (customer_id, company_id) DO UPDATE
      SET department = excluded.department, title = excluded.title, is_primary = excluded.is_primary,
          started_on = excluded.started_on, ended_on = excluded.ended_on, updated_at = now()
      WHERE (affiliations.department, affiliations.title, affiliations.is_primary, affiliations.started_on, affiliations.ended_on)
        IS DISTINCT FROM (excluded.department, excluded.title, excluded.is_primary, excluded.started_on, excluded.ended_on)`.execute(db);
}

/**
 * 過去の所属者 (元社員): people whose history names the company but whose 現職 is elsewhere (or unknown), each with
 * where they are now (転職先) and since when, newest leavers first.
 */
export async function listFormerCompanyPeople(db: Db, companyId: string) {
  const rows = await sql<{
    id: string; display_name: string; lifecycle_stage: string; department: string | null; title: string | null;
    started_on: string | null; ended_on: string | null; now_company_id: string | null; now_company_name: string | null;
    now_department: string | null; now_title: string | null; now_since: string | null;
  }>`SELECT c.id, c.display_name, c.lifecycle_stage, a.department, a.title, a.started_on, a.ended_on,
      nc.id AS now_company_id, nc.name AS now_company_name, p.department AS now_department, p.title AS now_title, p.started_on AS now_since
    FROM affiliations a
    JOIN customers c ON c.id = a.customer_id AND c.deleted_at IS NULL
    LEFT JOIN affiliations p ON p.customer_id = a.customer_id AND p.is_primary
    LEFT JOIN companies nc ON nc.id = p.company_id
    WHERE a.company_id = ${companyId} AND NOT a.is_primary
    ORDER BY a.ended_on DESC NULLS LAST, c.sort_key, c.id
    LIMIT 500`.execute(db);
  return rows.rows;
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

/** What one company's merge moved: undone by its company_merges row. */
export interface CompanyMergeMoves {
  /** Customers whose affiliation moved to the survivor. */
  moved: string[];
  /** Affiliations removed because the customer was already affiliated with the survivor (primary kept on that one). */
  folded: Array<{ customer_id: string; department: string | null; title: string | null; is_primary: boolean }>;
  /** Companies merged into this one earlier, now pointing at the survivor. */
  repointed: string[];
}

/**
 * Merges one company into a survivor: its affiliations move to it (a customer already affiliated with the survivor
 * keeps that one, primary if either was), it is soft-deleted pointing at the survivor, and companies merged into it
 * earlier now point at the survivor too.
 */
export async function mergeCompanyInto(db: Db, survivorId: string, mergedId: string): Promise<CompanyMergeMoves> {
  const m = await sql<{ customer_id: string }>`UPDATE affiliations SET company_id = ${survivorId}, updated_at = now()
    WHERE company_id = ${mergedId} AND NOT EXISTS (
      SELECT 1 FROM affiliations s WHERE s.customer_id = affiliations.customer_id AND s.company_id = ${survivorId})
    RETURNING customer_id`.execute(db);
  const folded = await db.selectFrom('affiliations').select(['customer_id', 'department', 'title', 'is_primary'])
    .where('company_id', '=', mergedId).orderBy('customer_id').execute();
  await sql`WITH gone AS (DELETE FROM affiliations WHERE company_id = ${mergedId} RETURNING customer_id, is_primary)
    UPDATE affiliations SET is_primary = true, updated_at = now() FROM gone
    WHERE affiliations.company_id = ${survivorId} AND affiliations.customer_id = gone.customer_id AND gone.is_primary`.execute(db);
  const r = await sql<{ id: string }>`UPDATE companies SET merged_into_id = ${survivorId}, updated_at = now() WHERE merged_into_id = ${mergedId} RETURNING id`.execute(db);
  await sql`UPDATE companies SET merged_into_id = ${survivorId}, deleted_at = now(), updated_at = now()
    WHERE id = ${mergedId} AND deleted_at IS NULL`.execute(db);
  return { moved: m.rows.map((x) => x.customer_id), folded, repointed: r.rows.map((x) => x.id) };
}

/** Merges companies into a survivor (mergeCompanyInto each); the customers moved and folded, for the audit. */
export async function mergeCompaniesInto(db: Db, survivorId: string, mergedIds: readonly string[]): Promise<{ moved: string[]; folded: string[]; each: Map<string, CompanyMergeMoves> }> {
  const each = new Map<string, CompanyMergeMoves>();
  for (const id of mergedIds) each.set(id, await mergeCompanyInto(db, survivorId, id));
  const all = [...each.values()];
  return { moved: all.flatMap((x) => x.moved), folded: all.flatMap((x) => x.folded.map((f) => f.customer_id)), each };
}

/** A company as it may be shown: live, or merged into another (a company deleted by hand is gone). */
export async function findCompanyRowOrMerged(db: Db, id: string) {
  return db.selectFrom('companies').selectAll().where('id', '=', id)
    .where((eb) => eb.or([eb('deleted_at', 'is', null), eb('merged_into_id', 'is not', null)])).executeTakeFirst();
}

/** The companies merged into this one (names for its page). */
export async function listCompaniesMergedInto(db: Db, survivorId: string) {
  return db.selectFrom('companies').select(['id', 'name', 'updated_at']).where('merged_into_id', '=', survivorId).orderBy('name').orderBy('id').limit(200).execute();
}

/** How many people each company has (customers whose golden record names it). */
export async function countCompanyPeople(db: Db, companyIds: readonly string[]): Promise<Map<string, number>> {
  if (companyIds.length === 0) return new Map();
  const rows = await db.selectFrom('customers').select(['company_id']).select((eb) => eb.fn.countAll<number>().as('n'))
    .where('company_id', 'in', [...companyIds]).where('deleted_at', 'is', null).groupBy('company_id').execute();
  return new Map(rows.map((r) => [r.company_id!, Number(r.n)]));
}

export async function insertCompanyMerge(db: Db, row: {
  survivor_id: string; merged_id: string; review_id: number | null; moves: CompanyMergeMoves;
  survivor_before: Record<string, unknown>; survivor_after: Record<string, unknown>; merged_corporate_number: string | null;
}): Promise<void> {
  await db.insertInto('company_merges').values({
    survivor_id: row.survivor_id, merged_id: row.merged_id, review_id: row.review_id,
    moved: JSON.stringify(row.moves.moved), folded: JSON.stringify(row.moves.folded), repointed: JSON.stringify(row.moves.repointed),
    survivor_before: JSON.stringify(row.survivor_before), survivor_after: JSON.stringify(row.survivor_after),
    merged_corporate_number: row.merged_corporate_number,
  }).execute();
}

/** The merge that took this company away, if recorded and not undone (the latest). */
export async function findOpenCompanyMerge(db: Db, mergedId: string) {
  return db.selectFrom('company_merges').selectAll().where('merged_id', '=', mergedId).where('undone_at', 'is', null)
    .orderBy('id', 'desc').executeTakeFirst();
}

export async function markCompanyMergeUndone(db: Db, id: number): Promise<void> {
  await db.updateTable('company_merges').set({ undone_at: new Date() }).where('id', '=', id).execute();
}

/** A merged company live again (its 法人番号 given back when the merge moved it to the survivor). */
export async function restoreMergedCompany(db: Db, id: string, corporateNumber: string | null): Promise<void> {
  await db.updateTable('companies')
    .set((eb) => ({ deleted_at: null, merged_into_id: null, updated_at: new Date(), corporate_number: corporateNumber ?? eb.ref('corporate_number') }))
    .where('id', '=', id).execute();
}

/** Undoing a merge: the affiliations that moved go back, the folded ones return, the repointed companies too. */
export async function moveAffiliationsBack(db: Db, survivorId: string, mergedId: string, moves: CompanyMergeMoves): Promise<void> {
  if (moves.moved.length > 0) {
    await sql`UPDATE affiliations SET company_id = ${mergedId}, updated_at = now()
      WHERE company_id = ${survivorId} AND customer_id = ANY(${[...moves.moved]}::uuid[]) AND NOT EXISTS (
        SELECT 1 FROM affiliations s WHERE s.customer_id = affiliations.customer_id AND s.company_id = ${mergedId})`.execute(db);
  }
  if (moves.folded.length > 0) {
    await sql`INSERT INTO affiliations (customer_id, company_id, department, title, is_primary)
      SELECT v.customer_id, ${mergedId}::uuid, v.department, v.title, v.is_primary
      FROM jsonb_to_recordset(${JSON.stringify(moves.folded)}::jsonb) AS v(customer_id uuid, department text, title text, is_primary boolean)
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = v.customer_id)
      ON CONFLICT (customer_id, company_id) DO NOTHING`.execute(db);
  }
  if (moves.repointed.length > 0) {
    await sql`UPDATE companies SET merged_into_id = ${mergedId}, updated_at = now()
      WHERE id = ANY(${[...moves.repointed]}::uuid[]) AND merged_into_id = ${survivorId}`.execute(db);
  }
}

export async function updateCompanyAny(db: Db, id: string, values: Updateable<CompaniesTable>) {
  return db.updateTable('companies').set({ ...values, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

// ── company review pairs ──

/** Open pairs whose two companies are both live, oldest first (keyset on id). */
export async function listOpenCompanyReviewPage(db: Db, afterId: number | null, limit: number) {
  let q = db.selectFrom('company_reviews')
    .innerJoin('companies as a', 'a.id', 'company_reviews.company_a_id')
    .innerJoin('companies as b', 'b.id', 'company_reviews.company_b_id')
    .select(['company_reviews.id', 'company_reviews.company_a_id', 'company_reviews.company_b_id', 'company_reviews.reasons', 'company_reviews.created_at'])
    .where('company_reviews.status', '=', 'open')
    .where('a.deleted_at', 'is', null).where('b.deleted_at', 'is', null);
  if (afterId !== null) q = q.where('company_reviews.id', '>', afterId);
  return q.orderBy('company_reviews.id').limit(limit).execute();
}

export async function countOpenCompanyReviews(db: Db): Promise<number> {
  const row = await db.selectFrom('company_reviews')
    .innerJoin('companies as a', 'a.id', 'company_reviews.company_a_id')
    .innerJoin('companies as b', 'b.id', 'company_reviews.company_b_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('company_reviews.status', '=', 'open')
    .where('a.deleted_at', 'is', null).where('b.deleted_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findCompanyReview(db: Db, id: number) {
  return db.selectFrom('company_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sets a pair's status when it is still `from` (a decided pair is not decided twice); false when it was not. */
export async function setCompanyReviewStatus(db: Db, id: number, from: 'open' | 'merged' | 'distinct', to: 'open' | 'merged' | 'distinct'): Promise<boolean> {
  const r = await db.updateTable('company_reviews').set({ status: to }).where('id', '=', id).where('status', '=', from).returning('id').executeTakeFirst();
  return r !== undefined;
}

/** The pair of two companies (either order), if the matcher or a person recorded one. */
export async function findCompanyReviewBetween(db: Db, x: string, y: string) {
  const [a, b] = x < y ? [x, y] : [y, x];
  return db.selectFrom('company_reviews').selectAll().where('company_a_id', '=', a).where('company_b_id', '=', b).executeTakeFirst();
}

/** Records a person's decision on two companies that had no pair yet (a merge by hand). */
export async function insertDecidedCompanyReview(db: Db, x: string, y: string, status: 'merged' | 'distinct'): Promise<number> {
  const [a, b] = x < y ? [x, y] : [y, x];
  const r = await db.insertInto('company_reviews').values({ company_a_id: a, company_b_id: b, reasons: '["manual"]', status })
    .onConflict((oc) => oc.columns(['company_a_id', 'company_b_id']).doUpdateSet({ status }))
    .returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** A company whose name is no company (なし, 個人, -): soft-deleted; its people's affiliations go. */
export async function retirePlaceholderCompany(db: Db, id: string): Promise<string[]> {
  const gone = await sql<{ customer_id: string }>`DELETE FROM affiliations WHERE company_id = ${id} RETURNING customer_id`.execute(db);
  await sql`UPDATE companies SET deleted_at = now(), updated_at = now() WHERE id = ${id} AND deleted_at IS NULL`.execute(db);
  return gone.rows.map((r) => r.customer_id);
}

/** 消去 (src/ledger/privacy): the people's affiliations. */
export async function eraseAffiliationsOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('affiliations').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
