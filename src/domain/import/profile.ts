/**
 * Import profiles: how one source's export maps onto Daicho's fields (pure; node:crypto only for the content hash).
 *
 * JSON form (as shipped next to each export, e.g. /work/shared/data/ja-dedup-dev/meishi.mapping.json):
 *   { "source": "meishi", "id_column": "名刺ID", "encoding": "cp932",
 *     "fields": { "full_name": "氏名", "address": ["住所1", "住所2"] } }
 * Optional keys: "encoding" (omitted or "auto" = detect), "delimiter" ("," "\t" ";"; omitted = detect),
 * "sheet" (xlsx: name or 1-based index), "header_row" (the 1-based line of the header row, for exports with title
 * lines above it: a CSV/TSV physical line, an xlsx sheet row; omitted = the first non-blank row). Every column that is neither the id nor mapped is kept as a custom
 * attribute: nothing a source sent is dropped.
 * Consent (特定電子メール法, the consent ledger): "email_basis" (the source's lawful basis for marketing e-mail, set on
 * the source when the import runs: opt_in_per_record, business_card, business_relationship, published_for_business,
 * none) and "consent": { "<purpose>": "<column>" } (e.g. { "email_marketing": "メルマガ" }: each row's value,
 * 希望する/希望しない, 1/0, ○/× …, becomes a consent event of its record; the column stays an attribute too).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SOURCE_NAME_PATTERN } from '../sources/names.ts';
import { canonicalEncoding, ENCODING_NAMES_HELP, type TextEncoding } from './encoding.ts';
import { DELIMITERS, type Delimiter } from './csv.ts';
import { EMAIL_BASES, type EmailBasisCode } from '../consent/basis.ts';
import { CONSENT_PURPOSES, isConsentPurpose, type ConsentPurposeCode } from '../consent/purposes.ts';

/** The import fields about the person's company rather than the person (everything company_* but its name). */
export const COMPANY_FACT_FIELDS = [
  'company_corporate_number',
  'company_industry',
  'company_employees',
  'company_capital',
  'company_revenue',
  'company_website',
  'company_phone',
  'company_address',
] as const;

