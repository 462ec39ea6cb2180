/**
 * BG/NBD: the beta-geometric / negative binomial distribution model of repeat buying (Fader, Hardie & Lee 2005,
 * "Counting your customers the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2)).
 * While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability
 * p ~ Beta(a, b). A customer is summarised by (x, tx, T): repeat purchases, time of the last one, time since the
 * first (see calibration.ts). Time is in whatever unit the summary used (weeks for the published CDNOW figures).
 *
 * Per-customer likelihood (paper, eq. 6), computed in logs:
 *   L = A₁·A₂·(A₃ + [x > 0]·A₄),  A₁ = Γ(r+x)αʳ/Γ(r),  A₂ = Γ(a+b)Γ(b+x) / (Γ(b)Γ(a+b+x)),
 *   A₃ = (α+T)^−(r+x),  A₄ = a/(b+x−1) · (α+tx)^−(r+x)
 * The fit maximises Σ ln L by Nelder–Mead over (ln r, ln α, ln a, ln b), so every parameter stays positive.
 */
import { lgamma, hyp2f1 } from './special-functions.ts';
import { nelderMead, type NelderMeadOptions } from './nelder-mead.ts';
import { ValueModelError } from './errors.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * x repeat purchases, the last at tx, observed for T (0 ≤ tx ≤ T; tx = 0 when x = 0). A customer acquired on the
 * last day (T = 0) is allowed and adds nothing to the likelihood.
 */
export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** Throws ValueModelError naming the first customer whose (x, tx, T) cannot be a purchase history. */
export function checkRepeatSummaries(data: readonly RepeatSummary[]): void {
  data.forEach((c, i) => {
    const ok = Number.isInteger(c.x) && c.x >= 0 && Number.isFinite(c.tx) && Number.isFinite(c.T) && c.T >= 0 && c.tx >= 0 && c.tx <= c.T && (c.x > 0 || c.tx === 0);
    if (!ok) {
      throw new ValueModelError(`customers[${i}]`, `購入履歴の要約が正しくありません (x=${c.x}, tx=${c.tx}, T=${c.T})。x は 0 以上の整数、0 ≤ tx ≤ T です`,
        `invalid purchase summary (x=${c.x}, tx=${c.tx}, T=${c.T}): x a whole number ≥ 0, 0 ≤ tx ≤ T`);
    }
  });
}

function checkParams(p: BgNbdParams): void {
  if (![p.r, p.alpha, p.a, p.b].every((v) => Number.isFinite(v) && v > 0)) {
    throw new ValueModelError('params', `BG/NBD のパラメータはすべて正の数です: ${JSON.stringify(p)}`, `BG/NBD parameters must all be positive: ${JSON.stringify(p)}`);
  }
}

/** ln(eᵘ + eᵛ) without overflow. */
function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  return m === Number.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** Σ ln L over the customers (no input checks: the fit checks once, then calls this many times). */
function logLikelihoodUnchecked(p: BgNbdParams, data: readonly RepeatSummary[]): number {
  const { r, alpha, a, b } = p;
  const lnAlpha = Math.log(alpha);
  const common = lgamma(a + b) - lgamma(b) - lgamma(r) + r * lnAlpha;
  // Terms that depend on x only are shared by every customer with the same x.
  const byX = new Map<number, number>();
  let total = 0;
  for (const { x, tx, T } of data) {
    let gx = byX.get(x);
    if (gx === undefined) byX.set(x, (gx = lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x)));
    const lnA3 = -(r + x) * Math.log(alpha + T);
    const tail = x > 0 ? logAddExp(lnA3, Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx)) : lnA3;
    total += common + gx + tail;
  }
  return total;
}

/** Σ ln L of the customers under the parameters (file header). */
export function bgnbdLogLikelihood(params: BgNbdParams, data: readonly RepeatSummary[]): number {
  checkParams(params);
  checkRepeatSummaries(data);
  return logLikelihoodUnchecked(params, data);
}

