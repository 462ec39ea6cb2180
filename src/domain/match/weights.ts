/**
 * Fellegi–Sunter weights estimated from the data itself.
 *
 *  - Three latent classes over the blocked candidate pairs, fitted by EM:
 *    match (m), related non-match (h: household members, colleagues — they
 *    share family name, address, landline, company main number) and
 *    unrelated non-match (u: namesakes, strangers sharing a postal code…).
 *    Two classes are not enough: among blocked pairs the non-matches are a
 *    mixture of households (same address, different given name) and
 *    namesakes (same name, different address), so "same name AND same
 *    address" looks common under one independent non-match class although
 *    it is rare in both; a third class restores conditional independence.
 *  - The unrelated class is anchored by u from a deterministic sample of
 *    random record pairs (Dirichlet prior, U_PRIOR_STRENGTH pseudo-pairs);
 *    the other two by weak priors (PRIOR_STRENGTH pseudo-pairs). Floors keep
 *    a disagreement on a field that changes with life events (family name,
 *    address, phone, e-mail, company) from being treated as impossible for
 *    a true match.
 *  - Term frequencies: an exact agreement on a value shared by many records
 *    (佐藤, a company main number) weighs less than on a rare one (勅使河原):
 *    the unrelated-class likelihood of an exact agreement on value v is
 *    u_exact · 2^−clamp(log2(ref / p_v), −TF_DOWN, +TF_UP), p_v the value's
 *    share and ref its expectation over agreeing pairs (Σp³/Σp²), so the
 *    adjustment is zero on average and the field stays calibrated. (Not
 *    applied to the related class: a household shares 佐藤 as surely as 勅使河原.)
 *
 * Nothing here knows a data set: the only constants are priors/floors in
 * probability space that apply to any population.
 */
import { compareRecords } from './compare.ts';
import { FIELDS, LEVELS, type Comparison, type Field, type MatchRecord, type MatchWeights } from './types.ts';

/** Bounds of the term-frequency adjustment (bits). */
export const TF_UP = 3;
export const TF_DOWN = 6;

/** Default decision thresholds on the posterior match probability. */
/**
 * Default decision thresholds on the posterior match probability; a
 * name-only link (nothing but the written name agrees) needs `nameOnly`.
 */
export const DEFAULT_THRESHOLDS = { merge: 0.95, review: 0.3, nameOnly: 0.95 } as const;

/**
 * Prior of the 'related' class: different people who share a household or
 * an employer (family name, address, landline, company, sometimes e-mail),
 * with different given names and birth dates.
 */
const H_PRIOR: Record<Field, number[]> = {
  family: [0.8, 0.05, 0.15],
  given: [0.02, 0.03, 0.95],
  birth: [0.01, 0.01, 0.01, 0.97],
  gender: [0.5, 0.5],
  email: [0.15, 0.05, 0.8],
  phone: [0.05, 0.35, 0.05, 0.55],
  address: [0.6, 0.1, 0.2, 0.1],
  company: [0.5, 0.1, 0.4],
};

/** Prior m distribution (pseudo-counts are PRIOR_STRENGTH × these). */
const M_PRIOR: Record<Field, number[]> = {
  family: [0.9, 0.08, 0.02],
  given: [0.88, 0.11, 0.01],
  birth: [0.93, 0.05, 0.01, 0.01],
  gender: [0.95, 0.05],
  email: [0.8, 0.08, 0.12],
  phone: [0.5, 0.3, 0.05, 0.15],
  address: [0.6, 0.15, 0.1, 0.15],
  company: [0.7, 0.15, 0.15],
};
const PRIOR_STRENGTH = 20;

/**
 * Minimum P(disagree | match): name changes at marriage, moves, new phones,
 * new e-mail addresses and job changes happen to true matches.
 */
