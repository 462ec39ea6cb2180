/**
 * How right the import benchmark's ledger is: scores a ledger that `run.ts --keep` left on PostgreSQL against the
 * generator's truth (which row is which generated person; data.ts is deterministic, so the truth is generated again),
 * pairwise precision, recall and F1 over the file's records, and sorts the wrongly merged pairs by what links them
 * (the fields that agree), so over-merging as the ledger grows can be traced to the evidence that causes it. Pairs
 * are compared with the weights the import stored (the newest in match_weights), without the ledger-size adjustment
 * the import applied (namesakeBits): the probability shown is the pair's own.
 *
 *   npx tsx bench/import/run.ts --sizes 100000 --engine postgres --keep     # prints nothing about quality
 *   npx tsx bench/import/quality.ts --database-url postgres://postgres@127.0.0.1:5432/daicho_bench_import_<pid>_100000 [--show 5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { compareRecords, decidePair, type MatchRecord, type MatchWeights } from '../../src/domain/match/index.ts';
import { writeBenchCsv } from './data.ts';

async function main() {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, show: { type: 'string', default: '5' } } });
  if (!values['database-url']) throw new Error('usage: quality.ts --database-url postgres://…/daicho_bench_import_<pid>_<rows>');
  const client = new pg.Client({ connectionString: values['database-url'] });
  await client.connect();
  // Ids and links only (a million matcher forms would not fit in memory); the forms of wrongly linked records later.
  const { rows: records } = await client.query<{ id: number; external_id: string; customer_id: string }>(
    `SELECT sr.id, sr.external_id, sr.customer_id FROM source_records sr JOIN sources s ON s.id = sr.source_id
     WHERE s.name = 'bench_members' ORDER BY sr.id`);
  const { rows: [stored] } = await client.query<{ weights: MatchWeights }>('SELECT weights FROM match_weights ORDER BY id DESC LIMIT 1');
  const n = records.length;
  const truth: number[] = [];
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-quality-')), 'members.csv');
  writeBenchCsv(tmp, n, { truth });
  fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  const personOf = (externalId: string) => truth[Number(externalId.slice(1)) - 1]!;

  // Pairwise counts: true pairs (same person), linked pairs (same customer), both.
  const groupBy = <K>(keyOf: (r: (typeof records)[number]) => K) => {
    const groups = new Map<K, number[]>();
    records.forEach((r, i) => {
      const key = keyOf(r);
      const list = groups.get(key);
      if (list === undefined) groups.set(key, [i]);
      else list.push(i);
    });
    return groups;
  };
  const pairs = (groups: Map<unknown, number[]>) => [...groups.values()].reduce((s, g) => s + (g.length * (g.length - 1)) / 2, 0);
  const byCustomer = groupBy((r) => r.customer_id);
  const byPerson = groupBy((r) => personOf(r.external_id));
  const linked = pairs(byCustomer);
  const same = pairs(byPerson);
  const right = pairs(groupBy((r) => `${r.customer_id}|${personOf(r.external_id)}`));
  const precision = right / linked;
  const recall = right / same;
  console.log(`${n.toLocaleString()} records, ${byPerson.size.toLocaleString()} people, ${byCustomer.size.toLocaleString()} customers`);
  console.log(`pairwise P ${precision.toFixed(4)} R ${recall.toFixed(4)} F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)} `
    + `(linked pairs ${linked.toLocaleString()}, true pairs ${same.toLocaleString()}, wrong links ${(linked - right).toLocaleString()}, missed ${(same - right).toLocaleString()})`);

  // Wrong links: pairs of records of one customer and two people, by the fields that agree between them.
  const mixed = [...byCustomer.values()].filter((m) => new Set(m.map((i) => personOf(records[i]!.external_id))).size > 1);
  const ids = mixed.flat().map((i) => records[i]!.id);
  const forms = new Map<number, MatchRecord>();
  for (let i = 0; i < ids.length; i += 10_000) {
    const { rows } = await client.query<{ id: number; match_record: MatchRecord }>('SELECT id, match_record FROM source_records WHERE id = ANY($1::bigint[])', [ids.slice(i, i + 10_000)]);
    for (const r of rows) forms.set(Number(r.id), r.match_record);
  }
  const review = await reviewProfile(client, personOf, Number(values.show));
  await client.end();
  const causes = new Map<string, { count: number; examples: string[] }>();
  // Right links whose own pair is name-only, in customers that also hold a wrong link: what a stricter name-only
  // rule would cost there (at most: some are also joined through a third record).
  let rightNameOnly = 0;
  const show = Number(values.show);
  for (const members of mixed) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const a = records[members[x]!]!;
        const b = records[members[y]!]!;
        const formA = { ...forms.get(Number(a.id))!, id: a.external_id };
        const formB = { ...forms.get(Number(b.id))!, id: b.external_id };
        const d = decidePair(a.external_id, b.external_id, compareRecords(formA, formB), stored!.weights);
        if (personOf(a.external_id) === personOf(b.external_id)) {
          if (d.weak) rightNameOnly++;
          continue;
        }
        const agree = d.evidence.filter((e) => e.level !== 'missing' && e.level !== 'disagree').map((e) => `${e.field}:${e.level}`).join(' ');
        const key = `${d.outcome}${d.weak ? ' (name only)' : ''} | ${agree || '(nothing agrees)'}`;
        const entry = causes.get(key) ?? { count: 0, examples: [] };
        entry.count++;
        if (entry.examples.length < show) entry.examples.push(`${a.external_id} ${name(formA)} ~ ${b.external_id} ${name(formB)} p=${d.probability.toFixed(3)} [${d.rules.join(',')}]`);
        causes.set(key, entry);
      }
    }
  }
  console.log(review);
  console.log(`right links whose own pair is name-only, in customers with a wrong link: ${rightNameOnly.toLocaleString()}`);
  console.log('\nwrong links by what the two records share (pair outcome on its own | agreeing fields):');
  for (const [key, { count, examples }] of [...causes].sort((p, q) => q[1].count - p[1].count).slice(0, 15)) {
    console.log(`${String(count).padStart(7)}  ${key}`);
    for (const e of examples) console.log(`           ${e}`);
  }
}

/**
 * The open review queue by pattern (review_items.pattern: field levels | rules | probability band | name band), with
 * how many of each pattern's pairs are one person by the generator's truth: where the queue's growth with the ledger
 * comes from, and which patterns a reviewer's decisions would settle.
 */
