/**
 * Blocking-key yield on the generated import data (development aid): which key kinds find the true pairs, and what
 * each costs in candidate pairs as the ledger grows. Reads the generator's truth (the engine never does).
 *
 *   npx tsx bench/import/keys.ts [--rows 300000] [--cap 50]
 *
 * Per key kind (the prefix before ':'): stored keys, blocks of 2+, blocks over the cap, candidate pairs (blocks within
 * the cap), true pairs found, true pairs found by this kind only (the recall lost without it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseImportProfile } from '../../src/domain/import/profile.ts';
import { blockingKeys, prepareMatchRecord } from '../../src/domain/match/index.ts';
import { mapRow } from '../../src/domain/import/profile.ts';
import { openTable } from '../../src/intake/files/readers/open-table.ts';
import { PROFILE, writeBenchCsv } from './data.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '300000' }, cap: { type: 'string', default: '50' }, caps: { type: 'string', default: '' } } });
const rows = Number(values.rows);
const cap = Number(values.cap);
const kindCaps = new Map(values.caps!.split(',').filter(Boolean).map((kv) => { const [k, v] = kv.split('='); return [k!, Number(v)] as const; }));
const file = path.join(os.tmpdir(), `daicho-keys-${rows}.csv`);
const truth: number[] = [];
writeBenchCsv(file, rows, { truth });
const { label: _l, ...profileJson } = PROFILE;
const profile = parseImportProfile(profileJson);

const blocks = new Map<string, number[]>();
const table = await openTable(file);
let i = 0;
for await (const row of table.rows) {
  if (!('values' in row)) continue;
  const mapped = mapRow(row.values, profile, row.line);
  const rec = prepareMatchRecord({ id: String(i), source: 's', fields: mapped.fields });
  for (const k of blockingKeys(rec)) {
    let b = blocks.get(k);
    if (b === undefined) blocks.set(k, (b = []));
    b.push(i);
  }
  i++;
}
fs.rmSync(file);

const kindOf = (k: string) => k.slice(0, k.indexOf(':'));
interface Stat { keys: number; blocks2: number; over: number; pairs: number; truePairs: number; only: number; sizes: number[] }
const stats = new Map<string, Stat>();
const pairKinds = new Map<number, Set<string>>(); // true pair id → kinds that find it
const stat = (kind: string) => stats.get(kind) ?? (stats.set(kind, { keys: 0, blocks2: 0, over: 0, pairs: 0, truePairs: 0, only: 0, sizes: [] }), stats.get(kind)!);
const allPairs = new Set<number>();
for (const [key, members] of blocks) {
  const s = stat(kindOf(key));
  s.keys++;
  if (members.length < 2) continue;
  s.blocks2++;
  s.sizes.push(members.length);
  if (members.length > Math.min(cap, kindCaps.get(kindOf(key)) ?? cap)) { s.over++; continue; }
  for (let x = 0; x < members.length; x++) {
    for (let y = x + 1; y < members.length; y++) {
      const a = members[x]!, b = members[y]!;
      const id = a * rows + b;
      s.pairs++;
      allPairs.add(id);
      if (truth[a] === truth[b]) {
        s.truePairs++;
        let ks = pairKinds.get(id);
        if (ks === undefined) pairKinds.set(id, (ks = new Set()));
        ks.add(kindOf(key));
      }
    }
  }
}
let truePairs = 0;
const count = new Map<number, number>();
for (const p of truth) count.set(p, (count.get(p) ?? 0) + 1);
for (const n of count.values()) truePairs += (n * (n - 1)) / 2;
for (const ks of pairKinds.values()) if (ks.size === 1) stat([...ks][0]!).only++;
const q = (xs: number[], p: number) => (xs.length ? xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]! : 0);
console.log(`${rows} rows, ${count.size} people, ${truePairs} true pairs, found ${pairKinds.size} (${((100 * pairKinds.size) / truePairs).toFixed(2)}%), distinct candidate pairs ${allPairs.size} (${(allPairs.size / rows).toFixed(1)} a row), cap ${cap} ${values.caps}`);
console.log('kind  keys/row  blocks2+  over-cap  p50  p99  pairs/row  true-found  only-this');
for (const [kind, s] of [...stats].sort((a, b) => b[1].pairs - a[1].pairs)) {
  console.log(`${kind.padEnd(4)} ${(s.keys / rows).toFixed(2).padStart(8)} ${String(s.blocks2).padStart(9)} ${String(s.over).padStart(9)} ${String(q(s.sizes, 0.5)).padStart(4)} ${String(q(s.sizes, 0.99)).padStart(4)} ${(s.pairs / rows).toFixed(2).padStart(10)} ${String(s.truePairs).padStart(11)} ${String(s.only).padStart(10)}`);
}
