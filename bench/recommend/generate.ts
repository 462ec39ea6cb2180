/**
 * Synthetic purchase histories with structure, for the cross-sell benchmarks (issue 22). Pure: the same options and
 * seed give the same data.
 *
 * - Products belong to categories (sizes skewed); each has a popularity weight (Zipf over a random rank, exponent
 *   0.8), a price tier 0–3 and a price = category base × 1.6^tier × noise, and one or two complements in other
 *   categories (an accessory, a refill).
 * - Customers belong to a latent taste group (groups skewed in size). A group favours a few categories and, inside
 *   each, a third of its products (×5). A customer has a price tier they shop at, which may step up over time.
 * - Each purchase, in time order over `days`: with probability `noise` a product by global popularity; else, if they
 *   have bought something with a complement, with probability 0.25 a complement of an earlier purchase; else a
 *   product of a category their group favours, weighted by the group's boost × popularity × closeness to their tier.
 * - Purchases per customer: 1 + a geometric count with mean meanPurchases − 1 (most buy little, a few buy a lot).
 */
import type { CatalogEntry } from '../../src/domain/recommend/index.ts';

export interface GenerateOptions {
  customers: number;
  products: number;
  seed?: number;
  categories?: number;
  tasteGroups?: number;
  /** Share of purchases drawn by global popularity alone (default 0.2). */
  noise?: number;
  /** Mean purchases per customer (default 6). */
  meanPurchases?: number;
  /** The period, in days (default 365). */
  days?: number;
}

export interface SyntheticData {
  catalog: CatalogEntry[];
  names: string[];
  /** Purchases of customer c: entries offsets[c] … offsets[c+1]−1, in time order. */
  offsets: Uint32Array;
  product: Uint32Array;
  day: Uint16Array;
}

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights for drawing by binary search. */
class Draw {
  private readonly cumulative: Float64Array;
  constructor(private readonly items: ArrayLike<number>, weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) this.cumulative[i] = sum += weights[i]!;
  }
  pick(random: () => number): number {
    const c = this.cumulative;
    const target = random() * c[c.length - 1]!;
    let lo = 0, hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]! <= target) lo = mid + 1; else hi = mid;
    }
    return this.items[lo]!;
  }
}

const TIERS = 4;

export function generatePurchases(options: GenerateOptions): SyntheticData {
  const {
    customers, products, seed = 1, categories = Math.max(2, Math.round(products / 50)), tasteGroups = 20,
    noise = 0.2, meanPurchases = 6, days = 365,
  } = options;
  const random = prng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  // Categories and products.
  const categorySize = Array.from({ length: categories }, (_, c) => 1 / (c + 1) ** 0.5);
  const drawCategory = new Draw(Array.from({ length: categories }, (_, c) => c), categorySize);
  const categoryOf = new Uint32Array(products);
  for (let p = 0; p < products; p++) categoryOf[p] = p < categories ? p : drawCategory.pick(random);
  const base = Array.from({ length: categories }, () => Math.round(500 * Math.exp(1.5 * random())));
  const ranks = Array.from({ length: products }, (_, p) => p);
  for (let i = products - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!]; }
  const popularity = Float64Array.from(ranks, (rank) => 1 / (rank + 1) ** 0.8);
  const tier = Uint8Array.from({ length: products }, () => Math.floor(random() * TIERS));
  const catalog: CatalogEntry[] = [];
  const names: string[] = [];
  const inCategory: number[][] = Array.from({ length: categories }, () => []);
  for (let p = 0; p < products; p++) {
    const c = categoryOf[p]!;
    inCategory[c]!.push(p);
    const price = Math.round(base[c]! * 1.6 ** tier[p]! * Math.exp(0.1 * gaussian()));
    catalog.push({ id: p + 1, category: `カテゴリ${c + 1}`, price, active: random() > 0.02 });
    names.push(`商品${p + 1}`);
  }
  const complements = Array.from({ length: products }, () => {
    const n = 1 + (random() < 0.5 ? 1 : 0);
    return Array.from({ length: n }, () => Math.floor(random() * products));
  });
  const drawGlobal = new Draw(Array.from({ length: products }, (_, p) => p), popularity);

  // Taste groups: favoured categories and, inside them, favoured products; a draw per (group, category, tier).
  const groupSize = Array.from({ length: tasteGroups }, (_, g) => 1 / (g + 1) ** 0.7);
  const drawGroup = new Draw(Array.from({ length: tasteGroups }, (_, g) => g), groupSize);
  const groups = Array.from({ length: tasteGroups }, () => {
    const favoured = Array.from({ length: 2 + Math.floor(random() * 3) }, () => drawCategory.pick(random));
    const weights = favoured.map(() => 0.2 + random());
    const drawFavoured = new Draw(favoured, weights);
    const byTier = new Map<number, Draw[]>();
    for (const c of new Set(favoured)) {
      const members = inCategory[c]!;
      const boost = members.map(() => (random() < 1 / 3 ? 5 : 1));
      byTier.set(c, Array.from({ length: TIERS }, (_, t) =>
        new Draw(members, members.map((p, i) => boost[i]! * popularity[p]! * 0.35 ** Math.abs(tier[p]! - t)))));
    }
    return { drawFavoured, byTier };
  });

  // Customers.
  const offsets = new Uint32Array(customers + 1);
  const product: number[] = [];
  const day: number[] = [];
  const stay = 1 - 1 / Math.max(1, meanPurchases);
  const dates: number[] = [];
  for (let c = 0; c < customers; c++) {
    const group = groups[drawGroup.pick(random)]!;
    let shopsAt = Math.min(TIERS - 1, Math.floor(random() * random() * TIERS));
    let n = 1;
    while (random() < stay) n++;
    dates.length = 0;
    for (let i = 0; i < n; i++) dates.push(Math.floor(random() * days));
    dates.sort((a, b) => a - b);
    const start = product.length;
    for (let i = 0; i < n; i++) {
      let p: number;
      const u = random();
      if (u < noise) p = drawGlobal.pick(random);
      else if (i > 0 && u < noise + (1 - noise) * 0.25) {
        const earlier = product[start + Math.floor(random() * i)]!;
        const list = complements[earlier - 1]!;
        p = list[Math.floor(random() * list.length)]!;
      } else {
        const category = group.drawFavoured.pick(random);
        p = group.byTier.get(category)![shopsAt]!.pick(random);
        if (random() < 0.1) shopsAt = Math.min(TIERS - 1, shopsAt + 1);
      }
      product.push(p + 1);
      day.push(dates[i]!);
    }
    offsets[c + 1] = product.length;
  }
  return { catalog, names, offsets, product: Uint32Array.from(product), day: Uint16Array.from(day) };
}
