/**
 * Entry points: batch resolution of a whole file and incremental scoring of
 * one new record against candidates fetched by blocking keys.
 */
import { candidatePairs, type BlockingStats } from './blocking.ts';
import { clusterGreedy, type ClusterEdge, type ClusterLink } from './cluster.ts';
import { compareRecords } from './compare.ts';
import { decidePair, hasBlockingConflict, unreliable } from './decide.ts';
import { defaultWeights, forcedByBlocking, trainWeights, type LedgerNameCounts, type TrainOptions } from './weights.ts';
import type { Comparison, EvidenceItem, MatchRecord, MatchWeights, Outcome, ScoredPair } from './types.ts';

/** Cross pairs of a cluster below this posterior block a join (anti-chaining). */
export const MIN_LINK_PROBABILITY = 0.05;

export interface ResolveOptions {
  /** Use these weights instead of training on the batch (e.g. the tenant's stored weights). */
  weights?: MatchWeights;
  /** Override the decision thresholds (posterior probabilities). */
  thresholds?: { merge: number; review: number; nameOnly?: number };
  maxBlockSize?: number;
  train?: TrainOptions;
  minLinkProbability?: number;
  /**
   * Records already resolved, by record id → the group (customer) they belong to. A group enters clustering whole,
   * as one cluster, and pairs of two such records are not compared: they were when the later one was resolved. Only
   * pairs with at least one new record are scored, so the cost follows the new records, not the neighbours loaded
   * with them (at 300,000 linked records a 10,000-record chunk loads ~57,000 neighbours: 77% of its pairs were
   * neighbour–neighbour). Anti-chaining still checks a newcomer against every member of a group it joins.
   */
  groups?: ReadonlyMap<string, string>;
  /**
   * A record's blocking keys, if the caller holds them in another form than blockingKeys computes (the importer
   * stores them hashed at staging: "kind:hash"). Any form works that gives equal keys equal strings and keeps the
   * kind prefix (blockCap reads it).
   */
  keysOf?: (record: MatchRecord) => readonly string[];
  /** Records in the ledger these are resolved against, when larger than the batch (see namesakeBits in decide.ts). */
  ledgerRecords?: number;
  /** The ledger's counts of the batch's written names, the batch's own records included (ledgerLogOdds in weights.ts). */
  ledgerNames?: LedgerNameCounts;
  /**
   * What the reviewers' decisions say about a pair the model left for review (feedback.ts: learnedVerdict of the
   * tally of the item's reviewPattern): 'merge' links it, 'distinct' drops it from the queue, null leaves it.
   */
  learned?: (item: ReviewItem) => 'merge' | 'distinct' | null;
}

export interface ReviewItem {
  a: string;
  b: string;
  score: number;
  probability: number;
  rules: string[];
  evidence: EvidenceItem[];
}

export interface ResolveResult {
  /** Every input id exactly once; clusters and their members sorted. */
  clusters: string[][];
  /** Pairs left for a person to decide (not in the same cluster), best first. */
  reviews: ReviewItem[];
  weights: MatchWeights;
  /**
   * Accepted merge pairs, by cluster: `links[k]` holds the 'merge' pairs both of whose records ended in
   * `clusters[k]`, best first (ties by ids), for `clusterTargets(clusters[k], customerOf, links[k])`. Two records of
   * one group are never compared, so never a link; two records of different groups only when a join checked them.
   */
  links: ResolvedLink[][];
  stats: { records: number; blocking: BlockingStats; merges: number; blockedJoins: number; millis: number };
}

/** An accepted merge pair (both records in one cluster); ids as in the input, a < b. */
export interface ResolvedLink extends ClusterLink {
  /** Log-odds score of the pair. */
  score: number;
  probability: number;
}

