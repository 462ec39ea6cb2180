import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  assessSme,
  classifyIndustry,
  employeeSizeBand,
  JSIC_MAJOR,
  JSIC_MIDDLE,
  jsicMajorOfMiddle,
  parseEmployeeCount,
  parseYenAmount,
  SIZE_BANDS,
  smeSectorsOf,
} from '../../../src/domain/companies/index.ts';

describe('JSIC tables', () => {
  test('20 divisions A–T and 99 groups in code order, each under its division', () => {
    assert.deepEqual(Object.keys(JSIC_MAJOR), 'ABCDEFGHIJKLMNOPQRST'.split(''));
    assert.equal(Object.keys(JSIC_MIDDLE).length, 99);
    const spot: Array<[string, string, string]> = [
      ['01', 'A', '農業'], ['05', 'C', '鉱業、採石業、砂利採取業'], ['06', 'D', '総合工事業'], ['09', 'E', '食料品製造業'],
      ['32', 'E', 'その他の製造業'], ['33', 'F', '電気業'], ['37', 'G', '通信業'], ['39', 'G', '情報サービス業'],
      ['42', 'H', '鉄道業'], ['50', 'I', '各種商品卸売業'], ['61', 'I', '無店舗小売業'], ['62', 'J', '銀行業'], ['68', 'K', '不動産取引業'],
      ['73', 'L', '広告業'], ['76', 'M', '飲食店'], ['80', 'N', '娯楽業'], ['81', 'O', '学校教育'], ['85', 'P', '社会保険・社会福祉・介護事業'],
      ['87', 'Q', '協同組合（他に分類されないもの）'], ['91', 'R', '職業紹介・労働者派遣業'], ['96', 'R', '外国公務'], ['98', 'S', '地方公務'],
      ['99', 'T', '分類不能の産業'],
    ];
    for (const [code, major, name] of spot) {
      assert.deepEqual(JSIC_MIDDLE[code], { major, name }, code);
      assert.equal(jsicMajorOfMiddle(code), major);
    }
  });
});

