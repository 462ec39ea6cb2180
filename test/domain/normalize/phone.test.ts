import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizePhone, isPlaceholderPhone } from '../../../src/domain/normalize/phone.ts';
import { japaneseishString } from './arbitraries.ts';

describe('normalizePhone', () => {
  test('mobile with full-width digits and long-vowel dashes', () => {
    const r = normalizePhone('０９０ー１２３４ー９８７６');
    assert.equal(r.e164, '+819012349876');
    assert.equal(r.national, '090-1234-9876');
    assert.equal(r.kind, 'mobile');
    assert.equal(r.valid, true);
    assert.equal(r.reason, null);
    assert.equal(r.placeholder, false);
  });
  test('every dash and bracket style gives the same E.164', () => {
    for (const x of [
      '03-3210-9876',
      '03‐3210‐9876',
      '03−3210−9876',
      '03―3210―9876',
      '０３－３２１０－９８７６',
      '(03)3210-9876',
      '（０３）３２１０－９８７６',
      '03 3210 9876',
      '0332109876',
      '+81 3-3210-9876',
      '+81(0)3-3210-9876',
      '＋８１３３２１０９８７６',
      '0081-3-3210-9876',
      'TEL：03-3210-9876（代表）',
    ]) {
      const r = normalizePhone(x);
      assert.equal(r.e164, '+81332109876', x);
      assert.equal(r.kind, 'fixed', x);
    }
  });
  test('kinds', () => {
    assert.equal(normalizePhone('0120-123-456').kind, 'toll_free');
    assert.equal(normalizePhone('0800-123-4567').kind, 'toll_free');
    assert.equal(normalizePhone('050-3123-4567').kind, 'ip');
    assert.equal(normalizePhone('080-2345-6789').kind, 'mobile');
    assert.equal(normalizePhone('070-2345-6789').kind, 'mobile');
    assert.equal(normalizePhone('06-6123-4567').kind, 'fixed');
    assert.equal(normalizePhone('0466-12-3456').kind, 'fixed');
    const navi = normalizePhone('0570-064-556');
    assert.equal(navi.kind, 'unknown');
    assert.equal(navi.type, 'UAN');
    assert.equal(navi.valid, true);
  });
  test('foreign numbers keep their country', () => {
    const r = normalizePhone('+1 415 555 2671');
    assert.equal(r.e164, '+14155552671');
    assert.equal(r.country, 'US');
  });
  test('extension (内線)', () => {
    const r = normalizePhone('03-3210-9876 内線 123');
    assert.equal(r.e164, '+81332109876');
    assert.equal(r.extension, '123');
    assert.equal(r.national, '03-3210-9876');
  });
  test('placeholders are flagged and not valid', () => {
    for (const x of ['000-0000-0000', '0000', '1111111111', '090-0000-0000', '03-0000-0000', '090-1234-5678', '0123456789', '1234567890']) {
      const r = normalizePhone(x);
      assert.equal(r.placeholder, true, x);
      assert.equal(r.valid, false, x);
      assert.equal(r.reason, 'placeholder', x);
      assert.equal(r.e164, null, x);
    }
  });
  test('invalid inputs carry a reason', () => {
    assert.equal(normalizePhone('').reason, 'empty');
    assert.equal(normalizePhone('なし').reason, 'empty');
    assert.equal(normalizePhone('117').reason, 'too_short');
    assert.equal(normalizePhone('03-3210-987').reason, 'invalid_number');
    assert.equal(normalizePhone('03-3210-987').digits, '033210987');
  });
});

describe('isPlaceholderPhone', () => {
  test('real numbers are not placeholders', () => {
    for (const x of ['03-3210-9876', '090-2222-3333', '0120-111-111', '+81 90 2345 6789', '0800-123-4567']) {
      assert.equal(isPlaceholderPhone(x), false, x);
    }
    assert.equal(isPlaceholderPhone('+81 90 0000 0000'), true);
  });
});

describe('properties', () => {
  const arb = fc.oneof(fc.string({ unit: 'binary' }), japaneseishString, fc.stringMatching(/^0\d{1,4}-\d{1,4}-\d{4}$/));
  test('never throws; valid ⇔ e164 set ⇔ reason null', () => {
    fc.assert(
      fc.property(arb, (s) => {
        const r = normalizePhone(s);
        assert.equal(r.valid, r.e164 !== null);
        assert.equal(r.valid, r.reason === null);
        if (r.placeholder) assert.equal(r.valid, false);
      }),
      { numRuns: 1000 },
    );
  });
  test('re-normalising E.164 or the national form is a fixpoint', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^0[1-9]\d{8,9}$/), (s) => {
        const r = normalizePhone(s);
        if (!r.valid) return;
        assert.equal(normalizePhone(r.e164!).e164, r.e164);
        if (r.country === 'JP') assert.equal(normalizePhone(r.national!).e164, r.e164);
        assert.equal(normalizePhone(r.e164!).kind, r.kind);
      }),
      { numRuns: 500 },
    );
  });
  test('full-width digits and hyphens give the same result as ASCII', () => {
    const toFull = (s: string): string =>
      s.replace(/[0-9-]/gu, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
    fc.assert(
      fc.property(fc.stringMatching(/^0\d{1,4}-\d{1,4}-\d{4}$/), (s) => {
        const a = normalizePhone(s);
        assert.deepEqual(normalizePhone(toFull(s)), a);
      }),
    );
  });
});
