/**
 * In-memory replica of the CLI import path (src/intake/files/import.service.ts) for fast error analysis:
 * the exports are resolved one file after another; each file's records are clustered (resolveBatch, weights
 * trained on the file and its neighbours) together with the linked records that share a blocking key (keys whose
 * stored count, this file's records included, is at most its cap: blockCap) and all members of their customers; a cluster
 * joins the customer it is best tied to (clusterTargets with the cluster's links), else becomes a new customer. Two existing customers are
 * never merged. Development aid only (reads the truth; the engine never does).
 *
 *   npx tsx bench/identity-dev/sequential.ts [--order meishi,shiryo_seikyu,ec_members,seminar,pos_members] [--show 10] [--fp] [--missed]
 *       [--trace] [--ungrouped] [--count-rank] [--spans]
 *
 * By default the replica does what the importer does: linked neighbours enter resolveBatch as fixed groups (their
 * customers), and each cluster's accepted links go to clusterTargets (customers tied to the new records by a strong
 * link first). --ungrouped and --count-rank switch each back to the earlier behaviour, for comparison; --spans prints every cluster spanning several customers and whether the chosen one holds the new
 * records' entity.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { blockCap, blockingKeys, clusterTargets, compareRecords, decidePair, prepareMatchRecord, resolveBatch, type MatchRecord, type MatchWeights } from '../../src/domain/match/index.ts';
import { DATASETS, loadDataset, readSmallCsv } from './datasets.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const SCORER = path.resolve(import.meta.dirname, '../../../shared/tools/dedup-score/score.mjs');
const MAX_BLOCK = 50;

const { values } = parseArgs({
  options: {
    order: { type: 'string', default: 'meishi,shiryo_seikyu,ec_members,seminar,pos_members' },
    show: { type: 'string', default: '10' },
    fp: { type: 'boolean', default: false },
    missed: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    resplit: { type: 'boolean', default: false },
    /** Do not pass the linked neighbours as fixed groups (import.service.ts does). */
    ungrouped: { type: 'boolean', default: false },
    /** Print every cluster whose linked records span several customers, and whether the chosen target is right. */
    spans: { type: 'boolean', default: false },
    /** Rank a cluster's customers by record count only (without clusterTargets' `links`; import.service.ts passes them). */
    'count-rank': { type: 'boolean', default: false },
  },
});
const order = values.order!.split(',');
const spec = DATASETS.find((d) => d.name === 'ja-dedup-dev')!;
const loaded = await loadDataset(DATA, spec);
const dir = path.join(DATA, 'ja-dedup-dev');

// Records in import order; ids zero-padded like matchId().
interface Rec { id: string; source: string; externalId: string; fields: Record<string, string>; prepared: MatchRecord; keys: string[] }
const recs: Rec[] = [];
const bySource = new Map<string, Rec[]>();
let seq = 0;
for (const src of order) {
  const rows = loaded.records.filter((r) => r.source === src);
  // Last occurrence of an external id wins.
  const uniq = new Map(rows.map((r) => [r.externalId, r]));
  const list: Rec[] = [];
  for (const r of uniq.values()) {
    const id = String(++seq).padStart(16, '0');
    const prepared = { ...prepareMatchRecord({ id: '', source: src, fields: r.fields }), id };
    const rec = { id, source: src, externalId: r.externalId, fields: r.fields as Record<string, string>, prepared, keys: blockingKeys(prepared) };
    list.push(rec);
    recs.push(rec);
  }
  bySource.set(src, list);
}
const byId = new Map(recs.map((r) => [r.id, r]));
const keyIndex = new Map<string, string[]>(); // key → staged record ids (in id order)
const customerOf = new Map<string, string>();
const members = new Map<string, string[]>();
let nextCustomer = 0;
const weightsBySource = new Map<string, MatchWeights>();
const truthOf = new Map<string, string>();
for (const [s, id, e] of readSmallCsv(path.join(dir, 'truth.csv')).slice(1)) truthOf.set(`${s}\u0001${id}`, e!);
const mixed = new Map<string, number>();
let resplits = 0;

