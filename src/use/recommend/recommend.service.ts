import type { Db } from '../../db/database.ts';
import type { Actor, AuthContext } from '../../core/context.ts';
import { audit, exportTracker } from '../../platform/audit/audit.service.ts';
import { AppError } from '../../core/errors.ts';
import { decodeCursor, encodeCursor, cursorUuid, invalidCursor } from '../../core/cursor.ts';
import {
  AffinityBuilder, candidatesFor, mineRules, modelFromRows, modelRows, type AffinityModel, type Candidate as DomainCandidate,
  type CatalogEntry, type HistoryEntry, type Reason, reasonText,
} from '../../domain/recommend/index.ts';
import { listCustomersByIds } from '../../ledger/customers/customers.service.ts';
import { todayInJapan } from '../../ledger/values/values.service.ts';
import { enqueueJob } from '../../platform/jobs/jobs.service.ts';
import * as repo from './recommend.repository.ts';
import type { Candidate, CustomerCandidates, ProductAffinity, ProductCandidateCustomers, Run } from './recommend.schemas.ts';

/**
 * Cross-sell and up-sell (issue 22). A run walks every buyer twice, a page of customers at a time (memory bounded by
 * the catalogue and one page, not by the ledger):
 *   1. model: each buyer's products feed the item-affinity builder (who bought what with what, src/domain/recommend),
 *      each order's products the basket rules; both are stored (product_affinities, product_rules);
 *   2. candidates: each buyer's ranked candidates with their reasons are written (customer_candidates, rows of this
 *      run), for the product lists and the segment condition 「商品 X の提案対象」; readers switch to them when the
 *      run is marked done.
 * One customer's list on the customer page is computed on demand from the stored model, so it already counts an
 * order placed since the run. The same two passes without storing give the audit export (CLI `recommend export`).
 */

const PAGE = 2000;
const DEFAULT_K = 10;
const NEIGHBOURS = 50;
const MIN_CO_CUSTOMERS = 3;
/** Basket rules kept: support ≥ 0.1% of orders (and ≥ 10 orders), confidence ≥ 10%, 2–4 products. */
const RULES = { minSupport: 0.001, minBaskets: 10, minConfidence: 0.1, minLength: 2, maxLength: 4, keep: 5000 } as const;
/** A run whose process stopped beating this long ago is failed and may be redone. */
const STALE_MS = 10 * 60_000;

// ── catalogue: products as the domain's integer ids ──

interface Catalogue {
  rows: repo.CatalogueRow[];
  entries: CatalogEntry[];
  indexOf: Map<string, number>;
}

function catalogueOf(rows: repo.CatalogueRow[]): Catalogue {
  return {
    rows,
    entries: rows.map((r, i) => ({ id: i, category: r.category, price: r.price, active: r.active })),
    indexOf: new Map(rows.map((r, i) => [r.id, i])),
  };
}

/** A page's purchase lines → each buyer's history (most recent first, highest price paid) and each order's basket. */
function historiesAndBaskets(lines: readonly repo.PurchaseLine[], cat: Catalogue) {
  const histories = new Map<string, HistoryEntry[]>();
  const baskets = new Map<string, number[]>();
  const seen = new Map<string, Map<number, HistoryEntry>>();
  for (const line of lines) {
    const index = cat.indexOf.get(line.product_id);
    if (index === undefined) continue;
    let basket = baskets.get(line.order_id);
    if (!basket) baskets.set(line.order_id, (basket = []));
    basket.push(index);
    let bought = seen.get(line.customer_id);
    if (!bought) seen.set(line.customer_id, (bought = new Map()));
    const at = new Date(line.ordered_at).toISOString();
    const price = line.unit_price === null ? null : Number(line.unit_price);
    const entry = bought.get(index);
    if (!entry) bought.set(index, { productId: index, lastBoughtAt: at, price });
    else {
      if (at > (entry.lastBoughtAt ?? '')) entry.lastBoughtAt = at;
      if (price !== null && (entry.price === null || entry.price === undefined || price > Number(entry.price))) entry.price = price;
    }
  }
  for (const [customer, bought] of seen) {
    histories.set(customer, [...bought.values()].sort((a, b) => (b.lastBoughtAt ?? '').localeCompare(a.lastBoughtAt ?? '') || a.productId - b.productId));
  }
  return { histories, baskets: [...baskets.values()] };
}

