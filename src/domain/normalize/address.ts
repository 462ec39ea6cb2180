/**
 * Japanese address normalisation: prefecture, the rest of the street
 * address with a canonical house number ("1-2-3"), and the building/room.
 *
 * Canonical form rules (documented for the lead):
 *  - NFKC (full-width digits/letters → ASCII), whitespace collapsed.
 *  - Kanji numerals → digits only where they are numbers: before 丁目, 番地,
 *    番 (not 番町: 千代田区一番町 is a town name), 号, 条, 線, 地割, and after
 *    "digit の/-". 三軒茶屋, 九段南, 十日町 stay as written.
 *  - Any dash between digits (‐ － ― ー ｰ − – — and の) → '-'.
 *  - 丁目/番地/番/号 → '-' separators: 1丁目2番3号, 1丁目2番地3, 1丁目2-3,
 *    1-2-3号 all become "1-2-3"; 123番地 → "123". A lone "3丁目" (no number
 *    after it) is kept as "3丁目".
 *  - Spaces inside the street part are removed; the building keeps its own.
 *  - The first house-number block (not followed by 丁目/条/線/地割) ends the
 *    street part; up to 3 components are kept ("1-2-3"); a 4th+ component
 *    is a room number and goes to `building` ("1-2-3-101" → building "101").
 *    Everything after the block is `building` (ビル, マンション, 5F, 101号室).
 */
import { nfkc, foldVariantKanji, HYPHEN_CHARS } from './text.ts';
import { KANJI_NUMERAL_CHARS, kanjiToNumber } from './numerals.ts';
import { PREFECTURES, type Prefecture } from './prefectures.ts';
import { extractPostalCode, normalizePostalCode, prefectureFromPostal } from './postal.ts';
import { memoize } from './memo.ts';

export interface ParsedAddress {
  /** Seven-digit postal code: the `postal` argument, else a leading 〒 in the text. */
  postalCode: string | null;
  prefecture: Prefecture | null;
  /** 'text' = written in the address; 'city' = implied by a unique city/ward; 'postal' = from the postal code. */
  prefectureSource: 'text' | 'city' | 'postal' | null;
  /** The written prefecture disagrees with the postal code's prefecture. */
  prefectureConflict: boolean;
  /** Street address without prefecture and building, canonical numbers, no spaces ("千代田区千代田1-1"). */
  rest: string;
  /** Building / floor / room, or null. */
  building: string | null;
  /** `prefecture + rest` and, if any, ' ' + building. */
  normalized: string;
  /** Matching key: prefecture + rest, variant kanji folded, ヶ/ケ/が and ノ/の unified, 大字 dropped, no spaces. */
  matchKey: string;
}

const KN = `[${KANJI_NUMERAL_CHARS}]+`;
const DASH = `[${HYPHEN_CHARS.replace('-', '\\-')}ーｰ]`;
const NUM_SUFFIX = '丁目|番地|番(?!町)|号|条|線|地割';

const RE_KANJI_BEFORE_SUFFIX = new RegExp(`${KN}(?=${NUM_SUFFIX})`, 'gu');
const RE_KANJI_AFTER_DIGIT = new RegExp(`(?<=\\d(?:の|${DASH}))${KN}`, 'gu');
const RE_DASH_BETWEEN_DIGITS = new RegExp(`(\\d)\\s*(?:${DASH}|の)\\s*(?=\\d)`, 'gu');

const toDigits = (m: string): string => {
  const n = kanjiToNumber(m);
  return n === null ? m : String(n);
};

/** Apply a replacement until stable (overlapping matches like 1-2-3-4). */
function untilStable(s: string, f: (x: string) => string): string {
  let prev: string;
  let cur = s;
  do {
    prev = cur;
    cur = f(cur);
  } while (cur !== prev);
  return cur;
}

