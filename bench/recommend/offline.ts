/**
 * Offline quality of the cross-sell candidates on synthetic histories (no database): purchases before the cut-off
 * (75% of the period) train the affinity model, and hit rate@k is measured on the products each customer bought
 * after it for the first time — candidatesFor against the popularity baseline, and their ratio. Also prints the
 * builder's time and memory.
 *
 *   npx tsx bench/recommend/offline.ts [--customers 100000] [--products 2000] [--k 10] [--seed 1] [--mean-purchases 6]
 *                                   [--builder-only]
 *
 * --builder-only streams the customers through the AffinityBuilder and stops there (for 1M customers).
 */
import { AffinityBuilder, candidatesFor, type HistoryEntry, hitRateAtK, popularityBaseline } from '../../src/domain/recommend/index.ts';
import { generatePurchases } from './generate.ts';

const argValue = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const customers = Number(argValue('customers') ?? 100_000);
const products = Number(argValue('products') ?? 2_000);
const k = Number(argValue('k') ?? 10);
const seed = Number(argValue('seed') ?? 1);
const meanPurchases = Number(argValue('mean-purchases') ?? 6);
const builderOnly = process.argv.includes('--builder-only');
const days = 365;
const cut = Math.round(days * 0.75);

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

let t = performance.now();
const data = generatePurchases({ customers, products, seed, days, meanPurchases });
log(`generated ${customers.toLocaleString('en')} customers, ${data.product.length.toLocaleString('en')} purchases, ${products} products in ${since(t)}`);

const isoDay = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
const train = new Map<number, number[]>();
const test = new Map<number, number[]>();
const histories = new Map<number, HistoryEntry[]>();

const heapBefore = process.memoryUsage();
t = performance.now();
const builder = new AffinityBuilder();
const recentFirst: number[] = [];
for (let c = 0; c < customers; c++) {
  recentFirst.length = 0;
  const before: number[] = [], after: number[] = [];
  for (let e = data.offsets[c]!; e < data.offsets[c + 1]!; e++) (data.day[e]! < cut ? before : after).push(data.product[e]!);
  for (let x = before.length - 1; x >= 0; x--) recentFirst.push(before[x]!);
  builder.addCustomer(recentFirst);
  if (builderOnly) continue;
  train.set(c, before);
  if (after.length > 0) test.set(c, after);
  const history: HistoryEntry[] = [];
  for (let e = data.offsets[c]!; e < data.offsets[c + 1]! && data.day[e]! < cut; e++) {
    history.push({ productId: data.product[e]!, lastBoughtAt: isoDay(data.day[e]!) });
  }
  histories.set(c, history);
}
const countedIn = since(t);
t = performance.now();
const model = builder.build({ maxNeighbours: 50, minCoCustomers: 3 });
const heapAfter = process.memoryUsage();
log(`builder: ${customers.toLocaleString('en')} customers counted in ${countedIn}${builderOnly ? '' : ' (with the train/test split)'}, built in ${since(t)}; `
  + `${builder.products} products, ${model.neighbours.length.toLocaleString('en')} neighbours, ${builder.capped} histories capped; `
  + `counts ${mib(builder.bytes)}, array buffers ${mib(heapAfter.arrayBuffers)}, rss ${mib(heapAfter.rss)} (before ${mib(heapBefore.rss)})`);
if (builderOnly) process.exit(0);

t = performance.now();
const cross = hitRateAtK(train, test, (c) => candidatesFor(histories.get(c)!, model, data.catalog, { k }).map((x) => x.productId), k);
const crossTime = since(t);
const popular = hitRateAtK(train, test, popularityBaseline(train, k), k);
log(`customers with a new product after the cut-off: ${cross.customers.toLocaleString('en')}`);
log(`hit rate@${k}: candidatesFor ${(cross.hitRate * 100).toFixed(2)}% (${crossTime} for all), popularity ${(popular.hitRate * 100).toFixed(2)}%, `
  + `ratio ${(cross.hitRate / popular.hitRate).toFixed(2)}×`);

const kinds = new Map<string, number>();
for (let c = 0; c < Math.min(customers, 10_000); c++) {
  for (const x of candidatesFor(histories.get(c)!, model, data.catalog, { k })) kinds.set(x.kind, (kinds.get(x.kind) ?? 0) + 1);
}
log(`kinds among the first 10,000 customers' candidates: ${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
