/**
 * Why the held-out life events are missed and hard negatives merged, on a ledger kept by run.ts --keep (development
 * aid: it reads the truth, the engine never does).
 *
 *   npx tsx bench/identity-gen/diagnose.ts /tmp/idgen-keep/seed-1 [--show 3] [--json]
 *
 * Reads the ledger's own state: each record's stored matcher form (match_record, with the blocking keys staging
 * kept), its customer, the weights each import trained and stored (match_weights, one row per import here: every file
 * is below the resolver's chunk size), and the open review items. For each life-event person whose before and after
 * records ended on different customers it takes the person's best cross pair (highest posterior under the weights of
 * the later record's import, the ones that decided it) and says what stopped it:
 *  - not blocked: the two records share no blocking key (or only keys whose block is over its cap);
 *  - rule:<names>: decidePair's hard rules capped it at review (family_name_change, name_only, …), with the posterior
 *    it had without them;
 *  - score: no rule, posterior below the merge threshold (the field weights say which evidence pulled it down);
 *  - joined elsewhere: the pair scored 'merge' but clustering did not join them (anti-chaining, or the later record's
 *    cluster went to another customer; an import never merges two existing customers).
 * For each merged negative pair it lists the cross pairs that scored 'merge' (the links that made the merge).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/db/database.ts';
import { blockCap, compareRecords, decidePair, type MatchWeights, type ScoredPair } from '../../src/domain/match/index.ts';
import { storedKeysOf, type StoredMatchRecord } from '../../src/resolution/key-hash.ts';

const MAX_BLOCK = 50;

interface Rec {
  id: number;
  source: string;
  externalId: string;
  customer: string | null;
  match: StoredMatchRecord;
  entity: string;
  event: string | null;
  phase: string | null;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { show: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const dir = path.resolve(positionals[0] ?? '/tmp/idgen-keep/seed-1');
const show = Number(values.show);

const readCsv = (file: string): string[][] => fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const truth = new Map(readCsv(path.join(dir, 'set/truth.csv')).map(([s, id, e]) => [`${s}|${id}`, e!]));
const life = new Map(readCsv(path.join(dir, 'set/life_events.csv')).map(([s, id, , ev, ph]) => [`${s}|${id}`, { event: ev!, phase: ph! }]));
const negatives = readCsv(path.join(dir, 'set/negatives.csv')).map(([a, b, type]) => ({ a: a!, b: b!, type: type! }));

const handle = await openDatabase({ databaseUrl: undefined, dataDir: path.join(dir, 'ledger'), pgliteFsync: false });
const rows = await handle.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
  .select(['source_records.id', 'sources.name', 'source_records.external_id', 'source_records.customer_id', 'source_records.match_record'])
  .where('sources.kind', '=', 'file_import').orderBy('source_records.id').execute();
const weightRows = await handle.db.selectFrom('match_weights').select(['id', 'weights', 'trained_on']).orderBy('id').execute();
const reviewRows = await handle.db.selectFrom('review_items').select(['record_a_id', 'record_b_id', 'probability', 'rules']).where('status', '=', 'open').execute();
await handle.close();

const recs: Rec[] = rows.map((r) => {
  const key = `${r.name}|${r.external_id}`;
  const match = r.match_record as unknown as StoredMatchRecord;
  match.id = String(r.id).padStart(16, '0');
  return { id: Number(r.id), source: r.name, externalId: r.external_id, customer: r.customer_id, match, entity: truth.get(key)!, event: life.get(key)?.event ?? null, phase: life.get(key)?.phase ?? null };
});
// Imports in file order: the k-th source (by its first record) resolved with the k-th stored weights.
const sourceOrder = [...new Set(recs.map((r) => r.source))];
const weightsOf = (r: Rec): MatchWeights => weightRows[Math.min(sourceOrder.indexOf(r.source), weightRows.length - 1)]!.weights as MatchWeights;
const ledgerAt = new Map(sourceOrder.map((s) => [s, recs.filter((r) => sourceOrder.indexOf(r.source) <= sourceOrder.indexOf(s)).length]));
const later = (a: Rec, b: Rec): Rec => (a.id > b.id ? a : b);

// Block sizes over the whole ledger (at resolution time a block was at most this big: an upper bound).
const blockSize = new Map<string, number>();
for (const r of recs) for (const k of storedKeysOf(r.match)) blockSize.set(k, (blockSize.get(k) ?? 0) + 1);
function sharedKeys(a: Rec, b: Rec): { usable: string[]; oversized: string[] } {
  const kb = new Set(storedKeysOf(b.match));
  const shared = storedKeysOf(a.match).filter((k) => kb.has(k));
  const usable = shared.filter((k) => blockSize.get(k)! <= blockCap(k, MAX_BLOCK));
  const kind = (k: string): string => k.slice(0, k.indexOf(':'));
  return { usable: [...new Set(usable.map(kind))], oversized: [...new Set(shared.filter((k) => !usable.includes(k)).map(kind))] };
}
const reviewed = new Set(reviewRows.map((r) => `${Math.min(Number(r.record_a_id), Number(r.record_b_id))}|${Math.max(Number(r.record_a_id), Number(r.record_b_id))}`));
const customerReviewed = new Set<string>();
const customerOf = new Map(recs.map((r) => [r.id, r.customer]));
for (const r of reviewRows) {
  const [x, y] = [customerOf.get(Number(r.record_a_id)), customerOf.get(Number(r.record_b_id))];
  customerReviewed.add(`${x}|${y}`);
  customerReviewed.add(`${y}|${x}`);
}

function score(a: Rec, b: Rec): ScoredPair {
  const l = later(a, b);
  return decidePair(a.match.id, b.match.id, compareRecords(a.match, b.match), weightsOf(l), { ledgerRecords: ledgerAt.get(l.source)! });
}
/** A pair's compared fields with their weights (bits), missing ones left out. */
const evidence = (sp: ScoredPair): string => sp.evidence.filter((e) => e.level !== 'missing').map((e) => `${e.field}:${e.level}(${e.weight >= 0 ? '+' : ''}${e.weight.toFixed(1)})`).join(' ');
function describe(r: Rec): string {
  const m = r.match;
  const name = [m.family?.text ?? m.family?.kana ?? m.unsplit?.text ?? '', m.given?.text ?? m.given?.kana ?? ''].join(' ').trim();
  const kana = [m.family?.kana ?? '', m.given?.kana ?? ''].join(' ').trim();
  return `${r.source}:${r.externalId} ${name}${kana ? `(${kana})` : ''} b=${m.birthDate ?? '-'} tel=${m.phones.map((p) => `${p.value}/${p.kind}`).join(';') || '-'} mail=${m.emails.map((e) => e.key).join(';') || '-'} addr=${m.address ? `${m.address.prefecture ?? ''}${m.address.street}` : '-'} co=${m.company?.core ?? '-'}`;
}

