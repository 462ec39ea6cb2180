import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSearchDocument, phoneSearchDigits } from '../../../src/domain/search/document.ts';
import { escapeLike, termGrams } from '../../../src/domain/search/grams.ts';
import { conditionOf, planSearch, queryTerms, selectGrams } from '../../../src/domain/search/plan.ts';
import { bestTier, likeToRegExp, satisfies } from './support.ts';

const hanako = buildSearchDocument({
  familyName: '佐藤',
  givenName: '花子',
  familyNameKana: 'サトウ',
  givenNameKana: 'ハナコ',
  displayName: '佐藤 花子',
  companyName: '株式会社山田商事',
  email: 'Hanako.Sato@Example.co.jp',
  phone: '+819012345678',
});

describe('buildSearchDocument', () => {
  test('search text: each distinct folded value between separators', () => {
    assert.equal(
      hanako.searchText,
      '\u0001佐藤花子\u0001佐藤\u0001花子\u0001さとうはなこ\u0001さとう\u0001はなこ\u0001株式会社山田商事' +
        '\u0001hanako.sato@example.co.jp\u000209012345678\u0001',
    );
  });
  test('grams: unigrams + bigrams of Japanese, trigrams of ASCII, exact and prefix keys', () => {
    const g = new Set(hanako.searchGrams);
    for (const k of ['佐', '藤', '佐藤', '藤花', '花子', 'さ', 'さと', 'とう', 'はな', '会社', 'han', 'o.s', '@ex', '.co', '090', '678']) assert.ok(g.has(k), k);
    for (const k of ['=佐藤', '=花子', '=佐藤花子', '=さとう', '=はなこ', '=さとうはなこ', '=株式会社山田商事',
      '=hanako.sato@example.co.jp', '=hanako.sato', '=09012345678']) assert.ok(g.has(k), k);
    for (const k of ['^佐', '^佐藤', '^花', '^花子', '^さ', '^さと', '^は', '^はな', '^株', '^株式', '^ha']) assert.ok(g.has(k), k);
    // No ASCII unigrams/bigrams, no 1-character ASCII prefix, no phone prefixes, no E.164 digits.
    for (const k of ['h', 'ha', '^h', '^0', '^09', '81', '819', '+81']) assert.ok(!g.has(k), k);
  });
  test('grams are sorted and unique', () => {
    assert.deepEqual(hanako.searchGrams, [...new Set(hanako.searchGrams)].sort());
  });
  test('sort key: reading, then name', () => {
    assert.equal(hanako.sortKey, 'さとうはなこ 佐藤花子');
    assert.equal(buildSearchDocument({ companyName: '株式会社ダイチョウ' }).sortKey, '株式会社だいちょう');
    assert.equal(buildSearchDocument({ familyNameKana: 'ヤマダ' }).sortKey, 'やまだ');
  });
  test('empty record', () => {
    assert.deepEqual(buildSearchDocument({}), { searchText: '', searchGrams: [], sortKey: '' });
    assert.deepEqual(buildSearchDocument({ familyName: null, email: '  ' }), { searchText: '', searchGrams: [], sortKey: '' });
  });
  test('folds widths, kana and variant kanji', () => {
    const a = buildSearchDocument({ familyName: '髙橋', familyNameKana: 'ﾀｶﾊｼ', email: 'ＴＡＫＡ@EXAMPLE.JP', phone: '０３ー１２３４－５６７８' });
    const b = buildSearchDocument({ familyName: '高橋', familyNameKana: 'たかはし', email: 'taka@example.jp', phone: '03-1234-5678' });
    assert.deepEqual(a, b);
  });
  test('control characters never reach the search text', () => {
    const d = buildSearchDocument({ familyName: '山\u0001田', extra: ['a\u0000b\u001fc'] });
    assert.equal(d.searchText, '\u0001山田\u0001abc\u0001');
  });
});

describe('phoneSearchDigits', () => {
  test('national digits from any spelling', () => {
    assert.equal(phoneSearchDigits('+81 90-1234-5678'), '09012345678');
    assert.equal(phoneSearchDigits('+819012345678'), '09012345678');
    assert.equal(phoneSearchDigits('(03) 1234-5678'), '0312345678');
    assert.equal(phoneSearchDigits('０３（１２３４）５６７８'), '0312345678');
    assert.equal(phoneSearchDigits('+1 415 555 0100'), '14155550100');
    assert.equal(phoneSearchDigits(null), '');
  });
});

