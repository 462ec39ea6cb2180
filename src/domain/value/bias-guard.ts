/**
 * Bias guard: before a campaign is aimed at a set of customers, show what the set is made of and warn when its
 * averages would mislead. One-time buyers are usually most of a customer base and a small part of its revenue; a
 * set that mixes them with repeat buyers has a "typical customer" (mean spend, mean orders) that describes neither
 * group, and a campaign planned on it fits neither.
 *
 * What it reports for a set of customers:
 * - order-count histogram: buckets 0, 1, 2, 3–5, 6–9, 10+ with customers, their net revenue and the shares of both;
 * - recency (days, buyers only) and monetary (net amount, every customer) summaries: min, p25, median, p75, p90,
 *   max by the nearest-rank method (each quantile is an actual customer's value, so money stays exact), plus the
 *   exact total and the mean rounded to 2 decimals;
 * - the tier split (when the caller passes each customer's tier from `scoreRfm` over the whole base);
 * - warnings.
 *
 * The rule (constants below):
 *   Among buyers (order count ≥ 1), one-time share s = one-time buyers / buyers and one-time revenue share
 *   g = net revenue of one-time buyers / net revenue of all buyers. Warn when
 *     • there are at least BIAS_MIN_BUYERS (20) buyers — below that a share says little;
 *     • both groups are real: one-time and repeat buyers are each at least BIAS_MIN_GROUP_SHARE (10%) of buyers;
 *     • the buyers' net revenue is positive (a share of a zero or negative total means nothing); and
 *     • the gap is large: |s − g| ≥ BIAS_SHARE_GAP (25 percentage points).
 *   s > g (the usual case) → code `one_time_majority_low_revenue`: 「1 回購入の顧客が 70% を占めますが、売上の 20%
 *   しかありません…」; s < g (a few one-off big orders, common in B2B) → `one_time_high_revenue`.
 */
import { add, compare, type Decimal, divideByCount, parseDecimal, toDecimalString, toNumber, ZERO } from './decimal.ts';
import { ValueModelError } from './errors.ts';
import { type RfmFacts, type RfmScore, type RfmTier, RFM_TIERS } from './rfm.ts';

export const BIAS_MIN_BUYERS = 20;
export const BIAS_MIN_GROUP_SHARE = 0.1;
export const BIAS_SHARE_GAP = 0.25;

export interface BiasGuardCustomer {
  /** Counted orders (RFM frequency). */
  orderCount: number;
  /** Net amount, decimal text or number. */
  monetary: string | number;
  /** Days since the last counted order; null for a non-buyer. */
  recencyDays?: number | null;
  /** From `scoreRfm` over the whole customer base; null for a non-buyer. */
  tier?: RfmTier | null;
}

export const ORDER_COUNT_BUCKETS = [
  { code: '0', min: 0, max: 0 },
  { code: '1', min: 1, max: 1 },
  { code: '2', min: 2, max: 2 },
  { code: '3-5', min: 3, max: 5 },
  { code: '6-9', min: 6, max: 9 },
  { code: '10+', min: 10, max: Number.POSITIVE_INFINITY },
] as const;
export type OrderCountBucket = (typeof ORDER_COUNT_BUCKETS)[number]['code'];

export interface BucketRow {
  bucket: OrderCountBucket;
  customers: number;
  /** Of all customers in the set. */
  customerShare: number;
  monetary: string;
  /** Of the set's net revenue; null when that total is not positive. */
  monetaryShare: number | null;
}

export interface Summary<T> {
  count: number;
  min: T;
  p25: T;
  median: T;
  p75: T;
  p90: T;
  max: T;
}

export interface BiasWarning {
  code: 'one_time_majority_low_revenue' | 'one_time_high_revenue';
  ja: string;
  en: string;
  /** One-time buyers / buyers. */
  oneTimeShare: number;
  /** Their net revenue / buyers' net revenue. */
  oneTimeRevenueShare: number;
}

export interface BiasReport {
  customers: number;
  buyers: number;
  histogram: BucketRow[];
  /** Buyers only; null when there are none. */
  recencyDays: (Summary<number> & { mean: number }) | null;
  /** Every customer; null for an empty set. */
  monetary: (Summary<string> & { total: string; mean: string }) | null;
  /** Customers per tier; `none` counts customers without one. */
  tiers: Record<RfmTier | 'none', number>;
  oneTime: { customers: number; monetary: string };
  repeat: { customers: number; monetary: string };
  warnings: BiasWarning[];
}

