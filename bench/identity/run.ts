/**
 * Identity-resolution benchmark through the normal product path: for each data set in ../shared/data, a fresh
 * PGlite ledger, `daicho import` of each export with its profile, `daicho export links`, and the shared scorer.
 * Prints precision, recall, F1, false merges among hard negatives, and the ratio to a naive baseline
 * (same e-mail OR same phone digits) scored on the same records.
 *
 *   npx tsx bench/identity/run.ts [--only ja-dedup-dev,febrl4]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const SCORER = path.resolve(import.meta.dirname, '../../../shared/tools/dedup-score/score.mjs');
const EXTRA = process.env.DAICHO_EXTRA_DATA_DIR ?? '/work/data-extra';
const CLI = ['--import', 'tsx', path.resolve(import.meta.dirname, '../../src/cli/main.ts')];

interface DataSet { name: string; files: Array<[csv: string, profile: string]>; truth: string; negatives?: string }
const SETS: DataSet[] = [
  { name: 'febrl1', files: [['febrl/febrl1.csv', 'febrl/febrl1.mapping.json']], truth: 'febrl/truth.csv' },
  { name: 'febrl2', files: [['febrl/febrl2.csv', 'febrl/febrl2.mapping.json']], truth: 'febrl/truth.csv' },
  // Laid out by bench/identity-dev/febrl34.ts (not in ../shared); skipped when absent.
  { name: 'febrl3', files: [[`${EXTRA}/febrl/febrl3.csv`, `${EXTRA}/febrl/febrl3.mapping.json`]], truth: `${EXTRA}/febrl/truth34.csv` },
  { name: 'febrl4', files: [[`${EXTRA}/febrl/febrl4a.csv`, `${EXTRA}/febrl/febrl4a.mapping.json`], [`${EXTRA}/febrl/febrl4b.csv`, `${EXTRA}/febrl/febrl4b.mapping.json`]], truth: `${EXTRA}/febrl/truth34.csv` },
  { name: 'splink_fake_1000', files: [['splink_fake_1000/fake_1000.csv', 'splink_fake_1000/fake1000.mapping.json']], truth: 'splink_fake_1000/truth.csv' },
  {
    name: 'ja-dedup-dev',
    files: ['meishi', 'shiryo_seikyu', 'ec_members', 'seminar', 'pos_members'].map((s) => [`ja-dedup-dev/${s}.csv`, `ja-dedup-dev/${s}.mapping.json`] as [string, string]),
    truth: 'ja-dedup-dev/truth.csv',
  },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const rows: string[][] = [];
for (const set of SETS.filter((s) => !values.only || values.only.split(',').includes(s.name))) {
  if (!set.files.every(([csv]) => fs.existsSync(path.resolve(DATA, csv)))) {
    console.error(`${set.name}: not on this machine, skipped`);
    continue;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `daicho-bench-identity-${set.name}-`));
  const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  try {
    const started = performance.now();
    for (const [csv, profile] of set.files) {
      execFileSync(process.execPath, [...CLI, 'import', path.resolve(DATA, csv), '--mapping', path.resolve(DATA, profile)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const seconds = (performance.now() - started) / 1000;
    const links = path.join(dir, 'links.csv');
    execFileSync(process.execPath, [...CLI, 'export', 'links', '--out', links], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const ours = score(set, links);
    const naive = score(set, await naiveLinks(path.join(dir, 'data'), dir));
    rows.push([set.name, ours.precision, ours.recall, ours.f1, ours.hard, naive.f1, Number(naive.f1) > 0 ? (Number(ours.f1) / Number(naive.f1)).toFixed(2) : '– (no e-mail or phone)', seconds.toFixed(1)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const header = ['data set', 'precision', 'recall', 'F1', 'hard negatives merged', 'naive F1', 'F1 ÷ naive', 'import s'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`);

/** Truth rows of the sources this set imports (febrl's truth file covers febrl1 and febrl2 together). */
function truthFor(set: DataSet, dir: string): string {
  const [header, ...lines] = fs.readFileSync(path.resolve(DATA, set.truth), 'utf8').trim().split('\n');
  const sources = new Set(set.files.map(([, profile]) => (JSON.parse(fs.readFileSync(path.resolve(DATA, profile), 'utf8')) as { source: string }).source));
  const file = path.join(dir, 'truth.csv');
  fs.writeFileSync(file, [header, ...lines.filter((l) => sources.has(l.split(',')[0]!))].join('\n') + '\n');
  // The scorer finds hard negatives and life events beside the truth file.
  for (const extra of ['negatives.csv', 'life_events.csv']) {
    const from = path.join(path.dirname(path.resolve(DATA, set.truth)), extra);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(dir, extra));
  }
  return file;
}

function score(set: DataSet, links: string) {
  const out = execFileSync(process.execPath, [SCORER, '--truth', truthFor(set, path.dirname(links)), '--links', links], { encoding: 'utf8' });
  const m = /precision ([\d.]+)\s+recall ([\d.]+)\s+F1 ([\d.]+)/.exec(out);
  const hard = /hard-negative entity pairs merged: (.*)/.exec(out)?.[1] ?? '–';
  if (!m) throw new Error(`unexpected scorer output:\n${out}`);
  return { precision: m[1]!, recall: m[2]!, f1: m[3]!, hard };
}

/** The baseline: link records that share a normalised e-mail or phone (union-find), from the same ledger. */
async function naiveLinks(dataDir: string, dir: string): Promise<string> {
  const handle = await openDatabase({ databaseUrl: undefined, dataDir, pgliteFsync: false });
  try {
    const records = await handle.db
      .selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
      .select(['source_records.id', 'sources.name', 'source_records.external_id', 'source_records.normalized'])
      .where('sources.kind', '!=', 'manual').execute();
    const parent = new Map<number, number>(records.map((r) => [r.id, r.id]));
    const find = (x: number): number => { while (parent.get(x)! !== x) x = parent.get(x)!; return x; };
    const firstWith = new Map<string, number>();
    for (const r of records) {
      for (const key of [r.normalized.email && `e:${r.normalized.email}`, r.normalized.phone && `p:${r.normalized.phone}`]) {
        if (typeof key !== 'string') continue;
        const other = firstWith.get(key);
        if (other === undefined) firstWith.set(key, r.id);
        else parent.set(find(r.id), find(other));
      }
    }
    const file = path.join(dir, 'naive.csv');
    fs.writeFileSync(file, ['source,external_id,customer_id', ...records.map((r) => `${r.name},${r.external_id},n${find(r.id)}`)].join('\n') + '\n');
    return file;
  } finally {
    await handle.close();
  }
}