function byKey(a: MatchRecord, b: MatchRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Resolve a batch: block, compare, train weights (EM) unless given,
 * decide, cluster without chaining. Output is independent of input order.
 * Record ids must be unique within the batch.
 */
export function resolveBatch(input: readonly MatchRecord[], options: ResolveOptions = {}): ResolveResult {
  const t0 = Date.now();
  const records = [...input].sort(byKey);
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.id === records[i - 1]!.id) throw new Error(`resolveBatch: duplicate record id ${records[i]!.id}`);
  }
  const groupOf = options.groups;
  const fixed = groupOf ? records.map((r) => groupOf.has(r.id)) : null;
  const { pairs, stats: blocking, freeMasks } = candidatePairs(records, {
    maxBlockSize: options.maxBlockSize,
    ...(options.keysOf ? { keysOf: options.keysOf } : {}),
    ...(fixed ? { fixed } : {}),
  });
  const comparisons: Comparison[] = pairs.map(([i, j]) => compareRecords(records[i]!, records[j]!));
  let weights = options.weights ?? trainWeights(records, comparisons, { freeMasks, ...options.train });
  if (options.thresholds) weights = { ...weights, thresholds: { ...weights.thresholds, ...options.thresholds } };

  const decideOptions = {
    ...(options.ledgerRecords === undefined ? {} : { ledgerRecords: options.ledgerRecords }),
    ...(options.ledgerNames === undefined ? {} : { ledgerNames: options.ledgerNames }),
  };
  const scored = new Map<number, ScoredPair>();
  const n = records.length;
  const edges: ClusterEdge[] = [];
  pairs.forEach(([i, j], k) => {
    const forced = forcedByBlocking(freeMasks[k]!);
    const sp = decidePair(records[i]!.id, records[j]!.id, comparisons[k]!, weights, { ...decideOptions, forced });
    scored.set(i * n + j, sp);
    if (sp.outcome === 'merge') edges.push({ i, j, score: sp.score, weak: sp.weak });
  });
  const minLink = options.minLinkProbability ?? MIN_LINK_PROBABILITY;
  let blockedJoins = 0;
  const compatCache = new Map<number, boolean>();
  // A name or birth date true matches of this data set often disagree on (decide.ts: unreliable).
  const noisyField = (field: string): boolean => (field === 'given' || field === 'birth' || field === 'family') && unreliable(weights, field);
  const compatible = (x: number, y: number, strict: boolean): boolean => {
    const [i, j] = x < y ? [x, y] : [y, x];
    const key = (i * n + j) * 2 + (strict ? 1 : 0);
    const cached = compatCache.get(key);
    if (cached !== undefined) return cached;
    let sp = scored.get(i * n + j);
    if (sp === undefined) {
      sp = decidePair(records[i]!.id, records[j]!.id, compareRecords(records[i]!, records[j]!), weights, decideOptions);
      scored.set(i * n + j, sp);
    }
    let ok = !hasBlockingConflict(sp.rules, weights) && sp.probability >= minLink;
    // A name-only join must contradict nothing, except another employer on a pair that itself decides 'merge' (a
    // job change its rare name carries: see ledgerLogOdds); a namesake at another company does not. Nor is a name or
    // birth date that true matches of this data set often disagree on a contradiction (splink-style sets, where a
    // third of one person's records carry another birth date: the same rule as hasBlockingConflict).
    if (ok && strict) ok = sp.evidence.every((e) => e.level !== 'disagree' || (e.field === 'company' && sp.outcome === 'merge') || noisyField(e.field));
    if (!ok) blockedJoins++;
    compatCache.set(key, ok);
    return ok;
  };
  const hardConflict = (x: number, y: number): boolean => {
    const [i, j] = x < y ? [x, y] : [y, x];
    return hasBlockingConflict(scored.get(i * n + j)!.rules, weights);
  };
  const initial: number[][] = [];
  if (groupOf) {
    const byGroup = new Map<string, number[]>();
    records.forEach((r, i) => {
      const g = groupOf.get(r.id);
      if (g === undefined) return;
      let list = byGroup.get(g);
      if (list === undefined) byGroup.set(g, (list = []));
      list.push(i);
    });
    // A loop, not push(...): a chunk at 800k records had more groups than a call can take arguments.
    for (const group of byGroup.values()) initial.push(group);
  }
  let outcome = clusterAndReview(n, records, scored, edges, compatible, hardConflict, initial, weights);
  if (options.learned) {
    // Pairs of a pattern the reviewers have settled are decided as they decided them: a settled 'merge' becomes a
    // link like the model's own (anti-chaining still checks it against both clusters), a settled 'distinct' leaves
    // the queue. Clustering runs again with the new links; a refused join stays a review item.
    const promoted: number[] = [];
    const dropped = new Set<number>();
    for (const r of outcome.reviews) {
      const verdict = options.learned(r.item);
      if (verdict === 'merge') promoted.push(r.key);
      else if (verdict === 'distinct') dropped.add(r.key);
    }
    for (const key of promoted) {
      const sp = scored.get(key)!;
      scored.set(key, { ...sp, outcome: 'merge', weak: false, learned: true });
      edges.push({ i: Math.floor(key / n), j: key % n, score: sp.score });
    }
    if (promoted.length > 0) outcome = clusterAndReview(n, records, scored, edges, compatible, hardConflict, initial, weights);
    outcome.reviews = outcome.reviews.filter((r) => !dropped.has(r.key));
  }
  const { clusters, links } = outcome;
  const reviews = outcome.reviews.map((r) => r.item);
  return {
    clusters,
    reviews,
    weights,
    links,
    stats: { records: n, blocking, merges: edges.length, blockedJoins, millis: Date.now() - t0 },
  };
}


