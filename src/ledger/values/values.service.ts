import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { enqueueJob } from '../../platform/jobs/jobs.service.ts';
import {
  bgnbdExpectedPurchases, bgnbdProbabilityAlive, fitBgNbd, fitGammaGamma, gammaGammaExpectedAverageValue, RFM_SEGMENTS, RFM_TIERS, rfmSegmentGrid,
  rfmTier, scoreCutsOf, type BgNbdParams, type GammaGammaParams, type RfmSegment, type RfmTier,
} from '../../domain/value/index.ts';
import * as repo from './values.repository.ts';

/**
 * Customer values: RFM facts, scores and tiers (and predicted values once fitted), per customer who bought.
 * A full recompute scores everyone against fresh cut points and records them; an order that changes afterwards
 * refreshes its buyer against the same cut points (refreshValuesOf), so the grid stays consistent until the next
 * full run (daily, or on demand).
 */

export interface RecomputeOptions {
  /** The as-of date (YYYY-MM-DD, Japan); default today in Japan. */
  asOf?: string | undefined;
  bins?: number | undefined;
  /** Scoring currency (ISO 4217); default the currency most orders are in. */
  currency?: string | undefined;
}

export interface RecomputeSummary { asOf: string; currency: string | null; customers: number; seconds: number; skipped?: 'busy'; modelError?: string }

