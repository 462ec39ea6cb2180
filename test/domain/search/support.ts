/** Evaluates search plans against documents in memory, with the same semantics as the SQL in search.repository. */
import type { SearchDocument } from '../../../src/domain/search/document.ts';
import { FIELD_SEPARATOR, NO_PREFIX_SEPARATOR } from '../../../src/domain/search/grams.ts';
import { PERSONAL_VALUES, type SearchCondition, type SearchPlan, type SearchTierName } from '../../../src/domain/search/plan.ts';

/** PostgreSQL LIKE with the default escape character (backslash), as a RegExp over code points. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i + 1 < chars.length) re += escapeRe(chars[++i]!);
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/gu, '\\$&');
}

/** The text a condition's LIKEs are matched against: regexp_replace / replace as search.repository sends them. */
export function recheckText(doc: SearchDocument, c: SearchCondition): string {
  if (c.text === 'public') return doc.searchText.replace(new RegExp(PERSONAL_VALUES, 'gu'), '');
  if (c.text === 'whole') return doc.searchText.replaceAll(NO_PREFIX_SEPARATOR, FIELD_SEPARATOR);
  return doc.searchText;
}

export function satisfies(doc: SearchDocument, c: SearchCondition): boolean {
  const grams = new Set(doc.searchGrams);
  const text = recheckText(doc, c);
  return c.grams.every((g) => grams.has(g)) && c.likes.every((l) => likeToRegExp(l).test(text));
}

/** The best tier of `plan` that `doc` matches, or null: what searchCustomerIds would report for this row. */
export function bestTier(doc: SearchDocument, plan: SearchPlan): SearchTierName | null {
  for (const t of plan.tiers) if (satisfies(doc, t.match)) return t.tier;
  return null;
}
