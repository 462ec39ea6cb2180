/**
 * Item affinity over customers: a customer is the set of products they bought; for each product, how many customers
 * bought it (n_A), and for each pair, how many bought both (co_AB). Only each product's strongest neighbours are kept.
 *
 * Similarity: cosine, co_AB / √(n_A · n_B) — the item-based top-N baseline (Sarwar et al. 2001; Deshpande & Karypis
 * 2004). It is symmetric, bounded by 1, needs no constant, and does not reward rare products the way raw lift does
 * (lift = co·N / (n_A·n_B) of 3 customers out of 5 can reach the hundreds); nor does it favour best-sellers the way raw
 * confidence co/n_A does (every product "goes with" whole milk). minCoCustomers drops pairs too thin to say anything.
 * Confidence and lift are kept beside it for the reasons shown to people.
 *
 * Memory is bounded by the catalogue, not by the customers: pair counts live in one lower-triangular Uint32Array over
 * the products seen (4 bytes × P(P−1)/2: 2,000 products → 8 MB, 5,000 → 50 MB, 10,000 → 200 MB), grown by a
 * quarter as new products appear (so at most ~1.6× that); `maxProducts` (default 10,000) refuses a catalogue beyond
 * that. Counting a customer's pairs costs O(h²) for h distinct products, so a history is capped at `maxHistory`
 * distinct products (default 100, i.e. at most 4,950 pairs): the product counts take the whole history, the pairs its
 * first `maxHistory` products as given — pass them most recent first. Histories that long are wholesale or staff
 * accounts whose pairs say little about affinity.
 */
import { RecommendError } from './errors.ts';

export interface AffinityBuilderOptions {
  /** Distinct products of one customer whose pairs are counted (default 100). */
  maxHistory?: number;
  /** Most distinct products the builder accepts (default 10,000; the pair table takes 2·P² bytes). */
  maxProducts?: number;
}

export interface BuildOptions {
  /** Neighbours kept per product (default 50). */
  maxNeighbours?: number;
  /** Fewest customers who bought both for a pair to count (default 3). */
  minCoCustomers?: number;
}

/**
 * Products are indexed 0 … P−1; neighbours of product i are entries offsets[i] … offsets[i+1]−1 of the three
 * neighbour arrays, by similarity (descending).
 */
export interface AffinityModel {
  /** Customers counted (the N of shares and lifts). */
  customers: number;
  /** Product id of each index. */
  productIds: Float64Array;
  /** Customers who bought each product (n). */
  productCustomers: Uint32Array;
  offsets: Uint32Array;
  /** Neighbour product index. */
  neighbours: Uint32Array;
  /** Customers who bought both. */
  coCustomers: Uint32Array;
  /** Cosine similarity co / √(n_A·n_B). */
  similarity: Float64Array;
  /** Product id → index. */
  indexOf: ReadonlyMap<number, number>;
  /** Product indexes by customers (descending, then id). */
  popular: Uint32Array;
}

/** One stored neighbour: confidence = co / n(product) (share of the product's buyers who bought the neighbour), lift = co·N / (n(product)·n(neighbour)). */
export interface AffinityRow {
  product: number;
  neighbour: number;
  coCustomers: number;
  confidence: number;
  lift: number;
  similarity: number;
}

export const cosine = (co: number, nA: number, nB: number): number => (co === 0 ? 0 : co / Math.sqrt(nA * nB));

const triangle = (capacity: number) => (capacity * (capacity - 1)) / 2;

function positiveInteger(value: number, field: string, min: number): number {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RecommendError(field, `${field} は ${min} 以上の整数にしてください`, `${field} must be an integer of at least ${min}`);
  }
  return value;
}

export class AffinityBuilder {
  private readonly maxHistory: number;
  private readonly maxProducts: number;
  private readonly index = new Map<number, number>();
  private readonly ids: number[] = [];
  private capacity = 0;
  private counts = new Uint32Array(0);
  /** Pair (i, j), j < i, at i(i−1)/2 + j. */
  private pairs = new Uint32Array(0);
  /** Last customer (1-based) that held each product: dedupes a history without a Set. */
  private stamp = new Uint32Array(0);
  private scratch: number[] = [];
  private customerCount = 0;
  private cappedCount = 0;

  constructor(options: AffinityBuilderOptions = {}) {
    this.maxHistory = positiveInteger(options.maxHistory ?? 100, 'maxHistory', 2);
    this.maxProducts = positiveInteger(options.maxProducts ?? 10_000, 'maxProducts', 1);
  }

  /** Customers added so far. */
  get customers(): number { return this.customerCount; }
  /** Customers whose history was longer than maxHistory (their pairs were counted on the first maxHistory products). */
  get capped(): number { return this.cappedCount; }
  /** Distinct products seen so far. */
  get products(): number { return this.ids.length; }
  /** Bytes held by the counts (the pair table dominates). */
  get bytes(): number { return this.pairs.byteLength + this.counts.byteLength + this.stamp.byteLength; }

