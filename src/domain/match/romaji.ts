/**
 * Kana → Hepburn romaji, so that a name written in latin letters
 * (seminar sign-ups: "Nanako Oyamada", "YANAGIDA Toshiko") can be compared
 * with a kana reading. Both sides then go through `foldRomaji` from the
 * normalisation library (Satou = Sato = Satoh, Sanpei = Sampei).
 */
import { toHiragana } from '../normalize/index.ts';

const BASE: Readonly<Record<string, string>> = {
  あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o',
  か: 'ka', き: 'ki', く: 'ku', け: 'ke', こ: 'ko',
  が: 'ga', ぎ: 'gi', ぐ: 'gu', げ: 'ge', ご: 'go',
  さ: 'sa', し: 'shi', す: 'su', せ: 'se', そ: 'so',
  ざ: 'za', じ: 'ji', ず: 'zu', ぜ: 'ze', ぞ: 'zo',
  た: 'ta', ち: 'chi', つ: 'tsu', て: 'te', と: 'to',
  だ: 'da', ぢ: 'ji', づ: 'zu', で: 'de', ど: 'do',
  な: 'na', に: 'ni', ぬ: 'nu', ね: 'ne', の: 'no',
  は: 'ha', ひ: 'hi', ふ: 'fu', へ: 'he', ほ: 'ho',
  ば: 'ba', び: 'bi', ぶ: 'bu', べ: 'be', ぼ: 'bo',
  ぱ: 'pa', ぴ: 'pi', ぷ: 'pu', ぺ: 'pe', ぽ: 'po',
  ま: 'ma', み: 'mi', む: 'mu', め: 'me', も: 'mo',
  や: 'ya', ゆ: 'yu', よ: 'yo',
  ら: 'ra', り: 'ri', る: 'ru', れ: 're', ろ: 'ro',
  わ: 'wa', ゐ: 'i', ゑ: 'e', を: 'o', ん: 'n', ゔ: 'vu',
  ぁ: 'a', ぃ: 'i', ぅ: 'u', ぇ: 'e', ぉ: 'o', ゃ: 'ya', ゅ: 'yu', ょ: 'yo', ゎ: 'wa',
};

/** Syllables followed by a small ゃゅょ: き+ゃ → kya, し+ゃ → sha, ち+ゃ → cha, じ+ゃ → ja. */
const YOON_STEM: Readonly<Record<string, string>> = {
  き: 'ky', ぎ: 'gy', し: 'sh', じ: 'j', ち: 'ch', ぢ: 'j', に: 'ny', ひ: 'hy', び: 'by', ぴ: 'py', み: 'my', り: 'ry',
};
const SMALL_Y: Readonly<Record<string, string>> = { ゃ: 'a', ゅ: 'u', ょ: 'o' };

/**
 * Hepburn romanisation of a kana string (katakana and half-width accepted).
 * っ doubles the next consonant (ch → tch); ー repeats nothing (dropped);
 * characters that are not kana are kept lowercased.
 *
 * @example kanaToRomaji('ヤマダ タロウ') // => 'yamada tarou'
 * @example kanaToRomaji('しょうた') // => 'shouta'
 * @example kanaToRomaji('ﾊｯﾄﾘ') // => 'hattori'
 */
export function kanaToRomaji(kana: string): string {
  const chars = [...toHiragana(kana).toLowerCase()];
  let out = '';
  let geminate = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === 'っ') {
      geminate = true;
      continue;
    }
    if (ch === 'ー' || ch === '・') continue;
    let syl: string;
    const next = chars[i + 1];
    const stem = YOON_STEM[ch];
    if (stem !== undefined && next !== undefined && SMALL_Y[next] !== undefined) {
      syl = stem + SMALL_Y[next];
      i++;
    } else {
      syl = BASE[ch] ?? ch;
    }
    if (geminate) {
      if (syl.startsWith('ch')) syl = `t${syl}`;
      else if (/^[bcdfghjkmpqrstvwxyz]/u.test(syl)) syl = syl[0] + syl;
      geminate = false;
    }
    out += syl;
  }
  return out;
}
