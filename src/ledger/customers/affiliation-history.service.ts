/**
 * 所属履歴 in the ledger. The history itself is derived from a customer's source records every time it is read
 * (src/domain/companies/affiliation-history.ts), so merges and unmerges keep it right by moving records. Two things
 * are stored, both by the golden recompute in the same pass as the golden record:
 *  - `affiliations`, the history folded per company (first / last seen, the 現職 primary), which the company page
 *    reads to list current and former people without reading every record that names it;
 *  - the timeline's 人事異動 / 異動・昇進 entry, written where the primary affiliation changes because a newer
 *    record says so (an unmerge that goes back to an older record is no job change).
 */
import type { Db } from '../../db/database.ts';
import {
  affiliationChangeOf, affiliationHistory, companyKeyOf, companyStints, describeAffiliationChange,
  type AffiliationObservation, type AffiliationPeriod, type AffiliationState,
} from '../../domain/companies/affiliation-history.ts';
import type { FieldProvenance, SourceStatement } from '../../domain/customers/golden.ts';
import { tokyoDay } from '../../domain/tracker/day.ts';
import {
  deleteAffiliationChanges, listAffiliationChanges, rewriteAffiliationChange, upsertAffiliationChanges,
} from '../activities/activities.repository.ts';
import { writeAffiliations, type AffiliationRow } from '../companies/companies.repository.ts';
import { findCompanyIdsByName } from '../companies/companies.service.ts';
import * as repo from './customers.repository.ts';

