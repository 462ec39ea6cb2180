import {
  FIELD_SEPARATOR,
  NO_PREFIX_SEPARATOR,
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
 * `text` narrows what the LIKEs are matched against, for searches by roles that see personal data masked:
 *  - 'public': search_text without its personal values (PERSONAL_VALUES: e-mails and the phone);
 *  - 'whole': search_text with every value between separators (the patterns then match whole values only).
 * Absent: the whole search_text.
 */
export interface SearchCondition {
  grams: string[];
  likes: string[];
  text?: RecheckText;
}

export type RecheckText = 'public' | 'whole';

/**
 * The personal values of a search_text (a POSIX regular expression; `regexp_replace(search_text, this, '', 'g')`
 * leaves the others): each value containing an @ (an e-mail; no name or company the ledger stores is an address)
 * with its separator, and the value after NO_PREFIX_SEPARATOR (the phone). Told apart by the stored form itself, so
 * documents written before it need no rewrite.
 */
export const PERSONAL_VALUES = `${FIELD_SEPARATOR}[^${FIELD_SEPARATOR}${NO_PREFIX_SEPARATOR}]*@[^${FIELD_SEPARATOR}${NO_PREFIX_SEPARATOR}]*`
  + `|${NO_PREFIX_SEPARATOR}[^${FIELD_SEPARATOR}${NO_PREFIX_SEPARATOR}]*`;

/** Whether the searcher sees personal data (customers:read_personal); without it, e-mails and phones match only whole. */
export interface SearchOptions { personal: boolean }

/**
 * What one term needs in one tier: all of `grams`, or, for grams left out of the index lookup, `like`.
 * `gramsSuffice`: the grams alone prove the match (林, 佐藤, ^佐藤, abc), so the LIKE is only needed when
 * some of them are left out. `like` null: the grams cannot be left out (exact keys).
 */
export interface TermMatch {
  grams: string[];
  like: string | null;
  gramsSuffice: boolean;
}

export interface SearchTier {
  tier: SearchTierName;
  /** Per term; a row matches the tier when it matches every term. */
  terms: TermMatch[];
  /** What the terms' LIKEs are matched against (see SearchCondition); absent: the whole search_text. */
  text?: RecheckText;
  /** The whole condition with every gram (conditionOf(terms)). `grams` is never empty: every tier is an index lookup. */
  match: SearchCondition;
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

interface TermConditions { exact: TermMatch; prefix: TermMatch; contains: TermMatch }

function termConditions(term: string, personal: boolean): TermConditions {
  const grams = termGrams(term);
  const short = codePoints(term).length <= 2;
  const prefixKey = termPrefixKey(term);
  const prefixLike = `%${FIELD_SEPARATOR}${escapeLike(term)}%`;
  if (!personal) {
    // The grams cannot tell an e-mail's or a phone's from a name's: every tier is rechecked, the exact tier against
    // whole values (the e-mail's local part has an exact key of its own, but is only a part of the e-mail).
    return {
      exact: { grams: [exactKey(term)], like: `%${FIELD_SEPARATOR}${escapeLike(term)}${FIELD_SEPARATOR}%`, gramsSuffice: false },
      prefix: { grams: prefixKey === null ? [] : short ? [prefixKey] : [prefixKey, ...grams], like: prefixLike, gramsSuffice: false },
      contains: { grams, like: `%${escapeLike(term)}%`, gramsSuffice: false },
    };
  }
  return {
    exact: { grams: [exactKey(term)], like: null, gramsSuffice: true },
    // ^x / ^xy prove a prefix of up to two characters; longer terms add their grams and a LIKE recheck.
    prefix: prefixKey === null
      ? { grams: [], like: prefixLike, gramsSuffice: false }
      : { grams: short ? [prefixKey] : [prefixKey, ...grams], like: prefixLike, gramsSuffice: short },
    contains: { grams, like: `%${escapeLike(term)}%`, gramsSuffice: gramsProveContains(term) },
  };
}

/**
 * The SQL condition of a tier: the grams to look up (all of them, or only those in `keep`) and the LIKE
 * rechecks that are then needed, deduplicated and sorted.
 */
export function conditionOf(terms: readonly TermMatch[], keep?: ReadonlySet<string>, text?: RecheckText): SearchCondition {
  const grams = new Set<string>();
  const likes = new Set<string>();
  for (const t of terms) {
    const kept = t.like === null || !keep ? t.grams : t.grams.filter((g) => keep.has(g));
    for (const g of kept) grams.add(g);
    if (t.like !== null && (!t.gramsSuffice || kept.length < t.grams.length)) likes.add(t.like);
  }
  return { grams: [...grams].sort(), likes: [...likes].sort(), ...(text ? { text } : {}) };
}

/** At most this many grams per lookup: the rarest few already narrow the rows to about the real matches. */
export const MAX_LOOKUP_GRAMS = 6;

/**
 * Which grams of a tier to look up, given how common each is (`frequency`: the fraction of rows having it,
 * undefined when unknown, i.e. rarer than every gram the statistics list): exact keys always, then the rarest
 * up to MAX_LOOKUP_GRAMS. Grams left out are covered by their term's LIKE recheck (conditionOf adds it).
 * A GIN AND costs about the rarest posting list times the number of grams, so a long term (さとうはなこ,
 * hanako.sato@example) gains nothing from its 7th or 15th gram.
 */
export function selectGrams(
  terms: readonly TermMatch[],
  frequency: (gram: string) => number | undefined,
  max = MAX_LOOKUP_GRAMS,
): Set<string> {
  const keep = new Set<string>();
  const optional = new Set<string>();
  for (const t of terms) for (const g of t.grams) (t.like === null ? keep : optional).add(g);
  const byRarity = [...optional].filter((g) => !keep.has(g)).map((g) => ({ g, f: frequency(g) ?? 0 }))
    .sort((a, b) => a.f - b.f || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0));
  for (const { g } of byRarity) if (keep.size < Math.max(1, max)) keep.add(g);
  return keep;
}

/**
 * Turns what a person typed into index lookups, best matches first.
 *  - exact: every term equals a whole field value (family name, given name, full name, kana, e-mail,
 *    e-mail local part, phone digits, company…);
 *  - prefix: every term starts a field value;
 *  - contains: every term occurs in some field value. Skipped when no term has an index gram (a query
 *    made only of 1–2 character ASCII fragments would match nearly every row).
 * A row found by several tiers is reported in the first; the repository skips ids already found.
 * The plan depends only on the folded query: ｻﾄｳ, サトウ and さとう plan alike.
 *
 * Without `personal` (a role that sees e-mails and phones masked), a prefix or a fragment matches names, フリガナ and
 * companies only, and an e-mail or a phone matches only as a whole (the whole address, the whole number): what is
 * masked cannot be read back one character at a time. The grams are the same; the rechecks say where they matched.
 *
 * @example planSearch('林').tiers.map((t) => t.match.grams) // [['=林'], ['^林'], ['林']]
 */
export function planSearch(query: string, options: SearchOptions = { personal: true }): SearchPlan {
  const terms = queryTerms(query);
  if (terms.length === 0) return { terms, tiers: [] };
  const perTerm = terms.map((t) => termConditions(t, options.personal));
  const tiers: SearchTier[] = [];
  for (const tier of ['exact', 'prefix', 'contains'] as const) {
    const termMatches = perTerm.map((t) => t[tier]);
    const text = options.personal ? undefined : tier === 'exact' ? 'whole' : 'public';
    const match = conditionOf(termMatches, undefined, text);
    // A tier needs at least one index gram: a lone 1-character ASCII term has no prefix key, and 1–2 character
    // ASCII fragments have no substring gram; those only narrow tiers other terms drive.
    if (match.grams.length > 0) tiers.push({ tier, terms: termMatches, match, ...(text ? { text } : {}) });
  }
  return { terms, tiers };
}
