/**
 * The import wizard's mapping of file columns to profile fields, as plain data and functions (tested in
 * test/web/import-mapping.test.ts): the suggestion it starts from, a saved profile applied to this file's headers,
 * the edits of the mapping table, and the profile JSON the API takes.
 */
import type { ImportProfileJson, ImportUpload } from '../../api.ts';

/**
 * The profile fields in the order the mapping table shows them (src/domain/import/profile.ts IMPORT_FIELDS); their
 * labels are `import.fieldLabel.<key>` in i18n.ts. `multi`: several columns joined (an address in parts).
 */
export const IMPORT_FIELDS: ReadonlyArray<{ key: string; multi?: boolean }> = [
  { key: 'full_name' },
  { key: 'family_name' },
  { key: 'given_name' },
  { key: 'full_name_kana' },
  { key: 'family_name_kana' },
  { key: 'given_name_kana' },
  { key: 'email' },
  { key: 'phone' },
  { key: 'postal_code' },
  { key: 'prefecture' },
  { key: 'address', multi: true },
  { key: 'company_name' },
  { key: 'company_name_kana' },
  { key: 'department' },
  { key: 'title' },
  { key: 'company_corporate_number' },
  { key: 'company_industry' },
  { key: 'company_employees' },
  { key: 'company_capital' },
  { key: 'company_revenue' },
  { key: 'company_website' },
  { key: 'company_phone' },
  { key: 'company_address' },
  { key: 'birth_date' },
  { key: 'gender' },
];

export interface Mapping {
  source: string;
  idColumn: string;
  /** 'auto' (what the upload detected), 'cp932' or 'utf-8'. */
  encoding: string;
  /** The line of the header row (the profile's header_row): the detected one when title lines were skipped, or the
   *  one the user chose; null when it is the first line (then the profile leaves it to detection). */
  headerRow: number | null;
  /** The file columns of each field, in order ('' while a new one is being chosen). */
  fields: Record<string, string[]>;
}

const columnsOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value]);

/** The server's suggestion for an uploaded file, with a source code taken from the file name. */
export function mappingFrom(upload: ImportUpload): Mapping {
  const s = upload.preview.suggestion;
  const fields: Record<string, string[]> = {};
  for (const f of IMPORT_FIELDS) fields[f.key] = columnsOf(s.fields[f.key]);
  return { source: sourceFromFileName(upload.fileName), idColumn: s.idColumn ?? '', encoding: 'auto', headerRow: headerRowOf(upload.preview), fields };
}

/** A saved profile applied to this file: columns the file does not have are dropped. */
export function mappingFromProfile(profile: ImportProfileJson, headers: string[]): Mapping {
  const has = (c: string) => headers.includes(c);
  const fields: Record<string, string[]> = {};
  for (const f of IMPORT_FIELDS) fields[f.key] = columnsOf(profile.fields[f.key]).filter(has);
  return {
    source: profile.source,
    idColumn: profile.id_column && has(profile.id_column) ? profile.id_column : '',
    encoding: profile.encoding ?? 'auto',
    headerRow: profile.header_row ?? null,
    fields,
  };
}

/** The header line worth keeping in the profile: any but the first (a plain file's header needs no saying). */
export function headerRowOf(preview: ImportUpload['preview']): number | null {
  return preview.headerLine !== null && preview.headerLine > 1 ? preview.headerLine : null;
}

/** 「meishi_2026-11.csv」→「meishi」: a starting point for the source code name. */
export function sourceFromFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/u, '').toLowerCase();
  const code = base.replace(/[^a-z0-9_-]+/gu, '_').replace(/^[_-]+|[_-]+$/gu, '').replace(/[_-]?\d{4,}.*$/u, '');
  return /^[a-z0-9]/u.test(code) ? code.slice(0, 60) : '';
}

/** The profile the API validates and runs: one column as a string, several as a list, none left out. */
export function toProfile(m: Mapping): ImportProfileJson {
  const fields: Record<string, string | string[]> = {};
  for (const f of IMPORT_FIELDS) {
    const cols = (m.fields[f.key] ?? []).filter(Boolean);
    if (cols.length === 1) fields[f.key] = cols[0]!;
    else if (cols.length > 1) fields[f.key] = cols;
  }
  return {
    source: m.source.trim(),
    ...(m.idColumn ? { id_column: m.idColumn } : {}),
    ...(m.encoding !== 'auto' ? { encoding: m.encoding } : {}),
    ...(m.headerRow ? { header_row: m.headerRow } : {}),
    fields,
  };
}

/** The mapping with the columns of one field replaced. */
export function withColumns(m: Mapping, field: string, columns: string[]): Mapping {
  return { ...m, fields: { ...m.fields, [field]: columns } };
}

/**
 * A multi-column field's select `index` set to `column`. Choosing 「（なし）」 removes that select when there are others;
 * otherwise blanks are dropped (an empty field has no columns).
 */
export function setColumnAt(columns: readonly string[], index: number, column: string): string[] {
  const next = (columns.length ? columns : ['']).map((c, j) => (j === index ? column : c));
  return !column && next.length > 1 ? next.filter((_, j) => j !== index) : next.filter(Boolean);
}

/** 「×」 on one of a multi-column field's selects. */
export function removeColumnAt(columns: readonly string[], index: number): string[] {
  return columns.filter((_, j) => j !== index);
}

/** 「＋ 列を追加」: a new, still blank select; offered once every select has a column. */
export function canAddColumn(columns: readonly string[]): boolean {
  return columns.length > 0 && columns.every(Boolean);
}

export function addColumn(columns: readonly string[]): string[] {
  return [...columns, ''];
}
