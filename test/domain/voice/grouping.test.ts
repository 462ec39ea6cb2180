import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BANDS, NEAR_DUPLICATE_THRESHOLD, groupSimilar, isNearDuplicate, textBands, textSimilarity,
} from '../../../src/domain/voice/grouping.ts';

const NEAR_DUPLICATES: [string, string][] = [
  ['注文番号12345の商品がまだ届きません。いつ届きますか？', '注文番号98765の商品がまだ届きません。いつ頃届きますか'],
  ['アプリを最新版に更新したら起動しなくなりました', 'アプリを最新版に更新したら起動しなくなりました。至急直してください'],
  ['ログイン画面でエラーコード500が表示されてログインできません', 'ログイン画面でｴﾗｰｺｰﾄﾞ503が表示されてログインできません。'],
  ['The app crashes every time I open the settings page.', 'the app crashes every time i open the settings page!!'],
];
const UNRELATED: [string, string][] = [
  ['注文した商品がまだ届きません', '配送が遅いです'],
  ['アプリがすぐ落ちます', 'サポートの対応が丁寧で助かりました'],
  ['美味しかったです。また注文します。', '美味しくなかったです。量も少ない。'],
  ['請求書の宛名を変更したいです', '領収書を再発行してください'],
];

describe('textSimilarity and isNearDuplicate', () => {
  test('near-duplicate pairs are at or above the threshold', () => {
    for (const [a, b] of NEAR_DUPLICATES) {
      assert.ok(textSimilarity(a, b) >= NEAR_DUPLICATE_THRESHOLD, `${textSimilarity(a, b)}: ${a} / ${b}`);
      assert.equal(isNearDuplicate(a, b), true);
    }
  });

  test('different comments on the same subject stay apart', () => {
    for (const [a, b] of UNRELATED) {
      assert.ok(textSimilarity(a, b) < 0.3, `${textSimilarity(a, b)}: ${a} / ${b}`);
      assert.equal(isNearDuplicate(a, b), false);
    }
  });

  test('symmetric, 1 for equal texts, 0 for empty text; width, kana, case and digits fold', () => {
    const [a, b] = NEAR_DUPLICATES[0]!;
    assert.equal(textSimilarity(a, b), textSimilarity(b, a));
    assert.equal(textSimilarity(a, a), 1);
    assert.equal(textSimilarity('', ''), 0);
    assert.equal(textSimilarity('', a), 0);
    assert.equal(textSimilarity('ｻﾎﾟｰﾄに電話した 123', 'さぽーとに電話した４５６。'), 1);
    assert.equal(textSimilarity('ab', 'AB'), 1);
  });
});

describe('textBands', () => {
  test('stable keys: the same text gives the same keys in every run (they are stored)', () => {
    const bands = textBands('注文した商品がまだ届きません。');
    assert.equal(bands.length, BANDS);
    assert.deepEqual(bands.slice(0, 4), ['b0:72731c81', 'b1:f64c5caa', 'b2:183fd402', 'b3:46a534b5']);
    assert.deepEqual(textBands('注文した商品がまだ届きません。'), bands);
    assert.equal(new Set(bands).size, BANDS);
  });

  test('texts equal after folding have equal keys; empty text has none', () => {
    assert.deepEqual(textBands('注文番号123がまだ届きません'), textBands('注文番号９９９が　まだ　届きません!'));
    assert.deepEqual(textBands(''), []);
    assert.deepEqual(textBands('。、！'), []);
  });

  test('near-duplicates share a band; unrelated pairs share none', () => {
    const shared = (a: string, b: string): number => {
      const bb = new Set(textBands(b));
      return textBands(a).filter((k) => bb.has(k)).length;
    };
    for (const [a, b] of NEAR_DUPLICATES) assert.ok(shared(a, b) > 0, `${a} / ${b}`);
    for (const [a, b] of UNRELATED) assert.equal(shared(a, b), 0, `${a} / ${b}`);
  });

  test('LSH behaves as designed: pairs with Jaccard ≥ 0.6 almost always share a band, pairs ≤ 0.2 rarely do', () => {
    // 400 pairs of made-up 60-character texts, the second with k characters replaced: Jaccard spreads over 0..1.
    let seed = 7;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pool = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも商品注文配送届遅返金品質対応電話画面設定';
    const pick = (): string => pool[Math.floor(random() * pool.length)]!;
    let high = 0;
    let highShared = 0;
    let low = 0;
    let lowShared = 0;
    for (let n = 0; n < 400; n++) {
      const a = Array.from({ length: 60 }, pick);
      const b = [...a];
      const changes = Math.floor(random() * 40);
      for (let c = 0; c < changes; c++) b[Math.floor(random() * 60)] = pick();
      const [ta, tb] = [a.join(''), b.join('')];
      const j = textSimilarity(ta, tb);
      const bb = new Set(textBands(tb));
      const shares = textBands(ta).some((k) => bb.has(k));
      if (j >= 0.6) { high++; if (shares) highShared++; }
      if (j <= 0.2) { low++; if (shares) lowShared++; }
    }
    assert.ok(high >= 30 && low >= 30, `high ${high}, low ${low}`);
    assert.ok(highShared / high >= 0.95, `J ≥ 0.6: ${highShared}/${high} share a band`);
    assert.ok(lowShared / low <= 0.1, `J ≤ 0.2: ${lowShared}/${low} share a band`);
  });
});