const M_DISAGREE_FLOOR: Record<Field, number> = {
  family: 0.02,
  given: 0.005,
  birth: 0.005,
  gender: 0.02,
  email: 0.1,
  phone: 0.1,
  address: 0.1,
  company: 0.1,
};

/** Name agreement among blocked unrelated pairs (namesakes, same-postal strangers) before EM. */
const U_NAME_PRIOR = [0.4, 0.05, 0.55];

/** Pseudo-pairs of the unrelated-class prior. */
const U_PRIOR_STRENGTH = 50;

/** Minimum u for any level (keeps weights finite on small samples). */
const U_FLOOR = 1e-6;

export interface TfTable {
  total: number;
  counts: Map<string, number>;
}

/** TF keys a record contributes, grouped by field (must mirror compare.ts tfKey). */
export function tfKeysOf(rec: MatchRecord): Array<[Field, string]> {
  const out: Array<[Field, string]> = [];
  const part = (field: Field, prefix: string, p: MatchRecord['family']): void => {
    if (p === null) return;
    if (p.text !== null) out.push([field, `${prefix}t:${p.text}`]);
    if (p.kana !== null) out.push([field, `${prefix}k:${p.kana}`]);
    if (p.latin !== null || p.romaji !== null) out.push([field, `${prefix}l:${p.romaji ?? p.latin}`]);
  };
  part('family', 'f', rec.family);
  part('given', 'g', rec.given);
  for (const e of rec.emails) out.push(['email', `e:${e.key}`]);
  for (const p of rec.phones) out.push(['phone', `p:${p.value}`]);
  if (rec.address !== null) out.push(['address', `a:${rec.address.street}`]);
  if (rec.company !== null) out.push(['company', `c:${rec.company.core}`]);
  return out;
}

/** Count every TF key over the records; `total` per key family (prefix up to ':'). */
export function termFrequencies(records: readonly MatchRecord[]): MatchWeights['tf'] {
  const counts = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const r of records) {
    for (const key of new Set(tfKeysOf(r).map(([, k]) => k))) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const fam = key.slice(0, key.indexOf(':'));
      totals.set(fam, (totals.get(fam) ?? 0) + 1);
    }
  }
  const tf: MatchWeights['tf'] = {};
  for (const [fam, total] of [...totals].sort()) tf[fam] = { total, counts: {} };
  // ref = Σp³/Σp² per key family, stored as the pseudo-key '' (see tfAdjustment).
  const s2 = new Map<string, number>();
  const s3 = new Map<string, number>();
  for (const [key, c] of [...counts].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const fam = key.slice(0, key.indexOf(':'));
    const p = c / totals.get(fam)!;
    s2.set(fam, (s2.get(fam) ?? 0) + p * p);
    s3.set(fam, (s3.get(fam) ?? 0) + p * p * p);
    if (c >= 3) tf[fam]!.counts[key.slice(fam.length + 1)] = c;
  }
  for (const fam of Object.keys(tf)) {
    const ref = (s3.get(fam) ?? 0) / Math.max(s2.get(fam) ?? 0, 1e-12);
    tf[fam]!.counts[''] = ref; // reference share (not a count)
  }
  return tf;
}

/**
 * Each table's adjustments, computed once per key: every pair of a chunk is scored with the same table, and EM scored
 * each candidate pair again at each of its iterations (the string slicing and lookups were ~4% of an import's CPU).
 * A table is never changed once built (termFrequencies builds it; a stored one is parsed anew).
 */
const tfMemo = new WeakMap<MatchWeights['tf'], Map<string, number>>();

/** Bits added to an exact agreement on `tfKey` (0 when no table). */
export function tfAdjustment(weights: Pick<MatchWeights, 'tf'>, tfKey: string | null): number {
  if (tfKey === null) return 0;
  let memo = tfMemo.get(weights.tf);
  if (memo === undefined) tfMemo.set(weights.tf, (memo = new Map()));
  let adj = memo.get(tfKey);
  if (adj === undefined) memo.set(tfKey, (adj = computeTfAdjustment(weights.tf, tfKey)));
  return adj;
}

