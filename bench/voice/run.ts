/**
 * Voice-of-customer inbox benchmark (issue 24): the inbox list and its text search at 1M feedback items, through the
 * service the route calls (voice.listItems: filters, keyset cursor, tags of the page, masking), on either engine.
 *
 * The bench measures reads, so it loads generated data straight into the tables instead of receiving 1M items one by
 * one (that runs ~600 items/s, ~28 min for 1M): customers come from the shared ledger (bench/support/ledger.ts, a
 * `crm` record each, no orders or activities), then a pool of distinct comments is prepared in JavaScript with the
 * real intake functions (sentiment, language, folding and search grams, band keys, topic tag rules) and stored in a
 * scratch table, and the items are generated inside the database (INSERT … SELECT over generate_series, 100k rows a
 * statement) drawing a comment from the pool by a hash of their number. The secondary indexes of voice_items are
 * dropped for the load and rebuilt from their own definitions (pg_indexes) afterwards, as a fresh build would give.
 *
 * Cases (each --runs times, p50 / p95 in ms): the first page of the inbox (50), a deep page (the cursor after 10
 * pages), open items (status new,in_progress), negative items, a team's open items, a tag, a product, text searches
 * (a common two-character word, a rarer phrase, a word no comment has).
 *
 *   npx tsx bench/voice/run.ts [--items 1000000] [--customers 100000] [--pool 20000] [--runs 30] [--engine pglite|postgres|both]
 *                              [--keep-pglite DIR] [--keep-postgres SCHEMA]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { AuthContext } from '../../src/core/context.ts';
import type { Db, Engine } from '../../src/db/database.ts';
import { addSubstringGrams, foldValue } from '../../src/domain/search/grams.ts';
import { applyTagRules, DEFAULT_TOPIC_RULES, detectLanguage, scoreSentiment, textBands } from '../../src/domain/voice/index.ts';
import { listItems } from '../../src/use/voice/voice.service.ts';
import type { VoiceListFilter } from '../../src/use/voice/voice.schemas.ts';
import { argValue, engineArg, log, openBenchDb, percentile, secs, timed } from '../support/harness.ts';
import { h, load, uid } from '../support/ledger.ts';

interface Args { items: number; customers: number; pool: number; runs: number; engines: Engine[]; keepPglite: string | null; keepPostgres: string | null }

const argv = process.argv.slice(2);
const args: Args = {
  items: Number(argValue(argv, 'items') ?? 1_000_000),
  customers: Number(argValue(argv, 'customers') ?? 100_000),
  pool: Number(argValue(argv, 'pool') ?? 20_000),
  runs: Number(argValue(argv, 'runs') ?? 30),
  engines: engineArg(argv),
  keepPglite: argValue(argv, 'keep-pglite') ?? null,
  keepPostgres: argValue(argv, 'keep-postgres') ?? null,
};

const CHUNK = 100_000;
const TEAMS = ['品質保証チーム', 'カスタマーサポート', '営業企画'];
const SKUS = 40;
const load1 = () => os.loadavg()[0]!.toFixed(1);

// ── the comment pool ──

const fixture = fileURLToPath(new URL('../../test/fixtures/voice/sentiment-ja.tsv', import.meta.url));
const sentences = readFileSync(fixture, 'utf8').split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[1]!);

interface PoolRow { k: number; text: string; searchText: string; grams: string[]; bands: string[]; sentiment: string; score: number; language: string; tags: string[] }

/** `size` distinct comments of two sentences of the labelled set (pairs in a fixed shuffled order). */
function commentPool(size: number): PoolRow[] {
  const rows: PoolRow[] = [];
  const n = sentences.length;
  for (let k = 0; k < size; k += 1) {
    const a = (k * 7919) % n;
    const b = (a + 1 + Math.floor(k / n)) % n;
    const text = `${sentences[a]}${sentences[b === a ? (b + 1) % n : b]}`;
    const scored = scoreSentiment(text);
    const searchText = foldValue(text);
    const grams = new Set<string>();
    addSubstringGrams(searchText, grams);
    const tags = [...new Set(applyTagRules({ text, formId: null, productSkus: [], channel: 'import' }, DEFAULT_TOPIC_RULES).map((m) => m.tag))];
    rows.push({ k, text, searchText, grams: [...grams], bands: textBands(text), sentiment: scored.label, score: scored.score, language: detectLanguage(text), tags });
  }
  return rows;
}

async function loadPool(db: Db, pool: PoolRow[]): Promise<void> {
  await sql`DROP TABLE IF EXISTS bench_voice_pool`.execute(db);
  await sql`CREATE TABLE bench_voice_pool (k integer PRIMARY KEY, text text, search_text text, search_grams text[], bands text[],
    sentiment text, sentiment_score double precision, language text, tags text[])`.execute(db);
  for (let i = 0; i < pool.length; i += 500) {
    const part = pool.slice(i, i + 500);
    await sql`INSERT INTO bench_voice_pool VALUES ${sql.join(part.map((p) => sql`(${p.k}, ${p.text}, ${p.searchText}, ${p.grams}::text[], ${p.bands}::text[], ${p.sentiment}, ${p.score}, ${p.language}, ${p.tags}::text[])`))}`.execute(db);
  }
}

