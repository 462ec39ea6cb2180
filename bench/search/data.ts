/**
 * Synthetic but realistic customers for the search benchmark: gimei kanji+kana names with a heavy-tailed
 * surname distribution (佐藤, 鈴木, 高橋… repeat like in reality), companies, e-mails and phones.
 * Deterministic for a given seed.
 */
import fs from 'node:fs';
import path from 'node:path';

export const GIMEI_DIR = process.env.GIMEI_DIR ?? '/work/shared/data/ja/gimei';

export interface NameEntry { kanji: string; hira: string; kata: string; romaji: string }

export interface BenchCustomer {
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  displayName: string;
  companyIndex: number | null;
  email: string | null;
  /** E.164, as the customers service stores it. */
  phone: string | null;
  /** Romaji of the family name (lower case), for latin queries. */
  familyRomaji: string;
}

export interface BenchCompany { name: string; domain: string }

/** mulberry32: small, fast, good enough for test data. */
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

function readCsv(file: string): string[][] {
  return fs.readFileSync(path.join(GIMEI_DIR, file), 'utf8').trim().split(/\r?\n/u).slice(1).map((l) => l.split(','));
}

/** A sampler over items with weight 1 / (rank + offset): a Zipf-like long tail. */
function zipf<T>(items: T[], offset: number, random: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  items.forEach((_, i) => { total += 1 / (i + offset); cumulative.push(total); });
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

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export function loadNames(): { last: NameEntry[]; male: NameEntry[]; female: NameEntry[] } {
  const toEntry = (r: string[]): NameEntry => ({ kanji: r[0]!, hira: r[1]!, kata: r[2]!, romaji: r[3]!.toLowerCase() });
  const last = uniqueBy(readCsv('gimei_last_names.csv').map(toEntry), (e) => e.kanji);
  const first = readCsv('gimei_first_names.csv');
  const male = first.filter((r) => r[0] === 'male').map((r) => toEntry(r.slice(1)));
  const female = first.filter((r) => r[0] === 'female').map((r) => toEntry(r.slice(1)));
  return { last, male, female };
}

const COMPANY_WORDS_KANJI = ['山田', '東京', '大阪', '日本', '中央', '太平洋', '富士', '桜', '北斗', '青葉', '三和', '大和', '光', '新星', '東海', '関西', '北海', '瑞穂', '朝日', '白石', '松風', '菱和', '丸紅', '明治', '昭和'];
const COMPANY_WORDS_KATA = ['テクノ', 'サンライズ', 'グローバル', 'ネクスト', 'フューチャー', 'アクア', 'ライフ', 'スマート', 'クリエイト', 'ソリューションズ', 'メディカル', 'フード', 'ロジテック', 'エナジー', 'デジタル', 'パートナーズ', 'ブリッジ', 'リンク', 'ハーモニー', 'プラス'];
const COMPANY_SUFFIX = ['商事', '製作所', '工業', '建設', 'システム', 'ホールディングス', '物産', '電機', '不動産', '食品', '運輸', '薬品', '興業', '産業', '技研', '化学', '精機', '印刷', '設計', 'コンサルティング'];
const DOMAIN_WORDS = ['tech', 'sun', 'global', 'next', 'future', 'aqua', 'life', 'smart', 'create', 'sol', 'med', 'food', 'logi', 'energy', 'digital', 'partners', 'bridge', 'link', 'harmony', 'plus'];
const FREE_MAIL = ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'outlook.jp', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'nifty.com'];

export function generateCompanies(count: number, last: NameEntry[], random: () => number): BenchCompany[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out: BenchCompany[] = [];
  const used = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    const kind = random();
    const family = pick(last);
    const core = kind < 0.4 ? family.kanji : kind < 0.7 ? pick(COMPANY_WORDS_KANJI) : pick(COMPANY_WORDS_KATA) + pick(COMPANY_WORDS_KATA);
    const suffix = pick(COMPANY_SUFFIX);
    const front = random() < 0.5;
    let name = front ? `株式会社${core}${suffix}` : `${core}${suffix}株式会社`;
    if (random() < 0.1) name = name.replace('株式会社', '有限会社');
    if (used.has(name)) name = `${name.replace(/株式会社|有限会社/u, '')}${i}号`;
    if (used.has(name)) continue;
    used.add(name);
    const domain = `${kind < 0.4 ? family.romaji : pick(DOMAIN_WORDS)}-${i.toString(36)}.co.jp`;
    out.push({ name, domain });
  }
  return out;
}

export function generatePhone(random: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const r = random();
  if (r < 0.6) return `+81${['90', '80', '70'][Math.floor(random() * 3)]}${digits(8)}`;
  // Landline: 03/06 (8 digits) or a 3-digit area code (7 digits).
  if (r < 0.8) return `+81${random() < 0.5 ? '3' : '6'}${digits(8)}`;
  return `+81${1 + Math.floor(random() * 9)}${digits(1)}${digits(7)}`;
}

/** `count` customers; companies are shared (about 1 per 20 customers), 30% have none. */
export function generateCustomers(count: number, seed = 42): { customers: BenchCustomer[]; companies: BenchCompany[] } {
  const random = rng(seed);
  const { last, male, female } = loadNames();
  const pickLast = zipf(last, 15, random);
  const pickMale = zipf(male, 80, random);
  const pickFemale = zipf(female, 300, random);
  const companies = generateCompanies(Math.max(10, Math.ceil(count / 20)), last, random);
  const pickCompany = zipf(companies.map((_, i) => i), 50, random);
  const customers: BenchCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const family = pickLast();
    const given = random() < 0.5 ? pickMale() : pickFemale();
    const companyIndex = random() < 0.7 ? pickCompany() : null;
    const r = random();
    const local = r < 0.4
      ? `${given.romaji}.${family.romaji}`
      : r < 0.7
        ? `${family.romaji}${given.romaji[0]}${Math.floor(random() * 1000)}`
        : `${given.romaji}${Math.floor(random() * 100000)}`;
    const domain = companyIndex !== null && random() < 0.6 ? companies[companyIndex]!.domain : FREE_MAIL[Math.floor(random() * FREE_MAIL.length)]!;
    customers.push({
      familyName: family.kanji,
      givenName: given.kanji,
      familyNameKana: family.kata,
      givenNameKana: given.kata,
      displayName: `${family.kanji} ${given.kanji}`,
      companyIndex,
      // i in base 36 keeps every address unique (the exact e-mail lookup is the baseline).
      email: random() < 0.9 ? `${local}.${i.toString(36)}@${domain}` : null,
      phone: random() < 0.85 ? generatePhone(random) : null,
      familyRomaji: family.romaji,
    });
  }
  return { customers, companies };
}