/** Personal evidence the pair shares besides the name (exact or typo-close birth date, e-mail, phone, address). */
function sharedIdentifiers(sp: ScoredPair): string[] {
  return sp.evidence.filter((e) => ['birth', 'email', 'phone', 'address'].includes(e.field) && e.level !== 'missing' && e.level !== 'disagree' && e.level !== 'near' && e.level !== 'partial').map((e) => `${e.field}:${e.level}`);
}

const KANA_ONLY = /^[\u3041-\u309f\u30fc]+$/u;
/** A name part written in kana on one side and in kanji without a reading on the other, scored 'disagree'. */
function kanaVersusUnreadKanji(a: Rec, b: Rec, sp: ScoredPair): string[] {
  const out: string[] = [];
  for (const part of ['family', 'given'] as const) {
    if (sp.evidence.find((e) => e.field === part)?.level !== 'disagree') continue;
    const [x, y] = [a.match[part], b.match[part]];
    if (!x || !y) continue;
    const kanaSide = (p: typeof x): boolean => p.text !== null && KANA_ONLY.test(p.text);
    const unread = (p: typeof x): boolean => p.text !== null && !KANA_ONLY.test(p.text) && p.kana === null;
    if ((kanaSide(x) && unread(y)) || (kanaSide(y) && unread(x))) out.push(part);
  }
  return out;
}

