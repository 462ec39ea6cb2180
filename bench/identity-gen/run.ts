/**
 * Held-out identity benchmark on bench/identity-gen's generated exports, through the product path: a fresh PGlite
 * ledger, `daicho import` of each export with its profile, `daicho export links`, and the shared scorer with the
 * generated negatives and life events. Prints F1 / P / R, recall per life event, merged hard negatives by type, the
 * open review queue as a share of the records, and the import time.
 *
 *   npx tsx bench/identity-gen/run.ts [--people 3000] [--seed 1,2,3] [--keep DIR] [--json]
 *
 * --keep DIR keeps, per seed, DIR/seed-N/{set,ledger,links.csv,score.json} for bench/identity-gen/diagnose.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database.ts';
import { generate } from './generate.ts';

const SCORER = process.env.DAICHO_DEDUP_SCORER
  ?? ['../../../shared/tools/dedup-score/score.mjs', '../../../../shared/tools/dedup-score/score.mjs'].map((p) => path.resolve(import.meta.dirname, p)).find((p) => fs.existsSync(p))
  ?? '/work/shared/tools/dedup-score/score.mjs';
const CLI = ['--import', 'tsx', path.resolve(import.meta.dirname, '../../src/cli/main.ts')];

interface Score {
  records: number;
  precision: number;
  recall: number;
  f1: number;
  hard_negative_pairs_merged: Record<string, { listed: number; merged: number }>;
  life_event_recall: Record<string, { pairs: number; found: number; recall: number | null }> | null;
}

export interface RunResult {
  seed: string;
  records: number;
  score: Score;
  reviewOpen: number;
  importSeconds: number;
}

/** Generates one set, imports it into a fresh ledger and scores the links. */
export async function runSeed(seed: string, people: number, dir: string): Promise<RunResult> {
  const set = path.join(dir, 'set');
  const ledger = path.join(dir, 'ledger');
  const { files, records } = generate({ out: set, people, seed });
  const env = { ...process.env, DAICHO_DATA_DIR: ledger, DATABASE_URL: '' };
  const started = performance.now();
  for (const { csv, mapping } of files) {
    execFileSync(process.execPath, [...CLI, 'import', csv, '--mapping', mapping], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const importSeconds = (performance.now() - started) / 1000;
  const links = path.join(dir, 'links.csv');
  execFileSync(process.execPath, [...CLI, 'export', 'links', '--out', links], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const out = execFileSync(process.execPath, [SCORER, '--truth', path.join(set, 'truth.csv'), '--links', links, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const score = JSON.parse(out) as Score;
  fs.writeFileSync(path.join(dir, 'score.json'), out);
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: ledger, pgliteFsync: false });
  let reviewOpen: number;
  try {
    const row = await handle.db.selectFrom('review_items').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow();
    reviewOpen = Number(row.n);
  } finally {
    await handle.close();
  }
  return { seed, records, score, reviewOpen, importSeconds };
}

function formatResults(results: RunResult[]): string {
  const pct = (x: number | null | undefined): string => (x == null ? '–' : x.toFixed(3));
  const events = ['married_name', 'job_change', 'move'];
  const negatives = ['namesake', 'namesake_reading', 'family', 'twin'];
  const header = ['seed', 'records', 'F1', 'P', 'R', ...events.map((e) => `R ${e}`), ...negatives.map((n) => `${n} merged`), 'review open', 'import s'];
  const rows = results.map((r) => [
    r.seed,
    String(r.records),
    pct(r.score.f1),
    pct(r.score.precision),
    pct(r.score.recall),
    ...events.map((e) => {
      const x = r.score.life_event_recall?.[e];
      return x ? `${pct(x.recall)} (${x.found}/${x.pairs})` : '–';
    }),
    ...negatives.map((n) => {
      const x = r.score.hard_negative_pairs_merged[n];
      return x ? `${x.merged}/${x.listed}` : '–';
    }),
    `${r.reviewOpen} (${((100 * r.reviewOpen) / r.records).toFixed(1)}%)`,
    r.importSeconds.toFixed(1),
  ]);
  return `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((x) => `| ${x.join(' | ')} |`).join('\n')}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: { people: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' }, keep: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const results: RunResult[] = [];
  for (const seed of values.seed.split(',')) {
    const dir = values.keep ? path.join(path.resolve(values.keep), `seed-${seed}`) : fs.mkdtempSync(path.join(os.tmpdir(), `daicho-bench-identity-gen-${seed}-`));
    if (values.keep) fs.rmSync(dir, { recursive: true, force: true });
    try {
      results.push(await runSeed(seed, Number(values.people), dir));
      if (values.keep) console.error(`seed ${seed}: kept in ${dir}`);
    } finally {
      if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(values.json ? JSON.stringify(results, null, 2) : formatResults(results));
}
