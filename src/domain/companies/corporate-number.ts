/**
 * 法人番号 (corporate number): 13 digits, a check digit followed by the 12-digit 基礎番号 (for a registered company,
 * its 会社法人等番号). The check digit (法人番号の指定等に関する省令 第2条, read as the National Tax Agency
 * computes it):
 *
 *   check = 9 − ((Σ_{n=1..12} P_n × Q_n) mod 9)
 *   P_n = the n-th digit of the 基礎番号 counted from the right (n = 1 is the last digit),
 *   Q_n = 1 when n is odd, 2 when n is even.
 *
 * The result is always 1–9, so a 法人番号 never starts with 0. Example: 国税庁 7000012050002 — the weighted sum
 * of 000012050002 is 11, 11 mod 9 = 2, 9 − 2 = 7.
 *
 * Why it matters: it is the one key that identifies a 法人 for certain; two records with different valid numbers are
 * two companies, whatever their names say.
 */
import { nfkc, HYPHEN_CHARS } from '../normalize/text.ts';

/**
 * The check digit of a 12-digit 基礎番号, or null when `base` is not 12 ASCII digits.
 *
 * @example corporateNumberCheckDigit('000012050002') // => 7
 */
export function corporateNumberCheckDigit(base: string): number | null {
  if (!/^\d{12}$/u.test(base)) return null;
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = base.charCodeAt(12 - n) - 48;
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/**
 * The 法人番号 of a 12-digit 会社法人等番号 (the number on a 登記事項証明書), or null when `base` is not 12 digits.
 *
 * @example corporateNumberFromBase('000012050002') // => '7000012050002'
 */
export function corporateNumberFromBase(base: string): string | null {
  const check = corporateNumberCheckDigit(base);
  return check === null ? null : `${check}${base}`;
}

/**
 * Why a value is not a 法人番号:
 *  - empty;
 *  - excel_exponent: a spreadsheet turned it into 7.00001E+12 and lost the last digits;
 *  - base_number: 12 digits, a 会社法人等番号 without its check digit (`suggestion` holds the 法人番号; not taken
 *    silently, since a 13-digit number with one digit missing looks the same);
 *  - wrong_length / not_digits;
 *  - check_digit: 13 digits whose first does not match the rest (a typo).
 */
export type CorporateNumberProblem = 'empty' | 'excel_exponent' | 'base_number' | 'wrong_length' | 'not_digits' | 'check_digit';

export interface NormalizedCorporateNumber {
  /** The 13 ASCII digits when valid, else null. */
  value: string | null;
  valid: boolean;
  reason: CorporateNumberProblem | null;
  /** For 'base_number': the 法人番号 those 12 digits would give. */
  suggestion: string | null;
}

const SEPARATORS = new RegExp(`[\\s${HYPHEN_CHARS.replace('-', '\\-')}ー.]`, 'gu');

/**
 * Normalise what was typed as a 法人番号: full-width digits, spaces, hyphens, a leading apostrophe (Excel's text
 * marker), a 「法人番号:」 label, a trailing '.0' (a number exported as a float) and the 'T' of an invoice
 * registration number (適格請求書発行事業者登録番号 = 'T' + 法人番号 for a corporation) are accepted.
 *
 * @example normalizeCorporateNumber('７０００－０１２０－５０００２').value // => '7000012050002'
 * @example normalizeCorporateNumber('T7000012050002').value // => '7000012050002'
 * @example normalizeCorporateNumber('7000012050003').reason // => 'check_digit'
 * @example normalizeCorporateNumber('000012050002') // => { valid: false, reason: 'base_number', suggestion: '7000012050002' }
 */
export function normalizeCorporateNumber(raw: string | null | undefined): NormalizedCorporateNumber {
  const fail = (reason: CorporateNumberProblem, suggestion: string | null = null): NormalizedCorporateNumber => ({ value: null, valid: false, reason, suggestion });
  if (raw == null) return fail('empty');
  let s = nfkc(raw).replace(/^'/u, '').replace(/^(?:法人番号|corporate\s*number)\s*[:：]?\s*/iu, '').trim();
  if (s === '') return fail('empty');
  if (/^\d(?:\.\d+)?e\+?\d+$/iu.test(s)) return fail('excel_exponent');
  s = s.replace(/\.0+$/u, '').replace(/^t(?=[\d\s-])/iu, '').replace(SEPARATORS, '');
  if (!/^\d+$/u.test(s)) return fail('not_digits');
  if (s.length === 12) return fail('base_number', corporateNumberFromBase(s));
  if (s.length !== 13) return fail('wrong_length');
  if (corporateNumberCheckDigit(s.slice(1)) !== Number(s[0])) return fail('check_digit');
  return { value: s, valid: true, reason: null, suggestion: null };
}

/** A well-formed 法人番号 (13 digits, check digit right) in any accepted spelling. */
export function isValidCorporateNumber(raw: string | null | undefined): boolean {
  return normalizeCorporateNumber(raw).valid;
}
