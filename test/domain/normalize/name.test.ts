import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitFullName, isKnownSurname, foldRomaji, surnameReadings } from '../../../src/domain/normalize/name.ts';
import { SURNAME_TSV } from '../../../src/domain/normalize/surnames.generated.ts';
import { japaneseishString, kanaTriple } from './arbitraries.ts';

const pair = (s: string): [string | null, string | null] => {
  const r = splitFullName(s);
  return [r.family, r.given];
};

describe('splitFullName: delimiters', () => {
  test('ASCII space, ideographic space, repeated spaces', () => {
    assert.deepEqual(splitFullName('山田 太郎'), {
      family: '山田',
      given: '太郎',
      script: 'kanji',
      method: 'space',
      swapped: false,
      confidence: 'high',
    });
    assert.deepEqual(pair('山田　太郎'), ['山田', '太郎']);
    assert.deepEqual(pair(' 山田 　 太郎 '), ['山田', '太郎']);
  });
  test('kana names, full and half width', () => {
    assert.deepEqual(pair('ヤマダ タロウ'), ['ヤマダ', 'タロウ']);
    assert.deepEqual(pair('ﾔﾏﾀﾞ ﾀﾛｳ'), ['ヤマダ', 'タロウ']);
    assert.equal(splitFullName('やまだ たろう').script, 'kana');
  });
  test('comma means family, given', () => {
    assert.deepEqual(pair('Yamada, Taro'), ['Yamada', 'Taro']);
    assert.deepEqual(pair('山田、太郎'), ['山田', '太郎']);
    assert.equal(splitFullName('Yamada, Taro').method, 'comma');
  });
  test('honorifics are dropped', () => {
    assert.deepEqual(pair('山田 太郎 様'), ['山田', '太郎']);
    assert.deepEqual(pair('山田太郎様'), ['山田', '太郎']);
    assert.deepEqual(pair('佐藤花子さん'), ['佐藤', '花子']);
  });
});

describe('splitFullName: latin order', () => {
  test('given-first is detected and swapped', () => {
    const r = splitFullName('Taro Yamada');
    assert.deepEqual([r.family, r.given, r.swapped], ['Yamada', 'Taro', true]);
    assert.deepEqual(pair('ｔａｒｏ ｙａｍａｄａ'), ['Yamada', 'Taro']);
    assert.deepEqual(pair('Hiroshi Satoh'), ['Satoh', 'Hiroshi']);
  });
  test('family-first is detected by surname list or capitals', () => {
    const r = splitFullName('Yamada Taro');
    assert.deepEqual([r.family, r.given, r.swapped], ['Yamada', 'Taro', false]);
    assert.deepEqual(pair('YAMADA Taro'), ['Yamada', 'Taro']);
    assert.deepEqual(pair('Taro YAMADA'), ['Yamada', 'Taro']);
    assert.deepEqual(pair('Sato Kenji'), ['Sato', 'Kenji']);
  });
  test('unknown order defaults to Western given-first with low confidence', () => {
    const r = splitFullName('John Smith');
    assert.deepEqual([r.family, r.given, r.confidence], ['Smith', 'John', 'low']);
    assert.deepEqual(pair('John Michael Smith'), ['Smith', 'John Michael']);
    assert.deepEqual(pair('Ronald McDonald'), ['McDonald', 'Ronald']);
  });
});

describe('splitFullName: no delimiter', () => {
  const cases: Array<[string, string, string]> = [
    ['山田太郎', '山田', '太郎'],
    ['佐々木希', '佐々木', '希'],
    ['長谷川潤', '長谷川', '潤'],
    ['五十嵐亮太', '五十嵐', '亮太'],
    ['髙橋一生', '髙橋', '一生'],
    ['渡邉恒雄', '渡邉', '恒雄'],
    ['林真理子', '林', '真理子'],
    ['森山直太朗', '森山', '直太朗'],
    ['小池百合子', '小池', '百合子'],
    ['菅義偉', '菅', '義偉'],
    ['長澤まさみ', '長澤', 'まさみ'],
    ['ヤマダタロウ', 'ヤマダ', 'タロウ'],
    ['ｻｲﾄｳﾋﾛｼ', 'サイトウ', 'ヒロシ'],
    ['いとうけんじ', 'いとう', 'けんじ'],
  ];
  for (const [input, family, given] of cases) {
    test(`${input} → ${family} ${given}`, () => {
      const r = splitFullName(input);
      assert.deepEqual([r.family, r.given], [family, given]);
      assert.equal(r.method, 'dictionary');
    });
  }
  test('script boundary fallback for unknown surnames', () => {
    const r = splitFullName('綾瀬はるか');
    assert.deepEqual([r.family, r.given, r.method], ['綾瀬', 'はるか', 'script_boundary']);
  });
  test('length heuristic for unknown all-kanji names', () => {
    const r = splitFullName('石破茂');
    assert.deepEqual([r.family, r.given, r.method, r.confidence], ['石破', '茂', 'heuristic', 'low']);
  });
  test('a lone surname stays whole', () => {
    assert.deepEqual(pair('山田'), ['山田', null]);
    assert.deepEqual(pair('ヤマダ'), ['ヤマダ', null]);
    assert.deepEqual(pair('Yamada'), ['Yamada', null]);
  });
  test('empty input', () => {
    assert.deepEqual(splitFullName('　'), {
      family: null,
      given: null,
      script: 'mixed',
      method: 'empty',
      swapped: false,
      confidence: 'low',
    });
  });
});

