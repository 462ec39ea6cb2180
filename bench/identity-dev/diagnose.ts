/**
 * Error analysis for one data set (development aid; reads the truth, the
 * engine never does):
 *
 *   npx tsx bench/identity-dev/diagnose.ts ja-dedup-dev [--show 20] [--category rule:name_only]
 *
 * Missed true pairs are grouped by cause: not blocked, capped by a rule,
 * scored below the merge threshold, or merge pair refused by the
 * anti-chaining check; false merges are listed with their evidence.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { candidatePairs, compareRecords, decidePair, prepareMatchRecord, resolveBatch, type MatchRecord, type ScoredPair } from '../../src/domain/match/index.ts';
import { DATASETS, loadDataset, readSmallCsv } from './datasets.ts';

const DATA = process.env.DAICHO_DATA_DIR ?? '/work/shared/data';
const SEP = '\u0001';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { show: { type: 'string', default: '10' }, category: { type: 'string' }, fp: { type: 'boolean', default: false } },
});
const spec = DATASETS.find((d) => d.name === (positionals[0] ?? 'ja-dedup-dev'))!;
const loaded = await loadDataset(DATA, spec);
const recs: MatchRecord[] = loaded.records.map((r) => prepareMatchRecord({ id: `${r.source}${SEP}${r.externalId}`, source: r.source, fields: r.fields }));
const raw = new Map(loaded.records.map((r) => [`${r.source}${SEP}${r.externalId}`, r.fields]));
const truth = new Map<string, string>();
if (spec.truth) {
  for (const [s, id, e] of readSmallCsv(path.resolve(DATA, spec.truth)).slice(1)) truth.set(`${s}${SEP}${id}`, e!);
} else if (spec.truthFrom) {
  const [head = [], ...rows] = readSmallCsv(path.resolve(DATA, spec.truthFrom.file));
  const i = head.indexOf(spec.truthFrom.idColumn);
  const j = head.indexOf(spec.truthFrom.entityColumn);
  for (const r of rows) truth.set(`${spec.truthFrom.source}${SEP}${r[i]}`, r[j]!);
}
const result = resolveBatch(recs);
const w = result.weights;
const clusterOf = new Map<string, number>();
result.clusters.forEach((c, k) => c.forEach((id) => clusterOf.set(id, k)));
const sorted = [...recs].sort((a, b) => (a.id < b.id ? -1 : 1));
const idx = new Map(sorted.map((r, i) => [r.id, i]));
const { pairs } = candidatePairs(sorted);
const blocked = new Set(pairs.map(([i, j]) => `${i}|${j}`));

const byEntity = new Map<string, string[]>();
for (const r of recs) {
  const e = truth.get(r.id);
  if (e === undefined) continue;
  let l = byEntity.get(e);
  if (!l) byEntity.set(e, (l = []));
  l.push(r.id);
}
const cats = new Map<string, Array<{ a: string; b: string; sp: ScoredPair }>>();
const add = (cat: string, a: string, b: string, sp: ScoredPair): void => {
  let l = cats.get(cat);
  if (!l) cats.set(cat, (l = []));
  l.push({ a, b, sp });
};
let missed = 0;
for (const ids of byEntity.values()) {
  for (let x = 0; x < ids.length; x++) {
    for (let y = x + 1; y < ids.length; y++) {
      const a = ids[x]!;
      const b = ids[y]!;
      if (clusterOf.get(a) === clusterOf.get(b)) continue;
      missed++;
      const ra = recs.find((r) => r.id === a)!;
      const rb = recs.find((r) => r.id === b)!;
      const sp = decidePair(a, b, compareRecords(ra, rb), w);
      const [i, j] = [idx.get(a)!, idx.get(b)!].sort((p, q) => p - q);
      let cat: string;
      if (sp.outcome === 'merge') cat = 'merge-but-split (anti-chaining / transitive)';
      else if (!blocked.has(`${i}|${j}`) && sp.probability >= w.thresholds.merge && sp.rules.length === 0) cat = 'not blocked (would merge)';
      else if (sp.rules.length > 0) cat = `rule:${sp.rules.join('+')}`;
      else cat = `score (p<${w.thresholds.merge})`;
      add(cat, a, b, sp);
    }
  }
}
const show = Number(values.show);
const fmt = (sp: ScoredPair): string =>
  sp.evidence
    .filter((e) => e.level !== 'missing')
    .map((e) => `${e.field}:${e.level}(${e.weight.toFixed(1)})`)
    .join(' ');
console.log(`missed true pairs: ${missed}`);
for (const [cat, list] of [...cats].sort((p, q) => q[1].length - p[1].length)) {
  console.log(`\n### ${cat}: ${list.length}`);
  if (values.category && !cat.startsWith(values.category)) continue;
  for (const { a, b, sp } of list.slice(0, show)) {
    console.log(`  p=${sp.probability.toFixed(3)} s=${sp.score.toFixed(1)} ${fmt(sp)}`);
    console.log(`    A ${a.replace(SEP, ':')} ${JSON.stringify(raw.get(a))}`);
    console.log(`    B ${b.replace(SEP, ':')} ${JSON.stringify(raw.get(b))}`);
  }
}
if (values.fp) {
  console.log('\n### false merges');
  let n = 0;
  for (const c of result.clusters) {
    const ents = new Set(c.map((id) => truth.get(id)));
    if (ents.size <= 1) continue;
    if (n++ >= show) break;
    console.log(`cluster ${c.map((id) => `${id.replace(SEP, ':')}=${truth.get(id)}`).join(' ')}`);
    for (let x = 0; x < c.length; x++) {
      for (let y = x + 1; y < c.length; y++) {
        if (truth.get(c[x]!) === truth.get(c[y]!)) continue;
        const sp = decidePair(c[x]!, c[y]!, compareRecords(recs.find((r) => r.id === c[x])!, recs.find((r) => r.id === c[y])!), w);
        console.log(`  p=${sp.probability.toFixed(3)} ${sp.outcome} ${fmt(sp)}`);
        console.log(`    A ${JSON.stringify(raw.get(c[x]!))}`);
        console.log(`    B ${JSON.stringify(raw.get(c[y]!))}`);
      }
    }
  }
}