/** Today's date in Japan (YYYY-MM-DD). */
export function todayInJapan(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

export const DEFAULT_BINS = 5;

const TIER_OF_SEGMENT = Object.fromEntries((Object.keys(RFM_SEGMENTS) as RfmSegment[]).map((s) => [s, rfmTier(s)])) as Record<string, string>;

function cutsOf(distinct: { r: Array<{ value: number; count: number }>; f: Array<{ value: number; count: number }>; m: Array<{ value: number; count: number }> }, bins: number): repo.Cuts {
  return {
    r: scoreCutsOf(distinct.r, bins),
    // One-time buyers are F 1; the repeat buyers share F 2 … bins (src/domain/value/rfm.ts).
    f: distinct.f.length ? scoreCutsOf(distinct.f, bins - 1, 2) : new Array<number | null>(bins - 1).fill(null),
    m: scoreCutsOf(distinct.m, bins),
  };
}

export async function recomputeValues(db: Db, options: RecomputeOptions = {}): Promise<RecomputeSummary> {
  return db.transaction().execute((trx) => recomputeIn(trx, options));
}

/** The recompute inside the caller's transaction (the export of another as-of date rolls it back afterwards). */
async function recomputeIn(trx: Db, options: RecomputeOptions): Promise<RecomputeSummary> {
  const started = performance.now();
  const asOf = options.asOf ?? todayInJapan();
  // Bins once chosen (API, CLI) stay until chosen again: 再計算 and the daily pass keep them.
  const bins = options.bins ?? ((await repo.latestRun(trx))?.thresholds as { bins?: number } | undefined)?.bins ?? DEFAULT_BINS;
  if (!(await repo.tryLockRecompute(trx))) return { asOf, currency: null, customers: 0, seconds: 0, skipped: 'busy' as const };
  const currency = options.currency ?? (await repo.mainCurrency(trx)) ?? 'JPY';
  const customers = await repo.replaceFacts(trx, asOf, currency);
  const cuts = cutsOf({ r: await repo.distinctFacts(trx, 'r'), f: await repo.distinctFacts(trx, 'f'), m: await repo.distinctFacts(trx, 'm') }, bins);
  await repo.applyScores(trx, cuts, bins, rfmSegmentGrid(bins), TIER_OF_SEGMENT, null);
  // Segments read customer_values right away: plan them from these rows, not from the table's last statistics.
  await repo.analyzeValues(trx);
  const model = customers > 0 ? await predictValues(trx, asOf, currency) : null;
  const seconds = (performance.now() - started) / 1000;
  await repo.insertRun(trx, { asOf, currency, thresholds: { bins, ...cuts }, model, customers, seconds });
  return { asOf, currency, customers, seconds, ...(model && 'error' in model ? { modelError: model.error } : {}) };
}

/** Buyers the models are fitted on: a fixed sample is as good as everyone for four parameters, and bounded. */
const FIT_SAMPLE = 50_000;
const PREDICT_PAGE = 5_000;
const WEEKS_90_DAYS = 90 / 7;
const WEEKS_365_DAYS = 365 / 7;

type Model = { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams | null; fittedOn: number; logLikelihood: number } | { error: string };

/**
 * Fits BG/NBD (still active? how many purchases next?) and Gamma-Gamma (spend per purchase) on the buyers' purchase
 * days (weeks), then writes each buyer's P(active), expected purchases in 90 days, expected order value and a
 * one-year value (expected purchases in 365 days × expected order value, undiscounted). A fit that cannot be made
 * (too few buyers or repeat buyers) leaves the predictions empty and says why.
 */
async function predictValues(db: Db, asOf: string, currency: string): Promise<Model> {
  const sample = await repo.modelInputs(db, asOf, currency, { sample: FIT_SAMPLE });
  const repeaters = sample.filter((c) => c.x > 0 && c.avgRepeat !== null && c.avgRepeat > 0);
  if (sample.length < 20 || repeaters.length < 5) return { error: `too few buyers to fit (${sample.length} buyers, ${repeaters.length} repeat buyers)` };
  let bgnbd: BgNbdParams;
  let logLikelihood: number;
  try {
    const fit = fitBgNbd(sample.map((c) => ({ x: c.x, tx: c.tx, T: c.T })));
    bgnbd = fit.params;
    logLikelihood = fit.logLikelihood;
  } catch (error) {
    return { error: `BG/NBD: ${error instanceof Error ? error.message : String(error)}` };
  }
  let gammaGamma: GammaGammaParams | null = null;
  try {
    const fit = fitGammaGamma(repeaters.map((c) => ({ x: c.x, m: c.avgRepeat! })));
    if (fit.params.q > 1) gammaGamma = fit.params;
  } catch {
    gammaGamma = null;
  }
  let after: string | null = null;
  for (;;) {
    const page = await repo.modelInputs(db, asOf, currency, { after, limit: PREDICT_PAGE });
    if (page.length === 0) break;
    await repo.setPredictions(db, page.map((c) => predictionOf({ bgnbd, gammaGamma }, c)));
    after = page[page.length - 1]!.customerId;
  }
  return { bgnbd, gammaGamma, fittedOn: sample.length, logLikelihood };
}

class RollBack extends Error {}

/**
 * Every buyer's `customer_id,recency_days,frequency,monetary,r,f,m,tier` as of a date (the CLI's audit export),
 * computed in a transaction that is rolled back afterwards: the ledger keeps its own as-of values. Returns rows.
 */
export async function exportValuesAsOf(db: Db, options: RecomputeOptions, writeRow: (cells: ValueRow) => Promise<void>): Promise<{ rows: number; summary: RecomputeSummary }> {
  let rows = 0;
  let summary: RecomputeSummary | null = null;
  try {
    await db.transaction().execute(async (trx) => {
      summary = await recomputeIn(trx, options);
      if (summary.skipped) throw new AppError('conflict', 'Another process is recomputing customer values; try again in a moment');
      for await (const page of valueRows(trx)) {
        for (const row of page) await writeRow(row);
        rows += page.length;
      }
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return { rows, summary: summary! };
}

/**
 * Refreshes the values of some customers (their orders changed, or they were merged or split) against the last
 * run's cut points and as-of date's currency; nothing before the first full run.
 */
export async function refreshValuesOf(db: Db, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  await repo.refreshOrderRollupsOf(db, ids);
  const run = await repo.latestRun(db);
  if (!run) return;
  const thresholds = run.thresholds as { bins: number } & repo.Cuts;
  const asOf = todayInJapan() > run.as_of ? todayInJapan() : run.as_of;
  await repo.refreshFactsOf(db, ids, asOf, run.currency, thresholds, thresholds.bins, rfmSegmentGrid(thresholds.bins), TIER_OF_SEGMENT);
  await predictFor(db, ids, asOf, run.currency, run.model as Model | null);
}

/**
 * One buyer's predictions: P(active), purchases in 90 days, expected order value (Gamma-Gamma; the population mean
 * for a buyer without repeat spend) and the one-year value (purchases in 365 days × that value, undiscounted).
 */
function predictionOf(model: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams | null }, c: { customerId: string; x: number; tx: number; T: number; avgRepeat: number | null }) {
  const history = { x: c.x, tx: c.tx, T: c.T };
  const spend = c.x > 0 && c.avgRepeat !== null && c.avgRepeat > 0 ? c.avgRepeat : null;
  const expectedValue = model.gammaGamma ? gammaGammaExpectedAverageValue(model.gammaGamma, c.x, spend) : null;
  return {
    customerId: c.customerId, pAlive: bgnbdProbabilityAlive(model.bgnbd, history), expected90: bgnbdExpectedPurchases(model.bgnbd, history, WEEKS_90_DAYS),
    expectedValue: expectedValue === null ? null : Math.round(expectedValue * 100) / 100,
    value365: expectedValue === null ? null : Math.round(bgnbdExpectedPurchases(model.bgnbd, history, WEEKS_365_DAYS) * expectedValue * 100) / 100,
  };
}

/** The predictions of some buyers with the last run's fitted models (nothing when none was fitted). */
async function predictFor(db: Db, ids: readonly string[], asOf: string, currency: string, model: Model | null): Promise<void> {
  if (!model || 'error' in model) return;
  const rows = await repo.modelInputs(db, asOf, currency, { ids });
  await repo.setPredictions(db, rows.map((c) => predictionOf(model, c)));
}

/** Above this many buyers at once, rescoring everyone is cheaper than refreshing each. */
const INCREMENTAL_LIMIT = 2000;

/** After orders were written or changed: refresh their buyers, or rescore everyone after a large import. */
export async function ordersChanged(db: Db, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  if (ids.length <= INCREMENTAL_LIMIT) return refreshValuesOf(db, ids);
  await repo.refreshOrderRollupsOf(db, ids);
  const run = await repo.latestRun(db);
  if (run) await recomputeValues(db, { asOf: todayInJapan() > run.as_of ? todayInJapan() : run.as_of, currency: run.currency, bins: (run.thresholds as { bins: number }).bins });
}

/** Recomputes when no run exists yet or the last one is from an earlier day (the daily `values.recompute` job). */
export async function recomputeValuesIfStale(db: Db, now: Date = new Date()): Promise<RecomputeSummary | null> {
  const run = await repo.latestRun(db);
  if (run && run.as_of >= todayInJapan(now)) return null;
  const summary = await recomputeValues(db, { asOf: todayInJapan(now), currency: run?.currency });
  await rebuildOrderRollups(db);
  return summary;
}

export const VALUES_JOB = 'values.recompute';

/**
 * The server's minute pass: a `values.recompute` job when no run is as of today (Japan) yet (RFM recency moves with
 * the calendar). Keyed by the day, so several servers looking at once queue one; the job checks again when it runs.
 */
export async function enqueueValuesRecomputeIfDue(db: Db, now: Date = new Date()): Promise<boolean> {
  const run = await repo.latestRun(db);
  const today = todayInJapan(now);
  if (run && run.as_of >= today) return false;
  return (await enqueueJob(db, VALUES_JOB, { dedupeKey: `${VALUES_JOB}:${today}`, payload: { asOf: today }, maxAttempts: 5 })).created;
}

/**
 * The dashboards' order rollups (per customer and Japan day; per category too) of some customers rewritten: their
 * orders changed, a product they bought changed category, or they were deleted. Merges and splits go through
 * refreshValuesOf, orders through ordersChanged, which both do this.
 */
export async function refreshOrderRollups(db: Db, customerIds: readonly string[]): Promise<void> {
  await repo.refreshOrderRollupsOf(db, [...new Set(customerIds)]);
}

/**
 * After golden records were rewritten (their prefecture, channel, stage, owner or company may have changed; their
 * records may have been linked, moved, changed or deleted, so their sources and first touch too): the keys and
 * sources kept beside their order totals follow. null: every customer's (the daily pass, after the customer facts
 * and the records' rollups).
 */
export async function refreshOrderTotalsKeys(db: Db, customerIds: readonly string[] | null): Promise<void> {
  await repo.refreshOrderTotalsKeysOf(db, customerIds);
}

/** After a product's category changed: its buyers' category rollups. */
export async function productCategoryChanged(db: Db, productId: string): Promise<void> {
  await repo.refreshOrderRollupsOf(db, await repo.buyersOfProduct(db, productId));
}

/** Every customer's order rollups rewritten in one transaction (the daily pass puts right whatever a path missed). */
export async function rebuildOrderRollups(db: Db): Promise<void> {
  await db.transaction().execute((trx) => repo.rebuildOrderRollups(trx));
}

export interface CustomerValue {
  asOf: string; recencyDays: number | null; frequency: number; monetary: string; currency: string;
  r: number | null; f: number | null; m: number | null; segment: RfmSegment | null; tier: RfmTier | null;
  pAlive: number | null; expectedPurchases90d: number | null; expectedOrderValue: string | null; predictedValue365d: string | null;
  firstOrderAt: string | null; lastOrderAt: string | null;
}

export async function getCustomerValue(db: Db, customerId: string): Promise<CustomerValue | null> {
  const row = await repo.findValues(db, customerId);
  if (!row) return null;
  return {
    asOf: row.as_of, recencyDays: row.recency_days, frequency: row.frequency, monetary: row.monetary, currency: row.currency,
    r: row.r, f: row.f, m: row.m, segment: row.segment as RfmSegment | null, tier: row.tier as RfmTier | null,
    pAlive: row.p_alive, expectedPurchases90d: row.expected_purchases_90d, expectedOrderValue: row.expected_order_value, predictedValue365d: row.predicted_value_365d,
    firstOrderAt: row.first_order_at?.toISOString() ?? null, lastOrderAt: row.last_order_at?.toISOString() ?? null,
  };
}

export interface RfmOverview {
  asOf: string | null; currency: string | null; bins: number; computedSeconds: number | null;
  cells: Array<{ r: number; f: number; customers: number; revenue: string }>;
  tiers: Array<{ tier: RfmTier; ja: string; en: string; rule: string; customers: number; revenue: string }>;
}

export async function rfmOverview(db: Db): Promise<RfmOverview> {
  const run = await repo.latestRun(db);
  const [cells, tiers] = await Promise.all([repo.rfGrid(db), repo.tierTotals(db)]);
  const byTier = new Map(tiers.map((t) => [t.tier, t]));
  return {
    asOf: run?.as_of ?? null, currency: run?.currency ?? null, bins: (run?.thresholds as { bins?: number } | undefined)?.bins ?? DEFAULT_BINS,
    computedSeconds: run?.seconds ?? null,
    cells: cells.map((c) => ({ r: Number(c.r), f: Number(c.f), customers: Number(c.customers), revenue: String(c.revenue) })),
    tiers: (Object.keys(RFM_TIERS) as RfmTier[]).map((tier) => ({
      tier, ja: RFM_TIERS[tier].ja, en: RFM_TIERS[tier].en,
      rule: RFM_TIERS[tier].segments.map((s) => RFM_SEGMENTS[s].ja).join(' / '),
      customers: Number(byTier.get(tier)?.customers ?? 0), revenue: String(byTier.get(tier)?.revenue ?? '0'),
    })),
  };
}

/** `customer_id,recency_days,frequency,monetary,r,f,m,tier` for every buyer, page by page (the CLI's audit export). */
export type ValueRow = [string, number | null, number, string, number | null, number | null, number | null, string | null];

export async function* valueRows(db: Db): AsyncGenerator<ValueRow[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await repo.valuesAfter(db, after, 5000);
    if (rows.length === 0) return;
    yield rows.map((r) => [r.customer_id, r.recency_days, r.frequency, r.monetary, r.r, r.f, r.m, r.tier]);
    after = rows[rows.length - 1]!.customer_id;
  }
}
