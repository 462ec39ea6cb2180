/**
 * A person merges two companies (issue 20): the survivor keeps its own facts, and each fact it lacks is filled from
 * the merged company, a group of columns at a time (住所 with its 都道府県 and 〒, the URL with its domain, 従業員数
 * with its size band…) so that one fact never mixes two companies' values. Where both held a different value, the
 * survivor's is kept and its provenance is stamped with the merge (source 'merge', now): the person decided, and an
 * older statement of the merged company's people must not overwrite it when their golden records are recomputed;
 * a newer statement still may (survivorship: the latest non-empty statement, a manual edit always wins).
 */

/** The company columns a merge may touch (the names of the companies table). */
export interface CompanyFactColumns {
  name_kana: string | null;
  legal_form: string | null;
  corporate_number: string | null;
  industry: string | null;
  industry_code: string | null;
  employees_text: string | null;
  employee_count: number | null;
  size_band: string | null;
  capital_yen: string | number | null;
  capital_text: string | null;
  revenue_band: string | null;
  website: string | null;
  domain: string | null;
  phone: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  custom_fields: Record<string, unknown>;
  field_sources: Record<string, { source: string; at: string }>;
}

type FactColumn = Exclude<keyof CompanyFactColumns, 'custom_fields' | 'field_sources'>;

interface FactGroup {
  columns: readonly FactColumn[];
  /** The field_sources keys of the group (the edit page's names and the statements' fact names). */
  sources: readonly string[];
  /** The statement fact whose provenance a kept value is stamped on (resolution's applyFacts reads it). */
  fact?: string;
}

export const COMPANY_FACT_GROUPS: readonly FactGroup[] = [
  { columns: ['name_kana'], sources: ['nameKana'] },
  { columns: ['legal_form'], sources: ['legalForm'] },
  { columns: ['corporate_number'], sources: ['corporateNumber'], fact: 'corporateNumber' },
  { columns: ['industry', 'industry_code'], sources: ['industry'], fact: 'industry' },
  { columns: ['employees_text', 'employee_count', 'size_band'], sources: ['employees', 'employeeCount', 'sizeBand'], fact: 'employees' },
  { columns: ['capital_yen', 'capital_text'], sources: ['capital'], fact: 'capital' },
  { columns: ['revenue_band'], sources: ['revenueBand', 'revenue'], fact: 'revenue' },
  { columns: ['website', 'domain'], sources: ['website'], fact: 'website' },
  { columns: ['phone'], sources: ['phone'], fact: 'phone' },
  { columns: ['postal_code', 'prefecture', 'address'], sources: ['address', 'prefecture', 'postalCode'], fact: 'address' },
];

export interface CompanyMergePlan {
  /** Columns of the survivor to set (field_sources and custom_fields included when they change). */
  set: Partial<Record<FactColumn, unknown>> & { field_sources?: Record<string, { source: string; at: string }>; custom_fields?: Record<string, unknown> };
  /** The survivor's values of those columns before the merge (to undo it). */
  before: Record<string, unknown>;
  /** Facts filled from the merged company, and facts where both differed and the survivor's value was kept (the audit's words). */
  filled: string[];
  kept: string[];
}

const empty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || String(a) === String(b);

/** What merging `merged` into `survivor` changes on the survivor (pure; `at` is the merge's time, ISO). */
export function planCompanyMerge(survivor: CompanyFactColumns, merged: CompanyFactColumns, at: string): CompanyMergePlan {
  const set: CompanyMergePlan['set'] = {};
  const before: Record<string, unknown> = {};
  const sources = { ...survivor.field_sources };
  const filled: string[] = [];
  const kept: string[] = [];
  for (const group of COMPANY_FACT_GROUPS) {
    const mine = group.columns.some((c) => !empty(survivor[c]));
    const theirs = group.columns.some((c) => !empty(merged[c]));
    if (!theirs) continue;
    if (!mine) {
      for (const c of group.columns) {
        before[c] = survivor[c];
        set[c] = merged[c];
      }
      for (const s of group.sources) {
        const from = merged.field_sources[s];
        if (from !== undefined) sources[s] = from;
        else delete sources[s];
      }
      filled.push(group.fact ?? group.sources[0]!);
      continue;
    }
    if (group.columns.every((c) => same(survivor[c], merged[c]))) continue;
    kept.push(group.fact ?? group.sources[0]!);
    if (group.fact === undefined) continue;
    if (group.sources.some((s) => survivor.field_sources[s]?.source === 'manual')) continue;
    sources[group.fact] = { source: 'merge', at };
  }
  const custom = { ...merged.custom_fields, ...survivor.custom_fields };
  if (Object.keys(custom).length !== Object.keys(survivor.custom_fields).length) {
    before.custom_fields = survivor.custom_fields;
    set.custom_fields = custom;
  }
  if (JSON.stringify(sources) !== JSON.stringify(survivor.field_sources)) {
    before.field_sources = survivor.field_sources;
    set.field_sources = sources;
  }
  return { set, before, filled, kept };
}

/**
 * Undoing a merge: each column the merge set goes back to its value before, unless it changed since (a later edit or
 * statement is kept). field_sources entries likewise, key by key.
 */
export function planCompanyUnmerge(current: CompanyFactColumns, before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(after)) {
    if (column === 'field_sources' || column === 'custom_fields') continue;
    if (same((current as unknown as Record<string, unknown>)[column], value)) out[column] = before[column] ?? null;
  }
  if (after.custom_fields !== undefined && JSON.stringify(current.custom_fields) === JSON.stringify(after.custom_fields)) out.custom_fields = before.custom_fields ?? {};
  if (after.field_sources !== undefined) {
    const was = (before.field_sources ?? {}) as Record<string, { source: string; at: string }>;
    const set = after.field_sources as Record<string, { source: string; at: string }>;
    const sources = { ...current.field_sources };
    for (const key of new Set([...Object.keys(was), ...Object.keys(set)])) {
      if (JSON.stringify(sources[key]) !== JSON.stringify(set[key])) continue; // changed since the merge
      if (was[key] === undefined) delete sources[key];
      else sources[key] = was[key]!;
    }
    if (JSON.stringify(sources) !== JSON.stringify(current.field_sources)) out.field_sources = sources;
  }
  return out;
}
