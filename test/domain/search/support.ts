/** Evaluates search plans against documents in memory, with the same semantics as the SQL in search.repository. */
import type { SearchDocument } from '../../../src/domain/search/document.ts';
import type { SearchCondition, SearchPlan, SearchTierName } from '../../../src/domain/search/plan.ts';

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

export function satisfies(doc: SearchDocument, c: SearchCondition): boolean {
  const grams = new Set(doc.searchGrams);
  return c.grams.every((g) => grams.has(g)) && c.likes.every((l) => likeToRegExp(l).test(doc.searchText));
}

/** The best tier of `plan` that `doc` matches, or null: what searchCustomerIds would report for this row. */
export function bestTier(doc: SearchDocument, plan: SearchPlan): SearchTierName | null {
  for (const t of plan.tiers) if (satisfies(doc, t.match)) return t.tier;
  return null;
}
