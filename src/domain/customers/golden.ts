/**
 * Survivorship: the golden record is computed from every statement that sources made about a customer.
 *
 * A statement is one source record's value for fields. A key that is absent says nothing; a key present with null
 * says "empty" (only manual edits do that, to clear a field). Records are ranked by source priority (lower wins;
 * manual edits are 0), then the most recent, then the later record.
 *
 * Groups, not fields. The parts of one fact come from one record (FIELD_GROUPS in fields.ts): the address block
 * (〒, 都道府県, 市区町村・番地, 建物), the affiliation (company, department, title) and the written name (姓, 名).
 * Taken field by field, each record being coherent on its own, they contradicted each other (a 〒 of Ishikawa
 * beside 大阪府 from another record). A group comes from the best record that has it, and every member comes from
 * that record; a member it lacks stays absent (it is not filled from another record). A record has the group when
 * it states one of the group's anchors: 〒, 都道府県 or 市区町村・番地 for the address (a 建物 alone is no address),
 * the company for the affiliation (a title alone says not where), 姓 or 名 for the name; when no record states an
 * anchor, any member will do. Every other field is a group of its own, so for it this is the old rule.
 *
 * Most complete: when a lower-ranked record says the same as the chosen one in more detail (each of the chosen
 * record's members stated again, extended or equal: 「東京都千代田区」 → 「東京都千代田区千代田1-2-3」, 「台帳商事」 →
 * 「台帳商事 東京支店」, or one more member such as the 建物), its group is taken instead, so a terse newer record does
 * not erase detail it agrees with. Names are only ever equal, never "extended" (田 is not a terse 田原).
 *
 * フリガナ. The reading belongs to the chosen name: from the record that gave the name when it has one, else from the
 * record whose reading fits the name best; a reading part is kept only when it fits its name part (the record
 * spells that part the same, or the surname / given-name lists know the reading for it: normalize/name.ts
 * surnameReadings, normalize/given-readings.ts). Otherwise a former surname's reading (ワタナベ) would stand beside
 * the current name (森下) after a merge. With no written name at all, the reading is a group like the others. A
 * whole reading in セイ (「タワラ ヨシヒコ」, typed so by a user) is not followed by the メイ another record gives,
 * which it already holds (the cause of 「タワラ ヨシヒコ ヨシヒコ」; import statements split such readings now).
 *
 * Users' edits (source manual). An edit is explicit, so a field it sets wins for that field (the newest edit, as
 * before; null clears), even inside a group: editing only the 建物 keeps the 建物 typed. The group's other members
 * still come whole from one source record, chosen as above among the records that either were there when the
 * user last edited the group (they saw those values and kept them) or agree with what the user typed (the same 〒
 * and 都道府県, a company with the same name, the same 姓). A record received later that contradicts the edit (an
 * Osaka address after the user typed a Tokyo one) contributes nothing to the group. A value a user typed is never
 * refined: it says exactly what they meant. Every chosen value keeps its provenance.
 */
import { companyMatchKey } from '../normalize/company.ts';
import { foldKana } from '../normalize/text.ts';
import { FIELD_GROUPS, groupOfField, type FieldGroup } from './fields.ts';
import { isReadingOf, sameWrittenName } from './reading.ts';

export interface SourceStatement {
  sourceRecordId: number;
  source: string;
  sourcePriority: number;
  receivedAt: Date;
  fields: Record<string, unknown>;
}

export interface FieldProvenance { sourceRecordId: number; source: string; at: string }

export interface GoldenRecord {
  values: Record<string, unknown>;
  provenance: Record<string, FieldProvenance>;
}

const MANUAL_SOURCE = 'manual';

/** How survivorship treats a group: which members make a record have it, and whether values may extend. */
interface GroupRule {
  fields: readonly string[];
  anchors: readonly string[];
  /** Only equal values say the same (names); otherwise a value that starts with another says it in more detail. */
  equalOnly: boolean;
}

const GROUP_RULES: Readonly<Record<Exclude<FieldGroup, 'reading'>, GroupRule>> = {
  name: { fields: FIELD_GROUPS.name, anchors: FIELD_GROUPS.name, equalOnly: true },
  address: { fields: FIELD_GROUPS.address, anchors: ['postalCode', 'prefecture', 'address'], equalOnly: false },
  affiliation: { fields: FIELD_GROUPS.affiliation, anchors: ['companyName'], equalOnly: false },
};
/** Used only when no record states a written name: then the reading is chosen like any group. */
const READING_RULE: GroupRule = { fields: FIELD_GROUPS.reading, anchors: FIELD_GROUPS.reading, equalOnly: true };

