/**
 * A generated department export for the import benchmark: Japanese people (surnames weighted by their real
 * population, given names with their readings and kanji, addresses from Japan Post's postal-code list, phones,
 * e-mails, companies), written as a CP932 CSV with CRLF like Excel on Japanese Windows saves it, plus the import
 * profile that maps it. A share of the rows (20% by default) are the same person again, written differently:
 * full-width digits and spaces, the reading in hiragana or half-width katakana, a variant kanji (髙橋, 﨑, 邊),
 * another phone or postal-code format, the address with or without prefecture and as 丁目番号 or 1-2-3, a missing
 * or changed field. A few people share a household (family name, address, landline) without being the same person.
 * Deterministic for a given seed.
 *
 * Data: ../shared/data/ja/jpnames (MIT, shuheilocale/japanese-personal-name-dataset) and ../shared/data/ja/jpostcode
 * (MIT, kufu/jpostcode-data, from Japan Post's KEN_ALL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { VARIANT_KANJI } from '../../src/domain/normalize/text.ts';

export const JA_DATA = process.env.DAICHO_JA_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data/ja');

/** The columns of the generated file, in order. */
export const COLUMNS = ['顧客ID', '氏名', 'フリガナ', '性別', '生年月日', '郵便番号', '住所', '電話番号', 'メールアドレス', '会社名', '部署', '役職', '会員ランク'] as const;

/** The import profile of the generated file (会員ランク stays unmapped: a custom attribute). */
export const PROFILE = {
  source: 'bench_members',
  label: 'ベンチマーク会員',
  id_column: '顧客ID',
  encoding: 'cp932',
  fields: {
    full_name: '氏名', full_name_kana: 'フリガナ', gender: '性別', birth_date: '生年月日', postal_code: '郵便番号', address: '住所',
    phone: '電話番号', email: 'メールアドレス', company_name: '会社名', department: '部署', title: '役職',
  },
};

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Surname { kanji: string; kana: string; romaji: string }
interface GivenName { kanji: string; kana: string; romaji: string; gender: 'm' | 'f' }
interface Area { postal: string; prefecture: string; city: string; town: string }

interface Person {
  family: Surname;
  given: GivenName;
  birth: string | null;
  area: Area;
  block: [number, number, number];
  building: string | null;
  phone: string; // national digits, e.g. 09012345678
  landline: string | null;
  email: string | null;
  company: { name: string; department: string; title: string } | null;
  rank: string;
}

const encodable = (s: string) => iconv.decode(iconv.encode(s, 'cp932'), 'cp932') === s;

function loadSurnames(): { items: Surname[]; weights: number[] } {
  const items: Surname[] = [];
  const weights: number[] = [];
  for (const line of fs.readFileSync(path.join(JA_DATA, 'jpnames/last_name_org.csv'), 'utf8').trim().split(/\r?\n/u)) {
    const [kanji, population, hira, romaji] = line.split(',');
    if (!kanji || !hira || !romaji || !encodable(kanji)) continue;
    items.push({ kanji, kana: toKatakana(hira), romaji });
    weights.push(Math.max(1, Number(population) || 1));
  }
  return { items, weights };
}

/** Given names: each reading with its kanji spellings (the first ones are the usual ones). */
function loadGivenNames(): GivenName[] {
  const out: GivenName[] = [];
  for (const [file, gender] of [['first_name_man_org.csv', 'm'], ['first_name_woman_org.csv', 'f']] as const) {
    for (const line of fs.readFileSync(path.join(JA_DATA, 'jpnames', file), 'utf8').trim().split(/\r?\n/u)) {
      const [hira, romaji, ...kanji] = line.split(',');
      if (!hira || !romaji) continue;
      for (const k of kanji.slice(0, 3)) if (k && encodable(k)) out.push({ kanji: k, kana: toKatakana(hira), romaji, gender });
    }
  }
  return out;
}

