/**
 * Cross-sell and up-sell candidates for one customer, each with the numbers of its reason.
 *
 * Ranking, in three tiers, every product active in the catalogue and not bought yet:
 * 1. Item-based collaborative filtering (Deshpande & Karypis 2004): a product's score is the sum, over the products
 *    the customer bought, of its cosine similarity to them (their kept neighbours only). Highest first. A product of
 *    a category the customer buys, priced within the up-sell band of the dearest product they have there, is an
 *    'up_sell'; any other is a 'cross_sell' whose reason is its strongest single tie (the bought product with the
 *    highest similarity to it).
 * 2. Up-sell products without such a tie, by the number of customers who bought them (then the smaller step up).
 * 3. Popular products (most customers first) fill what is left: customers with little or no history get these.
 *
 * Up-sell band: price ≥ minUpsellRatio (1.2) and ≤ maxUpsellRatio (3) × the highest price the customer paid in that
 * category (the history's price when given, else the catalogue's): a step up, not a different class of product.
 * No constant is fitted to a data set; the two ratios are business choices the caller may change.
 */
import type { AffinityModel } from './affinity.ts';
import { RecommendError } from './errors.ts';

export interface CatalogEntry {
  id: number;
  category: string | null;
  /** Unit price: a number or a decimal string as the database returns it; null when unknown. */
  price: number | string | null;
  active: boolean;
}

export interface HistoryEntry {
  productId: number;
  /** ISO date or timestamp of the last purchase: the most recent maxHistory products are the ones scored. */
  lastBoughtAt?: string;
  /** Highest unit price the customer paid for it (defaults to the catalogue price). */
  price?: number | string | null;
}

export type CandidateKind = 'cross_sell' | 'up_sell' | 'popular';

export type Reason =
  /** share = co / n(from): of the customers who bought `from`, the share who also bought `to`; customers = co. */
  | { kind: 'bought_together'; fromProductId: number; toProductId: number; share: number; lift: number; customers: number; alsoFrom: number }
  /** A dearer product of a category the customer buys; fromProductId is the dearest they bought there. */
  | { kind: 'upsell'; fromProductId: number; toProductId: number; category: string; priceRatio: number }
  /** customers who bought it, and their share of all customers. */
  | { kind: 'popular'; toProductId: number; customers: number; share: number };

export interface Candidate {
  productId: number;
  /**
   * Tier 1: the summed cosine similarity; tiers 2 and 3: the product's share of customers. The array's order is the
   * ranking (a tier-1 product always comes before tiers 2 and 3).
   */
  score: number;
  kind: CandidateKind;
  reason: Reason;
}

export interface CandidateOptions {
  k: number;
  /** Up-sell band (ratio to the dearest price paid in the category). Defaults 1.2 and 3. */
  minUpsellRatio?: number;
  maxUpsellRatio?: number;
  /** Most recent distinct products scored (default 100, as the affinity builder's cap). */
  maxHistory?: number;
}

interface CatalogIndex {
  byId: Map<number, CatalogEntry & { unitPrice: number | null }>;
  /** Active products of each category with a price, cheapest first. */
  byCategory: Map<string, { id: number; price: number }[]>;
}

const toPrice = (value: number | string | null | undefined): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
};

/** The catalogue's lookups, computed once per catalogue array (the same array is passed for every customer). */
const indexes = new WeakMap<readonly CatalogEntry[], CatalogIndex>();

function catalogIndex(catalog: readonly CatalogEntry[]): CatalogIndex {
  const cached = indexes.get(catalog);
  if (cached) return cached;
  const byId: CatalogIndex['byId'] = new Map();
  const byCategory: CatalogIndex['byCategory'] = new Map();
  for (const entry of catalog) {
    const unitPrice = toPrice(entry.price);
    byId.set(entry.id, { ...entry, unitPrice });
    if (entry.active && entry.category !== null && unitPrice !== null) {
      let list = byCategory.get(entry.category);
      if (!list) byCategory.set(entry.category, (list = []));
      list.push({ id: entry.id, price: unitPrice });
    }
  }
  for (const list of byCategory.values()) list.sort((a, b) => a.price - b.price || a.id - b.id);
  const index = { byId, byCategory };
  indexes.set(catalog, index);
  return index;
}

