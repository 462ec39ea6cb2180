/**
 * Text normalisation primitives for Japanese data.
 *
 * Everything here is a pure, total function (never throws on any string)
 * and idempotent: f(f(x)) === f(x). Other normalisers build on these.
 *
 * Two folds exist on purpose:
 *  - `foldForSearch` is the *index/query* fold. It is conservative (keeps
 *    long vowel marks, small kana, etc.) so that it can be applied to any
 *    free text (names, company names, addresses, phone numbers).
 *  - `foldKana` is the aggressive *reading* fold used to compare kana
 *    readings (フリガナ) where spelling of long vowels and small kana varies.
 */
import { memoize } from './memo.ts';

/** Whitespace incl. U+3000 (ideographic space); JS `\s` already covers it. */
const WS_RUN = /\s+/gu;

/**
 * Hyphen-like characters that are NOT the katakana long vowel mark (ー).
 * Why: phone numbers and postal codes are typed with every dash known to
 * Unicode; they carry no meaning for matching.
 * - U+002D hyphen-minus, U+2010 hyphen, U+2011 nb-hyphen, U+2012 figure dash,
 *   U+2013 en dash, U+2014 em dash, U+2015 horizontal bar, U+2212 minus,
 *   U+FE63 small hyphen-minus, U+FF0D full-width hyphen-minus.
 */
export const HYPHEN_CHARS = '\u002D\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE63\uFF0D';
const HYPHEN_CLASS = `[${HYPHEN_CHARS.replace('-', '\\-')}]`;
const HYPHEN_RE = new RegExp(HYPHEN_CLASS, 'gu');

/** Middle dots: katakana middle dot (U+30FB), half-width (U+FF65), U+00B7. */
const MIDDLE_DOT_RE = /[\u30FB\uFF65\u00B7]/gu;

/** Long vowel marks: U+30FC (full) and U+FF70 (half-width; NFKC → U+30FC). */
const LONG_VOWEL = '\u30FC';

/**
 * NFKC + trim + collapse whitespace runs (incl. U+3000) to one ASCII space.
 *
 * Why NFKC: it turns full-width ASCII (ＡＢＣ１２３) into ASCII, half-width
 * katakana (ｶﾞ) into full-width (ガ), circled/compat forms (㈱ → (株)),
 * and CJK compatibility ideographs (U+FA10 塚) into unified ones.
 *
 * @example nfkc('　ﾔﾏﾀﾞ　　ﾀﾛｳ ') // => 'ヤマダ タロウ'
 * @example nfkc('ＴＥＬ：０３') // => 'TEL:03'
 */
export function nfkc(s: string): string {
  return s.normalize('NFKC').replace(WS_RUN, ' ').trim();
}

/** Katakana U+30A1 (ァ) .. U+30F6 (ヶ) map 1:1 onto hiragana by −0x60. */
function kataCharToHira(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0x30a1 && c <= 0x30f6) return String.fromCharCode(c - 0x60);
  if (c === 0x30fd || c === 0x30fe) return String.fromCharCode(c - 0x60); // ヽヾ → ゝゞ
  // ヷヸヹヺ have no precomposed hiragana: decompose to base + dakuten.
  if (c === 0x30f7) return 'わ\u3099';
  if (c === 0x30f8) return 'ゐ\u3099';
  if (c === 0x30f9) return 'ゑ\u3099';
  if (c === 0x30fa) return 'を\u3099';
  return ch;
}

/**
 * Katakana (full- and half-width) → hiragana. Applies Unicode NFKC first so
 * half-width forms (ｶﾞ) are composed; does NOT trim or collapse spaces.
 * The long vowel mark ー and the middle dot ・ are left as is.
 *
 * @example toHiragana('ヤマダ ﾀﾛｳ') // => 'やまだ たろう'
 * @example toHiragana('ヴァイオリン') // => 'ゔぁいおりん'
 */
export function toHiragana(s: string): string {
  // NFKC could re-compose the dakuten we emit for ヷ..ヺ; there are no
  // precomposed hiragana for those, so the result is stable (idempotent).
  return s.normalize('NFKC').replace(/[\u30A1-\u30FA\u30FD\u30FE]/gu, kataCharToHira);
}

/**
 * Hiragana and half-width katakana → full-width katakana, the Japanese convention for stored フリガナ.
 * Applies NFKC first; leaves ー, ・ and spaces as they are.
 *
 * @example toKatakana('さとう ﾊﾅｺ') // => 'サトウ ハナコ'
 */
