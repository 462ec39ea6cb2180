/**
 * Anti-chaining clustering.
 *
 * Single-link (union of all merge pairs) glues A to C through B even when A
 * and C are plainly different people (a father and son both linked to a
 * shared landline record). Instead, merge pairs are applied greedily by
 * descending score, and two clusters are joined only if EVERY cross pair
 * is compatible: no blocking conflict (different given names or birth dates
 * where the data's values are reliable; see hasBlockingConflict — a
 * family-name change alone is none) and a posterior probability of at
 * least `minLinkProbability` (default 0.05) — i.e. the joined cluster stays
 * coherent. This is a greedy correlation-clustering / complete-link rule;
 * cost is Σ |A|·|B| per accepted join, small because clusters are small.
 *
 * With `hardConflict` given, a cross pair that is merely unlikely (below
 * the posterior floor but without a conflict that blocks) is tolerated when
 * at most 1/SOFT_SHARE_DENOMINATOR of the cross pairs are such: noisy
 * duplicates of one person do not all look alike pairwise (average link),
 * while a contradiction (different given name or birth date where those
 * are reliable) always refuses the join.
 *
 * Weak (name-only) links go in a second phase, after every strong link; the
 * join must be strictly coherent (no cross pair disagrees on ANY field: a
 * home cluster and a business-card cluster of one person complement each
 * other, two namesakes usually contradict somewhere; the caller may let a
 * disagreement through, as resolve.ts does for another employer on a pair
 * that itself decides 'merge' and for a name or birth date the data shows
 * to be unreliable), and is refused when
 * ambiguous: if cluster X is name-linked to Y and also to some Z that is not
 * strictly coherent with Y (two people of that name told apart by birth
 * date, address, mobile or e-mail), X is joined to neither and the links
 * stay in review.
 */

/** At most 1/N of the cross pairs of a join may be unlikely-but-not-conflicting. */
export const SOFT_SHARE_DENOMINATOR = 3;

export interface ClusterEdge {
  i: number;
  j: number;
  score: number;
  /** Name-only link: applied after all strong links, and only when unambiguous. */
  weak?: boolean;
}

/**
 * Cluster `n` items from merge edges. `compatible(x, y)` is called (cached
 * by the caller if needed) for every cross pair of two clusters about to be
 * joined. Returns clusters as sorted index arrays, ordered by first index.
 */
export function clusterGreedy(
  n: number,
  edges: readonly ClusterEdge[],
  compatible: (x: number, y: number, strict: boolean) => boolean,
  hardConflict?: (x: number, y: number) => boolean,
  /** Clusters that exist already (records of one customer): joined before any edge, without checks. */
  initial: readonly (readonly number[])[] = [],
): number[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const coherent = (A: readonly number[], B: readonly number[], strict = false): boolean => {
    let soft = 0;
    for (const x of A) {
      for (const y of B) {
        if (compatible(x, y, strict)) continue;
        if (strict || hardConflict === undefined || hardConflict(x, y)) return false;
        soft++;
      }
    }
    // Cross pairs that are merely unlikely (no hard conflict) are tolerated
    // when they are a minority: noisy duplicates of one person do not all
    // look alike pairwise (average-link), a contradiction never is.
    return soft === 0 || soft * SOFT_SHARE_DENOMINATOR <= A.length * B.length;
  };
  const join = (ri: number, rj: number): void => {
    const [big, small] = members[ri]!.length >= members[rj]!.length ? [ri, rj] : [rj, ri];
    parent[small] = big;
    members[big] = [...members[big]!, ...members[small]!];
    members[small] = [];
  };
  for (const group of initial) {
    for (const x of group.slice(1)) {
      const ri = find(group[0]!);
      const rj = find(x);
      if (ri !== rj) join(ri, rj);
    }
  }
  const order = (p: ClusterEdge, q: ClusterEdge): number => q.score - p.score || p.i - q.i || p.j - q.j;
  for (const e of edges.filter((x) => !x.weak).sort(order)) {
    const ri = find(e.i);
    const rj = find(e.j);
    if (ri === rj) continue;
    if (coherent(members[ri]!, members[rj]!)) join(ri, rj);
  }
  const weak = edges.filter((x) => x.weak).sort(order);
  const weakNeighbours = new Map<number, number[]>();
  for (const e of weak) {
    for (const [a, b] of [
      [e.i, e.j],
      [e.j, e.i],
    ] as const) {
      let l = weakNeighbours.get(a);
      if (l === undefined) weakNeighbours.set(a, (l = []));
      l.push(b);
    }
  }
  const neighbourRoots = (r: number): Set<number> => {
    const out = new Set<number>();
    for (const x of members[r]!) for (const y of weakNeighbours.get(x) ?? []) out.add(find(y));
    out.delete(r);
    return out;
  };
  for (const e of weak) {
    const ri = find(e.i);
    const rj = find(e.j);
    if (ri === rj) continue;
    let ambiguous = false;
    for (const [self, other] of [
      [ri, rj],
      [rj, ri],
    ] as const) {
      for (const z of neighbourRoots(self)) {
        if (z !== other && !coherent(members[other]!, members[z]!, true)) ambiguous = true;
      }
    }
    if (!ambiguous && coherent(members[ri]!, members[rj]!, true)) join(ri, rj);
  }
  const out: number[][] = [];
  for (let i = 0; i < n; i++) if (find(i) === i) out.push([...members[i]!].sort((a, b) => a - b));
  out.sort((a, b) => a[0]! - b[0]!);
  return out;
}

