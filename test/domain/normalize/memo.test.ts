import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoize } from '../../../src/domain/normalize/memo.ts';
import { normalizePhone } from '../../../src/domain/normalize/phone.ts';

test('memoize: one call per distinct argument, results frozen, the cache starts afresh when full', () => {
  let calls = 0;
  const f = memoize((s: string) => { calls++; return { length: s.length }; }, 3);
  assert.deepEqual(f('ab'), { length: 2 });
  assert.equal(f('ab'), f('ab'));
  assert.equal(calls, 1);
  assert.throws(() => { (f('ab') as { length: number }).length = 9; }, TypeError);
  f('c'); f('d'); // full: 3 entries
  f('e'); // starts afresh with 'e' alone
  calls = 0;
  f('e');
  assert.equal(calls, 0);
  f('ab');
  assert.equal(calls, 1, 'evicted when the cache started afresh');
});

test('a memoised normaliser gives the same answer on every call (and another country is not served from the JP cache)', () => {
  const first = normalizePhone('（０３）３２１０-９８７６');
  assert.equal(normalizePhone('（０３）３２１０-９８７６'), first);
  assert.equal(first.e164, '+81332109876');
  assert.notEqual(normalizePhone('212-555-0199', 'US').e164, normalizePhone('212-555-0199').e164);
});
