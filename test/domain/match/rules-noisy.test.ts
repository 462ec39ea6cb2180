/**
 * Rules added for noisy sources and life events: birth-date 'near' level,
 * reliability-dependent conflicts, corroboration, generic addresses with a
 * mistyped state, two-edit latin typos, readings from e-mail local parts,
 * married-name evidence, family-name change inside a cluster, soft cross
 * pairs and strict ambiguity of name-only links. Pure and fast.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterGreedy,
  compareRecords,
  decidePair,
  defaultWeights,
  hasBlockingConflict,
  hasHardConflict,
  osaDistance,
  osaWithin,
  prepareMatchRecord,
  resolveBatch,
  type MatchInput,
  type MatchRecord,
  type MatchWeights,
} from '../../../src/domain/match/index.ts';

let seq = 0;
const rec = (fields: MatchInput['fields'], id?: string): MatchRecord => prepareMatchRecord({ id: id ?? `n${++seq}`, source: 's', fields });
const W = defaultWeights();
/** Weights of a data set whose names and birth dates are often replaced in true duplicates (Febrl-like). */
const NOISY: MatchWeights = {
  ...W,
  m: { ...W.m, family: [0.6, 0.3, 0.1], given: [0.68, 0.22, 0.1], birth: [0.85, 0.03, 0.04, 0.08] },
};
const level = (a: MatchRecord, b: MatchRecord, field: string): string => compareRecords(a, b).fields.find((f) => f.field === field)!.level;
const decide = (a: MatchRecord, b: MatchRecord, w: MatchWeights = W) => decidePair(a.id, b.id, compareRecords(a, b), w);
const together = (clusters: string[][], a: string, b: string): boolean => clusters.some((c) => c.includes(a) && c.includes(b));

describe('birth date levels', () => {
  test('typo → close, a few weeks off → near, otherwise disagree', () => {
    const a = rec({ birth_date: '1978-08-19' });
    assert.equal(level(a, rec({ birth_date: '1978-08-18' }), 'birth'), 'close');
    assert.equal(level(a, rec({ birth_date: '1978-09-18' }), 'birth'), 'near');
    assert.equal(level(a, rec({ birth_date: '1979-03-02' }), 'birth'), 'disagree');
  });

  test('near is a conflict where birth dates are reliable, not where they drift', () => {
    const a = rec({ full_name: 'Erin Rogers', birth_date: '2010-01-02', address: '12 high street london' });
    const b = rec({ full_name: 'Erin Rogers', birth_date: '2010-02-05', address: '12 high street london' });
    assert.ok(decide(a, b).rules.includes('birth_date_conflict'));
    const noisy = decide(a, b, NOISY);
    assert.ok(!noisy.rules.includes('birth_date_conflict'));
    assert.ok(!hasBlockingConflict(noisy.rules, NOISY));
  });
});

describe('corroboration on unreliable fields', () => {
  test('both names replaced but birth date and address agree: no given-name cap in noisy data', () => {
    const a = rec({ family_name: 'wieloch', given_name: 'stephanie', birth_date: '1918-08-22', postal_code: '2324', address: '42 stone place north rocks' });
    const b = rec({ family_name: 'selmlann', given_name: 'edward', birth_date: '1918-08-22', postal_code: '2324', address: '42 stone place north rocks' });
    assert.ok(decide(a, b).rules.includes('given_name_conflict'));
    assert.ok(!decide(a, b, NOISY).rules.includes('given_name_conflict'));
  });

  test('a household (same family name and address, other given name and birth date) stays capped in noisy data', () => {
    const a = rec({ family_name: 'noack', given_name: 'kyle', birth_date: '1929-09-03', postal_code: '2230', address: '71 mcmillan crescent creswick' });
    const b = rec({ family_name: 'noack', given_name: 'tahni', birth_date: '1987-08-13', postal_code: '2230', address: '71 mcmillan crescent creswick' });
    const d = decide(a, b, NOISY);
    assert.ok(d.rules.includes('given_name_conflict'));
    assert.notEqual(d.outcome, 'merge');
  });

  test('a missing given name is corroborated by a drifting birth date and the address in noisy data, not against a differing e-mail', () => {
    const a = rec({ family_name: 'thomas', birth_date: '1977-09-13', address: '4 kent road london', email: 'g.thomas@mailbox.org' });
    const b = rec({ family_name: 'thomas', given_name: 'gabriel', birth_date: '1977-10-17', address: '4 kent road london' });
    assert.ok(decide(a, b).rules.includes('weak_given_name'));
    assert.ok(!decide(a, b, NOISY).rules.includes('weak_given_name'));
    const c = rec({ family_name: 'thomas', given_name: 'gabriel', birth_date: '1977-10-17', address: '9 york street leeds', email: 'gabe.t@fastmail.net' });
    assert.ok(decide(a, c, NOISY).rules.includes('weak_given_name'));
  });

  test('conflicts on reliable fields always block a cluster join; on unreliable ones they do not', () => {
    assert.ok(hasBlockingConflict(['given_name_conflict'], W));
    assert.ok(!hasBlockingConflict(['given_name_conflict'], NOISY));
    assert.ok(!hasBlockingConflict(['family_name_change'], W));
    assert.ok(!hasBlockingConflict(['weak_given_name', 'name_only'], W));
  });
});