function computeTfAdjustment(tf: MatchWeights['tf'], tfKey: string): number {
  const colon = tfKey.indexOf(':');
  const fam = tfKey.slice(0, colon);
  const t = tf[fam];
  if (t === undefined || t.total <= 0) return 0;
  const ref = t.counts[''] ?? 0;
  if (ref <= 0) return 0;
  // Two records share the value, so it occurs at least twice.
  const count = Math.max(t.counts[tfKey.slice(colon + 1)] ?? 2, 2);
  const p = count / t.total;
  const adj = Math.log2(ref / p);
  return Math.max(-TF_DOWN, Math.min(TF_UP, adj));
}

/**
 * Each rates table's logarithms, taken once: EM scores every candidate pair at each iteration and an import scores
 * every pair of every chunk with the same weights. A rates table is never changed once built (each EM step makes new
 * ones; a stored one is parsed anew), so the memo cannot go stale.
 */
const log2Memo = new WeakMap<Record<Field, number[]>, Record<Field, number[]>>();

function log2Rates(rates: Record<Field, number[]>): Record<Field, number[]> {
  let logs = log2Memo.get(rates);
  if (logs === undefined) {
    logs = Object.fromEntries(FIELDS.map((f) => [f, rates[f].map((x) => Math.log2(x))])) as Record<Field, number[]>;
    log2Memo.set(rates, logs);
  }
  return logs;
}

/**
 * log2 likelihood of a comparison under each class (match, related, unrelated), priors included, without the
 * fields in `forced` (a bit mask over FIELDS: training leaves out the fields the keys that found the pair forced to
 * agree). The one sum behind EM's expectation step and every decision's odds. With `terms`, each field's three terms
 * are written to it by position (zeros for a field left out), for explaining a decision field by field.
 */
function classLogSums(
  weights: MatchWeights,
  cmp: Comparison,
  forced = 0,
  terms?: Array<{ m: number; h: number; u: number }>,
): { m: number; h: number; u: number } {
  const [lm, lh, lu] = [log2Rates(weights.m), log2Rates(weights.h), log2Rates(weights.u)];
  let m = Math.log2(weights.prior.match);
  let h = Math.log2(weights.prior.related);
  let u = Math.log2(weights.prior.unrelated);
  for (let bit = 0; bit < cmp.fields.length; bit++) {
    const fc = cmp.fields[bit]!;
    if (fc.index < 0 || (forced & (1 << bit)) !== 0) {
      if (terms) terms[bit] = { m: 0, h: 0, u: 0 };
      continue;
    }
    const fm = lm[fc.field][fc.index]!;
    const fh = lh[fc.field][fc.index]!;
    const fu = lu[fc.field][fc.index]! - tfAdjustment(weights, fc.tfKey);
    m += fm;
    h += fh;
    u += fu;
    if (terms) terms[bit] = { m: fm, h: fh, u: fu };
  }
  return { m, h, u };
}

function log2SumExp2(a: number, b: number): number {
  const mx = Math.max(a, b);
  return mx + Math.log2(2 ** (a - mx) + 2 ** (b - mx));
}

/**
 * A decision's evidence from one pass over the fields: the log2 posterior odds of a match,
 * log2 P(M, γ) − log2(P(H, γ) + P(U, γ)), and each field's weight in bits, log2 P(level | match) / P(level | the
 * non-match class that explains the pair best — 'related' (household, colleague) or 'unrelated'); a missing field
 * weighs 0.
 */
export function scoreComparison(weights: MatchWeights, cmp: Comparison): { logOdds: number; fieldWeights: number[] } {
  const terms: Array<{ m: number; h: number; u: number }> = [];
  const c = classLogSums(weights, cmp, 0, terms);
  const useH = c.h >= c.u;
  return { logOdds: c.m - log2SumExp2(c.h, c.u), fieldWeights: terms.map((p) => p.m - (useH ? p.h : p.u)) };
}

