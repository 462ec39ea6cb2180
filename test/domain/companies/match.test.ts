import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  chooseCompanyMatch,
  companyBlockingKeys,
  companyKey,
  companyLookupKeys,
  COMPANY_REASON_LABELS,
  decideCompanyPair,
  emailOrganisationDomain,
  groupCompanies,
  prepareCompany,
  registrableDomain,
  websiteDomain,
  type CompanyRecordInput,
} from '../../../src/domain/companies/index.ts';

const decide = (a: Omit<CompanyRecordInput, 'id'>, b: Omit<CompanyRecordInput, 'id'>) => decideCompanyPair(prepareCompany({ id: 'a', ...a }), prepareCompany({ id: 'b', ...b }));

describe('prepareCompany', () => {
  test('name, legal form, place, phone and own domains', () => {
    const p = prepareCompany({
      id: '1',
      name: 'さくら情報システム(株) 本社',
      corporateNumber: '７０００－０１２０－５０００２',
      address: '東京都港区芝浦1-2-3 シーバンスN館',
      postalCode: '105-0023',
      phones: ['03-3581-4161', '000-0000-0000', ''],
      website: 'https://www.sakura-is.co.jp/company/',
      emails: ['taro@sakura-is.co.jp', 'hanako@gmail.com', 'x@docomo.ne.jp'],
    });
    assert.equal(p.name?.key, 'さくら情報しすてむ');
    assert.equal(p.name?.branch, '本社');
    assert.equal(p.legalForm, '株式会社');
    assert.equal(p.corporateNumber, '7000012050002');
    assert.deepEqual([p.prefecture, p.city, p.postalCode], ['東京都', '港区', '1050023']);
    assert.deepEqual(p.phones, ['+81335814161']);
    assert.deepEqual(p.domains, ['sakura-is.co.jp']);
  });
  test('an explicit 法人格 column wins over the name, in any spelling', () => {
    assert.equal(prepareCompany({ id: '1', name: 'GMB', legalForm: '株式会社' }).legalForm, '株式会社');
    assert.equal(prepareCompany({ id: '1', name: 'GMB', legalForm: '(有)' }).legalForm, '有限会社');
    assert.equal(prepareCompany({ id: '1', name: 'GMB', legalForm: 'どれでもない' }).legalForm, null);
  });
  test('prefecture from the prefecture column, the address or the postal code', () => {
    assert.equal(prepareCompany({ id: '1', name: 'A社', prefecture: '大阪' }).prefecture, '大阪府');
    assert.equal(prepareCompany({ id: '1', name: 'A社', prefecture: '大阪府', address: '大阪市北区梅田1-1' }).city, '大阪市');
    assert.equal(prepareCompany({ id: '1', name: 'A社', postalCode: '530-0001' }).prefecture, '大阪府');
  });
  test('a placeholder has no name and no keys', () => {
    const p = prepareCompany({ id: '1', name: 'なし' });
    assert.deepEqual([p.name, p.placeholder, companyKey(p), companyLookupKeys(p), companyBlockingKeys(p)], [null, 'none', null, [], []]);
  });
});

describe('companyKey', () => {
  test('法人番号 when present, else the name key', () => {
    assert.equal(companyKey(prepareCompany({ id: '1', name: 'エスペック(株)' })), 'name:えすぺっく');
    assert.equal(companyKey(prepareCompany({ id: '1', name: 'エスペック株式会社' })), 'name:えすぺっく');
    assert.equal(companyKey(prepareCompany({ id: '1', name: '国税庁', corporateNumber: '7000012050002' })), 'cn:7000012050002');
    // An invalid number is no key.
    assert.equal(companyKey(prepareCompany({ id: '1', name: '国税庁', corporateNumber: '7000012050003' })), 'name:国税庁');
    assert.deepEqual(companyLookupKeys(prepareCompany({ id: '1', name: '国税庁', corporateNumber: '7000012050002' })), ['cn:7000012050002', 'name:国税庁']);
  });
});

