import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCompanyName, companyMatchKey } from '../../../src/domain/normalize/company.ts';
import { japaneseishString, kanaTriple } from './arbitraries.ts';

describe('parseCompanyName: Japanese legal forms', () => {
  test('株式会社 in every spelling, prefix and suffix', () => {
    for (const x of ['株式会社ダイチョウ', '株式会社 ダイチョウ', '㈱ダイチョウ', '(株)ダイチョウ', '（株）ダイチョウ', '㍿ダイチョウ', 'ｶ)ﾀﾞｲﾁｮｳ', '株)ダイチョウ']) {
      const r = parseCompanyName(x);
      assert.deepEqual([r.legalForm, r.position, r.core], ['株式会社', 'prefix', 'ダイチョウ'], x);
    }
    for (const x of ['ダイチョウ株式会社', 'ダイチョウ㈱', 'ダイチョウ（株）', 'ﾀﾞｲﾁｮｳ(ｶ', 'ダイチョウ(株']) {
      const r = parseCompanyName(x);
      assert.deepEqual([r.legalForm, r.position, r.core], ['株式会社', 'suffix', 'ダイチョウ'], x);
    }
  });
  test('other forms', () => {
    const cases: Array<[string, string, string]> = [
      ['(有)山田屋', '有限会社', '山田屋'],
      ['山田屋㈲', '有限会社', '山田屋'],
      ['合同会社DMM.com', '合同会社', 'DMM.com'],
      ['(同)ダイチョウ', '合同会社', 'ダイチョウ'],
      ['合資会社 山田酒造', '合資会社', '山田酒造'],
      ['合名会社山田', '合名会社', '山田'],
      ['一般社団法人 日本経済団体連合会', '一般社団法人', '日本経済団体連合会'],
      ['(一財)日本品質保証機構', '一般財団法人', '日本品質保証機構'],
      ['公益社団法人日本医師会', '公益社団法人', '日本医師会'],
      ['公益財団法人日本相撲協会', '公益財団法人', '日本相撲協会'],
      ['医療法人社団 健康会', '医療法人', '健康会'],
      ['医療法人財団健和会', '医療法人', '健和会'],
      ['社会福祉法人 恩賜財団済生会', '社会福祉法人', '恩賜財団済生会'],
      ['学校法人 早稲田大学', '学校法人', '早稲田大学'],
      ['特定非営利活動法人フローレンス', '特定非営利活動法人', 'フローレンス'],
      ['NPO法人フローレンス', '特定非営利活動法人', 'フローレンス'],
      ['独立行政法人国際協力機構', '独立行政法人', '国際協力機構'],
      ['ﾕ)ﾔﾏﾀﾞﾔ', '有限会社', 'ヤマダヤ'],
    ];
    for (const [input, form, core] of cases) {
      const r = parseCompanyName(input);
      assert.deepEqual([r.legalForm, r.core], [form, core], input);
    }
  });
  test('mutual companies, professional corporations, religious and old 公益法人 forms', () => {
    const cases: Array<[string, string, string]> = [
      ['日本生命保険相互会社', '相互会社', '日本生命保険'],
      ['有限責任監査法人トーマツ', '監査法人', 'トーマツ'],
      ['EY新日本有限責任監査法人', '監査法人', 'EY新日本'],
      ['弁護士法人 西村あさひ法律事務所', '弁護士法人', '西村あさひ法律事務所'],
      ['税理士法人山田会計', '税理士法人', '山田会計'],
      ['宗教法人 浅草寺', '宗教法人', '浅草寺'],
      ['国立大学法人東京大学', '国立大学法人', '東京大学'],
      ['地方独立行政法人 東京都立病院機構', '地方独立行政法人', '東京都立病院機構'],
      ['特例有限会社 山田商店', '有限会社', '山田商店'],
      ['㈳日本能率協会', '社団法人', '日本能率協会'],
      ['(財)日本品質保証機構', '財団法人', '日本品質保証機構'],
      ['企業組合 ワーカーズ', '企業組合', 'ワーカーズ'],
    ];
    for (const [input, form, core] of cases) {
      const r = parseCompanyName(input);
      assert.deepEqual([r.legalForm, r.core], [form, core], input);
    }
    // The newer forms win where an old spelling is contained in them.
    assert.equal(parseCompanyName('一般社団法人日本経済団体連合会').legalForm, '一般社団法人');
    assert.equal(parseCompanyName('公益財団法人日本相撲協会').legalForm, '公益財団法人');
  });
  test('no legal form', () => {
    assert.deepEqual(parseCompanyName('三井住友銀行'), {
      legalForm: null,
      position: null,
      core: '三井住友銀行',
      coreFolded: '三井住友銀行',
      branch: null,
    });
  });
});

describe('parseCompanyName: English forms', () => {
  test('suffixes', () => {
    const cases: Array<[string, string, string]> = [
      ['Daicho Co., Ltd.', '株式会社', 'Daicho'],
      ['Daicho Co.,Ltd.', '株式会社', 'Daicho'],
      ['DAICHO CO., LTD.', '株式会社', 'DAICHO'],
      ['ＤＡＩＣＨＯ　Ｃｏ．，Ｌｔｄ．', '株式会社', 'DAICHO'],
      ['Toyota Motor Corporation', '株式会社', 'Toyota Motor'],
      ['ABC K.K.', '株式会社', 'ABC'],
      ['Acme Inc.', '株式会社', 'Acme'],
      ['Acme Corp.', '株式会社', 'Acme'],
      ['Google LLC', '合同会社', 'Google'],
      ['Apple Japan G.K.', '合同会社', 'Apple Japan'],
      ['Yamada Y.K.', '有限会社', 'Yamada'],
      ['ダイチョウCo.,Ltd.', '株式会社', 'ダイチョウ'],
    ];
    for (const [input, form, core] of cases) {
      const r = parseCompanyName(input);
      assert.deepEqual([r.legalForm, r.position, r.core], [form, 'suffix', core], input);
    }
  });
  test('a name that merely contains English words is left alone', () => {
    assert.equal(parseCompanyName('ABC Holdings').legalForm, null);
    assert.equal(parseCompanyName('Incubate Fund').legalForm, null);
    for (const x of ['Costco', 'Costco.', 'Zinc', 'Bookk', 'Shellc']) {
      assert.deepEqual([parseCompanyName(x).legalForm, parseCompanyName(x).core], [null, x], x);
    }
  });
});