/**
 * A value's share among the records that carry a value of its kind (tfKey family): the ledger's counts when the
 * resolver gave them for that kind, else the weights' own sample (where a value seen fewer than 3 times is not
 * listed). A value counts at least 2: the pair itself carries it twice.
 */
function valueShare(tf: MatchWeights['tf'], tfKey: string, ledgerNames?: LedgerNameCounts): number | null {
  const colon = tfKey.indexOf(':');
  const family = tfKey.slice(0, colon);
  const ledgerTotal = ledgerNames?.get(family);
  if (ledgerTotal !== undefined && ledgerTotal > 0) return Math.max(ledgerNames!.get(tfKey) ?? 2, 2) / ledgerTotal;
  const t = tf[family];
  if (t === undefined || t.total <= 0) return null;
  return Math.max(t.counts[tfKey.slice(colon + 1)] ?? 2, 2) / t.total;
}

/**
 * How many records of the ledger carry each written family and given name (term-frequency keys 'ft:…', 'gt:…'), with
 * the totals under 'ft' and 'gt': the resolver reads them for a chunk's names (name_part_counts). Without them a
 * chunk's own sample gives the shares, where a name seen on no other record counts as 2 of its 1,000–10,000 records.
 */
export type LedgerNameCounts = ReadonlyMap<string, number>;

/** What these records add to LedgerNameCounts: each written name part and its total. */
export function countLedgerNames(records: Iterable<Pick<MatchRecord, 'family' | 'given'>>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (kind: 'ft' | 'gt', text: string | null | undefined): void => {
    if (text == null) return;
    for (const key of [kind, `${kind}:${text}`]) counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const rec of records) {
    add('ft', rec.family?.text);
    add('gt', rec.given?.text);
  }
  return counts;
}

/**
 * Log2 odds of a pair from how many people of the ledger could share its names by chance. EM's odds are for a blocked
 * candidate pair (two records that share a key), where a shared name is the norm and name frequencies are capped
 * (TF_UP / TF_DOWN); for a pair whose evidence is a name the question is how many other records of the ledger carry
 * it: odds = (same-person records a record has) / ledger records × Π over the fields of P(level | match) / P(level |
 * two people), where an exact family or given name weighs by the value's own share (family × given for a whole name)
 * and every other field by its m/u (a birth date, a company disagreement, a family name changed at marriage). A rare
 * name (one person among thousands) stays strong evidence in a small ledger; 佐藤 陽菜 is not, and no name is as the
 * ledger grows.
 *
 * decidePair reads it for name-only pairs and changed family names (a job change at another employer: the
 * candidate-pair odds put 44 of ja-dedup-dev's 95 namesake pairs at another company at p ≥ 0.94, this puts 3 there,
 * while the generated held-out sets' job changes keep p ≥ 0.94 on rare names: 111 of 150 pairs, seed 1). Null when
 * the weights were not trained (no estimate of the matches a record has) or the given names are missing or disagree.
 */
export function ledgerLogOdds(weights: MatchWeights, cmp: Comparison, ledgerRecords: number | undefined, ledgerNames?: LedgerNameCounts): number | null {
  const t = weights.training;
  if (t === undefined || t.records <= 0 || t.candidatePairs <= 0) return null;
  const given = cmp.fields.find((f) => f.field === 'given');
  if (given === undefined || given.index < 0 || given.level === 'disagree') return null;
  const matchesPerRecord = (2 * weights.prior.match * t.candidatePairs) / t.records;
  const ledger = Math.max(ledgerRecords ?? 0, t.records);
  const lm = log2Rates(weights.m);
  const lu = log2Rates(weights.u);
  let odds = Math.log2(matchesPerRecord / ledger);
  for (const fc of cmp.fields) {
    if (fc.index < 0) continue;
    const named = (fc.field === 'family' || fc.field === 'given') && fc.level === 'exact';
    if (!named) {
      odds += lm[fc.field][fc.index]! - lu[fc.field][fc.index]!;
      continue;
    }
    const share = fc.tfKey === null ? null : valueShare(weights.tf, fc.tfKey, ledgerNames);
    if (share === null) return null;
    odds += lm[fc.field][fc.index]! - Math.log2(share);
  }
  return odds;
}

