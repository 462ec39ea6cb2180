/**
 * Company size: 従業員数, 資本金 and 売上 as people write them (「約300名」「1,200人」「3億円」「1億2000万円」
 * 「10百万円」「1,000千円」「300〜499名」「1000名以上」), the employee size bands of the companies ledger, and
 * whether a company is a 中小企業 / 小規模企業者 under 中小企業基本法 第2条.
 */
import { nfkc, HYPHEN_CHARS } from '../normalize/text.ts';
import { KANJI_NUMERAL_CHARS, kanjiToNumber } from '../normalize/numerals.ts';
import type { IndustryClassification, JsicMajor } from './industry.ts';

/** A parsed quantity: a value, or a range (either end open). min = max = value for a single number. */
export interface ParsedQuantity {
  /** The single value ('約300名' → 300), null for a range. */
  value: number | null;
  min: number | null;
  max: number | null;
  /** 約, 程度, 前後, およそ, 〜くらい. */
  approximate: boolean;
  /** Why nothing was read: empty, undisclosed (非公開, 不明, -), foreign_currency, unparseable. */
  reason: 'empty' | 'undisclosed' | 'foreign_currency' | 'unparseable' | null;
}

/** Units that multiply the number before them, largest first. 千万/百万/十万 are single units (10百万円 = 1,000万円). */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['兆', 1e12], ['億', 1e8], ['千万', 1e7], ['百万', 1e6], ['十万', 1e5], ['万', 1e4], ['千', 1e3], ['百', 1e2],
];
const UNIT_ALT = UNITS.map(([u]) => u).join('|');
const SEGMENT = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${UNIT_ALT})?`, 'uy');

const DASHES = `~〜～${HYPHEN_CHARS}ー`;
const RANGE_SEP = new RegExp(`^\\s*(?:[${DASHES.replace('-', '\\-')}]|から)\\s*`, 'u');
const APPROX = /約|およそ|凡そ|概ね|おおよそ|程度|前後|くらい|ぐらい|ほど|approx|about|ca\./u;
const UNDISCLOSED = /^(?:非公開|非公表|未公開|不明|なし|無し|未定|-|ー|―|n\/a|na|none|unknown|\?)$/iu;
const FOREIGN = /(?:\$|usd|eur|€|rmb|cny|krw|[\d兆億万千百]\s*(?:ドル|ユーロ|元|ウォン))/iu;

/** Dates and fiscal periods carry digits that are not the amount: 2023年3月期, 2024/03, 令和5年度. */
const DATES = /(?:(?:令和|平成|昭和|r|h|s)\s*(?:\d{1,2}|元)|\d{4})\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:期|度|時点|現在|末)?|(?:19|20)\d{2}\s*[/.]\s*\d{1,2}(?!\d)(?:\s*[/.]\s*\d{1,2}(?!\d))?|\d{1,2}\s*月期|\(\s*(?:19|20)\d{2}\s*\)/giu;

function prepare(raw: string): string {
  let s = nfkc(raw).toLowerCase();
  // Kanji numerals not glued to digits (三億円, 五千万円, 三百名); 10百万円 keeps its 百万 as a unit.
  s = s.replace(new RegExp(`(?<![\\d.${KANJI_NUMERAL_CHARS}])[${KANJI_NUMERAL_CHARS}]+(?=兆|億|円|名|人|社)`, 'gu'), (m) => String(kanjiToNumber(m) ?? m));
  s = s.replace(/(\d)[,，、](?=\d{3}(?!\d))/gu, '$1');
  return s.replace(DATES, ' ');
}

interface Amount {
  value: number;
  /** Index just after the amount. */
  end: number;
  /** The smallest unit used (1 when none): a bare '1' before '〜5億' takes the unit of the other end. */
  unit: number;
}

/** Read "1億2000万", "3.5億", "10百万", "1,000千" at `at` (units strictly decreasing). */
function readAmount(s: string, at: number): Amount | null {
  let total = 0;
  let pos = at;
  let lastUnit = Infinity;
  let unit = 1;
  let read = false;
  for (;;) {
    SEGMENT.lastIndex = pos;
    const m = SEGMENT.exec(s);
    if (m === null) break;
    const u = m[2] === undefined ? 1 : UNITS.find(([name]) => name === m[2])![1];
    if (u >= lastUnit) break;
    total += Number(m[1]) * u;
    pos = SEGMENT.lastIndex;
    lastUnit = u;
    unit = u;
    read = true;
    if (u === 1) break;
  }
  return read ? { value: total, end: pos, unit } : null;
}

function quantity(raw: string | null | undefined, integer: boolean): ParsedQuantity {
  const none = (reason: NonNullable<ParsedQuantity['reason']>): ParsedQuantity => ({ value: null, min: null, max: null, approximate: false, reason });
  if (raw == null || raw.trim() === '') return none('empty');
  const plain = nfkc(raw).trim();
  if (UNDISCLOSED.test(plain)) return none('undisclosed');
  if (FOREIGN.test(plain)) return none('foreign_currency');
  let s = prepare(raw);
  // 単体 and 連結 both given: the company's own figure (what the SME definition counts).
  const own = /単体|単独/u.exec(s);
  if (own !== null && /連結/u.test(s)) s = s.slice(own.index);
  const first = /\d/u.exec(s);
  if (first === null) return none(/非公開|非公表|不明/u.test(s) ? 'undisclosed' : 'unparseable');
  const a = readAmount(s, first.index)!;
  const approximate = APPROX.test(s);
  const round = (n: number): number => (integer ? Math.round(n) : n);
  const after = s.slice(a.end);
  const sep = RANGE_SEP.exec(after.replace(/^\s*(?:円|名|人|社)/u, ''));
  if (sep !== null) {
    const tail = after.replace(/^\s*(?:円|名|人|社)/u, '').slice(sep[0].length);
    const at = /^\s*\d/u.exec(tail);
    if (at !== null) {
      const offset = s.length - tail.length;
      const b = readAmount(s, offset + at[0].length - 1)!;
      // 「1〜5億円」: the bare first end takes the unit of the second.
      const lo = a.unit === 1 && b.unit > 1 ? a.value * b.unit : a.value;
      return { value: null, min: round(Math.min(lo, b.value)), max: round(Math.max(lo, b.value)), approximate, reason: null };
    }
    // 「1000名〜」: open upwards.
    return { value: null, min: round(a.value), max: null, approximate, reason: null };
  }
  const v = round(a.value);
  // 超 / 未満 exclude the number itself: the next whole person or yen.
  const step = 1;
  if (/^\s*(?:円|名|人|社)?\s*(?:以上|〜|~|\+|or\s*more)/u.test(after)) return { value: null, min: v, max: null, approximate, reason: null };
  if (/^\s*(?:円|名|人|社)?\s*(?:超|超え|超過|over)/u.test(after)) return { value: null, min: v + step, max: null, approximate, reason: null };
  if (/^\s*(?:円|名|人|社)?\s*(?:以下|まで)/u.test(after)) return { value: null, min: null, max: v, approximate, reason: null };
  if (/^\s*(?:円|名|人|社)?\s*(?:未満|under|less)/u.test(after)) return { value: null, min: null, max: v - step, approximate, reason: null };
  return { value: v, min: v, max: v, approximate, reason: null };
}

/**
 * Parse a 従業員数: 「約300名」「1,200人」「1万人」「三百名」「300〜499名」「50名以上」「10名未満」
 * 「単体 1,000名 / 連結 5,000名」 (the 単体 figure is taken).
 *
 * @example parseEmployeeCount('約300名') // => { value: 300, min: 300, max: 300, approximate: true, reason: null }
 * @example parseEmployeeCount('300〜499名') // => { value: null, min: 300, max: 499, … }
 */
export function parseEmployeeCount(raw: string | null | undefined): ParsedQuantity {
  return quantity(raw, true);
}

/**
 * Parse an amount of yen (資本金, 売上高, 年商): 「3億円」「5000万円」「1億2000万円」「10百万円」「1,000千円」
 * 「3.5億円」「¥50,000,000」「1兆2,000億円」「1〜5億円」「100億円以上」. Dates in the text (2023年3月期) are ignored;
 * foreign currencies are not converted (reason 'foreign_currency').
 *
 * @example parseYenAmount('1億2000万円').value // => 120000000
 * @example parseYenAmount('10百万円').value // => 10000000
 */
export function parseYenAmount(raw: string | null | undefined): ParsedQuantity {
  return quantity(raw == null ? raw : nfkc(raw).replace(/[¥￥]\s*/u, ''), true);
}

/** Employee size bands of the companies ledger (companies.size_band). */
export const SIZE_BANDS = ['1-9', '10-49', '50-299', '300-999', '1000+'] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

export const SIZE_BAND_LABELS: Readonly<Record<SizeBand, string>> = Object.freeze({
  '1-9': '1〜9名',
  '10-49': '10〜49名',
  '50-299': '50〜299名',
  '300-999': '300〜999名',
  '1000+': '1,000名以上',
});

const BAND_FLOORS: ReadonlyArray<readonly [number, SizeBand]> = [[1000, '1000+'], [300, '300-999'], [50, '50-299'], [10, '10-49'], [0, '1-9']];

function bandOf(n: number): SizeBand {
  return BAND_FLOORS.find(([floor]) => n >= floor)![1];
}

/**
 * The size band of an employee count, a parsed 従業員数 or its text. A range gives a band only when both ends fall
 * in it (「300〜499名」 → '300-999'; 「300名以上」 spans two bands → null). A company of 0 employees (the owner
 * alone) is in the smallest band.
 *
 * @example employeeSizeBand(1200) // => '1000+'
 * @example employeeSizeBand('約300名') // => '300-999'
 * @example employeeSizeBand('1000名以上') // => '1000+'
 */
export function employeeSizeBand(count: number | ParsedQuantity | string | null | undefined): SizeBand | null {
  if (count == null) return null;
  if (typeof count === 'number') return Number.isFinite(count) && count >= 0 ? bandOf(count) : null;
  const q = typeof count === 'string' ? parseEmployeeCount(count) : count;
  if (q.value !== null) return q.value >= 0 ? bandOf(q.value) : null;
  if (q.min !== null && q.max === null) return q.min >= 1000 ? '1000+' : null;
  if (q.max !== null) {
    const low = bandOf(Math.max(q.min ?? 0, 0));
    return low === bandOf(q.max) ? low : null;
  }
  return null;
}

/** The four sectors of 中小企業基本法 第2条. */
export type SmeSector = 'manufacturing' | 'wholesale' | 'service' | 'retail';

/**
 * 中小企業基本法 第2条 第1項: a company is a 中小企業者 when its capital (資本金の額又は出資の総額) is at most
 * `capital` OR its regular employees at most `employees`. 第5項 (小規模企業者): employees at most `small`.
 */
export const SME_THRESHOLDS: Readonly<Record<SmeSector, { capital: number; employees: number; small: number }>> = Object.freeze({
  manufacturing: { capital: 300_000_000, employees: 300, small: 20 },
  wholesale: { capital: 100_000_000, employees: 100, small: 5 },
  service: { capital: 50_000_000, employees: 100, small: 5 },
  retail: { capital: 50_000_000, employees: 50, small: 5 },
});

export const SME_SECTOR_LABELS: Readonly<Record<SmeSector, string>> = Object.freeze({
  manufacturing: '製造業・建設業・運輸業その他',
  wholesale: '卸売業',
  service: 'サービス業',
  retail: '小売業',
});

const SERVICE_MAJORS: ReadonlySet<JsicMajor> = new Set(['L', 'O', 'P', 'Q', 'R']);
const MANUFACTURING_MAJORS: ReadonlySet<JsicMajor> = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'H', 'J', 'S', 'T']);
const ALL_SECTORS: readonly SmeSector[] = ['manufacturing', 'wholesale', 'service', 'retail'];

/**
 * The sectors an industry may fall in, as 中小企業庁 reads JSIC for 中小企業基本法:
 *  - 卸売業: 中分類 50–55; 小売業: 56–61 and 76 飲食店, 77 持ち帰り・配達飲食サービス業;
 *  - サービス業: G 38 放送業, 39 情報サービス業, 小分類 411/412/415/416 (映像・音声・広告制作…), K 693 駐車場業 and
 *    70 物品賃貸業, all of L, M 75 宿泊業, all of N except 791 旅行業, all of O, P, Q, R;
 *  - 製造業その他: everything else (G 37 通信業, 40 インターネット附随サービス業, 413 新聞業, 414 出版業,
 *    K 68 不動産取引業, 69 賃貸・管理業 except 駐車場業, 791 旅行業, and A–F, H, J, S, T).
 * One sector when the classification decides it, several when it does not (G without its group), all four when
 * the industry is unknown.
 */
export function smeSectorsOf(industry: Pick<IndustryClassification, 'major' | 'middle' | 'minor' | 'trade'> | null | undefined): SmeSector[] {
  if (industry == null || industry.major === null) {
    if (industry?.trade) return [industry.trade];
    return [...ALL_SECTORS];
  }
  const { major, middle, minor, trade } = industry;
  const mid = middle === null ? null : Number(middle);
  if (MANUFACTURING_MAJORS.has(major)) return ['manufacturing'];
  if (SERVICE_MAJORS.has(major)) return ['service'];
  switch (major) {
    case 'G':
      if (mid === null) return ['manufacturing', 'service'];
      if (mid === 38 || mid === 39) return ['service'];
      if (mid === 41) {
        if (minor === null) return ['manufacturing', 'service'];
        return ['411', '412', '415', '416'].includes(minor) ? ['service'] : ['manufacturing'];
      }
      return ['manufacturing'];
    case 'I':
      if (mid !== null) return mid <= 55 ? ['wholesale'] : ['retail'];
      return trade !== null ? [trade] : ['wholesale', 'retail'];
    case 'K':
      if (mid === 70 || minor === '693') return ['service'];
      if (mid === 68 || (mid === 69 && minor !== null)) return ['manufacturing'];
      return ['manufacturing', 'service'];
    case 'M':
      if (mid === 75) return ['service'];
      if (mid === 76 || mid === 77) return ['retail'];
      return ['service', 'retail'];
    case 'N':
      if (minor === '791') return ['manufacturing'];
      if (mid !== null && mid !== 79) return ['service'];
      return minor !== null ? ['service'] : ['service', 'manufacturing'];
    default:
      return [...ALL_SECTORS];
  }
}

export interface SmeAssessment {
  /** 中小企業者: true / false, or null when the figures or the industry leave it open. */
  sme: boolean | null;
  /** 小規模企業者 (employees only): true / false / null. */
  small: boolean | null;
  /** The sectors considered (one when the industry decides it). */
  sectors: SmeSector[];
}

function test(limit: number, value: ParsedQuantity | null): boolean | null {
  if (value === null) return null;
  const hi = value.max ?? (value.value ?? null);
  const lo = value.min ?? (value.value ?? null);
  if (hi !== null && hi <= limit) return true;
  if (lo !== null && lo > limit) return false;
  return null;
}

const asQuantity = (v: number | ParsedQuantity | string | null | undefined, parse: (s: string) => ParsedQuantity): ParsedQuantity | null => {
  if (v == null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, min: v, max: v, approximate: false, reason: null } : null;
  const q = typeof v === 'string' ? parse(v) : v;
  return q.reason === null ? q : null;
};

/**
 * Is the company a 中小企業者 (and a 小規模企業者) under 中小企業基本法? Either criterion suffices: capital at or
 * under the sector's limit, OR employees at or under it. False only when every known figure is over its limit and
 * both are known; null when it cannot be told (a figure missing, a range across the limit, or sectors that
 * disagree). Capital and employees may be numbers, parsed quantities or text (「5000万円」「約120名」).
 * Not covered: the 政令 exceptions of other laws (ゴム製品製造業 900人, ソフトウェア業・情報処理サービス業 3億円,
 * 旅館業 200人) and みなし大企業 (a large company's subsidiary).
 *
 * @example assessSme({ industry: classifyIndustry('小売'), capital: '1億円', employees: '40名' }) // => { sme: true, small: false, sectors: ['retail'] }
 * @example assessSme({ industry: classifyIndustry('製造業'), capital: '10億円', employees: '1,200人' }).sme // => false
 */
export function assessSme(input: {
  industry?: Pick<IndustryClassification, 'major' | 'middle' | 'minor' | 'trade'> | null | undefined;
  sector?: SmeSector | null | undefined;
  capital?: number | ParsedQuantity | string | null | undefined;
  employees?: number | ParsedQuantity | string | null | undefined;
}): SmeAssessment {
  const sectors = input.sector ? [input.sector] : smeSectorsOf(input.industry);
  const capital = asQuantity(input.capital, parseYenAmount);
  const employees = asQuantity(input.employees, parseEmployeeCount);
  const verdicts = sectors.map((sector) => {
    const t = SME_THRESHOLDS[sector];
    const byCapital = test(t.capital, capital);
    const byEmployees = test(t.employees, employees);
    const sme = byCapital === true || byEmployees === true ? true : byCapital === false && byEmployees === false ? false : null;
    return { sme, small: test(t.small, employees) };
  });
  const agree = <T>(xs: readonly T[]): T | null => (xs.every((x) => x === xs[0]) ? xs[0]! : null);
  return { sme: agree(verdicts.map((v) => v.sme)), small: agree(verdicts.map((v) => v.small)), sectors };
}
