/**
 * Blocking: only records that share at least one key are compared.
 *
 * Keys (prefix → what it catches):
 *  - `e:` e-mail match key; `el:` local part of a personal address (same
 *    user name at another provider);
 *  - `p:` phone (E.164);
 *  - `ft:` / `fk:` / `fr:` whole name written / reading / romaji (kana-only
 *    and romaji records meet kanji records with a reading);
 *    `fs:` the two latin name parts sorted (family/given swapped);
 *  - `fb:` family + birth date (typo in the given name), `gb:` given + birth
 *    date (married-name change, typo in the family name);
 *  - `fo:` family + postal code, `go:` given + postal code;
 *  - `fc:` family + company, `gc:` given + company (business cards);
 *  - `a:` street address (+ prefecture); `an:` postal code + house number;
 *  - `b:` birth date alone (both name parts mistyped; ~N/30 000 per block);
 *  - `sx:` Soundex of latin family + given, `sb:` Soundex family + birth year
 *    (western data with typos).
 *
 * COST CONTROL: a block larger than `maxBlockSize` (default 50) is skipped
 * entirely: such a key is too common to discriminate (a company's main
 * number, 佐藤|健 in a large database, a big office address) and the pair is
 * still found through its other keys. The number of compared pairs is
 * therefore at most Σ_keys min(n_b, cap)²/2 ≤ cap/2 · (keys per record) · N,
 * i.e. linear in N. The incremental path must apply the same rule: fetch
 * candidates only for keys whose stored count is below the cap.
 *
 * Keys that say little on their own have a lower cap (KIND_CAPS): a birth
 * date alone is shared by ~N/22 000 people and a common full name by ~N/3 000,
 * so under the general cap their blocks kept growing with the ledger (candidate
 * pairs a row: 1.6 at 100k records, 4.0 at 300k, measured with
 * bench/import/keys.ts) until they passed it. With the lower cap such a block
 * drops out earlier; the pairs it held still meet through their other keys.
 *
 * A name part's reading is blocked by its romaji only: the romaji is computed
 * from the kana whenever there is one, so equal readings give equal romaji
 * (and a latin-written name meets them too), so a separate kana key adds no
 * pair: it only cost a stored key and a probe.
 */
import { fullNameOf } from './prepare.ts';
import { soundex } from './strings.ts';
import { FIELDS, type Field, type MatchRecord, type NamePart } from './types.ts';

export const DEFAULT_MAX_BLOCK_SIZE = 50;

/** Lower caps for weak kinds of key (prefix → cap): a birth date alone, a whole name alone. */
export const KIND_CAPS: Readonly<Record<string, number>> = Object.freeze({ b: 10, ft: 20, fk: 20, fr: 20, fs: 20, sx: 20 });

/** A key's kind: its prefix before ':' (also kept by the stored, hashed form of a key). */
const keyKind = (key: string): string => key.slice(0, key.indexOf(':'));

/**
 * How much a kind of key says on its own, for a lookup in a large ledger that has to stay within a budget
 * (import.service.ts, loadChunkRecords): 0 = keys that can carry a match with their own evidence (e-mail, phone,
 * address, a name part with a birth date, postal code or company), 1 = a whole name alone, 2 = a birth date alone.
 * Measured on the generated import data (bench/import/keys.ts, 200k rows): the weak tiers find no true pair that
 * tier 0 misses, but at 170k linked records they brought 26k of a 10k-record chunk's 34k neighbours.
 */
export function keyTier(key: string): 0 | 1 | 2 {
  const kind = keyKind(key);
  if (kind === 'b') return 2;
  return kind in KIND_CAPS ? 1 : 0;
}

/** The largest block a key may have and still be used: the general cap, or its kind's lower one. */
export function blockCap(key: string, maxBlockSize: number = DEFAULT_MAX_BLOCK_SIZE): number {
  const kindCap = KIND_CAPS[keyKind(key)];
  return kindCap !== undefined && kindCap < maxBlockSize ? kindCap : maxBlockSize;
}

