/**
 * Personal name splitting (姓 / 名).
 *
 * Rules, in order:
 *  1. Trailing honorifics (様, さま, 殿, さん, 御中, 先生, 氏) are dropped.
 *  2. A comma means "family, given" (Yamada, Taro / 山田，太郎).
 *  3. With a space (ASCII or U+3000): Japanese script → first token is the
 *     family name. LATIN → given-first by default (Western order) and
 *     swapped when detection says family-first: the first token is written in
 *     capitals (YAMADA Taro), or it is a known surname romaji and the last
 *     token is not (Yamada Taro). Latin tokens written all-caps/all-lower are
 *     title-cased.
 *  4. Without a space: the longest known surname prefix that leaves a
 *     non-empty given name (kanji via the surname list after variant folding,
 *     kana via surname readings); among equal lengths the more popular wins.
 *     A whole token that is itself a known surname (山田, ヤマダ) is returned
 *     as family only. Fallbacks: a kanji→kana script boundary (山田はなこ),
 *     then a length heuristic for all-kanji names (2 chars → 1+1, else 2+rest).
 */
import { foldForSearch, foldVariantKanji, toHiragana } from './text.ts';
import { SURNAME_TSV } from './surnames.generated.ts';
import { memoize } from './memo.ts';

export type NameScript = 'kanji' | 'kana' | 'latin' | 'mixed';
export type SplitMethod = 'comma' | 'space' | 'dictionary' | 'script_boundary' | 'heuristic' | 'single' | 'empty';

export interface SplitName {
  /** 姓. null only for empty input. */
  family: string | null;
  /** 名. null when the input has a single token that could not be split. */
  given: string | null;
  script: NameScript;
  method: SplitMethod;
  /** Latin input whose order was detected as given-first and swapped. */
  swapped: boolean;
  /**
   * high: explicit delimiter (space/comma); medium: dictionary split on a
   * surname of ≥ 2 chars, or a kanji→kana boundary; low: 1-char surname
   * match on a name of ≥ 4 chars (堀北真希 → 堀|北真希 is possible), or the
   * length heuristic; also low for latin order decided by the default.
   */
  confidence: 'high' | 'medium' | 'low';
}

interface SurnameTables {
  kanji: Map<string, number>;
  /** Kanji surname (variant-folded) → its hiragana readings. */
  readingsOf: Map<string, string[]>;
  reading: Map<string, number>;
  romaji: Set<string>;
  maxLen: number;
  maxReadingLen: number;
}

/**
 * Romaji fold so Satou / Sato / Satoh / Satoo and Sanpei / Sampei match:
 * lowercase, oh/ou/oo → o, uu → u, m before b/p/m → n.
 */
export function foldRomaji(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z]/gu, '')
    .replace(/oh(?![aeiouy])/gu, 'o')
    .replace(/o[ou]/gu, 'o')
    .replace(/uu/gu, 'u')
    .replace(/m(?=[bpm])/gu, 'n');
}

let tables: SurnameTables | null = null;
/** Parsed lazily: the TSV is ~2k lines and not every caller needs it. */
function surnameTables(): SurnameTables {
  if (tables !== null) return tables;
  const t: SurnameTables = { kanji: new Map(), readingsOf: new Map(), reading: new Map(), romaji: new Set(), maxLen: 0, maxReadingLen: 0 };
  for (const line of SURNAME_TSV.split('\n')) {
    const [kanji = '', w = '0', readings = '', romaji = ''] = line.split('\t');
    if (kanji === '') continue;
    const weight = Math.max(Number(w) || 0, 1); // gimei-only entries have no population
    t.kanji.set(kanji, weight);
    t.maxLen = Math.max(t.maxLen, [...kanji].length);
    t.readingsOf.set(kanji, readings.split('|').filter(Boolean));
    for (const r of readings.split('|').filter(Boolean)) {
      t.reading.set(r, Math.max(t.reading.get(r) ?? 0, weight));
      t.maxReadingLen = Math.max(t.maxReadingLen, [...r].length);
    }
    for (const r of romaji.split('|').filter(Boolean)) t.romaji.add(foldRomaji(r));
  }
  tables = t;
  return t;
}

/**
 * Is `s` a known surname? Kanji (variant-folded: 髙橋, 渡邉 match), kana
 * reading (ヤマダ, やまだ) or romaji (Yamada, Satoh).
 *
 * @example isKnownSurname('渡邉') // => true
 * @example isKnownSurname('ヤマダ') // => true
 * @example isKnownSurname('Satoh') // => true
 */