/** A merge pair inside a cluster (see ResolveResult.links): two record ids, and whether the link is name-only. */
export interface ClusterLink {
  a: string;
  b: string;
  /** Name-only link (ScoredPair.weak). */
  weak: boolean;
  /** Linked because reviewers settled the pair's pattern (its evidence may be a name alone): never a bridge. */
  learned?: boolean;
}

/**
 * Where a cluster goes: its records not linked yet (`incoming`) and the existing customers its linked records belong
 * to, best first. The importer links the incoming records to the first customer, or makes a new one when there is
 * none; any other customer is merged into the first when both are `strong`, else a review case.
 *
 * Without `links`: most records in the cluster first, ties by customer id (so the choice is deterministic).
 *
 * With `links` (the cluster's accepted merge pairs: `result.links[k]` for `result.clusters[k]`), customers are first
 * ranked by how they are tied to the incoming records: those with a strong (not name-only) link between one of their
 * records and an incoming record, then those with only name-only links to incoming records, then the rest; record
 * count and id order each tier. A cluster can hold a namesake customer that reached it through a name alone: by count
 * alone, the incoming records would go to it whenever it has more records than the customer they really match.
 * Links between two linked records, or with a record outside the cluster, are ignored.
 *
 * `strong`: the customers (of a cluster that holds several) with a strong link to an incoming record. Clustering put
 * them in one cluster only if every cross pair of their records is compatible (anti-chaining), so two such customers
 * are one person by the new records' evidence: the importer merges them (a bridge). A customer tied by names alone
 * is not in it and stays a review case, and so does one tied only through a pattern the reviewers settled (a
 * learned link may rest on a name alone).
 */
export function clusterTargets(
  cluster: readonly string[],
  customerOf: ReadonlyMap<string, string>,
  links?: readonly ClusterLink[],
): { incoming: string[]; ranked: string[]; strong: Set<string> } {
  const tally = new Map<string, number>();
  const incoming: string[] = [];
  for (const id of cluster) {
    const c = customerOf.get(id);
    if (c === undefined) incoming.push(id);
    else tally.set(c, (tally.get(c) ?? 0) + 1);
  }
  // 2: strong link to an incoming record, 1: name-only links only, 0 (absent): none.
  const tier = new Map<string, number>();
  const strong = new Set<string>();
  if (links !== undefined && incoming.length > 0 && tally.size > 1) {
    const isIncoming = new Set(incoming);
    for (const l of links) {
      const [x, y] = isIncoming.has(l.a) ? [l.a, l.b] : [l.b, l.a];
      if (!isIncoming.has(x) || isIncoming.has(y)) continue;
      const c = customerOf.get(y);
      if (c === undefined || !tally.has(c)) continue;
      tier.set(c, Math.max(tier.get(c) ?? 0, l.weak ? 1 : 2));
      if (!l.weak && !l.learned) strong.add(c);
    }
  }
  const ranked = [...tally.entries()]
    .sort((a, b) => (tier.get(b[0]) ?? 0) - (tier.get(a[0]) ?? 0) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c]) => c);
  return { incoming, ranked, strong };
}
