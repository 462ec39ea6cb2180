/**
 * Identity-resolution evaluation harness.
 *
 *   npx tsx bench/identity-dev/run.ts [--only febrl1,ja-dedup-dev] [--keep DIR] [--verbose] [--dir GENERATED_DIR ...]
 *
 * For each data set in /work/shared/data (and Febrl3/4 where febrl34.ts laid them out): load the CSVs with their
 * *.mapping.json import profiles, prepare + resolveBatch (weights trained on
 * the data set itself), write a links CSV (source,external_id,customer_id)
 * to a temp dir and score it with /work/shared/tools/dedup-score/score.mjs.
 * Truth/cluster columns are never mapped, so the matcher cannot read them.
 * DAICHO_NAME_ONLY=<p> overrides the name-only merge threshold (to measure
 * how much recall the name-only links carry). The generated held-out check
 * (life events, households, namesakes, colleagues) is heldout.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DATASETS, isPresent, type DatasetSpec } from './datasets.ts';
import { DATA, generatedSpec, runOne, type Row } from './score.ts';



async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, keep: { type: 'string' }, verbose: { type: 'boolean', default: false }, dir: { type: 'string', multiple: true } } });
  const only = values.only?.split(',');
  // --dir DIR (repeatable): a generated set in the ja-dedup-dev layout (bench/identity-gen/generate.ts), all its exports.
  const specs: DatasetSpec[] = values.dir?.map((d) => generatedSpec(path.resolve(d))) ?? DATASETS;
  const tmp = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-identity-'));
  fs.mkdirSync(tmp, { recursive: true });
  const rows: Row[] = [];
  for (const spec of specs) {
    if (only && !only.includes(spec.name)) continue;
    if (!isPresent(DATA, spec)) {
      console.error(`${spec.name}: not on this machine, skipped (see datasets.ts)`);
      continue;
    }
    rows.push(await runOne(spec, tmp, values.verbose ?? false));
  }
  const head = ['data set', 'records', 'true pairs', 'precision', 'recall', 'F1', 'false merges (entity pairs)', 'hard negatives merged', 'life-event recall', 'reviews', 'time s'];
  const body = rows.map((r) => [
    r.dataset,
    String(r.records),
    String(r.pairs),
    r.precision.toFixed(4),
    r.recall.toFixed(4),
    r.f1.toFixed(4),
    r.falseMerges,
    r.hardNeg,
    r.life,
    String(r.reviews),
    r.seconds.toFixed(1),
  ]);
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const b of body) console.log(`| ${b.join(' | ')} |`);
  if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`links kept in ${tmp}`);
}

await main();
