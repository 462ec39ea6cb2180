import type { Actor } from '../../core/context.ts';
import { cursorText, cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CompanyRow } from '../../db/schema.ts';
import { nfkc } from '../../domain/normalize/text.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './companies.repository.ts';
import type { Company, CompanyDetail, CompanyList } from './companies.schemas.ts';

export function toCompany(row: CompanyRow & { people_count?: number | string | null }): Company {
  return {
    id: row.id,
    name: row.name,
    nameKana: row.name_kana,
    legalForm: row.legal_form,
    corporateNumber: row.corporate_number,
    industry: row.industry,
    sizeBand: row.size_band,
    employeeCount: row.employee_count,
    website: row.website,
    phone: row.phone,
    postalCode: row.postal_code,
    prefecture: row.prefecture,
    address: row.address,
    customFields: row.custom_fields,
    ...(row.people_count !== undefined ? { peopleCount: Number(row.people_count ?? 0) } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface CompanyInput {
  name?: string | undefined;
  nameKana?: string | null | undefined;
  legalForm?: string | null | undefined;
  corporateNumber?: string | null | undefined;
  industry?: string | null | undefined;
  sizeBand?: string | null | undefined;
  employeeCount?: number | null | undefined;
  website?: string | null | undefined;
  phone?: string | null | undefined;
  postalCode?: string | null | undefined;
  prefecture?: string | null | undefined;
  address?: string | null | undefined;
}

function columns(input: CompanyInput) {
  const name = input.name !== undefined ? nfkc(input.name) : undefined;
  return {
    ...(name !== undefined ? { name, search_text: name.toLowerCase() } : {}),
    ...(input.nameKana !== undefined ? { name_kana: input.nameKana } : {}),
    ...(input.legalForm !== undefined ? { legal_form: input.legalForm } : {}),
    ...(input.corporateNumber !== undefined ? { corporate_number: input.corporateNumber } : {}),
    ...(input.industry !== undefined ? { industry: input.industry } : {}),
    ...(input.sizeBand !== undefined ? { size_band: input.sizeBand } : {}),
    ...(input.employeeCount !== undefined ? { employee_count: input.employeeCount } : {}),
    ...(input.website !== undefined ? { website: input.website } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
    ...(input.postalCode !== undefined ? { postal_code: input.postalCode } : {}),
    ...(input.prefecture !== undefined ? { prefecture: input.prefecture } : {}),
    ...(input.address !== undefined ? { address: input.address } : {}),
  };
}

export async function createCompany(db: Db, input: CompanyInput & { name: string }, actor: Actor): Promise<Company> {
  try {
    const row = await repo.insertCompany(db, { ...columns(input), name: nfkc(input.name), custom_fields: '{}' });
    await audit(db, actor, 'company.create', { type: 'company', id: row.id }, { name: row.name });
    return toCompany(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A company with this corporate number exists', [{ field: 'corporateNumber', message: 'Already registered' }]);
    throw error;
  }
}

export async function updateCompany(db: Db, id: string, input: CompanyInput, actor: Actor): Promise<Company> {
  try {
    const row = await repo.updateCompany(db, id, columns(input));
    if (!row) throw notFound('Company');
    await audit(db, actor, 'company.update', { type: 'company', id }, { fields: Object.keys(input) });
    return toCompany(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A company with this corporate number exists', [{ field: 'corporateNumber', message: 'Already registered' }]);
    throw error;
  }
}

export async function getCompany(db: Db, id: string): Promise<CompanyDetail> {
  const row = await repo.findCompanyRow(db, id);
  if (!row) throw notFound('Company');
  const people = await repo.listCompanyPeople(db, id);
  return {
    ...toCompany(row),
    people: people.map((p) => ({ id: p.id, displayName: p.display_name, lifecycleStage: p.lifecycle_stage, department: p.department, title: p.title, isPrimary: p.is_primary })),
  };
}

export async function listCompanies(db: Db, query: { q?: string | undefined; prefecture?: string | undefined; industry?: string | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<CompanyList> {
  const limit = query.limit ?? 50;
  let after: { name: string; id: string } | null = null;
  if (query.cursor) {
    const parsed = decodeCursor(query.cursor);
    after = { name: cursorText(parsed.n), id: cursorUuid(parsed.i) };
  }
  const rows = await repo.listCompanyRows(db, { q: query.q ? nfkc(query.q).toLowerCase() : undefined, prefecture: query.prefecture, industry: query.industry }, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toCompany),
    hasMore: rows.length > limit,
    nextCursor: rows.length > limit && last ? encodeCursor({ n: last.name, i: last.id }) : null,
  };
}

/** The company of each name: an existing one with that exact name, or a new one. */
export async function companiesNamed(db: Db, names: Array<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(names.filter((n): n is string => n !== null))];
  const found = await repo.findCompaniesByNames(db, wanted);
  const missing = wanted.filter((n) => !found.has(n));
  for (const [name, id] of await repo.insertCompaniesNamed(db, missing)) found.set(name, id);
  return found;
}
