import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  corporateNumberCheckDigit,
  corporateNumberFromBase,
  isValidCorporateNumber,
  normalizeCorporateNumber,
} from '../../../src/domain/companies/index.ts';

/** Published 法人番号: 国税庁, トヨタ自動車株式会社, and two quoted in write-ups of the check-digit formula. */
const PUBLISHED = ['7000012050002', '1180301018771', '4011001098993', '2120901007402'];

describe('法人番号 check digit', () => {
  test('published numbers are valid', () => {
    for (const n of PUBLISHED) {
      assert.equal(corporateNumberCheckDigit(n.slice(1)), Number(n[0]), n);
      assert.equal(isValidCorporateNumber(n), true, n);
    }
  });
  test('worked example: 国税庁 000012050002 → 9 − (11 mod 9) = 7', () => {
    assert.equal(corporateNumberCheckDigit('000012050002'), 7);
    assert.equal(corporateNumberFromBase('000012050002'), '7000012050002');
  });
  test('not 12 digits: no check digit', () => {
    for (const x of ['', '12345678901', '1234567890123', '12345678901a', '１２３４５６７８９０１２']) assert.equal(corporateNumberCheckDigit(x), null, x);
  });
  test('every single-digit typo in a published number is caught', () => {
    for (const n of PUBLISHED) {
      for (let i = 0; i < 13; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === n[i]) continue;
          const typo = `${n.slice(0, i)}${d}${n.slice(i + 1)}`;
          // Sums are taken mod 9, so a 0 ↔ 9 change in the base number keeps them (the formula's own limit).
          const undetectable = i > 0 && Math.abs(d - Number(n[i])) === 9;
          assert.equal(isValidCorporateNumber(typo), undetectable, typo);
        }
      }
    }
  });
});

describe('normalizeCorporateNumber', () => {
  test('spellings people type', () => {
    for (const x of ['7000012050002', '７００００１２０５０００２', '7-0000-1205-0002', '7 0000 1205 0002', "'7000012050002", '7000012050002.0', 'T7000012050002', '法人番号：7000012050002']) {
      assert.deepEqual(normalizeCorporateNumber(x), { value: '7000012050002', valid: true, reason: null, suggestion: null }, x);
    }
  });
  test('problems', () => {
    assert.equal(normalizeCorporateNumber('7000012050003').reason, 'check_digit');
    assert.equal(normalizeCorporateNumber('').reason, 'empty');
    assert.equal(normalizeCorporateNumber(null).reason, 'empty');
    assert.equal(normalizeCorporateNumber('7.00001E+12').reason, 'excel_exponent');
    assert.equal(normalizeCorporateNumber('700001205000').reason, 'base_number');
    assert.equal(normalizeCorporateNumber('000012050002').suggestion, '7000012050002');
    assert.equal(normalizeCorporateNumber('70000120500021').reason, 'wrong_length');
    assert.equal(normalizeCorporateNumber('株式会社').reason, 'not_digits');
  });
});

describe('properties', () => {
  const base = fc.stringMatching(/^\d{12}$/u);
  test('round trip: a base number with its check digit is valid, and the digit is 1–9', () => {
    fc.assert(
      fc.property(base, (b) => {
        const n = corporateNumberFromBase(b)!;
        assert.match(n, /^[1-9]\d{12}$/u);
        assert.equal(normalizeCorporateNumber(n).value, n);
        assert.equal(normalizeCorporateNumber(`T${n.slice(0, 5)}-${n.slice(5)}`).value, n);
      }),
    );
  });
  test('any other leading digit is refused', () => {
    fc.assert(
      fc.property(base, fc.integer({ min: 0, max: 9 }), (b, d) => {
        fc.pre(d !== corporateNumberCheckDigit(b));
        assert.equal(isValidCorporateNumber(`${d}${b}`), false);
      }),
    );
  });
  test('adjacent transpositions of two different digits in the base are caught unless they differ by 9', () => {
    fc.assert(
      fc.property(base, fc.integer({ min: 0, max: 10 }), (b, i) => {
        fc.pre(b[i] !== b[i + 1] && Math.abs(Number(b[i]) - Number(b[i + 1])) !== 9);
        const swapped = `${b.slice(0, i)}${b[i + 1]}${b[i]}${b.slice(i + 2)}`;
        assert.equal(isValidCorporateNumber(`${corporateNumberCheckDigit(b)}${swapped}`), false);
      }),
    );
  });
});