/** Clusters, their links and the review items left between clusters, for one set of merge edges. */
function clusterAndReview(
  n: number,
  records: readonly MatchRecord[],
  scored: ReadonlyMap<number, ScoredPair>,
  edges: readonly ClusterEdge[],
  compatible: (x: number, y: number, strict: boolean) => boolean,
  hardConflict: (x: number, y: number) => boolean,
  initial: readonly (readonly number[])[],
  weights: MatchWeights,
): { clusters: string[][]; links: ResolvedLink[][]; reviews: Array<{ key: number; item: ReviewItem }> } {
  const groups = clusterGreedy(n, edges, compatible, hardConflict, initial);
  const clusterOf = new Int32Array(n);
  groups.forEach((g, c) => g.forEach((i) => (clusterOf[i] = c)));
  const clusters = groups.map((g) => g.map((i) => records[i]!.id));
  const links: ResolvedLink[][] = groups.map(() => []);
  for (const [key, sp] of scored) {
    if (sp.outcome !== 'merge') continue;
    const i = Math.floor(key / n);
    const j = key % n;
    if (clusterOf[i] !== clusterOf[j]) continue;
    links[clusterOf[i]!]!.push({ a: sp.a, b: sp.b, score: sp.score, probability: sp.probability, weak: sp.weak, ...(sp.learned ? { learned: true } : {}) });
  }
  for (const l of links) l.sort((p, q) => q.score - p.score || (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : p.b > q.b ? 1 : 0));

  const calibrated = oneMatchCalibration(scored, n, clusterOf, (sp) => !hasBlockingConflict(sp.rules, weights));
  const reviews: Array<{ key: number; item: ReviewItem }> = [];
  const seenClusterPairs = new Set<string>();
  const reviewPairs = [...scored.entries()]
    .filter(([, sp]) => sp.outcome !== 'distinct')
    .sort((p, q) => q[1].score - p[1].score || p[0] - q[0]);
  for (const [key, sp] of reviewPairs) {
    const i = Math.floor(key / n);
    const j = key % n;
    const ci = clusterOf[i]!;
    const cj = clusterOf[j]!;
    if (ci === cj) continue;
    // One review per pair of clusters: the strongest link.
    const ck = ci < cj ? `${ci}|${cj}` : `${cj}|${ci}`;
    if (seenClusterPairs.has(ck)) continue;
    seenClusterPairs.add(ck);
    reviews.push({ key, item: { a: sp.a, b: sp.b, score: sp.score, probability: calibrated(i, j, sp), rules: sp.rules, evidence: sp.evidence } });
  }
  return { clusters, links, reviews };
}

/**
 * The probability a review item shows: the pair's posterior, made consistent with "a record is at most one other
 * person". Each pair's posterior is computed as if it were the record's only candidate, so a record whose name four
 * customers share got ~99% with each of them (on ja-dedup-dev, 45 of the 120 review items at ≥ 95% were the same
 * person, all of them pairs that only the name linked). Treating the clusters a record was compared with as exclusive
 * alternatives (one of them, or none), the probability of cluster c is o_c / (1 + Σ o), o the posterior odds of the
 * record's best pair with each cluster (pairs a hard conflict rules out do not compete); a pair gets the smaller of
 * its two records' values. With one candidate this is the posterior itself; it can only lower it.
 */