describe('groupSimilar', () => {
  const items = [
    { id: 'a', text: '注文番号111の商品がまだ届きません。いつ届きますか', productSkus: ['TEA-1'], tags: ['配送'] },
    { id: 'b', text: '注文番号222の商品がまだ届きません。いつ届きますか？', productSkus: [], tags: [] },
    { id: 'c', text: '配送が遅すぎます', productSkus: ['TEA-1'], tags: ['配送'] },
    { id: 'd', text: 'お茶の味が落ちた気がします', productSkus: ['TEA-1'], tags: ['品質'] },
    { id: 'e', text: 'アプリがすぐ落ちます', productSkus: ['APP'], tags: ['不具合'] },
    { id: 'f', text: '注文番号333の商品がまだ届きません。いつ届きますか', productSkus: [], tags: [] },
  ];

  test('same product + topic forms a group; near-duplicate texts form another', () => {
    const groups = groupSimilar(items);
    assert.deepEqual(groups, [
      { key: 'product:TEA-1|tag:配送', memberIds: ['a', 'c'] },
      { key: 'text:a', memberIds: ['a', 'b', 'f'] },
    ]);
  });

  test('single items and unrelated items form no group', () => {
    assert.deepEqual(groupSimilar([items[3]!, items[4]!]), []);
    assert.deepEqual(groupSimilar([]), []);
  });

  test('an item with several products and tags joins each product × tag group', () => {
    const groups = groupSimilar([
      { id: '1', text: 'x', productSkus: ['P', 'Q'], tags: ['価格', '品質'] },
      { id: '2', text: 'y', productSkus: ['Q'], tags: ['品質'] },
      { id: '3', text: 'z', productSkus: ['P'], tags: ['価格'] },
    ]);
    assert.deepEqual(groups.map((g) => [g.key, g.memberIds]), [['product:P|tag:価格', ['1', '3']], ['product:Q|tag:品質', ['1', '2']]]);
  });

  test('groups 5,000 comments without a pairwise scan', () => {
    // 100 made-up templates of 40 random kana/kanji, 50 variants each that differ in a number only.
    let seed = 42;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pool = 'あいうえおかきくけこさしすせそたちつてとなにぬねの商品注文配送届遅返金品質対応電話画面設定';
    const templates = Array.from({ length: 100 }, () => Array.from({ length: 40 }, () => pool[Math.floor(random() * pool.length)]).join(''));
    const many = Array.from({ length: 5_000 }, (_, i) => ({ id: String(i), text: `${templates[i % 100]}${i}`, productSkus: [], tags: [] }));
    const started = performance.now();
    const groups = groupSimilar(many);
    const ms = performance.now() - started;
    assert.equal(groups.length, 100);
    assert.ok(groups.every((g) => g.memberIds.length === 50));
    assert.ok(ms < 10_000, `${ms} ms`);
  });
});