/**
 * The fields a pair's agreement was forced on by the keys that found it (none of them leaves the field free; see
 * candidatePairs' freeMasks), among those whose rates are estimated without such pairs (DEBIASED_FIELDS).
 */
export function forcedByBlocking(freeMask: number): number {
  return DEBIASED_MASK & ~freeMask;
}

export function probabilityOf(score: number): number {
  return 1 / (1 + 2 ** -score);
}

// ------------------------------------------------------------------ estimation

/** mulberry32: small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyCounts(): Record<Field, number[]> {
  const c = {} as Record<Field, number[]>;
  for (const f of FIELDS) c[f] = LEVELS[f].map(() => 0);
  return c;
}

/** Random record pairs (deterministic for a given record order and seed). */
export function randomPairComparisons(records: readonly MatchRecord[], sample: number, seed = 42): Comparison[] {
  const n = records.length;
  const out: Comparison[] = [];
  if (n < 2) return out;
  const all = (n * (n - 1)) / 2;
  if (all <= sample) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push(compareRecords(records[i]!, records[j]!));
    return out;
  }
  const r = rng(seed);
  for (let k = 0; k < sample; k++) {
    const i = Math.floor(r() * n);
    let j = Math.floor(r() * (n - 1));
    if (j >= i) j++;
    out.push(compareRecords(records[i]!, records[j]!));
  }
  return out;
}

function estimateU(randoms: readonly Comparison[], matchProb: readonly number[] | null): Record<Field, number[]> {
  const counts = emptyCounts();
  for (let k = 0; k < randoms.length; k++) {
    const w = matchProb === null ? 1 : 1 - matchProb[k]!;
    const v = randoms[k]!.vector;
    for (const f of FIELDS) if (v[f] >= 0) counts[f][v[f]]! += w;
  }
  const u = {} as Record<Field, number[]>;
  for (const f of FIELDS) {
    const c = counts[f];
    const total = c.reduce((s, x) => s + x, 0);
    const L = c.length;
    // Additive smoothing; the last level (disagree) absorbs most mass anyway.
    u[f] = c.map((x) => Math.max(U_FLOOR, (x + 0.5 / L) / (total + 0.5)));
    const s = u[f].reduce((a, b) => a + b, 0);
    u[f] = u[f].map((x) => x / s);
  }
  return u;
}

/**
 * Fields whose agreement rates are counted only on pairs that a key independent of the field found (freeMasks):
 * everything but the names. Blocking keys are built on these fields (a birth date, a phone, an address), so among the
 * pairs one of them found, unrelated people agree on it by construction: counted there, an exact birth date came out
 * at u = 0.30–0.56 (+0.8 to +1.7 bits instead of ~+10) and an exact mobile at u = 0.19–0.37 in some imports
 * (bench/identity-gen diagnosis). The names stay modelled over all candidate pairs: nearly every key involves them,
 * and the unrelated class is meant to hold the namesakes the name keys bring together.
 */
const DEBIASED_FIELDS: ReadonlySet<Field> = new Set(['birth', 'gender', 'email', 'phone', 'address', 'company']);
const DEBIASED_MASK = FIELDS.reduce((mask, f, bit) => (DEBIASED_FIELDS.has(f) ? mask | (1 << bit) : mask), 0);

