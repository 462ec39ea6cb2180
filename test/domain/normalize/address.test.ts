import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAddress, normalizeAddressNumbers } from '../../../src/domain/normalize/address.ts';
import { prefectureFromPostal } from '../../../src/domain/normalize/postal.ts';
import { PREFECTURES, prefectureCode, prefectureByCode } from '../../../src/domain/normalize/prefectures.ts';
import { japaneseishString } from './arbitraries.ts';

describe('normalizeAddressNumbers', () => {
  test('丁目/番地/番/号 and dashes → 1-2-3', () => {
    for (const x of [
      '千代田1丁目2番3号',
      '千代田一丁目二番三号',
      '千代田１丁目２番地３',
      '千代田1丁目2番地の3',
      '千代田1丁目2-3',
      '千代田1-2-3',
      '千代田1-2-3号',
      '千代田１－２－３',
      '千代田1‐2‐3',
      '千代田1―2―3',
      '千代田1ー2ー3',
      '千代田1ｰ2ｰ3',
      '千代田1−2−3',
      '千代田1の2の3',
      '千代田 1 - 2 - 3',
    ]) {
      assert.equal(normalizeAddressNumbers(x).replace(/\s+/gu, ''), '千代田1-2-3', x);
    }
  });
  test('番地 alone, lone 丁目, larger kanji numerals', () => {
    assert.equal(normalizeAddressNumbers('大字山田123番地'), '大字山田123');
    assert.equal(normalizeAddressNumbers('山田百二十三番地の四'), '山田123-4');
    assert.equal(normalizeAddressNumbers('銀座四丁目'), '銀座4丁目');
    assert.equal(normalizeAddressNumbers('北一条西二丁目'), '北1条西2丁目');
  });
  test('kanji numerals that are part of place names are kept', () => {
    assert.equal(normalizeAddressNumbers('千代田区一番町'), '千代田区一番町');
    assert.equal(normalizeAddressNumbers('世田谷区三軒茶屋'), '世田谷区三軒茶屋');
    assert.equal(normalizeAddressNumbers('千代田区九段南'), '千代田区九段南');
    assert.equal(normalizeAddressNumbers('十日町市'), '十日町市');
  });
  test('katakana long vowel in names is not a dash', () => {
    assert.equal(normalizeAddressNumbers('センタービル1-1'), 'センタービル1-1');
  });
});

describe('parseAddress', () => {
  test('full example with postal code and kanji numerals', () => {
    assert.deepEqual(parseAddress('〒100-0001 東京都千代田区千代田一丁目1番1号'), {
      postalCode: '1000001',
      prefecture: '東京都',
      prefectureSource: 'text',
      prefectureConflict: false,
      rest: '千代田区千代田1-1-1',
      building: null,
      normalized: '東京都千代田区千代田1-1-1',
      matchKey: '東京都千代田区千代田1-1-1',
    });
  });
  test('47 prefectures are detected at the start', () => {
    for (const p of PREFECTURES) {
      const r = parseAddress(`${p}テスト町1-2-3`);
      assert.equal(r.prefecture, p);
      assert.equal(r.rest, 'テスト町1-2-3');
    }
  });
  test('building split', () => {
    const cases: Array<[string, string, string | null]> = [
      ['東京都豊島区東池袋3-1-1 サンシャイン60 45階', '豊島区東池袋3-1-1', 'サンシャイン60 45階'],
      ['東京都中央区銀座4-6-16 〇〇マンション101号室', '中央区銀座4-6-16', '〇〇マンション101号室'],
      ['東京都世田谷区三軒茶屋2丁目11番22号サンタワーズ', '世田谷区三軒茶屋2-11-22', 'サンタワーズ'],
      ['東京都港区六本木6-10-1 六本木ヒルズ森タワー', '港区六本木6-10-1', '六本木ヒルズ森タワー'],
      ['東京都新宿区西新宿２－８－１ 都庁第一本庁舎 ５F', '新宿区西新宿2-8-1', '都庁第一本庁舎 5F'],
      ['神奈川県横浜市西区みなとみらい2-2-1-101', '横浜市西区みなとみらい2-2-1', '101'],
      ['東京都千代田区千代田1丁目 ABCビル', '千代田区千代田1丁目', 'ABCビル'],
      ['北海道札幌市中央区北一条西二丁目1-1', '札幌市中央区北1条西2-1-1', null],
      ['大阪府大阪市北区梅田3丁目1番3号', '大阪市北区梅田3-1-3', null],
    ];
    for (const [input, rest, building] of cases) {
      const r = parseAddress(input);
      assert.deepEqual([r.rest, r.building], [rest, building], input);
    }
  });
  test('prefecture inferred from city names and short forms', () => {
    assert.deepEqual([parseAddress('横浜市中区1-1').prefecture, parseAddress('横浜市中区1-1').prefectureSource], ['神奈川県', 'city']);
    assert.equal(parseAddress('新宿区西新宿2-8-1').prefecture, '東京都');
    assert.equal(parseAddress('名古屋市中村区名駅1-1-4').prefecture, '愛知県');
    const kyoto = parseAddress('京都市中京区寺町通御池上る上本能寺前町488番地');
    assert.deepEqual([kyoto.prefecture, kyoto.rest], ['京都府', '京都市中京区寺町通御池上る上本能寺前町488']);
    const short = parseAddress('東京千代田区丸の内1-9-1');
    assert.deepEqual([short.prefecture, short.rest], ['東京都', '千代田区丸の内1-9-1']);
    // 大阪市福島区 / 福岡県京都郡 must not be read as 福島県 / 京都府.
    assert.equal(parseAddress('福島区福島1-1-1').prefecture, null);
    assert.equal(parseAddress('京都郡苅田町1-1').prefecture, null);
  });
  test('prefecture from postal code and conflicts', () => {
    const r = parseAddress('中央区銀座4-6-16', '104-0061');
    assert.deepEqual([r.prefecture, r.prefectureSource, r.postalCode], ['東京都', 'postal', '1040061']);
    assert.equal(parseAddress('大阪府中央区銀座4-6-16', '104-0061').prefectureConflict, true);
    assert.equal(parseAddress('〒530-0001 北区梅田3-1-3').prefecture, '大阪府');
    assert.equal(parseAddress('東京都中央区銀座4-6-16', '１０４－００６１').prefectureConflict, false);
  });
  test('match key folds ヶ/ケ/が, variant kanji, 大字, spaces', () => {
    const k = parseAddress('東京都千代田区霞が関1-1-1').matchKey;
    assert.equal(parseAddress('東京都千代田区霞ヶ関１丁目１番１号').matchKey, k);
    assert.equal(parseAddress('東京都 千代田区 霞ケ関 1-1-1').matchKey, k);
    assert.equal(parseAddress('茨城県つくば市大字山田123').matchKey, parseAddress('茨城県つくば市山田123番地').matchKey);
    assert.equal(parseAddress('東京都澁谷区1-1').matchKey, '東京都渋谷区1-1');
  });
});