describe('comparison levels', () => {
  test('western address: the street text decides, a mistyped state only costs the exact level', () => {
    const a = rec({ address: '55 sullivan crescent black hill', prefecture: 'nsw' });
    assert.equal(level(a, rec({ address: '55 sullivan crescent black hill', prefecture: 'nsw' }), 'address'), 'exact');
    assert.equal(level(a, rec({ address: '55 sullivan crescent black hill', prefecture: 'vic' }), 'address'), 'close');
    assert.equal(level(a, rec({ address: '55 sulliva n crescent black hill', prefecture: 'vic' }), 'address'), 'close');
    assert.equal(level(a, rec({ address: '55 sulliva n crescent black hill', prefecture: 'nsw' }), 'address'), 'close');
  });

  test('a town one typo off is close; a mailbox with a typo in its domain is close, a desk address is not', () => {
    assert.equal(level(rec({ address: 'London' }), rec({ address: 'Lndon' }), 'address'), 'close');
    assert.equal(level(rec({ address: 'London' }), rec({ address: 'Leeds' }), 'address'), 'disagree');
    assert.equal(level(rec({ email: 'go94@bradshaw-sanders.com' }), rec({ email: 'go94@brndshaw-saaders.com' }), 'email'), 'close');
    assert.equal(level(rec({ email: 'k.tanaka@docomo.ne.jp' }), rec({ email: 'k.tanaka@docomo.ne.jo' }), 'email'), 'close');
    assert.equal(level(rec({ email: 'info@abc-shoji.co.jp' }), rec({ email: 'info@abd-shoji.co.jp' }), 'email'), 'disagree');
    assert.equal(level(rec({ email: 'go94@bradshaw-sanders.com' }), rec({ email: 'go95@smith-jones.com' }), 'email'), 'disagree');
  });

  test('two edits in a long latin name are close; short different names are not', () => {
    assert.equal(level(rec({ family_name: 'aTlylor', given_name: 'Lola' }), rec({ family_name: 'Taylor', given_name: 'Lola' }), 'family'), 'close');
    assert.equal(level(rec({ family_name: 'Smith', given_name: 'Anna' }), rec({ family_name: 'Smith', given_name: 'Emma' }), 'given'), 'disagree');
  });

  test('a reading spelled by the e-mail makes different kanji a close given name', () => {
    const card = rec({ full_name: '森 隆二朗', email: 'mori.ryujiro@toyokanetsu.co.jp', phone: '(080)8016-4733' });
    const home = rec({ full_name: '森 龍仁朗', full_name_kana: 'もり りゅうじろう', phone: '08080164733', birth_date: '1990-10-16' });
    assert.equal(level(card, home, 'given'), 'close');
    // The given-name dictionary knows 隆二朗 reads りゅうじろう, which confirms it before the e-mail is asked.
    assert.ok(compareRecords(card, home).flags.includes('given_same_reading'));
    assert.equal(decide(card, home).outcome, 'merge');
  });

  test('a family e-mail named after a brother does not merge the siblings, whatever the provider', () => {
    // 健二 reads kenji (or takeshi), never kenta: the e-mail spells the brother's name, not this record's.
    for (const email of ['kenta.yamada@gmail.com', 'kenta.yamada@yahoo.co.jp', 'yamadakenta@docomo.ne.jp']) {
      const kenji = rec({ full_name: '山田 健二', email, address: '東京都杉並区成田東1-14-4' });
      const kenta = rec({ full_name: '山田 健太', full_name_kana: 'ヤマダ ケンタ', email, address: '東京都杉並区成田東1-14-4' });
      assert.ok(!compareRecords(kenji, kenta).flags.includes('given_reading_from_email'), email);
      const d = decide(kenji, kenta);
      assert.notEqual(d.outcome, 'merge', email);
      assert.ok(d.rules.includes('weak_given_name'), email);
    }
  });
});

describe('married-name change', () => {
  test('same given name, personal e-mail and home address (no birth date) → merge', () => {
    const before = rec({ full_name: '伊藤 純子', full_name_kana: 'イトウ ジュンコ', email: 'junko78@gmail.com', address: '神奈川県横浜市神奈川区高島台4丁目7番' });
    const after = rec({ full_name: '田宮 純子', full_name_kana: 'タミヤ ジュンコ', email: 'junko78@gmail.com', address: '神奈川県横浜市神奈川区高島台4-7' });
    assert.equal(decide(before, after).outcome, 'merge');
    const addressOnly = rec({ full_name: '田宮 純子', full_name_kana: 'タミヤ ジュンコ', address: '神奈川県横浜市神奈川区高島台4-7' });
    assert.ok(decide(before, addressOnly).rules.includes('family_name_change'));
  });

  test('the new name joins the whole cluster although one old record alone would not prove it', () => {
    const card = rec({ full_name: '藤本 知奈', full_name_kana: 'フジモト トモナ', birth_date: '1983-04-23', address: '三重県南牟婁郡紀宝町井田4-27-25' }, 'old1');
    const form = rec({ full_name: '藤本 知奈', full_name_kana: 'フジモト トモナ', birth_date: '1983-04-23', phone: '090-9241-4052', address: '三重県南牟婁郡紀宝町井田4-27-25' }, 'old2');
    const married = rec({ full_name: '山﨑 知奈', full_name_kana: 'ヤマザキ トモナ', birth_date: '1983-04-23', phone: '09092414052', address: '宮城県遠田郡涌谷町市道1655' }, 'new');
    const alone = decide(married, card);
    assert.ok(alone.rules.includes('family_name_change'));
    assert.ok(hasHardConflict(alone.rules));
    assert.ok(!hasBlockingConflict(alone.rules, W));
    const { clusters } = resolveBatch([card, form, married], { weights: W });
    assert.ok(together(clusters, 'new', 'old1') && together(clusters, 'new', 'old2'));
  });
});

