import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeEmail, isPlaceholderEmail, emailMatchKey } from '../../../src/domain/normalize/email.ts';
import { japaneseishString } from './arbitraries.ts';

describe('normalizeEmail', () => {
  test('trim, NFKC, lowercase', () => {
    assert.deepEqual(normalizeEmail(' Yamada.Taro＠Daicho.CO.JP '), {
      value: 'yamada.taro@daicho.co.jp',
      valid: true,
      reason: null,
      placeholder: false,
    });
    assert.equal(normalizeEmail('ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ').value, 'taro@gmail.com');
    assert.equal(normalizeEmail('taro@gmail。com').value, 'taro@gmail.com');
    assert.equal(normalizeEmail('<mailto:Taro@Gmail.com>').value, 'taro@gmail.com');
    assert.equal(normalizeEmail('taro @ gmail.com').value, 'taro@gmail.com');
  });
  test('invalid inputs carry a reason', () => {
    assert.equal(normalizeEmail('').reason, 'empty');
    assert.equal(normalizeEmail('　').reason, 'empty');
    assert.equal(normalizeEmail('taro.gmail.com').reason, 'missing_at');
    assert.equal(normalizeEmail('a@b@c.jp').reason, 'multiple_at');
    assert.equal(normalizeEmail('taro@').reason, 'invalid_domain');
    assert.equal(normalizeEmail('taro@localhost').reason, 'invalid_domain');
    assert.equal(normalizeEmail('taro@-bad.jp').reason, 'invalid_domain');
    assert.equal(normalizeEmail('taro@gmail.c').reason, 'invalid_domain');
    assert.equal(normalizeEmail('山田@gmail.com').reason, 'invalid_local');
    assert.equal(normalizeEmail('taro..yamada@gmail.com').reason, 'invalid_local');
    assert.equal(normalizeEmail(`${'a'.repeat(65)}@gmail.com`).reason, 'too_long');
    assert.equal(normalizeEmail('taro@gmail.com').valid, true);
  });
  test('legacy Japanese carrier addresses with odd dots are accepted', () => {
    assert.equal(normalizeEmail('taro..yamada@docomo.ne.jp').valid, true);
    assert.equal(normalizeEmail('taro.@ezweb.ne.jp').valid, true);
  });
  test('IDN domain is converted to punycode', () => {
    const r = normalizeEmail('info@日本語.jp');
    assert.equal(r.valid, true);
    assert.equal(r.value, 'info@xn--wgv71a119e.jp');
  });
  test('placeholder flag is set on valid and invalid addresses', () => {
    assert.equal(normalizeEmail('test@gmail.com').placeholder, true);
    assert.equal(normalizeEmail('test@gmail.com').valid, true);
    assert.equal(normalizeEmail('noreply@').placeholder, true);
    assert.equal(normalizeEmail('').placeholder, false);
  });
});

describe('isPlaceholderEmail', () => {
  test('dummy addresses', () => {
    for (const e of [
      'test@gmail.com',
      'TEST+1@yahoo.co.jp',
      'noreply@shop.co.jp',
      'no-reply@amazon.co.jp',
      'taro@example.com',
      'taro@example.co.jp',
      'a@foo.test',
      'x@host.invalid',
      'aaaa@gmail.com',
      '0000@docomo.ne.jp',
      'hoge@hoge.com',
      'dummy@daicho.jp',
    ]) {
      assert.equal(isPlaceholderEmail(e), true, e);
    }
  });
  test('real-looking addresses', () => {
    for (const e of ['yamada.taro@gmail.com', 'sato-h@daicho.co.jp', 'testa@gmail.com', 'k1985@docomo.ne.jp', 'no at sign']) {
      assert.equal(isPlaceholderEmail(e), false, e);
    }
  });
});

describe('emailMatchKey', () => {
  test('gmail dots and plus tags', () => {
    assert.equal(emailMatchKey('Taro.Yamada+shop@GMAIL.com'), 'taroyamada@gmail.com');
    assert.equal(emailMatchKey('taro.yamada@googlemail.com'), 'taroyamada@gmail.com');
    assert.equal(emailMatchKey('taro.yamada+news@daicho.co.jp'), 'taro.yamada@daicho.co.jp');
    assert.equal(emailMatchKey('not an email'), null);
  });
});

describe('properties', () => {
  const arb = fc.oneof(fc.string({ unit: 'binary' }), japaneseishString, fc.emailAddress());
  test('never throws; normalising the value again is a fixpoint', () => {
    fc.assert(
      fc.property(arb, (s) => {
        const a = normalizeEmail(s);
        const b = normalizeEmail(a.value);
        assert.deepEqual(b, a);
        assert.equal(a.valid, a.reason === null);
      }),
      { numRuns: 1000 },
    );
  });
  test('generated RFC addresses without quoting are valid and lowercased', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (e) => {
        const r = normalizeEmail(e);
        assert.equal(r.value, r.value.toLowerCase());
        if (!e.includes('..') && e.split('@')[0]!.length <= 64 && e.length <= 254) {
          // fast-check domains may have single-letter TLDs; those we reject.
          const tld = e.slice(e.lastIndexOf('.') + 1);
          if (/^[a-z]{2,}$/iu.test(tld)) assert.equal(r.valid, true, `${e} → ${r.reason}`);
        }
      }),
    );
  });
  test('full-width input equals half-width input', () => {
    const toFull = (s: string): string =>
      s.replace(/[!-~]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(fc.emailAddress(), (e) => {
        assert.deepEqual(normalizeEmail(toFull(e)), normalizeEmail(e));
      }),
    );
  });
});