/** Why a pair that scored 'merge' did not end on one customer. */
function notJoined(a: Rec, b: Rec, sp: ScoredPair): string {
  const [early, late] = a.id < b.id ? [a, b] : [b, a];
  const lateStart = recs.find((r) => r.source === late.source)!.id;
  const lateCustomerOlder = recs.filter((r) => r.customer === late.customer && r.id < lateStart);
  if (lateCustomerOlder.length > 0) return 'joined another existing customer';
  const members = recs.filter((r) => r.customer === early.customer && r.id < lateStart);
  for (const m of members) {
    const x = score(m, late);
    if (x.rules.some((r) => r === 'given_name_conflict' || r === 'birth_date_conflict') || x.probability < 0.05) return `anti-chaining: conflict with a member of the customer (${x.rules.join('+') || `p=${x.probability.toFixed(3)}`})`;
  }
  if (sp.weak) {
    for (const m of members) {
      const d = score(m, late).evidence.find((e) => e.level === 'disagree');
      if (d) return `name-only link refused: a member disagrees on ${d.field}`;
    }
    return 'name-only link refused as ambiguous (another namesake cluster)';
  }
  return 'other (clustering)';
}

function cause(a: Rec, b: Rec, sp: ScoredPair): string {
  const { usable, oversized } = sharedKeys(a, b);
  const w = weightsOf(later(a, b));
  const kanaIssue = kanaVersusUnreadKanji(a, b, sp);
  const suffix = kanaIssue.length ? ` [kana vs unread kanji → ${kanaIssue.join('+')} disagree]` : '';
  if (sharedIdentifiers(sp).length === 0) return `nothing but the name in common (${sp.outcome}${sp.outcome === 'merge' ? `, not joined: ${notJoined(a, b, sp)}` : ''})${suffix}`;
  if (usable.length === 0) return (oversized.length ? `not blocked (only oversized keys: ${oversized.join(',')})` : 'not blocked (no shared key)') + suffix;
  if (sp.outcome === 'merge') return `scored merge, not joined: ${notJoined(a, b, sp)}`;
  if (sp.rules.length > 0) return `rule:${sp.rules.join('+')}${sp.probability >= w.thresholds.merge ? ' (posterior ≥ merge threshold)' : ' (posterior also below merge)'}${suffix}`;
  return `score (p < ${w.thresholds.merge})${suffix}`;
}

// ------------------------------------------------------------------ life events

const byEntity = new Map<string, Rec[]>();
for (const r of recs) {
  const l = byEntity.get(r.entity) ?? [];
  l.push(r);
  byEntity.set(r.entity, l);
}
interface Finding { event: string; cause: string; a: Rec; b: Rec; sp: ScoredPair; keys: string; reviewed: boolean }
const findings: Finding[] = [];
const blockingTally: Record<string, { persons: number; split: number; bestPairBlocked: number }> = {};
for (const [, list] of byEntity) {
  const event = list.find((r) => r.event)?.event;
  if (!event) continue;
  const t = (blockingTally[event] ??= { persons: 0, split: 0, bestPairBlocked: 0 });
  t.persons++;
  const before = list.filter((r) => r.phase === 'before');
  const after = list.filter((r) => r.phase === 'after');
  // Blocking check over every event person: does the best cross pair share a usable key?
  let best: { a: Rec; b: Rec; sp: ScoredPair } | null = null;
  for (const a of before) for (const b of after) {
    const sp = score(a, b);
    if (best === null || sp.score > best.sp.score) best = { a, b, sp };
  }
  if (best && sharedKeys(best.a, best.b).usable.length > 0) t.bestPairBlocked++;
  const split = before.some((a) => after.some((b) => a.customer !== b.customer));
  if (!split || best === null) continue;
  t.split++;
  // The best cross pair between records on different customers.
  let worst: { a: Rec; b: Rec; sp: ScoredPair } | null = null;
  for (const a of before) for (const b of after) {
    if (a.customer === b.customer) continue;
    const sp = score(a, b);
    if (worst === null || sp.score > worst.sp.score) worst = { a, b, sp };
  }
  const { a, b, sp } = worst!;
  const key = `${Math.min(a.id, b.id)}|${Math.max(a.id, b.id)}`;
  findings.push({ event, cause: cause(a, b, sp), a, b, sp, keys: sharedKeys(a, b).usable.join(','), reviewed: reviewed.has(key) || customerReviewed.has(`${a.customer}|${b.customer}`) });
}