describe('decideCompanyPair', () => {
  test('the ledger examples merge', () => {
    const sakura = ['さくら情報システム 株式会社', 'さくら情報システム(株)', 'さくら情報システム株式会社'];
    for (const a of sakura) for (const b of sakura) assert.equal(decide({ name: a }, { name: b }).outcome, 'merge', `${a} / ${b}`);
    const espec = decide({ name: 'エスペック(株)' }, { name: 'エスペック株式会社' });
    assert.equal(espec.outcome, 'merge');
    assert.deepEqual(espec.reasons, ['name_same', 'no_corroboration']);
  });
  test('法人番号 decides: same merges across a rename, different never merges', () => {
    const renamed = decide({ name: '株式会社旧社名', corporateNumber: '1180301018771' }, { name: 'トヨタ自動車株式会社', corporateNumber: '1180301018771' });
    assert.deepEqual([renamed.outcome, renamed.reasons], ['merge', ['corporate_number_same', 'name_differs']]);
    const twins = decide(
      { name: 'ダイチョウ株式会社', corporateNumber: '7000012050002', phones: ['03-3581-4161'], website: 'daicho.co.jp', prefecture: '東京都' },
      { name: '株式会社ダイチョウ', corporateNumber: '1180301018771', phones: ['03-3581-4161'], website: 'daicho.co.jp', prefecture: '東京都' },
    );
    assert.deepEqual([twins.outcome, twins.reasons], ['distinct', ['corporate_number_differs']]);
    // One side without a number: the name decides.
    assert.equal(decide({ name: 'ダイチョウ(株)', corporateNumber: '7000012050002' }, { name: '株式会社ダイチョウ' }).outcome, 'merge');
  });
  test('same name in different prefectures: review without other evidence, merge with it', () => {
    const apart = decide({ name: '山田工業株式会社', prefecture: '東京都' }, { name: '山田工業(株)', address: '大阪府大阪市北区梅田1-1' });
    assert.deepEqual([apart.outcome, apart.reasons], ['review', ['prefecture_differs', 'name_same']]);
    assert.ok(apart.evidence.some((e) => e.field === 'prefecture' && e.detail === '東京都 ≠ 大阪府'));
    const samePhone = decide({ name: '山田工業株式会社', prefecture: '東京都', phones: ['06-6358-4741'] }, { name: '山田工業(株)', prefecture: '大阪府', phones: ['0663584741'] });
    assert.equal(samePhone.outcome, 'merge');
    assert.ok(samePhone.reasons.includes('phone_same'));
    const sameDomain = decide({ name: '山田工業株式会社', prefecture: '東京都', emails: ['a@yamada-kogyo.co.jp'] }, { name: '山田工業', prefecture: '大阪府', website: 'http://www.yamada-kogyo.co.jp' });
    assert.equal(sameDomain.outcome, 'merge');
  });
  test('different own domains alone put a same-named pair in review', () => {
    const d = decide({ name: '株式会社ABC', website: 'abc.co.jp' }, { name: 'ABC株式会社', website: 'abc-japan.com' });
    assert.equal(d.outcome, 'review');
    assert.ok(d.reasons.includes('domain_differs'));
    // Free-mail says nothing.
    assert.equal(decide({ name: '株式会社ABC', emails: ['a@gmail.com'] }, { name: 'ABC株式会社', emails: ['b@yahoo.co.jp'] }).outcome, 'merge');
  });
  test('legal forms that conflict go to review', () => {
    const d = decide({ name: '株式会社ダイチョウ', phones: ['03-3581-4161'] }, { name: '有限会社ダイチョウ', phones: ['03-3581-4161'] });
    assert.deepEqual([d.outcome, d.reasons[0]], ['review', 'legal_form_differs']);
    assert.equal(decide({ name: 'ダイチョウ', legalForm: '株式会社' }, { name: 'ダイチョウ' }).outcome, 'merge');
    assert.equal(decide({ name: '社団法人 日本能率協会' }, { name: '一般社団法人日本能率協会' }).outcome, 'merge');
  });
  test('similar names need support', () => {
    assert.equal(decide({ name: 'キヤノン株式会社' }, { name: 'キャノン(株)' }).outcome, 'review');
    assert.equal(decide({ name: 'キヤノン株式会社', website: 'canon.co.jp' }, { name: 'キャノン(株)', emails: ['taro@canon.co.jp'] }).outcome, 'merge');
    assert.equal(decide({ name: 'キヤノン株式会社', prefecture: '東京都' }, { name: 'キャノン(株)', prefecture: '福岡県' }).outcome, 'distinct');
    const bridged = decide({ name: '株式会社ダイチョウ', phones: ['03-3581-4161'] }, { name: 'Daicho Co., Ltd.', phones: ['+81 3-3581-4161'] });
    assert.deepEqual([bridged.outcome, bridged.reasons.slice(0, 2)], ['merge', ['name_similar', 'phone_same']]);
    const byReading = decide({ name: '大長株式会社', nameKana: 'ダイチョウ', postalCode: '100-0001', address: '東京都千代田区千代田1-1' }, { name: 'だいちょう(株)', postalCode: '1000001', prefecture: '東京都' });
    assert.equal(byReading.outcome, 'merge');
  });
  test('different names stay apart; a rename with the same phone and domain goes to review', () => {
    assert.equal(decide({ name: '株式会社ダイチョウ' }, { name: '株式会社ミライ' }).outcome, 'distinct');
    const renamed = decide({ name: '株式会社ダイチョウ', phones: ['03-3581-4161'], website: 'daicho.co.jp' }, { name: '株式会社ミライ', phones: ['03-3581-4161'], emails: ['a@daicho.co.jp'] });
    assert.deepEqual([renamed.outcome, renamed.reasons], ['review', ['name_differs', 'phone_same', 'domain_same']]);
  });
  test('branches of one 法人 merge; placeholders never do', () => {
    const d = decide({ name: '株式会社ダイチョウ 東京支店' }, { name: 'ダイチョウ(株) 大阪営業所' });
    assert.equal(d.outcome, 'merge');
    assert.ok(d.reasons.includes('branch_differs'));
    assert.deepEqual(decide({ name: 'なし' }, { name: 'なし' }).reasons, ['placeholder']);
    assert.equal(decide({ name: '個人' }, { name: '個人' }).outcome, 'distinct');
  });
  test('every reason has a Japanese label', () => {
    for (const label of Object.values(COMPANY_REASON_LABELS)) assert.match(label, /[\p{Script=Han}\p{Script=Katakana}]/u);
  });
});

