import type { Db } from '../../db/database.ts';
import { DEFAULT_BINS, scoreCuts, tierGrid, TIER_LABELS, type Tier } from '../../domain/value/tiers.ts';
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

export interface RecomputeSummary { asOf: string; currency: string | null; customers: number; seconds: number; skipped?: 'busy' }

/** Today's date in Japan (YYYY-MM-DD). */
export function todayInJapan(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

const endOfDay = (day: string) => new Date(new Date(`${day}T00:00:00+09:00`).getTime() + 86_400_000);

export async function recomputeValues(db: Db, options: RecomputeOptions = {}): Promise<RecomputeSummary> {
  const started = performance.now();
  const asOf = options.asOf ?? todayInJapan();
  const bins = options.bins ?? DEFAULT_BINS;
  return db.transaction().execute(async (trx) => {
    if (!(await repo.tryLockRecompute(trx))) return { asOf, currency: null, customers: 0, seconds: 0, skipped: 'busy' as const };
    const currency = options.currency ?? (await repo.mainCurrency(trx)) ?? 'JPY';
    const customers = await repo.replaceFacts(trx, asOf, endOfDay(asOf), currency);
    const cuts: repo.Cuts = {
      r: scoreCuts(await repo.distinctFacts(trx, 'r'), bins),
      f: scoreCuts(await repo.distinctFacts(trx, 'f'), bins),
      m: scoreCuts(await repo.distinctFacts(trx, 'm'), bins),
    };
    await repo.applyScores(trx, cuts, bins, tierGrid(bins));
    await repo.analyzeValues(trx);
    const seconds = (performance.now() - started) / 1000;
    await repo.insertRun(trx, { asOf, currency, thresholds: { bins, ...cuts }, model: null, customers, seconds });
    return { asOf, currency, customers, seconds };
  });
}

/**
 * Refreshes the values of some customers (their orders changed, or they were merged or split) against the last
 * run's cut points and as-of date's currency; nothing before the first full run.
 */
export async function refreshValuesOf(db: Db, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  const run = await repo.latestRun(db);
  if (!run) return;
  const thresholds = run.thresholds as { bins: number } & repo.Cuts;
  const asOf = todayInJapan() > run.as_of ? todayInJapan() : run.as_of;
  await repo.refreshFactsOf(db, ids, asOf, endOfDay(asOf), run.currency, thresholds, thresholds.bins, tierGrid(thresholds.bins));
}

/** Above this many buyers at once, rescoring everyone is cheaper than refreshing each. */
const INCREMENTAL_LIMIT = 2000;

/** After orders were written or changed: refresh their buyers, or rescore everyone after a large import. */
export async function ordersChanged(db: Db, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  if (ids.length <= INCREMENTAL_LIMIT) return refreshValuesOf(db, ids);
  const run = await repo.latestRun(db);
  if (run) await recomputeValues(db, { asOf: todayInJapan() > run.as_of ? todayInJapan() : run.as_of, currency: run.currency, bins: (run.thresholds as { bins: number }).bins });
}

/** Recomputes when no run exists yet or the last one is from an earlier day (the scheduler's daily pass). */
export async function recomputeValuesIfStale(db: Db, now: Date = new Date()): Promise<RecomputeSummary | null> {
  const run = await repo.latestRun(db);
  if (run && run.as_of >= todayInJapan(now)) return null;
  return recomputeValues(db, { asOf: todayInJapan(now), currency: run?.currency });
}

export interface CustomerValue {
  asOf: string; recencyDays: number | null; frequency: number; monetary: string; currency: string;
  r: number | null; f: number | null; m: number | null; tier: Tier | null;
  pAlive: number | null; expectedPurchases90d: number | null; expectedOrderValue: string | null; predictedValue365d: string | null;
  firstOrderAt: string | null; lastOrderAt: string | null;
}

export async function getCustomerValue(db: Db, customerId: string): Promise<CustomerValue | null> {
  const row = await repo.findValues(db, customerId);
  if (!row) return null;
  return {
    asOf: row.as_of, recencyDays: row.recency_days, frequency: row.frequency, monetary: row.monetary, currency: row.currency,
    r: row.r, f: row.f, m: row.m, tier: row.tier as Tier | null,
    pAlive: row.p_alive, expectedPurchases90d: row.expected_purchases_90d, expectedOrderValue: row.expected_order_value, predictedValue365d: row.predicted_value_365d,
    firstOrderAt: row.first_order_at?.toISOString() ?? null, lastOrderAt: row.last_order_at?.toISOString() ?? null,
  };
}

export interface RfmOverview {
  asOf: string | null; currency: string | null; bins: number; computedSeconds: number | null;
  cells: Array<{ r: number; f: number; customers: number; revenue: string }>;
  tiers: Array<{ tier: Tier; ja: string; en: string; rule: string; customers: number; revenue: string }>;
}

export async function rfmOverview(db: Db): Promise<RfmOverview> {
  const run = await repo.latestRun(db);
  const [cells, tiers] = await Promise.all([repo.rfGrid(db), repo.tierTotals(db)]);
  const byTier = new Map(tiers.map((t) => [t.tier, t]));
  return {
    asOf: run?.as_of ?? null, currency: run?.currency ?? null, bins: (run?.thresholds as { bins?: number } | undefined)?.bins ?? DEFAULT_BINS,
    computedSeconds: run?.seconds ?? null,
    cells: cells.map((c) => ({ r: Number(c.r), f: Number(c.f), customers: Number(c.customers), revenue: String(c.revenue) })),
    tiers: (Object.keys(TIER_LABELS) as Tier[]).map((tier) => ({
      tier, ...TIER_LABELS[tier], customers: Number(byTier.get(tier)?.customers ?? 0), revenue: String(byTier.get(tier)?.revenue ?? '0'),
    })),
  };
}

/** `customer_id,recency_days,frequency,monetary,r,f,m,tier` for every buyer, page by page (the CLI's audit export). */
export async function* valueRows(db: Db): AsyncGenerator<Array<[string, number | null, number, string, number | null, number | null, number | null, string | null]>> {
  let after: string | null = null;
  for (;;) {
    const rows = await repo.valuesAfter(db, after, 5000);
    if (rows.length === 0) return;
    yield rows.map((r) => [r.customer_id, r.recency_days, r.frequency, r.monetary, r.r, r.f, r.m, r.tier]);
    after = rows[rows.length - 1]!.customer_id;
  }
}