describe('surname table', () => {
  test('isKnownSurname: kanji (variant-folded), kana, romaji', () => {
    assert.equal(isKnownSurname('佐藤'), true);
    assert.equal(isKnownSurname('渡邉'), true);
    assert.equal(isKnownSurname('齋藤'), true);
    assert.equal(isKnownSurname('サトウ'), true);
    assert.equal(isKnownSurname('ｻﾄｳ'), true);
    assert.equal(isKnownSurname('Sato'), true);
    assert.equal(isKnownSurname('SATOH'), true);
    assert.equal(isKnownSurname('太郎'), false);
    assert.equal(isKnownSurname(''), false);
  });
  test('surnameReadings: the readings of a kanji surname (variant-folded), none for an unknown spelling', () => {
    assert.deepEqual(surnameReadings('田原'), ['たはら', 'たわら']);
    assert.deepEqual(surnameReadings('渡邉'), surnameReadings('渡辺'));
    assert.equal(surnameReadings('太郎'), undefined);
  });
  test('foldRomaji', () => {
    assert.equal(foldRomaji('Satou'), 'sato');
    assert.equal(foldRomaji('Satoh'), 'sato');
    assert.equal(foldRomaji('Ohno'), foldRomaji('Ono'));
    assert.equal(foldRomaji('Sampei'), 'sanpei');
    assert.equal(foldRomaji('Yuuki'), 'yuki');
  });
  test('generated table is sorted by popularity and non-trivial', () => {
    const lines = SURNAME_TSV.split('\n');
    assert.ok(lines.length > 1500, String(lines.length));
    assert.match(lines[0]!, /^佐藤\t\d+\tさとう\tsatou$/u);
    const weights = lines.map((l) => Number(l.split('\t')[1]));
    for (let i = 1; i < weights.length; i++) assert.ok(weights[i - 1]! >= weights[i]!);
  });
});

describe('properties', () => {
  const arb = fc.oneof(fc.string({ unit: 'binary' }), japaneseishString);
  test('never throws; family/given are null or non-empty', () => {
    fc.assert(
      fc.property(arb, (s) => {
        const r = splitFullName(s);
        assert.notEqual(r.family, '');
        assert.notEqual(r.given, '');
        if (r.family === null) assert.equal(r.method, 'empty');
      }),
      { numRuns: 1000 },
    );
  });
  test('no-space split loses no characters', () => {
    const kanjiName = fc
      .array(fc.constantFrom(...'山田佐藤鈴木高橋太郎花子一郎美々子渡辺'.split('')), { minLength: 1, maxLength: 6 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(kanjiName, (s) => {
        const r = splitFullName(s);
        assert.equal(`${r.family ?? ''}${r.given ?? ''}`, s);
      }),
    );
  });
  test('a no-space split re-joined with a space splits the same way', () => {
    fc.assert(
      fc.property(fc.oneof(japaneseishString, kanaTriple.map((t) => t.full)), (s) => {
        const r = splitFullName(s);
        if (!['dictionary', 'script_boundary', 'heuristic'].includes(r.method)) return;
        const again = splitFullName(`${r.family} ${r.given}`);
        assert.deepEqual([again.family, again.given], [r.family, r.given]);
      }),
    );
  });
  test('half-width katakana splits like full-width', () => {
    fc.assert(
      fc.property(kanaTriple, kanaTriple, (a, b) => {
        const full = splitFullName(`${a.full} ${b.full}`);
        const half = splitFullName(`${a.half} ${b.half}`);
        assert.deepEqual(half, full);
      }),
    );
  });
});