describe('chooseCompanyMatch', () => {
  const existing = [
    prepareCompany({ id: 'c1', name: 'ダイチョウ株式会社', corporateNumber: '7000012050002', prefecture: '東京都' }),
    prepareCompany({ id: 'c2', name: '株式会社ダイチョウ', corporateNumber: '1180301018771', prefecture: '愛知県' }),
    prepareCompany({ id: 'c3', name: 'エスペック株式会社' }),
    prepareCompany({ id: 'c4', name: 'エスペック(株)', corporateNumber: '1180301018771' }),
  ];
  test('the 法人番号 decides', () => {
    const r = chooseCompanyMatch(prepareCompany({ id: 'n', name: 'ダイチョウ', corporateNumber: '1180301018771' }), existing.slice(0, 2));
    assert.deepEqual([r.match, r.outcome], ['c2', 'merge']);
  });
  test('two numbered companies of one name and an unnumbered record: review, not a guess', () => {
    const r = chooseCompanyMatch(prepareCompany({ id: 'n', name: '(株)ダイチョウ' }), existing.slice(0, 2));
    assert.deepEqual([r.match, r.outcome], [null, 'review']);
    assert.ok(r.decisions.every((d) => d.reasons[0] === 'ambiguous_group'));
  });
  test('several rows of one company: the numbered one', () => {
    const r = chooseCompanyMatch(prepareCompany({ id: 'n', name: 'エスペック' }), existing.slice(2));
    assert.deepEqual([r.match, r.outcome], ['c4', 'merge']);
  });
  test('no candidate', () => {
    assert.deepEqual(chooseCompanyMatch(prepareCompany({ id: 'n', name: '株式会社ミライ' }), existing), {
      match: null,
      outcome: 'distinct',
      decisions: existing.map((c) => decideCompanyPair(prepareCompany({ id: 'n', name: '株式会社ミライ' }), c)),
    });
  });
});

describe('groupCompanies', () => {
  test('the ledger: three さくら, two エスペック, なし, (株)GMB', () => {
    const inputs: CompanyRecordInput[] = [
      { id: '1', name: 'さくら情報システム 株式会社' },
      { id: '2', name: 'さくら情報システム(株)' },
      { id: '3', name: 'さくら情報システム株式会社' },
      { id: '4', name: 'エスペック(株)' },
      { id: '5', name: 'エスペック株式会社' },
      { id: '6', name: 'なし' },
      { id: '7', name: '(株)GMB' },
      { id: '8', name: '-' },
    ];
    const r = groupCompanies(inputs);
    assert.deepEqual(
      r.groups.map((g) => [g.ids, g.canonical.name, g.canonical.legalForm]),
      [
        [['1', '2', '3'], 'さくら情報システム株式会社', '株式会社'],
        [['4', '5'], 'エスペック株式会社', '株式会社'],
        [['7'], '株式会社GMB', '株式会社'],
      ],
    );
    assert.deepEqual(r.placeholders, [{ id: '6', reason: 'none' }, { id: '8', reason: 'empty' }]);
    assert.deepEqual(r.reviews, []);
  });
  test('a record without a place bridges two prefectures; one outlier is not pulled into a group', () => {
    const bridge = groupCompanies([
      { id: 't', name: '山田工業株式会社', prefecture: '東京都' },
      { id: 'x', name: '山田工業' },
      { id: 'o', name: '山田工業(株)', prefecture: '大阪府' },
    ]);
    assert.deepEqual(bridge.groups.map((g) => g.ids), [['t', 'x', 'o']]);
    const outlier = groupCompanies([
      { id: 't1', name: '山田工業株式会社', prefecture: '東京都' },
      { id: 't2', name: '山田工業(株)', prefecture: '東京都' },
      { id: 'x', name: '山田工業' },
      { id: 'o', name: '山田工業(株)', prefecture: '大阪府' },
    ]);
    assert.deepEqual(outlier.groups.map((g) => g.ids), [['t1', 't2', 'x'], ['o']]);
    assert.equal(outlier.reviews.length, 1);
    assert.equal(outlier.reviews[0]!.outcome, 'review');
  });
  test('a group never holds two 法人番号', () => {
    const r = groupCompanies([
      { id: 'a', name: 'ダイチョウ株式会社', corporateNumber: '7000012050002' },
      { id: 'b', name: '株式会社ダイチョウ' },
      { id: 'c', name: 'ダイチョウ(株)', corporateNumber: '1180301018771' },
    ]);
    for (const g of r.groups) {
      const numbers = new Set(g.ids.map((id) => ({ a: '7000012050002', b: null, c: '1180301018771' })[id]).filter((n) => n !== null));
      assert.ok(numbers.size <= 1, g.ids.join(','));
    }
    assert.equal(r.groups.length, 2);
    assert.ok(r.reviews.length >= 1);
    assert.ok(r.groups.every((g) => g.key.startsWith('cn:')));
  });
});