describe('classifyIndustry', () => {
  const cases: Array<[string, string | null, string | null]> = [
    ['IT', 'G', '39'], ['情報通信', 'G', null], ['情報通信業', 'G', null], ['ソフトウェア', 'G', '39'], ['ソフトウェア開発・販売', 'G', '39'],
    ['システム開発', 'G', '39'], ['Web制作', 'G', null], ['SaaS', 'G', '40'], ['通信', 'G', '37'], ['出版', 'G', '41'],
    ['製造', 'E', null], ['製造業', 'E', null], ['食品メーカー', 'E', '09'], ['自動車部品製造', 'E', '31'], ['水産加工', 'E', '09'], ['半導体', 'E', '28'],
    ['小売', 'I', null], ['小売業', 'I', null], ['卸売業、小売業', 'I', null], ['卸売・小売業', 'I', null], ['商社', 'I', null], ['ネット通販', 'I', '61'],
    ['建設', 'D', null], ['建設業', 'D', null], ['電気工事', 'D', '08'],
    ['不動産', 'K', null], ['不動産業', 'K', null], ['不動産管理', 'K', '69'],
    ['銀行', 'J', '62'], ['保険代理店', 'J', '67'], ['運送', 'H', '44'], ['物流', 'H', '44'],
    ['飲食店', 'M', '76'], ['ホテル', 'M', '75'], ['美容室', 'N', '78'], ['学習塾', 'O', '82'], ['介護', 'P', '85'], ['人材派遣', 'R', '91'],
    ['コンサルティング', 'L', '72'], ['広告代理店', 'L', '73'], ['官公庁', 'S', null], ['農業', 'A', '01'], ['漁業', 'B', null], ['養殖', 'B', '04'],
    // Codes as written in exports.
    ['G', 'G', null], ['G39', 'G', '39'], ['E-29', 'E', '29'], ['39', 'G', '39'], ['39 情報サービス業', 'G', '39'], ['G: 情報通信業', 'G', null], ['JSIC 76', 'M', '76'],
    // Unknown stays unmapped.
    ['その他', null, null], ['', null, null], ['C向け', null, null], ['2023年設立', null, null], ['digital', null, null], ['A社', null, null],
  ];
  test('free text, official names and codes', () => {
    for (const [raw, major, middle] of cases) {
      const c = classifyIndustry(raw);
      assert.deepEqual([c.major, c.middle], [major, middle], raw);
      assert.equal(c.raw, raw.trim());
      if (major === null) assert.deepEqual([c.label, c.via], [null, null], raw);
      else assert.ok(c.label !== null && c.via !== null, raw);
    }
  });
  test('labels and the SME-relevant minor groups', () => {
    assert.equal(classifyIndustry('IT').label, '情報サービス業');
    assert.equal(classifyIndustry('不動産').label, '不動産業、物品賃貸業');
    assert.deepEqual([classifyIndustry('旅行代理店').minor, classifyIndustry('旅行代理店').label], ['791', '旅行業']);
    assert.equal(classifyIndustry('月極駐車場').minor, '693');
    assert.equal(classifyIndustry('商社').trade, 'wholesale');
    assert.equal(classifyIndustry('小売').trade, 'retail');
    assert.equal(classifyIndustry('飲食料品卸売業').trade, 'wholesale');
  });
  test('never throws; a mapped result is consistent with the tables', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const c = classifyIndustry(s);
        if (c.middle !== null) assert.equal(JSIC_MIDDLE[c.middle]!.major, c.major);
        if (c.major === null) assert.equal(c.middle, null);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseEmployeeCount and size bands', () => {
  test('the ways people write it', () => {
    const cases: Array<[string, number | null, number | null, number | null, boolean]> = [
      ['約300名', 300, 300, 300, true], ['1,200人', 1200, 1200, 1200, false], ['１，２００人', 1200, 1200, 1200, false], ['1万人', 10000, 10000, 10000, false],
      ['三百名', 300, 300, 300, false], ['120', 120, 120, 120, false], ['300〜499名', null, 300, 499, false], ['300名～499名', null, 300, 499, false],
      ['2000-3000名', null, 2000, 3000, false], ['50名以上', null, 50, null, false], ['1000名超', null, 1001, null, false], ['10名未満', null, null, 9, false],
      ['100名程度', 100, 100, 100, true], ['従業員数:120名(2023年4月時点)', 120, 120, 120, false], ['単体 1,000名 / 連結 5,000名', 1000, 1000, 1000, false],
    ];
    for (const [raw, value, min, max, approximate] of cases) {
      assert.deepEqual(parseEmployeeCount(raw), { value, min, max, approximate, reason: null }, raw);
    }
    assert.equal(parseEmployeeCount('非公開').reason, 'undisclosed');
    assert.equal(parseEmployeeCount('-').reason, 'undisclosed');
    assert.equal(parseEmployeeCount('数名').reason, 'unparseable');
    assert.equal(parseEmployeeCount('').reason, 'empty');
  });
  test('bands', () => {
    const cases: Array<[number | string, string | null]> = [
      [0, '1-9'], [1, '1-9'], [9, '1-9'], [10, '10-49'], [49, '10-49'], [50, '50-299'], [299, '50-299'], [300, '300-999'], [999, '300-999'],
      [1000, '1000+'], ['約300名', '300-999'], ['1,200人', '1000+'], ['300〜499名', '300-999'], ['200〜400名', null], ['1000名以上', '1000+'],
      ['300名以上', null], ['10名未満', '1-9'], ['非公開', null], [-1, null],
    ];
    for (const [input, band] of cases) assert.equal(employeeSizeBand(input), band, String(input));
  });
  test('every count falls in exactly the band whose bounds hold it', () => {
    const bounds: Record<string, [number, number]> = { '1-9': [0, 9], '10-49': [10, 49], '50-299': [50, 299], '300-999': [300, 999], '1000+': [1000, Infinity] };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), (n) => {
        const band = employeeSizeBand(n)!;
        assert.ok(SIZE_BANDS.includes(band));
        const [lo, hi] = bounds[band]!;
        assert.ok(n >= lo && n <= hi);
        assert.equal(employeeSizeBand(`${n.toLocaleString('en-US')}名`), band);
      }),
    );
  });
});