function loadAreas(): Area[] {
  const out: Area[] = [];
  const lines = fs.readFileSync(path.join(JA_DATA, 'jpostcode/areas.csv'), 'utf8').trim().split(/\r?\n/u).slice(1);
  for (const line of lines) {
    const [postal, , prefecture, , city, , town] = line.split(',');
    if (!postal || !prefecture || !city || !town || /[（(、～〜「０-９]|以下に掲載がない場合|番地|地割|階/u.test(town) || !encodable(city + town)) continue;
    out.push({ postal, prefecture, city, town });
  }
  return out;
}

/** Cumulative-weight sampler. */
function weighted<T>(items: T[], weights: number[], random: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}
function toHiragana(s: string): string {
  return s.replace(/[\u30a1-\u30f6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}
const HALF_KANA: Record<string, string> = Object.fromEntries(
  [...'ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンー']
    .map((c, i) => [c, 'ｧｱｨｲｩｳｪｴｫｵｶｷｸｹｺｻｼｽｾｿﾀﾁｯﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜｦﾝｰ'[i]!]),
);
const DAKUTEN: Record<string, string> = {
  ガ: 'ｶﾞ', ギ: 'ｷﾞ', グ: 'ｸﾞ', ゲ: 'ｹﾞ', ゴ: 'ｺﾞ', ザ: 'ｻﾞ', ジ: 'ｼﾞ', ズ: 'ｽﾞ', ゼ: 'ｾﾞ', ゾ: 'ｿﾞ', ダ: 'ﾀﾞ', ヂ: 'ﾁﾞ', ヅ: 'ﾂﾞ', デ: 'ﾃﾞ', ド: 'ﾄﾞ',
  バ: 'ﾊﾞ', ビ: 'ﾋﾞ', ブ: 'ﾌﾞ', ベ: 'ﾍﾞ', ボ: 'ﾎﾞ', パ: 'ﾊﾟ', ピ: 'ﾋﾟ', プ: 'ﾌﾟ', ペ: 'ﾍﾟ', ポ: 'ﾎﾟ', ヴ: 'ｳﾞ',
};
function toHalfKana(s: string): string {
  return [...s].map((c) => DAKUTEN[c] ?? HALF_KANA[c] ?? (c === '　' ? ' ' : c)).join('');
}
function toFullWidth(s: string): string {
  return s.replace(/[!-~]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /gu, '　');
}

/** Common form → variant forms that CP932 can write (髙, 﨑, 邊, 澤 …). */
const VARIANTS = new Map<string, string[]>();
for (const [variant, common] of Object.entries(VARIANT_KANJI)) {
  if (!encodable(variant)) continue;
  VARIANTS.set(common, [...(VARIANTS.get(common) ?? []), variant]);
}

const COMPANY_CORE = ['東京', '大阪', '日本', '中央', '太平洋', '富士', '桜', '北斗', '青葉', '三和', '大和', '新星', '東海', '関西', '瑞穂', '朝日', '白石', '松風', '明治', 'テクノ', 'サンライズ', 'グローバル', 'ネクスト', 'アクア', 'スマート', 'デジタル', 'ブリッジ', 'ハーモニー'];
const COMPANY_SUFFIX = ['商事', '製作所', '工業', '建設', 'システム', '物産', '電機', '不動産', '食品', '運輸', '薬品', '産業', '技研', '化学', '精機', '印刷', '設計'];
const DEPARTMENTS = ['営業部', '総務部', '経理部', '人事部', '開発部', '企画部', '購買部', '情報システム部', '製造部', 'マーケティング部'];
const TITLES = ['', '', '', '主任', '係長', '課長', '部長', '取締役'];
const FREE_MAIL = ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'outlook.jp', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'nifty.com', 'biglobe.ne.jp'];
const RANKS = ['一般', '一般', '一般', 'シルバー', 'ゴールド', 'プラチナ'];
const BUILDINGS = ['ハイツ', 'コーポ', 'メゾン', 'マンション', 'レジデンス', 'ビル'];

/** Where generated files and the profile are cached between runs ($TMPDIR/daicho-bench-import). */
export const CACHE_DIR = path.join(os.tmpdir(), 'daicho-bench-import');

/**
 * The generated file of `rows` rows (default seed) and the profile as a JSON file, written once and then reused from
 * CACHE_DIR; `people` is how many distinct people the file holds.
 */
export function benchFile(rows: number): { file: string; profileFile: string; people: number } {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `members-${rows}.csv`);
  const meta = `${file}.json`;
  if (!fs.existsSync(file) || !fs.existsSync(meta)) {
    const started = performance.now();
    const generated = writeBenchCsv(file, rows);
    fs.writeFileSync(meta, JSON.stringify(generated));
    console.log(`generated ${rows.toLocaleString()} rows (${(generated.bytes / 2 ** 20).toFixed(0)} MiB CP932) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const profileFile = path.join(CACHE_DIR, 'profile.json');
  const { label: _label, ...profileJson } = PROFILE;
  fs.writeFileSync(profileFile, JSON.stringify(profileJson, null, 2));
  return { file, profileFile, people: (JSON.parse(fs.readFileSync(meta, 'utf8')) as GeneratedFile).people };
}

export interface GeneratedFile { rows: number; people: number; duplicates: number; households: number; bytes: number }

/**
 * Writes `rows` rows to `file` (CP932, CRLF). Row i is a duplicate with probability `duplicateShare` (exactly that
 * share, positions shuffled); a duplicate restates a person from earlier in the file.
 */
export function writeBenchCsv(file: string, rows: number, options: { seed?: number; duplicateShare?: number; truth?: number[] } = {}): GeneratedFile {
  const random = rng(options.seed ?? 20_260_101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const surnames = loadSurnames();
  const pickSurname = weighted(surnames.items, surnames.weights, random);
  const givenNames = loadGivenNames();
  const pickGiven = weighted(givenNames, givenNames.map((_, i) => 1 / (1 + (i % 400))), random);
  const areas = loadAreas();
  const companies = Array.from({ length: Math.max(20, Math.ceil(rows / 25)) }, (_, i) => {
    const core = random() < 0.4 ? pickSurname().kanji : pick(COMPANY_CORE);
    const name = random() < 0.5 ? `株式会社${core}${pick(COMPANY_SUFFIX)}` : `${core}${pick(COMPANY_SUFFIX)}株式会社`;
    return { name: i % 7 === 0 ? name.replace('株式会社', '有限会社') : name, domain: `c${i.toString(36)}.co.jp` };
  });
  const emails = new Set<string>();

  const isDuplicate = new Uint8Array(rows);
  const duplicates = Math.round(rows * (options.duplicateShare ?? 0.2));
  for (let i = 0; i < duplicates; i++) isDuplicate[i] = 1;
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [isDuplicate[i], isDuplicate[j]] = [isDuplicate[j]!, isDuplicate[i]!];
  }
  if (isDuplicate[0]) {
    const k = isDuplicate.indexOf(0);
    isDuplicate[0] = 0;
    isDuplicate[k] = 1;
  }

  const newPerson = (household: Person | null): Person => {
    const family = household?.family ?? pickSurname();
    let given = pickGiven();
    while (household && given.kana === household.given.kana) given = pickGiven();
    const area = household?.area ?? pick(areas);
    const companyPick = random() < 0.5 ? pick(companies) : null;
    let email: string | null = null;
    if (random() < 0.9) {
      const domain = companyPick && random() < 0.6 ? companyPick.domain : pick(FREE_MAIL);
      const r = random();
      let local = r < 0.4 ? `${given.romaji}.${family.romaji}` : r < 0.7 ? `${family.romaji}${given.romaji[0]}` : `${given.romaji}`;
      local += random() < 0.7 ? digits(2 + Math.floor(random() * 3)) : '';
      while (emails.has(`${local}@${domain}`)) local += digits(1);
      email = `${local}@${domain}`;
      emails.add(email);
    }
    const y = 1945 + Math.floor(random() * 60);
    return {
      family,
      given,
      birth: random() < 0.6 ? `${y}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}` : null,
      area,
      block: household?.block ?? [1 + Math.floor(random() * 5), 1 + Math.floor(random() * 30), 1 + Math.floor(random() * 20)],
      building: household?.building ?? (random() < 0.3 ? `${pick(BUILDINGS)}${pickSurname().kanji}${100 + Math.floor(random() * 900)}` : null),
      phone: `0${pick(['90', '80', '70'])}${digits(8)}`,
      landline: household?.landline ?? (random() < 0.3 ? (random() < 0.4 ? `0${pick(['3', '6'])}${digits(8)}` : `0${pick(['11', '22', '45', '52', '75', '78', '82', '92'])}${digits(7)}`) : null),
      email,
      company: companyPick ? { name: companyPick.name, department: pick(DEPARTMENTS), title: pick(TITLES) } : null,
      rank: pick(RANKS),
    };
  };

  // One statement of a person; `vary` rewrites it the way another department would have typed it.
  const render = (id: string, p: Person, vary: boolean): string[] => {
    const change = (share: number) => vary && random() < share;
    let family = p.family.kanji;
    if (change(0.3)) family = [...family].map((c) => (VARIANTS.has(c) ? pick(VARIANTS.get(c)!) : c)).join('');
    const space = change(0.4) ? pick(['　', '', '  ']) : ' ';
    let name = `${family}${space}${p.given.kanji}`;
    if (change(0.08)) name = `${p.family.kana}${space}${p.given.kana}`;
    let kana: string = `${p.family.kana} ${p.given.kana}`;
    if (change(0.3)) kana = toHiragana(kana);
    // eslint-disable-next-line no-dupe-else-if -- change() draws a new random number at each call
    else if (change(0.3)) kana = toHalfKana(kana);
    if (change(0.15)) kana = '';
    const gender = change(0.3) ? '' : p.given.gender === 'm' ? (change(0.5) ? 'M' : '男') : (change(0.5) ? 'F' : '女');
    let birth = p.birth ?? '';
    if (birth && change(0.3)) {
      const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
      birth = y >= 1989 ? `平成${y - 1988}年${m}月${d}日` : y >= 1926 ? `昭和${y - 1925}年${m}月${d}日` : `${y}/${m}/${d}`;
    // eslint-disable-next-line no-dupe-else-if -- change() draws a new random number at each call
    } else if (birth && change(0.3)) birth = birth.replace(/-/gu, '/');
    if (change(0.1)) birth = '';
    let postal = `${p.area.postal.slice(0, 3)}-${p.area.postal.slice(3)}`;
    if (change(0.3)) postal = pick([p.area.postal, `〒${postal}`, toFullWidth(postal)]);
    const [c, b, g] = p.block;
    let street = change(0.4) ? `${c}丁目${b}番${g}号` : `${c}-${b}-${g}`;
    if (change(0.2)) street = toFullWidth(street);
    let address = `${p.area.prefecture}${p.area.city}${p.area.town}${street}`;
    if (change(0.3)) address = `${p.area.city}${p.area.town}${street}`;
    if (p.building) address += `${change(0.3) ? '　' : ' '}${p.building}`;
    const number = p.landline && random() < 0.4 ? p.landline : p.phone;
    const cut = number.length === 11 ? [3, 7] : /^0[36]/u.test(number) ? [2, 6] : [3, 6];
    let phone = `${number.slice(0, cut[0])}-${number.slice(cut[0], cut[1])}-${number.slice(cut[1])}`;
    if (change(0.3)) phone = pick([number, toFullWidth(phone), `(${number.slice(0, cut[0])})${number.slice(cut[0], cut[1])}-${number.slice(cut[1])}`, `+81-${phone.slice(1)}`]);
    if (change(0.1)) phone = `0${pick(['90', '80', '70'])}-${digits(4)}-${digits(4)}`; // a new phone
    let email = p.email ?? '';
    if (email && change(0.2)) email = email.replace(/^./u, (x) => x.toUpperCase());
    if (email && change(0.1)) email = toFullWidth(email);
    if (change(0.1)) email = '';
    const company = p.company && !change(0.2) ? p.company : null;
    let companyName = company?.name ?? '';
    if (companyName && change(0.3)) companyName = companyName.replace('株式会社', '(株)').replace('有限会社', '(有)');
    return [id, name, kana, gender, birth, postal, address, phone, email, companyName, company?.department ?? '', company?.title ?? '', p.rank];
  };

  const fd = fs.openSync(file, 'w');
  const people: Person[] = [];
  let households = 0;
  let bytes = 0;
  let buffer: string[] = [COLUMNS.join(',')];
  const flush = () => {
    const chunk = iconv.encode(buffer.join('\r\n') + '\r\n', 'cp932');
    fs.writeSync(fd, chunk);
    bytes += chunk.length;
    buffer = [];
  };
  try {
    for (let i = 0; i < rows; i++) {
      const id = `C${String(i + 1).padStart(8, '0')}`;
      let fields: string[];
      if (isDuplicate[i]) {
        const k = Math.floor(random() * people.length); // as pick(people)
        options.truth?.push(k);
        fields = render(id, people[k]!, true);
      } else {
        options.truth?.push(people.length);
        const household = people.length > 0 && random() < 0.05 ? pick(people) : null;
        if (household) households++;
        const person = newPerson(household);
        people.push(person);
        fields = render(id, person, false);
      }
      buffer.push(fields.map(csvField).join(','));
      if (buffer.length >= 5000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return { rows, people: people.length, duplicates, households, bytes };
}

function csvField(v: string): string {
  return /[",\r\n]/u.test(v) ? `"${v.replace(/"/gu, '""')}"` : v;
}