/** The comparison fields each kind of key is built from (a pair met through that key agrees on them by construction). */
const KEY_FIELDS: Readonly<Record<string, readonly Field[]>> = Object.freeze({
  e: ['email'], el: ['email'], p: ['phone'],
  ft: ['family', 'given'], fk: ['family', 'given'], fr: ['family', 'given'], fs: ['family', 'given'], sx: ['family', 'given'],
  fb: ['family', 'birth'], gb: ['given', 'birth'], sb: ['family', 'birth'], b: ['birth'],
  fo: ['family', 'address'], go: ['given', 'address'], a: ['address'], an: ['address'],
  fc: ['family', 'company'], gc: ['given', 'company'],
});

const ALL_FIELDS_MASK = (1 << FIELDS.length) - 1;

/**
 * Bit mask over FIELDS of the fields a kind of key does NOT depend on: a pair found through the key says nothing
 * biased about them. Weight estimation counts a pair towards a field's agreement rates only when one of the keys
 * that found it leaves the field free (see trainWeights): a pair met only through its birth date agrees on its birth
 * date because of how it was found, not because unrelated people often share one.
 */
export function freeFieldMask(key: string): number {
  const fields = KEY_FIELDS[keyKind(key)];
  if (fields === undefined) return ALL_FIELDS_MASK;
  let mask = ALL_FIELDS_MASK;
  for (const f of fields) mask &= ~(1 << FIELDS.indexOf(f));
  return mask;
}

/** How a name part is blocked: its written form and its romaji (else its kana, when it has no romaji). */
function reps(p: NamePart | null): string[] {
  if (p === null) return [];
  const out: string[] = [];
  if (p.text !== null) out.push(p.text);
  if (p.romaji !== null) out.push(p.romaji);
  else if (p.kana !== null) out.push(p.kana);
  return [...new Set(out)];
}

/**
 * Blocking keys of one record (deduplicated, sorted). Deterministic and
 * derived only from the record itself, so they can be stored per record.
 *
 * @example blockingKeys(prepareMatchRecord({ id: '1', source: 's', fields: { email: 'a.b@x.co.jp' } })) // => ['e:a.b@x.co.jp']
 */
export function blockingKeys(rec: MatchRecord): string[] {
  // A record's keys are asked for several times while one chunk is resolved (neighbour lookup, then blocking).
  const cached = KEYS_OF.get(rec);
  if (cached !== undefined) return cached;
  const keys = Object.freeze(computeKeys(rec)) as string[];
  KEYS_OF.set(rec, keys);
  return keys;
}

/** Keys per record object (records are not changed once prepared; the keys go with the object). */
const KEYS_OF = new WeakMap<MatchRecord, string[]>();

function computeKeys(rec: MatchRecord): string[] {
  const keys = new Set<string>();
  for (const e of rec.emails) {
    keys.add(`e:${e.key}`);
    if (e.personal && e.local.length >= 5) keys.add(`el:${e.local}`);
  }
  for (const p of rec.phones) keys.add(`p:${p.value}`);
  const full = fullNameOf(rec);
  if (full !== null) {
    if (full.text !== null) keys.add(`ft:${full.text}`);
    if (full.romaji !== null) keys.add(`fr:${full.romaji}`);
    else if (full.kana !== null) keys.add(`fk:${full.kana}`);
  }
  const fam = reps(rec.family);
  const giv = reps(rec.given);
  if (rec.family?.romaji && rec.given?.romaji) {
    const [x, y] = [rec.family.romaji, rec.given.romaji].sort();
    keys.add(`fs:${x}|${y}`);
  }
  if (rec.birthDate !== null) {
    for (const f of fam) keys.add(`fb:${f}|${rec.birthDate}`);
    for (const g of giv) keys.add(`gb:${g}|${rec.birthDate}`);
  }
  if (rec.postal !== null) {
    for (const f of fam) keys.add(`fo:${f}|${rec.postal}`);
    for (const g of giv) keys.add(`go:${g}|${rec.postal}`);
  }
  if (rec.company !== null) {
    for (const f of fam) keys.add(`fc:${f}|${rec.company.core}`);
    for (const g of giv) keys.add(`gc:${g}|${rec.company.core}`);
  }
  if (rec.address !== null && rec.address.street.length >= 4) {
    keys.add(`a:${rec.address.prefecture ?? ''}|${rec.address.street}`);
  }
  // House number + postal code (street name typos), birth date alone (both
  // name parts mistyped or replaced); both capped like every key.
  if (rec.address !== null && rec.address.number !== '' && rec.postal !== null) keys.add(`an:${rec.postal}|${rec.address.number}`);
  if (rec.birthDate !== null) keys.add(`b:${rec.birthDate}`);
  const fl = rec.family?.latin ?? null;
  const gl = rec.given?.latin ?? null;
  if (fl !== null && gl !== null) {
    keys.add(`sx:${soundex(fl)}|${soundex(gl)}`);
    if (rec.birthDate !== null) keys.add(`sb:${soundex(fl)}|${rec.birthDate.slice(0, 4)}`);
  }
  return [...keys].sort();
}

