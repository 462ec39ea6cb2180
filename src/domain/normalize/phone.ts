/**
 * Phone number normalisation (default region JP) on top of libphonenumber-js.
 *
 * Why the "max" metadata: only it can tell mobile (090/080/070) from fixed
 * lines, toll-free (0120/0800) and IP phones (050), which the CDP needs.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { HYPHEN_CHARS } from './text.ts';
import { memoize } from './memo.ts';

export type PhoneKind = 'mobile' | 'fixed' | 'toll_free' | 'ip' | 'unknown';

export type PhoneInvalidReason = 'empty' | 'placeholder' | 'too_short' | 'unparseable' | 'invalid_number';

export interface NormalizedPhone {
  /** E.164 ('+819012345678') when the number is valid; otherwise null. */
  e164: string | null;
  /** National format ('090-1234-5678') when valid; otherwise null. */
  national: string | null;
  /** Coarse kind used by the CDP; pagers, 0570 (navi dial) etc. are 'unknown'. */
  kind: PhoneKind;
  /** libphonenumber's own type ('MOBILE', 'UAN', …) for finer decisions. */
  type: string | null;
  /** ISO region of the number ('JP') when known. */
  country: string | null;
  /** Only the digits of the input after NFKC (fallback key for invalid numbers). */
  digits: string;
  valid: boolean;
  /** Dummy number typed to get past a required field (000-0000-0000, 1111111111 …). */
  placeholder: boolean;
  reason: PhoneInvalidReason | null;
  /** Extension (内線) if one was given. */
  extension: string | null;
}

const HYPHEN_OR_LONG = new RegExp(`[${HYPHEN_CHARS.replace('-', '\\-')}ー〜~]`, 'gu');

/**
 * Clean typed input: full-width → ASCII, every dash (incl. ー typed by IMEs)
 * → '-', labels such as 'TEL:' / '電話' / '携帯' / '(代表)' dropped,
 * '内線' rewritten to ' ext. ' so libphonenumber keeps the extension, and a
 * leading 00 / 010 international prefix rewritten to '+' (0081-3-… → +81-3-…).
 */
function clean(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(HYPHEN_OR_LONG, '-')
    .replace(/(?:tel|phone|fax|mobile|電話番号|電話|携帯電話|携帯|固定)\s*[:.]?/giu, ' ')
    .replace(/[(]\s*(?:代表?|直通)\s*[)]/gu, ' ')
    .replace(/(?:内線|ext\.?|x)\s*(\d+)\s*$/iu, ' ext. $1')
    .trim()
    // International call prefixes typed instead of '+': 00 (most countries), 010 (from JP).
    .replace(/^(?:00|010)-?(?=[1-9])/u, '+');
}

/**
 * Placeholder heuristics, applied to the digits (national form, leading 0):
 *  - every digit the same: 0000, 1111111111, 000-0000-0000;
 *  - eight or more trailing zeros: 090-0000-0000, 03-0000-0000;
 *  - subscriber part 1234-5678 (090-1234-5678, 03-1234-5678: the textbook
 *    example numbers), or the whole input being a run of ≥ 8 consecutive
 *    digits (0123456789, 1234567890, 9876543210).
 * Deliberately NOT flagged: vanity numbers such as 0120-111-111.
 */
export function isPlaceholderPhone(raw: string): boolean {
  const s = clean(raw);
  let d = s.replace(/\s*ext\.\s*\d+$/u, '').replace(/\D/gu, '');
  if (d.startsWith('81') && s.startsWith('+')) d = `0${d.slice(2)}`; // +81 90… → 090…
  if (d.length === 0) return false;
  if (/^(\d)\1*$/u.test(d)) return true;
  if (/0{8,}$/u.test(d)) return true;
  if (/(?:12345678|87654321)$/u.test(d)) return true;
  return d.length >= 8 && ('01234567890'.includes(d) || '09876543210'.includes(d));
}

const KIND: Readonly<Record<string, PhoneKind>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed',
  TOLL_FREE: 'toll_free',
  VOIP: 'ip',
};

/**
 * Normalise a phone number. Never throws. Accepts full-width digits, any
 * dash, parentheses, spaces, '+81', labels like 'TEL：'.
 *
 * @example normalizePhone('０９０ー１２３４ー９８７６')
 *   // => { e164: '+819012349876', national: '090-1234-9876', kind: 'mobile', valid: true, … }
 * @example normalizePhone('(03)3210-9876').kind // => 'fixed'
 * @example normalizePhone('+81 50-3123-4567').kind // => 'ip'
 * @example normalizePhone('000-0000-0000') // => { valid: false, placeholder: true, reason: 'placeholder', … }
 */
export function normalizePhone(raw: string, defaultCountry: CountryCode = 'JP'): NormalizedPhone {
  return defaultCountry === 'JP' ? normalizePhoneJp(raw) : parsePhone(raw, defaultCountry);
}

const normalizePhoneJp = memoize((raw: string) => parsePhone(raw, 'JP'));

function parsePhone(raw: string, defaultCountry: CountryCode): NormalizedPhone {
  const s = clean(raw);
  const digits = s.replace(/\s*ext\.\s*\d+$/u, '').replace(/\D/gu, '');
  const placeholder = isPlaceholderPhone(raw);
  const base: NormalizedPhone = {
    e164: null,
    national: null,
    kind: 'unknown',
    type: null,
    country: null,
    digits,
    valid: false,
    placeholder,
    reason: null,
    extension: null,
  };
  if (digits.length === 0) return { ...base, reason: 'empty' };
  if (placeholder) return { ...base, reason: 'placeholder' };
  if (digits.length < 6) return { ...base, reason: 'too_short' };
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(s, { defaultCountry, extract: true });
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) return { ...base, reason: 'unparseable' };
  const type = parsed.getType() ?? null;
  const extension = parsed.ext ?? null;
  if (!parsed.isValid()) {
    return { ...base, type, country: parsed.country ?? null, extension, reason: 'invalid_number' };
  }
  return {
    ...base,
    e164: parsed.number,
    national: parsed.formatNational({ formatExtension: (formatted) => formatted }),
    kind: (type !== null && KIND[type]) || 'unknown',
    type,
    country: parsed.country ?? null,
    valid: true,
    extension,
  };
}