interface Tie { score: number; best: number; bestEntry: number; supporters: number }

export function candidatesFor(
  history: readonly HistoryEntry[],
  model: AffinityModel,
  catalog: readonly CatalogEntry[],
  options: CandidateOptions,
): Candidate[] {
  const { k, minUpsellRatio = 1.2, maxUpsellRatio = 3, maxHistory = 100 } = options;
  if (!(Number.isInteger(k) && k >= 0)) throw new RecommendError('k', 'k は 0 以上の整数にしてください', 'k must be a non-negative integer');
  if (!(minUpsellRatio > 0 && maxUpsellRatio >= minUpsellRatio)) {
    throw new RecommendError('minUpsellRatio', 'アップセルの価格倍率は 0 < 下限 ≤ 上限 にしてください', 'the up-sell price ratios must satisfy 0 < min ≤ max');
  }
  if (k === 0) return [];
  const { byId, byCategory } = catalogIndex(catalog);

  // The customer's distinct products, most recent first; the dearest price paid per category.
  const latest = new Map<number, HistoryEntry>();
  const paid = new Map<number, number>();
  for (const entry of history) {
    const seen = latest.get(entry.productId);
    if (!seen || (entry.lastBoughtAt ?? '') > (seen.lastBoughtAt ?? '')) latest.set(entry.productId, entry);
    const price = toPrice(entry.price);
    if (price !== null && price > (paid.get(entry.productId) ?? 0)) paid.set(entry.productId, price);
  }
  const bought = new Set(latest.keys());
  const recent = [...latest.values()].sort((a, b) => ((b.lastBoughtAt ?? '') > (a.lastBoughtAt ?? '') ? 1 : (b.lastBoughtAt ?? '') < (a.lastBoughtAt ?? '') ? -1 : a.productId - b.productId));
  const dearest = new Map<string, { productId: number; price: number }>();
  for (const entry of recent) {
    const product = byId.get(entry.productId);
    const price = paid.get(entry.productId) ?? product?.unitPrice ?? null;
    if (!product || product.category === null || price === null) continue;
    const top = dearest.get(product.category);
    if (!top || price > top.price) dearest.set(product.category, { productId: entry.productId, price });
  }
  const eligible = (id: number) => !bought.has(id) && byId.get(id)?.active === true;
  const upsellOf = (id: number): Reason | null => {
    const product = byId.get(id)!;
    const top = product.category === null ? undefined : dearest.get(product.category);
    if (!top || product.unitPrice === null) return null;
    const priceRatio = product.unitPrice / top.price;
    if (priceRatio < minUpsellRatio || priceRatio > maxUpsellRatio) return null;
    return { kind: 'upsell', fromProductId: top.productId, toProductId: id, category: product.category!, priceRatio };
  };

  // Tier 1: summed similarity over the most recent maxHistory products.
  const ties = new Map<number, Tie>();
  for (const entry of recent.slice(0, maxHistory)) {
    const i = model.indexOf.get(entry.productId);
    if (i === undefined) continue;
    for (let e = model.offsets[i]!; e < model.offsets[i + 1]!; e++) {
      const j = model.neighbours[e]!;
      const s = model.similarity[e]!;
      const tie = ties.get(j);
      if (!tie) ties.set(j, { score: s, best: i, bestEntry: e, supporters: 1 });
      else {
        tie.score += s;
        tie.supporters++;
        if (s > model.similarity[tie.bestEntry]!) { tie.best = i; tie.bestEntry = e; }
      }
    }
  }
  const ranked = [...ties.entries()]
    .filter(([j]) => eligible(model.productIds[j]!))
    .sort(([a, x], [b, y]) => y.score - x.score || model.productIds[a]! - model.productIds[b]!);

  const out: Candidate[] = [];
  const taken = new Set<number>();
  const share = (j: number) => (model.customers === 0 ? 0 : model.productCustomers[j]! / model.customers);
  for (const [j, tie] of ranked) {
    if (out.length >= k) return out;
    const productId = model.productIds[j]!;
    const upsell = upsellOf(productId);
    taken.add(productId);
    if (upsell) { out.push({ productId, score: tie.score, kind: 'up_sell', reason: upsell }); continue; }
    const ni = model.productCustomers[tie.best]!, co = model.coCustomers[tie.bestEntry]!;
    out.push({
      productId,
      score: tie.score,
      kind: 'cross_sell',
      reason: {
        kind: 'bought_together',
        fromProductId: model.productIds[tie.best]!,
        toProductId: productId,
        share: co / ni,
        lift: (co * model.customers) / (ni * model.productCustomers[j]!),
        customers: co,
        alsoFrom: tie.supporters - 1,
      },
    });
  }

  // Tier 2: the up-sell band of each bought category, by customers.
  const upsells: { productId: number; score: number; reason: Reason }[] = [];
  for (const [category, top] of dearest) {
    for (const { id, price } of byCategory.get(category) ?? []) {
      if (price > top.price * maxUpsellRatio) break;
      if (price < top.price * minUpsellRatio || taken.has(id) || !eligible(id)) continue;
      const j = model.indexOf.get(id);
      upsells.push({ productId: id, score: j === undefined ? 0 : share(j), reason: upsellOf(id)! });
    }
  }
  // More customers first; between equals (new products have none), the smaller step up, then the lower id.
  const ratio = (r: Reason) => (r.kind === 'upsell' ? r.priceRatio : 0);
  upsells.sort((a, b) => b.score - a.score || ratio(a.reason) - ratio(b.reason) || a.productId - b.productId);
  for (const u of upsells) {
    if (out.length >= k) return out;
    taken.add(u.productId);
    out.push({ ...u, kind: 'up_sell' });
  }

  // Tier 3: popular products.
  for (const j of model.popular) {
    if (out.length >= k) break;
    const productId = model.productIds[j]!;
    if (taken.has(productId) || !eligible(productId)) continue;
    out.push({ productId, score: share(j), kind: 'popular', reason: { kind: 'popular', toProductId: productId, customers: model.productCustomers[j]!, share: share(j) } });
  }
  return out;
}