/** Nearest-rank quantile of sorted values: the ⌈q·n⌉-th smallest (the smallest for q = 0). */
function nearestRank<T>(sorted: readonly T[], q: number): T {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function summarize<T>(sorted: readonly T[]): Summary<T> {
  return {
    count: sorted.length,
    min: sorted[0]!,
    p25: nearestRank(sorted, 0.25),
    median: nearestRank(sorted, 0.5),
    p75: nearestRank(sorted, 0.75),
    p90: nearestRank(sorted, 0.9),
    max: sorted[sorted.length - 1]!,
  };
}

const percent = (share: number) => Math.round(share * 100);

/**
 * The bias guard's input from RFM facts and (optionally) their scores, matched by customer id: scores come from
 * `scoreRfm` over the whole base, facts may be just the selected set.
 */
export function biasGuardCustomers(facts: readonly RfmFacts[], scores: readonly RfmScore[] = []): BiasGuardCustomer[] {
  const tierOf = new Map(scores.map((s) => [s.customerId, s.tier]));
  return facts.map((f) => ({ orderCount: f.frequency, monetary: f.monetary, recencyDays: f.recencyDays, tier: tierOf.get(f.customerId) ?? null }));
}

/**
 * The warnings of the rule in the file header from the two groups' totals alone (a segment's distribution is
 * aggregated in SQL and never reaches here customer by customer).
 */
export function biasWarnings(groups: { oneTimeBuyers: number; oneTimeRevenue: string | number; repeatBuyers: number; repeatRevenue: string | number }): BiasWarning[] {
  const oneTimeMoney = parseDecimal(groups.oneTimeRevenue, 'oneTimeRevenue');
  const buyersMoney = add(oneTimeMoney, parseDecimal(groups.repeatRevenue, 'repeatRevenue'));
  const buyers = groups.oneTimeBuyers + groups.repeatBuyers;
  const warnings: BiasWarning[] = [];
  if (buyers < BIAS_MIN_BUYERS || groups.oneTimeBuyers < BIAS_MIN_GROUP_SHARE * buyers || groups.repeatBuyers < BIAS_MIN_GROUP_SHARE * buyers || compare(buyersMoney, ZERO) <= 0) return warnings;
  const s = groups.oneTimeBuyers / buyers;
  const g = toNumber(oneTimeMoney) / toNumber(buyersMoney);
  if (s - g >= BIAS_SHARE_GAP) {
    warnings.push({
      code: 'one_time_majority_low_revenue', oneTimeShare: s, oneTimeRevenueShare: g,
      ja: `1 回購入の顧客が ${percent(s)}% を占めますが、売上の ${percent(g)}% しかありません。平均購入額や平均購入回数はリピート顧客に引っ張られ、どちらの顧客像にも合いません。1 回購入の顧客とリピート顧客を分けて施策を組んでください。`,
      en: `One-time buyers are ${percent(s)}% of these customers but only ${percent(g)}% of the revenue. Average spend and order counts are pulled up by repeat buyers and describe neither group; plan the campaign separately for one-time and repeat buyers.`,
    });
  } else if (g - s >= BIAS_SHARE_GAP) {
    warnings.push({
      code: 'one_time_high_revenue', oneTimeShare: s, oneTimeRevenueShare: g,
      ja: `1 回購入の顧客は ${percent(s)}% ですが、売上の ${percent(g)}% を占めます（高額の単発購入）。平均購入額は少数の大口購入に引っ張られています。1 回購入の顧客とリピート顧客を分けて施策を組んでください。`,
      en: `One-time buyers are ${percent(s)}% of these customers but ${percent(g)}% of the revenue (large one-off orders). Average spend is pulled by a few big orders; plan the campaign separately for one-time and repeat buyers.`,
    });
  }
  return warnings;
}

/** The report for a set of customers (rules in the file header). */
export function biasGuard(customers: readonly BiasGuardCustomer[]): BiasReport {
  const money = customers.map((c, i) => {
    if (!Number.isInteger(c.orderCount) || c.orderCount < 0) {
      throw new ValueModelError(`customers[${i}].orderCount`, `購入回数は 0 以上の整数です: ${c.orderCount}`, `orderCount must be a whole number ≥ 0: ${c.orderCount}`);
    }
    return parseDecimal(c.monetary, `customers[${i}].monetary`);
  });
  const total = money.reduce<Decimal>(add, ZERO);
  const totalPositive = compare(total, ZERO) > 0;
  const shareOf = (d: Decimal, of: Decimal) => toNumber(d) / toNumber(of);
  const n = customers.length;

  const histogram: BucketRow[] = ORDER_COUNT_BUCKETS.map((b) => {
    let sum = ZERO;
    let count = 0;
    customers.forEach((c, i) => {
      if (c.orderCount >= b.min && c.orderCount <= b.max) {
        count += 1;
        sum = add(sum, money[i]!);
      }
    });
    return { bucket: b.code, customers: count, customerShare: n === 0 ? 0 : count / n, monetary: toDecimalString(sum), monetaryShare: totalPositive ? shareOf(sum, total) : null };
  });

  const recencies = customers.filter((c) => c.orderCount >= 1 && c.recencyDays !== null && c.recencyDays !== undefined).map((c) => c.recencyDays!).sort((a, b) => a - b);
  const sortedMoney = [...money].sort(compare);

  const tiers = Object.fromEntries([...Object.keys(RFM_TIERS), 'none'].map((t) => [t, 0])) as Record<RfmTier | 'none', number>;
  for (const c of customers) tiers[c.tier ?? 'none'] += 1;

  let oneTimeMoney = ZERO;
  let repeatMoney = ZERO;
  let oneTimeCount = 0;
  let repeatCount = 0;
  customers.forEach((c, i) => {
    if (c.orderCount === 1) {
      oneTimeCount += 1;
      oneTimeMoney = add(oneTimeMoney, money[i]!);
    } else if (c.orderCount >= 2) {
      repeatCount += 1;
      repeatMoney = add(repeatMoney, money[i]!);
    }
  });
  const buyers = oneTimeCount + repeatCount;

  const warnings = biasWarnings({
    oneTimeBuyers: oneTimeCount, oneTimeRevenue: toDecimalString(oneTimeMoney), repeatBuyers: repeatCount, repeatRevenue: toDecimalString(repeatMoney),
  });

  return {
    customers: n,
    buyers,
    histogram,
    recencyDays: recencies.length === 0 ? null : { ...summarize(recencies), mean: recencies.reduce((a, b) => a + b, 0) / recencies.length },
    monetary: n === 0 ? null : {
      ...summarize(sortedMoney.map((d) => toDecimalString(d))),
      total: toDecimalString(total),
      mean: toDecimalString(divideByCount(total, n, 2)),
    },
    tiers,
    oneTime: { customers: oneTimeCount, monetary: toDecimalString(oneTimeMoney) },
    repeat: { customers: repeatCount, monetary: toDecimalString(repeatMoney) },
    warnings,
  };
}
