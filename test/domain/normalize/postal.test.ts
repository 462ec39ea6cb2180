import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizePostalCode, extractPostalCode } from '../../../src/domain/normalize/postal.ts';
import { japaneseishString } from './arbitraries.ts';

describe('normalizePostalCode', () => {
  test('common spellings of 100-0001', () => {
    for (const x of ['〒100-0001', '１００－０００１', '1000001', '100-0001', ' 100 0001 ', '〒１００ー０００１', '100ｰ0001', '100−0001', '〶100-0001', '郵便番号：100-0001']) {
      assert.deepEqual(normalizePostalCode(x), { value: '1000001', formatted: '100-0001', valid: true, reason: null }, x);
    }
  });
  test('invalid', () => {
    assert.equal(normalizePostalCode('').reason, 'empty');
    assert.equal(normalizePostalCode('〒').reason, 'empty');
    assert.equal(normalizePostalCode('100').reason, 'wrong_length');
    assert.equal(normalizePostalCode('100-00011').reason, 'wrong_length');
    assert.equal(normalizePostalCode('東京都').reason, 'not_digits');
    assert.equal(normalizePostalCode('000-0000').reason, 'placeholder');
    assert.equal(normalizePostalCode('9999999').reason, 'placeholder');
  });
});

describe('extractPostalCode', () => {
  test('leading postal code', () => {
    assert.deepEqual(extractPostalCode('〒100-0001 東京都千代田区千代田1-1'), { postal: '1000001', rest: '東京都千代田区千代田1-1' });
    assert.deepEqual(extractPostalCode('〒5300001大阪府大阪市北区梅田'), { postal: '5300001', rest: '大阪府大阪市北区梅田' });
    assert.deepEqual(extractPostalCode('530-0001 大阪府'), { postal: '5300001', rest: '大阪府' });
  });
  test('no postal code', () => {
    assert.deepEqual(extractPostalCode('東京都千代田区'), { postal: null, rest: '東京都千代田区' });
    assert.deepEqual(extractPostalCode('1-2-3 千代田'), { postal: null, rest: '1-2-3 千代田' });
    assert.deepEqual(extractPostalCode('1234567 千代田'), { postal: null, rest: '1234567 千代田' });
  });
});

describe('properties', () => {
  test('never throws; valid ⇒ 7 digits and idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString, fc.stringMatching(/^\d{3}-?\d{4}$/)), (s) => {
        const r = normalizePostalCode(s);
        assert.equal(r.valid, r.value !== null);
        if (r.value !== null) {
          assert.match(r.value, /^\d{7}$/u);
          assert.deepEqual(normalizePostalCode(r.value), r);
          assert.deepEqual(normalizePostalCode(r.formatted!), r);
        }
        extractPostalCode(s);
      }),
      { numRuns: 1000 },
    );
  });
  test('full-width equals half-width', () => {
    const toFull = (s: string): string =>
      s.replace(/[0-9-]/gu, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
    fc.assert(
      fc.property(fc.stringMatching(/^\d{3}-\d{4}$/), (s) => {
        assert.deepEqual(normalizePostalCode(toFull(s)), normalizePostalCode(s));
      }),
    );
  });
});
