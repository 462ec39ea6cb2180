/**
 * The special functions the lifetime-value models need, written out so the maths has no dependency:
 * - `lgamma`: ln |Γ(x)| by the Lanczos approximation (g = 7, 9 coefficients; relative error ≈ 1e-15 for x ≥ 0.5),
 *   with the reflection formula below 0.5.
 * - `hyp2f1`: the Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series, for 0 ≤ z < 1 (where the
 *   BG/NBD forecast needs it); it stops when a term no longer changes the sum and throws when the series has not
 *   converged after `maxTerms` terms instead of returning a wrong number.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln |Γ(x)|; +∞ at 0 and the negative integers. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const y = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i += 1) s += LANCZOS[i]! / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

export interface Hyp2f1Options {
  /** Most terms summed before giving up (default 1,000,000). */
  maxTerms?: number;
  /** Relative size of the last term at which the sum is taken as converged (default 1e-15). */
  tolerance?: number;
}

/**
 * ₂F₁(a, b; c; z) = Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1 and c > 0. Throws a RangeError outside that domain or
 * when the series has not converged (z very close to 1 with slowly shrinking terms).
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const maxTerms = options.maxTerms ?? 1_000_000;
  const tolerance = options.tolerance ?? 1e-15;
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must be in [0, 1), got ${z}`);
  if (!(c > 0)) throw new RangeError(`hyp2f1: c must be positive, got ${c}`);
  if (![a, b].every(Number.isFinite)) throw new RangeError(`hyp2f1: a and b must be finite, got ${a}, ${b}`);
  let term = 1;
  let total = 1;
  for (let n = 0; n < maxTerms; n += 1) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    total += term;
    if (term === 0) return total;
    // Past n > |a| + |b| + c the ratio of successive terms, ρₙ = (a+n)(b+n)z / ((c+n)(n+1)), moves monotonically
    // towards z, so the tail after this term is at most term·q/(1−q) with q = max(ρₙ₊₁, z) < 1.
    if (n > Math.abs(a) + Math.abs(b) + c) {
      const q = Math.max(((a + n + 1) * (b + n + 1) * z) / ((c + n + 1) * (n + 2)), z);
      if (q < 1 && Math.abs(term) * (q / (1 - q)) <= tolerance * Math.abs(total)) return total;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): the series did not converge in ${maxTerms} terms`);
}
