import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { findUnstorable, hasUnstorable, stripUnstorable, stripUnstorableDeep } from '../../../src/domain/normalize/storable.ts';

test('NUL and lone surrogates are unstorable; pairs, kanji and emoji are not', () => {
  for (const bad of ['a\u0000', '\u0000', 'x\uD800y', '\uDC00', '佐藤\uD83D']) assert.equal(hasUnstorable(bad), true, JSON.stringify(bad));
  for (const good of ['', '佐藤 花子', '😀', '𠮷野家', 'tab\tcr\r', '\u0001']) assert.equal(hasUnstorable(good), false, JSON.stringify(good));
  assert.equal(stripUnstorable('a\u0000b\uD83Dc😀'), 'abc😀');
});

test('what is stripped is storable, and stripping keeps every storable character', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
    const stripped = stripUnstorable(s);
    assert.equal(hasUnstorable(stripped), false);
    assert.equal(stripUnstorable(stripped), stripped);
    if (!hasUnstorable(s)) assert.equal(stripped, s);
    // What survives round-trips through JSON as a well-formed string (what jsonb accepts).
    assert.equal(JSON.stringify(stripped).includes('\\ud'), false);
  }));
});

test('findUnstorable names the path of the first bad string or key', () => {
  assert.equal(findUnstorable({ e: [{ t: 'id', tr: { name: 'a\u0000' } }] }), 'e.0.tr.name');
  assert.equal(findUnstorable({ ['k\u0000']: 1 }), 'k\\u0000');
  assert.equal(findUnstorable('\u0000'), '(body)');
  assert.equal(findUnstorable({ a: ['fine', 1, null, true] }), null);
  assert.deepEqual(stripUnstorableDeep({ ['k\u0000']: ['a\u0000', 2] }), { k: ['a', 2] });
});