function classStep(
  pairs: readonly Comparison[],
  resp: readonly number[],
  prior: Record<Field, number[]>,
  strengthOf: number | ((f: Field) => number),
  floors: Record<Field, number> | null,
  freeMasks?: readonly number[],
): Record<Field, number[]> {
  const counts = emptyCounts();
  for (let k = 0; k < pairs.length; k++) {
    const g = resp[k]!;
    const v = pairs[k]!.vector;
    const free = freeMasks?.[k];
    const forced = free === undefined ? 0 : forcedByBlocking(free);
    FIELDS.forEach((f, bit) => {
      if (v[f] < 0 || (forced & (1 << bit)) !== 0) return;
      counts[f][v[f]]! += g;
    });
  }
  const out = {} as Record<Field, number[]>;
  for (const f of FIELDS) {
    const c = counts[f];
    const total = c.reduce((s, x) => s + x, 0);
    const strength = typeof strengthOf === 'number' ? strengthOf : strengthOf(f);
    let probs = c.map((x, l) => Math.max(U_FLOOR, (x + strength * prior[f][l]!) / (total + strength)));
    if (floors !== null) {
      // Floor on the disagreement level (last), then renormalise the others.
      const last = probs.length - 1;
      const floor = floors[f];
      if (probs[last]! < floor) {
        const rest = 1 - probs[last]!;
        probs = probs.map((p, l) => (l === last ? floor : (p * (1 - floor)) / rest));
      }
    }
    out[f] = probs;
  }
  return out;
}

/**
 * Fewest records EM is trained on. Below it the "random" pairs that anchor the unrelated class are mostly the
 * candidate pairs themselves (two records, one pair: a form submission and the customer it names), so u of an exact
 * e-mail came out near 0.8 and the class priors ran to 0 or 1: the same name and e-mail merged or not by chance, and
 * every review item read 100%. A batch this small is scored with weights trained on a larger one (the ledger's) or
 * with defaultWeights().
 */
export const MIN_TRAINING_RECORDS = 200;

export interface TrainOptions {
  /** Random pairs for the unrelated-class prior (default min(all pairs, max(20 000, 30·N))). */
  randomPairs?: number;
  maxIterations?: number;
  seed?: number;
  thresholds?: { merge: number; review: number; nameOnly?: number };
  /**
   * Per candidate comparison, the fields left free by the keys that found the pair (candidatePairs' freeMasks).
   * Without it every pair counts for every field (the estimate is then biased towards agreement on keyed fields).
   */
  freeMasks?: readonly number[];
}

/**
 * Estimate the three classes (match / related / unrelated), their priors
 * and term frequencies from the records and their blocked candidate
 * comparisons, by EM. Deterministic for a given record order.
 */
