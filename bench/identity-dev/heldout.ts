/**
 * Generated held-out check: life events, households, namesakes and
 * colleagues derived from ja-dedup-dev people, with their own truth, so the
 * engine is judged on cases the dev set does not contain (and that no
 * rule was tuned on).
 *
 *   npx tsx bench/identity-dev/heldout.ts [--seed 7] [--per 60] [--keep DIR] [--show 5]
 *
 * For a seeded sample of entities one new record ('heldout' source) is made:
 *  - married_name: another family name (and reading), same given name, birth
 *    date, personal e-mail and mobile; half of them also moved;
 *  - move: new address (another person's), same name + birth date and one of
 *    personal e-mail / mobile;
 *  - job_change: a business card at another company with that company's
 *    e-mail domain, same name, birth date and personal mobile;
 *  - family (new person): same family name, reading, address, postal code and
 *    home landline, a third of them the same (family) e-mail; another given
 *    name and birth date;
 *  - namesake (new person): same full name and reading as someone with a
 *    common family name, another birth date, address, mobile and e-mail;
 *  - colleague (new person): same company, main number and e-mail domain,
 *    another name.
 * Scored with the shared scorer: pairwise P/R/F1 over everything, life-event
 * recall (before × after pairs) and merged generated negatives.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareRecords, decidePair, prepareMatchRecord, resolveBatch, type MatchInput, type MatchInputField, type MatchRecord } from '../../src/domain/match/index.ts';
import { rng } from '../../src/domain/match/weights.ts';
import { DATASETS, loadDataset, readSmallCsv } from './datasets.ts';

const DATA = process.env.DAICHO_DATA_DIR ?? '/work/shared/data';
const SCORER = process.env.DAICHO_DEDUP_SCORER ?? '/work/shared/tools/dedup-score/score.mjs';
const SEP = '\u0001';

type Fields = Partial<Record<MatchInputField, string>>;

/** What we know about one person, gathered over their records (raw strings as exported). */
interface Person {
  entity: string;
  family: string | null;
  given: string | null;
  familyKana: string | null;
  givenKana: string | null;
  birth: string | null;
  personalEmail: string | null;
  orgEmail: string | null;
  mobile: string | null;
  homeLandline: string | null;
  workPhone: string | null;
  address: { address: string; postal: string | null; prefecture: string | null } | null;
  company: string | null;
}

function splitTwo(s: string | undefined): [string, string] | null {
  if (!s) return null;
  const parts = s.normalize('NFKC').trim().split(/\s+/u);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : null;
}

/** Domestic notation of a prepared phone value. */
function domestic(value: string): string {
  return value.startsWith('+81') ? `0${value.slice(3)}` : value;
}

function gather(entity: string, recs: Array<{ fields: Fields; prepared: MatchRecord }>): Person {
  const p: Person = {
    entity,
    family: null,
    given: null,
    familyKana: null,
    givenKana: null,
    birth: null,
    personalEmail: null,
    orgEmail: null,
    mobile: null,
    homeLandline: null,
    workPhone: null,
    address: null,
    company: null,
  };
  for (const { fields: f, prepared: r } of recs) {
    const written = f.family_name && f.given_name ? ([f.family_name, f.given_name] as [string, string]) : splitTwo(f.full_name);
    if (written && p.family === null && !/[a-z]/iu.test(written.join(''))) [p.family, p.given] = written;
    const kana = f.family_name_kana && f.given_name_kana ? ([f.family_name_kana, f.given_name_kana] as [string, string]) : splitTwo(f.full_name_kana);
    if (kana && p.familyKana === null) [p.familyKana, p.givenKana] = kana.map((k) => k.normalize('NFKC')) as [string, string];
    p.birth ??= r.birthDate;
    for (const e of r.emails) {
      if (e.personal) p.personalEmail ??= e.key;
      else p.orgEmail ??= e.key;
    }
    for (const ph of r.phones) {
      if (ph.kind === 'mobile') p.mobile ??= domestic(ph.value);
      else if (ph.context === 'home') p.homeLandline ??= domestic(ph.value);
      else p.workPhone ??= domestic(ph.value);
    }
    if (r.address !== null && r.address.context === 'home' && f.address) p.address ??= { address: f.address, postal: f.postal_code ?? null, prefecture: f.prefecture ?? null };
    if (f.company_name && r.company !== null) p.company ??= f.company_name;
  }
  return p;
}

