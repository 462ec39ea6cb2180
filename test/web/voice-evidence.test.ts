import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markEvidence } from '../../src/web/pages/voice/evidence.ts';

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
