/**
 * RFM: recency, frequency and monetary value per customer, their 1–5 scores, and named tiers. Pure: the caller
 * reads the orders and stores or shows the result.
 *
 * ## Facts (`rfmFactsFromOrders`)
 * - An order *counts* when it is not cancelled and has at least one line of positive quantity. An order returned in
 *   full still counts as a purchase occasion (its money nets to zero through the returns).
 * - frequency = number of distinct counted orders.
 * - recency = calendar days from the as-of date to the local date of the last counted order, dates taken in the
 *   order's time zone (IANA, default Asia/Tokyo): an order at 23:59 on 31 March Tokyo time is a 31 March order, and
 *   one at 00:30 on 1 April Tokyo time (15:30 UTC on 31 March) is a 1 April order. Null when the customer has no counted order.
 * - monetary = net Σ quantity × unitPrice over every line of every non-cancelled order, returns included: a line's
 *   `returnedQuantity` is subtracted and a line of negative quantity (a return written as its own line) adds a
 *   negative amount. A line without a unit price uses `amount − returnedAmount`. Exact decimals, printed as text.
 * - Orders on a local date after the as-of date are left out entirely, so a past as-of date reproduces history.
 *
 * ## Scores (`scoreRfm`), over the customers who bought (frequency ≥ 1); others get no score
 * Each value gets the score of its *mid-rank percentile*: for a value v held by c of the n buyers, with b buyers
 * below it, p(v) = (b + c/2) / n and score = 1 + ⌊p·bins⌋. Equal values therefore always get equal scores (ties
 * are never split by the order in which rows arrive), and a value held by many customers sits in the bin of the
 * middle of its run, so some bins can stay empty. With no spread at all everyone gets the middle score.
 * - R: fewer days = higher score (values are ranked from the longest ago to the most recent).
 * - M: higher net amount = higher score.
 * - F is scored the same way with one rule first, because frequency is mostly ties (most customers buy once): a
 *   one-time buyer is always F = 1, and the repeat buyers are spread over 2…bins by their mid-rank percentile among
 *   repeat buyers. So a customer who bought once never shares an F score with one who bought 2 or 10 times, and the
 *   one-time majority cannot pull repeat buyers down into the lowest bin.
 *   Example, 100 buyers, bins 5: 60 bought once → F 1. The 40 repeat buyers share bins 2…5 (4 bins): 25 bought
 *   twice, p = 12.5/40 = 0.31 → 2 + ⌊1.25⌋ = 3; 10 bought three times, p = (25 + 5)/40 = 0.75 → 2 + 3 = 5; 5 bought
 *   ten times, p = (35 + 2.5)/40 = 0.94 → 5. F 2 and F 4 stay empty: a run of ties is never split.
 *
 * ## Segments and tiers (`rfmSegment`, `rfmTier`)
 * The widely used R × F segment map (the 5 × 5 grid of "RFM segments": champions, loyal customers, potential
 * loyalists, new customers, promising, need attention, about to sleep, at risk, can't lose them, hibernating), read
 * as R then F (potential_loyal = potential_loyalist):
 *
 *   R\F   1               2               3               4               5
 *   5     new_customers   potential_loyal potential_loyal champions       champions
 *   4     promising       potential_loyal potential_loyal loyal_customers loyal_customers
 *   3     about_to_sleep  about_to_sleep  need_attention  loyal_customers loyal_customers
 *   2     hibernating     hibernating     at_risk         at_risk         cant_lose
 *   1     hibernating     hibernating     at_risk         at_risk         cant_lose
 *
 * M matters in one cell only: a hibernating customer whose M is the top score is `cant_lose` (a big spender gone
 * quiet is worth a win-back, not a dormant list). With bins ≠ 5 the scores are first mapped onto 1–5 with both ends
 * kept (s5 = 1 + round((s − 1) · 4 / (bins − 1))).
 *
 * The six tiers group the segments: 優良 loyal (champions, loyal_customers) · 安定 stable (potential_loyalist) ·
 * 新規 new (new_customers, promising) · 要注意 attention (need_attention, about_to_sleep) · 離反 at_risk (at_risk,
 * cant_lose) · 休眠 dormant (hibernating).
 */
import { asLocalDate, DEFAULT_TIME_ZONE, dayNumber, localDate, parseInstant } from './calendar.ts';
import { add, compare, type Decimal, mul, parseDecimal, sub, toDecimalString, ZERO } from './decimal.ts';
import { ValueModelError } from './errors.ts';

// ───────────────────────────────────────────── facts ─────────────────────────────────────────────