// ── the items ──

async function loadItems(db: Db, engine: Engine): Promise<void> {
  const crm = (await sql<{ id: string }>`SELECT id FROM sources WHERE name = 'crm'`.execute(db)).rows[0]!.id;
  await sql`INSERT INTO voice_teams (name) SELECT unnest(${TEAMS}::text[]) ON CONFLICT DO NOTHING`.execute(db);
  const teams = (await sql<{ id: string }>`SELECT id FROM voice_teams ORDER BY name`.execute(db)).rows.map((r) => r.id);
  // Secondary indexes off for the load, rebuilt below from their own definitions.
  const indexes = (await sql<{ indexname: string; indexdef: string }>`SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename IN ('voice_items', 'voice_item_tags') AND schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexdef NOT LIKE '%UNIQUE%'`.execute(db)).rows;
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.indexname)}`.execute(db);
  const n = args.items;
  const pool = args.pool;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK) - 1;
    // Item i arrives at now − (1 − i/n)·730 days (older first); its customer is skewed (a few write often).
    await sql`INSERT INTO voice_items (id, source_record_id, channel, received_at, dedupe_key, subject, text, sender, score, score_kind, score_max,
        product_skus, language, sentiment, sentiment_score, status, team_id, search_text, search_grams, bands, created_at, updated_at, done_at)
      SELECT ${uid('v', 'g.i')}, sr.id, g.channel, g.at, 'bench:' || g.i, CASE WHEN g.channel = 'email' THEN 'お問い合わせ' END, p.text,
             CASE WHEN g.channel = 'email' THEN 'u' || g.c || '@example.jp' END,
             CASE WHEN g.channel = 'import' THEN g.i % 11 END, CASE WHEN g.channel = 'import' THEN 'nps' END, CASE WHEN g.channel = 'import' THEN 10 END,
             CASE WHEN g.i % 5 < 2 THEN ARRAY['SKU-' || lpad((g.i % ${SKUS})::text, 5, '0')] ELSE '{}'::text[] END,
             p.language, p.sentiment, p.sentiment_score, g.status,
             CASE WHEN g.i % 4 = 0 THEN NULL ELSE (${sql`${teams}::uuid[]`})[1 + g.i % ${teams.length}] END,
             p.search_text, p.search_grams, p.bands, g.at, g.at, CASE WHEN g.status = 'done' THEN g.at + interval '2 days' END
      FROM (SELECT i, now() - (1 - (i + 0.5) / ${n}::float8) * interval '730 days' AS at,
                   floor(${args.customers}::float8 * power(${sql.raw(`(${h('i', 31)} + 0.5) / 1000003.0`)}, 1.5))::int AS c,
                   (ARRAY['form', 'email', 'import', 'note', 'api'])[1 + ${sql.raw(h('i', 32))} % 5] AS channel,
                   CASE WHEN i >= ${n - Math.max(1, Math.round(n * 0.02))}::int THEN 'new'
                        WHEN i >= ${n - Math.max(1, Math.round(n * 0.05))}::int THEN 'in_progress'
                        WHEN ${sql.raw(h('i', 33))} % 100 < 2 THEN 'new' ELSE 'done' END AS status
            FROM generate_series(${from}::int, ${to}::int) AS i) g
      JOIN bench_voice_pool p ON p.k = ${sql.raw(h('g.i', 34))} % ${pool}::int
      JOIN source_records sr ON sr.source_id = ${crm}::uuid AND sr.external_id = 'C' || g.c`.execute(db);
    await sql`INSERT INTO voice_item_tags (item_id, tag, origin, created_at)
      SELECT ${uid('v', 'g.i')}, t.tag, 'rule', now()
      FROM generate_series(${from}::int, ${to}::int) AS g(i)
      JOIN bench_voice_pool p ON p.k = ${sql.raw(h('g.i', 34))} % ${pool}::int
      CROSS JOIN LATERAL unnest(p.tags) AS t(tag)`.execute(db);
    log(`  ${(to + 1).toLocaleString('en')} items (load ${load1()})`);
  }
  const [ms] = await timed(async () => {
    if (engine === 'postgres') await sql`SET maintenance_work_mem = '512MB'`.execute(db);
    for (const ix of indexes) await sql.raw(ix.indexdef).execute(db);
  });
  log(`  ${indexes.length} indexes rebuilt in ${secs(ms)}`);
  await sql`DROP TABLE bench_voice_pool`.execute(db);
  for (const table of ['voice_items', 'voice_item_tags', 'voice_teams']) await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
}

// ── the cases ──

const f = (q: Partial<VoiceListFilter>): VoiceListFilter => ({ status: undefined, ...q });
const AUTH: AuthContext = { userId: '00000000-0000-4000-8000-000000000001', email: 'bench@bench.daicho.dev', displayName: 'bench', role: 'admin', via: 'api_key', apiKeyId: null, csrfToken: null };

async function cases(db: Db): Promise<Array<[string, VoiceListFilter | (() => Promise<VoiceListFilter>)]>> {
  const team = (await sql<{ id: string }>`SELECT id FROM voice_teams WHERE name = ${TEAMS[0]!}`.execute(db)).rows[0]!.id;
  let deep: string | null = null;
  const deepCursor = async (): Promise<VoiceListFilter> => {
    if (deep === null) {
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) cursor = (await listItems(db, f({ limit: 50, ...(cursor ? { cursor } : {}) }), AUTH)).nextCursor ?? undefined;
      deep = cursor ?? '';
    }
    return f({ limit: 50, cursor: deep });
  };
  return [
    ['inbox, first page', f({ limit: 50 })],
    ['inbox, page 11 (cursor)', deepCursor],
    ['open (new, in progress)', f({ limit: 50, status: ['new', 'in_progress'] })],
    ['negative', f({ limit: 50, sentiment: 'negative' })],
    ['a team\'s open items', f({ limit: 50, teamId: team, status: ['new', 'in_progress'] })],
    ['tag 配送', f({ limit: 50, tag: '配送' })],
    ['product SKU-00006', f({ limit: 50, product: 'SKU-00006' })],
    ['search 「届い」', f({ limit: 50, q: '届い' })],
    ['search 「吸引力が落ち」', f({ limit: 50, q: '吸引力が落ち' })],
    ['search 「返金保証書」 (no match)', f({ limit: 50, q: '返金保証書' })],
    ['search 「配送」 + negative + open', f({ limit: 50, q: '配送', sentiment: 'negative', status: ['new', 'in_progress'] })],
  ];
}

async function runEngine(engine: Engine): Promise<Array<{ name: string; p50: number; p95: number; rows: number }>> {
  const bench = await openBenchDb(engine, { keepPglite: args.keepPglite, keepPostgres: args.keepPostgres, loadedTable: 'voice_items' });
  const db = bench.handle.db;
  try {
    if (!bench.loaded) {
      const [ledgerMs] = await timed(() => load(bench.handle, { customers: args.customers, activities: 0, orders: 0 }));
      log(`${engine}: ${args.customers.toLocaleString('en')} customers in ${secs(ledgerMs)}`);
      const [poolMs, pool] = await timed(async () => commentPool(args.pool));
      await loadPool(db, pool);
      log(`${engine}: pool of ${pool.length.toLocaleString('en')} comments prepared in ${secs(poolMs)}`);
      const [ms] = await timed(() => loadItems(db, engine));
      log(`${engine}: ${args.items.toLocaleString('en')} items loaded in ${secs(ms)} (${Math.round(args.items / (ms / 1000)).toLocaleString('en')} items/s, indexes included)`);
    }
    const count = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM voice_items`.execute(db)).rows[0]!.n);
    log(`${engine}: ${count.toLocaleString('en')} items; load average ${load1()}`);
    const results: Array<{ name: string; p50: number; p95: number; rows: number }> = [];
    for (const [name, filter] of await cases(db)) {
      const q = typeof filter === 'function' ? await filter() : filter;
      await listItems(db, q, AUTH); // warm
      const times: number[] = [];
      let rows = 0;
      for (let r = 0; r < args.runs; r += 1) {
        const [ms, page] = await timed(() => listItems(db, q, AUTH));
        times.push(ms);
        rows = page.items.length;
      }
      times.sort((a, b) => a - b);
      const line = { name, p50: percentile(times, 50), p95: percentile(times, 95), rows };
      results.push(line);
      log(`${engine}: ${name.padEnd(34)} p50 ${line.p50.toFixed(1).padStart(7)} ms  p95 ${line.p95.toFixed(1).padStart(7)} ms  (${rows} rows, load ${load1()})`);
    }
    return results;
  } finally {
    await bench.cleanup();
  }
}

log(`voice bench: ${args.items.toLocaleString('en')} items, ${args.customers.toLocaleString('en')} customers, ${args.runs} runs; ${os.cpus().length} cores, load ${load1()}`);
const all: Record<string, Awaited<ReturnType<typeof runEngine>>> = {};
for (const engine of args.engines) all[engine] = await runEngine(engine);
console.log('\n| case | ' + args.engines.map((e) => `${e} p50 / p95 (ms)`).join(' | ') + ' |');
console.log('|---|' + args.engines.map(() => '---|').join(''));
for (const [i, r] of (all[args.engines[0]!] ?? []).entries()) {
  console.log(`| ${r.name} | ${args.engines.map((e) => { const x = all[e]![i]!; return `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)}`; }).join(' | ')} |`);
}
console.log(`\nload average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
