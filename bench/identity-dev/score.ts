/**
 * Scoring one data set in memory (shared by run.ts and bench/identity-gen/teach.ts): load, prepare, resolveBatch,
 * links CSV, the shared scorer (/work/shared/tools/dedup-score).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prepareMatchRecord, resolveBatch, type MatchInput, type MatchRecord, type ResolveOptions, type ResolveResult } from '../../src/domain/match/index.ts';
import { loadDataset, type DatasetSpec } from './datasets.ts';

export const DATA = process.env.DAICHO_DATA_DIR ?? '/work/shared/data';
const SCORER = process.env.DAICHO_DEDUP_SCORER ?? '/work/shared/tools/dedup-score/score.mjs';

export interface Row {
  dataset: string;
  records: number;
  pairs: number;
  precision: number;
  recall: number;
  f1: number;
  falseMerges: string;
  hardNeg: string;
  life: string;
  reviews: number;
  seconds: number;
}

export const SEP = '\u0001';

function csvField(s: string): string {
  return /[",\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
}

export async function runOne(spec: DatasetSpec, tmp: string, verbose: boolean, extra: ResolveOptions = {}): Promise<Row & { result: ResolveResult }> {
  const t0 = performance.now();
  const loaded = await loadDataset(DATA, spec);
  const inputs: MatchInput[] = loaded.records.map((r) => ({ id: `${r.source}${SEP}${r.externalId}`, source: r.source, fields: r.fields }));
  const t1 = performance.now();
  const prepared: MatchRecord[] = inputs.map(prepareMatchRecord);
  const result: ResolveResult = resolveBatch(prepared, { ...extra, ...(process.env.DAICHO_NAME_ONLY ? { thresholds: { merge: 0.95, review: 0.3, nameOnly: Number(process.env.DAICHO_NAME_ONLY) } } : {}) });
  const t2 = performance.now();
  const lines = ['source,external_id,customer_id'];
  result.clusters.forEach((members, c) => {
    for (const id of members) {
      const [source, ext] = id.split(SEP) as [string, string];
      lines.push([csvField(source), csvField(ext), `C${c}`].join(','));
    }
  });
  const links = path.join(tmp, `${spec.name}.links.csv`);
  fs.writeFileSync(links, `${lines.join('\n')}\n`);
  let truth = path.join(tmp, `${spec.name}.truth.csv`);
  if (spec.truthFrom) truth = loaded.writeTruth!(truth);
  else {
    // Keep only the truth rows of the loaded sources (febrl/truth.csv covers febrl1 and febrl2).
    const sources = new Set(loaded.records.map((r) => r.source));
    const [head = '', ...rest] = fs.readFileSync(path.resolve(DATA, spec.truth!), 'utf8').split(/\r?\n/u).filter(Boolean);
    fs.writeFileSync(truth, `${[head, ...rest.filter((l) => sources.has(l.slice(0, l.indexOf(','))))].join('\n')}\n`);
    const dir = path.dirname(path.resolve(DATA, spec.truth!));
    for (const extra of ['negatives.csv', 'life_events.csv']) {
      if (fs.existsSync(path.join(dir, extra))) fs.copyFileSync(path.join(dir, extra), path.join(tmp, extra));
      else fs.rmSync(path.join(tmp, extra), { force: true });
    }
  }
  const out = execFileSync(process.execPath, [SCORER, '--truth', truth, '--links', links, '--negatives', path.join(tmp, 'negatives.csv'), '--life-events', path.join(tmp, 'life_events.csv'), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const r = JSON.parse(out) as {
    records: number;
    true_pairs: number;
    precision: number;
    recall: number;
    f1: number;
    false_merges_by_type: Record<string, { record_pairs: number; entity_pairs: number }>;
    hard_negative_pairs_merged: Record<string, { listed: number; merged: number }>;
    life_event_recall: Record<string, { pairs: number; found: number; recall: number | null }> | null;
  };
  if (verbose) {
    const w = result.weights;
    const pr = w.prior;
    console.log(`\n== ${spec.name}: prior M ${pr.match.toFixed(3)} H ${pr.related.toFixed(3)} U ${pr.unrelated.toFixed(3)}; EM iterations ${w.training.emIterations} converged ${w.training.converged}`);
    for (const f of Object.keys(w.m) as Array<keyof typeof w.m>) {
      const fmt = (a: number[]): string => a.map((x) => x.toFixed(3)).join('/');
      console.log(`  ${f.padEnd(8)} m=${fmt(w.m[f])}  h=${fmt(w.h[f])}  u=${fmt(w.u[f])}`);
    }
    console.log(`  blocking: ${JSON.stringify({ ...result.stats.blocking, oversized: result.stats.blocking.oversized.slice(0, 5) })}`);
    console.log(`  merges ${result.stats.merges}, blocked joins ${result.stats.blockedJoins}, reviews ${result.reviews.length}`);
  }
  const fm = Object.entries(r.false_merges_by_type)
    .map(([t, v]) => `${t} ${v.entity_pairs}`)
    .join(', ');
  const hn = Object.entries(r.hard_negative_pairs_merged)
    .map(([t, v]) => `${t} ${v.merged}/${v.listed}`)
    .join(', ');
  const life = r.life_event_recall
    ? Object.entries(r.life_event_recall)
        .map(([t, v]) => `${t} ${v.recall === null ? 'n/a' : v.recall.toFixed(3)}`)
        .join(', ')
    : '-';
  return {
    dataset: spec.name,
    records: r.records,
    pairs: r.true_pairs,
    precision: r.precision,
    recall: r.recall,
    f1: r.f1,
    falseMerges: fm || '0',
    hardNeg: hn || '-',
    life,
    reviews: result.reviews.length,
    seconds: (t2 - t1) / 1000 + (t1 - t0) / 1000,
    result,
  };
}

/** A data set written by bench/identity-gen/generate.ts (every `*.mapping.json` with its CSV), by absolute paths. */
export function generatedSpec(dir: string): DatasetSpec {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mapping.json')).sort()
    .map((m) => [path.join(dir, m.replace(/\.mapping\.json$/u, '.csv')), path.join(dir, m)] as [string, string]);
  return { name: path.basename(dir), files, truth: path.join(dir, 'truth.csv') };
}