const singleFieldRules = new Map<string, GroupRule>();
function ruleOfSingleField(field: string): GroupRule {
  let rule = singleFieldRules.get(field);
  if (rule === undefined) singleFieldRules.set(field, (rule = { fields: [field], anchors: [field], equalOnly: false }));
  return rule;
}

interface Chosen { value: unknown; from: SourceStatement }

/** What "says the same, in more detail" compares: width-folded, lower-case, without spaces. */
function completenessKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\u3000]+/gu, '');
}

/** Survivorship order: source priority, then the most recent, then the later record. */
function rank(statements: readonly SourceStatement[]): SourceStatement[] {
  return [...statements].sort(
    (a, b) => a.sourcePriority - b.sourcePriority || b.receivedAt.getTime() - a.receivedAt.getTime() || b.sourceRecordId - a.sourceRecordId,
  );
}

const stated = (s: SourceStatement, field: string): boolean => s.fields[field] !== undefined;

export function computeGolden(statements: readonly SourceStatement[]): GoldenRecord {
  const ordered = rank(statements);
  const values: Record<string, unknown> = {};
  const provenance: Record<string, FieldProvenance> = {};
  // Each statement's time once, not once per field (most customers of a large import have a single statement).
  const at = new Map(ordered.map((s) => [s, s.receivedAt.toISOString()]));
  const take = (field: string, { value, from }: Chosen) => {
    values[field] = value;
    provenance[field] = { sourceRecordId: from.sourceRecordId, source: from.source, at: at.get(from)! };
  };
  if (ordered.length === 1) {
    // One record: every group is already whole, and every value the most complete there is.
    const only = ordered[0]!;
    const when = at.get(only)!;
    for (const [field, value] of Object.entries(only.fields)) {
      if (value === undefined) continue;
      values[field] = value;
      provenance[field] = { sourceRecordId: only.sourceRecordId, source: only.source, at: when };
    }
  } else {
    const name = chooseGroup(ordered, GROUP_RULES.name);
    for (const [field, chosen] of name) take(field, chosen);
    for (const [field, chosen] of chooseReading(ordered, name)) take(field, chosen);
    for (const [field, chosen] of chooseGroup(ordered, GROUP_RULES.address)) take(field, chosen);
    for (const [field, chosen] of chooseGroup(ordered, GROUP_RULES.affiliation)) take(field, chosen);
    const alone = new Set<string>();
    for (const s of ordered) for (const field of Object.keys(s.fields)) if (groupOfField(field) === null && stated(s, field)) alone.add(field);
    for (const field of alone) for (const [f, chosen] of chooseGroup(ordered, ruleOfSingleField(field))) take(f, chosen);
  }
  // A cleared field has no value to show, but its provenance (who cleared it, when) stays.
  for (const [field, value] of Object.entries(values)) if (value === null) delete values[field];
  return { values, provenance };
}

/**
 * The members a user's edit decides: those whose best-ranked statement is a manual one. Also the newest such edit,
 * the moment up to which the user saw the group's other members and kept them.
 */
function userEdits(ordered: readonly SourceStatement[], fields: readonly string[]): { edits: Map<string, Chosen>; lastEdit: SourceStatement | null } {
  const edits = new Map<string, Chosen>();
  let lastEdit: SourceStatement | null = null;
  for (const field of fields) {
    const first = ordered.find((s) => stated(s, field));
    if (first === undefined || first.source !== MANUAL_SOURCE) continue;
    edits.set(field, { value: first.fields[field], from: first });
    if (lastEdit === null || first.receivedAt.getTime() > lastEdit.receivedAt.getTime()) lastEdit = first;
  }
  return { edits, lastEdit };
}

/** Do two values of a member say the same thing (`extend`: or one the other in more detail)? */
function saysTheSame(field: string, a: unknown, b: unknown, extend: boolean): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return JSON.stringify(a) === JSON.stringify(b);
  const ka = completenessKey(a);
  const kb = completenessKey(b);
  if (ka === kb) return true;
  if (field === 'familyName' || field === 'givenName') return sameWrittenName(a, b);
  if (field === 'companyName' && companyMatchKey(a) !== '' && companyMatchKey(a) === companyMatchKey(b)) return true;
  return extend && (ka.startsWith(kb) || kb.startsWith(ka));
}

/** Does a record agree with every value a user typed into the group (it states the same or says nothing)? */
function agreesWithEdits(s: SourceStatement, edits: ReadonlyMap<string, Chosen>, rule: GroupRule): boolean {
  for (const [field, { value }] of edits) {
    // A cleared member says "not this", not which address or company: it rules nothing out.
    if (value === null || !stated(s, field)) continue;
    if (!saysTheSame(field, s.fields[field], value, !rule.equalOnly)) return false;
  }
  return true;
}

