import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/context.ts';
import { cursorText, cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CompanyRow } from '../../db/schema.ts';
import { nfkc } from '../../domain/normalize/text.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './companies.repository.ts';
import type { Company, CompanyDetail, CompanyList, FormerPeople } from './companies.schemas.ts';
import {
  SIZE_BAND_LABELS, assessSme, chooseCompanyMatch, classifyIndustry, companyLookupKeys, employeeSizeBand, parseEmployeeCount,
  parseYenAmount, prepareCompany, websiteDomain, type PreparedCompany, type SizeBand,
} from '../../domain/companies/index.ts';
import { normalizeCorporateNumber } from '../../domain/companies/corporate-number.ts';
import { parseAddress } from '../../domain/normalize/address.ts';
import { normalizePhone } from '../../domain/normalize/phone.ts';


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
    ...derivedFacts(row),
  };
}

function derivedFacts(row: CompanyRow) {
  const industry = classifyIndustry(row.industry);
  const capitalYen = row.capital_yen === null ? null : Number(row.capital_yen);
  const band = row.size_band as SizeBand | null;
  return {
    industryCode: row.industry_code,
    industryLabel: industry.label,
    employeesText: row.employees_text,
    capitalYen,
    capitalText: row.capital_text,
    revenueBand: row.revenue_band,
    domain: row.domain,
    sizeBandLabel: band !== null && band in SIZE_BAND_LABELS ? SIZE_BAND_LABELS[band] : null,
    sme: assessSme({ industry, capital: capitalYen ?? row.capital_text, employees: row.employee_count ?? row.employees_text }),
    fieldSources: row.field_sources ?? {},
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
  /** 従業員数 as text (「約300名」「300〜499名」): sets employeeCount / the size band when it reads as one. */
  employees?: string | null | undefined;
  /** 資本金 as text (「5000万円」「1億円」). */
  capital?: string | null | undefined;
  /** 売上規模 as given. */
  revenueBand?: string | null | undefined;
}

function columns(input: CompanyInput) {
  const name = input.name !== undefined ? nfkc(input.name) : undefined;
  const analysed = name !== undefined ? prepareCompany({ id: '', name }).name : null;
  return {
    ...(name !== undefined ? { name, search_text: name.toLowerCase(), name_key: analysed?.key ?? null } : {}),
    ...(analysed !== null && analysed.legalForm !== null && input.legalForm === undefined ? { legal_form: analysed.legalForm } : {}),
    ...(input.industry !== undefined ? { industry_code: industryCodeOf(input.industry) } : {}),
    ...(input.website !== undefined ? { domain: websiteDomain(input.website) } : {}),
    ...(input.employees !== undefined ? employeeColumns(input.employees) : {}),
    ...(input.capital !== undefined ? capitalColumns(input.capital) : {}),
    ...(input.revenueBand !== undefined ? { revenue_band: input.revenueBand } : {}),
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

/** The fields a person set by hand: survivorship keeps them over any source's later statement. */
function manualSources(input: CompanyInput, previous: Record<string, { source: string; at: string }> = {}) {
  const at = new Date().toISOString();
  const out = { ...previous };
  for (const [field, value] of Object.entries(input)) if (value !== undefined) out[field] = { source: 'manual', at };
  return JSON.stringify(out);
}

export async function createCompany(db: Db, input: CompanyInput & { name: string }, actor: Actor): Promise<Company> {
  try {
    const row = await repo.insertCompany(db, { ...columns(input), name: nfkc(input.name), custom_fields: '{}', field_sources: manualSources(input) });
    await audit(db, actor, 'company.create', { type: 'company', id: row.id }, { name: row.name });
    return toCompany(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A company with this corporate number exists', [{ field: 'corporateNumber', message: 'Already registered' }]);
    throw error;
  }
}

export async function updateCompany(db: Db, id: string, input: CompanyInput, actor: Actor): Promise<Company> {
  try {
    const before = await repo.findCompanyRow(db, id);
    if (!before) throw notFound('Company');
    const row = await repo.updateCompany(db, id, { ...columns(input), field_sources: manualSources(input, before.field_sources) });
    if (!row) throw notFound('Company');
    await audit(db, actor, 'company.update', { type: 'company', id }, { fields: Object.keys(input) });
    return toCompany(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A company with this corporate number exists', [{ field: 'corporateNumber', message: 'Already registered' }]);
    throw error;
  }
}

/** 過去の所属者 (元社員) of a company, with where each went (転職先) and when. */
export async function listFormerPeople(db: Db, id: string): Promise<FormerPeople> {
  if (!(await repo.findCompanyRowOrMerged(db, id))) throw notFound('Company');
  const rows = await repo.listFormerCompanyPeople(db, id);
  return {
    items: rows.map((r) => ({
      id: r.id, displayName: r.display_name, lifecycleStage: r.lifecycle_stage, department: r.department, title: r.title,
      startedOn: r.started_on, endedOn: r.ended_on,
      movedTo: r.now_company_id === null ? null : {
        companyId: r.now_company_id, companyName: r.now_company_name ?? '', department: r.now_department, title: r.now_title, since: r.now_since,
      },
    })),
  };
}

/** A company with its people; a company merged into another is shown too (read-only, with its survivor), so it can be unmerged. */
export async function getCompany(db: Db, id: string): Promise<CompanyDetail> {
  const row = await repo.findCompanyRowOrMerged(db, id);
  if (!row) throw notFound('Company');
  const [people, mergedCompanies, survivor, counts] = await Promise.all([
    repo.listCompanyPeople(db, id),
    repo.listCompaniesMergedInto(db, id),
    row.merged_into_id !== null ? repo.findCompanyRowOrMerged(db, row.merged_into_id) : Promise.resolve(undefined),
    repo.countCompanyPeople(db, [id]),
  ]);
  return {
    ...toCompany({ ...row, people_count: counts.get(id) ?? 0 }),
    mergedInto: row.merged_into_id !== null ? { id: row.merged_into_id, name: survivor?.name ?? '' } : null,
    mergedCompanies: mergedCompanies.map((m) => ({ id: m.id, name: m.name })),
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

function industryCodeOf(raw: string | null): string | null {
  const c = classifyIndustry(raw);
  return c.minor ?? c.middle ?? c.major;
}

function employeeColumns(raw: string | null) {
  const q = parseEmployeeCount(raw);
  return { employee_count: q.value !== null && q.value >= 0 ? Math.round(q.value) : null, employees_text: raw, size_band: employeeSizeBand(q) };
}

function capitalColumns(raw: string | null) {
  const q = parseYenAmount(raw);
  return { capital_yen: q.value !== null && q.value >= 0 ? Math.round(q.value) : null, capital_text: raw };
}

// ── resolution: which company a person's statement names ──

/** Where a fact came from: the source and when it was stated (the golden record's provenance). */
export interface FactSource { source: string; at: string }

/** What a customer's golden record says about its company. */
export interface CompanyMention {
  name: string | null;
  /** The person's e-mail: an organisation domain is evidence of the company (free-mail is ignored). */
  email?: string | null | undefined;
  facts?: Partial<Record<CompanyFact, { value: string; from: FactSource }>> | undefined;
}

/** The company facts a statement can carry (src/domain/customers/fields.ts company* fields). */
export const COMPANY_FACTS = ['corporateNumber', 'industry', 'employees', 'capital', 'revenue', 'website', 'phone', 'address'] as const;
export type CompanyFact = (typeof COMPANY_FACTS)[number];

export interface ResolvedCompany {
  /** Null when no company is named, or the name is a placeholder (なし, 個人, -, 不明). */
  companyId: string | null;
  /** The branch written after the name (「東京支店」): it belongs to the person's department. */
  branch: string | null;
  outcome: 'none' | 'merge' | 'review' | 'new';
}

interface Candidate { prepared: PreparedCompany; row: CompanyRow; companyId: string }

function preparedOfRow(row: CompanyRow): PreparedCompany {
  return prepareCompany({
    id: row.id, name: row.name, nameKana: row.name_kana, corporateNumber: row.corporate_number, legalForm: row.legal_form,
    prefecture: row.prefecture, address: row.address, postalCode: row.postal_code, phones: [row.phone], website: row.website ?? row.domain,
  });
}

/**
 * The company of each mention (issue 20), deterministic and race-safe:
 *  - a placeholder name (なし, 無し, -, 個人, 不明, 「株式会社」 alone) is no company;
 *  - existing companies are looked up by `companyLookupKeys` (name key, 法人番号) — and by exact name for rows not
 *    keyed yet — and `chooseCompanyMatch` decides: merge → that company (a company merged away leads to its survivor);
 *    review → a new company and a company_reviews pair for a person; distinct → a new company;
 *  - new companies are created under an advisory lock (re-reading after it), so two processes naming the same new
 *    company at once create it once;
 *  - the company's facts (法人番号, 業種, 従業員数, 資本金, 売上規模, URL, 代表電話, 住所) flow from the statements:
 *    per field, a manual edit on the company wins; otherwise the most recently stated non-empty value.
 */
export async function resolveCompanies(db: Db, mentions: readonly CompanyMention[]): Promise<ResolvedCompany[]> {
  const prepared = mentions.map((m, i) => (m.name === null || m.name.trim() === '' ? null : prepareCompany({
    id: `m${i}`, name: m.name, corporateNumber: m.facts?.corporateNumber?.value, website: m.facts?.website?.value,
    phones: [m.facts?.phone?.value], address: m.facts?.address?.value, emails: [m.email],
  })));
  const out: ResolvedCompany[] = prepared.map((p) => ({ companyId: null, branch: p?.name?.branch ?? null, outcome: 'none' }));
  const named = prepared.flatMap((p, i) => (p !== null && p.name !== null ? [i] : []));
  // A placeholder-looking name (「株式会社テスト」) that a person registered by hand as a company is that company.
  const placeholders = prepared.flatMap((p, i) => (p !== null && p.name === null ? [i] : []));
  if (placeholders.length > 0) {
    const manual = await repo.findManualCompaniesByNames(db, [...new Set(placeholders.map((i) => nfkc(mentions[i]!.name!)))]);
    for (const i of placeholders) {
      const id = manual.get(nfkc(mentions[i]!.name!));
      if (id !== undefined) out[i] = { companyId: id, branch: null, outcome: 'merge' };
    }
  }
  if (named.length === 0) return out;
  const work = async (trx: Db) => {
    const first = await decideAll(trx, mentions, prepared, named, false);
    const settled = first.every((d) => d.outcome === 'merge') ? first : await (async () => {
      await repo.lockCompanyCreation(trx);
      return decideAll(trx, mentions, prepared, named, true);
    })();
    settled.forEach((d, k) => { out[named[k]!] = { ...out[named[k]!]!, companyId: d.companyId, outcome: d.outcome }; });
    await applyFacts(trx, mentions, out);
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
  return out;
}

/**
 * The registered company each name is, without registering any (a former employer named only in an old record
 * links when the ledger knows it, and stays a name otherwise): the same decision as resolveCompanies, read only.
 */
export async function findCompanyIdsByName(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(names.filter((n) => n.trim() !== ''))];
  const mentions: CompanyMention[] = distinct.map((name) => ({ name, email: null }));
  const prepared = mentions.map((m, i) => prepareCompany({ id: `m${i}`, name: m.name!, emails: [] }));
  const named = prepared.flatMap((p, i) => (p.name !== null ? [i] : []));
  const out = new Map<string, string>();
  if (named.length === 0) return out;
  const decided = await decideAll(db, mentions, prepared, named, false);
  decided.forEach((d, k) => { if (d.companyId !== null) out.set(distinct[named[k]!]!, d.companyId); });
  return out;
}

async function loadCandidates(db: Db, prepared: ReadonlyArray<PreparedCompany | null>, mentions: readonly CompanyMention[], named: readonly number[]) {
  const keys = new Set<string>();
  const numbers = new Set<string>();
  const names = new Set<string>();
  for (const i of named) {
    const p = prepared[i]!;
    for (const k of companyLookupKeys(p)) if (k.startsWith('name:')) keys.add(k.slice(5));
    if (p.corporateNumber !== null) numbers.add(p.corporateNumber);
    names.add(nfkc(mentions[i]!.name!));
    names.add(p.name!.canonicalName);
  }
  const rows = await repo.findCompanyCandidates(db, { keys: [...keys], numbers: [...numbers], names: [...names] });
  const byKey = new Map<string, Candidate[]>();
  const takenNumbers = new Set<string>();
  for (const row of rows) {
    if (row.corporate_number !== null) takenNumbers.add(row.corporate_number);
    if (row.deleted_at !== null && row.merged_into_id === null) continue; // deleted by hand: holds its number only
    addCandidate(byKey, { prepared: preparedOfRow(row), row, companyId: row.merged_into_id ?? row.id });
  }
  return { byKey, takenNumbers };
}

function addCandidate(byKey: Map<string, Candidate[]>, c: Candidate) {
  for (const k of companyLookupKeys(c.prepared)) {
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [c]);
    else list.push(c);
  }
}

/** Decides every named mention in order; with `create`, registers the new companies (later mentions may merge into them). */
async function decideAll(db: Db, mentions: readonly CompanyMention[], prepared: ReadonlyArray<PreparedCompany | null>, named: readonly number[], create: boolean) {
  const { byKey, takenNumbers } = await loadCandidates(db, prepared, mentions, named);
  const decided: Array<{ companyId: string | null; outcome: 'merge' | 'review' | 'new' }> = [];
  const reviews: Array<{ a: string; b: string; reasons: string[] }> = [];
  // New companies are written together after the batch is decided (one statement, not one per company).
  const pending: CompanyRow[] = [];
  for (const i of named) {
    const p = prepared[i]!;
    const seen = new Map<string, Candidate>();
    for (const k of companyLookupKeys(p)) for (const c of byKey.get(k) ?? []) seen.set(c.row.id, c);
    const candidates = [...seen.values()];
    const choice = chooseCompanyMatch(p, candidates.map((c) => c.prepared));
    if (choice.outcome === 'merge' && choice.match !== null) {
      decided.push({ companyId: seen.get(choice.match)!.companyId, outcome: 'merge' });
      continue;
    }
    if (!create) {
      decided.push({ companyId: null, outcome: choice.outcome === 'review' ? 'review' : 'new' });
      continue;
    }
    const name = p.name!;
    const number = p.corporateNumber !== null && !takenNumbers.has(p.corporateNumber) ? p.corporateNumber : null;
    const row = newCompanyRow(name.canonicalName, name.key, p.legalForm, number);
    pending.push(row);
    if (number !== null) takenNumbers.add(number);
    addCandidate(byKey, { prepared: { ...p, id: row.id }, row, companyId: row.id });
    if (choice.outcome === 'review') {
      for (const d of choice.decisions) if (d.outcome === 'review') reviews.push({ a: row.id, b: seen.get(d.b)!.companyId, reasons: d.reasons });
    }
    decided.push({ companyId: row.id, outcome: choice.outcome === 'review' ? 'review' : 'new' });
  }
  if (create) {
    await repo.insertCompaniesResolved(db, pending);
    await repo.insertCompanyReviews(db, reviews);
  }
  return decided;
}

/** A company about to be registered, as its row will read (the id chosen here, so the batch can link to it). */
function newCompanyRow(name: string, key: string, legalForm: string | null, corporateNumber: string | null): CompanyRow {
  const now = new Date();
  return {
    id: randomUUID(), name, name_kana: null, legal_form: legalForm, corporate_number: corporateNumber, industry: null, size_band: null,
    employee_count: null, website: null, phone: null, postal_code: null, prefecture: null, address: null, custom_fields: {},
    search_text: name.toLowerCase(), created_at: now, updated_at: now, deleted_at: null, name_key: key, industry_code: null,
    employees_text: null, capital_yen: null, capital_text: null, revenue_band: null, domain: null, field_sources: {}, merged_into_id: null,
  };
}

/** The company's columns a fact sets (parsed and derived: size band, JSIC code, domain, prefecture…). */
function factColumns(fact: CompanyFact, value: string): Record<string, unknown> | null {
  switch (fact) {
    case 'corporateNumber': {
      const n = normalizeCorporateNumber(value);
      return n.valid ? { corporate_number: n.value } : null;
    }
    case 'industry': return { industry: value, industry_code: industryCodeOf(value) };
    case 'employees': return employeeColumns(value);
    case 'capital': return capitalColumns(value);
    case 'revenue': return { revenue_band: value };
    case 'website': return { website: value, domain: websiteDomain(value) };
    case 'phone': {
      const p = normalizePhone(value);
      return p.valid && p.e164 !== null ? { phone: p.e164 } : null;
    }
    case 'address': {
      const a = parseAddress(value, null);
      const rest = [a.rest, a.building].filter(Boolean).join(' ');
      return { address: rest || value, ...(a.prefecture ? { prefecture: a.prefecture } : {}), ...(a.postalCode ? { postal_code: a.postalCode } : {}) };
    }
  }
}

/** The manual-edit field names that protect a fact's columns (the edit page's names). */
const FACT_EDIT_FIELDS: Readonly<Record<CompanyFact, readonly string[]>> = {
  corporateNumber: ['corporateNumber'], industry: ['industry'], employees: ['employees', 'employeeCount'], capital: ['capital'],
  revenue: ['revenueBand'], website: ['website'], phone: ['phone'], address: ['address', 'prefecture', 'postalCode'],
};

/** Survivorship of company facts: see resolveCompanies. One update per company whose facts changed. */
async function applyFacts(db: Db, mentions: readonly CompanyMention[], resolved: readonly ResolvedCompany[]) {
  const incoming = new Map<string, Map<CompanyFact, { value: string; from: FactSource }>>();
  resolved.forEach((r, i) => {
    const facts = mentions[i]!.facts;
    if (r.companyId === null || facts === undefined) return;
    let mine = incoming.get(r.companyId);
    for (const fact of COMPANY_FACTS) {
      const f = facts[fact];
      if (f === undefined || f.value.trim() === '') continue;
      if (mine === undefined) incoming.set(r.companyId, (mine = new Map()));
      const held = mine.get(fact);
      if (held === undefined || held.from.at <= f.from.at) mine.set(fact, f);
    }
  });
  const rows = new Map((await repo.findCompanyRows(db, [...incoming.keys()])).map((r) => [r.id, r]));
  for (const [id, facts] of incoming) {
    const row = rows.get(id);
    if (!row) continue;
    const sources = { ...(row.field_sources ?? {}) };
    const set: Record<string, unknown> = {};
    for (const [fact, f] of facts) {
      const guards = FACT_EDIT_FIELDS[fact];
      if (guards.some((g) => sources[g]?.source === 'manual')) continue;
      // A key: never overwritten by a statement, and never taken from the company that holds it.
      if (fact === 'corporateNumber' && (row.corporate_number !== null || await repo.corporateNumberTaken(db, f.value))) continue;
      const held = sources[fact];
      if (held !== undefined && held.at > f.from.at) continue;
      const cols = factColumns(fact, f.value);
      if (cols === null) continue;
      if (held?.at === f.from.at && held.source === f.from.source && Object.entries(cols).every(([k, v]) => (row as unknown as Record<string, unknown>)[k] === v)) continue;
      Object.assign(set, cols);
      sources[fact] = f.from;
    }
    if (Object.keys(set).length === 0) continue;
    await repo.updateCompany(db, id, { ...set, field_sources: JSON.stringify(sources) });
  }
}