describe('planSearch', () => {
  const grams = (q: string) => planSearch(q).tiers.map((t) => [t.tier, t.match.grams, t.match.likes]);

  test('empty or blank query → empty plan', () => {
    assert.deepEqual(planSearch(''), { terms: [], tiers: [] });
    assert.deepEqual(planSearch(' \u3000\t'), { terms: [], tiers: [] });
    assert.deepEqual(planSearch('・－'), { terms: [], tiers: [] });
  });
  test('1 kanji: exact, prefix, unigram', () => {
    assert.deepEqual(grams('林'), [['exact', ['=林'], []], ['prefix', ['^林'], []], ['contains', ['林'], []]]);
  });
  test('2 kanji: the bigram alone proves containment', () => {
    assert.deepEqual(grams('佐藤'), [['exact', ['=佐藤'], []], ['prefix', ['^佐藤'], []], ['contains', ['佐藤'], []]]);
  });
  test('3+ characters: bigrams AND-ed, with a LIKE recheck', () => {
    assert.deepEqual(grams('ｻﾄｳ'), [
      ['exact', ['=さとう'], []],
      ['prefix', ['^さと', 'さと', 'とう'], ['%\u0001さとう%']],
      ['contains', ['さと', 'とう'], ['%さとう%']],
    ]);
  });
  test('width and kana invariance', () => {
    assert.deepEqual(planSearch('ｻﾄｳ'), planSearch('サトウ'));
    assert.deepEqual(planSearch('サトウ'), planSearch('さとう'));
    assert.deepEqual(planSearch('髙橋'), planSearch('高橋'));
    assert.deepEqual(planSearch('ＴＡＮＡＫＡ'), planSearch('tanaka'));
  });
  test('1–2 character ASCII: exact and prefix only (contains would match nearly everything)', () => {
    assert.deepEqual(grams('ab'), [['exact', ['=ab'], []], ['prefix', ['^ab'], []]]);
    assert.deepEqual(grams('Ｘ'), [['exact', ['=x'], []]]);
    assert.deepEqual(grams('.'), [['exact', ['=.'], []]]);
    assert.deepEqual(grams('.j'), [['exact', ['=.j'], []], ['prefix', ['^.j'], []]]);
  });
  test('3 ASCII characters: one trigram, no recheck', () => {
    assert.deepEqual(grams('abc')[2], ['contains', ['abc'], []]);
  });
  test('e-mail fragment: trigrams, across @ and . too', () => {
    assert.deepEqual(grams('sato@ex')[2], ['contains', ['@ex', 'ato', 'o@e', 'sat', 'to@'], ['%sato@ex%']]);
    assert.deepEqual(grams('o.jp')[2], ['contains', ['.jp', 'o.j'], ['%o.jp%']]);
  });
  test('phone fragments in any width, with hyphens, brackets, spaces or +81', () => {
    for (const q of ['090-1234', '０９０－１２３４', '090ー1234', '090 1234', '(090)1234', '+81 90 1234', '+81-90-1234']) {
      assert.deepEqual(queryTerms(q), ['0901234'], q);
    }
    assert.deepEqual(queryTerms('+1 415'), ['1415']);
    assert.deepEqual(queryTerms('tanaka 090'), ['tanaka', '090']);
  });
  test('multi-term: every term must match, in every tier', () => {
    assert.deepEqual(grams('佐藤 はな'), [
      ['exact', ['=はな', '=佐藤'], []],
      ['prefix', ['^はな', '^佐藤'], []],
      ['contains', ['はな', '佐藤'], []],
    ]);
    // A short ASCII term has no gram but still has to match (LIKE) when another term drives the index.
    assert.deepEqual(grams('佐藤 ab')[2], ['contains', ['佐藤'], ['%ab%']]);
    assert.deepEqual(queryTerms('佐藤 佐藤　ｻﾄｳ さとう'), ['佐藤', 'さとう']);
  });
  test('LIKE wildcards in the query are literal', () => {
    assert.deepEqual(grams('a_b%')[2], ['contains', ['_b%', 'a_b'], ['%a\\_b\\%%']]);
    assert.equal(escapeLike('100%_\\'), '100\\%\\_\\\\');
    assert.ok(likeToRegExp('%a\\_b\\%%').test('xa_b%y'));
    assert.ok(!likeToRegExp('%a\\_b\\%%').test('xaxb%y'));
  });
  test('termGrams: fewest grams that prove containment', () => {
    assert.deepEqual(termGrams('林'), ['林']);
    assert.deepEqual(termGrams('小林'), ['小林']);
    assert.deepEqual(termGrams('ab'), []);
    assert.deepEqual(termGrams('株式会社abc'), ['abc', '会社', '式会', '株式']);
    assert.deepEqual(termGrams('a.bcd@e'), ['.bc', 'a.b', 'bcd', 'cd@', 'd@e']);
  });
});

