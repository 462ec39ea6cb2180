import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AffinityBuilder, type AffinityModel, modelFromRows, modelRows, productCountRows, RecommendError } from '../../../src/domain/recommend/index.ts';

// Five customers: n(1) = 4, n(2) = 4, n(3) = 2; both 1 and 2: 3, 1 and 3: 1, 2 and 3: 2.
const customers = [[1, 2], [1, 2, 3], [1], [2, 3], [2, 1, 1]];

const build = (options: { maxNeighbours?: number; minCoCustomers?: number } = {}) => {
  const b = new AffinityBuilder();
  for (const c of customers) b.addCustomer(c);
  return b.build({ maxNeighbours: 50, minCoCustomers: 1, ...options });
};

/** [neighbour, coCustomers, similarity] of a product, strongest first. */
const neighboursOf = (model: AffinityModel, productId: number) =>
  modelRows(model).filter((r) => r.product === productId).map((r) => [r.neighbour, r.coCustomers, r.similarity]);

test('counts and cosine similarities by hand: co / √(n_A·n_B), a product repeated in a history counted once', () => {
  const model = build();
  assert.equal(model.customers, 5);
  assert.deepEqual(productCountRows(model).sort((a, b) => a[0] - b[0]), [[1, 4], [2, 4], [3, 2]]);
  assert.deepEqual(neighboursOf(model, 1), [[2, 3, 3 / 4], [3, 1, 1 / Math.sqrt(8)]]);
  assert.deepEqual(neighboursOf(model, 3), [[2, 2, 2 / Math.sqrt(8)], [1, 1, 1 / Math.sqrt(8)]]);
  const row = modelRows(model).find((r) => r.product === 3 && r.neighbour === 2)!;
  assert.equal(row.confidence, 1); // both buyers of 3 bought 2
  assert.equal(row.lift, (2 * 5) / (2 * 4));
  const back = modelRows(model).find((r) => r.product === 2 && r.neighbour === 3)!;
  assert.equal(back.confidence, 2 / 4);
});

test('minCoCustomers drops thin pairs; maxNeighbours keeps the strongest', () => {
  assert.deepEqual(neighboursOf(build({ minCoCustomers: 2 }), 1), [[2, 3, 3 / 4]]);
  assert.deepEqual(neighboursOf(build({ maxNeighbours: 1 }), 3), [[2, 2, 2 / Math.sqrt(8)]]);
  assert.deepEqual(neighboursOf(build({ maxNeighbours: 1 }), 2), [[1, 3, 3 / 4]]);
});

test('the model goes to rows and product counts (through JSON) and back unchanged', () => {
  const model = build();
  const stored = JSON.parse(JSON.stringify({ rows: modelRows(model), counts: productCountRows(model), customers: model.customers })) as {
    rows: ReturnType<typeof modelRows>; counts: [number, number][]; customers: number;
  };
  const loaded = modelFromRows(stored.rows.reverse(), new Map(stored.counts), stored.customers);
  assert.deepEqual(modelRows(loaded), modelRows(model));
  assert.deepEqual(loaded.popular.map((i) => loaded.productIds[i]!), model.popular.map((i) => model.productIds[i]!));
  assert.throws(() => modelFromRows([{ product: 1, neighbour: 9, coCustomers: 3 }], [[1, 4]], 5), (e: unknown) => e instanceof RecommendError && e.field === 'productCounts');
});

test('the streaming builder equals a brute-force pair count on random histories (top neighbours by cosine, ties by id)', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const histories = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(random() * 8) }, () => 100 + Math.floor(random() * random() * 40)));
  const b = new AffinityBuilder();
  for (const h of histories) b.addCustomer(h);
  const model = b.build({ maxNeighbours: 5, minCoCustomers: 2 });
  const sets = histories.map((h) => new Set(h));
  const ids = [...new Set(histories.flat())];
  const n = (x: number) => sets.filter((s) => s.has(x)).length;
  for (const a of ids) {
    const expected = ids.filter((x) => x !== a)
      .map((x) => ({ x, co: sets.filter((s) => s.has(a) && s.has(x)).length }))
      .filter((e) => e.co >= 2)
      .map((e) => ({ ...e, sim: e.co / Math.sqrt(n(a) * n(e.x)) }))
      .sort((p, q) => q.sim - p.sim || p.x - q.x)
      .slice(0, 5)
      .map((e) => [e.x, e.co, e.sim]);
    assert.deepEqual(neighboursOf(model, a), expected, `neighbours of ${a}`);
  }
});

test('a history beyond maxHistory counts every product but pairs only its first maxHistory; too many products are refused', () => {
  const b = new AffinityBuilder({ maxHistory: 2 });
  b.addCustomer([5, 6, 7]);
  b.addCustomer([7, 6]);
  assert.equal(b.capped, 1);
  const model = b.build({ minCoCustomers: 1 });
  assert.deepEqual(productCountRows(model).sort((x, y) => x[0] - y[0]), [[5, 1], [6, 2], [7, 2]]);
  assert.deepEqual(modelRows(model).map((r) => [r.product, r.neighbour, r.coCustomers]).sort(), [[5, 6, 1], [6, 5, 1], [6, 7, 1], [7, 6, 1]].sort());
  const small = new AffinityBuilder({ maxProducts: 2 });
  assert.throws(() => small.addCustomer([1, 2, 3]), (e: unknown) => e instanceof RecommendError && e.field === 'maxProducts');
});