export function isKnownSurname(s: string): boolean {
  const t = surnameTables();
  const n = s.normalize('NFKC').trim();
  if (n === '') return false;
  if (/^[A-Za-z' -]+$/u.test(n)) return t.romaji.has(foldRomaji(n));
  return t.kanji.has(foldVariantKanji(n)) || t.reading.has(toHiragana(n));
}

/**
 * The readings (hiragana) a surname written in kanji is known to have, or undefined when the list does not know the
 * spelling (~2k surnames, variant kanji folded: 髙橋 = 高橋). 田原 → たはら, たわら.
 *
 * @example surnameReadings('田原') // => ['たはら', 'たわら']
 * @example surnameReadings('未登録') // => undefined
 */
export function surnameReadings(spelling: string): readonly string[] | undefined {
  return surnameTables().readingsOf.get(foldVariantKanji(spelling.normalize('NFKC').trim()));
}

const HONORIFIC = /(?:\s*(?:様|さま|サマ|殿|どの|さん|サン|御中|先生|氏))+$/u;
const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・]+$/u;
const LATIN = /^[\p{Script=Latin}'’.\- ]+$/u;
const HAN_OR_KANA = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}々〆ヶ]/u;

function scriptOf(s: string): NameScript {
  const compact = s.replace(/[\s,]/gu, '');
  if (compact === '') return 'mixed';
  if (LATIN.test(compact)) return 'latin';
  if (KANA.test(compact)) return 'kana';
  if (/^[\p{Script=Han}々〆ヶ]+$/u.test(compact)) return 'kanji';
  return 'mixed';
}

