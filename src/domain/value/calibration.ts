/**
 * From dated purchases to the per-customer summary the lifetime-value models are fitted on (Fader, Hardie & Lee
 * 2005): purchases on the same calendar day are merged into one transaction, the first transaction is the
 * customer's acquisition (not a repeat), and time is counted in periods of `periodDays` days (7: weeks).
 * - x  = number of repeat transactions up to and including `end`
 * - tx = time of the last transaction, from the first
 * - T  = time from the first transaction to `end`
 * - repeatAverage = mean value of the x repeat transactions (the Gamma-Gamma model's spend: the first purchase is
 *   left out, as in the published CDNOW analyses); null when x = 0.
 * Customers whose first purchase is after `end` are not in the result.
 */
import { dayNumber } from './calendar.ts';
import { add, type Decimal, parseDecimal, toNumber, ZERO } from './decimal.ts';
import { ValueModelError } from './errors.ts';
import type { OrderValue } from './rfm.ts';

export interface DatedPurchase {
  customerId: string;
  /** Local calendar date 'YYYY-MM-DD'. */
  date: string;
  /** Value, exact decimal text or a number. */
  amount: string | number;
}

export interface CalibrationCustomer {
  customerId: string;
  firstDate: string;
  x: number;
  tx: number;
  T: number;
  repeatAverage: number | null;
}

export interface CalibrationOptions {
  /** Last day of the calibration period, 'YYYY-MM-DD' (inclusive). */
  end: string;
  /** Days per time unit (default 7: weeks). */
  periodDays?: number;
}

/** Summary per customer (rules in the file header), sorted by customer id. */
export function calibrationSummary(purchases: Iterable<DatedPurchase>, options: CalibrationOptions): CalibrationCustomer[] {
  const endDay = dayNumber(options.end, 'end');
  const period = options.periodDays ?? 7;
  if (!(period > 0)) throw new ValueModelError('periodDays', `期間の日数は正の数にしてください: ${period}`, `periodDays must be positive: ${period}`);
  const days = new Map<string, Map<number, Decimal>>();
  let i = 0;
  for (const p of purchases) {
    const day = dayNumber(p.date, `purchases[${i}].date`);
    const amount = parseDecimal(p.amount, `purchases[${i}].amount`);
    i += 1;
    if (day > endDay) continue;
    let byDay = days.get(p.customerId);
    if (!byDay) days.set(p.customerId, (byDay = new Map()));
    byDay.set(day, add(byDay.get(day) ?? ZERO, amount));
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, byDay]) => {
      const sorted = [...byDay.keys()].sort((a, b) => a - b);
      const first = sorted[0]!;
      const last = sorted[sorted.length - 1]!;
      const x = sorted.length - 1;
      let repeat = ZERO;
      for (const d of sorted.slice(1)) repeat = add(repeat, byDay.get(d)!);
      return {
        customerId,
        firstDate: new Date(first * 86_400_000).toISOString().slice(0, 10),
        x,
        tx: (last - first) / period,
        T: (endDay - first) / period,
        repeatAverage: x === 0 ? null : toNumber(repeat) / x,
      };
    });
}

/** The counted orders of `orderValues` as dated purchases (their net amounts), ready for `calibrationSummary`. */
export function purchasesFromOrders(orders: readonly OrderValue[]): DatedPurchase[] {
  return orders.filter((o) => o.counted).map((o) => ({ customerId: o.customerId, date: o.date, amount: o.net }));
}
