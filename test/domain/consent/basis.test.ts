import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emailLawfulBasis } from '../../../src/domain/consent/basis.ts';
import { mostRestrictive } from '../../../src/domain/consent/purposes.ts';
import { parseConsentValue } from '../../../src/domain/consent/values.ts';

describe('lawful basis for marketing e-mail (特定電子メール法)', () => {
  test('an opt-out stops e-mail whatever the sources say', () => {
    for (const state of ['denied', 'withdrawn'] as const) {
      assert.deepEqual(emailLawfulBasis(state, ['business_relationship', 'business_card']), { status: 'opted_out', mayEmail: false });
    }
  });
  test('a recorded opt-in is the basis, even from a source that gives none', () => {
    assert.deepEqual(emailLawfulBasis('granted', ['none']), { status: 'opted_in', mayEmail: true });
    assert.deepEqual(emailLawfulBasis('granted', []), { status: 'opted_in', mayEmail: true });
  });
  test('without a consent event, the strongest exception among the sources', () => {
    assert.equal(emailLawfulBasis('none', ['published_for_business', 'business_card']).status, 'business_card');
    assert.equal(emailLawfulBasis('none', ['business_card', 'business_relationship', 'none']).status, 'business_relationship');
    assert.equal(emailLawfulBasis('none', ['published_for_business']).status, 'published_for_business');
    assert.equal(emailLawfulBasis('none', ['published_for_business']).mayEmail, true);
  });
  test('opt_in_per_record and none give nothing by themselves', () => {
    assert.deepEqual(emailLawfulBasis('none', ['opt_in_per_record', 'none']), { status: 'no_basis', mayEmail: false });
    assert.deepEqual(emailLawfulBasis('none', []), { status: 'no_basis', mayEmail: false });
  });
});

describe('most restrictive state wins', () => {
  test('withdrawn > denied > granted > none, either order', () => {
    const order = ['none', 'granted', 'denied', 'withdrawn'] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        const expected = order[Math.max(i, j)];
        assert.equal(mostRestrictive(order[i]!, order[j]!), expected, `${order[i]} vs ${order[j]}`);
      }
    }
  });
});

describe('consent column values', () => {
  test('the listed spellings, full and half width, any case', () => {
    const granted = ['希望する', 'する', '1', 'yes', 'YES', 'Ｙｅｓ', 'true', 'TRUE', '○', '〇', '１', ' はい ', '希望 する'];
    for (const v of granted) assert.deepEqual(parseConsentValue(v), { kind: 'state', state: 'granted' }, v);
    const denied = ['希望しない', 'しない', '0', 'no', 'No', 'ＮＯ', 'false', 'False', '×', '０', 'いいえ'];
    for (const v of denied) assert.deepEqual(parseConsentValue(v), { kind: 'state', state: 'denied' }, v);
  });
  test('blank says nothing; anything else is unrecognised with its value', () => {
    for (const v of ['', '   ', '\u3000', null, undefined]) assert.deepEqual(parseConsentValue(v), { kind: 'blank' });
    assert.deepEqual(parseConsentValue(' たぶん '), { kind: 'unrecognised', value: 'たぶん' });
    assert.deepEqual(parseConsentValue('2'), { kind: 'unrecognised', value: '2' });
  });
});
