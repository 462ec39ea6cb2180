/**
 * Language of a customer comment (issue 24): ja, en or other, from the scripts of its letters.
 *
 * Kana (hiragana/katakana) exist only in Japanese, so any text whose letters are mostly Japanese script and contain
 * kana is 'ja'. Kanji without any kana is Chinese in general, except very short texts (最悪, 満足, 品質不良) that are
 * typical Japanese one-word feedback: up to SHORT_KANJI_ONLY kanji count as 'ja'. Latin text is 'en' when it has
 * English function words, or is short (a few words: "Great!", "bad UX") with no letters of another language.
 * Everything else (Korean, Chinese, other European languages, digits and emoji only, empty) is 'other'.
 */

const SHORT_KANJI_ONLY = 6;
const ENGLISH_WORDS = new Set([
  'the', 'a', 'an', 'and', 'or', 'but', 'is', 'are', 'was', 'were', 'be', 'it', 'this', 'that', 'to', 'of', 'in', 'on',
  'for', 'with', 'i', 'you', 'we', 'my', 'your', 'not', 'can', 'do', 'does', 'did', 'have', 'has', 'very', 'please',
  'thank', 'thanks', 'would', 'could', 'should', 'will', 'no', 'so', 'too', 'at', 'from', 'me', 'they', 'there',
]);

export function detectLanguage(text: string): 'ja' | 'en' | 'other' {
  const s = (text ?? '').normalize('NFKC');
  let kana = 0;
  let han = 0;
  let latin = 0;
  let otherLetters = 0;
  for (const ch of s) {
    if (/[\u3041-\u309f\u30a0-\u30ff]/u.test(ch)) kana++;
    else if (/\p{Script=Han}/u.test(ch)) han++;
    else if (/[a-z]/iu.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) otherLetters++;
  }
  const letters = kana + han + latin + otherLetters;
  if (letters === 0) return 'other';
  if (kana > 0 && (kana + han) / letters >= 0.3) return 'ja';
  if (han > 0 && kana === 0 && otherLetters === 0 && han <= SHORT_KANJI_ONLY && han >= latin) return 'ja';
  if (latin / letters >= 0.7) {
    const words = s.toLowerCase().match(/[a-z]+/gu) ?? [];
    if (words.some((w) => ENGLISH_WORDS.has(w)) || (words.length <= 3 && otherLetters === 0)) return 'en';
  }
  return 'other';
}