export interface BlockingStats {
  keys: number;
  blocks: number;
  /** Blocks skipped because they exceed the cap (key and size), largest first, at most 20 listed. */
  oversized: Array<{ key: string; size: number }>;
  oversizedCount: number;
  pairs: number;
}

/**
 * Candidate pairs (indices into `records`, i < j) of all records sharing a
 * key, skipping blocks larger than their cap (`maxBlockSize`, or the key
 * kind's lower cap: blockCap).
 *
 * `fixed` marks records resolved before (a chunk's linked neighbours): two of them are never paired (they were
 * compared when the later one was resolved), so their keys only join the blocks the other records open, and a block
 * of fixed records alone is not built (the blocks with a record to pair are the same, so are the pairs).
 */
export function candidatePairs(
  records: readonly MatchRecord[],
  options: { maxBlockSize?: number; keysOf?: (r: MatchRecord, i: number) => readonly string[]; fixed?: readonly boolean[] } = {},
): { pairs: Array<[number, number]>; stats: BlockingStats; freeMasks: number[] } {
  const cap = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const fixed = options.fixed;
  const blocks = new Map<string, number[]>();
  let nKeys = 0;
  const keysAt = (i: number) => (options.keysOf ? options.keysOf(records[i]!, i) : blockingKeys(records[i]!));
  // Records to pair open blocks; then fixed records join the blocks that exist. Each block so lists its records to
  // pair before its fixed ones (the pair loop below relies on it).
  for (let i = 0; i < records.length; i++) {
    if (fixed?.[i]) continue;
    const keys = keysAt(i);
    nKeys += keys.length;
    for (const k of keys) {
      let b = blocks.get(k);
      if (b === undefined) blocks.set(k, (b = []));
      b.push(i);
    }
  }
  if (fixed) {
    for (let i = 0; i < records.length; i++) {
      if (!fixed[i]) continue;
      const keys = keysAt(i);
      nKeys += keys.length;
      for (const k of keys) blocks.get(k)?.push(i);
    }
  }
  // Pair id → fields left free by the keys that found it (freeFieldMask); also the set of pairs already listed.
  const seen = new Map<number, number>();
  const pairs: Array<[number, number]> = [];
  const n = records.length;
  const oversized: Array<{ key: string; size: number }> = [];
  for (const [key, members] of blocks) {
    if (members.length < 2) continue;
    if (members.length > blockCap(key, cap)) {
      oversized.push({ key, size: members.length });
      continue;
    }
    const free = freeFieldMask(key);
    for (let x = 0; x < members.length; x++) {
      // From the first fixed record on, every pair is of two fixed records.
      if (fixed?.[members[x]!]) break;
      for (let y = x + 1; y < members.length; y++) {
        const i = Math.min(members[x]!, members[y]!);
        const j = Math.max(members[x]!, members[y]!);
        const id = i * n + j;
        const had = seen.get(id);
        if (had !== undefined) {
          seen.set(id, had | free);
          continue;
        }
        seen.set(id, free);
        pairs.push([i, j]);
      }
    }
  }
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const freeMasks = pairs.map(([i, j]) => seen.get(i * n + j)!);
  oversized.sort((p, q) => q.size - p.size || (p.key < q.key ? -1 : 1));
  return {
    pairs,
    freeMasks,
    stats: { keys: nKeys, blocks: blocks.size, oversized: oversized.slice(0, 20), oversizedCount: oversized.length, pairs: pairs.length },
  };
}
