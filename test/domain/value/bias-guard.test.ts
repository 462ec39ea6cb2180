import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIAS_MIN_BUYERS, type BiasGuardCustomer, biasGuard, biasGuardCustomers, rfmFactsFromOrders, scoreRfm, ValueModelError } from '../../../src/domain/value/index.ts';

const many = (n: number, c: BiasGuardCustomer): BiasGuardCustomer[] => Array.from({ length: n }, () => ({ ...c }));

test('the order-count histogram has buckets 0, 1, 2, 3–5, 6–9, 10+ with counts, money and shares', () => {
  const counts = [0, 1, 2, 3, 5, 6, 9, 10, 25, 1];
  const report = biasGuard(counts.map((orderCount) => ({ orderCount, monetary: orderCount === 0 ? '0' : '100', recencyDays: orderCount === 0 ? null : 10 })));
  assert.deepEqual(report.histogram.map((b) => [b.bucket, b.customers, b.monetary]), [
    ['0', 1, '0.00'], ['1', 2, '200.00'], ['2', 1, '100.00'], ['3-5', 2, '200.00'], ['6-9', 2, '200.00'], ['10+', 2, '200.00'],
  ]);
  assert.equal(report.histogram[1]!.customerShare, 0.2);
  assert.equal(report.histogram[1]!.monetaryShare, 200 / 900);
  assert.equal(report.customers, 10);
  assert.equal(report.buyers, 9);
});

test('summaries: nearest-rank quantiles are actual values (money exact), total exact, mean rounded half-up to the sen', () => {
  const report = biasGuard(Array.from({ length: 10 }, (_, i) => ({ orderCount: 1, monetary: `${i + 1}`, recencyDays: (i + 1) * 10 })));
  assert.deepEqual(report.monetary, { count: 10, min: '1.00', p25: '3.00', median: '5.00', p75: '8.00', p90: '9.00', max: '10.00', total: '55.00', mean: '5.50' });
  assert.deepEqual(report.recencyDays, { count: 10, min: 10, p25: 30, median: 50, p75: 80, p90: 90, max: 100, mean: 55 });
  const small = biasGuard([{ orderCount: 1, monetary: '0.10' }, { orderCount: 1, monetary: '0.20' }, { orderCount: 1, monetary: '0.05' }]);
  assert.equal(small.monetary!.total, '0.35');
  assert.equal(small.monetary!.mean, '0.12'); // 0.11666… → 0.12
  assert.equal(small.recencyDays, null); // no recency given
  assert.equal(biasGuard([]).monetary, null);
});

test('the tier split counts customers per tier, those without one under none', () => {
  const report = biasGuard([
    { orderCount: 5, monetary: '1', tier: 'loyal' }, { orderCount: 5, monetary: '1', tier: 'loyal' }, { orderCount: 1, monetary: '1', tier: 'new' },
    { orderCount: 0, monetary: '0', tier: null }, { orderCount: 1, monetary: '1' },
  ]);
  assert.deepEqual(report.tiers, { loyal: 2, stable: 0, new: 1, attention: 0, at_risk: 0, dormant: 0, none: 2 });
});

test('warns in Japanese and English when one-time buyers are 70% of people but 20% of revenue', () => {
  // 70 × 1,000 = 70,000 one-time; 30 × 9,333.34 = 280,000.20 repeat → one-time share of revenue 20%.
  const report = biasGuard([...many(70, { orderCount: 1, monetary: '1000' }), ...many(30, { orderCount: 4, monetary: '9333.34' })]);
  assert.equal(report.warnings.length, 1);
  const [w] = report.warnings;
  assert.equal(w!.code, 'one_time_majority_low_revenue');
  assert.match(w!.ja, /^1 回購入の顧客が 70% を占めますが、売上の 20% しかありません。/u);
  assert.match(w!.en, /One-time buyers are 70% of these customers but only 20% of the revenue/u);
  assert.equal(w!.oneTimeShare, 0.7);
  assert.ok(Math.abs(w!.oneTimeRevenueShare - 0.2) < 1e-6);
  assert.deepEqual(report.oneTime, { customers: 70, monetary: '70000.00' });
  assert.deepEqual(report.repeat, { customers: 30, monetary: '280000.20' });
});

