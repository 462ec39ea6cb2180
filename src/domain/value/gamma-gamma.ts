/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
 * customer base analysis", Journal of Marketing Research 42(4); Fader & Hardie 2013, "The Gamma-Gamma model of
 * monetary value"). A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers
 * (γ is written v here, as the `lifetimes` package does). Assumes spend is independent of purchase frequency.
 *
 * Data: for each customer with x ≥ 1 repeat transactions, m = their average value (calibration.ts
 * `repeatAverage`: same-day purchases merged, first purchase left out). Marginal density of m (in logs):
 *   ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(v + x m)
 * The fit maximises Σ ln f by Nelder–Mead over (ln p, ln q, ln v).
 */
import { lgamma } from './special-functions.ts';
import { nelderMead, type NelderMeadOptions } from './nelder-mead.ts';
import { ValueModelError } from './errors.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** x ≥ 1 repeat transactions with average value m > 0. */
export interface SpendSummary {
  x: number;
  m: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

function checkSpend(data: readonly SpendSummary[]): void {
  data.forEach((c, i) => {
    if (!(Number.isInteger(c.x) && c.x >= 1 && Number.isFinite(c.m) && c.m > 0)) {
      throw new ValueModelError(`customers[${i}]`, `平均購入額のデータが正しくありません (x=${c.x}, m=${c.m})。リピート購入が 1 回以上あり、平均額が正の顧客だけを渡してください`,
        `invalid spend summary (x=${c.x}, m=${c.m}): pass only customers with x ≥ 1 repeat purchases and a positive average`);
    }
  });
}

function checkParams(p: GammaGammaParams): void {
  if (![p.p, p.q, p.v].every((v) => Number.isFinite(v) && v > 0)) {
    throw new ValueModelError('params', `Gamma-Gamma のパラメータはすべて正の数です: ${JSON.stringify(p)}`, `Gamma-Gamma parameters must all be positive: ${JSON.stringify(p)}`);
  }
}

function logLikelihoodUnchecked({ p, q, v }: GammaGammaParams, data: readonly SpendSummary[]): number {
  const common = -lgamma(q) + q * Math.log(v);
  let total = 0;
  for (const { x, m } of data) {
    const px = p * x;
    total += common + lgamma(px + q) - lgamma(px) + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(v + x * m);
  }
  return total;
}

/** Σ ln f of the customers under the parameters (file header). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendSummary[]): number {
  checkParams(params);
  checkSpend(data);
  return logLikelihoodUnchecked(params, data);
}

/** Maximum-likelihood fit, from p = q = v = 1 unless `start` is given. */
export function fitGammaGamma(data: readonly SpendSummary[], options: { start?: GammaGammaParams } & NelderMeadOptions = {}): GammaGammaFit {
  checkSpend(data);
  if (data.length < 2) throw new ValueModelError('customers', 'Gamma-Gamma モデルの推定には 2 人以上のリピート顧客が必要です', 'fitting the Gamma-Gamma model needs at least two repeat buyers');
  const start = options.start ?? { p: 1, q: 1, v: 1 };
  checkParams(start);
  const toParams = (w: readonly number[]): GammaGammaParams => ({ p: Math.exp(w[0]!), q: Math.exp(w[1]!), v: Math.exp(w[2]!) });
  const result = nelderMead((w) => -logLikelihoodUnchecked(toParams(w), data), [start.p, start.q, start.v].map(Math.log), {
    step: 0.5, fTolerance: 1e-11, xTolerance: 1e-8, ...options,
  });
  return { params: toParams(result.x), logLikelihood: -result.value, iterations: result.iterations, converged: result.converged };
}

/**
 * E[M | x, m]: the expected average transaction value of a customer with x repeat transactions averaging m
 * (Fader & Hardie 2013, eq. 5): p(v + x m) / (px + q − 1), a weighted mean of the population mean pv/(q−1) and m.
 * With x = 0 it is the population mean, which needs q > 1.
 */
export function gammaGammaExpectedAverageValue(params: GammaGammaParams, x: number, m: number | null): number {
  checkParams(params);
  const { p, q, v } = params;
  if (x === 0 || m === null) {
    if (q <= 1) throw new ValueModelError('params.q', 'q ≤ 1 では平均購入額が定義されません', 'the mean spend is undefined for q ≤ 1');
    return (p * v) / (q - 1);
  }
  checkSpend([{ x, m }]);
  return (p * (v + x * m)) / (p * x + q - 1);
}
