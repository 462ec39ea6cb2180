/**
 * A compact map from a record id (a string) to a small integer, for the validation of a large file, which must
 * remember every id it has seen to count repeats. A Map of a million 9-character ids takes 59 MiB (the strings and
 * the entries); this keeps 12 bytes a slot, at most half full: two 32-bit hashes of the id and an Int32 value (24 MiB).
 * Ids whose two hashes both collide count as one: with 64 bits, about one chance in 40 million at a million ids,
 * which a report's count can bear (an import itself never relies on this).
 */
export class IdTally {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private values = new Int32Array(1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  /** The value stored for `id`, or undefined. */
  get(id: string): number | undefined {
    const slot = this.find(hashA(id), hashB(id));
    return this.hi[slot] === 0 && this.lo[slot] === 0 ? undefined : this.values[slot];
  }

  set(id: string, value: number): void {
    if ((this.used + 1) * 2 > this.hi.length) this.grow();
    const a = hashA(id);
    const b = hashB(id);
    const slot = this.find(a, b);
    if (this.hi[slot] === 0 && this.lo[slot] === 0) {
      this.hi[slot] = a;
      this.lo[slot] = b;
      this.used++;
    }
    this.values[slot] = value;
  }

  /** The slot holding (a, b), or the empty slot where it would go (linear probing; the table is never full). */
  private find(a: number, b: number): number {
    const mask = this.hi.length - 1;
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while ((this.hi[slot] !== 0 || this.lo[slot] !== 0) && (this.hi[slot] !== a || this.lo[slot] !== b)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { hi, lo, values } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(hi.length * 2);
    this.values = new Int32Array(hi.length * 2);
    for (let i = 0; i < hi.length; i++) {
      if (hi[i] === 0 && lo[i] === 0) continue;
      const slot = this.find(hi[i]!, lo[i]!);
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.values[slot] = values[i]!;
    }
  }
}

/** FNV-1a over UTF-16 code units; never 0 (0 with hashB's 0 would mark an empty slot). */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) || 1;
}

/** A second, unrelated hash (multiply-xorshift, murmur3's finaliser at the end). */
function hashB(s: string): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
