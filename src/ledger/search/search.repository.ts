import { sql, type RawBuilder } from 'kysely';
import { describeError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { buildSearchDocument, type SearchFields } from '../../domain/search/document.ts';
import { FIELD_SEPARATOR, NO_PREFIX_SEPARATOR } from '../../domain/search/grams.ts';
import {
  PERSONAL_VALUES, conditionOf, planSearch, selectGrams, type SearchCondition, type SearchOptions, type SearchTierName,
} from '../../domain/search/plan.ts';

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
  return sql`(${grams} AND ${recheckSql(c)})`;
}

/** The LIKE rechecks, against the text the condition names (see SearchCondition). */
function recheckSql(c: SearchCondition): RawBuilder<unknown> {
  const text = c.text === 'public' ? sql`regexp_replace(search_text, ${PERSONAL_VALUES}, '', 'g')`
    : c.text === 'whole' ? sql`replace(search_text, ${NO_PREFIX_SEPARATOR}, ${FIELD_SEPARATOR})`
    : sql`search_text`;
  return sql`${text} LIKE ALL (${c.likes}::text[])`;
}

/** How long the gram frequencies read from pg_stats are reused (they change only with ANALYZE); "none yet": 30 s. */
const GRAM_STATS_TTL_MS = 5 * 60_000;
const NO_GRAM_STATS_TTL_MS = 30_000;
const gramStats = new WeakMap<Db, { at: number; ttl: number; frequencies: Promise<Map<string, number> | null> }>();

/** Forget the cached gram statistics of `db` (call after ANALYZE customers, e.g. at the end of a bulk import). */
export function forgetSearchStatistics(db: Db): void {
  gramStats.delete(db);
}

/**
 * The most common grams and the fraction of rows having each, from the statistics ANALYZE keeps for
 * customers.search_grams (about the 1,000 most common; a gram not listed is rarer than all of them).
 * Null before the first ANALYZE.
 */
function gramFrequencies(db: Db): Promise<Map<string, number> | null> {
  const cached = gramStats.get(db);
  if (cached && Date.now() - cached.at < cached.ttl) return cached.frequencies;
  const frequencies = sql<{ elems: string[] | null; freqs: number[] | null }>`
    SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'customers' AND attname = 'search_grams'`
    .execute(db)
    .then((r) => {
      const row = r.rows[0];
      if (!row?.elems || !row.freqs) return null;
      const map = new Map<string, number>();
      row.elems.forEach((g, i) => map.set(g, Number(row.freqs![i])));
      return map;
    })
    .catch((error: unknown) => {
      // Searches still work without the statistics, only less well planned; asked again in NO_GRAM_STATS_TTL_MS.
      console.error(`search: could not read the gram statistics, planning without them: ${describeError(error)}`);
      return null;
    });
  const entry = { at: Date.now(), ttl: GRAM_STATS_TTL_MS, frequencies };
  gramStats.set(db, entry);
  void frequencies.then((f) => { if (f === null) entry.ttl = NO_GRAM_STATS_TTL_MS; });
  return frequencies;
}

/** A tier's lookup: its condition with the grams actually looked up, and how common the rarest of them is. */
export interface TierLookup {
  tier: SearchTierName;
  match: SearchCondition;
  /** Fraction of rows having the rarest looked-up gram (0 when unknown or rare): an upper bound of the tier's density. */
  density: number;
}

/**
 * The tiers of planSearch(query) with the grams actually looked up: the rarest few by the table's statistics
 * (selectGrams), the rest left to LIKE rechecks. What searchCustomerIds runs; exported for EXPLAIN in the benchmark.
 */
export async function searchTiers(db: Db, query: string, options: SearchOptions): Promise<TierLookup[]> {
  const plan = planSearch(query, options);
  if (plan.tiers.length === 0) return [];
  // Inside a caller's transaction `db` is a fresh object each time: no cache to key on, so no statistics.
  const frequencies = db.isTransaction ? null : await gramFrequencies(db);
  return plan.tiers.map((t) => {
    if (!frequencies) return { tier: t.tier, match: t.match, density: 0 };
    const match = conditionOf(t.terms, selectGrams(t.terms, (g) => frequencies.get(g)), t.text);
    return { tier: t.tier, match, density: Math.min(...match.grams.map((g) => frequencies.get(g) ?? 0)) };
  });
}

/** A sequential probe reads at most this many rows (the first ones of the table: always in cache). */
export const PROBE_MAX_ROWS = 5000;

/**
 * A masked searcher's index lookup rechecks at most this many of the rows its grams found. Their rechecks reject the
 * rows that match only in an e-mail or a phone, which for a fragment common in addresses (gmail, a company's domain,
 * 090) is nearly every row the grams found: unbounded, such a query would visit them all. Beyond this many, such a
 * query misses matches (it never returns a wrong one).
 */
export const MASKED_LOOKUP_ROWS = 5000;

/**
 * Ranked customer ids for what a person typed in the search box (see planSearch): exact matches first,
 * then prefix, then contains. Tiers run one after another, each bounded by LIMIT, and stop as soon as
 * offset + limit + 1 ids are found: nothing is ever sorted or counted. Within a tier rows come in physical
 * (heap) order, whichever way they were found, so paging by offset is stable. Soft-deleted customers are
 * never returned.
 *
 * Each tier is found one of two ways:
 *  - dense (the statistics say its rarest gram is in ≥ ~1% of rows: さ, 佐藤, gmail, 090): a sequential
 *    probe of the table's first rows, which stops at the LIMIT; a GIN lookup would first collect every
 *    matching row id (200,000 for さ: 100+ ms) to return 21 of them;
 *  - otherwise, or when the probe did not find enough (the LIKE rechecks rejected most rows): a GIN bitmap
 *    lookup of the rarest grams, forced (enable_seqscan off), because the planner, multiplying the
 *    frequencies of correlated grams, cannot tell the two cases apart and a wrong sequential scan reads
 *    the whole table.
 * A later tier only runs when the earlier ones are exhausted, so every earlier match is already in hand and
 * "not found before" is `id <> ALL (found)` over at most offset + limit ids.
 *
 * `personal`: whether the searcher sees personal data; without it, e-mails and phones match only whole (planSearch).
 */