function oneMatchCalibration(
  scored: ReadonlyMap<number, ScoredPair>, n: number, clusterOf: Int32Array, competes: (sp: ScoredPair) => boolean,
): (i: number, j: number, sp: ScoredPair) => number {
  // Per record: best log-odds against each other cluster.
  const best = new Map<number, Map<number, number>>();
  const note = (x: number, c: number, score: number) => {
    let m = best.get(x);
    if (m === undefined) best.set(x, (m = new Map()));
    const cur = m.get(c);
    if (cur === undefined || score > cur) m.set(c, score);
  };
  for (const [key, sp] of scored) {
    if (!competes(sp)) continue;
    const i = Math.floor(key / n);
    const j = key % n;
    if (clusterOf[i] === clusterOf[j]) continue;
    note(i, clusterOf[j]!, sp.score);
    note(j, clusterOf[i]!, sp.score);
  }
  /** Record x's probability of being cluster `target` (odds 2^own) rather than another compared cluster or none. */
  const share = (x: number, target: number, own: number): number => {
    const others = [...(best.get(x) ?? new Map<number, number>())].filter(([c]) => c !== target).map(([, s]) => s);
    // Odds relative to the largest, so that 2^score never overflows.
    const top = Math.max(own, 0, ...others);
    let total = 2 ** -top + 2 ** (own - top); // "none of them" has odds 1
    for (const s of others) total += 2 ** (s - top);
    return 2 ** (own - top) / total;
  };
  return (i, j, sp) => {
    const own = (x: number, other: number): number => Math.max(sp.score, best.get(x)?.get(clusterOf[other]!) ?? -Infinity);
    return Math.min(sp.probability, share(i, clusterOf[j]!, own(i, j)), share(j, clusterOf[i]!, own(j, i)));
  };
}

export interface CandidateScore {
  candidateId: string;
  score: number;
  probability: number;
  outcome: Outcome;
  rules: string[];
  evidence: EvidenceItem[];
  /** Name-only link (see ScoredPair.weak). */
  weak: boolean;
}

/**
 * Incremental path: score one new record against candidates (fetched from
 * the database through shared blocking keys). Best first; ties by id.
 */
export function scoreCandidates(record: MatchRecord, candidates: readonly MatchRecord[], weights: MatchWeights = defaultWeights()): CandidateScore[] {
  return candidates
    .filter((c) => c.id !== record.id)
    .map((c) => {
      const sp = decidePair(record.id, c.id, compareRecords(record, c), weights);
      return { candidateId: c.id, score: sp.score, probability: sp.probability, outcome: sp.outcome, rules: sp.rules, evidence: sp.evidence, weak: sp.weak };
    })
    .sort((p, q) => q.score - p.score || (p.candidateId < q.candidateId ? -1 : 1));
}

export interface IncrementalDecision {
  /** Cluster (customer) to attach the record to, or null for a new customer. */
  clusterId: string | null;
  outcome: Outcome;
  /** Candidate clusters a person should look at (review), best first. */
  reviews: Array<{ clusterId: string; candidateId: string; score: number; rules: string[]; evidence: EvidenceItem[] }>;
  scores: CandidateScore[];
}

/**
 * Incremental assignment with the same anti-chaining rule as the batch:
 * the record joins the best-scoring cluster that has a 'merge' candidate
 * AND is compatible with every member of that cluster (pass all members of
 * each candidate cluster, not only the blocked candidates).
 */
export function assignIncremental(
  record: MatchRecord,
  members: ReadonlyArray<{ record: MatchRecord; clusterId: string }>,
  weights: MatchWeights = defaultWeights(),
  options: { minLinkProbability?: number } = {},
): IncrementalDecision {
  const minLink = options.minLinkProbability ?? MIN_LINK_PROBABILITY;
  const scores = scoreCandidates(
    record,
    members.map((m) => m.record),
    weights,
  );
  const clusterOfId = new Map(members.map((m) => [m.record.id, m.clusterId]));
  const byCluster = new Map<string, CandidateScore[]>();
  for (const s of scores) {
    const c = clusterOfId.get(s.candidateId)!;
    let list = byCluster.get(c);
    if (list === undefined) byCluster.set(c, (list = []));
    list.push(s);
  }
  const ranked = [...byCluster.entries()].sort((p, q) => q[1][0]!.score - p[1][0]!.score || (p[0] < q[0] ? -1 : 1));
  let clusterId: string | null = null;
  const reviews: IncrementalDecision['reviews'] = [];
  for (const [cid, list] of ranked) {
    const best = list[0]!;
    const coherent = list.every((s) => !hasBlockingConflict(s.rules, weights) && s.probability >= minLink);
    if (clusterId === null && best.outcome === 'merge' && coherent) {
      clusterId = cid;
      continue;
    }
    if (best.outcome !== 'distinct') {
      reviews.push({ clusterId: cid, candidateId: best.candidateId, score: best.score, rules: best.rules, evidence: best.evidence });
    }
  }
  const outcome: Outcome = clusterId !== null ? 'merge' : reviews.length > 0 ? 'review' : 'distinct';
  return { clusterId, outcome, reviews, scores };
}