describe('web domains', () => {
  test('registrable domains', () => {
    assert.equal(registrableDomain('www.tokyo.example.co.jp'), 'example.co.jp');
    assert.equal(registrableDomain('shop.example.com'), 'example.com');
    assert.equal(registrableDomain('example.jp'), 'example.jp');
    assert.equal(registrableDomain('global.canon'), 'global.canon');
    assert.equal(registrableDomain('192.168.0.1'), null);
    assert.equal(registrableDomain('localhost'), null);
  });
  test('websites and e-mail addresses', () => {
    assert.equal(websiteDomain('https://www.sakura-is.co.jp/company/'), 'sakura-is.co.jp');
    assert.equal(websiteDomain('ＷＷＷ．ＳＡＫＵＲＡ－ＩＳ．ＣＯ．ＪＰ'), 'sakura-is.co.jp');
    assert.equal(websiteDomain('なし'), null);
    assert.equal(emailOrganisationDomain('yamada@tokyo.sakura-is.co.jp'), 'sakura-is.co.jp');
    for (const e of ['yamada@gmail.com', 'x@docomo.ne.jp', 'y@example.com', 'not an address']) assert.equal(emailOrganisationDomain(e), null, e);
  });
});

describe('properties', () => {
  const core = fc.constantFrom('さくら情報システム', 'エスペック', 'GMB', '山田商事', 'ダイチョウ', '日本製鉄', 'サンプル物産');
  const spelling = fc.constantFrom(
    (w: string) => `株式会社${w}`, (w: string) => `${w}株式会社`, (w: string) => `${w} 株式会社`, (w: string) => `㈱${w}`,
    (w: string) => `${w}(株)`, (w: string) => `（株）${w}`, (w: string) => w,
  );
  const place = fc.constantFrom(null, '東京都', '大阪府');
  test('symmetric outcome and reasons', () => {
    fc.assert(
      fc.property(core, spelling, spelling, place, place, (w, f, g, pa, pb) => {
        const a = prepareCompany({ id: 'a', name: f(w), prefecture: pa });
        const b = prepareCompany({ id: 'b', name: g(w), prefecture: pb });
        const ab = decideCompanyPair(a, b);
        const ba = decideCompanyPair(b, a);
        assert.equal(ab.outcome, ba.outcome);
        assert.deepEqual([...ab.reasons].sort(), [...ba.reasons].sort());
      }),
    );
  });
  test('legal-form variants of one name always give one key and merge when nothing contradicts', () => {
    fc.assert(
      fc.property(core, spelling, spelling, place, (w, f, g, p) => {
        const a = prepareCompany({ id: 'a', name: f(w), prefecture: p });
        const b = prepareCompany({ id: 'b', name: g(w) });
        assert.equal(companyKey(a), companyKey(b));
        assert.equal(decideCompanyPair(a, b).outcome, 'merge');
      }),
    );
  });
  test('different valid 法人番号 never merge, whatever else agrees', () => {
    fc.assert(
      fc.property(core, spelling, spelling, fc.constantFrom('7000012050002', '1180301018771'), fc.constantFrom('4011001098993', '2120901007402'), (w, f, g, x, y) => {
        const common = { prefecture: '東京都', phones: ['03-3581-4161'], website: 'example-corp.co.jp' };
        const d = decideCompanyPair(prepareCompany({ id: 'a', name: f(w), corporateNumber: x, ...common }), prepareCompany({ id: 'b', name: g(w), corporateNumber: y, ...common }));
        assert.equal(d.outcome, 'distinct');
      }),
    );
  });
});
