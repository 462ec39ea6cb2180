/**
 * The review queue of a data set by pattern (feedback.ts reviewPattern without the bands), with how many of each
 * pattern's pairs are one person by the set's truth (development aid: the engine never reads the truth).
 *
 *   npx tsx bench/identity-dev/review-truth.ts --dir /tmp/gen/seed-1 [--show 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatedSpec, runOne, SEP } from './score.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, show: { type: 'string', default: '2' } } });
if (!values.dir) throw new Error('usage: review-truth.ts --dir DIR');
const spec = generatedSpec(path.resolve(values.dir));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-review-truth-'));
const row = await runOne(spec, tmp, false);
const personOf = new Map<string, string>();
const [, ...truthRows] = fs.readFileSync(spec.truth!, 'utf8').trim().split(/\r?\n/u);
for (const line of truthRows) {
  const [source, ext, entity] = line.split(',') as [string, string, string];
  personOf.set(`${source}${SEP}${ext}`, entity);
}
const byPattern = new Map<string, { open: number; same: number; examples: string[] }>();
let same = 0;
for (const r of row.result.reviews) {
  const one = personOf.get(r.a) === personOf.get(r.b);
  if (one) same++;
  const key = `${r.evidence.filter((e) => e.field !== 'gender').map((e) => `${e.field}=${e.level}`).join(' ')} | ${r.rules.join(',') || '-'}`;
  const entry = byPattern.get(key) ?? { open: 0, same: 0, examples: [] };
  entry.open++;
  if (one) entry.same++;
  if (entry.examples.length < Number(values.show)) entry.examples.push(`${r.a.replace(SEP, ':')} ~ ${r.b.replace(SEP, ':')} p=${r.probability.toFixed(3)} ${one ? 'same' : 'different'}`);
  byPattern.set(key, entry);
}
console.log(`${spec.name}: F1 ${row.f1.toFixed(4)}; review ${row.result.reviews.length} (one person ${same}), ${byPattern.size} patterns`);
for (const [key, e] of [...byPattern].sort((p, q) => q[1].open - p[1].open)) {
  console.log(`${String(e.open).padStart(5)} same ${String(e.same).padStart(4)}  ${key}`);
  for (const x of e.examples) console.log(`             ${x}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