/**
 * Does `s` say what `base` says about the open members, in more detail: every member `base` states is stated by
 * `s`, the same (髙橋 = 高橋, 株式会社台帳商事 = 台帳商事) or extended, and `s` states more (a longer value or one
 * more member)?
 */
function refines(s: SourceStatement, base: SourceStatement, open: readonly string[], rule: GroupRule): boolean {
  let more = false;
  for (const field of open) {
    const was = base.fields[field];
    const value = s.fields[field];
    if (was === undefined) {
      if (value !== undefined && value !== null) more = true;
      continue;
    }
    if (value === undefined) return false;
    if (saysTheSame(field, was, value, false)) continue;
    if (rule.equalOnly || typeof was !== 'string' || typeof value !== 'string') return false;
    const wasKey = completenessKey(was);
    if (wasKey.length === 0 || !completenessKey(value).startsWith(wasKey)) return false;
    more = true;
  }
  return more;
}

/** The members of one group: users' edits, the rest whole from the best (then most complete) eligible record. */
function chooseGroup(ordered: readonly SourceStatement[], rule: GroupRule): Map<string, Chosen> {
  const { edits: chosen, lastEdit } = userEdits(ordered, rule.fields);
  const open = rule.fields.filter((f) => !chosen.has(f));
  if (open.length === 0) return chosen;
  const candidates = ordered.filter(
    (s) =>
      s.source !== MANUAL_SOURCE &&
      open.some((f) => stated(s, f)) &&
      (lastEdit === null || s.receivedAt.getTime() <= lastEdit.receivedAt.getTime() || agreesWithEdits(s, chosen, rule)),
  );
  const anchors = rule.anchors.filter((f) => open.includes(f));
  let base = candidates.find((s) => anchors.some((f) => stated(s, f))) ?? candidates[0];
  if (base === undefined) return chosen;
  for (const s of candidates) if (s !== base && refines(s, base, open, rule)) base = s;
  for (const field of open) if (stated(base, field)) chosen.set(field, { value: base.fields[field], from: base });
  return chosen;
}

const WRITTEN_PART = { familyNameKana: 'familyName', givenNameKana: 'givenName' } as const;

/**
 * The reading of the chosen name. Users' edits win as in any group; the other parts come from one record: the one
 * whose reading has the most parts that fit the name, the name's own record first on a tie.
 */
function chooseReading(ordered: readonly SourceStatement[], name: ReadonlyMap<string, Chosen>): Map<string, Chosen> {
  const hasName = [...name.values()].some((c) => typeof c.value === 'string');
  if (!hasName) return chooseGroup(ordered, READING_RULE);
  const { edits: chosen } = userEdits(ordered, READING_RULE.fields);
  const open = READING_RULE.fields.filter((f) => !chosen.has(f)) as Array<keyof typeof WRITTEN_PART>;
  if (open.length === 0) return chosen;
  const nameRecords = new Set([...name.values()].map((c) => c.from));
  const fits = (s: SourceStatement, field: keyof typeof WRITTEN_PART): boolean => {
    const written = name.get(WRITTEN_PART[field]);
    // A part the name lacks has no reading, unless the record the name came from says so: it is coherent on its own.
    if (written === undefined || typeof written.value !== 'string') return written === undefined && nameRecords.has(s);
    if (written.from === s) return true;
    const own = s.fields[WRITTEN_PART[field]];
    if (typeof own === 'string' && sameWrittenName(own, written.value)) return true;
    const reading = s.fields[field];
    return typeof reading === 'string' && isReadingOf(written.value, reading, field === 'familyNameKana' ? 'family' : 'given');
  };
  const candidates = [...nameRecords, ...ordered].filter((s) => s.source !== MANUAL_SOURCE);
  let best: { from: SourceStatement; parts: Array<keyof typeof WRITTEN_PART> } | null = null;
  for (const s of candidates) {
    const parts = open.filter((f) => stated(s, f) && fits(s, f));
    if (parts.length > (best?.parts.length ?? 0)) best = { from: s, parts };
  }
  for (const field of best?.parts ?? []) chosen.set(field, { value: best!.from.fields[field], from: best!.from });
  // A whole reading typed into セイ (「タワラ ヨシヒコ」, kept as typed) already says the メイ another record gives.
  const family = chosen.get('familyNameKana');
  const given = chosen.get('givenNameKana');
  if (family && given && family.from !== given.from && given.from.source !== MANUAL_SOURCE && typeof family.value === 'string' && typeof given.value === 'string') {
    const tokens = family.value.trim().split(/\s+/u);
    if (tokens.length >= 2 && foldKana(tokens[tokens.length - 1]!) === foldKana(given.value)) chosen.delete('givenNameKana');
  }
  return chosen;
}