export function trainWeights(records: readonly MatchRecord[], candidates: readonly Comparison[], options: TrainOptions = {}): MatchWeights {
  const n = records.length;
  const sample = options.randomPairs ?? Math.min((n * (n - 1)) / 2, Math.max(20000, 30 * n));
  const randoms = randomPairComparisons(records, sample, options.seed ?? 42);
  const tf = termFrequencies(records);
  // Unrelated-class prior: random pairs for every field, except the names,
  // on which blocked unrelated pairs (namesakes) often agree.
  const uPrior = { ...estimateU(randoms, null), family: [...U_NAME_PRIOR], given: [...U_NAME_PRIOR] };
  let weights: MatchWeights = {
    version: 3,
    m: clone(M_PRIOR),
    h: clone(H_PRIOR),
    u: clone(uPrior),
    prior: { match: 0.4, related: 0.2, unrelated: 0.4 },
    tf,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    training: { records: n, candidatePairs: candidates.length, randomPairs: randoms.length, emIterations: 0, converged: false },
  };
  if (candidates.length === 0) return weights;
  const maxIter = options.maxIterations ?? 100;
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    iterations++;
    const rm: number[] = [];
    const rh: number[] = [];
    const ru: number[] = [];
    for (let k = 0; k < candidates.length; k++) {
      // A field the keys that found the pair forced to agree is no evidence about the pair's class (Splink leaves
      // a blocking rule's fields out of its EM pass the same way): counted, every pair met through a birth date
      // looked like a match once the birth date's u was estimated without them.
      const free = options.freeMasks?.[k];
      const { m: lmSum, h: lhSum, u: luSum } = classLogSums(weights, candidates[k]!, free === undefined ? 0 : forcedByBlocking(free));
      const mx = Math.max(lmSum, lhSum, luSum);
      const em = 2 ** (lmSum - mx);
      const eh = 2 ** (lhSum - mx);
      const eu = 2 ** (luSum - mx);
      const z = em + eh + eu;
      rm.push(em / z);
      rh.push(eh / z);
      ru.push(eu / z);
    }
    const masks = options.freeMasks;
    const m = classStep(candidates, rm, M_PRIOR, PRIOR_STRENGTH, M_DISAGREE_FLOOR, masks);
    // The related class is DEFINED by different given names: its given-name
    // distribution is pinned (huge pseudo-count) so that namesakes (same name)
    // cannot drift into it; they belong to the unrelated class, where the
    // term-frequency adjustment tells rare names from common ones.
    // Birth dates are pinned for the same reason: two people of one household
    // or office share a birth date only as twins, so a pair agreeing on the
    // birth date while the given name differs (a replaced or mistyped given
    // name) must not teach the related class that birth dates agree.
    const h = classStep(candidates, rh, H_PRIOR, (f) => (f === 'given' || f === 'birth' ? 1e6 : PRIOR_STRENGTH), null, masks);
    const u = classStep(candidates, ru, uPrior, U_PRIOR_STRENGTH, null, masks);
    const sm = rm.reduce((s, x) => s + x, 0);
    const sh = rh.reduce((s, x) => s + x, 0);
    const total = candidates.length;
    const prior = {
      match: Math.max(1e-4, sm / total),
      related: Math.max(1e-4, sh / total),
      unrelated: Math.max(1e-4, (total - sm - sh) / total),
    };
    let delta = Math.abs(prior.match - weights.prior.match) + Math.abs(prior.related - weights.prior.related);
    for (const f of FIELDS) {
      for (const [next, cur] of [
        [m, weights.m],
        [h, weights.h],
        [u, weights.u],
      ] as const) {
        next[f].forEach((x, l) => (delta = Math.max(delta, Math.abs(x - cur[f][l]!))));
      }
    }
    weights = { ...weights, m, h, u, prior };
    if (delta < 1e-5) {
      converged = true;
      break;
    }
  }
  return { ...weights, training: { ...weights.training, emIterations: iterations, converged } };
}

function clone(x: Record<Field, number[]>): Record<Field, number[]> {
  return Object.fromEntries(FIELDS.map((f) => [f, [...x[f]]])) as Record<Field, number[]>;
}

/**
 * Weights to use before any training data exists (first import of a tenant,
 * or a file too small for EM). Rough population-level values.
 */
export function defaultWeights(): MatchWeights {
  const u: Record<Field, number[]> = {
    family: [0.3, 0.05, 0.65],
    given: [0.3, 0.05, 0.65],
    birth: [0.0005, 0.002, 0.005, 0.9925],
    gender: [0.5, 0.5],
    email: [0.0005, 0.001, 0.9985],
    phone: [0.0005, 0.001, 0.001, 0.9975],
    address: [0.002, 0.003, 0.02, 0.975],
    company: [0.02, 0.02, 0.96],
  };
  return {
    version: 3,
    m: clone(M_PRIOR),
    h: clone(H_PRIOR),
    u,
    prior: { match: 0.4, related: 0.1, unrelated: 0.5 },
    tf: {},
    thresholds: { ...DEFAULT_THRESHOLDS },
    training: { records: 0, candidatePairs: 0, randomPairs: 0, emIterations: 0, converged: false },
  };
}
