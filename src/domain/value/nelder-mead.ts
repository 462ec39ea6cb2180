/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965; coefficients of Lagarias et al. 1998: reflection 1,
 * expansion 2, contraction ½, shrink ½). Derivative-free, which suits likelihoods built from lgamma and ₂F₁.
 * After the simplex collapses the search restarts from the best point with a fresh simplex, and stops when a restart
 * no longer improves the value: a plain single run can stall on a ridge before the minimum.
 */

export interface NelderMeadOptions {
  /** Size of the initial simplex along each axis (default 0.5). */
  step?: number;
  /** Most iterations over all restarts (default 10,000). */
  maxIterations?: number;
  /** Converged when the values of the simplex differ by less than this, relative to the best (default 1e-12). */
  fTolerance?: number;
  /** … and its points by less than this (default 1e-9). */
  xTolerance?: number;
  /** Most restarts from the best point (default 3). */
  maxRestarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  /** False when maxIterations ran out first. */
  converged: boolean;
}

/**
 * Minimises `f` from `x0`. A non-finite value of `f` (a point outside the model's domain) is treated as +∞, so the
 * simplex steps back from it.
 */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 10_000;
  const fTol = options.fTolerance ?? 1e-12;
  const xTol = options.xTolerance ?? 1e-9;
  const maxRestarts = options.maxRestarts ?? 3;
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let best = { x: [...x0], value: value(x0) };
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart <= maxRestarts; restart += 1) {
    const run = simplexRun(value, best.x, best.value, step, fTol, xTol, maxIterations - iterations);
    iterations += run.iterations;
    const improvement = best.value - run.value;
    if (run.value <= best.value) best = { x: run.x, value: run.value };
    converged = run.converged;
    if (!run.converged || improvement <= fTol * (1 + Math.abs(best.value))) break;
  }
  return { x: best.x, value: best.value, iterations, evaluations, converged };
}

function simplexRun(value: (x: readonly number[]) => number, x0: number[], f0: number, step: number, fTol: number, xTol: number, maxIterations: number) {
  const n = x0.length;
  const points: number[][] = [x0];
  const values: number[] = [f0];
  for (let i = 0; i < n; i += 1) {
    const p = [...x0];
    p[i] = p[i]! + step;
    points.push(p);
    values.push(value(p));
  }
  const along = (from: readonly number[], to: readonly number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  let iterations = 0;
  while (iterations < maxIterations) {
    // Order best → worst.
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const P = order.map((i) => points[i]!);
    const V = order.map((i) => values[i]!);
    points.splice(0, points.length, ...P);
    values.splice(0, values.length, ...V);
    const spreadF = V[n]! - V[0]!;
    let spreadX = 0;
    for (let i = 1; i <= n; i += 1) for (let k = 0; k < n; k += 1) spreadX = Math.max(spreadX, Math.abs(P[i]![k]! - P[0]![k]!));
    if (spreadF <= fTol * (1 + Math.abs(V[0]!)) && spreadX <= xTol * (1 + Math.max(...P[0]!.map(Math.abs)))) {
      return { x: P[0]!, value: V[0]!, iterations, converged: true };
    }
    iterations += 1;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i += 1) for (let k = 0; k < n; k += 1) centroid[k] = centroid[k]! + P[i]![k]! / n;
    const worst = P[n]!;
    const reflected = along(centroid, worst, -1);
    const fr = value(reflected);
    if (fr < V[0]!) {
      const expanded = along(centroid, worst, -2);
      const fe = value(expanded);
      if (fe < fr) [points[n], values[n]] = [expanded, fe];
      else [points[n], values[n]] = [reflected, fr];
      continue;
    }
    if (fr < V[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    if (fr < V[n]!) {
      const outside = along(centroid, worst, -0.5);
      const fo = value(outside);
      if (fo <= fr) {
        [points[n], values[n]] = [outside, fo];
        continue;
      }
    } else {
      const inside = along(centroid, worst, 0.5);
      const fi = value(inside);
      if (fi < V[n]!) {
        [points[n], values[n]] = [inside, fi];
        continue;
      }
    }
    for (let i = 1; i <= n; i += 1) {
      points[i] = along(P[0]!, P[i]!, 0.5);
      values[i] = value(points[i]!);
    }
  }
  const bestIndex = values.indexOf(Math.min(...values));
  return { x: points[bestIndex]!, value: values[bestIndex]!, iterations, converged: false };
}
