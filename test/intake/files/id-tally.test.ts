import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdTally } from '../../../src/intake/files/id-tally.ts';

test('IdTally keeps one value per id through growth, like a Map', () => {
  const tally = new IdTally();
  const map = new Map<string, number>();
  // Ids of every shape a source sends: numbers, codes, Japanese, the empty string, near-identical strings.
  const ids = [
    ...Array.from({ length: 150_000 }, (_, i) => String(i)),
    ...Array.from({ length: 5_000 }, (_, i) => `M${String(i).padStart(6, '0')}`),
    '', '名刺-1', '名刺-2', 'ａｂｃ', 'abc', 'ab', 'ba',
  ];
  ids.forEach((id, i) => {
    tally.set(id, i + 1);
    map.set(id, i + 1);
  });
  // Overwrites keep the size; negative values (how validation marks a counted row) round-trip.
  for (let i = 0; i < 1000; i++) {
    tally.set(String(i), -((i % 3) + 1));
    map.set(String(i), -((i % 3) + 1));
  }
  assert.equal(tally.size, map.size);
  for (const [id, value] of map) assert.equal(tally.get(id), value, id);
  for (const absent of ['150000', 'M005000', '名刺-3', 'abcd']) assert.equal(tally.get(absent), undefined, absent);
});