describe('parseCompanyName: branches', () => {
  test('space-separated branch token', () => {
    assert.deepEqual(parseCompanyName('㈱ダイチョウ 東京支店'), {
      legalForm: '株式会社',
      position: 'prefix',
      core: 'ダイチョウ',
      coreFolded: 'だいちょう',
      branch: '東京支店',
    });
    assert.equal(parseCompanyName('三菱UFJ銀行 渋谷支店').branch, '渋谷支店');
    assert.equal(parseCompanyName('株式会社ABC 本社').branch, '本社');
  });
  test('everything after a suffix legal form is the branch', () => {
    const r = parseCompanyName('ダイチョウ（株）大阪営業所');
    assert.deepEqual([r.core, r.branch], ['ダイチョウ', '大阪営業所']);
    assert.equal(parseCompanyName('日本郵便株式会社 東京中央郵便局').branch, '東京中央郵便局');
  });
  test('known place + suffix without space', () => {
    const r = parseCompanyName('株式会社山田商事大阪営業所');
    assert.deepEqual([r.core, r.branch], ['山田商事', '大阪営業所']);
    assert.deepEqual([parseCompanyName('株式会社ABC本社').core, parseCompanyName('株式会社ABC本社').branch], ['ABC', '本社']);
    assert.equal(parseCompanyName('株式会社ダイチョウ名古屋第2営業所').branch, '名古屋第2営業所');
  });
  test('a department after a space, and an office before its branch, are split off', () => {
    const cases: Array<[string, string, string]> = [
      ['株式会社読売新聞社 事業局', '読売新聞社', '事業局'],
      ['株式会社興伸デリバリーセンター モンダミン係', '興伸デリバリーセンター', 'モンダミン係'],
      ['株式会社NTT東日本北海道 １１６旭川センター', 'NTT東日本北海道', '116旭川センター'],
      ['株式会社ダイチョウ 営業本部 第一営業部', 'ダイチョウ', '営業本部 第一営業部'],
      ['東京大学 山田研究室', '東京大学', '山田研究室'],
      ['ヰセキ関西中部北陸支社 石川支店', 'ヰセキ関西中部', '北陸支社 石川支店'],
    ];
    for (const [input, core, branch] of cases) {
      const r = parseCompanyName(input);
      assert.deepEqual([r.core, r.branch], [core, branch], input);
    }
    assert.equal(companyMatchKey('株式会社ヰセキ関西中部北陸支社'), companyMatchKey('ヰセキ関西中部北陸支社 石川支店'));
    // Names that end in such a word themselves keep it.
    for (const x of ['国立研究開発法人国立がん研究センター', '株式会社日本データセンター', 'ABCグループ株式会社']) {
      assert.equal(parseCompanyName(x).branch, null, x);
    }
    assert.equal(parseCompanyName('国立研究開発法人 国立がん研究センター').core, '国立がん研究センター');
  });
  test('honorifics are removed', () => {
    assert.equal(parseCompanyName('ABC株式会社 御中').core, 'ABC');
    assert.equal(parseCompanyName('ABC株式会社 御中').branch, null);
  });
});

describe('companyMatchKey', () => {
  test('same company, different spellings', () => {
    const key = companyMatchKey('株式会社ダイチョウ');
    assert.equal(key, 'だいちょう');
    for (const x of ['ﾀﾞｲﾁｮｳ(株) 東京支店', 'ダイチョウ株式会社', 'ｶ)ﾀﾞｲﾁｮｳ', '㈱ だいちょう']) {
      assert.equal(companyMatchKey(x), key, x);
    }
    assert.equal(companyMatchKey('髙島屋株式会社'), companyMatchKey('株式会社高島屋'));
  });
});

describe('properties', () => {
  test('never throws; core has no surrounding spaces', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString), (s) => {
        const r = parseCompanyName(s);
        assert.equal(r.core, r.core.trim());
        assert.equal(r.position === null, r.legalForm === null);
      }),
      { numRuns: 1000 },
    );
  });
  const word = fc.oneof(
    kanaTriple.filter((t) => t.full.length >= 2).map((t) => t.full),
    fc.constantFrom('山田商事', 'ダイチョウ', 'ABC', '日本製鉄', 'サンプル物産', 'Daicho'),
  );
  test('legal form spelling and position do not change the match key', () => {
    fc.assert(
      fc.property(word, (w) => {
        const k = companyMatchKey(w);
        assert.equal(companyMatchKey(`株式会社${w}`), k);
        assert.equal(companyMatchKey(`${w}株式会社`), k);
        assert.equal(companyMatchKey(`㈱${w}`), k);
        assert.equal(companyMatchKey(`${w}（株）`), k);
      }),
    );
  });
  test('width invariance for katakana names', () => {
    fc.assert(
      fc.property(kanaTriple, (t) => {
        assert.equal(companyMatchKey(`㈱${t.half}`), companyMatchKey(`株式会社${t.full}`));
      }),
    );
  });
});