/** A customer as the recompute just computed it. */
export interface RecomputedAffiliation {
  id: string;
  statements: readonly SourceStatement[];
  companyId: string | null;
  values: Record<string, unknown>;
  department: string | null;
  title: string | null;
  provenance: Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function observationsOf(statements: readonly SourceStatement[], companyIds: ReadonlyMap<string, string>): AffiliationObservation[] {
  return statements.flatMap((s) => {
    const companyName = str(s.fields.companyName);
    if (companyName === null) return [];
    return [{
      sourceRecordId: s.sourceRecordId, source: s.source, observedAt: s.receivedAt, companyName,
      department: str(s.fields.department), title: str(s.fields.title), companyId: companyIds.get(companyName) ?? null,
    }];
  });
}

/** The registered company of every name the customers' records state (the golden one is known already). */
async function companyIdsOf(db: Db, customers: readonly RecomputedAffiliation[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  const wanted = new Set<string>();
  for (const c of customers) {
    const goldenName = str(c.values.companyName);
    const goldenKey = companyKeyOf(goldenName);
    if (goldenName !== null && c.companyId !== null) known.set(goldenName, c.companyId);
    for (const s of c.statements) {
      const name = str(s.fields.companyName);
      if (name === null || known.has(name)) continue;
      // Another spelling of the golden company is that company (no lookup needed).
      if (goldenKey !== null && c.companyId !== null && companyKeyOf(name) === goldenKey) known.set(name, c.companyId);
      else wanted.add(name);
    }
  }
  const toFind = [...wanted].filter((n) => !known.has(n));
  if (toFind.length > 0) for (const [name, id] of await findCompanyIdsByName(db, toFind)) known.set(name, id);
  return known;
}

function historyOf(c: RecomputedAffiliation, companyIds: ReadonlyMap<string, string>): AffiliationPeriod[] {
  return affiliationHistory(observationsOf(c.statements, companyIds), {
    companyId: c.companyId, companyName: str(c.values.companyName), department: c.department, title: c.title,
  });
}

const day = (iso: string | null): string | null => (iso === null ? null : tokyoDay(new Date(iso)));

/** The affiliations rows of one customer: one per registered company of its history, the golden company primary. */
function affiliationRows(c: RecomputedAffiliation, periods: readonly AffiliationPeriod[]): AffiliationRow[] {
  const rows: AffiliationRow[] = [];
  for (const s of companyStints(periods)) {
    if (s.companyId === null) continue;
    const primary = s.companyId === c.companyId;
    rows.push({
      customer_id: c.id, company_id: s.companyId, department: primary ? c.department : s.department, title: primary ? c.title : s.title,
      is_primary: primary, started_on: day(s.firstSeen), ended_on: primary ? null : day(s.lastSeen),
    });
  }
  // A golden company no record names the same way (a manual company chosen by hand) is still the primary.
  if (c.companyId !== null && !rows.some((r) => r.company_id === c.companyId)) {
    rows.push({ customer_id: c.id, company_id: c.companyId, department: c.department, title: c.title, is_primary: true, started_on: null, ended_on: null });
  }
  return rows;
}

/**
 * Writes the customers' affiliations from their records, and, when `before` holds their golden affiliation as it
 * was (a recompute, not a creation), the timeline entry of each primary affiliation that changed because a newer
 * record says so.
 */
export async function storeAffiliations(
  db: Db,
  customers: readonly RecomputedAffiliation[],
  before: Awaited<ReturnType<typeof repo.goldenAffiliations>> | null,
): Promise<void> {
  const withCompanies = customers.filter((c) => c.companyId !== null || c.statements.some((s) => str(s.fields.companyName) !== null));
  const companyIds = await companyIdsOf(db, withCompanies);
  const rows = withCompanies.flatMap((c) => affiliationRows(c, historyOf(c, companyIds)));
  await writeAffiliations(db, before === null ? [] : customers.map((c) => c.id), rows, before !== null);
  if (before !== null) await recordChanges(db, customers, before);
}

async function recordChanges(db: Db, customers: readonly RecomputedAffiliation[], before: Awaited<ReturnType<typeof repo.goldenAffiliations>>) {
  const was = new Map(before.map((b) => [b.id, b]));
  const changed: Array<{ c: RecomputedAffiliation; said: FieldProvenance; from: AffiliationState; kind: NonNullable<ReturnType<typeof affiliationChangeOf>> }> = [];
  for (const c of customers) {
    const b = was.get(c.id);
    const said = c.provenance.companyName as FieldProvenance | undefined;
    if (b === undefined || said === undefined || c.companyId === null) continue;
    const from: AffiliationState = { companyId: b.company_id, companyName: b.company_name, department: b.department, title: b.title };
    const kind = affiliationChangeOf(from, { companyId: c.companyId, companyName: null, department: c.department, title: c.title });
    // Only a newer statement moves a person (a new record, or the same record re-sent with new content): going back
    // to an older one (an unmerge, a source's priority) is no 異動.
    if (kind === null || (b.stated_at !== null && Date.parse(said.at) <= Date.parse(b.stated_at))) continue;
    changed.push({ c, said, from, kind });
  }
  if (changed.length === 0) return;
  // Both sides as the ledger names the companies (「旧 株式会社エーシャ → 新 ビーシャ株式会社」, as their pages do).
  const names = await repo.loadCompanyNames(db, [...new Set(changed.map((x) => x.c.companyId!))]);
  const entries: Parameters<typeof upsertAffiliationChanges>[1][number][] = [];
  for (const { c, said, from, kind } of changed) {
    const to: AffiliationState = { companyId: c.companyId, companyName: names.get(c.companyId!) ?? str(c.values.companyName), department: c.department, title: c.title };
    entries.push({
      dedupeKey: `affiliation:${said.sourceRecordId}:${said.at}`, customerId: c.id, occurredAt: new Date(said.at), sourceRecordId: said.sourceRecordId,
      title: describeAffiliationChange(kind, from, to), properties: { change: kind, from, to },
    });
  }
  await upsertAffiliationChanges(db, entries);
}

/** A customer as stored (its golden affiliation and records), for reading its history outside a recompute. */
function storedAffiliation(
  id: string, statements: readonly SourceStatement[], g: Awaited<ReturnType<typeof repo.goldenAffiliations>>[number] | undefined,
): RecomputedAffiliation {
  return {
    id, statements, companyId: g?.company_id ?? null, values: { companyName: g?.company_name ?? null }, department: g?.department ?? null, title: g?.title ?? null, provenance: {},
  };
}

/**
 * After an unmerge: an entry that moved with its record (or stayed) may name a company the customer's records no
 * longer hold. Each is checked against the history its customer has now: it names the period before its record's
 * one, or it goes (the record's period is the customer's first, or the same role).
 */
export async function reconcileAffiliationChanges(db: Db, customerIds: readonly string[]): Promise<void> {
  const entries = await listAffiliationChanges(db, customerIds);
  if (entries.length === 0) return;
  const ids = [...new Set(entries.map((e) => e.customer_id))];
  const [statements, golden] = await Promise.all([repo.statementsByCustomer(db, ids), repo.goldenAffiliations(db, ids)]);
  const goldenOf = new Map(golden.map((g) => [g.id, g]));
  const customers = ids.map((id) => storedAffiliation(id, statements.get(id) ?? [], goldenOf.get(id)));
  const companyIds = await companyIdsOf(db, customers);
  const histories = new Map(customers.map((c) => [c.id, historyOf(c, companyIds).filter((p) => p.firstSeen !== null)]));
  const names = await repo.loadCompanyNames(db, [...new Set([...histories.values()].flatMap((ps) => ps.flatMap((p) => (p.companyId === null ? [] : [p.companyId]))))]);
  const state = (p: AffiliationPeriod): AffiliationState => ({
    companyId: p.companyId, companyName: (p.companyId !== null ? names.get(p.companyId) : undefined) ?? p.companyName, department: p.department, title: p.title,
  });
  const gone: number[] = [];
  for (const e of entries) {
    const periods = histories.get(e.customer_id) ?? [];
    const at = periods.findIndex((p) => e.source_record_id !== null && p.sourceRecordIds.includes(e.source_record_id));
    const [to, from] = [periods[at], periods[at + 1]];
    if (at < 0 || to === undefined || from === undefined || to.change === null) {
      gone.push(e.id);
      continue;
    }
    const title = describeAffiliationChange(to.change, state(from), state(to));
    if (title !== e.title) await rewriteAffiliationChange(db, e.id, title, { change: to.change, from: state(from), to: state(to) });
  }
  await deleteAffiliationChanges(db, gone);
}

/** One customer's 所属履歴 for the customer page, newest first, with each source's label. */
export async function customerAffiliationHistory(db: Db, customerId: string): Promise<AffiliationPeriod[]> {
  const [golden, records] = await Promise.all([repo.goldenAffiliations(db, [customerId]), repo.statementsOfCustomer(db, customerId)]);
  const c = storedAffiliation(customerId, records, golden[0]);
  return historyOf(c, await companyIdsOf(db, [c]));
}
