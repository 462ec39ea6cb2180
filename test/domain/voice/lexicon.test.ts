import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjectiveForms, INTENSIFIERS, LEXICON } from '../../../src/domain/voice/lexicon.ts';
import { nfkc } from '../../../src/domain/normalize/text.ts';

test('every term is written in the normalised form the scorer searches (NFKC, lower case), polarity in −1..1', () => {
  for (const e of LEXICON) {
    assert.equal(nfkc(e.term).toLowerCase(), e.term, `${e.term} can never match`);
    assert.ok(e.polarity >= -1 && e.polarity <= 1, e.term);
  }
  for (const term of Object.keys(INTENSIFIERS)) assert.equal(nfkc(term).toLowerCase(), term);
});

test('i-adjectives expand to the stems feedback uses', () => {
  assert.deepEqual(adjectiveForms('遅い').map((f) => f.form), ['遅い', '遅く', '遅かっ', '遅さ', '遅け', '遅すぎ']);
  assert.deepEqual(adjectiveForms('遅い').filter((f) => f.excess).map((f) => f.form), ['遅すぎ']);
  assert.deepEqual(adjectiveForms('物足りない').at(-1), { form: '物足りなさすぎ', excess: true });
  assert.deepEqual(adjectiveForms('いい'), [{ form: 'いい', excess: false }]);
  assert.ok(LEXICON.some((e) => e.term === '使いにくかっ' && e.lemma === '使いにくい' && e.polarity < 0));
});