export function toKatakana(s: string): string {
  return s.normalize('NFKC').replace(/[\u3041-\u3096\u309D\u309E]/gu, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

/** Small kana written large, for reading comparison (キャ ≈ キヤ). */
const SMALL_TO_LARGE: Readonly<Record<string, string>> = {
  ぁ: 'あ', ぃ: 'い', ぅ: 'う', ぇ: 'え', ぉ: 'お',
  っ: 'つ', ゃ: 'や', ゅ: 'ゆ', ょ: 'よ', ゎ: 'わ',
  ゕ: 'か', ゖ: 'け',
};

/** Vowel row of each (large) hiragana; kana absent here (ん, etc.) have none. */
const VOWEL_OF: ReadonlyMap<string, string> = (() => {
  const rows: Record<string, string> = {
    a: 'あかがさざただなはばぱまやらわ',
    i: 'いきぎしじちぢにひびぴみりゐ',
    u: 'うくぐすずつづぬふぶぷむゆるゔ',
    e: 'えけげせぜてでねへべぺめれゑ',
    o: 'おこごそぞとどのほぼぽもよろを',
  };
  const m = new Map<string, string>();
  for (const [v, chars] of Object.entries(rows)) for (const ch of chars) m.set(ch, v);
  return m;
})();

const VOWEL_KANA: Readonly<Record<string, string>> = { あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o' };

/**
 * Does vowel kana `next` lengthen a syllable whose vowel is `prev`?
 * Same vowel (かあ, ゆう, おお), or the Japanese long-vowel spellings
 * o+う (こう = こお = こー) and e+い (けい = けー).
 */
function extendsVowel(prev: string, next: string): boolean {
  return prev === next || (prev === 'o' && next === 'u') || (prev === 'e' && next === 'i');
}

const isHiragana = (ch: string): boolean => /[\u3041-\u3096\u309D\u309E]/u.test(ch);

/**
 * Aggressive fold for comparing kana READINGS (フリガナ). Steps:
 *  1. NFKC, katakana → hiragana, latin lowercased;
 *  2. small kana written large (ぁぃぅぇぉっゃゅょゎゕゖ → あいうえおつやゆよわかけ);
 *  3. spaces, middle dots (・), and hyphens are dropped — except that a
 *     hyphen/dash directly after a kana is read as a long vowel mark (ユ-コ);
 *  4. LONG VOWEL RULE: a long vowel is written canonically as ー.
 *     A syllable is long when followed by ー, or by a vowel kana that
 *     extends it: the same vowel (ゆう, おお, かあ, いい), う after an o-row
 *     kana (こう), い after an e-row kana (けい). Runs collapse to one ー;
 *     a ー with no preceding vowel (start of string, after ん) is dropped.
 *     Length is kept (おの ≠ おおの), only its spelling is folded.
 *  5. Voiced/semi-voiced marks are kept (が ≠ か, ぱ ≠ は).
 *
 * Known, accepted merges: おう/おお (王/大) and えい/ええ fold equal, and
 * きよう (器用) equals きょう (今日) since small kana become large. Spaces
 * are dropped before the long-vowel rule, so it runs across word
 * boundaries (ヤマダ アイ → やまだーい); both sides of a comparison fold
 * the same way, so this only matters for display (never display this fold).
 *
 * @example foldKana('ユウコ') === foldKana('ユーコ') // both 'ゆーこ'
 * @example foldKana('オオタ') // => 'おーた' (= foldKana('おーた'))
 * @example foldKana('ｻｲﾄｳ ｷｮｳｺ') // => 'さいとーきよーこ'
 */
export const foldKana: (s: string) => string = memoize((s: string) => fixpoint(s, foldKanaOnce));

/**
 * Dropping a space can bring a base kana next to a combining voiced mark
 * ("か ゛" → "か\u3099"), which NFKC would then compose; re-running
 * until stable makes the folds idempotent by construction (≤ 4 rounds).
 */
function fixpoint(s: string, f: (x: string) => string): string {
  let cur = f(s);
  for (let i = 0; i < 4; i++) {
    const next = f(cur);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

function foldKanaOnce(s: string): string {
  const base = toHiragana(nfkc(s)).toLowerCase().replace(MIDDLE_DOT_RE, '').replace(/\s+/gu, '');
  let out = '';
  let lastVowel: string | null = null; // vowel of the last emitted kana syllable
  for (const raw of base) {
    const ch = SMALL_TO_LARGE[raw] ?? raw;
    const isDash = ch === LONG_VOWEL || HYPHEN_CHARS.includes(ch);
    if (isDash) {
      // A dash after kana is a long vowel mark; anywhere else it is noise.
      if (lastVowel !== null && !out.endsWith(LONG_VOWEL)) out += LONG_VOWEL;
      continue;
    }
    const v = VOWEL_KANA[ch];
    if (v !== undefined && lastVowel !== null && extendsVowel(lastVowel, v)) {
      if (!out.endsWith(LONG_VOWEL)) out += LONG_VOWEL;
      continue; // lastVowel unchanged: おおお is still one long お
    }
    out += ch;
    lastVowel = VOWEL_OF.get(ch) ?? null;
    // Dakuten/handakuten combining marks keep the previous syllable's vowel.
    if (ch === '\u3099' || ch === '\u309A') lastVowel = null;
    if (!isHiragana(ch)) lastVowel = null;
  }
  return out;
}

/**
 * Variant (異体字/旧字体) → common (新字体/通用字体) kanji, for matching only.
 * Only pairs where the two forms are the *same name* in practice.
 * Deliberately excluded: 籠/篭, 淵/渕, 斉/斎 (different characters, both
 * common in surnames). Note 齊 is the old form of 斉 (not 斎) and 齋 of 斎.
 * Compatibility ideographs (U+F900–FAFF) are listed as escapes; NFKC would
 * also map most of them, but this table works on un-normalised input too.
 */
export const VARIANT_KANJI: Readonly<Record<string, string>> = Object.freeze({
  '髙': '高', '\uFA11': '崎', '嵜': '崎', '邊': '辺', '邉': '辺', '齋': '斎',
  '齊': '斉', '澤': '沢', '濵': '浜', '濱': '浜', '德': '徳', '廣': '広',
  '冨': '富', '櫻': '桜', '國': '国', '龍': '竜', '眞': '真', '惠': '恵',
  '實': '実', '藏': '蔵', '關': '関', '萬': '万', '與': '与', '條': '条',
  '嶋': '島', '嶌': '島', '\uFA10': '塚', '槇': '槙', '\uFA4F': '祐',
  '邨': '村', '嶽': '岳', '瀨': '瀬', '濟': '済', '榮': '栄', '壽': '寿',
  '增': '増', '淺': '浅', '靑': '青', '淸': '清', '黑': '黒', '戶': '戸',
  '兒': '児', '學': '学', '圓': '円', '曾': '曽', '會': '会', '縣': '県',
  '豐': '豊', '禮': '礼', '傳': '伝', '來': '来', '藝': '芸', '團': '団',
  '寳': '宝', '寶': '宝', '聰': '聡', '峯': '峰', '舘': '館', '桒': '桑',
  '栁': '柳', '冝': '宜', '晉': '晋', '\u{20BB7}': '吉', '奧': '奥', '當': '当',
  '澁': '渋', '溪': '渓', '賴': '頼', '瀧': '滝', '莊': '荘', '鐵': '鉄',
  '檜': '桧', '彌': '弥', '爲': '為', '亞': '亜', '遙': '遥', '瑤': '瑶',
  '祿': '禄', '\uFA53': '禎', '\uFA1B': '福', '\uF9DC': '隆', '驛': '駅',
  '槗': '橋', '廐': '厩', '乘': '乗', '靜': '静', '舍': '舎', '黃': '黄',
});

const VARIANT_MAP: ReadonlyMap<string, string> = new Map(Object.entries(VARIANT_KANJI));

/**
 * Replace variant kanji by their common form (see `VARIANT_KANJI`).
 * Iterates by code point so surrogate-pair kanji (𠮷) work.
 *
 * @example foldVariantKanji('髙橋') // => '高橋'
 * @example foldVariantKanji('渡邉') // => '渡辺'
 * @example foldVariantKanji('𠮷田') // => '吉田'
 */
export function foldVariantKanji(s: string): string {
  let out = '';
  for (const ch of s) out += VARIANT_MAP.get(ch) ?? ch;
  return out;
}

/**
 * The search fold: apply the SAME function to indexed text and to queries.
 *  1. NFKC + whitespace collapse (full-width → ASCII, half-width kana → full);
 *  2. lowercase (latin);
 *  3. variant kanji → common form (髙 → 高, 邉 → 辺);
 *  4. katakana → hiragana (ヤマダ, ﾔﾏﾀﾞ, やまだ all equal);
 *  5. drop whitespace, middle dots (・), and hyphen/minus characters
 *     (HYPHEN_CHARS). The long vowel mark ー is KEPT in kana (ユーコ ≠ ユコ),
 *     and removed only when it sits between two digits (03ー1234ー5678),
 *     because people type it as a phone-number hyphen;
 *  6. between two kanji, ヶ/ケ/ヵ/が → が, the usual spelling variation of
 *     place and family names (霞ヶ関 = 霞ケ関 = 霞が関); ノ already became の
 *     in step 4 (一ノ瀬 = 一の瀬).
 * Long vowels and small kana are not folded here; use `foldKana` for that.
 *
 * @example foldForSearch('ﾔﾏﾀﾞ ﾀﾛｳ') // => 'やまだたろう'
 * @example foldForSearch('髙橋　ケイコ') // => '高橋けいこ'
 * @example foldForSearch('０３ー１２３４－５６７８') // => '0312345678'
 * @example foldForSearch('霞ケ関') // => '霞が関'
 */
export const foldForSearch: (s: string) => string = memoize((s: string) => fixpoint(s, foldForSearchOnce));

function foldForSearchOnce(s: string): string {
  const folded = toHiragana(foldVariantKanji(nfkc(s).toLowerCase()))
    .replace(/\s+/gu, '')
    .replace(MIDDLE_DOT_RE, '')
    .replace(HYPHEN_RE, '')
    // After toHiragana, ヶ/ケ/ヵ arrive as ゖ/け/ゕ (and ノ as の, so 一ノ瀬 = 一の瀬 already).
    .replace(/(?<=[\p{Script=Han}々])[ゖけゕが](?=[\p{Script=Han}々])/gu, 'が');
  // Loop: '1ー2ー3' has overlapping matches; repeat until stable.
  let prev: string;
  let cur = folded;
  do {
    prev = cur;
    cur = cur.replace(/(\d)ー(?=\d)/gu, '$1');
  } while (cur !== prev);
  return cur;
}
