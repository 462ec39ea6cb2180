/**
 * Japanese postal codes (郵便番号): always 7 digits, displayed NNN-NNNN.
 * Stored canonical form is the 7 digits without hyphen ('1000001').
 */
import { HYPHEN_CHARS } from './text.ts';
import { prefectureByCode, type Prefecture } from './prefectures.ts';
import { POSTAL_PREFIX_PREF, POSTAL_EXCEPTION_PREF } from './postal-prefecture.generated.ts';

export type PostalInvalidReason = 'empty' | 'wrong_length' | 'not_digits' | 'placeholder';

export interface NormalizedPostal {
  /** Seven digits ('1000001') when valid, else null. */
  value: string | null;
  /** Display form '100-0001' when valid, else null. */
  formatted: string | null;
  valid: boolean;
  reason: PostalInvalidReason | null;
}

/** Dashes incl. the long vowel mark, which IMEs produce for '-'. */
const DASHES = new RegExp(`[${HYPHEN_CHARS.replace('-', '\\-')}ーｰ]`, 'gu');

/** Postal marks: 〒 (U+3012), 〶 (U+3036, circled), and the text labels. */
const POSTAL_LABEL = /^(?:〒|〶|郵便番号|郵便|zip|postal\s*code)\s*[:.]?\s*/iu;

/**
 * Normalise a postal code. Never throws.
 *
 * @example normalizePostalCode('〒100-0001') // => { value: '1000001', formatted: '100-0001', valid: true, reason: null }
 * @example normalizePostalCode('１００－０００１').value // => '1000001'
 * @example normalizePostalCode('100').reason // => 'wrong_length' (old 3-digit codes are not accepted)
 * @example normalizePostalCode('000-0000').reason // => 'placeholder'
 */
export function normalizePostalCode(raw: string): NormalizedPostal {
  const bad = (reason: PostalInvalidReason): NormalizedPostal => ({ value: null, formatted: null, valid: false, reason });
  const s = raw.normalize('NFKC').trim().replace(POSTAL_LABEL, '').replace(DASHES, '').replace(/\s+/gu, '');
  if (s === '') return bad('empty');
  if (!/^\d+$/u.test(s)) return bad('not_digits');
  if (s.length !== 7) return bad('wrong_length');
  if (/^(\d)\1{6}$/u.test(s)) return bad('placeholder');
  return { value: s, formatted: `${s.slice(0, 3)}-${s.slice(3)}`, valid: true, reason: null };
}

/**
 * Pull a leading postal code off an address line, as in mail labels
 * ("〒100-0001 東京都千代田区千代田1-1"). Requires the 〒 mark or the
 * NNN-NNNN shape so that a bare house number is never mistaken for one.
 *
 * @example extractPostalCode('〒100-0001 東京都千代田区千代田1-1')
 *   // => { postal: '1000001', rest: '東京都千代田区千代田1-1' }
 * @example extractPostalCode('東京都千代田区') // => { postal: null, rest: '東京都千代田区' }
 */
export function extractPostalCode(raw: string): { postal: string | null; rest: string } {
  const s = raw.normalize('NFKC').trim();
  const dash = `[${HYPHEN_CHARS.replace('-', '\\-')}ーｰ]`;
  const withMark = new RegExp(`^(?:〒|〶|郵便番号)\\s*[:.]?\\s*(\\d{3})\\s*${dash}?\\s*(\\d{4})(?!\\d)\\s*`, 'u');
  const shaped = new RegExp(`^(\\d{3})\\s*${dash}\\s*(\\d{4})(?!\\d)\\s+`, 'u');
  const m = withMark.exec(s) ?? shaped.exec(s);
  if (m === null) return { postal: null, rest: s };
  const postal = normalizePostalCode(`${m[1]}${m[2]}`).value;
  return postal === null ? { postal: null, rest: s } : { postal, rest: s.slice(m[0].length).trim() };
}

/** Lazily parsed generated tables (see build/generate-tables.ts). */
let postalTables: { prefix: Map<string, number>; exceptions: Map<string, number> } | null = null;
function loadPostalTables(): { prefix: Map<string, number>; exceptions: Map<string, number> } {
  if (postalTables !== null) return postalTables;
  const parse = (s: string): Map<string, number> =>
    new Map(
      s
        .split(',')
        .filter(Boolean)
        .map((kv) => {
          const [k = '', v = '0'] = kv.split(':');
          return [k, Number(v)] as const;
        }),
    );
  postalTables = { prefix: parse(POSTAL_PREFIX_PREF), exceptions: parse(POSTAL_EXCEPTION_PREF) };
  return postalTables;
}

/**
 * Prefecture of a postal code, from Japan Post data (generated table):
 * the exact code if it is one of the ~260 codes whose 3-digit area crosses a
 * prefecture border, otherwise the majority prefecture of its first 3 digits.
 * The three codes shared by two prefectures (498-0000, 618-0000, 871-0000)
 * return null.
 * Accepts any spelling `normalizePostalCode` accepts. Unknown area → null.
 *
 * @example prefectureFromPostal('〒100-0001') // => '東京都'
 * @example prefectureFromPostal('498-0801') // => '三重県' (498 is mostly 愛知県)
 * @example prefectureFromPostal('000-1234') // => null
 */
export function prefectureFromPostal(raw: string): Prefecture | null {
  const { value } = normalizePostalCode(raw);
  if (value === null) return null;
  const t = loadPostalTables();
  const code = t.exceptions.get(value) ?? t.prefix.get(value.slice(0, 3));
  return code === undefined ? null : prefectureByCode(code); // 0 (shared code) → null
}