describe('prefectures and postal → prefecture table', () => {
  test('codes', () => {
    assert.equal(PREFECTURES.length, 47);
    assert.equal(prefectureByCode(13), '東京都');
    assert.equal(prefectureByCode(48), null);
    assert.equal(prefectureCode('大阪'), 27);
    assert.equal(prefectureCode('北海'), null);
  });
  test('prefectureFromPostal', () => {
    assert.equal(prefectureFromPostal('〒100-0001'), '東京都');
    assert.equal(prefectureFromPostal('060-0001'), '北海道');
    assert.equal(prefectureFromPostal('900-0001'), '沖縄県');
    assert.equal(prefectureFromPostal('530-0001'), '大阪府');
    // 3-digit areas that cross a border: exact-code exceptions.
    assert.equal(prefectureFromPostal('498-0801'), '三重県');
    assert.equal(prefectureFromPostal('498-0001'), '愛知県');
    // Shared by two prefectures → unknown.
    assert.equal(prefectureFromPostal('498-0000'), null);
    assert.equal(prefectureFromPostal('000-1234'), null);
    assert.equal(prefectureFromPostal('abc'), null);
  });
});

describe('properties', () => {
  const arb = fc.oneof(fc.string({ unit: 'binary' }), japaneseishString);
  test('never throws; normalizeAddressNumbers is idempotent', () => {
    fc.assert(
      fc.property(arb, (s) => {
        const n = normalizeAddressNumbers(s);
        assert.equal(normalizeAddressNumbers(n), n);
        parseAddress(s, s);
      }),
      { numRuns: 1000 },
    );
  });
  const street = fc.tuple(
    fc.constantFrom(...PREFECTURES),
    fc.constantFrom('千代田区千代田', '大阪市北区梅田', '札幌市中央区北1条西', 'つくば市山田'),
    fc.array(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', ' サンシャインビル5F', ' メゾン山田101号室', ' ABCビル 3階'),
  );
  test('parsing the normalised form again is a fixpoint', () => {
    fc.assert(
      fc.property(street, ([p, town, nums, bld]) => {
        const r = parseAddress(`${p}${town}${nums.join('-')}${bld}`);
        const again = parseAddress(r.normalized);
        assert.equal(again.normalized, r.normalized);
        assert.equal(again.matchKey, r.matchKey);
        assert.equal(r.prefecture, p);
      }),
    );
  });
  test('丁目番号 spelling, full width and dash style do not change the result', () => {
    const toFull = (s: string): string => s.replace(/[0-9]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(street, fc.constantFrom('－', 'ー', '‐', '−', '―'), ([p, town, nums, bld], dash) => {
        const base = parseAddress(`${p}${town}${nums.join('-')}${bld}`);
        const jp =
          nums.length === 3
            ? `${nums[0]}丁目${nums[1]}番${nums[2]}号`
            : nums.length === 2
              ? `${nums[0]}番地${nums[1]}`
              : `${nums[0]}番地`;
        assert.equal(parseAddress(`${p}${town}${jp}${bld}`).normalized, base.normalized);
        assert.equal(parseAddress(toFull(`${p}${town}${nums.join(dash)}${bld}`)).normalized, base.normalized);
      }),
    );
  });
});
