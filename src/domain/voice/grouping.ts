/**
 * Grouping of similar customer voice items (issue 24), so that a wave of the same complaint is visible.
 *
 * Two items belong together when they are about the same product and topic, or when their texts are near-duplicates.
 * Near-duplicates are found the way that scales to a million stored items: each item's text is reduced once to
 * MinHash band keys (textBands), stored with the item and indexed; a new item is compared (textSimilarity) only with
 * the items that share at least one band key. No pairwise scan of the inbox is ever needed.
 *
 * Text fold before shingling: NFKC, lower case, katakana → hiragana (foldForSearch), then every run of digits becomes
 * one 0 (order numbers and dates differ between otherwise identical complaints) and punctuation, symbols and spaces
 * are dropped. Shingles are character 3-grams (Japanese has no spaces; 3-grams are the usual unit for it).
 *
 * Parameters: BANDS × ROWS = 32 × 4 = 128 hash functions. An item pair with Jaccard similarity J shares a band with
 * probability 1 − (1 − J⁴)³²: J = 0.5 → 0.87, 0.6 → 0.99, 0.7 → 1.00, while J = 0.2 → 0.05 and J = 0.1 → 0.003, so
 * unrelated comments rarely become candidates. NEAR_DUPLICATE_THRESHOLD = 0.5: at that Jaccard of 3-gram sets two
 * comments share most of their wording (the same template with different details, or one quoting the other), while
 * two different complaints about the same thing (「届かない」 vs 「配送が遅い」) stay below 0.3.
 */
import { foldForSearch } from '../normalize/text.ts';

export const SHINGLE_SIZE = 3;
export const BANDS = 32;
export const ROWS = 4;
export const NEAR_DUPLICATE_THRESHOLD = 0.5;

/** Fold for similarity: the search fold, digit runs → 0, and only letters/digits kept. */
export function foldForSimilarity(text: string): string {
  return foldForSearch(text ?? '').replace(/\d+/gu, '0').replace(/[^\p{L}\p{N}ー]+/gu, '');
}

/** The set of character n-grams of the folded text; a text shorter than n is its own single shingle. */
export function shingles(text: string): Set<string> {
  const chars = [...foldForSimilarity(text)];
  const out = new Set<string>();
  if (chars.length === 0) return out;
  if (chars.length <= SHINGLE_SIZE) {
    out.add(chars.join(''));
    return out;
  }
  for (let i = 0; i + SHINGLE_SIZE <= chars.length; i++) out.add(chars.slice(i, i + SHINGLE_SIZE).join(''));
  return out;
}

/** 32-bit FNV-1a over UTF-16 code units: stable across runs and machines (band keys are stored). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A fixed xorshift sequence gives the (a, b) of each hash function h(x) = a·x + b (mod 2³²), a odd. */
const HASH_PARAMS: readonly (readonly [number, number])[] = (() => {
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return Array.from({ length: BANDS * ROWS }, () => [(next() | 1) >>> 0, next()] as const);
})();

/** Mixes the bits after the multiply so the minimum is not dominated by the low bits of the input. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return x >>> 0;
}

function minHash(set: Set<string>): Uint32Array {
  const sig = new Uint32Array(BANDS * ROWS).fill(0xffffffff);
  for (const shingle of set) {
    const x = fnv1a(shingle);
    for (let k = 0; k < sig.length; k++) {
      const [a, b] = HASH_PARAMS[k]!;
      const h = mix((Math.imul(a, x) + b) >>> 0);
      if (h < sig[k]!) sig[k] = h;
    }
  }
  return sig;
}

/**
 * LSH band keys of the text: "b<band>:<hex>" where hex hashes that band's ROWS MinHash values. Items sharing a key
 * are near-duplicate candidates. Empty text has no keys (it is near-duplicate of nothing).
 */
export function textBands(text: string): string[] {
  const set = shingles(text);
  if (set.size === 0) return [];
  const sig = minHash(set);
  const keys: string[] = [];
  for (let band = 0; band < BANDS; band++) {
    let h = 0x811c9dc5;
    for (let r = 0; r < ROWS; r++) {
      h ^= sig[band * ROWS + r]!;
      h = Math.imul(h, 0x01000193);
    }
    keys.push(`b${band}:${(h >>> 0).toString(16).padStart(8, '0')}`);
  }
  return keys;
}

/** Jaccard similarity of the two texts' n-gram sets (0..1); two empty texts are 0, not identical. */
export function textSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

export function isNearDuplicate(a: string, b: string): boolean {
  return textSimilarity(a, b) >= NEAR_DUPLICATE_THRESHOLD;
}

/** Union-find over item indexes. */
function disjointSets(n: number): { find: (i: number) => number; union: (i: number, j: number) => void } {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  return { find, union: (i, j) => { const a = find(i); const b = find(j); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); } };
}

/**
 * Groups of two or more items: one per (product, tag) pair shared by several items, key "product:<sku>|tag:<tag>",
 * and one per cluster of near-duplicate texts (linked through band candidates, confirmed by Jaccard), key
 * "text:<id of the cluster's first item>". An item can be in several groups. Member ids keep the input order.
 */
export function groupSimilar(items: { id: string; text: string; productSkus: string[]; tags: string[] }[]): { key: string; memberIds: string[] }[] {
  const groups: { key: string; memberIds: string[] }[] = [];

  const byTopic = new Map<string, string[]>();
  for (const item of items) {
    for (const sku of new Set(item.productSkus)) {
      for (const tag of new Set(item.tags)) {
        const key = `product:${sku}|tag:${tag}`;
        const list = byTopic.get(key) ?? [];
        list.push(item.id);
        byTopic.set(key, list);
      }
    }
  }
  for (const [key, memberIds] of byTopic) if (memberIds.length >= 2) groups.push({ key, memberIds });

  const sets = disjointSets(items.length);
  const shingleSets = items.map((item) => shingles(item.text));
  const byBand = new Map<string, number[]>();
  items.forEach((item, i) => {
    for (const band of textBands(item.text)) {
      const list = byBand.get(band) ?? [];
      list.push(i);
      byBand.set(band, list);
    }
  });
  const compared = new Set<string>();
  for (const candidates of byBand.values()) {
    for (let x = 0; x < candidates.length; x++) {
      for (let y = x + 1; y < candidates.length; y++) {
        const i = candidates[x]!;
        const j = candidates[y]!;
        const pair = `${i}:${j}`;
        if (compared.has(pair) || sets.find(i) === sets.find(j)) continue;
        compared.add(pair);
        if (jaccard(shingleSets[i]!, shingleSets[j]!) >= NEAR_DUPLICATE_THRESHOLD) sets.union(i, j);
      }
    }
  }
  const clusters = new Map<number, number[]>();
  items.forEach((_, i) => {
    const root = sets.find(i);
    const list = clusters.get(root) ?? [];
    list.push(i);
    clusters.set(root, list);
  });
  for (const members of clusters.values()) {
    if (members.length >= 2) groups.push({ key: `text:${items[members[0]!]!.id}`, memberIds: members.map((i) => items[i]!.id) });
  }
  return groups;
}

function jaccard(sa: Set<string>, sb: Set<string>): number {
  if (sa.size === 0 || sb.size === 0) return 0;
  let shared = 0;
  for (const s of sa) if (sb.has(s)) shared++;
  return shared / (sa.size + sb.size - shared);
}