describe('clustering', () => {
  test('a minority of merely unlikely cross pairs is tolerated, a hard conflict never', () => {
    const edges = [
      { i: 0, j: 1, score: 9 },
      { i: 2, j: 3, score: 8 },
      { i: 1, j: 2, score: 7 },
    ];
    const softOnly = clusterGreedy(4, edges, (x, y) => !(Math.min(x, y) === 0 && Math.max(x, y) === 3), () => false);
    assert.deepEqual(softOnly, [[0, 1, 2, 3]]);
    const hard = clusterGreedy(4, edges, (x, y) => !(Math.min(x, y) === 0 && Math.max(x, y) === 3), () => true);
    assert.deepEqual(hard, [[0, 1], [2, 3]]);
  });

  test('a business card name-linked to two home records that contradict each other joins neither', () => {
    // No birth dates: the two homes are not a hard conflict, only different mobiles and addresses.
    const h1 = rec({ full_name: '伊藤 右介', full_name_kana: 'イトウ ユウスケ', phone: '080-4139-8345', address: '神奈川県藤沢市土棚1-1-5' }, 'h1');
    const h2 = rec({ full_name: '伊藤 右介', full_name_kana: 'イトウ ユウスケ', phone: '090-6783-3532', address: '兵庫県姫路市西新町757' }, 'h2');
    const card = rec({ full_name: '伊藤 右介', company_name: '株式会社フロンティアワークス', email: 'itoy@frontierworks.co.jp' }, 'w');
    const { clusters } = resolveBatch([h1, h2, card], { weights: W });
    assert.ok(!together(clusters, 'w', 'h1'));
    assert.ok(!together(clusters, 'w', 'h2'));
    assert.ok(!together(clusters, 'h1', 'h2'));
  });
});

describe('name-only joins in noisy data', () => {
  test('a disagreement on a field true matches often disagree on does not keep a name-linked record out; on a reliable one it does', () => {
    // Two records of one person that share the name, and a third that shares only the name with the second and whose
    // birth date drifts: in data whose birth dates drift (NOISY) that is no contradiction, where they are reliable it is.
    const a = rec({ family_name: 'Miller', given_name: 'Jessica', email: 'jessica.miller@johnson.com', birth_date: '2001-05-23' }, 'a');
    const b = rec({ family_name: 'Miller', given_name: 'Jessica', email: 'jessica.miller@johnson.com', birth_date: '2011-05-20' }, 'b');
    const c = rec({ family_name: 'Miller', given_name: 'Jessica', birth_date: '2001-04-21' }, 'c');
    const noisy: MatchWeights = { ...NOISY, m: { ...NOISY.m, birth: [0.45, 0.1, 0.1, 0.35] } };
    const joined = resolveBatch([a, b, c], { weights: noisy, thresholds: { merge: 0.9, review: 0.5, nameOnly: 0.9 } });
    assert.ok(together(joined.clusters, 'a', 'c'), JSON.stringify(joined.clusters));
    assert.ok(together(joined.clusters, 'b', 'c'));
    const reliable = resolveBatch([a, b, c], { weights: W, thresholds: { merge: 0.9, review: 0.5, nameOnly: 0.9 } });
    assert.ok(!together(reliable.clusters, 'a', 'c'), JSON.stringify(reliable.clusters));
  });
});

describe('strings', () => {
  test('osaWithin agrees with osaDistance', () => {
    const words = ['sumnerplace', 'sumner place', 'arlington', 'arlintgon', 'arli ngton', 'kingsford', 'kingsfrod', 'abc', ''];
    for (const a of words) for (const b of words) for (const k of [0, 1, 2, 3]) assert.equal(osaWithin(a, b, k), osaDistance(a, b) <= k, `${a}/${b}/${k}`);
  });

  test('western street text with lost spaces and swapped letters is close', () => {
    const a = rec({ address: '10 sumner place arlington kingsford', prefecture: 'nsw' });
    const b = rec({ address: '10 sumnerplace arlin tgon kingsford', prefecture: 'nsw' });
    assert.equal(level(a, b, 'address'), 'close');
    assert.equal(level(a, rec({ address: '7 macquarie street dubbo', prefecture: 'nsw' }), 'address'), 'disagree');
  });
});