/** Title-case a latin token only if it is all-caps or all-lower (keeps McDonald). */
function tidyLatin(tok: string): string {
  if (tok === tok.toUpperCase() || tok === tok.toLowerCase()) {
    return tok.toLowerCase().replace(/(^|[-'’])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
  }
  return tok;
}

/** Longest known-surname prefix leaving ≥ 1 char; popularity breaks ties. */
function dictionarySplit(s: string, kana: boolean): [string, string] | null {
  const t = surnameTables();
  const chars = [...s];
  const maxLen = Math.min(chars.length - 1, kana ? t.maxReadingLen : t.maxLen);
  let best: { len: number; weight: number } | null = null;
  for (let len = 1; len <= maxLen; len++) {
    const prefix = chars.slice(0, len).join('');
    const weight = kana ? t.reading.get(toHiragana(prefix)) : t.kanji.get(foldVariantKanji(prefix));
    if (weight === undefined) continue;
    // Kana: a 1-char reading (い, え) matches too easily; require ≥ 2.
    if (kana && len < 2) continue;
    if (best === null || len > best.len || (len === best.len && weight > best.weight)) best = { len, weight };
  }
  return best === null ? null : [chars.slice(0, best.len).join(''), chars.slice(best.len).join('')];
}

/** Kanji followed by kana (山田はなこ): split at the script change. */
function scriptBoundarySplit(s: string): [string, string] | null {
  const m = /^([\p{Script=Han}々〆ヶ]+)([\p{Script=Hiragana}\p{Script=Katakana}ー]+)$/u.exec(s);
  return m === null ? null : [m[1]!, m[2]!];
}

/** Length heuristic for unknown all-kanji names (2-char surnames dominate). */
function heuristicSplit(s: string): [string, string] | null {
  const chars = [...s];
  if (chars.length < 2) return null;
  const famLen = chars.length === 2 ? 1 : 2;
  return [chars.slice(0, famLen).join(''), chars.slice(famLen).join('')];
}

/**
 * Split a full name into family (姓) and given (名). Never throws.
 * Output strings are NFKC-normalised; variant kanji are kept as written.
 *
 * @example splitFullName('山田　太郎') // => { family: '山田', given: '太郎', script: 'kanji', method: 'space', swapped: false, confidence: 'high' }
 * @example splitFullName('佐々木希').family // => '佐々木'
 * @example splitFullName('ﾔﾏﾀﾞ ﾀﾛｳ') // => { family: 'ヤマダ', given: 'タロウ', script: 'kana', … }
 * @example splitFullName('Taro Yamada') // => { family: 'Yamada', given: 'Taro', script: 'latin', method: 'space', swapped: true }
 * @example splitFullName('YAMADA Taro') // => { family: 'Yamada', given: 'Taro', swapped: false, … }
 */
export const splitFullName: (fullName: string) => SplitName = memoize(splitFullNameUncached);

function splitFullNameUncached(fullName: string): SplitName {
  const s = fullName
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(HONORIFIC, '')
    .replace(/、/gu, ',')
    .replace(/^[,\s]+|[,\s]+$/gu, '');
  const script = scriptOf(s);
  const result = (
    family: string | null,
    given: string | null,
    method: SplitMethod,
    swapped = false,
    confidence: SplitName['confidence'] = 'high',
  ): SplitName => ({
    family: family === '' ? null : family,
    given: given === '' ? null : given,
    script,
    method,
    swapped,
    confidence,
  });
  if (s === '') return result(null, null, 'empty', false, 'low');

  if (s.includes(',')) {
    const [fam = '', ...rest] = s.split(',').map((x) => x.trim());
    const given = rest.filter(Boolean).join(' ').trim();
    return script === 'latin'
      ? result(tidyLatin(fam), given.split(' ').map(tidyLatin).join(' '), 'comma')
      : result(fam, given, 'comma');
  }

  const tokens = s.split(' ');
  if (tokens.length >= 2) {
    if (script !== 'latin') return result(tokens[0]!, tokens.slice(1).join(' '), 'space');
    const first = tokens[0]!;
    const last = tokens[tokens.length - 1]!;
    const caps = (x: string): boolean => x.length > 1 && x === x.toUpperCase() && x !== x.toLowerCase();
    const capsFirst = caps(first) && !caps(last);
    const capsLast = caps(last) && !caps(first);
    const knownFirst = isKnownSurname(first) && !isKnownSurname(last);
    const knownLast = isKnownSurname(last) && !isKnownSurname(first);
    const familyFirst = capsFirst || (!capsLast && knownFirst);
    const decided = capsFirst || capsLast || knownFirst || knownLast;
    const conf = decided ? 'high' : 'low';
    if (familyFirst) return result(tidyLatin(first), tokens.slice(1).map(tidyLatin).join(' '), 'space', false, conf);
    return result(tidyLatin(last), tokens.slice(0, -1).map(tidyLatin).join(' '), 'space', true, conf);
  }

  // Single token.
  if (script === 'latin') return result(tidyLatin(s), null, 'single', false, 'low');
  if (!HAN_OR_KANA.test(s) || isKnownSurname(s)) return result(s, null, 'single', false, 'medium');
  const dict = dictionarySplit(s, script === 'kana');
  if (dict !== null) {
    const weak = [...dict[0]].length === 1 && [...s].length >= 4;
    return result(dict[0], dict[1], 'dictionary', false, weak ? 'low' : 'medium');
  }
  const boundary = scriptBoundarySplit(s);
  if (boundary !== null) return result(boundary[0], boundary[1], 'script_boundary', false, 'medium');
  if (script === 'kanji') {
    const h = heuristicSplit(s);
    if (h !== null) return result(h[0], h[1], 'heuristic', false, 'low');
  }
  return result(s, null, 'single', false, 'low');
}

/**
 * 姓 and 名 from what a record's columns hold: split columns, a whole name, or both, written by people who type the
 * whole name (or reading) into 姓 (セイ). Used for names and for their readings alike:
 *  - 姓 and 名 given: kept, except that a 姓 ending in the 名 after a space (「タワラ ヨシヒコ」 + 「ヨシヒコ」) holds the
 *    whole name and is cut to its family part (else the name reads 「タワラ ヨシヒコ ヨシヒコ」);
 *  - one part given, and the whole name too: the whole name is split, and the missing part is taken from it when
 *    the split agrees with the part given (「タワラ ヨシヒコ」 + メイ 「ヨシヒコ」 → セイ 「タワラ」);
 *  - 姓 alone with a space in it: split like a whole name; nothing but the whole name: split.
 * Values are taken as they are (the caller normalises); empty strings count as absent.
 *
 * @example reconcileNameParts('タワラ ヨシヒコ', null, null) // => { family: 'タワラ', given: 'ヨシヒコ' }
 * @example reconcileNameParts('タワラ ヨシヒコ', 'ヨシヒコ', null) // => { family: 'タワラ', given: 'ヨシヒコ' }
 * @example reconcileNameParts(null, 'ヨシヒコ', 'タワラ ヨシヒコ') // => { family: 'タワラ', given: 'ヨシヒコ' }
 */
export function reconcileNameParts(
  family: string | null | undefined,
  given: string | null | undefined,
  whole: string | null | undefined,
): { family: string | null; given: string | null } {
  const f = family?.trim() || null;
  const g = given?.trim() || null;
  const w = whole?.trim() || null;
  const same = (a: string, b: string) => foldForSearch(a) === foldForSearch(b);
  if (f !== null && g !== null) {
    const tokens = f.split(/\s+/u);
    if (tokens.length >= 2) {
      // The given name may itself hold a space (a middle name): compare the 姓's tail of the same length.
      const tail = tokens.slice(-g.split(/\s+/u).length).join(' ');
      const head = tokens.slice(0, tokens.length - g.split(/\s+/u).length).join(' ');
      if (head !== '' && same(tail, g)) return { family: head, given: g };
    }
    return { family: f, given: g };
  }
  if (f === null && g === null) {
    if (w === null) return { family: null, given: null };
    const split = splitFullName(w);
    return { family: split.family, given: split.given };
  }
  if (f !== null && /\s/u.test(f)) {
    const split = splitFullName(w ?? f);
    return { family: split.family, given: split.given };
  }
  if (w !== null) {
    const split = splitFullName(w);
    if (f !== null && split.family !== null && same(split.family, f)) return { family: f, given: split.given };
    if (g !== null && split.given !== null && same(split.given, g)) return { family: split.family, given: g };
  }
  return { family: f, given: g };
}
