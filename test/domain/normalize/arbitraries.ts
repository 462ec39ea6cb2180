/** Shared fast-check arbitraries for the normalisation tests. */
import fc from 'fast-check';

/** Full-width katakana with their half-width spelling (JIS X 0201). */
const KANA_PAIRS: ReadonlyArray<readonly [string, string]> = (() => {
  const full = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
  const half = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ';
  const pairs: Array<readonly [string, string]> = [];
  const f = [...full];
  const h = [...half];
  f.forEach((ch, i) => pairs.push([ch, h[i]!] as const));
  const voiced = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
  const voicedBase = 'ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ';
  [...voiced].forEach((ch, i) => pairs.push([ch, [...voicedBase][i]! + 'ﾞ'] as const));
  const semi = 'パピプペポ';
  [...semi].forEach((ch, i) => pairs.push([ch, [...'ﾊﾋﾌﾍﾎ'][i]! + 'ﾟ'] as const));
  pairs.push(['ヴ', 'ｳﾞ'] as const);
  return pairs;
})();

const toHira = (s: string): string =>
  s.replace(/[\u30A1-\u30F6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

/** The same katakana word in full-width, half-width and hiragana spellings. */
export const kanaTriple = fc
  .array(fc.constantFrom(...KANA_PAIRS), { minLength: 0, maxLength: 12 })
  .map((pairs) => {
    const full = pairs.map((p) => p[0]).join('');
    return { full, half: pairs.map((p) => p[1]).join(''), hira: toHira(full) };
  });

/** Strings biased towards the characters that make Japanese data messy. */
export const japaneseishString = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...'あいうえおかがぱっゃゅょーアイウエオカガパッャュョｱｲｳｶﾞﾊﾟｰﾞﾟ゛゜ヷヴヵヶ山田髙邉﨑𠮷塚・･ 　-－‐―−ー0１２３ＡａZz@.()（）〒丁目番地号㈱'.split(''),
        '\u3099',
        '\u309A',
        '\uFA10',
        '\uFA11',
        '\u{20BB7}',
      ),
      fc.string({ maxLength: 2 }),
    ),
    { maxLength: 20 },
  )
  .map((xs) => xs.join(''));
