/**
 * Association rules with a single-item right-hand side, counted the way R's arules `apriori` counts them (Borgelt's
 * implementation), so that published figures reproduce:
 * - an itemset's support is the share of ALL baskets (empty ones included) that contain every item of it; an item
 *   repeated within a basket counts once;
 * - a rule X ⇒ {y} is kept when supp(X ∪ {y}) ≥ minSupport (the "original support": the whole itemset must be
 *   frequent) and conf = supp(X ∪ {y}) / supp(X) ≥ minConfidence;
 * - minLength / maxLength bound the number of items of the rule, right-hand side included (arules' minlen, default 1,
 *   and maxlen, default 10). With minLength 1, arules also yields the rules {} ⇒ {y} whose confidence is supp(y)
 *   (coverage 1, lift 1) for every item whose support reaches minConfidence; minLength 2 drops them;
 * - coverage = supp(X), lift = conf / supp(y), count = the number of baskets holding X ∪ {y}.
 *
 * Mining is level-wise Apriori over vertical tid-lists: items become integer ids (in name order), every frequent
 * itemset is a sorted id array with the sorted list of the baskets holding it; candidates of size k join two frequent
 * (k−1)-itemsets sharing their first k−2 items and are pruned unless every (k−1)-subset is frequent; a candidate's
 * baskets are the intersection of its two parents' lists. Only the previous level's lists are kept.
 */
import { RecommendError } from './errors.ts';

export interface AssociationRule {
  /** Left-hand side, items in name order (empty for the rules {} ⇒ {y} arules makes at minLength 1). */
  antecedent: string[];
  consequent: string;
  /** supp(antecedent ∪ consequent): share of all baskets. */
  support: number;
  /** supp(antecedent ∪ consequent) / supp(antecedent). */
  confidence: number;
  /** confidence / supp(consequent). */
  lift: number;
  /** Baskets holding antecedent ∪ consequent. */
  count: number;
  /** supp(antecedent). */
  coverage: number;
}

export interface MineRulesOptions {
  minSupport: number;
  minConfidence: number;
  /** Fewest items in a rule, right-hand side included (arules' minlen). Default 1. */
  minLength?: number;
  /** Most items in a rule, right-hand side included (arules' maxlen). Default 10. */
  maxLength?: number;
}

export interface FrequentItemsets {
  /** Baskets read (the denominator of every support). */
  baskets: number;
  /** Item names; an item's id is its index (names in code-unit order). */
  items: string[];
  /** Every frequent itemset (sorted ids, sizes 1 … maxLength) with its basket count. */
  itemsets: { items: Int32Array; count: number }[];
}

/** Smallest count whose support reaches `minSupport` of `n` baskets (a hair of tolerance for 0.001 × 9835 and the like). */
export function minimumCount(minSupport: number, n: number): number {
  return Math.max(1, Math.ceil(minSupport * n * (1 - 1e-12)));
}

function checkFraction(value: number, field: string): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new RecommendError(field, `${field} は 0 以上 1 以下の数にしてください`, `${field} must be a number from 0 to 1`);
  }
}

function checkLength(value: number, field: string): void {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RecommendError(field, `${field} は 1 以上の整数にしてください`, `${field} must be an integer of at least 1`);
  }
}

/**
 * Reads the baskets into id-sorted integer baskets (duplicates within a basket dropped), flat: basket b's items are
 * ids[ends[b − 1] … ends[b] − 1]. One array for all of them, not one per basket: two million orders take ~30 MB
 * instead of the ~600 MB that as many small arrays cost.
 */
function encode(baskets: Iterable<readonly string[]>): { items: string[]; ids: Int32Array; ends: Int32Array } {
  const firstIds = new Map<string, number>();
  let ids = new Int32Array(1 << 12), used = 0;
  let ends = new Int32Array(1 << 10), count = 0;
  for (const basket of baskets) {
    if (used + basket.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, used + basket.length));
      grown.set(ids.subarray(0, used));
      ids = grown;
    }
    for (const name of basket) {
      let id = firstIds.get(name);
      if (id === undefined) {
        id = firstIds.size;
        firstIds.set(name, id);
      }
      ids[used++] = id;
    }
    if (count === ends.length) {
      const grown = new Int32Array(ends.length * 2);
      grown.set(ends);
      ends = grown;
    }
    ends[count++] = used;
  }
  const items = [...firstIds.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const remap = new Int32Array(items.length);
  items.forEach((name, id) => { remap[firstIds.get(name)!] = id; });
  // Remap, sort and dedupe each basket in place, compacting as we go.
  let write = 0, start = 0;
  for (let b = 0; b < count; b++) {
    const end = ends[b]!;
    const row = ids.subarray(start, end);
    for (let i = 0; i < row.length; i++) row[i] = remap[row[i]!]!;
    row.sort();
    for (let i = 0; i < row.length; i++) if (i === 0 || row[i] !== row[i - 1]) ids[write++] = row[i]!;
    start = end;
    ends[b] = write;
  }
  return { items, ids: ids.subarray(0, write), ends: ends.subarray(0, count) };
}

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x === y) { out[n++] = x; i++; j++; } else if (x < y) i++; else j++;
  }
  return out.subarray(0, n);
}

