/**
 * Offline quality of candidate lists (issue 22): hit rate at k on a time split. A customer counts when they bought,
 * after the cut-off, at least one product they had not bought before it; they are a hit when one of their first k
 * candidates is among those new products. The popularity baseline proposes the most-bought products (by customers,
 * in the training period) the customer has not bought.
 */
import { RecommendError } from './errors.ts';

export interface HitRate {
  /** hits / customers (0 when no customer counts). */
  hitRate: number;
  hits: number;
  /** Customers with at least one new product after the cut-off. */
  customers: number;
}

export function hitRateAtK<C>(
  train: ReadonlyMap<C, readonly number[]>,
  test: ReadonlyMap<C, readonly number[]>,
  recommend: (customer: C) => readonly number[],
  k: number,
): HitRate {
  if (!(Number.isInteger(k) && k >= 1)) throw new RecommendError('k', 'k は 1 以上の整数にしてください', 'k must be an integer of at least 1');
  let hits = 0, customers = 0;
  for (const [customer, later] of test) {
    const before = new Set(train.get(customer) ?? []);
    const fresh = new Set(later.filter((id) => !before.has(id)));
    if (fresh.size === 0) continue;
    customers++;
    if (recommend(customer).slice(0, k).some((id) => fresh.has(id))) hits++;
  }
  return { hitRate: customers === 0 ? 0 : hits / customers, hits, customers };
}

/** The k (default 10) products bought by the most customers in `train` that the customer has not bought (ties: lower id). */
export function popularityBaseline<C>(train: ReadonlyMap<C, readonly number[]>, k = 10): (customer: C) => number[] {
  const buyers = new Map<number, number>();
  for (const products of train.values()) for (const id of new Set(products)) buyers.set(id, (buyers.get(id) ?? 0) + 1);
  const order = [...buyers.keys()].sort((a, b) => buyers.get(b)! - buyers.get(a)! || a - b);
  return (customer) => {
    const bought = new Set(train.get(customer) ?? []);
    const out: number[] = [];
    for (const id of order) {
      if (out.length >= k) break;
      if (!bought.has(id)) out.push(id);
    }
    return out;
  };
}
