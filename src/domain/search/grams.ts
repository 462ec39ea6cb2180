import { foldForSearch } from '../normalize/text.ts';

/**
 * The gram scheme shared by documents (what is indexed) and plans (what is looked up).
 *
 * A folded value is cut into runs of ASCII and non-ASCII code points:
 *  - non-ASCII runs (kanji, kana, other scripts): every unigram and every bigram, so 1- and 2-character
 *    Japanese queries are answered by one exact GIN key and longer ones by the AND of their bigrams;
 *  - ASCII runs (latin, digits, e-mail): trigrams only. 1–2 character ASCII fragments would match almost
 *    everything, so they are served by the exact/prefix keys instead. Trigrams span `@` and `.` on purpose:
 *    `ai.sato` is then looked up by `ai.`, `i.s`, `.sa` too, not only by the common `sat`/`ato`.
 * Field keys (not substrings): `=value` (the whole folded field value) and `^x` / `^xy` (its first one and two
 * code points; only `^xy` when the value starts with ASCII, as one ASCII character prefixes too much).
 * A key can only coincide with an ASCII trigram that itself starts with `=` or `^` (an e-mail `a=b@…`): that
 * can only report a true substring match in a higher tier, never add a false match.
 */

export const EXACT_MARK = '=';
export const PREFIX_MARK = '^';
/** Separates field values in search_text; never present in a folded value (control characters are dropped). */
export const FIELD_SEPARATOR = '\u0001';
/** Separates a value that has no prefix keys (the phone) in search_text. Also never in a folded value. */
export const NO_PREFIX_SEPARATOR = '\u0002';

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/gu;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/u;

// Names repeat a lot (a few hundred family names cover most people), and folding is the costliest step
// of building a document, so recent folds are memoised. Bounded: cleared when full.
const FOLD_CACHE_SIZE = 20_000;
const foldCache = new Map<string, string>();

/** foldForSearch, minus control characters (so FIELD_SEPARATOR and NUL can never come from user data). */
export function foldValue(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  // Printable ASCII without spaces (e-mails, E.164 phones): foldForSearch only lowercases and drops '-'.
  // A fast path, because these values are unique per customer and would only churn the cache.
  if (PRINTABLE_ASCII.test(value)) return value.toLowerCase().replace(/-/gu, '');
  const cached = foldCache.get(value);
  if (cached !== undefined) return cached;
  const folded = foldForSearch(value.replace(CONTROL_CHARS, '')).replace(CONTROL_CHARS, '');
  if (foldCache.size >= FOLD_CACHE_SIZE) foldCache.clear();
  foldCache.set(value, folded);
  return folded;
}

/** Code points (so surrogate-pair kanji such as 𠮷 count as one character). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

export interface Run { ascii: boolean; chars: string[] }

/** Maximal runs of ASCII / non-ASCII code points. */
export function runsOf(s: string): Run[] {
  const runs: Run[] = [];
  for (const ch of s) {
    const ascii = ch.charCodeAt(0) < 0x80;
    const last = runs[runs.length - 1];
    if (last && last.ascii === ascii) last.chars.push(ch);
    else runs.push({ ascii, chars: [ch] });
  }
  return runs;
}

/** Adds the substring grams of one folded value (see the module comment) to `out`. */
export function addSubstringGrams(value: string, out: Set<string>): void {
  // One pass over code points; p1/p2 are the previous two code points of the current run ('' at a run start).
  let p1 = '';
  let p2 = '';
  let prevAscii = true;
  for (const ch of value) {
    const ascii = ch.charCodeAt(0) < 0x80;
    if (ascii !== prevAscii) {
      p1 = '';
      p2 = '';
      prevAscii = ascii;
    }
    if (ascii) {
      if (p2 !== '') out.add(p2 + p1 + ch);
    } else {
      out.add(ch);
      if (p1 !== '') out.add(p1 + ch);
    }
    p2 = p1;
    p1 = ch;
  }
}

/**
 * The fewest substring grams that every value containing `term` must have: the bigrams of non-ASCII runs
 * (the unigram for a 1-character run) and the trigrams of ASCII runs of 3 or more characters.
 * Unigrams of longer runs are implied by their bigrams, so they are left out (fewer posting lists to read).
 */
export function termGrams(term: string): string[] {
  const out = new Set<string>();
  for (const run of runsOf(term)) {
    const c = run.chars;
    if (run.ascii) {
      for (let i = 0; i + 3 <= c.length; i++) out.add(c[i]! + c[i + 1]! + c[i + 2]!);
    } else if (c.length === 1) {
      out.add(c[0]!);
    } else {
      for (let i = 0; i + 1 < c.length; i++) out.add(c[i]! + c[i + 1]!);
    }
  }
  return [...out].sort();
}

/** True when having all of termGrams(term) already proves that a value contains term (no LIKE recheck needed). */
export function gramsProveContains(term: string): boolean {
  const runs = runsOf(term);
  if (runs.length !== 1) return false;
  const run = runs[0]!;
  return run.ascii ? run.chars.length === 3 : run.chars.length <= 2;
}

const startsAscii = (s: string): boolean => s.charCodeAt(0) < 0x80;

/** `^x` (unless the value starts with ASCII) and, for values of two or more code points, `^xy`. */
export function prefixKeys(value: string): string[] {
  const c = codePoints(value);
  if (c.length === 0) return [];
  const keys = startsAscii(value) ? [] : [PREFIX_MARK + c[0]!];
  if (c.length >= 2) keys.push(PREFIX_MARK + c[0]! + c[1]!);
  return keys;
}

/** The longest prefix key a value starting with `term` has (`^x` or `^xy`), or null (a single ASCII character). */
export function termPrefixKey(term: string): string | null {
  const c = codePoints(term);
  if (c.length === 1 && startsAscii(term)) return null;
  return PREFIX_MARK + c.slice(0, 2).join('');
}

export function exactKey(value: string): string {
  return EXACT_MARK + value;
}

/** Escapes LIKE wildcards (backslash is the default LIKE escape character on both engines). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/gu, (ch) => '\\' + ch);
}
