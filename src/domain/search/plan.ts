import {
  FIELD_SEPARATOR,
  codePoints,
  escapeLike,
  exactKey,
  foldValue,
  gramsProveContains,
  termGrams,
  termPrefixKey,
} from './grams.ts';

export type SearchTierName = 'exact' | 'prefix' | 'contains';

/**
 * A row matches when its search_grams contain every gram (`search_grams @> grams`, answered by the GIN index)
 * and its search_text matches every LIKE pattern (backslash-escaped; a recheck on the few rows the index found).
 */
export interface SearchCondition {
  grams: string[];
  likes: string[];
}

export interface SearchTier {
  tier: SearchTierName;
  /** What this tier finds. `grams` is never empty, so every tier is an index lookup. */
  match: SearchCondition;
  /** The conditions of the tiers before it: a row matching any of these was already returned (tiers are disjoint). */
  exclude: SearchCondition[];
}

export interface SearchPlan {
  /** The folded, deduplicated terms (whitespace-separated in the query). */
  terms: string[];
  /** In rank order: exact, prefix, contains. Empty when the query has no terms. */
  tiers: SearchTier[];
}

/** More terms than this are ignored (each one only narrows the result further). */
export const MAX_TERMS = 8;
/** Longer terms are cut to this many code points (a longer recheck adds nothing but work). */
export const MAX_TERM_LENGTH = 64;
/** Longer queries are cut to this many UTF-16 units before anything else. */
export const MAX_QUERY_LENGTH = 256;

/** Folded text made only of digits, brackets and `+`: a phone number or a fragment of one. */
const PHONEISH = /^[+()\d]*\d[+()\d]*$/u;

/**
 * A phone fragment is searched as phones are indexed (national digits, see phoneSearchDigits):
 * brackets are dropped and an international prefix is read in national form (`+81 90-1234` → `0901234`,
 * `+1 415` → `1415`).
 */
function phoneTerm(folded: string): string {
  const digits = folded.replace(/[()]/gu, '');
  if (!digits.startsWith('+')) return digits;
  const rest = digits.replace(/\+/gu, '');
  return rest.startsWith('81') && rest.length > 2 ? '0' + rest.slice(2) : rest;
}

/**
 * Splits a query on whitespace (any width) and folds each term like document values are folded.
 * A query made only of phone-like pieces (`090 1234 5678`, `+81 (90) 1234`) is one phone term.
 * Duplicate and empty terms are dropped; at most MAX_TERMS terms of at most MAX_TERM_LENGTH code points.
 */
export function queryTerms(query: string): string[] {
  const pieces = query.slice(0, MAX_QUERY_LENGTH).split(/\s+/u).map(foldValue).filter((t) => t !== '');
  if (pieces.length === 0) return [];
  const folded = pieces.every((p) => PHONEISH.test(p)) ? [pieces.join('')] : pieces;
  const terms: string[] = [];
  for (const piece of folded) {
    const t = PHONEISH.test(piece) ? phoneTerm(piece) : codePoints(piece).slice(0, MAX_TERM_LENGTH).join('');
    if (t !== '' && !terms.includes(t)) terms.push(t);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

interface TermConditions { exact: SearchCondition; prefix: SearchCondition; contains: SearchCondition }

function termConditions(term: string): TermConditions {
  const grams = termGrams(term);
  const proven = gramsProveContains(term);
  const long = codePoints(term).length > 2;
  return {
    exact: { grams: [exactKey(term)], likes: [] },
    prefix: {
      grams: long ? [termPrefixKey(term), ...grams] : [termPrefixKey(term)],
      likes: long ? [`%${FIELD_SEPARATOR}${escapeLike(term)}%`] : [],
    },
    contains: { grams, likes: proven ? [] : [`%${escapeLike(term)}%`] },
  };
}

function and(conditions: SearchCondition[]): SearchCondition {
  const grams = new Set<string>();
  const likes = new Set<string>();
  for (const c of conditions) {
    for (const g of c.grams) grams.add(g);
    for (const l of c.likes) likes.add(l);
  }
  return { grams: [...grams].sort(), likes: [...likes].sort() };
}

/**
 * Turns what a person typed into index lookups, best matches first.
 *  - exact: every term equals a whole field value (family name, given name, full name, kana, e-mail,
 *    e-mail local part, phone digits, company…);
 *  - prefix: every term starts a field value;
 *  - contains: every term occurs in some field value. Skipped when no term has an index gram (a query
 *    made only of 1–2 character ASCII fragments would match nearly every row).
 * Each tier excludes the rows of the tiers before it, so a row is returned once, in its best tier.
 * The plan depends only on the folded query: ｻﾄｳ, サトウ and さとう plan alike.
 *
 * @example planSearch('林').tiers.map((t) => t.match.grams) // [['=林'], ['^林'], ['林']]
 */
export function planSearch(query: string): SearchPlan {
  const terms = queryTerms(query);
  if (terms.length === 0) return { terms, tiers: [] };
  const perTerm = terms.map(termConditions);
  const exact = and(perTerm.map((t) => t.exact));
  const prefix = and(perTerm.map((t) => t.prefix));
  const contains = and(perTerm.map((t) => t.contains));
  const tiers: SearchTier[] = [
    { tier: 'exact', match: exact, exclude: [] },
    { tier: 'prefix', match: prefix, exclude: [exact] },
  ];
  if (contains.grams.length > 0) tiers.push({ tier: 'contains', match: contains, exclude: [exact, prefix] });
  return { terms, tiers };
}
