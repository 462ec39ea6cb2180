/**
 * Golden records: each customer's values computed from every statement its source records make (survivorship,
 * src/domain/customers/golden.ts), written with provenance, search columns and the company link. Import, ingest,
 * merge, unmerge, manual edits and source-priority changes all recompute through here.
 */
import { awaitedLater } from '../../core/awaited-later.ts';
import type { Db } from '../../db/database.ts';
import { sendPending } from '../../db/send-pending.ts';
import { CUSTOM_PREFIX, displayNameOf } from '../../domain/customers/fields.ts';
import { computeGolden, type SourceStatement } from '../../domain/customers/golden.ts';
import { personalSearchValues } from '../../domain/search/document.ts';
import { searchDocumentColumns } from '../search/search.repository.ts';
import * as repo from './customers.repository.ts';
import { COMPANY_FACTS, resolveCompanies, type CompanyFact, type CompanyMention } from '../companies/companies.service.ts';
import { storeAffiliations, type RecomputedAffiliation } from './affiliation-history.service.ts';
import { refreshOrderTotalsKeys } from '../values/values.service.ts';

/**
 * Recomputes a customer's golden record from all its source records (survivorship) and writes it,
 * with provenance, search columns and company link. Returns the new values. Import and merge use it too.
 */
export async function recomputeCustomer(db: Db, customerId: string): Promise<Record<string, unknown>> {
  return (await recomputeCustomers(db, [customerId])).get(customerId) ?? {};
}

/** Customers recomputed per round trip by recomputeCustomers. */
const RECOMPUTE_BATCH = 2000;

/**
 * recomputeCustomer for many customers at once: one query loads their statements, survivorship runs in memory,
 * one statement writes the golden columns and one the primary affiliations (per 2,000 customers). Returns each
 * customer's new values.
 */
export async function recomputeCustomers(db: Db, customerIds: Iterable<string>): Promise<Map<string, Record<string, unknown>>> {
  const ids = [...new Set(customerIds)];
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += RECOMPUTE_BATCH) {
    const batch = ids.slice(i, i + RECOMPUTE_BATCH);
    const statements = await repo.statementsByCustomer(db, batch);
    // The affiliation as it was, to tell a 人事異動 (a newer record names another company) on the timeline.
    const before = await repo.goldenAffiliations(db, batch);
    const rows = await goldenRows(db, [...statements].map(([id, list]) => ({ id, statements: list })));
    await repo.updateCustomersColumns(db, rows.map((r) => r.row));
    // The composition's keys kept beside the order totals follow the golden record (one writer: the values).
    await refreshOrderTotalsKeys(db, batch);
    await storeAffiliations(db, rows.map((r) => affiliationOf(r, statements.get(r.row.id) ?? [])), before);
    for (const r of rows) out.set(r.row.id, r.values);
  }
  return out;
}

/**
 * The next page of a source's customers (in id order, after `afterCustomerId`), their golden records recomputed in
 * the caller's transaction: after the source's priority changed, survivorship must pick again wherever the source
 * competes with another. Returns the page's customer ids; none when the walk is over. The walk itself, its cursor
 * and its progress are the sources feature's (sources/recompute.service.ts).
 */
export async function recomputeSourceCustomersPage(db: Db, sourceId: string, afterCustomerId: string | null, pageSize: number): Promise<string[]> {
  const page = await repo.listCustomersOfSource(db, sourceId, afterCustomerId, pageSize);
  if (page.length > 0) await recomputeCustomers(db, page);
  return page;
}

/**
 * Creates customers whose every statement the caller already holds (an import's new clusters): the golden record is
 * computed in memory and each customer is inserted once, complete. The caller links the records afterwards.
 */
export async function createCustomersFromStatements(db: Db, customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>): Promise<void> {
  // On PostgreSQL the database works beside this thread: each batch's golden records and search documents (the
  // JavaScript, ~14 s of a 100k-row import) are built while the previous batch's insert runs.
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; i < customers.length; i += RECOMPUTE_BATCH) {
    const slice = customers.slice(i, i + RECOMPUTE_BATCH);
    const built = buildGoldenRows(slice);
    await writing;
    const rows = await withCompanies(db, built);
    writing = (async () => {
      await repo.insertCustomersWithColumns(db, rows.map((r) => r.row));
      await storeAffiliations(db, rows.map((r, k) => affiliationOf(r, slice[k]!.statements)), null);
    })();
    awaitedLater(writing); // on the next turn or below
    await sendPending();
  }
  await writing;
}