/** One order line as the value models need it: numeric columns as decimal strings. */
export interface ValueOrderLine {
  /** Ordered quantity; negative for a return written as its own line. */
  quantity: string | number;
  unitPrice: string | number | null;
  /** Quantity returned later from this line (stored lines keep returns here). Default 0. */
  returnedQuantity?: string | number | null;
  /** Used only when unitPrice is null. */
  amount?: string | number | null;
  /** Used only when unitPrice is null. Default 0. */
  returnedAmount?: string | number | null;
}

export interface ValueOrder {
  customerId: string;
  orderId: string;
  /** An instant: a Date, or ISO 8601 text with Z or an offset. */
  orderedAt: string | Date;
  cancelled: boolean;
  lines: readonly ValueOrderLine[];
}

export interface RfmFacts {
  customerId: string;
  /** Calendar days since the last counted order; null when there is none. */
  recencyDays: number | null;
  /** Distinct counted orders. */
  frequency: number;
  /** Net amount, exact decimal text ('1234.50'). */
  monetary: string;
  /** Local date of the last counted order. */
  lastOrderDate: string | null;
}

export interface RfmFactsOptions {
  /** 'YYYY-MM-DD' (a date in `timeZone`) or an instant. */
  asOf: string | Date;
  /** IANA zone in which order dates are taken. Default Asia/Tokyo. */
  timeZone?: string;
  /** Customers to report even without orders (frequency 0, monetary 0). */
  customerIds?: readonly string[];
}

function lineNet(line: ValueOrderLine, field: string): Decimal {
  const dec = (v: string | number | null | undefined, name: string): Decimal => (v === null || v === undefined || v === '' ? ZERO : parseDecimal(v, `${field}.${name}`));
  if (line.unitPrice !== null && line.unitPrice !== undefined && line.unitPrice !== '') {
    const qty = sub(dec(line.quantity, 'quantity'), dec(line.returnedQuantity, 'returnedQuantity'));
    return mul(qty, parseDecimal(line.unitPrice, `${field}.unitPrice`));
  }
  if (line.amount === null || line.amount === undefined || line.amount === '') {
    throw new ValueModelError(`${field}.unitPrice`, '単価も金額もない明細があります', 'a line has neither a unit price nor an amount');
  }
  return sub(dec(line.amount, 'amount'), dec(line.returnedAmount, 'returnedAmount'));
}

/** A non-cancelled order reduced to what the value models use. */
export interface OrderValue {
  customerId: string;
  orderId: string;
  /** Local date of the order in the time zone asked for. */
  date: string;
  /** Not cancelled and at least one line of positive quantity: a purchase occasion. */
  counted: boolean;
  /** Net amount of all its lines, returns included, exact decimal text. */
  net: string;
}

/**
 * Each non-cancelled order as (customer, local date, counted?, net amount); cancelled orders are dropped, since
 * they count for nothing. Throws ValueModelError on an unreadable number, time or zone, or an order listed twice.
 */
export function orderValues(orders: readonly ValueOrder[], timeZone: string = DEFAULT_TIME_ZONE): OrderValue[] {
  const seen = new Set<string>();
  const out: OrderValue[] = [];
  orders.forEach((order, i) => {
    const field = `orders[${i}]`;
    const key = JSON.stringify([order.customerId, order.orderId]);
    if (seen.has(key)) {
      throw new ValueModelError(`${field}.orderId`, `同じ注文が 2 回渡されました: ${order.orderId}`, `order listed twice: ${order.orderId}`);
    }
    seen.add(key);
    const date = localDate(parseInstant(order.orderedAt, `${field}.orderedAt`), timeZone);
    if (order.cancelled) return;
    let net = ZERO;
    let counted = false;
    order.lines.forEach((line, j) => {
      net = add(net, lineNet(line, `${field}.lines[${j}]`));
      if (compare(parseDecimal(line.quantity, `${field}.lines[${j}].quantity`), ZERO) > 0) counted = true;
    });
    out.push({ customerId: order.customerId, orderId: order.orderId, date, counted, net: toDecimalString(net) });
  });
  return out;
}

/**
 * Per-customer RFM facts from orders (rules in the file header). Returns one row per customer of `orders` or
 * `customerIds` (frequency 0 when none of its orders counts), sorted by id.
 * Throws ValueModelError on an unreadable number, time or zone, or an order listed twice.
 */
