import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockCap, blockingKeys, candidatePairs, compareRecords, decidePair, defaultWeights, namesakeBits, prepareMatchRecord, type MatchInput, type MatchRecord, type MatchWeights } from '../../../src/domain/match/index.ts';

let seq = 0;
const rec = (fields: MatchInput['fields']): MatchRecord => prepareMatchRecord({ id: `r${++seq}`, source: 'test', fields });
const shared = (a: MatchRecord, b: MatchRecord) => blockingKeys(a).filter((k) => blockingKeys(b).includes(k));

describe('block caps', () => {
  test('a weak kind of key has a lower cap than the general one, never a higher one', () => {
    assert.equal(blockCap('b:1985-04-03'), 10);
    assert.equal(blockCap('fr:yamadatarou'), 20);
    assert.equal(blockCap('e:taro@example.jp'), 50);
    assert.equal(blockCap('fb:山田|1985-04-03'), 50);
    assert.equal(blockCap('b:1985-04-03', 5), 5);
    assert.equal(blockCap('e:taro@example.jp', 30), 30);
  });

  test('eleven people sharing only a birth date are not compared; the same eleven sharing family name and birth date are', () => {
    const given = ['一郎', '二郎', '三郎', '四郎', '五郎', '六郎', '七郎', '八郎', '九郎', '十郎', '健'];
    const family = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田'];
    const strangers = given.map((g, i) => rec({ family_name: family[i]!, given_name: g, birth_date: '1985-04-03' }));
    assert.equal(candidatePairs(strangers).pairs.length, 0);
    assert.equal(candidatePairs(strangers).stats.oversizedCount, 1);
    const relatives = given.map((g) => rec({ family_name: '佐藤', given_name: g, birth_date: '1985-04-03' }));
    // The 佐藤 + birth date block (11 ≤ 50) pairs all of them; the birth-date block alone is over its cap of 10.
    assert.equal(candidatePairs(relatives).pairs.length, (11 * 10) / 2);
  });

  test('ten sharing a birth date are still compared (the cap is inclusive)', () => {
    const ten = Array.from({ length: 10 }, (_, i) => rec({ family_name: `姓${i}`, given_name: `名${i}`, birth_date: '1990-01-01' }));
    assert.equal(candidatePairs(ten).pairs.length, 45);
  });
});

describe('reading keys', () => {
  test('a reading is blocked by its romaji: kana and latin spellings of one name meet, with no separate kana key', () => {
    const kana = rec({ family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', birth_date: '1985-04-03' });
    const hira = rec({ full_name: 'やまだ たろう', birth_date: '1985-04-03' });
    const latin = rec({ full_name: 'Taro Yamada', birth_date: '1985-04-03' });
    assert.ok(!blockingKeys(kana).some((k) => k.startsWith('fk:')));
    assert.ok(shared(kana, hira).length > 0, 'katakana and hiragana readings share keys');
    assert.ok(shared(kana, latin).some((k) => k.startsWith('gb:') || k.startsWith('fb:') || k.startsWith('fs:')), 'latin spelling meets the reading');
    assert.equal(candidatePairs([kana, hira, latin]).pairs.length, 3);
  });
});

describe('name-only pairs', () => {
  const W = defaultWeights();
  const decide = (a: MatchRecord, b: MatchRecord) => decidePair(a.id, b.id, compareRecords(a, b), W);

  test('a pair only the name links goes to review while nothing contradicts it, and is distinct once something does', () => {
    const card = rec({ full_name: '本山 伊佑', full_name_kana: 'ホンザン イスケ', company_name: '大貫産業有限会社' });
    const web = rec({ full_name: '本山 伊佑', full_name_kana: 'ホンザン イスケ', email: 'honzan.isuke@nifty.com' });
    const other = rec({ full_name: '本山 伊佑', full_name_kana: 'ホンザン イスケ', email: 'isuke1952@biglobe.ne.jp', phone: '080-8996-6165' });
    const first = decide(card, web);
    assert.equal(first.outcome, 'review', `nothing against: ${first.outcome} (p ${first.probability.toFixed(2)})`);
    const second = decide(web, other);
    assert.ok(second.weak, 'only the name agrees');
    assert.equal(second.outcome, 'distinct', 'a different personal e-mail contradicts it');
  });
});

describe('the ledger size weighs name-only pairs', () => {
  // Weights as an import stores them after training on its first chunk of 10,000 records.
  // (Thresholds a little lower than the defaults, as training gives on data where exact names are strong evidence.)
  const W: MatchWeights = {
    ...defaultWeights(),
    thresholds: { merge: 0.9, review: 0.3, nameOnly: 0.9 },
    training: { ...defaultWeights().training, records: 10_000 },
  };
  const decide = (a: MatchRecord, b: MatchRecord, ledgerRecords?: number) =>
    decidePair(a.id, b.id, compareRecords(a, b), W, ledgerRecords === undefined ? {} : { ledgerRecords });

  test('log2(ledger / trained) bits, never a bonus, nothing without a size or a training count', () => {
    assert.equal(namesakeBits(W, 80_000), 3);
    assert.equal(namesakeBits(W, 10_000), 0);
    assert.equal(namesakeBits(W, 5_000), 0);
    assert.equal(namesakeBits(W, undefined), 0);
    assert.equal(namesakeBits(defaultWeights(), 1_000_000), 0, 'untrained weights (records 0) are left alone');
  });

  test('an exact written name and nothing else: merged at the training size, reviewed in a ledger ten times larger', () => {
    const a = rec({ full_name: '菊池 瑠依紗', full_name_kana: 'キクチ ルイサ', gender: '女' });
    const b = rec({ full_name: '菊池 瑠依紗', full_name_kana: 'キクチ ルイサ', gender: '女' });
    const small = decide(a, b, 10_000);
    const large = decide(a, b, 100_000);
    assert.ok(small.weak && large.weak);
    assert.equal(small.outcome, 'merge', `p ${small.probability.toFixed(3)}`);
    assert.ok(large.score < small.score - 3.3 && large.score > small.score - 3.4, 'log2(10) bits less');
    assert.equal(large.outcome, 'review', `p ${large.probability.toFixed(3)}`);
  });

  test('a pair with more than the name (a birth date, a mobile) scores the same in any ledger', () => {
    const a = rec({ full_name: '菊池 瑠依紗', birth_date: '1990-05-06', phone: '090-1234-5678' });
    const b = rec({ full_name: '菊池 瑠依紗', birth_date: '平成2年5月6日', phone: '09012345678' });
    const small = decide(a, b, 10_000);
    const large = decide(a, b, 1_000_000);
    assert.equal(small.weak, false);
    assert.equal(large.score, small.score);
    assert.equal(large.outcome, 'merge');
  });
});