/**
 * Canonicalise the numbers of a street address (see module rules).
 * Does not split the building off. Idempotent.
 *
 * @example normalizeAddressNumbers('千代田一丁目二番三号') // => '千代田1-2-3'
 * @example normalizeAddressNumbers('西新宿２－８－１') // => '西新宿2-8-1'
 * @example normalizeAddressNumbers('大字山田123番地') // => '大字山田123'
 * @example normalizeAddressNumbers('千代田区一番町') // => '千代田区一番町'
 */
export function normalizeAddressNumbers(raw: string): string {
  return untilStable(nfkc(raw), (x) => {
    let s = x.replace(RE_KANJI_BEFORE_SUFFIX, toDigits).replace(RE_KANJI_AFTER_DIGIT, toDigits);
    s = s.replace(RE_DASH_BETWEEN_DIGITS, '$1-');
    // 1丁目2番3号 / 1丁目2番地3 / 2番地の3 / 1丁目-2 → separators.
    s = s.replace(new RegExp(`(\\d)\\s*(?:丁目|番地|番(?!町))\\s*(?:の|${DASH})?\\s*(?=\\d)`, 'gu'), '$1-');
    // Trailing unit words: 3号 → 3, 123番地 → 123, 5番 → 5 (not 号室/号館/号棟, not 番町).
    s = s.replace(/(\d)号(?![室館棟])/gu, '$1').replace(/(\d)番地?(?![町\d])/gu, '$1');
    return s;
  });
}

/** Blocks followed by these are part of the town name, not the house number. */
const NOT_HOUSE_NUMBER = /^(?:丁目|条|線|地割|番町|区|市|町|村|郡|軒|ノ?割)/u;
/** Words that mark a trailing building part when there is no house number. */
const BUILDING_WORD = /(?:ビル|マンション|ハイツ|コーポ|アパート|レジデンス|タワー|荘|号室|号館|階|\d+F|棟|プラザ|ヒルズ|コート|ハウス|パレス|メゾン|#\d)/u;

/** Split "street + building" after the first house-number block. */
function splitBuilding(s: string): { street: string; building: string | null } {
  const re = /\d+(?:-\d+)*/gu;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const after = s.slice(m.index + m[0].length);
    if (NOT_HOUSE_NUMBER.test(after)) continue;
    if (m.index > 0 && s[m.index - 1] === '第') continue; // 第2地割, 第3ビル
    const parts = m[0].split('-');
    const street = s.slice(0, m.index) + parts.slice(0, 3).join('-');
    const room = parts.slice(3).join('-');
    const tail = after.replace(/^[\s,、-]+/u, '').trim();
    const building = [room, tail].filter(Boolean).join(' ');
    return { street: street.trim(), building: building === '' ? null : building };
  }
  // No house number: a space-separated trailing part that looks like a building.
  const sp = s.indexOf(' ');
  if (sp > 0 && BUILDING_WORD.test(s.slice(sp + 1))) {
    return { street: s.slice(0, sp), building: s.slice(sp + 1).trim() };
  }
  return { street: s, building: null };
}

/** Designated cities and Tokyo wards whose name alone fixes the prefecture. */
const CITY_PREFECTURE: ReadonlyArray<readonly [string, Prefecture]> = [
  ['札幌市', '北海道'], ['仙台市', '宮城県'], ['さいたま市', '埼玉県'], ['横浜市', '神奈川県'],
  ['川崎市', '神奈川県'], ['相模原市', '神奈川県'], ['浜松市', '静岡県'], ['名古屋市', '愛知県'],
  ['堺市', '大阪府'], ['神戸市', '兵庫県'], ['北九州市', '福岡県'],
  ...(['千代田区', '新宿区', '文京区', '台東区', '墨田区', '江東区', '品川区', '目黒区', '大田区', '世田谷区',
    '渋谷区', '中野区', '杉並区', '豊島区', '荒川区', '板橋区', '練馬区', '足立区', '葛飾区', '江戸川区',
  ].map((w) => [w, '東京都'] as const)),
];