export function rfmFactsFromOrders(orders: readonly ValueOrder[], options: RfmFactsOptions): RfmFacts[] {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const asOfDate = asLocalDate(options.asOf, timeZone, 'asOf');
  const asOfDay = dayNumber(asOfDate, 'asOf');
  const acc = new Map<string, { counted: number; lastDay: number | null; monetary: Decimal }>();
  const entry = (id: string) => {
    let e = acc.get(id);
    if (!e) acc.set(id, (e = { counted: 0, lastDay: null, monetary: ZERO }));
    return e;
  };
  for (const id of options.customerIds ?? []) entry(id);
  for (const o of orders) entry(o.customerId);
  for (const o of orderValues(orders, timeZone)) {
    const day = dayNumber(o.date);
    if (day > asOfDay) continue;
    const e = entry(o.customerId);
    e.monetary = add(e.monetary, parseDecimal(o.net, 'net'));
    if (o.counted) {
      e.counted += 1;
      if (e.lastDay === null || day > e.lastDay) e.lastDay = day;
    }
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, e]) => ({
      customerId,
      recencyDays: e.lastDay === null ? null : asOfDay - e.lastDay,
      frequency: e.counted,
      monetary: toDecimalString(e.monetary),
      lastOrderDate: e.lastDay === null ? null : new Date(e.lastDay * 86_400_000).toISOString().slice(0, 10),
    }));
}

// ───────────────────────────────────────────── scores ─────────────────────────────────────────────

export const RFM_SEGMENTS = {
  champions: { ja: 'チャンピオン', en: 'Champions' },
  loyal_customers: { ja: 'ロイヤル顧客', en: 'Loyal customers' },
  potential_loyalist: { ja: 'ロイヤル候補', en: 'Potential loyalists' },
  new_customers: { ja: '新規顧客', en: 'New customers' },
  promising: { ja: '有望', en: 'Promising' },
  need_attention: { ja: '要注意', en: 'Need attention' },
  about_to_sleep: { ja: '休眠予備軍', en: 'About to sleep' },
  at_risk: { ja: '離反リスク', en: 'At risk' },
  cant_lose: { ja: '失えない顧客', en: "Can't lose them" },
  hibernating: { ja: '休眠', en: 'Hibernating' },
} as const satisfies Record<string, { ja: string; en: string }>;
export type RfmSegment = keyof typeof RFM_SEGMENTS;

export const RFM_TIERS = {
  loyal: { ja: '優良', en: 'Loyal', segments: ['champions', 'loyal_customers'] },
  stable: { ja: '安定', en: 'Stable', segments: ['potential_loyalist'] },
  new: { ja: '新規', en: 'New', segments: ['new_customers', 'promising'] },
  attention: { ja: '要注意', en: 'Needs attention', segments: ['need_attention', 'about_to_sleep'] },
  at_risk: { ja: '離反', en: 'At risk', segments: ['at_risk', 'cant_lose'] },
  dormant: { ja: '休眠', en: 'Dormant', segments: ['hibernating'] },
} as const satisfies Record<string, { ja: string; en: string; segments: readonly RfmSegment[] }>;
export type RfmTier = keyof typeof RFM_TIERS;

const TIER_OF_SEGMENT = Object.fromEntries(
  Object.entries(RFM_TIERS).flatMap(([tier, t]) => t.segments.map((s) => [s, tier])),
) as Record<RfmSegment, RfmTier>;

export interface RfmScore {
  customerId: string;
  /** 1…bins; null for a customer who has not bought. */
  r: number | null;
  f: number | null;
  m: number | null;
  segment: RfmSegment | null;
  tier: RfmTier | null;
}

export interface RfmScoreOptions {
  /** Number of score bins, 2–10. Default 5. */
  bins?: number;
}

/** Mid-rank percentile bins of `n` sorted-by-`cmp` items: equal items share a score (see file header). */
function midRankScores<T>(items: readonly T[], cmp: (a: T, b: T) => number, bins: number, lowest = 1): number[] {
  const n = items.length;
  const order = items.map((_, i) => i).sort((i, j) => cmp(items[i]!, items[j]!));
  const scores = new Array<number>(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && cmp(items[order[start]!]!, items[order[end]!]!) === 0) end += 1;
    // ⌊p·bins⌋ with p = (start + c/2)/n, in integers: ⌊(2·start + c)·bins / 2n⌋ (p < 1, so it is ≤ bins − 1).
    const bin = Math.floor(((2 * start + (end - start)) * bins) / (2 * n));
    for (let k = start; k < end; k += 1) scores[order[k]!] = lowest + bin;
    start = end;
  }
  return scores;
}

/** Scores on 1…bins → 1…5 with both ends kept (the segment map is a 5 × 5 grid). */
function toFive(score: number, bins: number): number {
  return bins === 5 ? score : 1 + Math.round(((score - 1) * 4) / (bins - 1));
}

