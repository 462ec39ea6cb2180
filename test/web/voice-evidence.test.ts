import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evidenceWords, markEvidence, markEvidenceWords, spellingsOf } from '../../src/web/pages/voice/evidence.ts';

test('the evidence words are marked where they stand; the runs give the text back', () => {
  const text = '配送が遅いし、梱包も雑でした。遅い対応は困ります。';
  const runs = markEvidence(text, ['遅い', '雑', '困り']);
  assert.equal(runs.map((r) => r.text).join(''), text);
  assert.deepEqual(runs.filter((r) => r.hit).map((r) => r.hit), ['遅い', '雑', '遅い', '困り']);
  assert.deepEqual(runs[0], { text: '配送が', hit: null });
});

test('a longer word wins where two overlap, blank and repeated words are ignored', () => {
  const runs = markEvidence('対応が遅い', ['遅い', '対応が遅い', ' ', '遅い']);
  assert.deepEqual(runs, [{ text: '対応が遅い', hit: '対応が遅い' }]);
});

test('no evidence: one plain run; empty text: no runs', () => {
  assert.deepEqual(markEvidence('ありがとうございました', []), [{ text: 'ありがとうございました', hit: null }]);
  assert.deepEqual(markEvidence('', ['良い']), []);
});

test('stored evidence becomes words; entries of another shape are skipped', () => {
  const words = evidenceWords([{ term: '遅い', polarity: -0.8, negated: false, weight: 1 }, 'x', null, { term: '' }, { term: '良い', negated: true }]);
  assert.deepEqual(words, [
    { term: '遅い', polarity: -0.8, negated: false, weight: 1 },
    { term: '良い', polarity: 0, negated: true, weight: 1 },
  ]);
});

test('a dictionary form is found in its inflected spelling through its stem, and the run names the term', () => {
  assert.deepEqual(spellingsOf('遅い'), ['遅い', '遅']);
  assert.deepEqual(spellingsOf('ありがとう'), ['ありがとう']);
  assert.deepEqual(spellingsOf('不具合'), ['不具合']);
  const runs = markEvidenceWords('届くのが遅かったです。ありがとう。', evidenceWords([{ term: '遅い', polarity: -0.7 }, { term: 'ありがとう', polarity: 0.6 }]));
  assert.deepEqual(runs.filter((r) => r.hit).map((r) => [r.text, r.hit]), [['遅', '遅い'], ['ありがとう', 'ありがとう']]);
  assert.equal(runs.map((r) => r.text).join(''), '届くのが遅かったです。ありがとう。');
});