  private indexFor(productId: number): number {
    let i = this.index.get(productId);
    if (i !== undefined) return i;
    if (!Number.isSafeInteger(productId)) {
      throw new RecommendError('productIds', `商品 ID は整数にしてください: ${productId}`, `product ids must be integers: ${productId}`);
    }
    i = this.ids.length;
    if (i >= this.maxProducts) {
      throw new RecommendError('maxProducts', `商品が ${this.maxProducts} 種類を超えました`, `more than ${this.maxProducts} distinct products`);
    }
    if (i >= this.capacity) this.grow(Math.min(this.maxProducts, Math.max(64, Math.ceil(this.capacity * 1.25))));
    this.index.set(productId, i);
    this.ids.push(productId);
    return i;
  }

  private grow(capacity: number): void {
    const counts = new Uint32Array(capacity); counts.set(this.counts); this.counts = counts;
    const stamp = new Uint32Array(capacity); stamp.set(this.stamp); this.stamp = stamp;
    // Rows are appended at the end of the lower triangle, so the old table is a prefix of the new one.
    const pairs = new Uint32Array(triangle(capacity)); pairs.set(this.pairs); this.pairs = pairs;
    this.capacity = capacity;
  }

  /** One customer's products (any order, duplicates allowed; most recent first if the history may exceed maxHistory). */
  addCustomer(productIds: readonly number[]): void {
    const customer = ++this.customerCount;
    const held = this.scratch;
    held.length = 0;
    for (const id of productIds) {
      const i = this.indexFor(id);
      if (this.stamp[i] === customer) continue;
      this.stamp[i] = customer;
      this.counts[i]!++;
      held.push(i);
    }
    if (held.length > this.maxHistory) {
      this.cappedCount++;
      held.length = this.maxHistory;
    }
    held.sort((a, b) => a - b);
    const pairs = this.pairs;
    for (let x = 1; x < held.length; x++) {
      const i = held[x]!;
      const row = (i * (i - 1)) / 2;
      for (let y = 0; y < x; y++) pairs[row + held[y]!]!++;
    }
  }

  /** Keeps each product's top neighbours by cosine similarity among pairs with at least minCoCustomers customers. */
  build(options: BuildOptions = {}): AffinityModel {
    const maxNeighbours = positiveInteger(options.maxNeighbours ?? 50, 'maxNeighbours', 1);
    const minCo = positiveInteger(options.minCoCustomers ?? 3, 'minCoCustomers', 1);
    const p = this.ids.length;
    const counts = this.counts;
    const heaps = new NeighbourHeaps(Float64Array.from(this.ids), maxNeighbours);
    for (let i = 1; i < p; i++) {
      const row = (i * (i - 1)) / 2;
      const ni = counts[i]!;
      for (let j = 0; j < i; j++) {
        const co = this.pairs[row + j]!;
        if (co < minCo) continue;
        const s = co / Math.sqrt(ni * counts[j]!);
        heaps.offer(i, j, co, s);
        heaps.offer(j, i, co, s);
      }
    }
    return heaps.toModel(this.customerCount, counts.slice(0, p));
  }
}

/** A bounded min-heap of neighbours per product (by similarity, then the lower product id wins a tie). */
class NeighbourHeaps {
  private readonly size: Uint32Array;
  private readonly nb: Uint32Array;
  private readonly co: Uint32Array;
  private readonly sim: Float64Array;
  private readonly products: number;

  constructor(private readonly ids: Float64Array, private readonly m: number) {
    const products = ids.length;
    this.products = products;
    this.size = new Uint32Array(products);
    this.nb = new Uint32Array(products * m);
    this.co = new Uint32Array(products * m);
    this.sim = new Float64Array(products * m);
  }

  /** Entry x weaker than entry y: lower similarity, or equal similarity and a higher product id. */
  private weaker(x: number, y: number): boolean {
    return this.sim[x]! < this.sim[y]! || (this.sim[x] === this.sim[y] && this.ids[this.nb[x]!]! > this.ids[this.nb[y]!]!);
  }

  private swap(x: number, y: number): void {
    const nb = this.nb[x]!, co = this.co[x]!, sim = this.sim[x]!;
    this.nb[x] = this.nb[y]!; this.co[x] = this.co[y]!; this.sim[x] = this.sim[y]!;
    this.nb[y] = nb; this.co[y] = co; this.sim[y] = sim;
  }

