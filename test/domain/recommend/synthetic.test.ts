import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePurchases } from '../../../bench/recommend/generate.ts';
import { AffinityBuilder, candidatesFor, hitRateAtK, popularityBaseline } from '../../../src/domain/recommend/index.ts';

const small = { customers: 8_000, products: 300, seed: 5 };

test('the synthetic histories are the same for the same seed, in time order, with prices and inactive products', () => {
  const a = generatePurchases(small), b = generatePurchases(small);
  assert.deepEqual(a.product, b.product);
  assert.deepEqual(a.day, b.day);
  assert.notDeepEqual(generatePurchases({ ...small, seed: 6 }).product, a.product);
  assert.equal(a.offsets.length, small.customers + 1);
  for (let c = 0; c < small.customers; c++) {
    assert.ok(a.offsets[c + 1]! > a.offsets[c]!, `customer ${c} bought something`);
    for (let e = a.offsets[c]! + 1; e < a.offsets[c + 1]!; e++) assert.ok(a.day[e]! >= a.day[e - 1]!);
  }
  assert.ok(a.catalog.every((p) => typeof p.price === 'number' && p.price > 0));
  assert.ok(a.catalog.some((p) => !p.active));
});

test('on histories with structure, the candidates find the products bought after the cut-off better than popularity', () => {
  const data = generatePurchases(small);
  const cut = 274;
  const train = new Map<number, number[]>(), after = new Map<number, number[]>();
  const builder = new AffinityBuilder();
  for (let c = 0; c < small.customers; c++) {
    const before: number[] = [], later: number[] = [];
    for (let e = data.offsets[c]!; e < data.offsets[c + 1]!; e++) (data.day[e]! < cut ? before : later).push(data.product[e]!);
    train.set(c, before);
    after.set(c, later);
    builder.addCustomer([...before].reverse());
  }
  const model = builder.build({ maxNeighbours: 50, minCoCustomers: 3 });
  const recommend = (c: number) => candidatesFor(train.get(c)!.map((productId) => ({ productId })), model, data.catalog, { k: 10 }).map((x) => x.productId);
  const ours = hitRateAtK(train, after, recommend, 10);
  const popular = hitRateAtK(train, after, popularityBaseline(train, 10), 10);
  assert.equal(ours.customers, popular.customers);
  assert.ok(ours.customers > 1000);
  assert.ok(ours.hitRate > popular.hitRate, `candidates ${ours.hitRate} vs popularity ${popular.hitRate}`);
});