/** Prefecture written at the start of `s`; returns the text to keep. */
function detectPrefecture(s: string): { prefecture: Prefecture; rest: string; source: 'text' | 'city' } | null {
  for (const p of PREFECTURES) if (s.startsWith(p)) return { prefecture: p, rest: s.slice(p.length), source: 'text' };
  for (const p of PREFECTURES) {
    if (p === '北海道') continue;
    const short = p.slice(0, -1);
    if (!s.startsWith(short)) continue;
    const after = s.slice(short.length);
    // 京都市…, 福島市…: the same-name city — keep the text, infer the prefecture.
    if (after.startsWith('市')) return { prefecture: p, rest: s, source: 'text' };
    // 東京千代田区…, 神奈川横浜市…: short form followed by a municipality.
    // (福島区 in 大阪市 or 京都郡 in 福岡県 do not match: the suffix follows directly.)
    if (/^(?![市区町村郡])[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ヶ]{1,5}?[市区町村郡]/u.test(after)) {
      return { prefecture: p, rest: after, source: 'text' };
    }
  }
  for (const [city, p] of CITY_PREFECTURE) if (s.startsWith(city)) return { prefecture: p, rest: s, source: 'city' };
  return null;
}

/** Matching key for the street part (see ParsedAddress.matchKey). */
function addressKey(s: string): string {
  return foldVariantKanji(s)
    .replace(/\s+/gu, '')
    .replace(/(?<=[\p{Script=Han}々])[ヶケヵがガ](?=[\p{Script=Han}])/gu, 'ケ')
    .replace(/(?<=[\p{Script=Han}々])[ノの之](?=[\p{Script=Han}])/gu, 'の')
    .replace(/大字/gu, '');
}

/**
 * Parse a Japanese address. Never throws. `postal` (any spelling) fills
 * the prefecture when the text has none and flags a conflict otherwise.
 *
 * @example parseAddress('〒100-0001 東京都千代田区千代田一丁目1番1号')
 *   // => { postalCode: '1000001', prefecture: '東京都', prefectureSource: 'text', rest: '千代田区千代田1-1-1', building: null, … }
 * @example parseAddress('新宿区西新宿２－８－１ 都庁第一本庁舎 ５F').building // => '都庁第一本庁舎 5F'
 * @example parseAddress('中央区銀座4-6-16', '104-0061').prefecture // => '東京都' (source 'postal')
 * @example parseAddress('横浜市西区みなとみらい2-2-1-101').building // => '101'
 */
export function parseAddress(raw: string, postal?: string | null): ParsedAddress {
  return postal == null ? parseAddressAlone(raw) : parseAddressWithPostal(`${postal}\u0000${raw}`);
}

const parseAddressAlone = memoize((raw: string) => parseAddressUncached(raw, null));
const parseAddressWithPostal = memoize((key: string) => {
  const at = key.indexOf('\u0000');
  return parseAddressUncached(key.slice(at + 1), key.slice(0, at));
});

function parseAddressUncached(raw: string, postal: string | null): ParsedAddress {
  const { postal: inline, rest: text } = extractPostalCode(raw);
  const given = postal == null ? null : normalizePostalCode(postal).value;
  const postalCode = given ?? inline;

  const normalized = normalizeAddressNumbers(text);
  const detected = detectPrefecture(normalized);
  const fromPostal = postalCode === null ? null : prefectureFromPostal(postalCode);

  let prefecture: Prefecture | null = detected?.prefecture ?? null;
  let source: ParsedAddress['prefectureSource'] = detected?.source ?? null;
  if (prefecture === null && fromPostal !== null) {
    prefecture = fromPostal;
    source = 'postal';
  }
  const conflict = detected !== null && fromPostal !== null && detected.prefecture !== fromPostal;

  const body = (detected?.rest ?? normalized).trim();
  const { street, building } = splitBuilding(body);
  // Spaces inside the street part carry no meaning ("千代田区 千代田 1-1").
  const rest = street.replace(/\s+/gu, '');
  const full = `${prefecture ?? ''}${rest}`;
  return {
    postalCode,
    prefecture,
    prefectureSource: source,
    prefectureConflict: conflict,
    rest,
    building,
    normalized: building === null ? full : `${full} ${building}`,
    matchKey: addressKey(full),
  };
}