export async function searchCustomerIds(
  db: Db,
  query: string,
  opts: { limit: number; offset?: number; personal: boolean; /** Default MASKED_LOOKUP_ROWS; tests use small bounds. */ maskedLookupRows?: number },
): Promise<SearchResult> {
  const limit = Math.max(0, Math.floor(opts.limit));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const wanted = offset + limit + 1;
  const tiers = await searchTiers(db, query, { personal: opts.personal });
  if (tiers.length === 0) return { hits: [], hasMore: false };
  const run = async (trx: Db): Promise<SearchHit[]> => {
    // For this transaction only: sequential scans start at the first block (a large table's scans are
    // otherwise "synchronized" and start where the last one stopped: different rows every time); a
    // sequential scan is never chosen where a probe was not (see above); and no JIT: a disabled scan's
    // nominal cost would trigger it, and compiling costs 100+ ms for a query that runs in 3.
    await sql`SELECT set_config('synchronize_seqscans', 'off', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`.execute(trx);
    const hits: SearchHit[] = [];
    for (const { tier, match, density } of tiers) {
      const remaining = wanted - hits.length;
      if (remaining <= 0) break;
      const found = hits.map((h) => h.id);
      // Expect ≥ 3× the rows needed among the rows probed (LIKE rechecks may reject some).
      const probeRows = density > 0 ? Math.ceil((3 * remaining) / density) : Infinity;
      let ids = probeRows <= PROBE_MAX_ROWS ? await probe(trx, match, found, remaining, probeRows) : [];
      if (ids.length < remaining) {
        // A masked lookup is bounded, so it may not reach what the probe found: it looks beyond it. (The probe found
        // every match among the first rows, so the rest come after them, in the same physical order.)
        const maskedRows = opts.maskedLookupRows ?? MASKED_LOOKUP_ROWS;
        ids = match.text === undefined
          ? await lookup(trx, match, found, remaining, maskedRows)
          : [...ids, ...await lookup(trx, match, [...found, ...ids], remaining - ids.length, maskedRows)];
      }
      for (const id of ids) hits.push({ id, tier });
    }
    return hits;
  };
  const hits = db.isTransaction ? await run(db) : await db.transaction().execute(run);
  return { hits: hits.slice(offset, offset + limit), hasMore: hits.length > offset + limit };
}

function notFound(found: string[]) {
  return found.length === 0 ? sql`` : sql` AND id <> ALL (${found}::uuid[])`;
}

/** The first `limit` matches among the table's first `rows` rows: a sequential scan (the only possible plan). */
async function probe(db: Db, match: SearchCondition, found: string[], limit: number, rows: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    SELECT id FROM (SELECT id, search_grams, search_text, deleted_at FROM customers LIMIT ${rows}) AS first_rows
    WHERE ${conditionSql(match)} AND deleted_at IS NULL${notFound(found)}
    LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * The first `limit` matches in the whole table, through the GIN index; a masked searcher's (match.text set) among the
 * first `maskedRows` rows its grams find.
 */
async function lookup(db: Db, match: SearchCondition, found: string[], limit: number, maskedRows: number): Promise<string[]> {
  if (match.text !== undefined) {
    // The LIMIT keeps the rechecks out of the inner query: it stops after that many rows whatever they reject.
    const r = await sql<{ id: string }>`
      SELECT id FROM (
        SELECT id, search_text FROM customers
        WHERE search_grams @> ${match.grams}::text[] AND deleted_at IS NULL${notFound(found)}
        LIMIT ${maskedRows}) AS candidates
      WHERE ${recheckSql(match)}
      LIMIT ${limit}`.execute(db);
    return r.rows.map((x) => x.id);
  }
  const r = await sql<{ id: string }>`
    SELECT id FROM customers
    WHERE ${conditionSql(match)} AND deleted_at IS NULL${notFound(found)}
    LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * The customers' search index (GIN over search_grams) takes new entries into a pending list and merges the list into
 * the index when it passes gin_pending_list_limit (4 MB by default). With the default, an import's chunk paid for
 * several merges inside its own insert: 1.9–2.7 s of an 8,000-customer insert that takes 0.5 s without the index.
 * A chunked import's transactions raise the limit (deferSearchIndexMerge) so the chunk's entries only go to the
 * list, and merge it after the commit (mergeSearchIndex), which on PostgreSQL runs on a connection of its own while
 * the next chunk is matched. The index answers the same either way: a search reads the pending list too.
 */
export async function deferSearchIndexMerge(db: Db): Promise<void> {
  await sql`SELECT set_config('gin_pending_list_limit', ${String(SEARCH_PENDING_LIMIT_KB)}, true)`.execute(db);
}

/** Room for a few chunks' entries (one 10k-record chunk adds ~13 MB), should a merge still be running. */
const SEARCH_PENDING_LIMIT_KB = 64 * 1024;

/** Merges the search index's pending list into the index (see deferSearchIndexMerge). */
export async function mergeSearchIndex(db: Db): Promise<void> {
  await sql`SELECT gin_clean_pending_list('customers_search_grams_idx'::regclass)`.execute(db);
}