export const IMPORT_FIELDS = [
  'full_name',
  'family_name',
  'given_name',
  'full_name_kana',
  'family_name_kana',
  'given_name_kana',
  'email',
  'phone',
  'birth_date',
  'gender',
  'postal_code',
  'prefecture',
  'address',
  'company_name',
  'company_name_kana',
  'department',
  'title',
  // The company's own facts (法人): they travel on the person's statement to the company record (companies.service).
  ...COMPANY_FACT_FIELDS,
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const FIELD_SET: ReadonlySet<string> = new Set(IMPORT_FIELDS);

export function isImportField(name: string): name is ImportField {
  return FIELD_SET.has(name);
}

/** A parsed profile. Every field maps to its columns in order (one column = a one-element array). */
export interface ImportProfile {
  source: string;
  idColumn: string | null;
  /** null = detect from the file. */
  encoding: TextEncoding | null;
  /** null = detect from the file. */
  delimiter: Delimiter | null;
  /** xlsx sheet name or 1-based position among the worksheet tabs (as Excel shows them); null = the first. */
  sheet: string | number | null;
  /**
   * The 1-based line (CSV/TSV: physical line; xlsx: sheet row) of the header row, when the export puts title lines
   * above it (Eight's 名刺 export: 7). Absent = the first non-blank row, so profiles without it read as before.
   */
  headerRow?: number;
  fields: Partial<Record<ImportField, string[]>>;
  /** The source's lawful basis for marketing e-mail, applied to the source when the import runs (absent: unchanged). */
  emailBasis?: EmailBasisCode;
  /** Consent columns by purpose: each row's value becomes a consent event of its record (absent: none). */
  consent?: Partial<Record<ConsentPurposeCode, string>>;
}

/** The JSON form of a profile (what parseImportProfile reads and profileToJson writes). */
export interface ImportProfileJson {
  source: string;
  id_column?: string | null;
  encoding?: string | null;
  delimiter?: string | null;
  sheet?: string | number | null;
  header_row?: number | null;
  fields: Partial<Record<ImportField, string | string[]>>;
  email_basis?: EmailBasisCode;
  consent?: Partial<Record<ConsentPurposeCode, string>>;
}

export class ImportProfileError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid import profile: ${issues.join('; ')}`);
    this.name = 'ImportProfileError';
  }
}

/** A header this far down is a mistake (a data line number), not title lines above a header. */
export const MAX_HEADER_ROW = 1000;

const columnName = z.string().trim().min(1, 'column name must not be empty');

const profileSchema = z.strictObject({
  source: z
    .string({ error: (iss) => (iss.input === undefined ? 'source is required' : 'source must be a string') })
    .trim()
    .regex(SOURCE_NAME_PATTERN, 'source must be lower-case letters, digits, "_" or "-", at most 63 characters (like the sources table), e.g. "meishi"'),
  id_column: columnName.nullish(),
  encoding: z
    .string()
    .nullish()
    .superRefine((value, ctx) => {
      if (value == null || value.trim().toLowerCase() === 'auto') return;
      if (!canonicalEncoding(value)) ctx.addIssue({ code: 'custom', message: `unknown encoding "${value}" (use ${ENCODING_NAMES_HELP}, or omit it to detect)` });
    }),
  delimiter: z
    .string()
    .nullish()
    .superRefine((value, ctx) => {
      if (value == null || value === 'auto') return;
      if (!DELIMITERS.includes(delimiterAlias(value) as Delimiter)) {
        ctx.addIssue({ code: 'custom', message: `unknown delimiter ${JSON.stringify(value)} (use ",", "\\t" or ";")` });
      }
    }),
  sheet: z.union([z.string().trim().min(1), z.number().int().min(1)]).nullish(),
  header_row: z
    .number({ error: 'header_row must be a line number (1 = the first line)' })
    .int('header_row must be a whole line number')
    .min(1, 'header_row is 1-based: 1 is the first line')
    .max(MAX_HEADER_ROW, `header_row must be at most ${MAX_HEADER_ROW} (the header is near the top of a file)`)
    .nullish(),
  fields: z.record(
    z.string(),
    z.union([columnName, z.array(columnName).min(1, 'give at least one column')], {
      error: 'must be a column name or a list of column names',
    }),
    { error: 'fields must be an object of field → column name(s)' },
  ),
  email_basis: z.enum(EMAIL_BASES, { error: `メール送信の根拠は ${EMAIL_BASES.join(', ')} のいずれかです (email_basis must be one of ${EMAIL_BASES.join(', ')})` }).nullish(),
  consent: z.record(z.string(), columnName, { error: 'consent must be an object of purpose → column name, e.g. { "email_marketing": "メルマガ" }' }).nullish(),
});

function delimiterAlias(value: string): string {
  const v = value.toLowerCase();
  if (v === 'tab' || v === '\\t') return '\t';
  if (v === 'comma') return ',';
  if (v === 'semicolon') return ';';
  return value;
}

/**
 * Validates a profile (already JSON-parsed) and returns its canonical form.
 * @throws ImportProfileError listing every problem (unknown field names with a suggestion, missing source, bad encoding…)
 */
export function parseImportProfile(json: unknown): ImportProfile {
  const issues: string[] = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ImportProfileError(['a profile must be a JSON object']);
  const raw = json as Record<string, unknown>;
  // Unknown field names get a precise message (zod's record would accept any key).
  if (raw.fields && typeof raw.fields === 'object' && !Array.isArray(raw.fields)) {
    for (const key of Object.keys(raw.fields)) {
      if (!isImportField(key)) {
        const hint = closestField(key);
        issues.push(`fields.${key}: unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; known fields: ${IMPORT_FIELDS.join(', ')}`);
      }
    }
  }
  if (raw.consent && typeof raw.consent === 'object' && !Array.isArray(raw.consent)) {
    for (const key of Object.keys(raw.consent)) {
      if (!isConsentPurpose(key)) issues.push(`consent.${key}: 同意の目的「${key}」はありません。${CONSENT_PURPOSES.join(', ')} のいずれかです (unknown purpose)`);
    }
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          issues.push(`unknown key "${key}" (a profile has source, id_column, encoding, delimiter, sheet, header_row, fields, email_basis, consent)`);
        }
        continue;
      }
      const path = issue.path.map(String).join('.');
      issues.push(path ? `${path}: ${issue.message}` : issue.message);
    }
  }
  if (issues.length > 0 || !parsed.success) throw new ImportProfileError(issues);
  const data = parsed.data;
  const fields: Partial<Record<ImportField, string[]>> = {};
  for (const [key, value] of Object.entries(data.fields)) {
    fields[key as ImportField] = Array.isArray(value) ? value : [value];
  }
  if (Object.keys(fields).length === 0 && !data.id_column) {
    throw new ImportProfileError(['fields: map at least one field (or give id_column)']);
  }
  const encoding = data.encoding == null || data.encoding.trim().toLowerCase() === 'auto' ? null : canonicalEncoding(data.encoding);
  const delimiter = data.delimiter == null || data.delimiter === 'auto' ? null : (delimiterAlias(data.delimiter) as Delimiter);
  return {
    source: data.source,
    idColumn: data.id_column ?? null,
    encoding,
    delimiter,
    sheet: data.sheet ?? null,
    // Only when given: a profile without it keeps exactly the parsed (and stored) form it had before header_row existed.
    ...(data.header_row != null ? { headerRow: data.header_row } : {}),
    fields,
    ...(data.email_basis != null ? { emailBasis: data.email_basis } : {}),
    ...(data.consent != null && Object.keys(data.consent).length > 0 ? { consent: data.consent as Partial<Record<ConsentPurposeCode, string>> } : {}),
  };
}

/** The JSON form of a profile (single columns as strings), e.g. to save what the wizard built. */
export function profileToJson(profile: ImportProfile): ImportProfileJson {
  const fields: Partial<Record<ImportField, string | string[]>> = {};
  for (const field of IMPORT_FIELDS) {
    const cols = profile.fields[field];
    if (cols && cols.length > 0) fields[field] = cols.length === 1 ? cols[0]! : [...cols];
  }
  return {
    source: profile.source,
    id_column: profile.idColumn,
    ...(profile.encoding ? { encoding: profile.encoding } : {}),
    ...(profile.delimiter ? { delimiter: profile.delimiter } : {}),
    ...(profile.sheet != null ? { sheet: profile.sheet } : {}),
    ...(profile.headerRow != null ? { header_row: profile.headerRow } : {}),
    fields,
    ...(profile.emailBasis ? { email_basis: profile.emailBasis } : {}),
    ...(profile.consent ? { consent: { ...profile.consent } } : {}),
  };
}

function closestField(name: string): string | null {
  const key = name.toLowerCase().replace(/[\s-]+/gu, '_');
  if (isImportField(key)) return key;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const field of IMPORT_FIELDS) {
    const d = levenshtein(key, field);
    if (d < bestDistance) [best, bestDistance] = [field, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Columns a profile refers to (id first, then fields in IMPORT_FIELDS order). */
export function profileColumns(profile: ImportProfile): string[] {
  const out: string[] = [];
  if (profile.idColumn) out.push(profile.idColumn);
  for (const field of IMPORT_FIELDS) for (const col of profile.fields[field] ?? []) if (!out.includes(col)) out.push(col);
  for (const purpose of CONSENT_PURPOSES) {
    const col = profile.consent?.[purpose];
    if (col && !out.includes(col)) out.push(col);
  }
  return out;
}

export interface ProfileBinding {
  /** The profile with every column name replaced by the file's header it matched. */
  profile: ImportProfile;
  /** Profile columns the file does not have (the import should stop: a typo or the wrong file). */
  missing: string[];
  /** Columns matched only after folding width/case/spaces (ﾌﾘｶﾞﾅ ↔ フリガナ, E-Mail ↔ e-mail). */
  renamed: Array<{ from: string; to: string }>;
  /** File headers the profile does not mention: they become custom attributes. */
  unmapped: string[];
}

/**
 * Checks a profile against a file's headers. Names match after trimming; failing that, after NFKC, lower-casing and
 * removing spaces, provided exactly one header folds to the same key.
 */
export function bindProfile(profile: ImportProfile, headers: readonly string[]): ProfileBinding {
  const trimmed = headers.map((h) => h.trim());
  const exact = new Set(trimmed);
  const folded = new Map<string, string[]>();
  for (const h of trimmed) {
    const k = foldHeader(h);
    folded.set(k, [...(folded.get(k) ?? []), h]);
  }
  const missing: string[] = [];
  const renamed: Array<{ from: string; to: string }> = [];
  const resolve = (name: string): string => {
    const t = name.trim();
    if (exact.has(t)) return t;
    const candidates = folded.get(foldHeader(t)) ?? [];
    if (candidates.length === 1) {
      renamed.push({ from: t, to: candidates[0]! });
      return candidates[0]!;
    }
    if (!missing.includes(t)) missing.push(t);
    return t;
  };
  const fields: Partial<Record<ImportField, string[]>> = {};
  for (const field of IMPORT_FIELDS) {
    const cols = profile.fields[field];
    if (cols) fields[field] = cols.map(resolve);
  }
  let consent: Partial<Record<ConsentPurposeCode, string>> | undefined;
  if (profile.consent) {
    consent = {};
    for (const purpose of CONSENT_PURPOSES) {
      const col = profile.consent[purpose];
      if (col) consent[purpose] = resolve(col);
    }
  }
  const bound: ImportProfile = { ...profile, idColumn: profile.idColumn ? resolve(profile.idColumn) : null, fields, ...(consent ? { consent } : {}) };
  const used = new Set(profileColumns(bound));
  return { profile: bound, missing, renamed, unmapped: trimmed.filter((h) => !used.has(h)) };
}

function foldHeader(h: string): string {
  return h.normalize('NFKC').toLowerCase().replace(/[\s\u3000]+/gu, '');
}

export interface MappedRow {
  /** The source's own id for the record; null when the profile has none (use contentHash) or the cell is blank. */
  externalId: string | null;
  fields: Partial<Record<ImportField, string>>;
  /** Unmapped non-empty columns under their header: custom attributes. */
  attributes: Record<string, string>;
  /** Present when something about the row deserves a note (e.g. a blank id). */
  warnings?: string[];
}

interface CompiledProfile {
  idColumn: string | null;
  fields: Array<[ImportField, string[]]>;
  used: Set<string>;
}
const compiled = new WeakMap<ImportProfile, CompiledProfile>();

function compile(profile: ImportProfile): CompiledProfile {
  let c = compiled.get(profile);
  if (!c) {
    const fields: Array<[ImportField, string[]]> = [];
    for (const field of IMPORT_FIELDS) {
      const cols = profile.fields[field];
      if (cols && cols.length > 0) fields.push([field, cols.map((col) => col.trim())]);
    }
    const idColumn = profile.idColumn ? profile.idColumn.trim() : null;
    c = { idColumn, fields, used: new Set([...(idColumn ? [idColumn] : []), ...fields.flatMap(([, cols]) => cols)]) };
    compiled.set(profile, c);
  }
  return c;
}

/**
 * Maps one row (header → raw value) with a profile. Header names and values are trimmed; a field with several
 * columns joins their non-blank values with a space; every other non-blank column lands in `attributes`.
 */
export function mapRow(values: Readonly<Record<string, string>>, profile: ImportProfile, line: number): MappedRow {
  const p = compile(profile);
  const row = new Map<string, string>();
  for (const key of Object.keys(values)) {
    const v = values[key];
    row.set(key.trim(), typeof v === 'string' ? v.trim() : '');
  }
  const fields: Partial<Record<ImportField, string>> = {};
  for (const [field, cols] of p.fields) {
    let joined = '';
    for (const col of cols) {
      const v = row.get(col);
      if (v) joined = joined ? `${joined} ${v}` : v;
    }
    if (joined) fields[field] = joined;
  }
  const attributes: Record<string, string> = {};
  for (const [key, v] of row) {
    if (v && !p.used.has(key)) setOwn(attributes, key, v);
  }
  let externalId: string | null = null;
  let warnings: string[] | undefined;
  if (p.idColumn) {
    externalId = row.get(p.idColumn) || null;
    if (externalId === null) {
      warnings = [
        row.has(p.idColumn)
          ? `${line}行目: ID列「${p.idColumn}」が空です。内容のハッシュで識別します (line ${line}: blank id; identified by content hash)`
          : `${line}行目: ID列「${p.idColumn}」がありません (line ${line}: no id column "${p.idColumn}")`,
      ];
    }
  }
  return warnings ? { externalId, fields, attributes, warnings } : { externalId, fields, attributes };
}

/** Assigns even a key named "__proto__" as an own property. */
export function setOwn(target: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A stable identity for a record without a source id: sha256 (hex) of the canonical JSON of its non-blank fields
 * and attributes, keys sorted. Same content → same hash, whatever the column order in the file.
 */
export function contentHash(fields: Partial<Record<ImportField, string>>, attributes: Readonly<Record<string, string>>): string {
  const canonical = (o: Readonly<Record<string, string | undefined>>) =>
    Object.keys(o)
      .filter((k) => typeof o[k] === 'string' && o[k] !== '')
      .sort()
      .map((k) => [k, o[k]!]);
  return createHash('sha256')
    .update(JSON.stringify({ f: canonical(fields), a: canonical(attributes) }))
    .digest('hex');
}
