import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from '../../src/db/ids.ts';

test('uuidv7: version 7, RFC variant, the time in its first 48 bits, ordered by time, unique', () => {
  const at = Date.UTC(2026, 10, 22, 12, 0, 0);
  const id = uuidv7(at);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
  const later = uuidv7(at + 1);
  assert.ok(id < later, 'a later id sorts after (as text and as a PostgreSQL uuid: both compare bytes in order)');
  const many = new Set(Array.from({ length: 10_000 }, () => uuidv7(at)));
  assert.equal(many.size, 10_000);
});
