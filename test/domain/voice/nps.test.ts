import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { csatOf, npsOf } from '../../../src/domain/voice/nps.ts';

describe('npsOf', () => {
  test('9–10 promoters, 7–8 passives, 0–6 detractors; NPS = (P − D) / n × 100', () => {
    assert.deepEqual(npsOf([10, 9, 8, 7, 6, 0]), { n: 6, promoters: 2, passives: 2, detractors: 2, nps: 0 });
    assert.deepEqual(npsOf([10, 10, 10, 0]), { n: 4, promoters: 3, passives: 0, detractors: 1, nps: 50 });
    assert.equal(npsOf([10, 9]).nps, 100);
    assert.equal(npsOf([0, 6, 3]).nps, -100);
    assert.equal(npsOf([7, 8]).nps, 0);
  });

  test('no usable score: n 0 and nps null (not 0)', () => {
    assert.deepEqual(npsOf([]), { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
    assert.equal(npsOf([Number.NaN, 11, -1]).nps, null);
  });

  test('scores off the 0–10 integer scale are ignored, not guessed', () => {
    assert.deepEqual(npsOf([10, 11, -1, 8.5, Number.NaN, Number.POSITIVE_INFINITY, 0]), { n: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 });
  });

  test('unrounded: one promoter in three', () => {
    assert.equal(npsOf([9, 8, 8]).nps, 100 / 3);
  });
});

describe('csatOf', () => {
  test('1–5 scale: 4 and 5 are satisfied', () => {
    assert.deepEqual(csatOf([5, 4, 3, 2, 1]), { n: 5, satisfied: 2, share: 0.4 });
  });

  test('other scales: the top boxes from ⌈0.8 × max⌉', () => {
    assert.deepEqual(csatOf([10, 8, 7, 0], 10), { n: 4, satisfied: 2, share: 0.5 });
    assert.deepEqual(csatOf([7, 6, 5], 7), { n: 3, satisfied: 2, share: 2 / 3 });
    assert.deepEqual(csatOf([3, 2], 3), { n: 2, satisfied: 1, share: 0.5 });
  });

  test('empty and invalid input', () => {
    assert.deepEqual(csatOf([]), { n: 0, satisfied: 0, share: null });
    assert.deepEqual(csatOf([6, -1, 4.5, Number.NaN]), { n: 0, satisfied: 0, share: null });
    assert.throws(() => csatOf([5], 0), RangeError);
  });
});
