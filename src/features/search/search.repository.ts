import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import { buildSearchDocument, type SearchFields } from '../../domain/search/document.ts';
import { planSearch, type SearchCondition, type SearchTierName } from '../../domain/search/plan.ts';

export interface SearchHit { id: string; tier: SearchTierName }
export interface SearchResult { hits: SearchHit[]; hasMore: boolean }

/** The search columns of a customer row; call on every insert/update of the fields in SearchFields. */
export function searchDocumentColumns(fields: SearchFields): { search_text: string; search_grams: string[]; sort_key: string } {
  const doc = buildSearchDocument(fields);
  return { search_text: doc.searchText, search_grams: doc.searchGrams, sort_key: doc.sortKey };
}

/** `search_grams @> grams AND search_text LIKE ALL (likes)`; the @> is what the GIN index answers. */
function conditionSql(c: SearchCondition): RawBuilder<unknown> {
  const grams = sql`search_grams @> ${c.grams}::text[]`;
  if (c.likes.length === 0) return grams;
  return sql`(${grams} AND search_text LIKE ALL (${c.likes}::text[]))`;
}

/**
 * Ranked customer ids for what a person typed in the search box (see planSearch): exact matches first,
 * then prefix, then contains. Tiers run one after another, each a GIN lookup bounded by LIMIT, and stop as
 * soon as offset + limit + 1 ids are found, so a query matching half the table costs the same as a rare one:
 * nothing is ever sorted or counted. Within a tier, rows come in physical (heap) order.
 * Soft-deleted customers are never returned.
 */
export async function searchCustomerIds(
  db: Db,
  query: string,
  opts: { limit: number; offset?: number },
): Promise<SearchResult> {
  const limit = Math.max(0, Math.floor(opts.limit));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const wanted = offset + limit + 1;
  const plan = planSearch(query);
  const hits: SearchHit[] = [];
  for (const tier of plan.tiers) {
    const remaining = wanted - hits.length;
    if (remaining <= 0) break;
    const exclusions = tier.exclude.map((c) => sql` AND NOT ${conditionSql(c)}`);
    const rows = await sql<{ id: string }>`
      SELECT id FROM customers
      WHERE ${conditionSql(tier.match)}${sql.join(exclusions, sql``)} AND deleted_at IS NULL
      LIMIT ${remaining}`.execute(db);
    for (const r of rows.rows) hits.push({ id: r.id, tier: tier.tier });
  }
  return { hits: hits.slice(offset, offset + limit), hasMore: hits.length > offset + limit };
}