test('warns the other way when a few one-off big orders carry the revenue', () => {
  const report = biasGuard([...many(30, { orderCount: 1, monetary: '50000' }), ...many(70, { orderCount: 3, monetary: '3000' })]);
  assert.equal(report.warnings[0]?.code, 'one_time_high_revenue');
  assert.match(report.warnings[0]!.ja, /1 回購入の顧客は 30% ですが、売上の 88% を占めます/u);
});

test('no warning when the gap is under 25 points, the set is small, it is not a mix, or revenue is not positive', () => {
  // 60% of people, 40% of revenue: a 20-point gap.
  assert.deepEqual(biasGuard([...many(60, { orderCount: 1, monetary: '100' }), ...many(40, { orderCount: 2, monetary: '225' })]).warnings, []);
  // Just over the line: 60% of people, 34.x% of revenue → warns.
  assert.equal(biasGuard([...many(60, { orderCount: 1, monetary: '100' }), ...many(40, { orderCount: 2, monetary: '285' })]).warnings.length, 1);
  // Too few buyers to judge.
  const tiny = [...many(13, { orderCount: 1, monetary: '10' }), ...many(BIAS_MIN_BUYERS - 14, { orderCount: 5, monetary: '1000' })];
  assert.deepEqual(biasGuard(tiny).warnings, []);
  // Repeat buyers are under 10% of buyers: not a mix, one group.
  assert.deepEqual(biasGuard([...many(95, { orderCount: 1, monetary: '10' }), ...many(5, { orderCount: 9, monetary: '10000' })]).warnings, []);
  // Only one-time buyers.
  assert.deepEqual(biasGuard(many(100, { orderCount: 1, monetary: '10' })).warnings, []);
  // Net revenue not positive (returns): no share to compare.
  assert.deepEqual(biasGuard([...many(70, { orderCount: 1, monetary: '-10' }), ...many(30, { orderCount: 2, monetary: '5' })]).warnings, []);
  // Non-buyers do not count towards the shares.
  const withNonBuyers = biasGuard([...many(500, { orderCount: 0, monetary: '0' }), ...many(60, { orderCount: 1, monetary: '100' }), ...many(40, { orderCount: 2, monetary: '225' })]);
  assert.deepEqual(withNonBuyers.warnings, []);
});

test('bad input is refused with the field named', () => {
  assert.throws(() => biasGuard([{ orderCount: -1, monetary: '1' }]), (e: unknown) => e instanceof ValueModelError && e.field === 'customers[0].orderCount');
  assert.throws(() => biasGuard([{ orderCount: 1, monetary: '¥1,000' }]), (e: unknown) => e instanceof ValueModelError && e.field === 'customers[0].monetary');
});

test('from orders to the guard: facts over the base, scores over the base, the guard over a selection', () => {
  const orders = [];
  for (let i = 0; i < 30; i += 1) orders.push({ customerId: `once${i}`, orderId: 'o1', orderedAt: '2026-03-01T10:00:00+09:00', cancelled: false, lines: [{ quantity: '1', unitPrice: '1000' }] });
  for (let i = 0; i < 10; i += 1) {
    for (let k = 0; k < 6; k += 1) {
      orders.push({ customerId: `repeat${i}`, orderId: `o${k}`, orderedAt: `2026-03-0${k + 1}T10:00:00+09:00`, cancelled: false, lines: [{ quantity: '2', unitPrice: '4000' }] });
    }
  }
  const facts = rfmFactsFromOrders(orders, { asOf: '2026-04-01', customerIds: ['never'] });
  const scores = scoreRfm(facts);
  const report = biasGuard(biasGuardCustomers(facts, scores));
  assert.equal(report.customers, 41);
  assert.deepEqual(report.histogram.map((b) => b.customers), [1, 30, 0, 0, 10, 0]);
  assert.equal(report.tiers.none, 1);
  assert.equal(report.warnings[0]?.code, 'one_time_majority_low_revenue'); // 75% of buyers, 6% of revenue
  assert.match(report.warnings[0]!.ja, /75% を占めますが、売上の 6% しか/u);
});
