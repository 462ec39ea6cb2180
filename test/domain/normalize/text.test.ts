import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  nfkc,
  toHiragana,
  toKatakana,
  foldKana,
  foldVariantKanji,
  foldForSearch,
  VARIANT_KANJI,
} from '../../../src/domain/normalize/text.ts';
import { kanaTriple, japaneseishString } from './arbitraries.ts';

describe('nfkc', () => {
  test('full-width ASCII and half-width katakana', () => {
    assert.equal(nfkc('ＴＥＬ：０３'), 'TEL:03');
    assert.equal(nfkc('ﾔﾏﾀﾞ'), 'ヤマダ');
    assert.equal(nfkc('ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ'), 'ガギグ パピ');
  });
  test('trims and collapses whitespace incl. U+3000', () => {
    assert.equal(nfkc('　山田　　太郎 \t\n'), '山田 太郎');
    assert.equal(nfkc('a\u3000\u3000b'), 'a b');
    assert.equal(nfkc('   '), '');
  });
  test('compat forms', () => {
    assert.equal(nfkc('㈱ダイチョウ'), '(株)ダイチョウ');
    assert.equal(nfkc('\uFA10'), '塚');
  });
});

describe('toHiragana', () => {
  test('full and half width katakana', () => {
    assert.equal(toHiragana('ヤマダ タロウ'), 'やまだ たろう');
    assert.equal(toHiragana('ﾔﾏﾀﾞ ﾀﾛｳ'), 'やまだ たろう');
    assert.equal(toHiragana('ヴァイオリン'), 'ゔぁいおりん');
    assert.equal(toHiragana('ヵヶ'), 'ゕゖ');
  });
  test('keeps ー, ・, kanji and latin', () => {
    assert.equal(toHiragana('スーパー・マリオ'), 'すーぱー・まりお');
    assert.equal(toHiragana('山田ABC'), '山田ABC');
  });
  test('ヷ..ヺ decompose to base + dakuten', () => {
    assert.equal(toHiragana('ヷ'), 'わ\u3099');
  });
});

describe('foldKana', () => {
  test('long vowel spellings fold equal (documented rule)', () => {
    assert.equal(foldKana('ユウコ'), 'ゆーこ');
    assert.equal(foldKana('ユーコ'), 'ゆーこ');
    assert.equal(foldKana('ゆうこ'), 'ゆーこ');
    assert.equal(foldKana('ｭｳｺ'.replace('ｭ', 'ﾕ')), 'ゆーこ');
    assert.equal(foldKana('おおた'), foldKana('おーた'));
    assert.equal(foldKana('オオタ'), 'おーた');
    assert.equal(foldKana('こうた'), foldKana('コータ'));
    assert.equal(foldKana('けいこ'), foldKana('ケーコ'));
  });
  test('length is kept: おの ≠ おおの', () => {
    assert.notEqual(foldKana('おの'), foldKana('おおの'));
    assert.notEqual(foldKana('ゆこ'), foldKana('ゆうこ'));
  });
  test('small kana written large', () => {
    assert.equal(foldKana('キョウコ'), 'きよーこ');
    assert.equal(foldKana('ハットリ'), 'はつとり');
    assert.equal(foldKana('ぁぃぅぇぉっゃゅょゎ'), foldKana('あいうえおつやゆよわ'));
    assert.equal(foldKana('ヵヶ'), 'かけ');
  });
  test('voiced marks are kept', () => {
    assert.notEqual(foldKana('がか'), foldKana('かか'));
    assert.notEqual(foldKana('パン'), foldKana('ハン'));
    assert.equal(foldKana('ﾀﾞｲﾁｮｳ'), 'だいちよー');
  });
  test('drops spaces, middle dots, hyphens; latin lowercased', () => {
    assert.equal(foldKana('ヤマダ　タロウ'), 'やまだたろー');
    assert.equal(foldKana('ジョン・スミス'), 'じよんすみす');
    assert.equal(foldKana('Smith-JOHN'), 'smithjohn');
  });
  test('dash right after kana is read as a long vowel', () => {
    assert.equal(foldKana('ユ-コ'), 'ゆーこ');
    assert.equal(foldKana('ユ－コ'), 'ゆーこ');
    assert.equal(foldKana('ー'), '');
  });
});

