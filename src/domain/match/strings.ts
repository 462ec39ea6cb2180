/**
 * String similarity primitives used by the comparators. Pure; iterate by
 * code point so surrogate-pair kanji (𠮷) count as one character.
 */

/**
 * Optimal-string-alignment distance (Levenshtein + adjacent transposition).
 *
 * @example osaDistance('kimura', 'kimrua') // => 1
 */
export function osaDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/**
 * osaDistance(a, b) ≤ k, computed on the diagonal band |i − j| ≤ k with an
 * early exit (cost O(k·n) instead of O(n·m): used on long address texts).
 *
 * @example osaWithin('10sumnerplacearlington', '10sumnerplacearlintgon', 1) // => true
 */
export function osaWithin(a: string, b: string, k: number): boolean {
  const s = [...a];
  const t = [...b];
  const n = s.length;
  const m = t.length;
  if (Math.abs(n - m) > k) return false;
  const INF = k + 1;
  let prev2 = new Array<number>(m + 1).fill(INF);
  let prev = Array.from({ length: m + 1 }, (_, j) => (j <= k ? j : INF));
  let cur = new Array<number>(m + 1).fill(INF);
  for (let i = 1; i <= n; i++) {
    cur.fill(INF);
    cur[0] = i <= k ? i : INF;
    let rowMin = cur[0]!;
    for (let j = Math.max(1, i - k); j <= Math.min(m, i + k); j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = Math.min(v, INF);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > k) return false;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]! <= k;
}

/**
 * Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, prefix ≤ 4).
 *
 * @example jaroWinkler('martha', 'marhta') // ≈ 0.961
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const s = [...a];
  const t = [...b];
  if (s.length === 0 || t.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sm = new Array<boolean>(s.length).fill(false);
  const tm = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(t.length - 1, i + range);
    for (let j = lo; j <= hi; j++) {
      if (tm[j] || s[i] !== t[j]) continue;
      sm[i] = true;
      tm[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let trans = 0;
  for (let i = 0; i < s.length; i++) {
    if (!sm[i]) continue;
    while (!tm[k]) k++;
    if (s[i] !== t[k]) trans++;
    k++;
  }
  const jaro = (matches / s.length + matches / t.length + (matches - trans / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < s.length && prefix < t.length && s[prefix] === t[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Number of code points. */
export function cpLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Jaccard similarity of two token sets. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  if (A.size === 0 && B.size === 0) return 0;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

/**
 * Soundex-like phonetic code for latin names (American Soundex, 4 chars).
 * Used only as a blocking key.
 */
export function soundex(s: string): string {
  const w = s.toLowerCase().replace(/[^a-z]/gu, '');
  if (w === '') return '';
  const code: Record<string, string> = {
    b: '1', f: '1', p: '1', v: '1',
    c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
    d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
  };
  let out = w[0]!.toUpperCase();
  let last = code[w[0]!] ?? '';
  for (const ch of w.slice(1)) {
    const c = code[ch] ?? '';
    if (c !== '' && c !== last) out += c;
    if (ch !== 'h' && ch !== 'w') last = c;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}
