import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeCompanyName, companyKanaKey, companyPlaceholderReason, isCompanyPlaceholder, legalFormsCompatible, type CompanyName } from '../../../src/domain/companies/index.ts';
import { japaneseishString, kanaTriple } from '../normalize/arbitraries.ts';

function company(raw: string): CompanyName {
  const r = analyzeCompanyName(raw);
  assert.equal(r.kind, 'company', raw);
  return r as CompanyName;
}

describe('analyzeCompanyName: the ledger examples', () => {
  test('さくら情報システム in three spellings is one name, with its 法人格', () => {
    const spellings = ['さくら情報システム 株式会社', 'さくら情報システム(株)', 'さくら情報システム株式会社', 'さくら情報システム（株）', 'さくら情報システム㈱'];
    const names = spellings.map(company);
    for (const n of names) {
      assert.deepEqual([n.legalForm, n.position, n.core, n.canonicalName], ['株式会社', 'suffix', 'さくら情報システム', 'さくら情報システム株式会社']);
    }
    assert.equal(new Set(names.map((n) => n.key)).size, 1);
  });
  test('エスペック(株) and エスペック株式会社 share a key', () => {
    assert.equal(company('エスペック(株)').key, company('エスペック株式会社').key);
  });
  test('(株)GMB has a legal form (it was empty)', () => {
    const n = company('(株)GMB');
    assert.deepEqual([n.legalForm, n.position, n.core, n.canonicalName], ['株式会社', 'prefix', 'GMB', '株式会社GMB']);
  });
  test('「なし」 is no company', () => {
    assert.deepEqual(analyzeCompanyName('なし'), { kind: 'none', reason: 'none' });
  });
});

describe('analyzeCompanyName: spellings', () => {
  test('prefix and suffix, full and half width, abbreviations, English forms', () => {
    const key = company('株式会社ダイチョウ').key;
    for (const x of ['ダイチョウ株式会社', '㈱ダイチョウ', '（株）ダイチョウ', 'ﾀﾞｲﾁｮｳ(株)', 'ｶ)ﾀﾞｲﾁｮｳ', 'ダイチョウ　株式会社', '株式会社　ダイチョウ']) {
      assert.equal(company(x).key, key, x);
      assert.equal(company(x).legalForm, '株式会社', x);
    }
    for (const [x, form] of [['Daicho Co., Ltd.', '株式会社'], ['DAICHO K.K.', '株式会社'], ['Daicho Inc.', '株式会社'], ['Daicho LLC', '合同会社']] as const) {
      assert.deepEqual([company(x).legalForm, company(x).romaji], [form, 'daicho'], x);
    }
    // English names keep their own legal-form spelling when shown.
    assert.equal(company('Daicho Co., Ltd.').canonicalName, 'Daicho Co., Ltd.');
    assert.equal(company('(有)山田屋').canonicalName, '有限会社山田屋');
    assert.equal(company('山田屋(同)').canonicalName, '山田屋合同会社');
  });
  test('the branch is split off and not part of the key', () => {
    const n = company('株式会社ダイチョウ 東京支店');
    assert.deepEqual([n.core, n.branch, n.canonicalName], ['ダイチョウ', '東京支店', '株式会社ダイチョウ']);
    assert.equal(company('ＮＴＴデータ㈱ 第一営業部').branch, '第一営業部');
  });
  test('loose key: small kana and long vowels', () => {
    assert.notEqual(company('キヤノン株式会社').key, company('キャノン株式会社').key);
    assert.equal(company('キヤノン株式会社').looseKey, company('キャノン株式会社').looseKey);
    assert.equal(company('ABCコンピュータ株式会社').looseKey, company('ABCコンピューター(株)').looseKey);
  });
  test('romaji bridges latin and kana names; short initials do not', () => {
    assert.equal(company('ダイチョウ株式会社').romaji, company('Daicho Co., Ltd.').romaji);
    assert.equal(company('ABC株式会社').romaji, null);
    assert.equal(company('山田商事株式会社').romaji, null);
  });
});

