import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  bgnbdExpectedPurchases, bgnbdExpectedPurchasesNew, bgnbdLogLikelihood, bgnbdProbabilityAlive, calibrationSummary, fitBgNbd,
  fitGammaGamma, gammaGammaExpectedAverageValue,
} from '../../../src/domain/value/index.ts';

/**
 * The CDNOW 1/10 sample (Fader & Hardie; shipped with the `lifetimes` package, MIT; see its README), read from the
 * shared data folder beside the repository. Published figures:
 * - BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): 39-week calibration ending
 *   1997-09-30, same-day purchases merged, time in weeks → r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4;
 *   Hardie's spreadsheet: E[X(t)] at t = 0.1429 … 78 weeks, and E[Y(39) | x 2, tx 30.43, T 38.86] = 1.226.
 * - Gamma-Gamma (lifetimes' example of Fader, Hardie & Lee 2005, "RFM and CLV"), on the 946 repeat buyers with
 *   m = average spend per repeat transaction in the calibration period (first purchase left out, same-day
 *   purchases merged) → p 6.25, q 3.74, v 15.45, and its conditional expected averages 24.658619 (x 2, m 22.35),
 *   18.911489 (x 1, m 11.77), 71.462843 (x 7, m 73.74), 35.170981 (x 0).
 */
const DIR = fileURLToPath(new URL('../../../../shared/data/transactions/cdnow/', import.meta.url));

const lines = (file: string) => fs.readFileSync(DIR + file, 'utf8').trim().split(/\r?\n/u).slice(1).map((l) => l.split(','));
const purchases = lines('cdnow_sample.csv').map(([, customerId, date, , amount]) => ({ customerId: customerId!, date: date!, amount: amount! }));
const summary = calibrationSummary(purchases, { end: '1997-09-30', periodDays: 7 });

const near = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} is not within ${relative * 100}% of ${expected}`);

test('the calibration summary matches the published per-customer summary (x, t_x, T, zbar) for all 2,357 customers', () => {
  assert.equal(purchases.length, 6919);
  assert.equal(summary.length, 2357);
  const published = lines('src_cdnow_customers_summary_with_transactions.csv');
  assert.equal(published.length, 2357);
  const byId = new Map(summary.map((c) => [Number(c.customerId), c]));
  for (const [id, x, tx, T, zbar] of published) {
    const c = byId.get(Number(id));
    assert.ok(c, `customer ${id}`);
    assert.equal(c.x, Number(x), `x of ${id}`);
    assert.ok(Math.abs(c.tx - Number(tx)) <= 0.0051, `t_x of ${id}: ${c.tx} vs ${tx}`);
    assert.ok(Math.abs(c.T - Number(T)) <= 0.0051, `T of ${id}: ${c.T} vs ${T}`);
    assert.ok(Math.abs((c.repeatAverage ?? 0) - Number(zbar)) <= 0.0051, `zbar of ${id}: ${c.repeatAverage} vs ${zbar}`);
  }
  assert.equal(summary.filter((c) => c.x > 0).length, 946);
});

test('BG/NBD: the log-likelihood at the published parameters is −9582.4', () => {
  near(bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, summary), -9582.4, 1e-5, 'LL');
});

test('BG/NBD: the fit reproduces r 0.243, α 4.414, a 0.793, b 2.426 (within 1%) in well under 2 s, and its forecasts match Hardie’s', () => {
  const started = performance.now();
  const fit = fitBgNbd(summary);
  const ms = performance.now() - started;
  assert.ok(ms < 2000, `fit took ${ms.toFixed(0)} ms`);
  assert.ok(fit.converged);
  near(fit.params.r, 0.243, 0.01, 'r');
  near(fit.params.alpha, 4.414, 0.01, 'alpha');
  near(fit.params.a, 0.793, 0.01, 'a');
  near(fit.params.b, 2.426, 0.01, 'b');
  near(fit.logLikelihood, -9582.4, 1e-5, 'LL');
  const atPublished = bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, summary);
  assert.ok(fit.logLikelihood >= atPublished, `the maximum ${fit.logLikelihood} is below the value at the published (rounded) parameters ${atPublished}`);

  const times = [0.1429, 1, 3, 31.8571, 32, 78];
  const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
  times.forEach((t, i) => near(bgnbdExpectedPurchasesNew(fit.params, t), expected[i]!, 0.01, `E[X(${t})]`));
  near(bgnbdExpectedPurchases(fit.params, { x: 2, tx: 30.43, T: 38.86 }, 39), 1.226, 0.005, 'E[Y(39) | 2, 30.43, 38.86]');

  // P(alive): 1 without repeat purchases; lower the longer a repeat buyer has been silent; between 0 and 1.
  assert.equal(bgnbdProbabilityAlive(fit.params, { x: 0, tx: 0, T: 38.86 }), 1);
  const recent = bgnbdProbabilityAlive(fit.params, { x: 5, tx: 38, T: 38.86 });
  const silent = bgnbdProbabilityAlive(fit.params, { x: 5, tx: 5, T: 38.86 });
  assert.ok(recent > 0.8 && recent < 1 && silent < 0.2 && silent > 0, `${recent} ${silent}`);
});

test('Gamma-Gamma: the fit on the 946 repeat buyers reproduces p 6.25, q 3.74, v 15.45 (within 1%) and the published conditional averages', () => {
  const repeat = summary.filter((c) => c.x > 0).map((c) => ({ x: c.x, m: c.repeatAverage! }));
  const started = performance.now();
  const fit = fitGammaGamma(repeat);
  assert.ok(performance.now() - started < 2000);
  assert.ok(fit.converged);
  near(fit.params.p, 6.25, 0.01, 'p');
  near(fit.params.q, 3.74, 0.01, 'q');
  near(fit.params.v, 15.45, 0.01, 'v');
  near(gammaGammaExpectedAverageValue(fit.params, 2, 22.35), 24.658619, 0.001, 'E[M | 2, 22.35]');
  near(gammaGammaExpectedAverageValue(fit.params, 1, 11.77), 18.911489, 0.001, 'E[M | 1, 11.77]');
  near(gammaGammaExpectedAverageValue(fit.params, 7, 73.74), 71.462843, 0.001, 'E[M | 7, 73.74]');
  near(gammaGammaExpectedAverageValue(fit.params, 0, null), 35.170981, 0.001, 'E[M] of a new customer');
});
