/**
 * Whether a column's sample values fit a field (pure). A header can lie about its column: a Mailchimp audience got
 * 会社名 ← CONFIRM_TIME and created a customer named 「2015-03-16 14:40:47」. The header vocabulary proposes; the
 * values can veto. Only clear contradictions count (a timestamp as a name, a number as a name, text as an e-mail);
 * blank cells are no evidence either way.
 */
import { cellKind, cellText, digitCount, type CellKind } from './cell-kind.ts';
import type { ImportField } from './profile.ts';

/** Share of the non-blank sample values that must fit, or the column is not suggested for the field. */
export const MIN_FIT_SHARE = 0.5;
/** Values looked at per column: a preview's worth. */
const MAX_VALUES = 200;

export interface ColumnFit<F extends string = ImportField> {
  field: F;
  /** Non-blank values looked at. */
  checked: number;
  /** Those that do not fit the field. */
  misfits: number;
  /** 1 when nothing was checked. */
  share: number;
  /** The first value that does not fit, and what it looks like. */
  example: { value: string; kind: CellKind } | null;
}

const NAME_LIKE: ReadonlySet<ImportField> = new Set([
  'full_name',
  'family_name',
  'given_name',
  'full_name_kana',
  'family_name_kana',
  'given_name_kana',
  'company_name',
  'company_name_kana',
  'department',
  'title',
  'company_industry',
]);

const ALPHANUMERIC_POSTAL = [
  /^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$/iu, // UK: SW1A 1AA
  /^[A-Z]\d[A-Z]\s?\d[A-Z]\d$/iu, // Canada: K1A 0B1
];

const MONTH_OF_8_DIGITS = /^(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/u;

/** Whether one non-blank value can be the field's; `kind` is cellKind(value). */
export function valueFits(field: ImportField, value: string, kind: CellKind = cellKind(value)): boolean {
  if (kind === 'blank') return true;
  const text = cellText(value);
  if (NAME_LIKE.has(field)) return kind === 'text';
  switch (field) {
    case 'email':
      // Lenient on the form (a missing TLD, a typo): the point is that it is an address at all.
      return kind === 'email' || /^[^\s@]+@[^\s@]+$/u.test(text);
    case 'phone': {
      if (kind === 'phone') return true;
      if (kind !== 'number' && kind !== 'text') return false;
      // Digits with some words around them (「03-1234-5678（代表）」), or a number that lost its leading zero in Excel.
      const digits = digitCount(text);
      return digits >= 6 && digits <= 20 && (kind === 'text' ? digits * 2 >= text.replace(/\s/gu, '').length : !text.includes('.'));
    }
    case 'postal_code':
      if (kind === 'postal') return true;
      if (kind === 'number') return /^\d{3,10}$/u.test(text.replace(/^〒/u, ''));
      return kind === 'text' && (/^〒?\s*\d[\d\s-]{2,9}$/u.test(text) || ALPHANUMERIC_POSTAL.some((p) => p.test(text)));
    case 'birth_date':
      if (kind === 'date') return !/\d{1,2}:\d{2}/u.test(text) || /\s0{1,2}:00(?::00)?$|T00:00(?::00)?/u.test(text);
      return kind === 'number' && MONTH_OF_8_DIGITS.test(text);
    case 'gender':
      return (kind === 'text' && text.length <= 12) || (kind === 'number' && /^\d$/u.test(text));
    case 'prefecture':
      // 東京都, Tokyo, CA, or a JIS code (13).
      return (kind === 'text' && text.length <= 24) || (kind === 'number' && /^\d{1,2}$/u.test(text));
    case 'address':
      // Street numbers (febrl's street_number) and postal codes written into an address are parts of one.
      return kind === 'text' || kind === 'number' || kind === 'postal';
    case 'company_corporate_number':
      // 13 digits (Excel may show them as a number), with hyphens or a leading T (an invoice number).
      return (kind === 'number' || kind === 'text') && digitCount(text) >= 12 && digitCount(text) <= 14;
    case 'company_website':
      return kind === 'url' || (kind === 'text' && /^[^\s@]+\.[a-z]{2,}(?:\/\S*)?$/iu.test(text));
    case 'company_phone':
      return kind === 'phone' || ((kind === 'number' || kind === 'text') && digitCount(text) >= 6 && digitCount(text) <= 20);
    default:
      return true;
  }
}

/** How the column's non-blank values fit the field. */
export function columnFit(field: ImportField, values: Iterable<string>): ColumnFit {
  return fitBy(field, values, (value, kind) => valueFits(field, value, kind));
}

/**
 * How a column's non-blank values fit a field by a test of one's own (the order wizard's amounts and quantities):
 * the same counting as columnFit, for fields that are not a customer's.
 */
export function fitBy<F extends string>(field: F, values: Iterable<string>, fits: (value: string, kind: CellKind) => boolean): ColumnFit<F> {
  let checked = 0;
  let misfits = 0;
  let example: ColumnFit['example'] = null;
  for (const value of values) {
    const kind = cellKind(value);
    if (kind === 'blank') continue;
    checked++;
    if (!fits(value, kind)) {
      misfits++;
      example ??= { value: cellText(value), kind };
    }
    if (checked >= MAX_VALUES) break;
  }
  return { field, checked, misfits, share: checked === 0 ? 1 : (checked - misfits) / checked, example };
}

const KIND_LABEL: Record<CellKind, { ja: string; en: string }> = {
  blank: { ja: '空欄', en: 'blank' },
  email: { ja: 'メールアドレス', en: 'e-mail addresses' },
  url: { ja: 'URL', en: 'URLs' },
  date: { ja: '日付・日時', en: 'dates or timestamps' },
  number: { ja: '数値', en: 'numbers' },
  phone: { ja: '電話番号', en: 'phone numbers' },
  postal: { ja: '郵便番号', en: 'postal codes' },
  text: { ja: '文字列', en: 'text' },
};

/** A note for the wizard: why a column whose header looks like the field is not suggested for it. */
export function misfitMessage(header: string, fit: ColumnFit<string>): string {
  const ex = fit.example;
  const like = ex ? `（例「${ex.value}」: ${KIND_LABEL[ex.kind].ja}）` : '';
  const likeEn = ex ? ` (e.g. "${ex.value}": ${KIND_LABEL[ex.kind].en})` : '';
  return `列「${header}」の値は ${fit.field} に合いません: ${fit.checked} 件中 ${fit.misfits} 件${like} ` +
    `(the values of column "${header}" do not fit ${fit.field}: ${fit.misfits} of ${fit.checked}${likeEn})`;
}