async function reviewProfile(client: pg.Client, personOf: (externalId: string) => number, show: number): Promise<string> {
  const { rows } = await client.query<{ pattern: string | null; a: string; b: string; probability: number; an: string; bn: string }>(
    `SELECT ri.pattern, ra.external_id AS a, rb.external_id AS b, ri.probability,
            coalesce(ra.match_record->'family'->>'text', '') || ' ' || coalesce(ra.match_record->'given'->>'text', '') AS an,
            coalesce(rb.match_record->'family'->>'text', '') || ' ' || coalesce(rb.match_record->'given'->>'text', '') AS bn
     FROM review_items ri JOIN source_records ra ON ra.id = ri.record_a_id JOIN source_records rb ON rb.id = ri.record_b_id
     WHERE ri.status = 'open'`);
  const byPattern = new Map<string, { open: number; same: number; examples: string[] }>();
  let same = 0;
  for (const r of rows) {
    const one = personOf(r.a) === personOf(r.b);
    if (one) same++;
    const key = r.pattern ?? '(no pattern)';
    const entry = byPattern.get(key) ?? { open: 0, same: 0, examples: [] };
    entry.open++;
    if (one) entry.same++;
    if (entry.examples.length < show) entry.examples.push(`${r.a} ${r.an} ~ ${r.b} ${r.bn} p=${r.probability.toFixed(3)} ${one ? 'same' : 'different'}`);
    byPattern.set(key, entry);
  }
  const lines = [`\nopen review items: ${rows.length.toLocaleString()} (one person: ${same.toLocaleString()}, ${(same / Math.max(1, rows.length) * 100).toFixed(1)}%), ${byPattern.size.toLocaleString()} patterns; the largest:`];
  for (const [key, e] of [...byPattern].sort((p, q) => q[1].open - p[1].open).slice(0, 15)) {
    lines.push(`${String(e.open).padStart(7)}  same ${(e.same / e.open * 100).toFixed(0).padStart(3)}%  ${key}`);
    for (const x of e.examples) lines.push(`           ${x}`);
  }
  return lines.join('\n');
}

function name(r: MatchRecord): string {
  return `${r.family?.text ?? r.family?.kana ?? ''} ${r.given?.text ?? r.given?.kana ?? ''}`.trim() || (r.unsplit?.text ?? '');
}

await main();