/** Every live customer, a page at a time, with what the page's buyers bought (as of a date). */
async function walkBuyers(db: Db, asOf: string | null, cat: Catalogue, onPage: (page: {
  customerIds: string[]; histories: Map<string, HistoryEntry[]>; baskets: number[][];
}) => Promise<void>): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const customerIds = await repo.customerIdPage(db, after, PAGE);
    if (customerIds.length === 0) return;
    const { histories, baskets } = historiesAndBaskets(await repo.purchasesOf(db, customerIds, asOf), cat);
    await onPage({ customerIds, histories, baskets });
    after = customerIds[customerIds.length - 1]!;
    // The page's work is done: let requests in before the next one.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface BuiltModel { model: AffinityModel; rules: repo.RuleRow[]; buyers: number; orders: number }

/** Pass 1: the affinity model over buyers and the rules over orders' baskets. */
async function buildModel(db: Db, asOf: string | null, cat: Catalogue, progress: (done: number) => Promise<void>): Promise<BuiltModel> {
  const builder = new AffinityBuilder();
  // Every order's basket of known products, flat (one array of product indexes and their offsets): 2M orders in ~20 MB.
  // Single-product orders count: they are part of each product's support (arules counts every transaction).
  let items = new Int32Array(1 << 16), used = 0;
  const ends: number[] = [];
  let orders = 0, done = 0;
  await walkBuyers(db, asOf, cat, async ({ customerIds, histories, baskets }) => {
    for (const history of histories.values()) builder.addCustomer(history.map((h) => h.productId));
    orders += baskets.length;
    for (const basket of baskets) {
      const distinct = [...new Set(basket)];
      if (used + distinct.length > items.length) {
        const grown = new Int32Array(Math.max(items.length * 2, used + distinct.length));
        grown.set(items.subarray(0, used));
        items = grown;
      }
      items.set(distinct, used);
      used += distinct.length;
      ends.push(used);
    }
    done += customerIds.length;
    await progress(done);
  });
  const model = builder.build({ maxNeighbours: NEIGHBOURS, minCoCustomers: MIN_CO_CUSTOMERS });
  // Fewer orders than the rules' minimum count cannot hold a rule.
  const rules = ends.length < RULES.minBaskets ? [] : basketRules(items, ends, cat);
  return { model, rules, buyers: builder.customers, orders };
}

/** Rules over the orders' baskets (orders with at least one known product: the transactions of arules). */
function basketRules(items: Int32Array, ends: readonly number[], cat: Catalogue): repo.RuleRow[] {
  function* baskets(): Generator<string[]> {
    let start = 0;
    for (const end of ends) {
      yield Array.from(items.subarray(start, end), String);
      start = end;
    }
  }
  const minSupport = Math.max(RULES.minSupport, RULES.minBaskets / ends.length);
  const rules = mineRules(baskets(), { minSupport, minConfidence: RULES.minConfidence, minLength: RULES.minLength, maxLength: RULES.maxLength });
  const idOf = (s: string) => cat.rows[Number(s)]!.id;
  return rules
    .sort((a, b) => b.lift - a.lift || b.confidence - a.confidence)
    .slice(0, RULES.keep)
    .map((r) => ({ antecedent: r.antecedent.map(idOf), consequent: idOf(r.consequent), support: r.support, confidence: r.confidence, lift: r.lift, baskets: r.count }));
}

/** A domain candidate as stored: products by uuid (the reason's too). */
function storedReason(reason: Reason, cat: Catalogue): Record<string, unknown> {
  const out: Record<string, unknown> = { ...reason };
  for (const key of ['fromProductId', 'toProductId'] as const) {
    const index = (reason as unknown as Record<string, unknown>)[key];
    if (typeof index === 'number') out[key] = cat.rows[index]!.id;
  }
  return out;
}