describe('foldVariantKanji', () => {
  test('common surname variants', () => {
    assert.equal(foldVariantKanji('髙橋'), '高橋');
    assert.equal(foldVariantKanji('渡邉'), '渡辺');
    assert.equal(foldVariantKanji('渡邊'), '渡辺');
    assert.equal(foldVariantKanji('山\uFA11'), '山崎');
    assert.equal(foldVariantKanji('宮嵜'), '宮崎');
    assert.equal(foldVariantKanji('齋藤'), '斎藤');
    assert.equal(foldVariantKanji('齊藤'), '斉藤');
    assert.equal(foldVariantKanji('小澤'), '小沢');
    assert.equal(foldVariantKanji('濵田'), '浜田');
    assert.equal(foldVariantKanji('𠮷田'), '吉田');
    assert.equal(foldVariantKanji('大\uFA10'), '大塚');
    assert.equal(foldVariantKanji('中嶋'), '中島');
    assert.equal(foldVariantKanji('槇原'), '槙原');
  });
  test('table has ≥ 40 pairs, no chains (so the fold is idempotent)', () => {
    const entries = Object.entries(VARIANT_KANJI);
    assert.ok(entries.length >= 40, `only ${entries.length}`);
    const keys = new Set(entries.map(([k]) => k));
    for (const [k, v] of entries) {
      assert.notEqual(k, v);
      assert.ok(!keys.has(v), `chain ${k}→${v}`);
    }
  });
  test('leaves unrelated text alone', () => {
    assert.equal(foldVariantKanji('山田 太郎 ABC 123'), '山田 太郎 ABC 123');
  });
});

describe('foldForSearch', () => {
  test('examples', () => {
    assert.equal(foldForSearch('ﾔﾏﾀﾞ ﾀﾛｳ'), 'やまだたろう');
    assert.equal(foldForSearch('髙橋　ケイコ'), '高橋けいこ');
    assert.equal(foldForSearch('０３ー１２３４－５６７８'), '0312345678');
    assert.equal(foldForSearch('03‐1234―5678'), '0312345678');
    assert.equal(foldForSearch('ＡＢＣ・ホールディングス'), 'abcほーるでぃんぐす');
  });
  test('keeps the long vowel mark in kana', () => {
    assert.equal(foldForSearch('ユーコ'), 'ゆーこ');
    assert.notEqual(foldForSearch('ユーコ'), foldForSearch('ユコ'));
    assert.equal(foldForSearch('1ー2ー3'), '123');
  });
  test('ヶ/ケ/が and ノ/の between kanji', () => {
    assert.equal(foldForSearch('霞ヶ関'), '霞が関');
    assert.equal(foldForSearch('霞ケ関'), '霞が関');
    assert.equal(foldForSearch('霞が関'), '霞が関');
    assert.equal(foldForSearch('一ノ瀬'), foldForSearch('一の瀬'));
    assert.equal(foldForSearch('ケーキ'), 'けーき');
  });
  test('index and query agree on variants', () => {
    assert.equal(foldForSearch('渡邉 ｹﾝｼﾞ'), foldForSearch('渡辺けんじ'));
  });
});

describe('properties', () => {
  const fns = { nfkc, toHiragana, foldKana, foldVariantKanji, foldForSearch };
  for (const [name, f] of Object.entries(fns)) {
    test(`${name} is idempotent and total (arbitrary strings)`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString), (s) => {
          const once = f(s);
          assert.equal(typeof once, 'string');
          assert.equal(f(once), once);
        }),
        { numRuns: 500 },
      );
    });
  }

  test('foldForSearch: half-width == full-width katakana == hiragana', () => {
    fc.assert(
      fc.property(kanaTriple, ({ full, half, hira }) => {
        const a = foldForSearch(full);
        assert.equal(foldForSearch(half), a);
        assert.equal(foldForSearch(hira), a);
      }),
    );
  });

  test('foldKana: half-width == full-width katakana == hiragana', () => {
    fc.assert(
      fc.property(kanaTriple, ({ full, half, hira }) => {
        const a = foldKana(full);
        assert.equal(foldKana(half), a);
        assert.equal(foldKana(hira), a);
      }),
    );
  });

  test('foldForSearch output has no spaces, dots or hyphens', () => {
    fc.assert(
      fc.property(japaneseishString, (s) => {
        assert.doesNotMatch(foldForSearch(s), /[\s・\-‐－―−]/u);
      }),
    );
  });
});

test('toKatakana: hiragana and half-width katakana become full-width katakana', () => {
  assert.equal(toKatakana('さとう ﾊﾅｺ'), 'サトウ ハナコ');
  assert.equal(toKatakana('ゆーこ・ゞ'), 'ユーコ・ヾ');
  assert.equal(toKatakana('カタカナ'), 'カタカナ');
});
