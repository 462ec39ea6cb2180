/**
 * 所属履歴 (affiliation history): where a person worked, derived from what their source records say, never stored
 * on its own — so a merge or an unmerge changes it by moving the records, nothing else.
 *
 * Each record that names a company (with the department and title it states) is one observation at the time the
 * record was observed (its arrival: a 名刺 stored when it was exchanged, a form when it was sent). Observations are
 * put in time order and runs of the same company, department and title become one period (first seen → last seen).
 * Company spellings (株式会社X / (株)X / X) are one company by the company-name key (name.ts); a company linked in
 * the ledger is keyed by its id. A → B → A is three periods: she came back. Same company, another department or
 * title is a new period with the change 'internal' (異動・昇進); another company is 'job_change' (人事異動).
 * A record without a date cannot be placed: it joins a period that says the same, else it is listed apart (時期不明).
 * 現職 is the golden record's company (survivorship decided it, so the customer page and the history agree);
 * every other period is 前職.
 */
import { nfkc } from '../normalize/text.ts';
import { analyzeCompanyName } from './name.ts';

export interface AffiliationObservation {
  sourceRecordId: number;
  source: string;
  /** When the record said it; null when unknown. */
  observedAt: Date | null;
  companyName: string | null;
  department: string | null;
  title: string | null;
  /** The ledger's company for this name, when it is registered. */
  companyId?: string | null;
}

export type AffiliationChange = 'job_change' | 'internal';

export interface AffiliationPeriod {
  /** 'id:<company id>' or 'name:<company-name key>': what makes two observations one company. */
  companyKey: string;
  companyId: string | null;
  /** The name as the newest observation of the period wrote it. */
  companyName: string;
  department: string | null;
  title: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  sourceRecordIds: number[];
  sources: string[];
  status: 'current' | 'former';
  /** How this period differs from the one before it in time; null for the first (or an undated) period. */
  change: AffiliationChange | null;
}

export interface CurrentAffiliation {
  companyId: string | null;
  companyName: string | null;
  department?: string | null;
  title?: string | null;
}

/** The key that makes two mentions one company, or null for a name that is no company (なし, 個人, -). */
export function companyKeyOf(companyName: string | null, companyId?: string | null): string | null {
  if (companyId) return `id:${companyId}`;
  if (companyName === null || companyName.trim() === '') return null;
  const parsed = analyzeCompanyName(companyName);
  return parsed.kind === 'company' ? `name:${parsed.key}` : null;
}

/** Department and title compared without width, case and spacing differences (「営業部 」 = 「営業部」). */
export function sameRole(a: string | null | undefined, b: string | null | undefined): boolean {
  return foldRole(a) === foldRole(b);
}

const foldRole = (v: string | null | undefined): string => (v ? nfkc(v).replace(/[\s\u3000]/gu, '').toLowerCase() : '');

/**
 * The periods of one person, newest first (undated ones last).
 *
 * @example affiliationHistory([{ companyName: '(株)エー', observedAt: 2024 … }, { companyName: 'ビー株式会社', observedAt: 2026 … }],
 *   { companyName: 'ビー株式会社' }) // => [ビー (current, job_change), エー (former)]
 */
export function affiliationHistory(observations: readonly AffiliationObservation[], current: CurrentAffiliation | null): AffiliationPeriod[] {
  const keyed = observations.flatMap((o) => {
    const companyKey = companyKeyOf(o.companyName, o.companyId);
    return companyKey === null ? [] : [{ ...o, companyKey }];
  });
  // Two spellings of one registered company: a name whose key a linked observation shares takes its id.
  const idOfName = new Map<string, string>();
  for (const o of keyed) {
    if (!o.companyId) continue;
    const nameKey = companyKeyOf(o.companyName);
    if (nameKey !== null) idOfName.set(nameKey, o.companyKey);
  }
  for (const o of keyed) if (!o.companyId) o.companyKey = idOfName.get(o.companyKey) ?? o.companyKey;

  const dated = keyed.filter((o) => o.observedAt !== null)
    .sort((a, b) => a.observedAt!.getTime() - b.observedAt!.getTime() || a.sourceRecordId - b.sourceRecordId);
  const periods: AffiliationPeriod[] = [];
  for (const o of dated) {
    const last = periods[periods.length - 1];
    const at = o.observedAt!.toISOString();
    if (last !== undefined && last.companyKey === o.companyKey && sameRole(last.department, o.department) && sameRole(last.title, o.title)) {
      extend(last, o, at);
      continue;
    }
    const change: AffiliationChange | null = last === undefined ? null : last.companyKey === o.companyKey ? 'internal' : 'job_change';
    periods.push(startPeriod(o, at, change));
  }
  const undated: AffiliationPeriod[] = [];
  for (const o of keyed.filter((x) => x.observedAt === null).sort((a, b) => a.sourceRecordId - b.sourceRecordId)) {
    const same = [...periods, ...undated].reverse()
      .find((p) => p.companyKey === o.companyKey && sameRole(p.department, o.department) && sameRole(p.title, o.title));
    if (same !== undefined) addSource(same, o);
    else undated.push(startPeriod(o, null, null));
  }

  const all = [...periods.reverse(), ...undated];
  const currentKey = current === null ? null : companyKeyOf(current.companyName, current.companyId);
  const currentKeyResolved = currentKey === null ? null : idOfName.get(currentKey) ?? currentKey;
  // The newest period at the golden record's company (with its department and title when one says them) is 現職.
  const at = (p: AffiliationPeriod) => p.companyKey === currentKeyResolved || (current?.companyId != null && p.companyId === current.companyId);
  const exact = all.find((p) => at(p) && sameRole(p.department, current?.department) && sameRole(p.title, current?.title));
  const chosen = exact ?? all.find(at);
  if (chosen !== undefined) chosen.status = 'current';
  return all;
}