/** A value another record holds for a field or a group, for 「他のデータソースの値」 on the customer page. */
export interface OtherSourceValue {
  /** The record's values for the group's members it states (one entry for a field outside groups). */
  values: Record<string, unknown>;
  source: string;
  sourceRecordId: number;
  at: string;
}

/**
 * For each group (FIELD_GROUPS: name, reading, address, affiliation) and each field outside groups, the values the
 * customer's source records hold other than the golden one, best-ranked record first. A record's value for a group
 * is its members together (an address whole, as that record has it). Values that differ only in width or spaces
 * are listed once (under the best-ranked record that holds them); a value the golden record holds, or says in more
 * detail (「東京都千代田区」 beside the golden 「東京都千代田区千代田1-2-3」), is left out; so are clears (null). Keys with
 * nothing to list are absent. Masking for roles without customers:read_personal is the caller's.
 *
 * @example otherSourceValues(statements).address
 * // => [{ values: { postalCode: '9270053', prefecture: '石川県', address: '鳳珠郡能登町宇出津' }, source: 'web', sourceRecordId: 7, at: '…' }]
 */
export function otherSourceValues(statements: readonly SourceStatement[], golden: GoldenRecord = computeGolden(statements)): Record<string, OtherSourceValue[]> {
  const out: Record<string, OtherSourceValue[]> = {};
  const seen = new Map<string, Set<string>>();
  for (const s of rank(statements)) {
    const byKey = new Map<string, Record<string, unknown>>();
    for (const [field, value] of Object.entries(s.fields)) {
      if (value === undefined || value === null) continue;
      const key = groupOfField(field) ?? field;
      let group = byKey.get(key);
      if (group === undefined) byKey.set(key, (group = {}));
      group[field] = value;
    }
    for (const [key, values] of byKey) {
      const extend = key !== 'name' && key !== 'reading';
      if (Object.entries(values).every(([field, value]) => golden.values[field] !== undefined && heldBy(field, golden.values[field], value, extend))) continue;
      const identity = JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, v]) => [f, typeof v === 'string' ? completenessKey(v) : v]));
      let keys = seen.get(key);
      if (keys === undefined) seen.set(key, (keys = new Set()));
      if (keys.has(identity)) continue;
      keys.add(identity);
      (out[key] ??= []).push({ values, source: s.source, sourceRecordId: s.sourceRecordId, at: s.receivedAt.toISOString() });
    }
  }
  return out;
}

/** Does the golden value hold `value` (equal, or `extend`: the same in more detail)? */
function heldBy(field: string, golden: unknown, value: unknown, extend: boolean): boolean {
  if (typeof golden !== 'string' || typeof value !== 'string') return JSON.stringify(golden) === JSON.stringify(value);
  const g = completenessKey(golden);
  const v = completenessKey(value);
  if (g === v || ((field === 'familyName' || field === 'givenName') && sameWrittenName(golden, value))) return true;
  return extend && v.length > 0 && g.startsWith(v);
}

/** Field-by-field differences between two value maps, for the edit entry on the timeline. */
export function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): Array<{ field: string; from: unknown; to: unknown }> {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
  for (const field of [...keys].sort()) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/** When a golden value was last said again by a source record, and by which (鮮度: 最終確認日). */
export interface FieldConfirmation { at: string; source: string; sourceRecordId: number }

/**
 * For each field the golden record holds, the newest statement that holds the same value (equal, or the golden value
 * says it in more detail), manual edits included: a person who typed it confirmed it. The value's own provenance is
 * the record survivorship chose (by source priority first), which can be years older than a record that repeated it.
 *
 * @example fieldConfirmations(statements).email // => { at: '2026-11-02T…', source: 'seminar', sourceRecordId: 42 }
 */
export function fieldConfirmations(statements: readonly SourceStatement[], golden: GoldenRecord = computeGolden(statements)): Record<string, FieldConfirmation> {
  const out: Record<string, FieldConfirmation> = {};
  const newestFirst = [...statements].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.sourceRecordId - a.sourceRecordId);
  for (const [field, value] of Object.entries(golden.values)) {
    const extend = field !== 'familyName' && field !== 'givenName' && groupOfField(field) !== 'reading';
    const s = newestFirst.find((st) => st.fields[field] !== undefined && st.fields[field] !== null && heldBy(field, value, st.fields[field], extend));
    if (s !== undefined) out[field] = { at: s.receivedAt.toISOString(), source: s.source, sourceRecordId: s.sourceRecordId };
  }
  return out;
}
