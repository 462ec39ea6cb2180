/**
 * How well two estimates tell a person from a namesake when the evidence is a name: every pair of records with the
 * same written full name and nothing else comparable (at most another employer), scored by the candidate-pair odds
 * (`scoreComparison` less `namesakeBits`) and by the ledger odds (`ledgerLogOdds`), counted by 2-bit band and truth.
 * Development aid: the engine never reads the truth.
 *
 *   npx tsx bench/identity-dev/name-evidence.ts --dir /tmp/gen/seed-1/set     # a generated set (bench/identity-gen)
 *   npx tsx bench/identity-dev/name-evidence.ts                               # ja-dedup-dev
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareRecords, isNameOnly, ledgerLogOdds, namesakeBits, prepareMatchRecord, resolveBatch, scoreComparison, type MatchRecord } from '../../src/domain/match/index.ts';
import { DATASETS, loadDataset, readSmallCsv } from './datasets.ts';
import { DATA, SEP, generatedSpec } from './score.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const spec = values.dir ? generatedSpec(path.resolve(values.dir)) : DATASETS.find((d) => d.name === 'ja-dedup-dev')!;
const truthFile = values.dir ? path.join(values.dir, 'truth.csv') : path.join(DATA, 'ja-dedup-dev/truth.csv');
const loaded = await loadDataset(DATA, spec);
const records: MatchRecord[] = loaded.records.map((r) => prepareMatchRecord({ id: `${r.source}${SEP}${r.externalId}`, source: r.source, fields: r.fields }));
const personOf = new Map<string, string>(readSmallCsv(truthFile).slice(1).map((row) => [`${row[0]}${SEP}${row[1]}`, row[2]!] as [string, string]));
const weights = resolveBatch(records).weights;
const byName = new Map<string, MatchRecord[]>();
for (const r of records) {
  if (r.family?.text == null || r.given?.text == null) continue;
  const key = `${r.family.text} ${r.given.text}`;
  byName.set(key, [...(byName.get(key) ?? []), r]);
}
// band → [namesake pairs, one-person pairs]
const bands = new Map<string, [number, number]>();
const count = (key: string, same: boolean): void => {
  const entry = bands.get(key) ?? [0, 0];
  entry[same ? 1 : 0]++;
  bands.set(key, entry);
};
for (const group of byName.values()) {
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      const cmp = compareRecords(group[i]!, group[j]!);
      if (!isNameOnly(cmp) || cmp.fields.some((f) => f.level === 'disagree' && f.field !== 'company')) continue;
      const ledger = ledgerLogOdds(weights, cmp, records.length);
      if (ledger === null) continue;
      const same = personOf.get(group[i]!.id) === personOf.get(group[j]!.id);
      const kind = cmp.vector.company === 2 ? 'another employer' : 'nothing else';
      const band = (bits: number): number => Math.max(-4, Math.min(12, Math.floor(bits / 2) * 2));
      count(`${kind} | candidate-pair odds | ${band(scoreComparison(weights, cmp).logOdds - namesakeBits(weights, records.length))}`, same);
      count(`${kind} | ledger odds | ${band(ledger)}`, same);
    }
  }
}
console.log(`${spec.name}: ${records.length} records; pairs by kind, estimate and band (log2 odds, from the band's floor): namesakes / one person`);
for (const [key, [apart, one]] of [...bands].sort(([a], [b]) => {
  const [ka, ea, ba] = a.split(' | ');
  const [kb, eb, bb] = b.split(' | ');
  return ka!.localeCompare(kb!) || ea!.localeCompare(eb!) || Number(ba) - Number(bb);
})) {
  console.log(`  ${key.padEnd(48)} ${String(apart).padStart(5)} / ${one}`);
}
