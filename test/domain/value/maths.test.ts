import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bgnbdExpectedPurchases, bgnbdLogLikelihood, bgnbdProbabilityAlive, calibrationSummary, fitBgNbd, fitGammaGamma, hyp2f1, lgamma, nelderMead,
  parseDecimal, purchasesFromOrders, orderValues, toDecimalString, ValueModelError,
} from '../../../src/domain/value/index.ts';
import { add, compare, divideByCount, mul } from '../../../src/domain/value/decimal.ts';

const close = (actual: number, expected: number, tol: number, what = '') => assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected}`);

test('lgamma (Lanczos) against exact values, including the reflection below ½', () => {
  close(lgamma(1), 0, 1e-14);
  close(lgamma(2), 0, 1e-14);
  close(lgamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
  close(lgamma(10), Math.log(362880), 1e-12);
  close(lgamma(100), 359.13420536957540, 1e-10);
  close(lgamma(1e-8), -Math.log(1e-8) - 0.5772156649e-8, 1e-12, 'near 0');
  close(lgamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), 1e-13);
  close(lgamma(0.243 + 7) - lgamma(0.243), Math.log([0, 1, 2, 3, 4, 5, 6].reduce((p, k) => p * (0.243 + k), 1)), 1e-12, 'Γ(r+x)/Γ(r)');
  assert.equal(lgamma(0), Infinity);
  assert.equal(lgamma(-3), Infinity);
});

test('hyp2f1 against closed forms, close to z = 1, and a clear error when it cannot converge', () => {
  for (const z of [0, 0.1, 0.5, 0.9, 0.999]) {
    close(hyp2f1(1, 1, 2, z), z === 0 ? 1 : -Math.log(1 - z) / z, 1e-12, `₂F₁(1,1;2;${z})`);
    close(hyp2f1(0.7, 2.3, 2.3, z), (1 - z) ** -0.7, 1e-10 * (1 - z) ** -0.7, `₂F₁(a,b;b;${z})`);
  }
  // ₂F₁(½, ½; 3/2; z²) = arcsin(z)/z
  close(hyp2f1(0.5, 0.5, 1.5, 0.81), Math.asin(0.9) / 0.9, 1e-12, 'arcsin');
  assert.throws(() => hyp2f1(1, 1, 2, 0.999999, { maxTerms: 1000 }), /did not converge/u);
  assert.throws(() => hyp2f1(1, 1, 2, 1), RangeError);
  assert.throws(() => hyp2f1(1, 1, -0.5, 0.5), RangeError);
});

test('Nelder–Mead finds the minimum of Rosenbrock’s valley and of a shifted quadratic', () => {
  const rosen = nelderMead(([x, y]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2, [-1.2, 1]);
  assert.ok(rosen.converged);
  close(rosen.x[0]!, 1, 1e-5);
  close(rosen.x[1]!, 1, 1e-5);
  const quad = nelderMead((v) => v.reduce((s, x, i) => s + (i + 1) * (x - i) ** 2, 0), [5, 5, 5, 5]);
  quad.x.forEach((x, i) => close(x, i, 1e-5));
  // A non-finite value is a wall, not a minimum.
  const walled = nelderMead(([x]) => (x! < 0 ? Number.NaN : (x! - 2) ** 2), [0.5]);
  close(walled.x[0]!, 2, 1e-5);
});

test('decimal: exact sums and products, comparison by value, half-up division, printing', () => {
  const d = (s: string) => parseDecimal(s, 'x');
  assert.equal(toDecimalString(add(d('0.1'), d('0.2'))), '0.30');
  assert.equal(toDecimalString(mul(d('-1.5'), d('33.33'))), '-49.995');
  assert.equal(compare(d('1.50'), d('1.5')), 0);
  assert.equal(compare(d('-2'), d('1')), -1);
  assert.equal(toDecimalString(divideByCount(d('0.05'), 2)), '0.03');
  assert.equal(toDecimalString(divideByCount(d('-0.05'), 2)), '-0.03');
  assert.equal(toDecimalString(d('-0.5')), '-0.50');
  assert.equal(toDecimalString(d('12345678901234567890.12')), '12345678901234567890.12');
  assert.equal(toDecimalString(parseDecimal(7, 'x')), '7.00');
  assert.throws(() => parseDecimal('1e3', 'x'), ValueModelError);
  assert.throws(() => parseDecimal(Number.NaN, 'x'), ValueModelError);
});

test('calibration summary: same-day purchases merge, the first purchase is not a repeat, later-than-end purchases are ignored', () => {
  const rows = calibrationSummary([
    { customerId: 'a', date: '2026-01-01', amount: '10' },
    { customerId: 'a', date: '2026-01-01', amount: '5' },
    { customerId: 'a', date: '2026-01-08', amount: '20' },
    { customerId: 'a', date: '2026-01-15', amount: '7' },
    { customerId: 'a', date: '2026-01-15', amount: '3' },
    { customerId: 'a', date: '2026-03-01', amount: '999' },
    { customerId: 'b', date: '2026-01-29', amount: '1' },
    { customerId: 'c', date: '2026-02-20', amount: '1' },
  ], { end: '2026-01-29' });
  assert.deepEqual(rows, [
    { customerId: 'a', firstDate: '2026-01-01', x: 2, tx: 2, T: 4, repeatAverage: 15 },
    { customerId: 'b', firstDate: '2026-01-29', x: 0, tx: 0, T: 0, repeatAverage: null },
  ]);
});

test('purchasesFromOrders feeds counted orders (local date, net amount) into the calibration summary', () => {
  const values = orderValues([
    { customerId: 'a', orderId: '1', orderedAt: '2026-01-01T15:30:00Z', cancelled: false, lines: [{ quantity: '1', unitPrice: '10' }] },
    { customerId: 'a', orderId: '2', orderedAt: '2026-01-09T01:00:00+09:00', cancelled: false, lines: [{ quantity: '2', unitPrice: '10' }] },
    { customerId: 'a', orderId: '3', orderedAt: '2026-01-09T02:00:00+09:00', cancelled: false, lines: [{ quantity: '-1', unitPrice: '10' }] },
  ]);
  assert.deepEqual(purchasesFromOrders(values), [
    { customerId: 'a', date: '2026-01-02', amount: '10.00' },
    { customerId: 'a', date: '2026-01-09', amount: '20.00' },
  ]);
});

test('BG/NBD and Gamma-Gamma refuse impossible histories and parameters with Japanese messages', () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  assert.throws(() => bgnbdLogLikelihood(params, [{ x: 1, tx: 5, T: 4 }]), /0 ≤ tx ≤ T/u);
  assert.throws(() => bgnbdLogLikelihood(params, [{ x: 0, tx: 1, T: 4 }]), ValueModelError);
  assert.throws(() => bgnbdLogLikelihood(params, [{ x: 1.5, tx: 1, T: 4 }]), ValueModelError);
  // Acquired on the last day of calibration: allowed, and adds nothing.
  close(bgnbdLogLikelihood(params, [{ x: 0, tx: 0, T: 0 }]), 0, 1e-12);
  assert.throws(() => bgnbdProbabilityAlive({ ...params, r: -1 }, { x: 1, tx: 1, T: 2 }), /正の数/u);
  assert.throws(() => bgnbdExpectedPurchases(params, { x: 1, tx: 1, T: 2 }, -1), /予測期間/u);
  assert.throws(() => fitBgNbd([{ x: 0, tx: 0, T: 3 }, { x: 0, tx: 0, T: 5 }]), /リピート購入のある顧客がいない/u);
  assert.throws(() => fitGammaGamma([{ x: 1, m: 0 }, { x: 2, m: 5 }]), /平均購入額/u);
});

test('BG/NBD recovers the parameters of data simulated from the model', () => {
  // A small deterministic generator (mulberry32) so the test is repeatable.
  let seed = 12345;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gamma = (shape: number): number => {
    // Marsaglia–Tsang, with the boost for shape < 1.
    if (shape < 1) return gamma(shape + 1) * rand() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        const u1 = rand();
        const u2 = rand();
        x = Math.sqrt(-2 * Math.log(u1 || 1e-300)) * Math.cos(2 * Math.PI * u2);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rand();
      if (Math.log(u || 1e-300) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const truth = { r: 0.5, alpha: 5, a: 1.5, b: 4 };
  const data = Array.from({ length: 4000 }, () => {
    const lambda = gamma(truth.r) / truth.alpha;
    const ga = gamma(truth.a);
    const p = ga / (ga + gamma(truth.b));
    const T = 30 + rand() * 20;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rand()) / lambda;
      if (t > T) break;
      x += 1;
      tx = t;
      if (rand() < p) break;
    }
    return { x, tx, T };
  });
  const fit = fitBgNbd(data);
  close(fit.params.r, truth.r, 0.1 * truth.r, 'r');
  close(fit.params.alpha, truth.alpha, 0.15 * truth.alpha, 'alpha');
  close(fit.params.a, truth.a, 0.2 * truth.a, 'a');
  close(fit.params.b, truth.b, 0.2 * truth.b, 'b');
});
