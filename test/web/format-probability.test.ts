import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProbability } from '../../src/web/format.ts';

test('a match probability is a whole percent, its ends shown as bounds (never 100% or 0%)', () => {
  assert.equal(formatProbability(0.6614), '66%');
  assert.equal(formatProbability(0.9996), '>99%');
  assert.equal(formatProbability(0.994), '99%');
  assert.equal(formatProbability(0.001), '<1%');
  assert.equal(formatProbability(Number.NaN), '—');
});
