/**
 * Does a フリガナ belong to a written name? Survivorship (golden.ts) keeps a reading that comes from another record than
 * the name only when it does: after a merge, the former surname's reading (ワタナベ) must not stand beside the current
 * name (森下).
 */
import { kanaToRomaji } from '../match/romaji.ts';
import { givenNameReadings } from '../normalize/given-readings.ts';
import { foldRomaji, surnameReadings } from '../normalize/name.ts';
import { foldForSearch, foldKana } from '../normalize/text.ts';

const KANA_ONLY = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;

/** The same written name: width, spaces, kana script and variant kanji aside (髙橋 = 高橋, ﾔﾏﾀﾞ = やまだ). */
export function sameWrittenName(a: string, b: string): boolean {
  return foldForSearch(a) === foldForSearch(b);
}

/**
 * Is `reading` a known reading of the name part `written`? A name written in kana is its own reading (long vowels
 * and small kana folded: ユウコ = ユーコ); a kanji surname is checked against the surname list's readings, a kanji
 * given name against the given-name list's. A spelling neither list knows cannot be confirmed: false.
 *
 * @example isReadingOf('田原', 'タワラ', 'family') // => true
 * @example isReadingOf('森下', 'ワタナベ', 'family') // => false
 * @example isReadingOf('想夏', 'ソーカ', 'given') // => true
 */
export function isReadingOf(written: string, reading: string, part: 'family' | 'given'): boolean {
  const folded = foldKana(reading);
  if (folded === '') return false;
  if (KANA_ONLY.test(written.normalize('NFKC'))) return foldKana(written) === folded;
  if (part === 'family') return surnameReadings(written)?.some((r) => foldKana(r) === folded) ?? false;
  return givenNameReadings(foldForSearch(written))?.includes(foldRomaji(kanaToRomaji(reading))) ?? false;
}