function candidateRows(customerId: string, candidates: readonly DomainCandidate[], cat: Catalogue): repo.CandidateRow[] {
  return candidates.map((c, i) => ({
    customer_id: customerId, product_id: cat.rows[c.productId]!.id, rank: i + 1, score: c.score, kind: c.kind, reason: storedReason(c.reason, cat),
  }));
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export interface RunProgress { phase: 'model' | 'candidates'; customersDone: number; customersTotal: number }
export interface RunOptions {
  asOf?: string | null; k?: number; actor?: Actor | null;
  /** Told how far the run has got (at most once a second, and at each phase's end); a throw fails the run. */
  onProgress?: ((progress: RunProgress) => void) | undefined;
}
export interface RunResult { runId: number; buyers: number; seconds: number; modelSeconds: number; peakRssMb: number }

/**
 * Claims a run (null when another process runs one) and does it. Failures are recorded on the run; a retry starts a
 * new run, which first removes what the failed one wrote (its rows were never read: readers read the last finished
 * run's), so nothing is duplicated.
 */
export async function startRun(db: Db, options: RunOptions = {}): Promise<{ runId: number; done: Promise<RunResult> } | null> {
  await repo.failStaleRuns(db, new Date(Date.now() - STALE_MS));
  const runId = await repo.insertRun(db, options.asOf ?? null, options.actor?.auth?.userId ?? null);
  if (runId === null) return null;
  const done = doRun(db, runId, options).catch(async (error: unknown) => {
    await repo.updateRun(db, runId, { status: 'failed', error: error instanceof Error ? error.message : String(error), finished: true }).catch(() => undefined);
    throw error;
  });
  return { runId, done };
}

export const RECOMMEND_JOB = 'recommend.run';
/** What a `recommend.run` job did (its result on the ジョブ page). */
export type RecommendJobResult = { runId: number; upToDate?: true; buyers?: number; seconds?: number; modelSeconds?: number };
const DAY_MS = 24 * 3_600_000;

/**
 * The server's daily refresh, from its minute pass: a `recommend.run` job when the last finished run is a day old,
 * keyed by the day (Japan) so several servers queue one. The first run is a person's (the 再計算 button or
 * `daicho recommend run`), so a new ledger is not computed before its orders are in.
 */
export async function enqueueRecommendRunIfDue(db: Db, now: Date = new Date()): Promise<boolean> {
  const last = await repo.lastDoneRun(db);
  if (!last?.finished_at || now.getTime() - new Date(last.finished_at).getTime() < DAY_MS) return false;
  return (await enqueueJob(db, RECOMMEND_JOB, { dedupeKey: `${RECOMMEND_JOB}:${todayInJapan(now)}`, maxAttempts: 3 })).created;
}

/**
 * The `recommend.run` job: a run unless one finished in the last day (a person's 再計算 since it was queued), waited
 * for. Another process's run in progress, or this run failing, throws: the job is retried, and the retry's run first
 * removes what a failed one wrote.
 */
export async function runRecommendJob(db: Db, onProgress: (progress: RunProgress) => void, now: Date = new Date()): Promise<RecommendJobResult> {
  const last = await repo.lastDoneRun(db);
  if (last?.finished_at && now.getTime() - new Date(last.finished_at).getTime() < DAY_MS) return { upToDate: true, runId: last.id };
  const started = await startRun(db, { asOf: null, onProgress });
  if (!started) throw new Error('別の提案計算が実行中です (another cross-sell run is running; retried later)');
  const r = await started.done;
  return { runId: r.runId, buyers: r.buyers, seconds: Number(r.seconds.toFixed(1)), modelSeconds: Number(r.modelSeconds.toFixed(1)) };
}

async function doRun(db: Db, runId: number, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const asOf = options.asOf ?? null;
  const k = options.k ?? DEFAULT_K;
  const cat = catalogueOf(await repo.catalogue(db));
  const total = await repo.countLiveCustomers(db);
  await repo.updateRun(db, runId, { customers_total: total });
  // What a failed or stopped run left: readers never saw it (they read the last finished run).
  await repo.deleteCandidatesExcept(db, (await repo.lastDoneRun(db))?.id ?? null);
  let lastBeat = 0;
  const beat = async (phase: 'model' | 'candidates', done: number) => {
    if (performance.now() - lastBeat < 1000 && done < total) return;
    lastBeat = performance.now();
    options.onProgress?.({ phase, customersDone: done, customersTotal: total });
    await repo.updateRun(db, runId, { phase, customers_done: done });
  };
  const built = await buildModel(db, asOf, cat, (done) => beat('model', done));
  const productBuyers: Record<string, number> = {};
  built.model.productIds.forEach((index, i) => { productBuyers[cat.rows[index]!.id] = built.model.productCustomers[i]!; });
  const affinityRows = modelRows(built.model).map((r) => ({
    product_id: cat.rows[r.product]!.id, neighbour_id: cat.rows[r.neighbour]!.id,
    co_customers: r.coCustomers, confidence: r.confidence, lift: r.lift, similarity: r.similarity,
  }));
  await db.transaction().execute(async (trx) => {
    await repo.replaceAffinities(trx, affinityRows);
    await repo.replaceRules(trx, built.rules);
  });
  const modelSeconds = (performance.now() - started) / 1000;
  await repo.updateRun(db, runId, { phase: 'candidates', customers_done: 0, buyers: built.buyers, product_buyers: productBuyers, pairs: affinityRows.length });
  let done = 0;
  await walkBuyers(db, asOf, cat, async ({ customerIds, histories }) => {
    const rows: repo.CandidateRow[] = [];
    for (const [customerId, history] of histories) rows.push(...candidateRows(customerId, candidatesFor(history, built.model, cat.entries, { k }), cat));
    await repo.insertCandidates(db, rows, runId);
    done += customerIds.length;
    await beat('candidates', done);
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = peakRssMb();
  // Readers switch to this run's rows here, all at once; the earlier runs' go after.
  await repo.updateRun(db, runId, { phase: 'done', status: 'done', customers_done: total, seconds, peak_rss_mb: rss, finished: true });
  await repo.deleteCandidatesExcept(db, runId);
  return { runId, buyers: built.buyers, seconds, modelSeconds, peakRssMb: rss };
}

/**
 * The audit export: every customer with at least one order (before `asOf` when given) and their first k candidates,
 * computed from those orders only (nothing stored). Rows: customer_id, rank, sku, score, reason (Japanese).
 */
export async function exportCandidates(db: Db, options: { k: number; asOf?: string | null }, write: (cells: string[]) => Promise<void>): Promise<{ rows: number; buyers: number; seconds: number; peakRssMb: number }> {
  const started = performance.now();
  const asOf = options.asOf ?? null;
  const cat = catalogueOf(await repo.catalogue(db));
  const built = await buildModel(db, asOf, cat, async () => undefined);
  const name = (i: number) => cat.rows[i]?.name ?? String(i);
  let rows = 0;
  await walkBuyers(db, asOf, cat, async ({ histories }) => {
    for (const [customerId, history] of histories) {
      const list = candidatesFor(history, built.model, cat.entries, { k: options.k });
      for (const [i, c] of list.entries()) {
        await write([customerId, String(i + 1), cat.rows[c.productId]!.sku, c.score.toFixed(6), reasonText(c.reason, name, 'ja')]);
        rows++;
      }
    }
  });
  return { rows, buyers: built.buyers, seconds: (performance.now() - started) / 1000, peakRssMb: peakRssMb() };
}

/**
 * The export an operator takes away (`daicho recommend export`): exportCandidates, with whom it carried recorded
 * (export_customers, so each person's disclosure report lists it) and audited as export.recommendations.
 */
export async function exportCandidatesAudited(
  db: Db, options: { k: number; asOf?: string | null }, write: (cells: string[]) => Promise<void>, actor: Actor,
): Promise<Awaited<ReturnType<typeof exportCandidates>> & { exportId: string; customers: number }> {
  const tracker = exportTracker(db);
  const summary = await exportCandidates(db, options, async (cells) => {
    await tracker.see(cells[0]!);
    await write(cells);
  });
  await tracker.flush();
  await audit(db, actor, 'export.recommendations', null, { rows: summary.rows, asOf: options.asOf ?? null, k: options.k, exportId: tracker.exportId, customers: tracker.customers });
  return { ...summary, exportId: tracker.exportId, customers: tracker.customers };
}

// ── reads ──

/** A stored reason (products by uuid) → its numbers and both sentences. */
async function readReason(db: Db, stored: Record<string, unknown>, names: Map<string, string>) {
  const ids = (['fromProductId', 'toProductId'] as const).map((k) => stored[k]).filter((v): v is string => typeof v === 'string');
  for (const id of ids) {
    if (!names.has(id)) names.set(id, (await repo.productById(db, id))?.name ?? '（削除された商品）');
  }
  // The domain's sentence takes integer ids: a uuid's place in `ids` numbers it.
  const reason = { ...stored } as Record<string, unknown>;
  for (const key of ['fromProductId', 'toProductId'] as const) if (typeof stored[key] === 'string') reason[key] = ids.indexOf(stored[key] as string);
  const name = (i: number) => names.get(ids[i]!) ?? '';
  return { data: stored, ja: reasonText(reason as unknown as Reason, name, 'ja'), en: reasonText(reason as unknown as Reason, name, 'en') };
}

function runOut(r: Awaited<ReturnType<typeof repo.latestRuns>>[number]): Run {
  return {
    id: r.id, asOf: r.as_of, status: r.status, phase: r.phase, customersDone: r.customers_done, customersTotal: r.customers_total,
    buyers: r.buyers, pairs: r.pairs, seconds: r.seconds, peakRssMb: r.peak_rss_mb, error: r.error,
    startedAt: new Date(r.started_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

export async function listRuns(db: Db): Promise<Run[]> {
  return (await repo.latestRuns(db, 10)).map(runOut);
}

export async function getRun(db: Db, id: number): Promise<Run | null> {
  const row = await repo.runById(db, id);
  return row ? runOut(row) : null;
}

/** The stored model, for one customer's or one product's products (their neighbours only: what scoring reads). */
async function storedModel(db: Db, cat: Catalogue, productIds: readonly string[]) {
  const run = await repo.lastDoneRun(db);
  if (!run || !run.product_buyers) return { run: null, model: modelFromRows([], [], 0) };
  const counts: Array<[number, number]> = [];
  for (const [id, n] of Object.entries(run.product_buyers)) {
    const index = cat.indexOf.get(id);
    if (index !== undefined) counts.push([index, n]);
  }
  const rows = (await repo.affinitiesOf(db, productIds))
    .map((r) => ({ product: cat.indexOf.get(r.product_id), neighbour: cat.indexOf.get(r.neighbour_id), coCustomers: r.co_customers }))
    .filter((r): r is { product: number; neighbour: number; coCustomers: number } => r.product !== undefined && r.neighbour !== undefined);
  return { run, model: modelFromRows(rows, counts, run.buyers ?? 0) };
}

/** One customer's candidates now (orders up to this moment, the last run's model): ≤ 100 ms. */
export async function customerCandidates(db: Db, customerId: string, k = DEFAULT_K): Promise<CustomerCandidates> {
  if (await repo.isUseStopped(db, customerId)) return { items: [], modelBuiltAt: null };
  const cat = catalogueOf(await repo.catalogue(db));
  const { histories } = historiesAndBaskets(await repo.purchasesOf(db, [customerId], null), cat);
  const history = histories.get(customerId) ?? [];
  const { run, model } = await storedModel(db, cat, history.map((h) => cat.rows[h.productId]!.id));
  const list = run ? candidatesFor(history, model, cat.entries, { k }) : [];
  const names = new Map(cat.rows.map((r) => [r.id, r.name]));
  const items: Candidate[] = [];
  for (const [i, c] of list.entries()) {
    const p = cat.rows[c.productId]!;
    items.push({
      rank: i + 1, productId: p.id, sku: p.sku, name: p.name, category: p.category, price: p.price, score: c.score, kind: c.kind,
      reason: await readReason(db, storedReason(c.reason, cat), names),
    });
  }
  return { items, modelBuiltAt: run?.finished_at ? new Date(run.finished_at).toISOString() : null };
}

/** 「この商品を勧める顧客」: the customers whose stored candidates hold this product, best placed first. */
export async function productCandidateCustomers(
  db: Db, productId: string, query: { maxRank?: number; cursor?: string; limit?: number }, auth: AuthContext | null,
): Promise<ProductCandidateCustomers> {
  const product = await repo.productById(db, productId);
  if (!product) throw new AppError('not_found', '商品が見つかりません (no such product)');
  const maxRank = query.maxRank ?? DEFAULT_K;
  const limit = query.limit ?? 50;
  let after: { rank: number; id: string } | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    if (typeof c.rank !== 'number') throw invalidCursor();
    after = { rank: c.rank, id: cursorUuid(c.id) };
  }
  const rows = await repo.customersForProduct(db, productId, maxRank, after, limit + 1);
  const page = rows.slice(0, limit);
  const customers = new Map((await listCustomersByIds(db, page.map((r) => r.customer_id), auth)).map((c) => [c.id, c]));
  const names = new Map<string, string>([[product.id, product.name]]);
  const items: ProductCandidateCustomers['items'] = [];
  for (const r of page) {
    const customer = customers.get(r.customer_id);
    if (!customer) continue;
    items.push({ customer, rank: r.rank, score: r.score, kind: r.kind, reason: await readReason(db, r.reason, names) });
  }
  const last = page[page.length - 1];
  return {
    items, product: { id: product.id, sku: product.sku, name: product.name, category: product.category, price: product.price },
    nextCursor: rows.length > limit && last ? encodeCursor({ rank: last.rank, id: last.customer_id }) : null,
    total: await repo.countCustomersForProduct(db, productId, maxRank),
  };
}

/** What a product's buyers also bought (customer level) and the basket rules about it. */
export async function productAffinity(db: Db, productId: string): Promise<ProductAffinity> {
  const cat = catalogueOf(await repo.catalogue(db));
  const index = cat.indexOf.get(productId);
  if (index === undefined) throw new AppError('not_found', '商品が見つかりません (no such product)');
  const ref = (i: number) => { const p = cat.rows[i]!; return { id: p.id, sku: p.sku, name: p.name, category: p.category, price: p.price }; };
  const refById = (id: string) => { const i = cat.indexOf.get(id); return i === undefined ? null : ref(i); };
  const run = await repo.lastDoneRun(db);
  const rows = (await repo.affinitiesOf(db, [productId])).sort((a, b) => b.similarity - a.similarity).slice(0, 20);
  const names = new Map(cat.rows.map((r) => [r.id, r.name]));
  const neighbours: ProductAffinity['neighbours'] = [];
  for (const r of rows) {
    const product = refById(r.neighbour_id);
    if (!product) continue;
    const reason = { kind: 'bought_together', fromProductId: productId, toProductId: r.neighbour_id, share: r.confidence, lift: r.lift, customers: r.co_customers, alsoFrom: 0 };
    neighbours.push({ product, coCustomers: r.co_customers, confidence: r.confidence, lift: r.lift, similarity: r.similarity, reason: await readReason(db, reason, names) });
  }
  const rules: ProductAffinity['rules'] = [];
  for (const r of await repo.rulesAbout(db, productId, 20)) {
    const antecedent = r.antecedent.map(refById);
    const consequent = refById(r.consequent);
    if (!consequent || antecedent.some((a) => a === null)) continue;
    const named = (antecedent as NonNullable<(typeof antecedent)[number]>[]).sort((a, b) => a.name.localeCompare(b.name, 'ja') || a.sku.localeCompare(b.sku));
    rules.push({ antecedent: named, consequent, support: r.support, confidence: r.confidence, lift: r.lift, baskets: r.baskets });
  }
  return {
    product: ref(index), buyers: run?.product_buyers?.[productId] ?? null, neighbours, rules,
    modelBuiltAt: run?.finished_at ? new Date(run.finished_at).toISOString() : null,
  };
}
