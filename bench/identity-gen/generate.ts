/**
 * Held-out generator for identity resolution: life events (married name, job change, move) and hard negatives
 * (namesakes, families, twins) spread over five department exports, written independently of ja-dedup-dev and of the
 * matcher. Nothing here reads the matcher or the dev set's generator; its name lists are other ones (given names from
 * jpnames, family names from gimei: the dev set took given names from gimei and family names from jpnames), and the
 * sources, formats, error habits and rates are this file's own (see README.md).
 *
 *   npx tsx bench/identity-gen/generate.ts --out DIR [--people 3000] [--seed 1]
 *
 * Every random choice is an independent draw: sha256(seed, tags…) → [0, 1), so adding a field or a source does not
 * shift the other draws (no stream, no Math.random).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';

/** ../shared/data beside the project (a worktree under wt/ sits one level deeper than the main checkout). */
const DATA = process.env.DAICHO_SHARED_DATA
  ?? ['../../../shared/data', '../../../../shared/data'].map((p) => path.resolve(import.meta.dirname, p)).find((p) => fs.existsSync(path.join(p, 'ja')))
  ?? '/work/shared/data';

// ------------------------------------------------------------------ draws

let SEED = '1';
/** Independent uniform draw in [0, 1) for the given tags. */
function u(...tags: Array<string | number>): number {
  const h = createHash('sha256').update(`${SEED}\u0001${tags.join('\u0001')}`).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}
const chance = (p: number, ...tags: Array<string | number>): boolean => u(...tags) < p;
const int = (lo: number, hi: number, ...tags: Array<string | number>): number => lo + Math.floor(u(...tags) * (hi - lo + 1));
const pick = <T>(xs: readonly T[], ...tags: Array<string | number>): T => xs[Math.floor(u(...tags) * xs.length)]!;