// ------------------------------------------------------------------ negatives

interface MergedNegative { type: string; links: Array<{ a: Rec; b: Rec; sp: ScoredPair }>; best: { a: Rec; b: Rec; sp: ScoredPair } | null }
const merged: MergedNegative[] = [];
const listed: Record<string, number> = {};
for (const n of negatives) {
  listed[n.type] = (listed[n.type] ?? 0) + 1;
  const ra = byEntity.get(n.a) ?? [];
  const rb = byEntity.get(n.b) ?? [];
  if (!ra.some((x) => rb.some((y) => x.customer === y.customer))) continue;
  const links: MergedNegative['links'] = [];
  let best: MergedNegative['best'] = null;
  for (const x of ra) for (const y of rb) {
    if (x.customer !== y.customer) continue;
    const sp = score(x, y);
    if (sp.outcome === 'merge') links.push({ a: x, b: y, sp });
    if (best === null || sp.score > best.sp.score) best = { a: x, b: y, sp };
  }
  merged.push({ type: n.type, links, best });
}

// ------------------------------------------------------------------ report

const tally = (items: Array<{ key: string }>): Array<[string, number]> => {
  const m = new Map<string, number>();
  for (const i of items) m.set(i.key, (m.get(i.key) ?? 0) + 1);
  return [...m].sort((p, q) => q[1] - p[1]);
};
const ruleOnly = (c: string): string => c.replace(/ \(posterior.*$/u, '').replace(/ \[kana.*$/u, '').replace(/^nothing but the name.*/u, 'nothing but the name in common');
const report = {
  blocking: blockingTally,
  lifeEvents: Object.fromEntries(['married_name', 'job_change', 'move'].map((ev) => {
    const fs2 = findings.filter((f) => f.event === ev);
    return [ev, {
      split: fs2.length,
      inReview: fs2.filter((f) => f.reviewed).length,
      causes: Object.fromEntries(tally(fs2.map((f) => ({ key: f.cause })))),
      // What a rule-capped pair would have scored without the rule.
      kanaVersusUnreadKanji: fs2.filter((f) => f.cause.includes('[kana vs unread kanji')).length,
      ruleCappedAboveMerge: fs2.filter((f) => f.sp.rules.length > 0 && f.sp.probability >= weightsOf(later(f.a, f.b)).thresholds.merge).length,
      // Fields that pulled the best pair down (negative weights), summed over the split persons.
      negativeEvidence: Object.fromEntries(tally(fs2.flatMap((f) => f.sp.evidence.filter((e) => e.weight < 0).map((e) => ({ key: `${e.field}:${e.level}` }))))),
    }];
  })),
  negatives: Object.fromEntries(Object.keys(listed).map((type) => {
    const m = merged.filter((x) => x.type === type);
    return [type, {
      listed: listed[type],
      merged: m.length,
      // How the merge came about: a direct merge pair between the two people, or only through other records (chaining).
      direct: m.filter((x) => x.links.length > 0).length,
      linkRules: Object.fromEntries(tally(m.flatMap((x) => x.links.map((l) => ({ key: `${l.sp.weak ? 'weak(name-only) ' : ''}${evidenceKinds(l.sp)}` }))))),
    }];
  })),
};
function evidenceKinds(sp: ScoredPair): string {
  return sp.evidence.filter((e) => e.level !== 'missing' && e.level !== 'disagree').map((e) => `${e.field}:${e.level}`).join('+');
}

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`ledger ${dir}: ${recs.length} records, ${weightRows.length} stored weights, ${reviewRows.length} open review items`);
  // What each import's trained weights make of the key evidence: log2 P(level | match) / P(level | unrelated), and the
  // match prior among its candidate pairs.
  const LEVELS_SHOWN: Array<[string, number]> = [['family', 0], ['family', 2], ['given', 0], ['given', 2], ['birth', 0], ['email', 0], ['phone', 0], ['phone', 3], ['address', 0], ['address', 3], ['company', 2]];
  const NAMES: Record<string, string[]> = { family: ['exact', 'close', 'disagree'], given: ['exact', 'close', 'disagree'], birth: ['exact', 'close', 'near', 'disagree'], email: ['exact', 'close', 'disagree'], phone: ['exact_mobile', 'exact_fixed', 'close', 'disagree'], address: ['exact', 'close', 'partial', 'disagree'], company: ['exact', 'close', 'disagree'] };
  console.log('\nweights per import, log2(m/u) in bits (match prior):');
  console.log(`  ${'import'.padEnd(14)} ${LEVELS_SHOWN.map(([f, l]) => `${f}:${NAMES[f]![l]}`).join(' | ')}`);
  sourceOrder.forEach((src, k) => {
    const w = weightRows[Math.min(k, weightRows.length - 1)]!.weights as MatchWeights;
    const cells = LEVELS_SHOWN.map(([f, l]) => {
      const m = w.m[f as keyof MatchWeights['m']][l]!;
      const uu = w.u[f as keyof MatchWeights['u']][l]!;
      return Math.log2(m / uu).toFixed(1);
    });
    const mu = (f: 'phone' | 'birth' | 'email', l: number): string => `m=${w.m[f][l]!.toPrecision(2)} u=${w.u[f][l]!.toPrecision(2)}`;
    console.log(`  ${src.padEnd(14)} ${cells.join(' | ')}  (prior ${w.prior.match.toFixed(3)}, trained on ${weightRows[k]?.trained_on}; mobile ${mu('phone', 0)}, birth ${mu('birth', 0)}, e-mail ${mu('email', 0)})`);
  });
  for (const [ev, t] of Object.entries(blockingTally)) console.log(`${ev}: ${t.persons} persons, ${t.split} split over customers; best before×after pair shares a usable blocking key for ${t.bestPairBlocked}`);
  for (const [ev, r] of Object.entries(report.lifeEvents)) {
    console.log(`\n### ${ev}: ${r.split} persons split (${r.inReview} with a review item between them; best pair has a kana-vs-unread-kanji name disagreement: ${r.kanaVersusUnreadKanji})`);
    for (const [c, n] of Object.entries(r.causes)) console.log(`  ${String(n).padStart(4)}  ${c}`);
    console.log(`  negative evidence on the best pair: ${Object.entries(r.negativeEvidence).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const byCause = new Map<string, Finding[]>();
    for (const f of findings.filter((x) => x.event === ev)) byCause.set(ruleOnly(f.cause), [...(byCause.get(ruleOnly(f.cause)) ?? []), f]);
    for (const [c, list] of byCause) {
      console.log(`  — ${c}:`);
      for (const f of list.slice(0, show)) {
        console.log(`    p=${f.sp.probability.toFixed(3)} score=${f.sp.score.toFixed(1)} ${f.sp.outcome} rules=[${f.sp.rules.join(',')}] keys=[${f.keys}] ${evidence(f.sp)} | ${f.cause}`);
        console.log(`      before ${describe(f.a.phase === 'before' ? f.a : f.b)}`);
        console.log(`      after  ${describe(f.a.phase === 'before' ? f.b : f.a)}`);
      }
    }
  }
  console.log('\n### merged hard negatives');
  for (const [type, r] of Object.entries(report.negatives)) {
    console.log(`  ${type}: ${r.merged}/${r.listed} merged (${r.direct} through a direct merge pair)`);
    for (const [k, n] of Object.entries(r.linkRules)) console.log(`    ${String(n).padStart(4)}  ${k}`);
    for (const m of merged.filter((x) => x.type === type).slice(0, show)) {
      const l = m.links[0] ?? m.best!;
      console.log(`    p=${l.sp.probability.toFixed(3)} ${l.sp.outcome}${l.sp.weak ? ' weak' : ''} rules=[${l.sp.rules.join(',')}] ${evidence(l.sp)}`);
      console.log(`      A ${describe(l.a)}`);
      console.log(`      B ${describe(l.b)}`);
    }
  }
}
