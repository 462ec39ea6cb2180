/**
 * What a cell's text looks like (pure): the evidence both the header-row detection (a header is labels over data) and
 * the mapping's value-fit check (a name column holds no timestamps) read. Cells are looked at after NFKC and
 * trimming, so full-width digits and ＠ count as what they are.
 */

export type CellKind = 'blank' | 'email' | 'url' | 'date' | 'number' | 'phone' | 'postal' | 'text';

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/u;
const URL_START = /^(?:https?:\/\/|www\.)\S+$/iu;
const BARE_DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|jp|io|info|biz|co|us|uk|de|fr|cn|kr|tw)(?:\/\S*)?$/iu;

const TIME = String.raw`\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?(?:am|pm))?(?:\s?(?:z|utc|gmt|[+-]\d{2}:?\d{2}))?`;
const DATE_PATTERNS: readonly RegExp[] = [
  // 2015-03-16, 2015/3/16, 2015.03.16, 2015年3月16日, with an optional time (ISO's T too)
  new RegExp(String.raw`^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:(?:\s+|T|\s*\(.\)\s*)${TIME})?$`, 'iu'),
  // 16/03/2015, 3/16/15, 16.03.2015 (day and month in either order)
  new RegExp(String.raw`^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:\s+${TIME})?$`, 'iu'),
  // 和暦: 昭和45年1月2日, S45.1.2, H2/3/4, 令和元年5月1日
  /^(?:明治|大正|昭和|平成|令和|[MTSHR])\s?(?:\d{1,2}|元)[年./-]\d{1,2}[月./-]\d{1,2}日?$/iu,
  // March 16, 2015 · 16 Mar 2015 · 16-Mar-2015 · Mon, 16 Mar 2015 14:40:47 +0000
  new RegExp(String.raw`^(?:[a-z]{3},?\s+)?(?:\d{1,2}[-\s])?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[-\s]\d{1,4}(?:st|nd|rd|th)?,?(?:[-\s]\d{2,4})?(?:\s+${TIME})?$`, 'iu'),
  // a time alone
  new RegExp(`^${TIME}$`, 'iu'),
];
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/u;
const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$|^[+-]?\.\d+$/u;
/** Japanese 〒123-4567 (with or without 〒), US ZIP+4. Seven bare digits stay a number: they are as often an id. */
const POSTAL = /^(?:〒\s*\d{3}[-ー‐−]?\d{4}|\d{3}[-ー‐−]\d{4}|\d{5}-\d{4})$/u;
/** Digits with the separators phone numbers are written with; at least 6 digits (checked apart). */
const PHONE = /^\+?[\d\s().\-ー‐−]+(?:\s*(?:ext\.?|x|内線)\s*\d+)?$/iu;

/** NFKC and trimmed: the form a cell is judged in. */
export function cellText(value: string): string {
  return value.normalize('NFKC').trim();
}

export function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export function isDateText(text: string): boolean {
  return DATE_PATTERNS.some((p) => p.test(text));
}

/** The kind of one cell (after NFKC and trimming). Order matters: a date is not read as a phone number. */
export function cellKind(value: string): CellKind {
  const t = cellText(value);
  if (t === '') return 'blank';
  const hasAt = t.includes('@');
  if (hasAt && EMAIL.test(t)) return 'email';
  if (t.includes('.') && (URL_START.test(t) || BARE_DOMAIN.test(t))) return 'url';
  const digits = digitCount(t);
  if (digits === 0) return 'text'; // every kind below has digits (most cells of a name or address column: no regex run)
  if (isDateText(t)) return 'date';
  if (POSTAL.test(t)) return 'postal';
  if (IPV4.test(t)) return 'number'; // a sign-up's IP address (Mailchimp's OPTIN_IP): a numeric code, not a phone
  if (NUMBER.test(t)) {
    // 0862775651, 09012345678: a Japanese phone number written without hyphens (a leading zero is no quantity).
    return /^0\d{9,10}$/u.test(t) ? 'phone' : 'number';
  }
  if (PHONE.test(t) && digits >= 6 && digits <= 15) return 'phone';
  return 'text';
}

/** Kinds that are data, never a header label. */
export function isDataKind(kind: CellKind): boolean {
  return kind !== 'blank' && kind !== 'text';
}
