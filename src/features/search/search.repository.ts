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
 * soon as offset + limit + 1 ids are found, so a query matching half the table costs about the same as a
 * rare one: nothing is ever sorted or counted. Within a tier, rows come in physical (heap) order.
 * Soft-deleted customers are never returned.
 *
 * A later tier only runs when the earlier ones are exhausted, so every earlier match is already in hand and
 * "not found before" is `id <> ALL (found)` over at most offset + limit ids. (Filtering with NOT <earlier
 * tier's condition> instead would make the prefix tier of 佐藤 read and discard every exact 佐藤 first.)
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
  if (plan.tiers.length === 0) return { hits: [], hasMore: false };
  const run = async (trx: Db): Promise<SearchHit[]> => {
    // For a dense gram (さ, ^佐, 090) the planner rightly prefers a sequential scan that stops after `remaining`
    // rows over building a bitmap of 100k+ row ids. But a large table's sequential scans are "synchronized": they
    // start where the last one stopped, so the same query would return different rows each time and paging by
    // offset would skip or repeat rows. Turning that off (for this transaction only) keeps results stable.
    await sql`SET LOCAL synchronize_seqscans = off`.execute(trx);
    const hits: SearchHit[] = [];
    for (const tier of plan.tiers) {
      const remaining = wanted - hits.length;
      if (remaining <= 0) break;
      const notFound = hits.length === 0 ? sql`` : sql` AND id <> ALL (${hits.map((h) => h.id)}::uuid[])`;
      const rows = await sql<{ id: string }>`
        SELECT id FROM customers
        WHERE ${conditionSql(tier.match)} AND deleted_at IS NULL${notFound}
        LIMIT ${remaining}`.execute(trx);
      for (const r of rows.rows) hits.push({ id: r.id, tier: tier.tier });
    }
    return hits;
  };
  const hits = db.isTransaction ? await run(db) : await db.transaction().execute(run);
  return { hits: hits.slice(offset, offset + limit), hasMore: hits.length > offset + limit };
}