  offer(product: number, neighbour: number, co: number, similarity: number): void {
    const base = product * this.m;
    const n = this.size[product]!;
    if (n < this.m) {
      let at = base + n;
      this.nb[at] = neighbour; this.co[at] = co; this.sim[at] = similarity;
      this.size[product] = n + 1;
      while (at > base) {
        const parent = base + ((at - base - 1) >> 1);
        if (!this.weaker(at, parent)) break;
        this.swap(at, parent);
        at = parent;
      }
      return;
    }
    const root = this.sim[base]!;
    if (similarity < root || (similarity === root && this.ids[neighbour]! > this.ids[this.nb[base]!]!)) return;
    this.nb[base] = neighbour; this.co[base] = co; this.sim[base] = similarity;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1, right = left + 1;
      let least = at;
      if (left < n && this.weaker(base + left, base + least)) least = left;
      if (right < n && this.weaker(base + right, base + least)) least = right;
      if (least === at) break;
      this.swap(base + at, base + least);
      at = least;
    }
  }

  toModel(customers: number, productCustomers: Uint32Array): AffinityModel {
    const productIds = this.ids;
    const offsets = new Uint32Array(this.products + 1);
    for (let i = 0; i < this.products; i++) offsets[i + 1] = offsets[i]! + this.size[i]!;
    const total = offsets[this.products]!;
    const neighbours = new Uint32Array(total), coCustomers = new Uint32Array(total), similarity = new Float64Array(total);
    for (let i = 0; i < this.products; i++) {
      const base = i * this.m;
      const order = Array.from({ length: this.size[i]! }, (_, x) => base + x)
        .sort((x, y) => (this.weaker(x, y) ? 1 : this.weaker(y, x) ? -1 : 0));
      order.forEach((from, x) => {
        const to = offsets[i]! + x;
        neighbours[to] = this.nb[from]!; coCustomers[to] = this.co[from]!; similarity[to] = this.sim[from]!;
      });
    }
    return assemble(customers, productIds, productCustomers, offsets, neighbours, coCustomers, similarity);
  }
}

function assemble(
  customers: number, productIds: Float64Array, productCustomers: Uint32Array, offsets: Uint32Array,
  neighbours: Uint32Array, coCustomers: Uint32Array, similarity: Float64Array,
): AffinityModel {
  const indexOf = new Map<number, number>();
  productIds.forEach((id, i) => indexOf.set(id, i));
  const popular = Uint32Array.from(productIds.keys())
    .sort((a, b) => productCustomers[b]! - productCustomers[a]! || productIds[a]! - productIds[b]!);
  return { customers, productIds, productCustomers, offsets, neighbours, coCustomers, similarity, indexOf, popular };
}

/** Neighbour entry e of product index i as a row (the numbers a reason needs). */
export function neighbourRow(model: AffinityModel, i: number, e: number): AffinityRow {
  const j = model.neighbours[e]!;
  const co = model.coCustomers[e]!;
  const ni = model.productCustomers[i]!, nj = model.productCustomers[j]!;
  return {
    product: model.productIds[i]!,
    neighbour: model.productIds[j]!,
    coCustomers: co,
    confidence: co / ni,
    lift: (co * model.customers) / (ni * nj),
    similarity: model.similarity[e]!,
  };
}

/** Every kept neighbour as a row, product by product, strongest first (for a table). */
export function modelRows(model: AffinityModel): AffinityRow[] {
  const rows: AffinityRow[] = [];
  for (let i = 0; i < model.productIds.length; i++) {
    for (let e = model.offsets[i]!; e < model.offsets[i + 1]!; e++) rows.push(neighbourRow(model, i, e));
  }
  return rows;
}

/** Customers per product, for storing beside the rows: [productId, customers]. */
export function productCountRows(model: AffinityModel): [number, number][] {
  return Array.from(model.productIds, (id, i) => [id, model.productCustomers[i]!]);
}

/**
 * The model back from its rows, the customers of every product ([productId, customers] pairs, or a Map) and the
 * customer total. Similarities are recomputed from the counts (so a column stored with less precision cannot reorder
 * neighbours); a row whose product or neighbour has no count is refused.
 */
export function modelFromRows(
  rows: Iterable<Pick<AffinityRow, 'product' | 'neighbour' | 'coCustomers'>>,
  productCounts: Iterable<readonly [number, number]>,
  customers: number,
): AffinityModel {
  positiveInteger(customers, 'customers', 0);
  const ids: number[] = [], counts: number[] = [];
  const index = new Map<number, number>();
  for (const [id, n] of productCounts) {
    if (index.has(id)) continue;
    index.set(id, ids.length);
    ids.push(id);
    counts.push(n);
  }
  const byProduct: { j: number; co: number; sim: number }[][] = ids.map(() => []);
  for (const row of rows) {
    const i = index.get(row.product), j = index.get(row.neighbour);
    if (i === undefined || j === undefined) {
      const missing = i === undefined ? row.product : row.neighbour;
      throw new RecommendError('productCounts', `商品 ${missing} の購入顧客数がありません`, `no customer count for product ${missing}`);
    }
    byProduct[i]!.push({ j, co: row.coCustomers, sim: cosine(row.coCustomers, counts[i]!, counts[j]!) });
  }
  const offsets = new Uint32Array(ids.length + 1);
  byProduct.forEach((list, i) => { offsets[i + 1] = offsets[i]! + list.length; });
  const total = offsets[ids.length]!;
  const neighbours = new Uint32Array(total), coCustomers = new Uint32Array(total), similarity = new Float64Array(total);
  byProduct.forEach((list, i) => {
    list.sort((a, b) => b.sim - a.sim || ids[a.j]! - ids[b.j]!);
    list.forEach((entry, x) => {
      const to = offsets[i]! + x;
      neighbours[to] = entry.j; coCustomers[to] = entry.co; similarity[to] = entry.sim;
    });
  });
  return assemble(customers, Float64Array.from(ids), Uint32Array.from(counts), offsets, neighbours, coCustomers, similarity);
}