const keyOf = (ids: ArrayLike<number>): string => Array.prototype.join.call(ids, ',');

/** Every itemset of 1 … maxLength items whose support reaches minSupport (Apriori over vertical tid-lists). */
export function frequentItemsets(baskets: Iterable<readonly string[]>, minSupport: number, maxLength = 10): FrequentItemsets {
  checkFraction(minSupport, 'minSupport');
  checkLength(maxLength, 'maxLength');
  const { items, ids, ends } = encode(baskets);
  const minCount = minimumCount(minSupport, ends.length);

  // Level 1: the baskets of each item.
  const sizes = new Int32Array(items.length);
  for (const id of ids) sizes[id]!++;
  const lists = Array.from(sizes, (size) => new Int32Array(size));
  const fill = new Int32Array(items.length);
  for (let tid = 0, i = 0; tid < ends.length; tid++) {
    for (; i < ends[tid]!; i++) { const id = ids[i]!; lists[id]![fill[id]!++] = tid; }
  }

  const itemsets: FrequentItemsets['itemsets'] = [];
  let level: { items: Int32Array; tids: Int32Array }[] = [];
  for (let id = 0; id < items.length; id++) {
    if (sizes[id]! >= minCount) level.push({ items: Int32Array.of(id), tids: lists[id]! });
  }
  for (const set of level) itemsets.push({ items: set.items, count: set.tids.length });

  for (let k = 2; k <= maxLength && level.length > 1; k++) {
    const frequent = new Set(level.map((set) => keyOf(set.items)));
    const next: typeof level = [];
    const candidate = new Int32Array(k);
    const subset = new Int32Array(k - 1);
    // Level k−1 is in lexicographic order, so itemsets sharing their first k−2 items are consecutive.
    for (let start = 0; start < level.length;) {
      let end = start + 1;
      const head = level[start]!.items;
      while (end < level.length && samePrefix(head, level[end]!.items, k - 2)) end++;
      for (let i = start; i < end; i++) {
        const a = level[i]!;
        candidate.set(a.items);
        for (let j = i + 1; j < end; j++) {
          const b = level[j]!;
          candidate[k - 1] = b.items[k - 2]!;
          if (!allSubsetsFrequent(candidate, subset, frequent)) continue;
          const tids = intersect(a.tids, b.tids);
          if (tids.length >= minCount) next.push({ items: candidate.slice(), tids });
        }
      }
      start = end;
    }
    for (const set of next) itemsets.push({ items: set.items, count: set.tids.length });
    level = next;
  }
  return { baskets: ends.length, items, itemsets };
}

function samePrefix(a: Int32Array, b: Int32Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every (k−1)-subset other than the two parents (which leave out one of the last two items) must be frequent. */
function allSubsetsFrequent(candidate: Int32Array, subset: Int32Array, frequent: Set<string>): boolean {
  const k = candidate.length;
  for (let skip = 0; skip < k - 2; skip++) {
    let n = 0;
    for (let i = 0; i < k; i++) if (i !== skip) subset[n++] = candidate[i]!;
    if (!frequent.has(keyOf(subset))) return false;
  }
  return true;
}

/**
 * Association rules X ⇒ {y} as arules' `apriori(…, parameter = list(supp, conf, minlen, maxlen))` yields them,
 * ordered by lift, then confidence, then support (descending), then by items.
 */
export function mineRules(baskets: Iterable<readonly string[]>, options: MineRulesOptions): AssociationRule[] {
  const { minSupport, minConfidence, minLength = 1, maxLength = 10 } = options;
  checkFraction(minConfidence, 'minConfidence');
  checkLength(minLength, 'minLength');
  checkLength(maxLength, 'maxLength');
  const mined = frequentItemsets(baskets, minSupport, maxLength);
  const n = mined.baskets;
  const counts = new Map<string, number>();
  for (const set of mined.itemsets) counts.set(keyOf(set.items), set.count);
  const itemCount = (id: number) => counts.get(String(id))!;

  const rules: AssociationRule[] = [];
  const lhs: number[] = [];
  for (const set of mined.itemsets) {
    const k = set.items.length;
    if (k < minLength || k > maxLength) continue;
    for (let r = 0; r < k; r++) {
      lhs.length = 0;
      for (let i = 0; i < k; i++) if (i !== r) lhs.push(set.items[i]!);
      const lhsCount = lhs.length === 0 ? n : counts.get(keyOf(lhs))!;
      const confidence = set.count / lhsCount;
      if (confidence < minConfidence) continue;
      const y = set.items[r]!;
      rules.push({
        antecedent: lhs.map((id) => mined.items[id]!),
        consequent: mined.items[y]!,
        support: set.count / n,
        confidence,
        lift: confidence / (itemCount(y) / n),
        count: set.count,
        coverage: lhsCount / n,
      });
    }
  }
  return rules.sort(compareRules);
}

function compareRules(a: AssociationRule, b: AssociationRule): number {
  if (a.lift !== b.lift) return b.lift - a.lift;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.support !== b.support) return b.support - a.support;
  const left = a.antecedent.join('\u0000'), right = b.antecedent.join('\u0000');
  if (left !== right) return left < right ? -1 : 1;
  return a.consequent < b.consequent ? -1 : a.consequent > b.consequent ? 1 : 0;
}