const truthOfId = (id: string): string | undefined => truthOf.get(`${byId.get(id)!.source}\u0001${byId.get(id)!.externalId}`);
const reviewTally = { items: 0, same: 0 };
const spanTally = { clusters: 0, right: 0, wrong: 0, none: 0 };
/** A cluster spanning customers: is the first ranked customer the one holding the incoming records' entity? */
function spanReport(src: string, cluster: readonly string[], incoming: readonly string[], ranked: readonly string[], links: ReadonlyArray<{ a: string; b: string; score: number; weak: boolean }>): void {
  spanTally.clusters++;
  const majority = (ids: readonly string[]): string | undefined => {
    const n = new Map<string | undefined, number>();
    for (const id of ids) n.set(truthOfId(id), (n.get(truthOfId(id)) ?? 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  };
  const want = majority(incoming);
  const holder = ranked.filter((c) => members.get(c)!.some((id) => truthOfId(id) === want));
  const verdict = holder.length === 0 ? 'none' : holder.includes(ranked[0]!) ? 'right' : 'wrong';
  spanTally[verdict]++;
  const byCount = clusterTargets(cluster, customerOf).ranked[0];
  const byLink = clusterTargets(cluster, customerOf, links).ranked[0];
  console.log(`\n[${src}] cluster spans ${ranked.length} customers → ${ranked[0]} (${verdict}); incoming entity ${want}; by count ${byCount}, by link ${byLink}`);
  for (const c of ranked) {
    const inCluster = cluster.filter((id) => customerOf.get(id) === c);
    console.log(`  ${c}: ${inCluster.length} in cluster / ${members.get(c)!.length} records, entities ${[...new Set(members.get(c)!.map(truthOfId))].join(',')}`);
  }
  for (const id of incoming) console.log(`  NEW ${byId.get(id)!.source}:${byId.get(id)!.externalId}=${truthOfId(id)} ${JSON.stringify(byId.get(id)!.fields)}`);
  const who = (id: string): string => `${byId.get(id)!.source}:${byId.get(id)!.externalId}(${customerOf.get(id) ?? 'new'})`;
  for (const l of links) console.log(`    ${who(l.a)} × ${who(l.b)} score ${l.score.toFixed(2)}${l.weak ? ' weak' : ''}`);
}

for (const src of order) {
  const pending = bySource.get(src)!;
  for (const r of pending) for (const k of r.keys) {
    let l = keyIndex.get(k);
    if (!l) keyIndex.set(k, (l = []));
    l.push(r.id);
  }
  const keys = new Set(pending.flatMap((r) => r.keys));
  const neighbourCustomers = new Set<string>();
  for (const k of keys) {
    const l = keyIndex.get(k)!;
    if (l.length > blockCap(k, MAX_BLOCK)) continue;
    for (const id of l) {
      const c = customerOf.get(id);
      if (c) neighbourCustomers.add(c);
    }
  }
  const linked = [...neighbourCustomers].flatMap((c) => members.get(c)!);
  const batch = [...pending.map((r) => r.prepared), ...linked.map((id) => byId.get(id)!.prepared)];
  const result = resolveBatch(batch, {
    ...(!values.ungrouped ? { groups: new Map(linked.map((id) => [id, customerOf.get(id)!])) } : {}),
    // As the importer: the ledger's size (records linked so far, plus this file) weighs name-only pairs.
    ledgerRecords: customerOf.size + pending.length,
    ...(process.env.DAICHO_NAME_ONLY ? { thresholds: { merge: 0.95, review: 0.3, nameOnly: Number(process.env.DAICHO_NAME_ONLY) } } : {}),
  });
  weightsBySource.set(src, result.weights);
  for (const item of result.reviews) {
    reviewTally.items++;
    if (truthOfId(item.a) !== undefined && truthOfId(item.a) === truthOfId(item.b)) reviewTally.same++;
  }
  if (values.verbose) {
    const w = result.weights;
    console.log(`== ${src}: batch ${batch.length} (pending ${pending.length}), prior M ${w.prior.match.toFixed(3)} H ${w.prior.related.toFixed(3)} U ${w.prior.unrelated.toFixed(3)} pairs ${w.training.candidatePairs}`);
    for (const f of Object.keys(w.m) as Array<keyof typeof w.m>) {
      const fmt = (a: number[]): string => a.map((x) => x.toFixed(3)).join('/');
      console.log(`  ${f.padEnd(8)} m=${fmt(w.m[f])}  h=${fmt(w.h[f])}  u=${fmt(w.u[f])}`);
    }
  }
  if (values.resplit) {
    // Emulates a recommended import.service change: an existing customer whose records the new batch no longer
    // clusters together (new evidence contradicts an earlier weak link) keeps its largest part; the other parts
    // become customers of their own.
    const parts = new Map<string, Map<number, string[]>>();
    result.clusters.forEach((cluster, k) => {
      for (const id of cluster) {
        const c = customerOf.get(id);
        if (!c) continue;
        let m = parts.get(c);
        if (!m) parts.set(c, (m = new Map()));
        let l = m.get(k);
        if (!l) m.set(k, (l = []));
        l.push(id);
      }
    });
    for (const [c, m] of parts) {
      if (m.size < 2) continue;
      const ranked = [...m.values()].sort((a, b) => b.length - a.length || (a[0]! < b[0]! ? -1 : 1));
      for (const part of ranked.slice(1)) {
        const fresh = `C${String(++nextCustomer).padStart(6, '0')}`;
        members.set(fresh, part);
        members.set(c, members.get(c)!.filter((id) => !part.includes(id)));
        for (const id of part) customerOf.set(id, fresh);
        resplits++;
      }
    }
  }
  for (const [k, cluster] of result.clusters.entries()) {
    const { incoming, ranked } = clusterTargets(cluster, customerOf, values['count-rank'] ? undefined : result.links[k]);
    if (incoming.length === 0) continue;
    if (values.spans && ranked.length > 1) spanReport(src, cluster, incoming, ranked, result.links[k]!);
    let target = ranked[0];
    if (!target) {
      target = `C${String(++nextCustomer).padStart(6, '0')}`;
      members.set(target, []);
    }
    for (const id of incoming) {
      customerOf.set(id, target);
      members.get(target)!.push(id);
    }
    if (values.trace && truthOf.size > 0) {
      const ents = new Set(members.get(target)!.map((id) => truthOf.get(`${byId.get(id)!.source}\u0001${byId.get(id)!.externalId}`)));
      const before = mixed.get(target) ?? 1;
      if (ents.size > before) {
        console.log(`\n[${src}] customer ${target} now holds ${ents.size} entities; batch cluster:`);
        for (const id of cluster) console.log(`  ${customerOf.get(id) === target && !incoming.includes(id) ? 'linked ' : incoming.includes(id) ? 'NEW    ' : 'other  '} ${byId.get(id)!.source}:${byId.get(id)!.externalId}=${truthOf.get(`${byId.get(id)!.source}\u0001${byId.get(id)!.externalId}`)} ${JSON.stringify(byId.get(id)!.fields)}`);
        for (const id of members.get(target)!) if (!cluster.includes(id)) console.log(`  member (outside cluster) ${byId.get(id)!.source}:${byId.get(id)!.externalId}=${truthOf.get(`${byId.get(id)!.source}\u0001${byId.get(id)!.externalId}`)} ${JSON.stringify(byId.get(id)!.fields)}`);
        for (const x of cluster) for (const y of cluster) if (x < y) {
          const sp = decidePair(x, y, compareRecords(byId.get(x)!.prepared, byId.get(y)!.prepared), result.weights);
          const ev = sp.evidence.filter((e) => e.level !== 'missing').map((e) => `${e.field}:${e.level}(${e.weight.toFixed(1)})`).join(' ');
          console.log(`    ${byId.get(x)!.externalId} × ${byId.get(y)!.externalId} p=${sp.probability.toFixed(3)} ${sp.outcome}${sp.weak ? ' weak' : ''} [${sp.rules.join(',')}] ${ev}`);
        }
      }
      mixed.set(target, ents.size);
    }
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-seq-'));
const csv = (s: string): string => (/[",\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s);
fs.writeFileSync(path.join(tmp, 'links.csv'), ['source,external_id,customer_id', ...recs.map((r) => `${csv(r.source)},${csv(r.externalId)},${customerOf.get(r.id)}`)].join('\n') + '\n');
fs.copyFileSync(path.join(dir, 'truth.csv'), path.join(tmp, 'truth.csv'));
fs.copyFileSync(path.join(dir, 'negatives.csv'), path.join(tmp, 'negatives.csv'));
const out = execFileSync(process.execPath, [SCORER, '--truth', path.join(tmp, 'truth.csv'), '--links', path.join(tmp, 'links.csv'), '--negatives', path.join(tmp, 'negatives.csv'), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
const r = JSON.parse(out) as { precision: number; recall: number; f1: number; hard_negative_pairs_merged: Record<string, { listed: number; merged: number }> };
console.log(`sequential (${order.join(' → ')}): P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)}; ${Object.entries(r.hard_negative_pairs_merged).map(([t, v]) => `${t} ${v.merged}/${v.listed}`).join(', ')}`);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`review pairs: ${reviewTally.items} (same entity: ${reviewTally.same})`);
if (values.resplit) console.log(`customers split by new evidence: ${resplits}`);
if (values.spans) console.log(`clusters spanning customers: ${spanTally.clusters} (target holds the incoming entity: ${spanTally.right}, another customer does: ${spanTally.wrong}, none does: ${spanTally.none})`);

const truth = new Map<string, string>();
for (const [s, id, e] of readSmallCsv(path.join(dir, 'truth.csv')).slice(1)) truth.set(`${s}\u0001${id}`, e!);
const entityOf = (r: Rec): string | undefined => truth.get(`${r.source}\u0001${r.externalId}`);
const show = Number(values.show);
const lastWeights = weightsBySource.get(order[order.length - 1]!)!;
const fmt = (a: Rec, b: Rec): string => {
  const w = weightsBySource.get(byId.get(a.id < b.id ? b.id : a.id)!.source)!;
  const sp = decidePair(a.id, b.id, compareRecords(a.prepared, b.prepared), w ?? lastWeights);
  const ev = sp.evidence.filter((e) => e.level !== 'missing').map((e) => `${e.field}:${e.level}(${e.weight.toFixed(1)})`).join(' ');
  return `p=${sp.probability.toFixed(3)} ${sp.outcome}${sp.weak ? ' weak' : ''} [${sp.rules.join(',')}] ${ev}`;
};
const line = (r: Rec): string => `${r.source}:${r.externalId}=${entityOf(r)} ${JSON.stringify(r.fields)}`;
if (values.fp) {
  console.log('\n### false merges (customers holding several entities)');
  let n = 0;
  for (const [c, ids] of members) {
    const rs = ids.map((id) => byId.get(id)!);
    if (new Set(rs.map(entityOf)).size <= 1) continue;
    if (n++ >= show) continue;
    console.log(`\ncustomer ${c}:`);
    for (const x of rs) console.log(`  ${line(x)}`);
    for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
      if (entityOf(rs[i]!) !== entityOf(rs[j]!)) console.log(`    ${rs[i]!.source}:${rs[i]!.externalId} × ${rs[j]!.source}:${rs[j]!.externalId}: ${fmt(rs[i]!, rs[j]!)}`);
    }
  }
  console.log(`\n${n} customers with several entities`);
}
if (values.missed) {
  console.log('\n### entities split over several customers');
  const byEntity = new Map<string, Rec[]>();
  for (const x of recs) {
    const e = entityOf(x);
    if (e === undefined) continue;
    let l = byEntity.get(e);
    if (!l) byEntity.set(e, (l = []));
    l.push(x);
  }
  let n = 0;
  for (const [e, rs] of byEntity) {
    const cs = new Set(rs.map((x) => customerOf.get(x.id)));
    if (cs.size <= 1) continue;
    if (n++ >= show) continue;
    console.log(`\nentity ${e}: ${cs.size} customers`);
    for (const x of rs) console.log(`  [${customerOf.get(x.id)}] ${line(x)}`);
    for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
      if (customerOf.get(rs[i]!.id) !== customerOf.get(rs[j]!.id)) console.log(`    ${rs[i]!.source}:${rs[i]!.externalId} × ${rs[j]!.source}:${rs[j]!.externalId}: ${fmt(rs[i]!, rs[j]!)}`);
    }
  }
  console.log(`\n${n} entities split`);
}