describe('placeholders', () => {
  test('values that are no company, with the reason', () => {
    const cases: Array<[string, string]> = [
      ['なし', 'none'], ['無し', 'none'], ['ナシ', 'none'], ['特になし', 'none'], ['なし（個人）', 'none'], ['不明', 'none'],
      ['n/a', 'none'], ['N/A', 'none'], ['none', 'none'], ['None', 'none'], ['ー', 'none'],
      ['-', 'empty'], ['－', 'empty'], ['―', 'empty'], ['・', 'empty'], ['***', 'empty'], ['', 'empty'], ['  ', 'empty'], ['〃', 'empty'], ['同上', 'empty'],
      ['個人', 'individual'], ['個人事業主', 'individual'], ['自営業', 'individual'], ['フリーランス', 'individual'], ['個人/自営', 'individual'],
      ['無職', 'occupation'], ['会社員', 'occupation'], ['学生', 'occupation'], ['主婦', 'occupation'], ['パート・アルバイト', 'occupation'],
      ['テスト', 'test'], ['test', 'test'], ['ダミー', 'test'],
      ['株式会社', 'legal_form_only'], ['(株)', 'legal_form_only'], ['㈱', 'legal_form_only'], ['Co., Ltd.', 'legal_form_only'],
    ];
    for (const [raw, reason] of cases) {
      assert.equal(companyPlaceholderReason(raw), reason, raw);
      assert.deepEqual(analyzeCompanyName(raw), { kind: 'none', reason }, raw);
    }
  });
  test('a placeholder with a legal form or an honorific is still none', () => {
    assert.equal(analyzeCompanyName('(株)テスト').kind, 'none');
    assert.equal(analyzeCompanyName('なし 御中').kind, 'none');
  });
  test('names that merely contain such words are companies', () => {
    for (const x of ['個人タクシー山田', 'なしの木農園', 'テストサービス株式会社', '株式会社フリー', '学生援護会', 'サンプル物産']) {
      assert.equal(isCompanyPlaceholder(x), false, x);
      assert.equal(analyzeCompanyName(x).kind, 'company', x);
    }
  });
});

describe('companyKanaKey and legalFormsCompatible', () => {
  test('legal-form words are dropped from a reading', () => {
    const k = companyKanaKey('だいちょう');
    for (const x of ['カブシキガイシャ ダイチョウ', 'ダイチョウ カブシキカイシャ', 'ﾀﾞｲﾁｮｳ(ｶ', 'ｶ)ﾀﾞｲﾁｮｳ', 'ダイチョウ']) assert.equal(companyKanaKey(x), k, x);
    assert.equal(companyKanaKey('カブシキガイシャ'), null);
    assert.equal(companyKanaKey(null), null);
  });
  test('compatibility', () => {
    assert.equal(legalFormsCompatible('株式会社', '株式会社'), true);
    assert.equal(legalFormsCompatible('株式会社', null), true);
    assert.equal(legalFormsCompatible('社団法人', '一般社団法人'), true);
    assert.equal(legalFormsCompatible('財団法人', '公益財団法人'), true);
    assert.equal(legalFormsCompatible('株式会社', '有限会社'), false);
    assert.equal(legalFormsCompatible('一般社団法人', '一般財団法人'), false);
  });
});

describe('properties', () => {
  const core = fc.oneof(
    kanaTriple.filter((t) => t.full.length >= 2).map((t) => t.full),
    fc.constantFrom('さくら情報システム', 'エスペック', 'GMB', '山田商事', '日本製鉄', 'ダイチョウ', 'Daicho', '髙島屋'),
  );
  const spelling = fc.constantFrom(
    (w: string) => `株式会社${w}`, (w: string) => `${w}株式会社`, (w: string) => `${w} 株式会社`, (w: string) => `株式会社 ${w}`,
    (w: string) => `㈱${w}`, (w: string) => `${w}㈱`, (w: string) => `(株)${w}`, (w: string) => `${w}(株)`, (w: string) => `（株）${w}`,
    (w: string) => `${w}（株）`, (w: string) => `${w} 御中`, (w: string) => `${w}株式会社 東京支店`, (w: string) => w,
  );
  test('every spelling and position of 株式会社 gives one key and one legal form', () => {
    fc.assert(
      fc.property(core, spelling, spelling, (w, f, g) => {
        const a = analyzeCompanyName(f(w));
        const b = analyzeCompanyName(g(w));
        assert.equal(a.kind, 'company');
        assert.equal(b.kind, 'company');
        assert.equal((a as CompanyName).key, (b as CompanyName).key);
        const forms = [(a as CompanyName).legalForm, (b as CompanyName).legalForm].filter((x) => x !== null);
        assert.ok(forms.every((x) => x === '株式会社'));
      }),
      { numRuns: 500 },
    );
  });
  test('half-width katakana names key like full-width ones', () => {
    fc.assert(
      fc.property(kanaTriple.filter((t) => t.full.length >= 2), (t) => {
        const a = analyzeCompanyName(`${t.half}(株)`);
        const b = analyzeCompanyName(`株式会社${t.full}`);
        if (a.kind === 'company' && b.kind === 'company') assert.equal(a.key, b.key);
        else assert.equal(a.kind, b.kind);
      }),
    );
  });
  test('never throws; a company has a non-empty key and a canonical name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString), (s) => {
        const r = analyzeCompanyName(s);
        if (r.kind === 'company') {
          assert.ok(r.key.length > 0);
          assert.ok(r.canonicalName.length > 0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