/** The R × F segment of a scored buyer (map in the file header); M decides only the hibernating big spender. */
export function rfmSegment(r: number, f: number, m: number, bins = 5): RfmSegment {
  const R = toFive(r, bins);
  const F = toFive(f, bins);
  const M = toFive(m, bins);
  if (R === 5 && F >= 4) return 'champions';
  if (R >= 3 && F >= 4) return 'loyal_customers';
  if (R >= 4 && F >= 2) return 'potential_loyalist';
  if (R === 5) return 'new_customers';
  if (R === 4) return 'promising';
  if (R === 3) return F === 3 ? 'need_attention' : 'about_to_sleep';
  if (F === 5) return 'cant_lose';
  if (F >= 3) return 'at_risk';
  return M === 5 ? 'cant_lose' : 'hibernating';
}

/** The tier (優良 / 安定 / 新規 / 要注意 / 離反 / 休眠) of a segment. */
export function rfmTier(segment: RfmSegment): RfmTier {
  return TIER_OF_SEGMENT[segment];
}

/**
 * Scores every customer's facts against the buyers among them (rules in the file header). The result is in the
 * order of `facts`. The scores are relative: score the whole customer base, then select.
 */
export function scoreRfm(facts: readonly RfmFacts[], options: RfmScoreOptions = {}): RfmScore[] {
  const bins = options.bins ?? 5;
  if (!Number.isInteger(bins) || bins < 2 || bins > 10) {
    throw new ValueModelError('bins', `スコアの段階数は 2〜10 の整数にしてください: ${bins}`, `bins must be an integer from 2 to 10: ${bins}`);
  }
  const buyers = facts.filter((f) => f.frequency >= 1);
  buyers.forEach((b) => {
    if (!Number.isInteger(b.frequency) || b.recencyDays === null || !Number.isInteger(b.recencyDays) || b.recencyDays < 0) {
      throw new ValueModelError('facts', `購入回数や経過日数が正しくない顧客があります: ${b.customerId}`, `customer with an invalid frequency or recency: ${b.customerId}`);
    }
  });
  const money = buyers.map((b) => parseDecimal(b.monetary, `facts.${b.customerId}.monetary`));
  // R: the most recent (fewest days) is highest, so rank by days descending.
  const r = midRankScores(buyers, (a, b) => b.recencyDays! - a.recencyDays!, bins);
  const m = midRankScores(money, compare, bins);
  const repeat = buyers.filter((b) => b.frequency >= 2);
  const repeatScores = midRankScores(repeat, (a, b) => a.frequency - b.frequency, bins - 1, 2);
  const fOf = new Map<RfmFacts, number>(repeat.map((b, i) => [b, repeatScores[i]!]));
  const byFact = new Map<RfmFacts, RfmScore>();
  buyers.forEach((b, i) => {
    const f = fOf.get(b) ?? 1;
    const segment = rfmSegment(r[i]!, f, m[i]!, bins);
    byFact.set(b, { customerId: b.customerId, r: r[i]!, f, m: m[i]!, segment, tier: rfmTier(segment) });
  });
  return facts.map((f) => byFact.get(f) ?? { customerId: f.customerId, r: null, f: null, m: null, segment: null, tier: null });
}

/**
 * Every (r, f, m) cell's segment, for scoring in SQL: index (r − 1)·bins² + (f − 1)·bins + (m − 1), as the SQL
 * array lookup `grid[(r - 1) * bins * bins + (f - 1) * bins + m]` (1-based) reads it.
 */
export function rfmSegmentGrid(bins = 5): RfmSegment[] {
  const grid: RfmSegment[] = [];
  for (let r = 1; r <= bins; r++) for (let f = 1; f <= bins; f++) for (let m = 1; m <= bins; m++) grid.push(rfmSegment(r, f, m, bins));
  return grid;
}

/**
 * The mid-rank score bin of each distinct value (see Scores above) from the values with how many buyers hold each,
 * ascending by "better": bin = ⌊(2·below + count)·bins / 2n⌋. The cut point of score k is the smallest value whose
 * score is at least k, so a stored run scores one more buyer exactly as scoreRfm would have (until the next run).
 */
export function scoreCutsOf(distinct: ReadonlyArray<{ value: number; count: number }>, bins: number, lowest = 1): Array<number | null> {
  const sorted = [...distinct].sort((a, b) => a.value - b.value);
  const n = sorted.reduce((sum, d) => sum + d.count, 0);
  // cuts[k − 2] is the cut point of score k, for k = 2 … lowest + bins − 1.
  const cuts: Array<number | null> = new Array<number | null>(lowest + bins - 2).fill(null);
  let below = 0;
  for (const d of sorted) {
    const score = lowest + Math.floor(((2 * below + d.count) * bins) / (2 * n));
    for (let k = 2; k <= score; k++) if (cuts[k - 2] === null) cuts[k - 2] = d.value;
    below += d.count;
  }
  return cuts;
}