describe('parseYenAmount', () => {
  test('資本金 and 売上 as written', () => {
    const cases: Array<[string, number]> = [
      ['3億円', 300_000_000], ['5000万円', 50_000_000], ['1億2000万円', 120_000_000], ['10百万円', 10_000_000], ['1,000千円', 1_000_000],
      ['3.5億円', 350_000_000], ['¥50,000,000', 50_000_000], ['￥50,000,000', 50_000_000], ['1兆2,000億円', 1_200_000_000_000],
      ['三億円', 300_000_000], ['五千万円', 50_000_000], ['1億3千万円', 130_000_000], ['資本金 100,000,000円', 100_000_000],
      ['2023年3月期 売上高 10億円', 1_000_000_000], ['令和元年度 3億円', 300_000_000], ['５，０００万円', 50_000_000],
    ];
    for (const [raw, value] of cases) assert.deepEqual(parseYenAmount(raw), { value, min: value, max: value, approximate: false, reason: null }, raw);
    assert.deepEqual(parseYenAmount('約10億円'), { value: 1e9, min: 1e9, max: 1e9, approximate: true, reason: null });
    assert.deepEqual(parseYenAmount('1〜5億円'), { value: null, min: 1e8, max: 5e8, approximate: false, reason: null });
    assert.deepEqual(parseYenAmount('100億円以上'), { value: null, min: 1e10, max: null, approximate: false, reason: null });
    assert.equal(parseYenAmount('US$5M').reason, 'foreign_currency');
    assert.equal(parseYenAmount('500万ドル').reason, 'foreign_currency');
    assert.equal(parseYenAmount('非公開').reason, 'undisclosed');
  });
  test('round trip: 億 and 万 spellings of whole 万円 amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 9999 }), (oku, man) => {
        const text = oku > 0 ? `${oku}億${man}万円` : `${man}万円`;
        assert.equal(parseYenAmount(text).value, oku * 1e8 + man * 1e4);
        assert.equal(parseYenAmount(`${(oku * 1e8 + man * 1e4).toLocaleString('en-US')}円`).value, oku * 1e8 + man * 1e4);
      }),
    );
  });
});

describe('中小企業 (中小企業基本法 第2条)', () => {
  test('sectors from JSIC', () => {
    assert.deepEqual(smeSectorsOf(classifyIndustry('製造業')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('建設')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('運送')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('商社')), ['wholesale']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('小売')), ['retail']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('飲食店')), ['retail']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('ソフトウェア')), ['service']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('通信')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('SaaS')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('ホテル')), ['service']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('旅行代理店')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('駐車場')), ['service']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('不動産仲介')), ['manufacturing']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('リース')), ['service']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('介護')), ['service']);
    assert.deepEqual(smeSectorsOf(classifyIndustry('情報通信')), ['manufacturing', 'service']);
    assert.equal(smeSectorsOf(classifyIndustry('その他')).length, 4);
  });
  test('either criterion suffices, at the limits', () => {
    const sme = (industry: string, capital: string | null, employees: string | null) => assessSme({ industry: classifyIndustry(industry), capital, employees }).sme;
    // 製造業その他: 3億円 / 300人
    assert.equal(sme('製造業', '3億円', '5000名'), true);
    assert.equal(sme('製造業', '3億1万円', '300名'), true);
    assert.equal(sme('製造業', '3億1万円', '301名'), false);
    // 卸売業: 1億円 / 100人
    assert.equal(sme('商社', '1億円', '500名'), true);
    assert.equal(sme('商社', '1億1万円', '101名'), false);
    // サービス業: 5000万円 / 100人
    assert.equal(sme('ソフトウェア', '1億円', '100名'), true);
    assert.equal(sme('ソフトウェア', '5001万円', '101名'), false);
    // 小売業: 5000万円 / 50人
    assert.equal(sme('小売', '1億円', '50名'), true);
    assert.equal(sme('小売', '1億円', '51名'), false);
    assert.equal(sme('飲食店', '5000万円', '200名'), true);
  });
  test('unknowns stay unknown; sectors that agree decide', () => {
    assert.equal(assessSme({ industry: classifyIndustry('製造業'), capital: '10億円' }).sme, null);
    assert.equal(assessSme({ capital: '3000万円' }).sme, true);
    assert.equal(assessSme({ employees: '20名' }).sme, true);
    assert.equal(assessSme({ employees: '200名' }).sme, null);
    assert.equal(assessSme({ capital: '10億円', employees: '5000名' }).sme, false);
    assert.equal(assessSme({ industry: classifyIndustry('製造業'), capital: '10億円', employees: '250〜400名' }).sme, null);
    assert.equal(assessSme({ industry: classifyIndustry('製造業'), capital: 1e9, employees: 1200 }).sme, false);
    assert.equal(assessSme({ sector: 'retail', capital: '非公開', employees: '40名' }).sme, true);
  });
  test('小規模企業者: 20人 (製造業その他) / 5人 (商業・サービス業)', () => {
    assert.equal(assessSme({ industry: classifyIndustry('製造業'), employees: '20名' }).small, true);
    assert.equal(assessSme({ industry: classifyIndustry('製造業'), employees: '21名' }).small, false);
    assert.equal(assessSme({ industry: classifyIndustry('小売'), employees: '5名' }).small, true);
    assert.equal(assessSme({ industry: classifyIndustry('ソフトウェア'), employees: '6名' }).small, false);
    assert.equal(assessSme({ employees: '10名' }).small, null);
  });
});
