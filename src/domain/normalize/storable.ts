/**
 * Text PostgreSQL cannot store. A UTF-8 database holds every Unicode character but U+0000 (text refuses it, and
 * jsonb refuses its `\u0000` escape), and JSON.stringify writes a lone UTF-16 surrogate as a `\udXXX` escape that
 * jsonb refuses too (in a text parameter the drivers turn it into U+FFFD). Such a value must be stopped at the door:
 * stored in a `json` column it waits there and breaks the first statement that converts it to text.
 *
 * Each door decides what to do with it (docs/SECURITY.md, "Input doors"): the API refuses the request with the value's path, a file
 * import and the prepared record strip it and flag the value.
 */

/** NUL, and a surrogate that is not half of a pair (in `u` mode a pair is one code point and never matches). */
const UNSTORABLE_RE = /[\u0000\uD800-\uDFFF]/gu;
const UNSTORABLE_TEST = /[\u0000\uD800-\uDFFF]/u;

/** Whether `s` holds a character PostgreSQL text cannot store. */
export function hasUnstorable(s: string): boolean {
  return UNSTORABLE_TEST.test(s);
}

/** `s` without the characters PostgreSQL text cannot store (NUL and lone surrogates are dropped). */
export function stripUnstorable(s: string): string {
  return hasUnstorable(s) ? s.replace(UNSTORABLE_RE, '') : s;
}

/**
 * The path of the first string (or object key) in a parsed JSON value that holds a character PostgreSQL cannot
 * store, or null. Paths are written like zod's: `traits.name`, `items.2.sku`.
 */
export function findUnstorable(value: unknown, path: readonly (string | number)[] = []): string | null {
  if (typeof value === 'string') return hasUnstorable(value) ? pathText(path) : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (hasUnstorable(key)) return pathText([...path, key]);
      const found = findUnstorable(inner, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/** A copy of a parsed JSON value with every string and key stripped of what PostgreSQL cannot store. */
export function stripUnstorableDeep<T>(value: T): T {
  if (typeof value === 'string') return stripUnstorable(value) as T;
  if (Array.isArray(value)) return value.map((v) => stripUnstorableDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripUnstorable(k), stripUnstorableDeep(v)])) as T;
  }
  return value;
}

function pathText(path: readonly (string | number)[]): string {
  // The path is shown to the caller: the offending character itself is written as its escape.
  const shown = (segment: string | number) => String(segment).replace(UNSTORABLE_RE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return path.length === 0 ? '(body)' : path.map(shown).join('.');
}
