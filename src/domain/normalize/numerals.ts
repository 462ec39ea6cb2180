/**
 * Kanji numerals (漢数字) → numbers. Used by dates (昭和六十年) and
 * addresses (三丁目). Callers decide WHERE to convert: a blind replace would
 * turn 一般 or 九段 into digits.
 */

const DIGIT: Readonly<Record<string, number>> = {
  〇: 0, 零: 0, 一: 1, 壱: 1, 壹: 1, 二: 2, 弐: 2, 貳: 2, 三: 3, 参: 3, 參: 3,
  四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNIT: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 千: 1000, 阡: 1000 };
const MAN = '万';

/** Characters that may appear in a kanji numeral (for building regexes). */
export const KANJI_NUMERAL_CHARS = `${Object.keys(DIGIT).join('')}${Object.keys(UNIT).join('')}${MAN}`;

/**
 * Parse a kanji numeral. Supports both the positional style (二〇二三 → 2023)
 * and the multiplicative style (千九百八十五 → 1985, 十五 → 15), daiji
 * (壱弐参拾) and 万. Returns null if `s` is not a kanji numeral.
 *
 * @example kanjiToNumber('六十') // => 60
 * @example kanjiToNumber('二〇二三') // => 2023
 * @example kanjiToNumber('三千二百万') // => 32000000
 * @example kanjiToNumber('山') // => null
 */
export function kanjiToNumber(s: string): number | null {
  if (s.length === 0) return null;
  let total = 0;
  let section = 0;
  let cur: number | null = null;
  let lastUnit = Infinity; // units must decrease: 十百 is not a numeral
  for (const ch of s) {
    const d = DIGIT[ch];
    const u = UNIT[ch];
    if (d !== undefined) {
      cur = (cur ?? 0) * 10 + d;
    } else if (u !== undefined) {
      if (u >= lastUnit) return null;
      lastUnit = u;
      section += (cur ?? 1) * u;
      cur = null;
    } else if (ch === MAN) {
      if (total > 0) return null;
      const v = section + (cur ?? 0);
      total = (v === 0 ? 1 : v) * 10000;
      section = 0;
      cur = null;
      lastUnit = Infinity;
    } else {
      return null;
    }
  }
  return total + section + (cur ?? 0);
}

/**
 * Replace kanji numerals that are immediately followed by one of the given
 * counters/suffixes (e.g. 年, 月, 日, 丁目). The suffix is kept.
 *
 * @example replaceKanjiNumeralsBefore('昭和六十年四月三日', ['年', '月', '日']) // => '昭和60年4月3日'
 * @example replaceKanjiNumeralsBefore('一般社団法人', ['年']) // => '一般社団法人'
 */
export function replaceKanjiNumeralsBefore(s: string, suffixes: readonly string[]): string {
  if (suffixes.length === 0) return s;
  const alt = suffixes.map((x) => x.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|');
  const re = new RegExp(`[${KANJI_NUMERAL_CHARS}]+(?=${alt})`, 'gu');
  return s.replace(re, (m) => {
    const n = kanjiToNumber(m);
    return n === null ? m : String(n);
  });
}