/**
 * Maximum-likelihood fit. Starts from r = α = a = b = 1 unless `start` is given; Nelder–Mead works on the logs of
 * the parameters. Needs at least one customer with a repeat purchase (otherwise a, b are not identified).
 */
export function fitBgNbd(data: readonly RepeatSummary[], options: { start?: BgNbdParams } & NelderMeadOptions = {}): BgNbdFit {
  checkRepeatSummaries(data);
  if (!data.some((c) => c.x > 0)) {
    throw new ValueModelError('customers', 'リピート購入のある顧客がいないため、BG/NBD モデルを推定できません', 'no customer has a repeat purchase, so the BG/NBD model cannot be fitted');
  }
  const start = options.start ?? { r: 1, alpha: 1, a: 1, b: 1 };
  checkParams(start);
  const toParams = (v: readonly number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const result = nelderMead((v) => -logLikelihoodUnchecked(toParams(v), data), [start.r, start.alpha, start.a, start.b].map(Math.log), {
    step: 0.5, fTolerance: 1e-11, xTolerance: 1e-8, ...options,
  });
  return { params: toParams(result.x), logLikelihood: -result.value, iterations: result.iterations, converged: result.converged };
}

/** ln[ a/(b+x−1) · ((α+T)/(α+tx))^(r+x) ]: the odds, against being alive, that the model's dropout adds. */
function lnDeadOdds(p: BgNbdParams, c: RepeatSummary): number {
  return Math.log(p.a) - Math.log(p.b + c.x - 1) + (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
}

/** P(alive | x, tx, T) (paper, eq. 11): 1 for a customer without repeat purchases under this model. */
export function bgnbdProbabilityAlive(params: BgNbdParams, customer: RepeatSummary): number {
  checkParams(params);
  checkRepeatSummaries([customer]);
  return customer.x === 0 ? 1 : 1 / (1 + Math.exp(lnDeadOdds(params, customer)));
}

function checkHorizon(t: number): void {
  if (!(Number.isFinite(t) && t >= 0)) throw new ValueModelError('t', `予測期間は 0 以上の数です: ${t}`, `the forecast horizon must be a number ≥ 0: ${t}`);
}

function hypergeometric(a: number, b: number, c: number, z: number): number {
  try {
    return hyp2f1(a, b, c, z);
  } catch (e) {
    throw new ValueModelError('t', `予測期間が長すぎて計算が収束しません（${(e as Error).message}）`, `the forecast does not converge for this horizon (${(e as Error).message})`);
  }
}

function checkA(p: BgNbdParams): void {
  if (Math.abs(p.a - 1) < 1e-9) throw new ValueModelError('params.a', 'a = 1 では予測式が定義されません', 'the forecast formula is undefined at a = 1');
}

/**
 * E[X(t)]: expected purchases in a period of length t for a customer just acquired (paper, eq. 9):
 * (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ ₂F₁(r, b; a+b−1; t/(α+t))]. Needs a + b > 1.
 */
export function bgnbdExpectedPurchasesNew(params: BgNbdParams, t: number): number {
  checkParams(params);
  checkHorizon(t);
  checkA(params);
  const { r, alpha, a, b } = params;
  if (a + b <= 1) throw new ValueModelError('params', 'a + b ≤ 1 では予測式が定義されません', 'the forecast formula needs a + b > 1');
  const f = hypergeometric(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * (Math.log(alpha) - Math.log(alpha + t))) * f);
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in the next t periods of a customer with this history (paper, eq. 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + [x>0]·a/(b+x−1)·((α+T)/(α+tx))^(r+x)).
 */
export function bgnbdExpectedPurchases(params: BgNbdParams, customer: RepeatSummary, t: number): number {
  checkParams(params);
  checkRepeatSummaries([customer]);
  checkHorizon(t);
  checkA(params);
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  if (a + b + x <= 1) throw new ValueModelError('params', 'a + b + x ≤ 1 では予測式が定義されません', 'the forecast formula needs a + b + x > 1');
  const f = hypergeometric(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * f);
  const denominator = x > 0 ? 1 + Math.exp(lnDeadOdds(params, customer)) : 1;
  return numerator / denominator;
}