function startPeriod(o: AffiliationObservation & { companyKey: string }, at: string | null, change: AffiliationChange | null): AffiliationPeriod {
  return {
    companyKey: o.companyKey, companyId: o.companyId ?? null, companyName: o.companyName!.trim(), department: o.department, title: o.title,
    firstSeen: at, lastSeen: at, sourceRecordIds: [o.sourceRecordId], sources: [o.source], status: 'former', change,
  };
}

function extend(p: AffiliationPeriod, o: AffiliationObservation, at: string) {
  p.lastSeen = at;
  // The newest spelling names the period (「(株)エー」 then 「株式会社エー」 shows the latter).
  p.companyName = o.companyName!.trim();
  if (o.department) p.department = o.department;
  if (o.title) p.title = o.title;
  if (o.companyId) p.companyId = o.companyId;
  addSource(p, o);
}

function addSource(p: AffiliationPeriod, o: AffiliationObservation) {
  if (!p.sourceRecordIds.includes(o.sourceRecordId)) p.sourceRecordIds.push(o.sourceRecordId);
  if (!p.sources.includes(o.source)) p.sources.push(o.source);
  if (o.companyId && p.companyId === null) p.companyId = o.companyId;
}

/** One company in a person's history: first and last seen over all its periods (the company page's 元社員 list). */
export interface CompanyStint {
  companyKey: string;
  companyId: string | null;
  department: string | null;
  title: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  current: boolean;
}

/** The history folded per company; department and title are those of the newest period there. */
export function companyStints(periods: readonly AffiliationPeriod[]): CompanyStint[] {
  const out = new Map<string, CompanyStint>();
  for (const p of periods) { // newest first
    const s = out.get(p.companyKey);
    if (s === undefined) {
      out.set(p.companyKey, { companyKey: p.companyKey, companyId: p.companyId, department: p.department, title: p.title, firstSeen: p.firstSeen, lastSeen: p.lastSeen, current: p.status === 'current' });
      continue;
    }
    if (p.firstSeen !== null && (s.firstSeen === null || p.firstSeen < s.firstSeen)) s.firstSeen = p.firstSeen;
    if (p.lastSeen !== null && (s.lastSeen === null || p.lastSeen > s.lastSeen)) s.lastSeen = p.lastSeen;
    if (p.status === 'current') s.current = true;
    if (s.companyId === null) s.companyId = p.companyId;
  }
  return [...out.values()];
}

export interface AffiliationState {
  companyId: string | null;
  companyName: string | null;
  department: string | null;
  title: string | null;
}

/**
 * What a change of the golden affiliation is: another company → 人事異動, the same company with another department
 * or title → 異動・昇進, else nothing (also when there was no company before: a first company is no change).
 */
export function affiliationChangeOf(before: AffiliationState | null, after: AffiliationState): AffiliationChange | null {
  if (before === null) return null;
  const b = companyKeyOf(before.companyName, before.companyId);
  const a = companyKeyOf(after.companyName, after.companyId);
  if (b === null || a === null) return null;
  if (b !== a) return 'job_change';
  return sameRole(before.department, after.department) && sameRole(before.title, after.title) ? null : 'internal';
}

/**
 * The timeline's line for a change:
 * 「人事異動: 旧 A社 営業部 課長 → 新 B社 マーケティング部 部長」, 「異動・昇進: A社 営業部 課長 → A社 営業部 部長」.
 */
export function describeAffiliationChange(kind: AffiliationChange, before: AffiliationState, after: AffiliationState): string {
  const line = (s: AffiliationState) => [s.companyName, s.department, s.title].filter((x) => x !== null && x !== '').join(' ');
  return kind === 'job_change'
    ? `人事異動: 旧 ${line(before)} → 新 ${line(after)}`
    : `異動・昇進: ${line(before)} → ${line(after)}`;
}
