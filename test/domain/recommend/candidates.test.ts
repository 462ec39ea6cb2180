import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AffinityBuilder, type CatalogEntry, candidatesFor, hitRateAtK, popularityBaseline, RecommendError, reasonText,
} from '../../../src/domain/recommend/index.ts';

const catalog: CatalogEntry[] = [
  { id: 1, category: 'コーヒー', price: 1000, active: true },
  { id: 2, category: '器具', price: '2000', active: true },
  { id: 3, category: '器具', price: 300, active: true },
  { id: 4, category: '雑貨', price: 1500, active: false },
  { id: 5, category: 'コーヒー', price: 1800, active: true },
  { id: 6, category: 'コーヒー', price: 5000, active: true },
  { id: 7, category: 'お茶', price: 800, active: true },
  { id: 8, category: 'コーヒー', price: '2500.00', active: true },
];
const names = new Map([[1, 'コーヒー豆A'], [2, 'ドリッパー'], [3, 'フィルター'], [4, 'マグカップ'], [5, 'コーヒー豆B'], [6, 'コーヒー豆C'], [7, '紅茶'], [8, 'コーヒー豆D']]);
const name = (id: number) => names.get(id)!;

// Ten customers: n(1) 8, n(2) 5, n(3) 4, n(4) 2, n(7) 2, n(5) 1; co(1,2) 5, co(1,3) 3, co(2,3) 3, co(1,4) 2, co(1,5) 1, co(3,7) 1.
const builder = new AffinityBuilder();
for (const c of [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2], [1, 2], [1, 4], [1, 4], [1, 5], [7], [7, 3]]) builder.addCustomer(c);
const model = builder.build({ maxNeighbours: 50, minCoCustomers: 1 });

const ids = (list: { productId: number }[]) => list.map((c) => c.productId);

test('candidates of a coffee buyer: neighbours by similarity, then the up-sell band, then popular; never bought or inactive products', () => {
  const list = candidatesFor([{ productId: 1, lastBoughtAt: '2026-03-01' }], model, catalog, { k: 10 });
  // 2 (0.79) and 3 (0.53) are neighbours; 4 is inactive; 5 is a neighbour (0.35) at 1.8× the coffee they buy: up-sell;
  // 8 (2.5×) is in the band with no tie yet; 6 (5×) is beyond it; 7 is popular.
  assert.deepEqual(ids(list), [2, 3, 5, 8, 7]);
  assert.deepEqual(list.map((c) => c.kind), ['cross_sell', 'cross_sell', 'up_sell', 'up_sell', 'popular']);
  assert.equal(list[0]!.score, 5 / Math.sqrt(8 * 5));
  assert.deepEqual(list[0]!.reason, { kind: 'bought_together', fromProductId: 1, toProductId: 2, share: 5 / 8, lift: (5 * 10) / (8 * 5), customers: 5, alsoFrom: 0 });
  assert.deepEqual(list[2]!.reason, { kind: 'upsell', fromProductId: 1, toProductId: 5, category: 'コーヒー', priceRatio: 1.8 });
  assert.deepEqual(list[4]!.reason, { kind: 'popular', toProductId: 7, customers: 2, share: 0.2 });
  assert.deepEqual(ids(candidatesFor([{ productId: 1 }], model, catalog, { k: 2 })), [2, 3]);
});

test('similarities add up over the history; the reason is the strongest single tie', () => {
  const list = candidatesFor([{ productId: 1 }, { productId: 2 }, { productId: 1 }], model, catalog, { k: 3 });
  assert.equal(list[0]!.productId, 3);
  assert.equal(list[0]!.score, 3 / Math.sqrt(8 * 4) + 3 / Math.sqrt(5 * 4));
  assert.deepEqual(list[0]!.reason, { kind: 'bought_together', fromProductId: 2, toProductId: 3, share: 3 / 5, lift: (3 * 10) / (5 * 4), customers: 3, alsoFrom: 1 });
  assert.ok(list.every((c) => c.productId !== 1 && c.productId !== 2 && c.productId !== 4));
});