/** Weighted choice by a cumulative table. */
class Weighted<T> {
  private readonly cum: number[] = [];
  private total = 0;
  constructor(readonly items: readonly T[], weight: (x: T, i: number) => number) {
    items.forEach((x, i) => {
      this.total += weight(x, i);
      this.cum.push(this.total);
    });
  }
  pick(...tags: Array<string | number>): T {
    const target = u(...tags) * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ------------------------------------------------------------------ reference lists

const readLines = (file: string): string[] => fs.readFileSync(path.join(DATA, file), 'utf8').split(/\r?\n/u).filter((l) => l !== '');

interface Surname { kanji: string; kana: string; romaji: string }
interface GivenName { kanji: string; kana: string; romaji: string; gender: 'm' | 'f' }

const toKatakana = (s: string): string => s.replace(/[\u3041-\u3096]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
const toHiragana = (s: string): string => s.replace(/[\u30a1-\u30f6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

// gimei's 500 family names (kanji, hiragana, katakana, romaji). Their list order is weighted by a slow power law.
const SURNAMES: Surname[] = readLines('ja/gimei/gimei_last_names.csv').slice(1).map((l) => {
  const [kanji, hira, , romaji] = l.split(',');
  return { kanji: kanji!, kana: toKatakana(hira!), romaji: romaji!.toLowerCase() };
});
const surnameDraw = new Weighted(SURNAMES, (_, i) => 1 / (i + 1) ** 0.6);
/** Common family names for namesakes: the 25 heaviest. */
const COMMON_SURNAMES = SURNAMES.slice(0, 25);

// jpnames given names: reading, romaji, kanji variants. A reading with many kanji variants is a popular one.
function readGiven(file: string, gender: 'm' | 'f'): Array<{ kana: string; romaji: string; kanji: string[]; gender: 'm' | 'f' }> {
  return readLines(file).map((l) => {
    const [hira, romaji, ...kanji] = l.split(',');
    return { kana: toKatakana(hira!), romaji: romaji!, kanji: kanji.filter((k) => k !== ''), gender };
  }).filter((g) => g.kanji.length > 0 && g.kana.length >= 2);
}
const GIVEN = { m: readGiven('ja/jpnames/first_name_man_org.csv', 'm'), f: readGiven('ja/jpnames/first_name_woman_org.csv', 'f') };
const givenDraw = { m: new Weighted(GIVEN.m, (g) => g.kanji.length ** 1.3), f: new Weighted(GIVEN.f, (g) => g.kanji.length ** 1.3) };
const COMMON_GIVEN = {
  m: [...GIVEN.m].sort((a, b) => b.kanji.length - a.kanji.length).slice(0, 30),
  f: [...GIVEN.f].sort((a, b) => b.kanji.length - a.kanji.length).slice(0, 30),
};
function givenOf(g: { kana: string; romaji: string; kanji: string[]; gender: 'm' | 'f' }, ...tags: Array<string | number>): GivenName {
  // Earlier kanji variants weigh more; a few women's names are written in kana.
  const kanji = g.gender === 'f' && chance(0.05, ...tags, 'kana-written') ? toHiragana(g.kana) : g.kanji[Math.floor(g.kanji.length * u(...tags, 'variant') ** 2.5)]!;
  return { kanji, kana: g.kana, romaji: g.romaji, gender: g.gender };
}
/** The usual (shortest, first) writing of a popular reading: namesakes share it. */
const commonWriting = (g: (typeof GIVEN.m)[number]): string => [...g.kanji].sort((a, b) => [...a].length - [...b].length)[0]!;

// Japan Post areas (residential addresses) and offices (employers).
interface Area { postal: string; prefCode: number; pref: string; city: string; town: string }
const AREAS: Area[] = readLines('ja/jpostcode/areas.csv').slice(1).flatMap((l) => {
  const [postal, code, pref, , city, , town] = l.split(',');
  if (!town || /[（(]|以下に掲載|一円|番地|丁目|階|ビル|タワー/u.test(town)) return [];
  return [{ postal: postal!, prefCode: Number(code), pref: pref!, city: city!, town: town! }];
});
// Population weight: big prefectures (Tokyo, Kanagawa, Osaka, Aichi, Saitama…) more often, not uniformly by postcode.
const PREF_WEIGHT: Record<number, number> = { 13: 6, 14: 4, 27: 4, 23: 3, 11: 3, 12: 2.5, 28: 2.5, 1: 2, 40: 2, 22: 1.5, 26: 1.2, 34: 1.2, 4: 1 };
const areaDraw = new Weighted(AREAS, (a) => PREF_WEIGHT[a.prefCode] ?? 0.6);

interface Company { name: string; core: string; kana: string; area: Area; street: string; domain: string; mainPhone: string; emailStyle: number; suffix: boolean }
const LEGAL = /株式会社|（株）|\(株\)|㈱/u;
// U+2212 (a minus sign where Japan Post means a hyphen) has no CP932 code: written as the full-width hyphen-minus.
const OFFICES = readLines('ja/jpostcode/offices.csv').slice(1).flatMap((line) => {
  const [postal, code, pref, , city, , town, , street, name, kana] = line.replace(/\u2212/gu, '－').split(',');
  if (!name || !LEGAL.test(name) || !town) return [];
  const parts = name.split(/\u3000+/u);
  const coreParts = parts.filter((p) => !LEGAL.test(p) && !/(支店|支社|営業所|センター|工場|事業所|本部|出張所)$/u.test(p));
  const core = coreParts.join('').replace(LEGAL, '');
  if ([...core].length < 2) return [];
  return [{ postal: postal!, prefCode: Number(code), pref: pref!, city: city!, town: town!, street: street ?? '', core, suffix: parts.findIndex((p) => LEGAL.test(p)) > 0, kana: (kana ?? '').replace(/\s*カブシキ[ガカ]イシヤ\s*/gu, '').replace(/\s+/gu, '') }];
});

const AREA_CODE: Record<number, string> = {
  1: '011', 2: '017', 3: '019', 4: '022', 5: '018', 6: '023', 7: '024', 8: '029', 9: '028', 10: '027', 11: '048', 12: '043', 13: '03', 14: '045',
  15: '025', 16: '076', 17: '076', 18: '0776', 19: '055', 20: '026', 21: '058', 22: '054', 23: '052', 24: '059', 25: '077', 26: '075', 27: '06',
  28: '078', 29: '0742', 30: '073', 31: '0857', 32: '0852', 33: '086', 34: '082', 35: '083', 36: '088', 37: '087', 38: '089', 39: '088',
  40: '092', 41: '0952', 42: '095', 43: '096', 44: '097', 45: '0985', 46: '099', 47: '098',
};
function landline(prefCode: number, ...tags: Array<string | number>): string {
  const area = AREA_CODE[prefCode] ?? '03';
  const rest = 10 - area.length;
  let digits = String(int(2, 9, ...tags, 'first'));
  for (let i = 1; i < rest; i++) digits += String(int(0, 9, ...tags, i));
  const split = rest - 4;
  return `${area}-${digits.slice(0, split)}-${digits.slice(split)}`;
}
function mobile(...tags: Array<string | number>): string {
  // 0X0-N… with N ≠ 0: the numbering plan has no 090-0xxx.
  let digits = String(int(1, 9, ...tags, 'first'));
  for (let i = 1; i < 8; i++) digits += String(int(0, 9, ...tags, i));
  return `${pick(['090', '080', '070', '090', '080'], ...tags, 'prefix')}-${digits.slice(0, 4)}-${digits.slice(4)}`;
}

// Personal mail providers (free-mail, carriers, ISPs), commonest first.
const MAIL_PROVIDERS = new Weighted(
  ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'i.softbank.jp', 'au.com', 'outlook.jp', 'hotmail.co.jp', 'nifty.com', 'biglobe.ne.jp', 'ocn.ne.jp', 'me.com', 'ybb.ne.jp', 'live.jp'],
  (_, i) => 1 / (i + 1),
);

// ------------------------------------------------------------------ people

interface Home { area: Area; chome: number; banchi: number; go: number; building: string | null; landline: string | null }
interface Job { company: Company; department: string; title: string | null; email: string; direct: string | null }
interface State { family: Surname; home: Home; mobile: string | null; email: string | null; job: Job | null }
type LifeEvent = 'married_name' | 'job_change' | 'move';
interface Person {
  id: string;
  given: GivenName;
  birth: string;
  gender: 'm' | 'f';
  before: State;
  /** The state after the life event (absent: none). */
  after: State | null;
  event: LifeEvent | null;
  role: 'fresh' | 'family' | 'twin' | 'namesake' | 'namesake_reading';
}

const DEPARTMENTS = ['営業部', '総務部', '経理部', '人事部', '情報システム部', '購買部', '経営企画室', '開発部', 'マーケティング部', '品質保証部', '製造部', '法人営業部'];
const TITLES = ['部長', '課長', '係長', '主任', 'マネージャー', 'リーダー', '室長', '担当'];
const BUILDINGS = ['ハイツ', 'コーポ', 'メゾン', 'レジデンス', 'パレス', 'ハイム', 'ヴィラ', 'グランド'];

function birthDate(minYear: number, maxYear: number, ...tags: Array<string | number>): string {
  const y = int(minYear, maxYear, ...tags, 'y');
  const m = int(1, 12, ...tags, 'm');
  const d = int(1, new Date(Date.UTC(y, m, 0)).getUTCDate(), ...tags, 'd');
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function newHome(...tags: Array<string | number>): Home {
  const area = areaDraw.pick(...tags, 'area');
  const building = chance(0.35, ...tags, 'bld') ? `${pick(BUILDINGS, ...tags, 'bn')}${pick(SURNAMES, ...tags, 'bs').kanji} ${int(1, 9, ...tags, 'bf')}0${int(1, 9, ...tags, 'br')}` : null;
  return {
    area,
    chome: chance(0.6, ...tags, 'has-chome') ? int(1, 6, ...tags, 'chome') : 0,
    banchi: int(1, 40, ...tags, 'banchi'),
    go: int(1, 28, ...tags, 'go'),
    building,
    landline: chance(0.4, ...tags, 'has-landline') ? landline(area.prefCode, ...tags, 'landline') : null,
  };
}

function personalEmail(family: Surname, given: GivenName, birth: string, ...tags: Array<string | number>): string {
  const g = given.romaji;
  const f = family.romaji;
  const style = u(...tags, 'style');
  const local = style < 0.25 ? `${g}.${f}` : style < 0.4 ? `${f}${g}${birth.slice(2, 4)}` : style < 0.5 ? `${g[0]}${f}` : style < 0.6 ? `${f}_${g}` : style < 0.7 ? `${g}${birth.slice(5, 7)}${birth.slice(8, 10)}`
    // A handle that says nothing about the name.
    : `${pick(['sky', 'blue', 'happy', 'lucky', 'sun', 'moon', 'star', 'kaze', 'umi', 'hana', 'neko', 'inu', 'tora'], ...tags, 'w1')}${pick(['_', '.', '', '-'], ...tags, 'sep')}${pick(['day', 'life', 'love', 'smile', 'papa', 'mama', 'boy', 'girl', 'go'], ...tags, 'w2')}${int(1, 999, ...tags, 'n')}`;
  return unique(`${local}@${MAIL_PROVIDERS.pick(...tags, 'provider')}`, ...tags);
}

/** Mailboxes handed out so far: a provider or a company gives the second person with a taken handle a number. */
const issuedMailboxes = new Set<string>();
function unique(email: string, ...tags: Array<string | number>): string {
  let out = email;
  for (let t = 0; issuedMailboxes.has(out); t++) out = email.replace('@', `${int(1, 99 * (t + 1), ...tags, 'taken', t)}@`);
  issuedMailboxes.add(out);
  return out;
}

const companies: Company[] = [];
function companyPool(n: number): void {
  const seen = new Set<string>();
  for (let i = 0; companies.length < n && i < n * 20; i++) {
    const o = pick(OFFICES, 'company', i);
    if (seen.has(o.core)) continue;
    seen.add(o.core);
    const area: Area = { postal: o.postal, prefCode: o.prefCode, pref: o.pref, city: o.city, town: o.town };
    companies.push({
      name: o.suffix ? `${o.core}株式会社` : `株式会社${o.core}`,
      core: o.core,
      kana: o.kana,
      area,
      street: o.street,
      domain: `${createHash('md5').update(o.core).digest('hex').slice(0, 8)}.daicho-test.jp`,
      mainPhone: landline(o.prefCode, 'company-main', i),
      emailStyle: int(0, 3, 'company-style', i),
      suffix: o.suffix,
    });
  }
}

/** The company's address scheme for a person (two of one family name at one company: the second gets a number). */
function companyEmail(company: Company, family: Surname, given: GivenName, ...tags: Array<string | number>): string {
  const g = given.romaji;
  const f = family.romaji;
  const local = [`${g}.${f}`, `${f}`, `${g[0]}-${f}`, `${f}${g[0]}`][company.emailStyle]!;
  return unique(`${local}@${company.domain}`, ...tags);
}

function newJob(family: Surname, given: GivenName, ...tags: Array<string | number>): Job {
  const company = pick(companies, ...tags, 'company');
  return {
    company,
    department: pick(DEPARTMENTS, ...tags, 'dept'),
    title: chance(0.6, ...tags, 'has-title') ? pick(TITLES, ...tags, 'title') : null,
    email: companyEmail(company, family, given, ...tags),
    direct: chance(0.5, ...tags, 'has-direct') ? landline(company.area.prefCode, ...tags, 'direct') : null,
  };
}

interface Negative { a: string; b: string; type: string }

function makePeople(n: number): { people: Person[]; negatives: Negative[] } {
  companyPool(Math.max(50, Math.round(n / 6)));
  const people: Person[] = [];
  const negatives: Negative[] = [];
  const id = (): string => `G${String(people.length + 1).padStart(6, '0')}`;
  const fresh = (tag: string, over: Partial<Pick<Person, 'given' | 'birth' | 'gender' | 'role'>> & { family?: Surname; home?: Home } = {}): Person => {
    const pid = id();
    const gender: 'm' | 'f' = over.gender ?? (chance(0.5, tag, pid, 'gender') ? 'f' : 'm');
    const given = over.given ?? givenOf(givenDraw[gender].pick(tag, pid, 'given'), tag, pid, 'given');
    const family = over.family ?? surnameDraw.pick(tag, pid, 'family');
    const birth = over.birth ?? birthDate(1948, 2004, tag, pid, 'birth');
    const before: State = {
      family,
      home: over.home ?? newHome(tag, pid, 'home'),
      mobile: chance(0.88, tag, pid, 'has-mobile') ? mobile(tag, pid, 'mobile') : null,
      email: chance(0.8, tag, pid, 'has-email') ? personalEmail(family, given, birth, tag, pid, 'email') : null,
      job: chance(0.55, tag, pid, 'employed') ? newJob(family, given, tag, pid, 'job') : null,
    };
    const p: Person = { id: pid, given, birth, gender, before, after: null, event: null, role: over.role ?? 'fresh' };
    people.push(p);
    return p;
  };
  while (people.length < n) {
    const k = people.length;
    const roll = u('role', k);
    if (roll < 0.035) {
      // A household: 2–4 people with one family name, address and landline; a third share a family e-mail.
      const size = int(2, 4, 'household', k);
      const family = surnameDraw.pick('household', k, 'family');
      const drawn = newHome('household', k);
      const home: Home = { ...drawn, landline: chance(0.85, 'household', k, 'has-landline') ? landline(drawn.area.prefCode, 'household', k, 'landline') : null };
      const shared = chance(0.3, 'household', k, 'family-email') ? personalEmail(family, givenOf(givenDraw.m.pick('household', k, 'fe'), 'household', k), '1970-01-01', 'household', k, 'fe') : null;
      // Member 0 is a parent, the others its children; members 1 and 2 are twins in some households of three or more.
      const twins = size >= 3 && chance(0.35, 'household', k, 'twins');
      const parentYear = int(1948, 1972, 'household', k, 'parent');
      const members: Person[] = [];
      const usedReadings = new Set<string>();
      for (let j = 0; j < size && people.length < n; j++) {
        let given: GivenName;
        let t = 0;
        do given = givenOf(givenDraw[chance(0.5, 'household', k, j, t, 'g') ? 'f' : 'm'].pick('household', k, j, t), 'household', k, j, t);
        while (usedReadings.has(given.kana) && ++t < 20);
        usedReadings.add(given.kana);
        const birth = j === 0 ? birthDate(parentYear, parentYear, 'household', k, j)
          : twins && j === 2 ? members[1]!.birth
          : birthDate(parentYear + 22, Math.min(2005, parentYear + 40), 'household', k, j);
        const p = fresh('household', { family, home, given, gender: given.gender, birth, role: twins && (j === 1 || j === 2) ? 'twin' : 'family' });
        if (shared !== null && chance(0.7, 'household', k, j, 'uses-family-email')) p.before.email = shared;
        members.push(p);
      }
      for (let a = 0; a < members.length; a++) {
        for (let b = a + 1; b < members.length; b++) negatives.push({ a: members[a]!.id, b: members[b]!.id, type: twins && a === 1 && b === 2 ? 'twin' : 'family' });
      }
    } else if (roll < 0.065) {
      // Namesakes: 2–3 people with one common name (same writing and reading), nothing else in common.
      const gender: 'm' | 'f' = chance(0.5, 'namesake', k, 'gender') ? 'f' : 'm';
      const g = pick(COMMON_GIVEN[gender], 'namesake', k, 'given');
      const given: GivenName = { kanji: commonWriting(g), kana: g.kana, romaji: g.romaji, gender };
      const family = pick(COMMON_SURNAMES, 'namesake', k, 'family');
      const size = chance(0.25, 'namesake', k, 'three') ? 3 : 2;
      const group: Person[] = [];
      for (let j = 0; j < size && people.length < n; j++) group.push(fresh(`namesake${j}`, { family, given, gender, role: 'namesake' }));
      for (let a = 0; a < group.length; a++) for (let b = a + 1; b < group.length; b++) negatives.push({ a: group[a]!.id, b: group[b]!.id, type: 'namesake' });
    } else if (roll < 0.08) {
      // Same reading, other kanji (same family name): 浩/博 ひろし.
      const gender: 'm' | 'f' = chance(0.5, 'nsr', k, 'gender') ? 'f' : 'm';
      const g = pick(COMMON_GIVEN[gender].filter((x) => x.kanji.length >= 2), 'nsr', k, 'given');
      const [k1, k2] = [g.kanji[int(0, g.kanji.length - 1, 'nsr', k, 'k1')]!, g.kanji[int(0, g.kanji.length - 1, 'nsr', k, 'k2')]!];
      const second = k1 === k2 ? g.kanji.find((x) => x !== k1)! : k2;
      const family = pick(COMMON_SURNAMES, 'nsr', k, 'family');
      const a = fresh('nsr0', { family, given: { kanji: k1, kana: g.kana, romaji: g.romaji, gender }, gender, role: 'namesake_reading' });
      if (people.length < n) {
        const b = fresh('nsr1', { family, given: { kanji: second, kana: g.kana, romaji: g.romaji, gender }, gender, role: 'namesake_reading' });
        negatives.push({ a: a.id, b: b.id, type: 'namesake_reading' });
      }
    } else {
      fresh('fresh');
    }
  }
  // Life events on people of no negative role, so each measure stays about one thing.
  for (const p of people) {
    if (p.role !== 'fresh') continue;
    const roll = u('event', p.id);
    if (roll < 0.09 && p.gender === 'f' && p.birth < '1998') {
      p.event = 'married_name';
      let family = surnameDraw.pick('married', p.id, 'family');
      for (let t = 0; family.kanji === p.before.family.kanji; t++) family = surnameDraw.pick('married', p.id, 'family', t);
      const keepMobile = chance(0.75, 'married', p.id, 'keep-mobile');
      const keepEmail = chance(0.6, 'married', p.id, 'keep-email');
      const moved = chance(0.5, 'married', p.id, 'moved');
      p.after = {
        family,
        home: moved ? newHome('married', p.id, 'home') : p.before.home,
        mobile: keepMobile ? p.before.mobile : chance(0.88, 'married', p.id, 'has-mobile') ? mobile('married', p.id, 'mobile') : null,
        email: keepEmail ? p.before.email : chance(0.8, 'married', p.id, 'has-email') ? personalEmail(family, p.given, p.birth, 'married', p.id, 'email') : null,
        // The employer renames her mailbox with the new family name.
        job: p.before.job ? { ...p.before.job, email: companyEmail(p.before.job.company, family, p.given, 'married', p.id) } : null,
      };
    } else if (roll < 0.17 && p.before.job !== null) {
      p.event = 'job_change';
      let job = newJob(p.before.family, p.given, 'jobchange', p.id);
      for (let t = 0; job.company === p.before.job.company; t++) job = newJob(p.before.family, p.given, 'jobchange', p.id, t);
      if (p.before.mobile === null && chance(0.5, 'jobchange', p.id, 'gets-mobile')) p.before.mobile = mobile('jobchange', p.id, 'mobile');
      p.after = { ...p.before, job };
    } else if (roll < 0.25) {
      p.event = 'move';
      const home = newHome('move', p.id, 'home');
      p.after = {
        ...p.before,
        home: { ...home, landline: p.before.home.landline !== null || chance(0.2, 'move', p.id, 'new-landline') ? landline(home.area.prefCode, 'move', p.id, 'landline') : null },
        mobile: chance(0.85, 'move', p.id, 'keep-mobile') ? p.before.mobile : mobile('move', p.id, 'mobile'),
        email: chance(0.85, 'move', p.id, 'keep-email') ? p.before.email : personalEmail(p.before.family, p.given, p.birth, 'move', p.id, 'email'),
      };
    }
  }
  return { people, negatives };
}

// ------------------------------------------------------------------ text habits

const toFullWidth = (s: string): string => s.replace(/[!-~]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /gu, '\u3000');
const HALF_KANA: Record<string, string> = Object.fromEntries(
  [...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー'].map((c, i) => [c, [...'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ'][i]!]),
);
/** Half-width katakana, voiced marks as separate characters (ガ → ｶﾞ). */
function toHalfKana(s: string): string {
  return [...s.normalize('NFD')].map((c) => (c === '\u3099' ? 'ﾞ' : c === '\u309a' ? 'ﾟ' : HALF_KANA[c] ?? c)).join('');
}
const KANJI_NUM = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const kanjiNumber = (n: number): string => (n <= 10 ? KANJI_NUM[n]! : n < 20 ? `十${KANJI_NUM[n - 10]}` : `${KANJI_NUM[Math.floor(n / 10)]}十${n % 10 ? KANJI_NUM[n % 10] : ''}`);

/** Variant kanji as people type them on forms (旧字体 / 異体字). */
const VARIANTS: Array<[string, string]> = [['高', '髙'], ['崎', '﨑'], ['辺', '邊'], ['沢', '澤'], ['斉', '齊'], ['浜', '濱'], ['桜', '櫻'], ['島', '嶋'], ['広', '廣'], ['竜', '龍'], ['恵', '惠'], ['真', '眞']];
function variantKanji(s: string): string {
  for (const [a, b] of VARIANTS) if (s.includes(a)) return s.replace(a, b);
  return s;
}
/** OCR confusions of a business-card scanner. */
const OCR: Array<[RegExp, string]> = [[/末/u, '未'], [/土/u, '士'], [/人/u, '入'], [/日/u, '曰'], [/力/u, 'カ'], [/口/u, 'ロ'], [/二/u, 'ニ'], [/夕/u, 'タ'], [/工/u, 'エ'], [/八/u, 'ハ']];
const OCR_LATIN: Array<[RegExp, string]> = [[/l/u, '1'], [/o/u, '0'], [/m/u, 'rn'], [/i/u, 'l'], [/s/u, '5']];
function ocr(s: string, table: Array<[RegExp, string]>, ...tags: Array<string | number>): string {
  const hits = table.filter(([re]) => re.test(s));
  if (hits.length === 0) return s;
  const [re, to] = pick(hits, ...tags);
  return s.replace(re, to);
}
/** A misheard / mistyped kana: a voiced mark added or dropped, or a long vowel written out. */
function kanaTypo(s: string, ...tags: Array<string | number>): string {
  const chars = [...s];
  const i = int(0, chars.length - 1, ...tags, 'pos');
  const c = chars[i]!;
  const nfd = c.normalize('NFD');
  if (nfd.length > 1) chars[i] = nfd[0]!;
  else {
    const voiced = `${c}\u3099`.normalize('NFC');
    if (voiced !== `${c}\u3099`) chars[i] = voiced;
    else if (c === 'ウ' || c === 'オ') chars[i] = 'ー';
    else chars[i] = c === 'ツ' ? 'ッ' : c === 'ヨ' ? 'ョ' : c;
  }
  return chars.join('');
}
/** A homophone kanji for a given name heard on the phone: another writing of the same reading. */
function homophone(given: GivenName, ...tags: Array<string | number>): string {
  const entry = GIVEN[given.gender].find((g) => g.kana === given.kana);
  const others = entry?.kanji.filter((k) => k !== given.kanji) ?? [];
  return others.length > 0 ? pick(others, ...tags) : given.kanji;
}

function phoneFormat(phone: string, style: 'hyphen' | 'digits' | 'paren' | 'space' | 'dot' | 'intl' | 'full'): string {
  const digits = phone.replace(/-/gu, '');
  const [a, b, c] = phone.split('-');
  switch (style) {
    case 'hyphen': return phone;
    case 'digits': return digits;
    case 'paren': return `${a}(${b})${c}`;
    case 'space': return `${a} ${b} ${c}`;
    case 'dot': return `${a}.${b}.${c}`;
    case 'intl': return `+81-${a!.slice(1)}-${b}-${c}`;
    case 'full': return toFullWidth(phone);
  }
}
function phoneDigitTypo(phone: string, ...tags: Array<string | number>): string {
  const chars = [...phone];
  const positions = chars.map((c, i) => (/\d/u.test(c) && i > 3 ? i : -1)).filter((i) => i >= 0);
  const i = pick(positions, ...tags, 'pos');
  chars[i] = String((Number(chars[i]) + int(1, 9, ...tags, 'd')) % 10);
  return chars.join('');
}
function emailTypo(email: string, ...tags: Array<string | number>): string {
  const at = email.indexOf('@');
  const local = [...email.slice(0, at)];
  if (local.length < 3) return email;
  const i = int(0, local.length - 2, ...tags, 'pos');
  if (chance(0.5, ...tags, 'kind')) [local[i], local[i + 1]] = [local[i + 1]!, local[i]!];
  else local.splice(i, 1);
  return `${local.join('')}${email.slice(at)}`;
}

function streetNumber(h: Pick<Home, 'chome' | 'banchi' | 'go'>, style: 'hyphen' | 'kanji' | 'banchi' | 'full', fullWidth: boolean): string {
  const { chome, banchi, go } = h;
  let s: string;
  if (style === 'hyphen') s = chome ? `${chome}-${banchi}-${go}` : `${banchi}-${go}`;
  else if (style === 'kanji') s = chome ? `${kanjiNumber(chome)}丁目${kanjiNumber(banchi)}番${kanjiNumber(go)}号` : `${kanjiNumber(banchi)}番地${kanjiNumber(go)}`;
  else if (style === 'banchi') s = chome ? `${chome}丁目${banchi}番${go}号` : `${banchi}番地の${go}`;
  else s = chome ? `${chome}丁目${banchi}-${go}` : `${banchi}-${go}`;
  return fullWidth ? toFullWidth(s) : s;
}

const companyWriting = (c: Company, style: number): string =>
  style === 0 ? c.name : style === 1 ? (c.suffix ? `${c.core}(株)` : `(株)${c.core}`) : style === 2 ? (c.suffix ? `${c.core}㈱` : `㈱${c.core}`) : c.core;

// ------------------------------------------------------------------ sources

type Row = Record<string, string>;
interface SourceSpec {
  name: string;
  label: string;
  encoding: 'utf-8' | 'cp932';
  bom: boolean;
  eol: '\r\n' | '\n';
  quoteAll: boolean;
  columns: string[];
  idColumn: string;
  fields: Record<string, string | string[]>;
  /** Chance that a person appears here (by whether they are employed), and a second record of theirs. */
  reach: { employed: number; private: number; again: number };
  /** Sources that show a company (job-change records must come from these). */
  business: boolean;
  row: (p: Person, s: State, tag: string, id: string) => Row;
}

const nameJoin = (f: string, g: string, style: number): string => (style === 0 ? `${f} ${g}` : style === 1 ? `${f}\u3000${g}` : `${f}${g}`);

const SOURCES: SourceSpec[] = [
  {
    name: 'crm_kokyaku',
    label: '顧客管理CRM (UTF-8 with BOM, split name and address columns)',
    encoding: 'utf-8', bom: true, eol: '\r\n', quoteAll: false,
    columns: ['顧客ID', '姓', '名', '姓（カナ）', '名（カナ）', '生年月日', '性別', '郵便番号', '都道府県', '市区町村', '町名番地', '建物名', '電話番号', '電話番号2', 'Eメール', '勤務先', '登録日'],
    idColumn: '顧客ID',
    fields: { family_name: '姓', given_name: '名', family_name_kana: '姓（カナ）', given_name_kana: '名（カナ）', birth_date: '生年月日', gender: '性別', postal_code: '郵便番号', prefecture: '都道府県', address: ['市区町村', '町名番地', '建物名'], phone: '電話番号', email: 'Eメール', company_name: '勤務先' },
    reach: { employed: 0.45, private: 0.6, again: 0.04 },
    business: false,
    row: (p, s, tag) => {
      const swap = chance(0.015, tag, 'swap');
      const family = chance(0.04, tag, 'itaiji') ? variantKanji(s.family.kanji) : s.family.kanji;
      const primary = s.mobile !== null && (s.home.landline === null || chance(0.6, tag, 'mobile-first')) ? s.mobile : s.home.landline;
      const secondary = primary === s.mobile ? s.home.landline : s.mobile;
      const b = p.birth.split('-');
      return {
        姓: swap ? p.given.kanji : family,
        名: swap ? family : p.given.kanji,
        '姓（カナ）': chance(0.12, tag, 'no-kana') ? '' : swap ? p.given.kana : s.family.kana,
        '名（カナ）': chance(0.12, tag, 'no-kana') ? '' : swap ? s.family.kana : chance(0.02, tag, 'kana-typo') ? kanaTypo(p.given.kana, tag) : p.given.kana,
        生年月日: chance(0.22, tag, 'no-birth') ? '' : chance(0.5, tag, 'birth-slash') ? `${b[0]}/${Number(b[1])}/${Number(b[2])}` : p.birth,
        性別: chance(0.3, tag, 'no-gender') ? '' : p.gender === 'f' ? '女' : '男',
        郵便番号: chance(0.08, tag, 'no-postal') ? '' : `${s.home.area.postal.slice(0, 3)}-${s.home.area.postal.slice(3)}`,
        都道府県: s.home.area.pref,
        市区町村: s.home.area.city,
        町名番地: `${s.home.area.town}${streetNumber(s.home, chance(0.5, tag, 'addr-style') ? 'hyphen' : 'banchi', false)}`,
        建物名: s.home.building !== null && !chance(0.3, tag, 'no-building') ? s.home.building : '',
        電話番号: primary === null || chance(0.05, tag, 'no-phone') ? '' : phoneFormat(chance(0.015, tag, 'phone-typo') ? phoneDigitTypo(primary, tag) : primary, chance(0.8, tag, 'pf') ? 'hyphen' : 'digits'),
        電話番号2: secondary === null || chance(0.5, tag, 'no-phone2') ? '' : secondary,
        Eメール: s.email === null || chance(0.15, tag, 'no-email') ? '' : chance(0.015, tag, 'email-typo') ? emailTypo(s.email, tag) : s.email,
        勤務先: s.job !== null && chance(0.4, tag, 'employer') ? companyWriting(s.job.company, int(0, 3, tag, 'cw')) : '',
        登録日: `20${int(15, 24, tag, 'ry')}-${String(int(1, 12, tag, 'rm')).padStart(2, '0')}-${String(int(1, 28, tag, 'rd')).padStart(2, '0')}`,
      };
    },
  },
  {
    name: 'web_members',
    label: 'Webショップ会員DB (UTF-8, LF, everything quoted, English headers)',
    encoding: 'utf-8', bom: false, eol: '\n', quoteAll: true,
    columns: ['member_no', 'name', 'name_kana', 'email', 'tel', 'zip', 'pref', 'addr1', 'addr2', 'birthday', 'sex', 'mail_magazine', 'created_at'],
    idColumn: 'member_no',
    fields: { full_name: 'name', full_name_kana: 'name_kana', email: 'email', phone: 'tel', postal_code: 'zip', prefecture: 'pref', address: ['addr1', 'addr2'], birth_date: 'birthday', gender: 'sex' },
    reach: { employed: 0.5, private: 0.65, again: 0.06 },
    business: false,
    row: (p, s, tag) => {
      const style = int(0, 9, tag, 'name-style');
      const kana = chance(0.03, tag, 'kana-typo') ? kanaTypo(p.given.kana, tag) : p.given.kana;
      const kanaFull = nameJoin(s.family.kana, kana, style < 6 ? 0 : 2);
      const phone = s.mobile ?? s.home.landline;
      const fullWidthNumbers = chance(0.12, tag, 'fw');
      const b = p.birth.replace(/-/gu, '');
      return {
        name: nameJoin(s.family.kanji, p.given.kanji, style < 5 ? 0 : style < 9 ? 2 : 1),
        name_kana: chance(0.07, tag, 'no-kana') ? '' : chance(0.3, tag, 'hiragana') ? toHiragana(kanaFull) : kanaFull,
        email: s.email === null ? '' : chance(0.06, tag, 'email-upper') ? s.email.toUpperCase() : chance(0.02, tag, 'email-typo') ? emailTypo(s.email, tag) : s.email,
        tel: phone === null || chance(0.1, tag, 'no-phone') ? '' : phoneFormat(phone, fullWidthNumbers ? 'full' : chance(0.6, tag, 'pd') ? 'digits' : chance(0.2, tag, 'intl') ? 'intl' : 'hyphen'),
        zip: chance(0.6, tag, 'zip-plain') ? s.home.area.postal : `${s.home.area.postal.slice(0, 3)}-${s.home.area.postal.slice(3)}`,
        pref: chance(0.1, tag, 'no-pref') ? '' : s.home.area.pref,
        addr1: `${s.home.area.city}${s.home.area.town}`,
        addr2: `${streetNumber(s.home, chance(0.7, tag, 'addr-style') ? 'hyphen' : 'full', fullWidthNumbers)}${s.home.building && !chance(0.4, tag, 'no-bld') ? ` ${s.home.building}` : ''}`,
        birthday: chance(0.35, tag, 'no-birth') ? '' : chance(0.5, tag, 'bd') ? b : chance(0.6, tag, 'bd2') ? `${Number(b.slice(0, 4))}年${Number(b.slice(4, 6))}月${Number(b.slice(6))}日` : `${b.slice(0, 4)}.${b.slice(4, 6)}.${b.slice(6)}`,
        sex: chance(0.2, tag, 'no-sex') ? '' : p.gender === 'f' ? 'F' : 'M',
        mail_magazine: chance(0.6, tag, 'mm') ? '1' : '0',
        created_at: `20${int(12, 24, tag, 'cy')}-${String(int(1, 12, tag, 'cm')).padStart(2, '0')}-${String(int(1, 28, tag, 'cd')).padStart(2, '0')} ${String(int(0, 23, tag, 'ch')).padStart(2, '0')}:${String(int(0, 59, tag, 'cmin')).padStart(2, '0')}:00`,
      };
    },
  },
  {
    name: 'expo_leads',
    label: '展示会リード (badge scanner list, CP932, CRLF; company contact, ふりがな in hiragana)',
    encoding: 'cp932', bom: false, eol: '\r\n', quoteAll: false,
    columns: ['来場者番号', '会社名', '部署', '役職', '氏名', 'ふりがな', '郵便番号', '会社住所', '会社電話', '携帯', 'E-mail', '来場日', '興味のある製品'],
    idColumn: '来場者番号',
    fields: { company_name: '会社名', department: '部署', title: '役職', full_name: '氏名', full_name_kana: 'ふりがな', postal_code: '郵便番号', address: '会社住所', company_phone: '会社電話', phone: '携帯', email: 'E-mail' },
    reach: { employed: 0.5, private: 0, again: 0.08 },
    business: true,
    row: (p, s, tag) => {
      const job = s.job!;
      const romaji = chance(0.02, tag, 'romaji');
      const cap = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1);
      return {
        会社名: companyWriting(job.company, chance(0.6, tag, 'cw0') ? 0 : int(1, 3, tag, 'cw')),
        部署: chance(0.2, tag, 'no-dept') ? '' : job.department,
        役職: job.title ?? '',
        氏名: romaji ? `${cap(p.given.romaji)} ${cap(s.family.romaji)}` : nameJoin(s.family.kanji, p.given.kanji, chance(0.7, tag, 'ns') ? 1 : 2),
        ふりがな: romaji || chance(0.45, tag, 'no-kana') ? '' : toHiragana(nameJoin(s.family.kana, p.given.kana, 0)),
        郵便番号: chance(0.3, tag, 'no-postal') ? '' : `${job.company.area.postal.slice(0, 3)}-${job.company.area.postal.slice(3)}`,
        会社住所: `${job.company.area.pref}${job.company.area.city}${job.company.area.town}${job.company.street}`,
        会社電話: phoneFormat(job.direct ?? job.company.mainPhone, chance(0.7, tag, 'ph') ? 'hyphen' : 'space'),
        携帯: s.mobile === null || chance(0.55, tag, 'no-mobile') ? '' : phoneFormat(s.mobile, chance(0.7, tag, 'mf') ? 'hyphen' : 'space'),
        'E-mail': chance(0.1, tag, 'personal-email') && s.email !== null ? s.email : chance(0.05, tag, 'no-email') ? '' : job.email,
        来場日: `2024/${int(1, 12, tag, 'vm')}/${int(1, 28, tag, 'vd')}`,
        興味のある製品: pick(['クラウド会計', '勤怠管理', 'MA', '名刺管理', 'EC構築'], tag, 'interest'),
      };
    },
  },
  {
    name: 'callcenter',
    label: 'コールセンター受付ログ (CP932; names as heard, often katakana; caller number; 和暦 birth dates)',
    encoding: 'cp932', bom: false, eol: '\r\n', quoteAll: false,
    columns: ['受付No', '受付日時', 'お客様名', '電話番号', '生年月日', 'ご住所', '用件区分', '対応者'],
    idColumn: '受付No',
    fields: { full_name: 'お客様名', phone: '電話番号', birth_date: '生年月日', address: 'ご住所' },
    reach: { employed: 0.2, private: 0.4, again: 0.1 },
    business: false,
    row: (p, s, tag) => {
      const kanaName = chance(0.5, tag, 'kana-name');
      const given = kanaName ? p.given.kana : chance(0.1, tag, 'homophone') ? homophone(p.given, tag) : p.given.kanji;
      const family = kanaName ? s.family.kana : s.family.kanji;
      let name = nameJoin(family, given, chance(0.5, tag, 'ns') ? 0 : 2);
      if (kanaName && chance(0.5, tag, 'half')) name = toHalfKana(name);
      const caller = chance(0.75, tag, 'caller-mobile') ? s.mobile ?? s.home.landline : s.home.landline ?? s.mobile;
      const [y, m, d] = p.birth.split('-').map(Number) as [number, number, number];
      const era = y >= 1989 && !(y === 1989 && m === 1 && d < 8) ? ['平成', 'H', y - 1988] as const : ['昭和', 'S', y - 1925] as const;
      const roll = u(tag, 'birth-form');
      const birth = chance(0.45, tag, 'no-birth') ? '' : roll < 0.5 ? `${era[0]}${era[2]}年${m}月${d}日` : roll < 0.8 ? `${era[1]}${era[2]}.${m}.${d}` : `${era[1]}${String(era[2]).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`;
      const partial = chance(0.3, tag, 'partial-address');
      return {
        受付日時: `2024/${int(1, 12, tag, 'm')}/${int(1, 28, tag, 'd')} ${int(9, 19, tag, 'h')}:${String(int(0, 59, tag, 'min')).padStart(2, '0')}`,
        お客様名: name,
        電話番号: caller === null || chance(0.05, tag, 'withheld') ? '' : phoneFormat(caller, 'digits'),
        生年月日: birth,
        ご住所: chance(0.15, tag, 'no-address') ? '' : `${chance(0.5, tag, 'pref') ? s.home.area.pref : ''}${s.home.area.city}${s.home.area.town}${partial ? '' : streetNumber(s.home, chance(0.3, tag, 'kanji') ? 'kanji' : 'banchi', false)}`,
        用件区分: pick(['問合せ', '注文', '解約', '住所変更', 'クレーム', '資料請求'], tag, 'topic'),
        対応者: pick(['佐々木', '中西', '大野', '古川', '吉村'], tag, 'agent'),
      };
    },
  },
  {
    name: 'meishi_scan',
    label: '名刺スキャンアプリ (UTF-8 with BOM; OCR errors; 携帯 and company TEL in separate columns)',
    encoding: 'utf-8', bom: true, eol: '\r\n', quoteAll: false,
    columns: ['カードID', '会社名', '部署名', '役職', '姓', '名', 'セイ', 'メイ', '郵便番号', '住所', 'TEL', 'FAX', '携帯電話', 'E-mail', '交換日', '登録者'],
    idColumn: 'カードID',
    fields: { company_name: '会社名', department: '部署名', title: '役職', family_name: '姓', given_name: '名', family_name_kana: 'セイ', given_name_kana: 'メイ', postal_code: '郵便番号', address: '住所', company_phone: 'TEL', phone: '携帯電話', email: 'E-mail' },
    reach: { employed: 0.55, private: 0, again: 0.12 },
    business: true,
    row: (p, s, tag) => {
      const job = s.job!;
      const hasKana = chance(0.35, tag, 'kana');
      const tel = job.direct ?? job.company.mainPhone;
      return {
        会社名: chance(0.03, tag, 'ocr-company') ? ocr(companyWriting(job.company, 0), OCR, tag, 'oc') : companyWriting(job.company, chance(0.8, tag, 'cw0') ? 0 : 1),
        部署名: chance(0.1, tag, 'no-dept') ? '' : job.department,
        役職: job.title ?? '',
        姓: chance(0.03, tag, 'ocr-family') ? ocr(s.family.kanji, OCR, tag, 'of') : s.family.kanji,
        名: chance(0.03, tag, 'ocr-given') ? ocr(p.given.kanji, OCR, tag, 'og') : p.given.kanji,
        セイ: hasKana ? s.family.kana : '',
        メイ: hasKana ? p.given.kana : '',
        郵便番号: `〒${job.company.area.postal.slice(0, 3)}-${job.company.area.postal.slice(3)}`,
        住所: `${job.company.area.pref}${job.company.area.city}${job.company.area.town}${job.company.street}`,
        TEL: phoneFormat(chance(0.02, tag, 'ocr-tel') ? phoneDigitTypo(tel, tag) : tel, chance(0.2, tag, 'dot') ? 'dot' : 'hyphen'),
        FAX: chance(0.5, tag, 'fax') ? job.company.mainPhone.replace(/\d$/u, (x) => String((Number(x) + 1) % 10)) : '',
        携帯電話: s.mobile === null || chance(0.5, tag, 'no-mobile') ? '' : phoneFormat(chance(0.02, tag, 'ocr-mobile') ? phoneDigitTypo(s.mobile, tag) : s.mobile, chance(0.2, tag, 'dot') ? 'dot' : 'hyphen'),
        'E-mail': chance(0.04, tag, 'ocr-email') ? ocr(job.email, OCR_LATIN, tag, 'oe') : job.email,
        交換日: `${int(2019, 2025, tag, 'y')}/${String(int(1, 12, tag, 'em')).padStart(2, '0')}/${String(int(1, 28, tag, 'ed')).padStart(2, '0')}`,
        登録者: pick(['営業1課 田村', '営業2課 西田', 'CS 松尾', '役員室'], tag, 'owner'),
      };
    },
  },
];

// ------------------------------------------------------------------ records

interface OutRecord { source: string; externalId: string; person: Person; phase: 'before' | 'after' | null; row: Row }

function csvCell(v: string, quoteAll: boolean): string {
  return quoteAll || /[",\r\n]/u.test(v) ? `"${v.replace(/"/gu, '""')}"` : v;
}

function recordsFor(people: Person[]): OutRecord[] {
  const out: OutRecord[] = [];
  const counters = new Map<string, number>();
  const nextId = (spec: SourceSpec): string => {
    const n = (counters.get(spec.name) ?? 0) + 1;
    counters.set(spec.name, n);
    switch (spec.name) {
      case 'crm_kokyaku': return `C${String(n).padStart(7, '0')}`;
      case 'web_members': return String(100000 + n * 7);
      case 'expo_leads': return `EX24-${String(n).padStart(5, '0')}`;
      case 'callcenter': return `${20240000 + n}`;
      default: return `MS${String(n).padStart(6, '0')}`;
    }
  };
  // First which sources a person is in and in which phase, then the rows, source by source (file order = id order).
  const plan = new Map<string, Array<{ person: Person; phase: 'before' | 'after' | null; state: 'before' | 'after' }>>(SOURCES.map((s) => [s.name, []]));
  for (const p of people) {
    const entries: Array<{ spec: SourceSpec; phase: 'before' | 'after' | null; state?: 'before' | 'after' }> = [];
    for (const spec of SOURCES) {
      const employedAny = p.before.job !== null || p.after?.job != null;
      const reach = employedAny ? spec.reach.employed : spec.reach.private;
      if (!chance(reach, 'in', spec.name, p.id)) continue;
      const copies = chance(spec.reach.again, 'again', spec.name, p.id) ? 2 : 1;
      for (let c = 0; c < copies; c++) entries.push({ spec, phase: null });
    }
    if (p.event !== null) {
      // A life event shows only in sources that carry what changed (a company for a job change).
      const fits = (spec: SourceSpec): boolean => (p.event === 'job_change' ? spec.business : p.event === 'move' ? !spec.business : spec.business ? p.before.job !== null : true);
      let fitting = entries.filter((e) => fits(e.spec));
      const candidates = SOURCES.filter(fits);
      for (let t = 0; fitting.length < 2 && t < 6; t++) {
        entries.push({ spec: pick(candidates, 'event-source', p.id, t), phase: null });
        fitting = entries.filter((e) => fits(e.spec));
      }
      fitting.forEach((e, i) => (e.phase = i === 0 ? 'before' : i === 1 ? 'after' : chance(0.5, 'phase', p.id, i) ? 'after' : 'before'));
      // Records in sources that do not show what changed (a job changer's web account) are from either time, but are
      // not life-event records: only pairs that carry the change are scored as one.
      for (const e of entries) if (e.phase === null) e.state = chance(0.5, 'phase-other', p.id, e.spec.name) ? 'after' : 'before';
    } else if (entries.length === 0) {
      // Everyone is somewhere: a private person in a B2C source, an employee on a card.
      const candidates = SOURCES.filter((s) => (p.before.job !== null ? true : !s.business));
      entries.push({ spec: pick(candidates, 'fallback', p.id), phase: null });
    }
    for (const e of entries) plan.get(e.spec.name)!.push({ person: p, phase: e.phase, state: e.state ?? e.phase ?? 'before' });
  }
  for (const spec of SOURCES) {
    const list = plan.get(spec.name)!;
    // Rows in an order of their own (not by person id).
    const order = list.map((x, i) => ({ x, key: u('order', spec.name, x.person.id, i) })).sort((a, b) => a.key - b.key);
    order.forEach(({ x }, i) => {
      const state = x.state === 'after' ? x.person.after! : x.person.before;
      if (spec.business && state.job === null) return; // no card without an employer
      const externalId = nextId(spec);
      const row = spec.row(x.person, state, `${spec.name}\u0002${x.person.id}\u0002${i}`, externalId);
      row[spec.idColumn] = externalId;
      out.push({ source: spec.name, externalId, person: x.person, phase: x.person.event ? x.phase : null, row });
    });
  }
  return out;
}

// ------------------------------------------------------------------ write

export interface GenerateOptions { out: string; people: number; seed: string }
export interface Generated { records: number; files: Array<{ csv: string; mapping: string }> }

export function generate(options: GenerateOptions): Generated {
  SEED = options.seed;
  companies.length = 0;
  issuedMailboxes.clear();
  const { people, negatives } = makePeople(options.people);
  const records = recordsFor(people);
  fs.mkdirSync(options.out, { recursive: true });
  const files: Generated['files'] = [];
  for (const spec of SOURCES) {
    const rows = records.filter((r) => r.source === spec.name);
    const lines = [spec.columns.map((c) => csvCell(c, spec.quoteAll)).join(','), ...rows.map((r) => spec.columns.map((c) => csvCell(r.row[c] ?? '', spec.quoteAll)).join(','))];
    const text = `${spec.bom ? '\uFEFF' : ''}${lines.join(spec.eol)}${spec.eol}`;
    const csv = path.join(options.out, `${spec.name}.csv`);
    fs.writeFileSync(csv, spec.encoding === 'cp932' ? iconv.encode(text, 'cp932') : text);
    const mapping = path.join(options.out, `${spec.name}.mapping.json`);
    fs.writeFileSync(mapping, `${JSON.stringify({ source: spec.name, id_column: spec.idColumn, encoding: spec.encoding, fields: spec.fields }, null, 2)}\n`);
    files.push({ csv, mapping });
  }
  const present = new Set(records.map((r) => r.person.id));
  fs.writeFileSync(path.join(options.out, 'truth.csv'), ['source,external_id,entity_id', ...records.map((r) => `${r.source},${r.externalId},${r.person.id}`)].join('\n') + '\n');
  fs.writeFileSync(path.join(options.out, 'negatives.csv'), ['entity_a,entity_b,type', ...negatives.filter((n) => present.has(n.a) && present.has(n.b)).map((n) => `${n.a},${n.b},${n.type}`)].join('\n') + '\n');
  fs.writeFileSync(path.join(options.out, 'life_events.csv'), ['source,external_id,entity_id,event,phase', ...records.filter((r) => r.phase !== null).map((r) => `${r.source},${r.externalId},${r.person.id},${r.person.event},${r.phase}`)].join('\n') + '\n');
  fs.writeFileSync(path.join(options.out, 'summary.json'), `${JSON.stringify(summarise(people, negatives, records, options), null, 1)}\n`);
  return { records: records.length, files };
}

/** Counts, and for each life event how many before×after pairs share a personal identifier in the exported rows. */
function summarise(people: Person[], negatives: Negative[], records: OutRecord[], options: GenerateOptions) {
  const bySource: Record<string, number> = {};
  for (const r of records) bySource[r.source] = (bySource[r.source] ?? 0) + 1;
  const events: Record<string, { people: number; withBothPhases: number; keptMobile?: number; keptEmail?: number; keptNeither?: number }> = {};
  const byPerson = new Map<string, OutRecord[]>();
  for (const r of records) {
    const list = byPerson.get(r.person.id) ?? [];
    list.push(r);
    byPerson.set(r.person.id, list);
  }
  for (const p of people) {
    if (p.event === null) continue;
    const e = (events[p.event] ??= { people: 0, withBothPhases: 0 });
    e.people++;
    const recs = byPerson.get(p.id) ?? [];
    if (recs.some((r) => r.phase === 'before') && recs.some((r) => r.phase === 'after')) e.withBothPhases++;
    if (p.event === 'married_name') {
      const mobileKept = p.before.mobile !== null && p.after!.mobile === p.before.mobile;
      const emailKept = p.before.email !== null && p.after!.email === p.before.email;
      e.keptMobile = (e.keptMobile ?? 0) + (mobileKept ? 1 : 0);
      e.keptEmail = (e.keptEmail ?? 0) + (emailKept ? 1 : 0);
      e.keptNeither = (e.keptNeither ?? 0) + (!mobileKept && !emailKept ? 1 : 0);
    }
  }
  const negativeCounts: Record<string, number> = {};
  const present = new Set(records.map((r) => r.person.id));
  for (const n of negatives) if (present.has(n.a) && present.has(n.b)) negativeCounts[n.type] = (negativeCounts[n.type] ?? 0) + 1;
  return {
    generator: 'bench/identity-gen/generate.ts',
    seed: options.seed,
    people: people.length,
    records: records.length,
    records_by_source: bySource,
    sources: SOURCES.map((s) => ({ name: s.name, label: s.label, encoding: s.encoding, bom: s.bom, line_ending: s.eol === '\r\n' ? 'CRLF' : 'LF' })),
    roles: people.reduce<Record<string, number>>((acc, p) => ((acc[p.role] = (acc[p.role] ?? 0) + 1), acc), {}),
    life_events: events,
    negative_pairs: negativeCounts,
    name_lists: { family: 'ja/gimei/gimei_last_names.csv', given: 'ja/jpnames/first_name_{man,woman}_org.csv', addresses: 'ja/jpostcode/areas.csv', employers: 'ja/jpostcode/offices.csv' },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, people: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' } } });
  if (!values.out) {
    console.error('usage: npx tsx bench/identity-gen/generate.ts --out DIR [--people 3000] [--seed 1]');
    process.exit(2);
  }
  const started = performance.now();
  const g = generate({ out: values.out, people: Number(values.people), seed: values.seed });
  console.log(`${g.records} records of ${values.people} people in ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