describe('selectGrams / conditionOf: look up the rarest grams, recheck the rest', () => {
  const contains = (q: string) => planSearch(q).tiers.find((t) => t.tier === 'contains')!.terms;
  const freq = (table: Record<string, number>) => (g: string) => table[g];

  test('the rarest grams first (unknown = rarer than any listed), at most MAX_LOOKUP_GRAMS', () => {
    const terms = contains('hanako');
    const keep = selectGrams(terms, freq({ han: 0.05, ana: 0.2, nak: 0.03, ako: 0.04 }), 2);
    assert.deepEqual([...keep].sort(), ['ako', 'nak']);
    assert.deepEqual(conditionOf(terms, keep).likes, ['%hanako%']);
    assert.deepEqual([...selectGrams(terms, freq({ nak: 0.03 }), 2)].sort(), ['ako', 'ana']);
    assert.equal(selectGrams(contains('hanako.sato@example'), freq({})).size, 6);
  });
  test('a term whose grams are all kept and prove it needs no LIKE; one left out does', () => {
    const terms = contains('佐藤 ぬゑ');
    assert.deepEqual(conditionOf(terms, selectGrams(terms, freq({ 佐藤: 0.02 }))), { grams: ['ぬゑ', '佐藤'], likes: [] });
    assert.deepEqual(conditionOf(terms, selectGrams(terms, freq({ 佐藤: 0.02 }), 1)), { grams: ['ぬゑ'], likes: ['%佐藤%'] });
  });
  test('exact keys are never left out', () => {
    const terms = planSearch('佐藤 花子').tiers[0]!.terms;
    assert.deepEqual([...selectGrams(terms, freq({ '=佐藤': 0.02, '=花子': 0.01 }), 1)].sort(), ['=佐藤', '=花子']);
  });
});

describe('ranking of documents against plans', () => {
  const doc = (familyName: string, extra: Partial<Parameters<typeof buildSearchDocument>[0]> = {}) =>
    buildSearchDocument({ familyName, ...extra });
  test('林: 林 exact, 林田 prefix, 小林 contains, 佐藤 none', () => {
    const plan = planSearch('林');
    assert.equal(bestTier(doc('林'), plan), 'exact');
    assert.equal(bestTier(doc('林田'), plan), 'prefix');
    assert.equal(bestTier(doc('小林'), plan), 'contains');
    assert.equal(bestTier(doc('佐藤'), plan), null);
  });
  test('given name and kana are fields too', () => {
    assert.equal(bestTier(doc('佐藤', { givenName: '花子' }), planSearch('花子')), 'exact');
    assert.equal(bestTier(doc('佐藤', { givenName: '花子' }), planSearch('花')), 'prefix');
    assert.equal(bestTier(doc('佐藤', { givenName: '花子' }), planSearch('佐藤花子')), 'exact');
    assert.equal(bestTier(doc('佐藤', { givenName: '花子' }), planSearch('藤花')), 'contains');
    assert.equal(bestTier(doc('佐藤', { familyNameKana: 'サトウ' }), planSearch('ｻﾄ')), 'prefix');
  });
  test('e-mail: whole, local part, prefix, fragment', () => {
    const d = doc('佐藤', { email: 'hanako.sato@example.co.jp' });
    assert.equal(bestTier(d, planSearch('HANAKO.SATO@example.co.jp')), 'exact');
    assert.equal(bestTier(d, planSearch('hanako.sato')), 'exact');
    assert.equal(bestTier(d, planSearch('hana')), 'prefix');
    assert.equal(bestTier(d, planSearch('sato@example')), 'contains');
    assert.equal(bestTier(d, planSearch('example.com')), null);
  });
  test('phone: full number any spelling, fragments', () => {
    const d = doc('佐藤', { phone: '+81312345678' });
    assert.equal(bestTier(d, planSearch('03-1234-5678')), 'exact');
    assert.equal(bestTier(d, planSearch('+81 3 1234 5678')), 'exact');
    assert.equal(bestTier(d, planSearch('０３１２')), 'contains'); // phones have no prefix keys
    assert.equal(bestTier(d, planSearch('1234-5678')), 'contains');
    assert.equal(bestTier(d, planSearch('５６７８')), 'contains');
    assert.equal(bestTier(d, planSearch('8765')), null);
  });
  test('multi-term needs every term', () => {
    const d = doc('佐藤', { givenName: '花子', companyName: '山田商事' });
    assert.equal(bestTier(d, planSearch('佐藤 花子')), 'exact');
    assert.equal(bestTier(d, planSearch('佐藤 山田')), 'prefix');
    assert.equal(bestTier(d, planSearch('佐藤 商事')), 'contains');
    assert.equal(bestTier(d, planSearch('佐藤 太郎')), null);
  });
  test('a term never matches across two field values', () => {
    const d = doc('佐藤', { givenName: '花子', companyName: '子会社' });
    // 花子 + 子会社 are separate values: "子子" is not in either.
    assert.equal(satisfies(d, { grams: ['子'], likes: ['%子子%'] }), false);
  });
});