test('up-sell is measured from the dearest price paid in the category (the history’s price over the catalogue’s)', () => {
  const list = candidatesFor([{ productId: 1, price: 2000 }], model, catalog, { k: 10 });
  // At 2,000 paid, 5 (1,800) is no step up: a cross-sell; 8 (2,500, 1.25×) and 6 (5,000, 2.5×) are.
  assert.equal(list.find((c) => c.productId === 5)!.kind, 'cross_sell');
  const up = list.filter((c) => c.kind === 'up_sell');
  assert.deepEqual(ids(up), [8, 6]);
  assert.equal((up[0]!.reason as { priceRatio: number }).priceRatio, 1.25);
  assert.ok(list.every((c) => c.kind !== 'up_sell' || catalog.find((e) => e.id === c.productId)!.category === 'コーヒー'));
});

test('a customer without history gets the popular active products, most customers first', () => {
  const list = candidatesFor([], model, catalog, { k: 10 });
  assert.deepEqual(ids(list), [1, 2, 3, 7, 5]);
  assert.ok(list.every((c) => c.kind === 'popular'));
  assert.deepEqual(candidatesFor([{ productId: 99 }], model, catalog, { k: 1 }).map((c) => c.productId), [1]);
  assert.throws(() => candidatesFor([], model, catalog, { k: -1 }), (e: unknown) => e instanceof RecommendError && e.field === 'k');
});

test('reasons in Japanese and English', () => {
  assert.equal(
    reasonText({ kind: 'bought_together', fromProductId: 1, toProductId: 2, share: 0.42, lift: 3.14, customers: 120, alsoFrom: 0 }, name, 'ja'),
    'コーヒー豆A を購入した顧客の 42% が ドリッパー も購入 (リフト 3.1)',
  );
  assert.equal(
    reasonText({ kind: 'bought_together', fromProductId: 2, toProductId: 3, share: 0.6, lift: 1.5, customers: 3, alsoFrom: 1 }, name, 'ja'),
    'ドリッパー を購入した顧客の 60% が フィルター も購入 (リフト 1.5)。購入中のほか 1 商品とも併せて購入されています',
  );
  assert.equal(
    reasonText({ kind: 'bought_together', fromProductId: 1, toProductId: 2, share: 0.42, lift: 3.14, customers: 120, alsoFrom: 0 }, name, 'en'),
    '42% of customers who bought コーヒー豆A also bought ドリッパー (lift 3.1)',
  );
  assert.equal(
    reasonText({ kind: 'upsell', fromProductId: 1, toProductId: 5, category: 'コーヒー', priceRatio: 1.8 }, name, 'ja'),
    'コーヒー で購入中の コーヒー豆A より上位の商品 (価格 1.8 倍)',
  );
  assert.equal(reasonText({ kind: 'popular', toProductId: 7, customers: 12345, share: 0.123 }, name, 'ja'), '顧客の 12% (12,345 人) が購入している人気商品');
  assert.equal(reasonText({ kind: 'popular', toProductId: 7, customers: 420, share: 0.042 }, name, 'en'), 'A popular product: bought by 4.2% of customers (420)');
});

test('hit rate at k on a tiny split, and the popularity baseline', () => {
  const train = new Map([['c1', [1, 2]], ['c2', [3]], ['c3', [1]]]);
  // c1's new product is 4; c2 bought nothing new (not counted); c3's is 5; c4 is new and bought 6.
  const after = new Map([['c1', [2, 4]], ['c2', [3]], ['c3', [5, 1]], ['c4', [6]]]);
  const recs = new Map([['c1', [9, 4]], ['c2', [1]], ['c3', [7, 8]], ['c4', [6]]]);
  assert.deepEqual(hitRateAtK(train, after, (c) => recs.get(c)!, 2), { hitRate: 2 / 3, hits: 2, customers: 3 });
  assert.deepEqual(hitRateAtK(train, after, (c) => recs.get(c)!, 1), { hitRate: 1 / 3, hits: 1, customers: 3 });
  const popular = popularityBaseline(train, 2);
  assert.deepEqual(popular('c1'), [3]);
  assert.deepEqual(popular('c3'), [2, 3]);
  assert.deepEqual(popular('c4'), [1, 2]);
  assert.deepEqual(hitRateAtK(train, after, popular, 2), { hitRate: 0, hits: 0, customers: 3 });
});
