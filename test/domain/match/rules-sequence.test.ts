import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecords, decidePair, defaultWeights, prepareMatchRecord, resolveBatch, type MatchInput, type MatchRecord } from '../../../src/domain/match/index.ts';
import { handleVariant } from '../../../src/domain/match/compare.ts';

let seq = 0;
const rec = (fields: MatchInput['fields'], source = 'test'): MatchRecord => prepareMatchRecord({ id: `s${++seq}`, source, fields });
const level = (a: MatchRecord, b: MatchRecord, field: string) => compareRecords(a, b).fields.find((f) => f.field === field)!.level;
const W = defaultWeights();

describe('e-mail: a digit block or separator added to a name-based handle is another mailbox', () => {
  test('handleVariant', () => {
    assert.equal(handleVariant('takuya.motohashi', 'takuya.motohashi52'), true);
    assert.equal(handleVariant('naomimatsui', 'naomi-matsui'), true);
    // Typos keep the length (swapped / replaced characters) or lose a letter.
    assert.equal(handleVariant('nanoka.hagino65', 'nanoka.hagino56'), false);
    assert.equal(handleVariant('hirokiwatanabe', 'hriokiwatanabe'), false);
    assert.equal(handleVariant('shibata.asami', 'shibata.asam'), false);
    assert.equal(handleVariant('same', 'same'), false);
  });

  test('namesakes with takuya.motohashi@ and takuya.motohashi52@ disagree on e-mail; a swapped-letter typo stays close', () => {
    const a = rec({ full_name: '本橋 拓也', full_name_kana: 'もとはし たくや', email: 'takuya.motohashi@gmail.com', phone: '070-1827-2630' });
    const b = rec({ full_name: '本橋 拓也', full_name_kana: 'モトハシ タクヤ', email: 'takuya.motohashi52@gmail.com', phone: '090-9291-4538' });
    assert.equal(level(a, b, 'email'), 'disagree');
    assert.notEqual(decidePair(a.id, b.id, compareRecords(a, b), W).outcome, 'merge');
    const c = rec({ full_name: '本橋 拓也', email: 'takuya.motohsahi@gmail.com' });
    assert.equal(level(a, c, 'email'), 'close');
  });

  test('in a batch, the namesake with the suffixed address does not join the cluster of the other', () => {
    const card = rec({ full_name: '本橋 拓也', email: 'takuya.motohashi@gmail.com', phone: '098-338-6351', company_name: '株式会社沖縄銀行', address: '沖縄県那覇市久茂地3丁目10-1' }, 'meishi');
    const home = rec({ full_name: '本橋 拓也', full_name_kana: 'もとはし たくや', email: 'takuya.motohashi@gmail.com', phone: '07018272630', birth_date: '1983-11-06', address: '愛媛県松山市儀式7丁目11' }, 'ec');
    const other = rec({ full_name: '本橋 拓也', full_name_kana: 'モトハシ タクヤ', email: 'takuya.motohashi52@gmail.com', phone: '09092914538', address: '岡山県高梁市和田町2362' }, 'ec');
    const { clusters } = resolveBatch([card, home, other], { weights: W });
    const together = (x: string, y: string) => clusters.some((c) => c.includes(x) && c.includes(y));
    assert.equal(together(card.id, home.id), true);
    assert.equal(together(card.id, other.id), false);
    assert.equal(together(home.id, other.id), false);
  });
});

describe('given name one kanji apart, reading confirmed by the record\'s own e-mail', () => {
  const withReading = () => rec({ full_name: '井野 玲美', full_name_kana: 'いの れみ', email: 'coffee_remi@hotmail.co.jp', phone: '080-9843-3438', birth_date: '1984-07-26' }, 'ec');

  test('玲見 (no reading, coffee_remi@) vs 玲美 れみ: a homophone typo, merged on the shared personal e-mail', () => {
    const a = withReading();
    const b = rec({ full_name: '井野 玲見', email: 'coffee_remi@hotmail.co.jp', company_name: 'キオクシア株式会社' }, 'seminar');
    const cmp = compareRecords(a, b);
    assert.equal(level(a, b, 'given'), 'close');
    assert.ok(cmp.flags.includes('given_reading_confirmed'));
    const sp = decidePair(a.id, b.id, cmp, W);
    assert.deepEqual(sp.rules, []);
    assert.equal(sp.outcome, 'merge');
  });

  test('the whole name run together in the e-mail (sekine.sayaka@gmail.com, kept as sekinesayaka): 紗香 vs 早香 さやか is confirmed', () => {
    const card = rec({ full_name: '関根 紗香', email: 'sekine.sayaka@gmail.com', company_name: 'ジプロ株式会社' }, 'meishi');
    const form = rec({ full_name: '関根 早香', full_name_kana: 'セキネ サヤカ', email: 'sekine.sayaka@gmail.com', phone: '070-4974-3239' }, 'form');
    assert.equal(card.emails[0]!.local, 'sekinesayaka');
    const cmp = compareRecords(card, form);
    // 紗香 is known to read さやか (the given-name dictionary): confirmed as a homophone before the e-mail is asked.
    assert.ok(cmp.flags.includes('given_same_reading'));
    assert.equal(decidePair(card.id, form.id, cmp, W).outcome, 'merge');
    // Both name parts must be there: the given reading alone inside a longer word says nothing.
    const other = rec({ full_name: '関根 紗香', email: 'sayakaten@gmail.com' });
    assert.ok(!compareRecords(other, form).flags.includes('given_reading_confirmed'));
  });

  test('siblings 健太/健二 sharing a family e-mail named after neither stay a review', () => {
    const a = rec({ full_name: '佐藤 健太', full_name_kana: 'さとう けんた', email: 'sato.family@gmail.com' });
    const b = rec({ full_name: '佐藤 健二', email: 'sato.family@gmail.com' });
    const cmp = compareRecords(a, b);
    assert.equal(level(a, b, 'given'), 'close');
    assert.ok(!cmp.flags.includes('given_reading_confirmed'));
    const sp = decidePair(a.id, b.id, cmp, W);
    assert.ok(sp.rules.includes('weak_given_name'));
    assert.notEqual(sp.outcome, 'merge');
  });

  test('a given name two kanji apart is not confirmed by the e-mail (only lifted from disagree to an unchecked close)', () => {
    const a = withReading();
    const b = rec({ full_name: '井野 麗見', email: 'coffee_remi@hotmail.co.jp' });
    const cmp = compareRecords(a, b);
    assert.ok(!cmp.flags.includes('given_reading_confirmed'));
    assert.ok(decidePair(a.id, b.id, cmp, W).rules.includes('weak_given_name'));
  });
});