interface Generated {
  fields: Fields;
  entity: string;
  event?: string;
  negative?: { type: string; other: string };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '7' }, per: { type: 'string', default: '60' }, keep: { type: 'string' }, show: { type: 'string', default: '0' } } });
  const rand = rng(Number(values.seed));
  const per = Number(values.per);
  const spec = DATASETS.find((d) => d.name === 'ja-dedup-dev')!;
  const loaded = await loadDataset(DATA, spec);
  const dir = path.join(DATA, 'ja-dedup-dev');
  const truth = new Map<string, string>();
  for (const [s, id, e] of readSmallCsv(path.join(dir, 'truth.csv')).slice(1)) truth.set(`${s}${SEP}${id}`, e!);
  const byEntity = new Map<string, Array<{ fields: Fields; prepared: MatchRecord; key: string }>>();
  for (const r of loaded.records) {
    const key = `${r.source}${SEP}${r.externalId}`;
    const e = truth.get(key);
    if (e === undefined) continue;
    let l = byEntity.get(e);
    if (l === undefined) byEntity.set(e, (l = []));
    l.push({ fields: r.fields, prepared: prepareMatchRecord({ id: key, source: r.source, fields: r.fields }), key });
  }
  const people = [...byEntity.keys()].sort().map((e) => gather(e, byEntity.get(e)!));
  const named = people.filter((p) => p.family !== null && p.given !== null && p.familyKana !== null);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const shuffled = [...named].sort(() => rand() - 0.5);
  const used = new Set<string>();
  const take = (ok: (p: Person) => boolean): Person[] => {
    const out: Person[] = [];
    for (const p of shuffled) {
      if (out.length >= per) break;
      if (used.has(p.entity) || !ok(p)) continue;
      used.add(p.entity);
      out.push(p);
    }
    return out;
  };
  const other = (p: Person, ok: (q: Person) => boolean = () => true): Person => {
    for (let k = 0; k < 1000; k++) {
      const q = pick(named);
      if (q.entity !== p.entity && q.family !== p.family && ok(q)) return q;
    }
    throw new Error('no other person');
  };
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const newMobile = (): string => `0${pick(['70', '80', '90'])}-${digits(4)}-${digits(4)}`;
  const newEmail = (): string => `${pick(['sora', 'hana', 'kaze', 'umi', 'yama'])}${digits(5)}@${pick(['gmail.com', 'yahoo.co.jp', 'icloud.com'])}`;
  const shiftYears = (iso: string, years: number): string => `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
  const randomBirth = (): string => `${1950 + Math.floor(rand() * 50)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const addressOf = (p: Person): Fields =>
    p.address === null
      ? {}
      : { address: p.address.address, ...(p.address.postal ? { postal_code: p.address.postal } : {}), ...(p.address.prefecture ? { prefecture: p.address.prefecture } : {}) };
  // Alternate the written layout the way department exports do.
  const nameFields = (family: string, given: string, fk: string | null, gk: string | null): Fields =>
    rand() < 0.5
      ? { family_name: family, given_name: given, ...(fk && gk ? { family_name_kana: fk, given_name_kana: gk } : {}) }
      : { full_name: `${family} ${given}`, ...(fk && gk ? { full_name_kana: `${fk} ${gk}` } : {}) };

  const gen: Generated[] = [];
  for (const p of take((q) => q.birth !== null && (q.personalEmail !== null || q.mobile !== null))) {
    const q = other(p, (x) => x.familyKana !== null);
    const moved = rand() < 0.5 ? addressOf(other(p, (x) => x.address !== null)) : addressOf(p);
    gen.push({
      entity: p.entity,
      event: 'married_name',
      fields: {
        ...nameFields(q.family!, p.given!, q.familyKana, p.givenKana),
        birth_date: p.birth!,
        ...(p.personalEmail ? { email: p.personalEmail } : {}),
        ...(p.mobile ? { phone: p.mobile } : {}),
        ...moved,
      },
    });
  }
  for (const p of take((q) => q.birth !== null && (q.personalEmail !== null || q.mobile !== null))) {
    const useMobile = p.mobile !== null && (p.personalEmail === null || rand() < 0.5);
    gen.push({
      entity: p.entity,
      event: 'move',
      fields: {
        ...nameFields(p.family!, p.given!, p.familyKana, p.givenKana),
        birth_date: p.birth!,
        ...(useMobile ? { phone: p.mobile! } : { email: p.personalEmail! }),
        ...addressOf(other(p, (x) => x.address !== null)),
      },
    });
  }
  for (const p of take((q) => q.birth !== null && q.mobile !== null)) {
    const q = other(p, (x) => x.company !== null && x.orgEmail !== null && x.company !== p.company);
    const domain = q.orgEmail!.slice(q.orgEmail!.indexOf('@') + 1);
    gen.push({
      entity: p.entity,
      event: 'job_change',
      fields: {
        full_name: `${p.family} ${p.given}`,
        ...(p.familyKana && p.givenKana ? { full_name_kana: `${p.familyKana} ${p.givenKana}` } : {}),
        birth_date: p.birth!,
        phone: p.mobile!,
        company_name: q.company!,
        email: `${p.entity.toLowerCase()}.${digits(3)}@${domain}`,
      },
    });
  }
  let newId = 0;
  const newEntity = (): string => `G${String(++newId).padStart(5, '0')}`;
  for (const p of take((q) => q.address !== null)) {
    const q = other(p, (x) => x.given !== p.given && x.givenKana !== null && x.givenKana !== p.givenKana);
    const shareEmail = p.personalEmail !== null && rand() < 0.34;
    gen.push({
      entity: newEntity(),
      negative: { type: 'gen_family', other: p.entity },
      fields: {
        ...nameFields(p.family!, q.given!, p.familyKana, q.givenKana),
        ...addressOf(p),
        ...(p.birth ? { birth_date: shiftYears(p.birth, pick([-30, -28, -25, -3, -2, 2, 3, 25, 28])) } : {}),
        ...(p.homeLandline ? { phone: p.homeLandline } : rand() < 0.5 ? { phone: newMobile() } : {}),
        ...(shareEmail ? { email: p.personalEmail! } : {}),
      },
    });
  }
  // Namesakes of COMMON names (the family name is shared by several people of
  // the data set): a rare full name shared by two strangers is rare by definition.
  const familyCount = new Map<string, number>();
  for (const p of named) familyCount.set(p.family!, (familyCount.get(p.family!) ?? 0) + 1);
  for (const p of take((x) => (familyCount.get(x.family!) ?? 0) >= 4)) {
    const q = other(p, (x) => x.address !== null);
    let birth = randomBirth();
    while (birth === p.birth) birth = randomBirth();
    gen.push({
      entity: newEntity(),
      negative: { type: 'gen_namesake', other: p.entity },
      fields: { ...nameFields(p.family!, p.given!, p.familyKana, p.givenKana), birth_date: birth, phone: newMobile(), email: newEmail(), ...addressOf(q) },
    });
  }
  for (const p of take((q) => q.company !== null && q.workPhone !== null && q.orgEmail !== null)) {
    const q = other(p, (x) => x.given !== p.given);
    const domain = p.orgEmail!.slice(p.orgEmail!.indexOf('@') + 1);
    gen.push({
      entity: newEntity(),
      negative: { type: 'gen_colleague', other: p.entity },
      fields: { full_name: `${q.family} ${q.given}`, company_name: p.company!, phone: p.workPhone!, email: `staff${digits(4)}@${domain}` },
    });
  }

  // Assemble the data set: every dev record plus the generated ones.
  const inputs: MatchInput[] = loaded.records.map((r) => ({ id: `${r.source}${SEP}${r.externalId}`, source: r.source, fields: r.fields }));
  gen.forEach((g, k) => inputs.push({ id: `heldout${SEP}H${String(k + 1).padStart(5, '0')}`, source: 'heldout', fields: g.fields }));
  const t0 = performance.now();
  const prepared = new Map(inputs.map((i) => [i.id, prepareMatchRecord(i)]));
  const result = resolveBatch([...prepared.values()]);
  const seconds = (performance.now() - t0) / 1000;
  // The review queue: how many of its pairs are one entity, and how many generated life-event pairs it holds.
  {
    const entityOf = new Map<string, string>([...truth]);
    gen.forEach((g, k) => entityOf.set(`heldout${SEP}H${String(k + 1).padStart(5, '0')}`, g.entity));
    const same = result.reviews.filter((r) => entityOf.get(r.a) !== undefined && entityOf.get(r.a) === entityOf.get(r.b));
    const events = same.filter((r) => r.a.startsWith(`heldout${SEP}`) || r.b.startsWith(`heldout${SEP}`));
    console.log(`review pairs: ${result.reviews.length} (same entity: ${same.length}, of which a generated life-event record: ${events.length})`);
  }

  const tmp = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-heldout-'));
  fs.mkdirSync(tmp, { recursive: true });
  const csv = (s: string): string => (/[",\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s);
  const links = ['source,external_id,customer_id'];
  result.clusters.forEach((members, c) => members.forEach((id) => links.push(`${id.split(SEP).map(csv).join(',')},C${c}`)));
  fs.writeFileSync(path.join(tmp, 'links.csv'), `${links.join('\n')}\n`);
  const truthLines = ['source,external_id,entity_id', ...[...truth].map(([k, e]) => `${k.split(SEP).map(csv).join(',')},${e}`)];
  gen.forEach((g, k) => truthLines.push(`heldout,H${String(k + 1).padStart(5, '0')},${g.entity}`));
  fs.writeFileSync(path.join(tmp, 'truth.csv'), `${truthLines.join('\n')}\n`);
  const negLines = [fs.readFileSync(path.join(dir, 'negatives.csv'), 'utf8').trimEnd()];
  for (const g of gen) if (g.negative) negLines.push(`${g.negative.other},${g.entity},${g.negative.type}`);
  fs.writeFileSync(path.join(tmp, 'negatives.csv'), `${negLines.join('\n')}\n`);
  const lifeLines = ['source,external_id,entity_id,event,phase'];
  gen.forEach((g, k) => {
    if (!g.event) return;
    for (const r of byEntity.get(g.entity)!) lifeLines.push(`${r.key.split(SEP).map(csv).join(',')},${g.entity},${g.event},before`);
    lifeLines.push(`heldout,H${String(k + 1).padStart(5, '0')},${g.entity},${g.event},after`);
  });
  fs.writeFileSync(path.join(tmp, 'life_events.csv'), `${lifeLines.join('\n')}\n`);
  const out = execFileSync(process.execPath, [SCORER, '--truth', path.join(tmp, 'truth.csv'), '--links', path.join(tmp, 'links.csv'), '--negatives', path.join(tmp, 'negatives.csv'), '--life-events', path.join(tmp, 'life_events.csv'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const r = JSON.parse(out) as {
    precision: number;
    recall: number;
    f1: number;
    hard_negative_pairs_merged: Record<string, { listed: number; merged: number }>;
    life_event_recall: Record<string, { pairs: number; found: number; recall: number | null }> | null;
  };
  console.log(`held-out (seed ${values.seed}): ${gen.length} generated records + ${loaded.records.length} dev records, resolved in ${seconds.toFixed(1)} s`);
  console.log(`pairwise P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)}`);
  console.log(`life-event recall: ${Object.entries(r.life_event_recall ?? {}).map(([t, v]) => `${t} ${v.recall === null ? 'n/a' : v.recall.toFixed(3)} (${v.found}/${v.pairs})`).join(', ')}`);
  console.log(`negatives merged: ${Object.entries(r.hard_negative_pairs_merged).map(([t, v]) => `${t} ${v.merged}/${v.listed}`).join(', ')}`);
  const show = Number(values.show);
  if (show > 0) {
    // Which generated records ended up wrong (a life event not joined, a new person joined).
    const clusterOf = new Map<string, number>();
    result.clusters.forEach((c, k) => c.forEach((id) => clusterOf.set(id, k)));
    let shown = 0;
    gen.forEach((g, k) => {
      const id = `heldout${SEP}H${String(k + 1).padStart(5, '0')}`;
      const c = clusterOf.get(id)!;
      const target = g.event ? g.entity : g.negative!.other;
      const joined = byEntity.get(target)!.some((r) => clusterOf.get(r.key) === c);
      if (joined === Boolean(g.event) || shown >= show) return;
      shown++;
      console.log(`\n${g.event ?? g.negative!.type}: ${g.event ? 'NOT joined' : 'JOINED'} ${JSON.stringify(g.fields)}`);
      const self = prepared.get(id)!;
      for (const r of byEntity.get(target)!) {
        const d = decidePair(id, r.key, compareRecords(self, r.prepared), result.weights);
        const ev = d.evidence.filter((e) => e.level !== 'missing').map((e) => `${e.field}:${e.level}`).join(' ');
        console.log(`   ${clusterOf.get(r.key) === c ? '*' : ' '} ${r.key.replace(SEP, ':')} p=${d.probability.toFixed(3)} ${d.outcome}${d.weak ? ' weak' : ''} [${d.rules.join(',')}] ${ev} ${JSON.stringify(r.fields)}`);
      }
    });
  }
  if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