/** Survivorship for each customer, then the golden columns (companies named for the first time are registered). */
async function goldenRows(db: Db, customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>) {
  return withCompanies(db, buildGoldenRows(customers));
}

/** The golden values and columns of each customer, in memory (the company link comes from withCompanies). */
function buildGoldenRows(customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>) {
  return customers.map((c) => {
    const { values, provenance } = computeGolden(c.statements);
    return { values, provenance: provenance as Record<string, unknown>, row: goldenRow(c.id, values, provenance, null) };
  });
}

/**
 * Sets each row's company (resolved like people: companies.service resolveCompanies; a placeholder such as なし
 * names none), hands the company the facts the record states about it, and puts a branch written after the company
 * name (「さくら情報システム(株) 東京支店」) into the department.
 */
async function withCompanies(db: Db, rows: Array<{ values: Record<string, unknown>; row: repo.GoldenRow; provenance?: Record<string, unknown> }>) {
  const resolved = await resolveCompanies(db, rows.map((r) => companyMention(r.values, r.provenance ?? {})));
  rows.forEach((r, i) => {
    const { companyId, branch } = resolved[i]!;
    r.row.company_id = companyId;
    if (companyId !== null && branch !== null) {
      const department = r.row.department;
      if (department === null) r.row.department = branch;
      else if (!department.includes(branch)) r.row.department = `${branch} ${department}`;
    }
  });
  return rows;
}

/** The golden value field of each company fact (src/domain/customers/fields.ts). */
const FACT_FIELDS: Readonly<Record<CompanyFact, string>> = {
  corporateNumber: 'companyCorporateNumber', industry: 'companyIndustry', employees: 'companyEmployees', capital: 'companyCapital',
  revenue: 'companyRevenue', website: 'companyWebsite', phone: 'companyPhone', address: 'companyAddress',
};

function companyMention(values: Record<string, unknown>, provenance: Record<string, unknown>): CompanyMention {
  const facts: NonNullable<CompanyMention['facts']> = {};
  for (const fact of COMPANY_FACTS) {
    const value = str(values[FACT_FIELDS[fact]]);
    if (value === null) continue;
    const from = provenance[FACT_FIELDS[fact]] as { source?: string; at?: string } | undefined;
    facts[fact] = { value, from: { source: from?.source ?? 'unknown', at: from?.at ?? new Date(0).toISOString() } };
  }
  return { name: str(values.companyName), email: str(values.email), facts };
}

function goldenRow(id: string, values: Record<string, unknown>, provenance: Record<string, unknown>, companyId: string | null): repo.GoldenRow {
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) if (key.startsWith(CUSTOM_PREFIX)) custom[key.slice(CUSTOM_PREFIX.length)] = value;
  const displayName = displayNameOf(values);
  return {
    id,
    kind: values.kind === 'organization' ? 'organization' : 'person',
    family_name: str(values.familyName),
    given_name: str(values.givenName),
    family_name_kana: str(values.familyNameKana),
    given_name_kana: str(values.givenNameKana),
    display_name: displayName,
    email: str(values.email),
    phone: str(values.phone),
    postal_code: str(values.postalCode),
    prefecture: str(values.prefecture),
    address: str(values.address),
    building: str(values.building),
    birth_date: str(values.birthDate),
    gender: str(values.gender),
    company_id: companyId,
    department: str(values.department),
    title: str(values.title),
    lifecycle_stage: str(values.lifecycleStage) ?? 'prospect',
    acquisition_channel: str(values.acquisitionChannel),
    owner_user_id: str(values.ownerUserId),
    custom_fields: custom,
    provenance,
    ...searchDocumentColumns({
      familyName: str(values.familyName) ?? undefined,
      givenName: str(values.givenName) ?? undefined,
      familyNameKana: str(values.familyNameKana) ?? undefined,
      givenNameKana: str(values.givenNameKana) ?? undefined,
      displayName,
      companyName: str(values.companyName) ?? undefined,
      email: str(values.email) ?? undefined,
      phone: str(values.phone) ?? undefined,
      personalExtra: personalSearchValues(Object.values(custom)),
    }),
  };
}

function affiliationOf(r: { row: repo.GoldenRow; values: Record<string, unknown>; provenance?: Record<string, unknown> }, statements: readonly SourceStatement[]): RecomputedAffiliation {
  return {
    id: r.row.id, statements, companyId: r.row.company_id, values: r.values, department: r.row.department, title: r.row.title, provenance: r.provenance ?? {},
  };
}

export async function loadGolden(db: Db, customerId: string) {
  return computeGolden(await repo.statementsOfCustomer(db, customerId));
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