/** 42% above 10%, 4.2% below (a popular product's share is often a few percent). */
const percent = (share: number) => (share >= 0.1 ? String(Math.round(share * 100)) : String(Math.round(share * 1000) / 10));
const oneDecimal = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const grouped = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/gu, ',');

/** The reason as a sentence for people, in Japanese or English. */
export function reasonText(reason: Reason, productName: (id: number) => string, lang: 'ja' | 'en'): string {
  switch (reason.kind) {
    case 'bought_together': {
      const from = productName(reason.fromProductId), to = productName(reason.toProductId);
      if (lang === 'ja') {
        const more = reason.alsoFrom > 0 ? `。購入中のほか ${reason.alsoFrom} 商品とも併せて購入されています` : '';
        return `${from} を購入した顧客の ${percent(reason.share)}% が ${to} も購入 (リフト ${oneDecimal(reason.lift)})${more}`;
      }
      const more = reason.alsoFrom > 0 ? `; also bought with ${reason.alsoFrom} more of their products` : '';
      return `${percent(reason.share)}% of customers who bought ${from} also bought ${to} (lift ${oneDecimal(reason.lift)})${more}`;
    }
    case 'upsell': {
      const from = productName(reason.fromProductId);
      return lang === 'ja'
        ? `${reason.category} で購入中の ${from} より上位の商品 (価格 ${oneDecimal(reason.priceRatio)} 倍)`
        : `A step up from ${from}, which they buy in ${reason.category} (${oneDecimal(reason.priceRatio)}× the price)`;
    }
    case 'popular':
      return lang === 'ja'
        ? `顧客の ${percent(reason.share)}% (${grouped(reason.customers)} 人) が購入している人気商品`
        : `A popular product: bought by ${percent(reason.share)}% of customers (${grouped(reason.customers)})`;
  }
}
