/**
 * Active learning, measured: what a reviewer's decisions on one ledger's queue do to the next import.
 *
 *   npx tsx bench/identity-gen/teach.ts --teach /tmp/gen/seed-1 --eval /tmp/gen/seed-2 [--decisions 25,50,100,200]
 *
 * 1. The teaching set (generate.ts output) is resolved in memory; its review queue is what a reviewer would see.
 * 2. A simulated reviewer answers the queue from the truth (the only place the truth is read), K decisions, in the
 *    queue's order: the product's (feedback.ts decisionValue: open pairs of the pattern × uncertainty of its tally,
 *    recomputed after every answer) and, for comparison, best score first (the queue's order before learning).
 * 3. The tallies settle patterns (learnedVerdict); the evaluation set — generated with another seed, never seen — is
 *    resolved with and without them and scored by the shared scorer. Reported: F1, life-event recall, namesakes and
 *    families merged, review items (and as a share of records), for each K and order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decisionValue, learnedVerdict, reviewPattern, type PatternTally, type ReviewItem } from '../../src/domain/match/index.ts';
import { generatedSpec, runOne, SEP, type Row } from '../identity-dev/score.ts';

function truthOf(dir: string): Map<string, string> {
  const [, ...lines] = fs.readFileSync(path.join(dir, 'truth.csv'), 'utf8').split(/\r?\n/u).filter(Boolean);
  return new Map(lines.map((l) => {
    const [source, ext, entity] = l.split(',') as [string, string, string];
    return [`${source}${SEP}${ext}`, entity];
  }));
}

type Order = 'value' | 'score';

/** The reviewer: K answers from the truth, in the given order; returns the tallies per pattern. */
function review(items: readonly ReviewItem[], truth: ReadonlyMap<string, string>, k: number, order: Order) {
  const open = items.map((item) => ({ item, pattern: reviewPattern(item) }));
  const tallies = new Map<string, PatternTally>();
  const openCount = new Map<string, number>();
  for (const o of open) openCount.set(o.pattern, (openCount.get(o.pattern) ?? 0) + 1);
  let accepted = 0;
  for (let n = 0; n < k && open.length > 0; n++) {
    let best = 0;
    for (let i = 1; i < open.length; i++) {
      const x = open[i]!;
      const y = open[best]!;
      const vx = order === 'value' ? decisionValue(tallies.get(x.pattern) ?? { accepted: 0, rejected: 0 }, openCount.get(x.pattern)!) : 0;
      const vy = order === 'value' ? decisionValue(tallies.get(y.pattern) ?? { accepted: 0, rejected: 0 }, openCount.get(y.pattern)!) : 0;
      if (vx > vy || (vx === vy && x.item.score > y.item.score)) best = i;
    }
    const [{ item, pattern }] = open.splice(best, 1) as [{ item: ReviewItem; pattern: string }];
    openCount.set(pattern, openCount.get(pattern)! - 1);
    const same = truth.get(item.a) !== undefined && truth.get(item.a) === truth.get(item.b);
    if (same) accepted++;
    const t = tallies.get(pattern) ?? { accepted: 0, rejected: 0 };
    tallies.set(pattern, same ? { ...t, accepted: t.accepted + 1 } : { ...t, rejected: t.rejected + 1 });
  }
  const settled = [...tallies].filter(([, t]) => learnedVerdict(t) !== null);
  return { tallies, accepted, settled };
}

function line(label: string, r: Row): string {
  return `| ${label} | ${r.f1.toFixed(4)} | ${r.precision.toFixed(4)} | ${r.recall.toFixed(4)} | ${r.life} | ${r.hardNeg} | ${r.reviews} (${((100 * r.reviews) / r.records).toFixed(1)}%) |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { teach: { type: 'string' }, eval: { type: 'string' }, decisions: { type: 'string', default: '25,50,100,200,400' } } });
  if (!values.teach || !values.eval) throw new Error('usage: teach.ts --teach DIR --eval DIR [--decisions 25,50,100]');
  const teachDir = path.resolve(values.teach);
  const evalDir = path.resolve(values.eval);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-teach-'));
  const taught = await runOne(generatedSpec(teachDir), tmp, false);
  const truth = truthOf(teachDir);
  const queue = taught.result.reviews;
  console.log(`teaching set ${path.basename(teachDir)}: ${taught.records} records, ${queue.length} review items, ${new Set(queue.map(reviewPattern)).size} patterns`);
  const baseline = await runOne(generatedSpec(evalDir), tmp, false);
  console.log(`\n| evaluation set ${path.basename(evalDir)} | F1 | precision | recall | life-event recall | hard negatives merged | review items |`);
  console.log('|---|---|---|---|---|---|---|');
  console.log(line('no decisions', baseline));
  for (const order of ['value', 'score'] as const) {
    for (const k of values.decisions.split(',').map(Number)) {
      const { tallies, accepted, settled } = review(queue, truth, k, order);
      const learned = (item: ReviewItem) => learnedVerdict(tallies.get(reviewPattern(item)));
      const r = await runOne(generatedSpec(evalDir), tmp, false, { learned });
      const kinds = settled.map(([, t]) => learnedVerdict(t));
      const label = `${k} decisions by ${order === 'value' ? 'decision value' : 'score'} (${accepted} accepted; settled ${kinds.filter((x) => x === 'merge').length} merge / ${kinds.filter((x) => x === 'distinct').length} distinct patterns)`;
      console.log(line(label, r));
      if (process.env.TEACH_VERBOSE) for (const [p, t] of settled) console.log(`    ${learnedVerdict(t)} ${t.accepted}/${t.rejected}: ${p}`);
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
