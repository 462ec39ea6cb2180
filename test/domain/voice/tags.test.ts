import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyTagRules, DEFAULT_TOPIC_RULES, TOPIC_TAGS, type TagRule } from '../../../src/domain/voice/tags.ts';

const tagsOf = (text: string, rules: TagRule[] = DEFAULT_TOPIC_RULES): string[] => applyTagRules({ text }, rules).map((m) => m.tag);

describe('TOPIC_TAGS and the default rules', () => {
  test('the issue\'s topics exist as Japanese labels, and every default rule sets one of them', () => {
    for (const tag of ['価格', '品質', '配送', 'サポート', '機能要望', '不具合']) assert.ok(TOPIC_TAGS.includes(tag), tag);
    for (const rule of DEFAULT_TOPIC_RULES) assert.ok(TOPIC_TAGS.includes(rule.tag), rule.tag);
  });

  test('typical comments get their topics', () => {
    assert.deepEqual(tagsOf('注文した商品がまだ届きません'), ['配送']);
    assert.deepEqual(tagsOf('月額料金が高すぎます'), ['価格']);
    assert.deepEqual(tagsOf('アプリがすぐ落ちます'), ['不具合']);
    assert.deepEqual(tagsOf('CSV出力ができるようにしてほしい'), ['機能要望']);
    assert.deepEqual(tagsOf('サポートの対応が丁寧でした'), ['サポート']);
    assert.deepEqual(tagsOf('箱を開けたら傷がありました'), ['品質']);
    assert.deepEqual(tagsOf('The delivery was late and the app has a bug'), ['配送', '不具合']);
  });

  test('a comment about nothing in particular gets no topic', () => {
    assert.deepEqual(tagsOf('こんにちは'), []);
    assert.deepEqual(tagsOf(''), []);
  });
});

describe('keyword matching is width-, case- and kana-insensitive', () => {
  const rules: TagRule[] = [{ id: 'r1', tag: 'サポート', keywords: ['サポート'] }, { id: 'r2', tag: '価格', keywords: ['ＰＲＩＣＥ'] }];

  test('half-width katakana, hiragana and full-width forms of a keyword match', () => {
    for (const text of ['ｻﾎﾟｰﾄに電話しました', 'さぽーとに電話しました', 'サポートに電話しました', 'サ ポ ー ト']) {
      assert.deepEqual(applyTagRules({ text }, rules), [{ tag: 'サポート', ruleId: 'r1', matched: 'サポート' }], text);
    }
  });

  test('full-width and upper-case latin keywords match plain text and vice versa', () => {
    assert.deepEqual(tagsOf('the price went up', rules), ['価格']);
    assert.deepEqual(tagsOf('ｔｈｅ　Ｐｒｉｃｅ', rules), ['価格']);
  });

  test('variant kanji fold (髙 = 高)', () => {
    assert.deepEqual(tagsOf('髙橋さんの件', [{ tag: '担当', keywords: ['高橋'] }]), ['担当']);
  });
});

describe('form, product and channel conditions', () => {
  const rules: TagRule[] = [
    { id: 'form', tag: 'サポート', formIds: ['f-contact'] },
    { id: 'sku', tag: '品質', productSkus: ['KETTLE-01'] },
    { id: 'chan', tag: '機能要望', channels: ['survey'] },
    { id: 'both', tag: '不具合', keywords: ['エラー'], productSkus: ['APP-1'] },
  ];

  test('a form rule matches items from that form only', () => {
    assert.deepEqual(applyTagRules({ text: 'x', formId: 'f-contact' }, rules), [{ tag: 'サポート', ruleId: 'form', matched: 'form:f-contact' }]);
    assert.deepEqual(applyTagRules({ text: 'x', formId: 'f-other' }, rules), []);
    assert.deepEqual(applyTagRules({ text: 'x', formId: null }, rules), []);
  });

  test('a product rule matches any of the item\'s SKUs, width-insensitively', () => {
    assert.deepEqual(applyTagRules({ text: 'x', productSkus: ['OTHER', 'ＫＥＴＴＬＥ－０１'] }, rules).map((m) => m.matched), ['product:ＫＥＴＴＬＥ－０１']);
    assert.deepEqual(applyTagRules({ text: 'x', productSkus: [] }, rules), []);
  });

  test('a channel rule matches that channel', () => {
    assert.deepEqual(applyTagRules({ text: 'x', channel: 'survey' }, rules).map((m) => m.tag), ['機能要望']);
    assert.deepEqual(applyTagRules({ text: 'x', channel: 'email' }, rules), []);
  });

  test('every condition of a rule must hold', () => {
    assert.deepEqual(applyTagRules({ text: 'エラーが出ます', productSkus: ['APP-1'] }, rules), [{ tag: '不具合', ruleId: 'both', matched: 'エラー product:APP-1' }]);
    assert.deepEqual(applyTagRules({ text: 'エラーが出ます', productSkus: ['APP-2'] }, rules), []);
    assert.deepEqual(applyTagRules({ text: '動きます', productSkus: ['APP-1'] }, rules), []);
  });

  test('a rule without conditions matches nothing; a tag is reported once, by the first rule', () => {
    assert.deepEqual(applyTagRules({ text: 'anything' }, [{ tag: '価格' }, { tag: '価格', keywords: [] }]), []);
    const twice: TagRule[] = [{ id: 'a', tag: '配送', keywords: ['届'] }, { id: 'b', tag: '配送', keywords: ['遅'] }];
    assert.deepEqual(applyTagRules({ text: '届くのが遅い' }, twice), [{ tag: '配送', ruleId: 'a', matched: '届' }]);
  });

  test('a rule without id gives a match without ruleId', () => {
    assert.deepEqual(applyTagRules({ text: '送料' }, [{ tag: '価格', keywords: ['送料'] }]), [{ tag: '価格', matched: '送料' }]);
  });
});
