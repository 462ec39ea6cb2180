import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCurrencyCode, isTimeZone, parseAmount, parseTimestamp, zonedInstant } from '../../../src/domain/commerce/values.ts';
import { CommerceProfileError, parseCommerceProfile } from '../../../src/domain/commerce/profile.ts';

const at = (raw: string, options?: Parameters<typeof parseTimestamp>[1]) => {
  const r = parseTimestamp(raw, options);
  assert.ok(r.ok, raw);
  return r.value;
};

test('order times: Japanese forms in Japan time, year-last dates as MDY (or DMY), wall-clock time in the profile\'s zone', () => {
  assert.equal(at('2026/4/3'), '2026-04-02T15:00:00.000Z');
  assert.equal(at('令和8年4月3日 10:30'), '2026-04-03T01:30:00.000Z');
  assert.equal(at('2011-12-09 12:50:00', { timeZone: 'Europe/London' }), '2011-12-09T12:50:00.000Z');
  assert.equal(at('12/9/2011 12:50', { timeZone: 'Europe/London' }), '2011-12-09T12:50:00.000Z');
  assert.equal(at('12/9/2011 12:50', { timeZone: 'Europe/London', dateOrder: 'DMY' }), '2011-09-12T11:50:00.000Z'); // BST
  assert.equal(at('25/12/2011', { timeZone: 'Europe/London' }), '2011-12-25T00:00:00.000Z'); // a first number above 12 is a day
  assert.equal(at('2026-04-03T10:15:00+09:00', { timeZone: 'Europe/London' }), '2026-04-03T01:15:00.000Z'); // an offset wins
  assert.equal(parseTimestamp('2/30/2011').ok, false);
  assert.equal(parseTimestamp('13/13/2011').ok, false);
});

test('zonedInstant across daylight saving: the skipped hour moves forward, the repeated hour takes the earlier reading', () => {
  assert.equal(zonedInstant('2026-03-08', 2, 30, 0, 'America/New_York').toISOString(), '2026-03-08T07:30:00.000Z');
  assert.equal(zonedInstant('2026-11-01', 1, 30, 0, 'America/New_York').toISOString(), '2026-11-01T05:30:00.000Z');
  assert.equal(zonedInstant('2026-07-01', 9, 0, 0, 'Asia/Tokyo').toISOString(), '2026-07-01T00:00:00.000Z');
});

test('currencies, zones and foreign amounts', () => {
  assert.equal(isCurrencyCode('GBP'), true);
  assert.equal(isCurrencyCode('XYZ'), false);
  assert.equal(isTimeZone('Europe/London'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
  const amount = parseAmount('£2.55');
  assert.ok(amount.ok && amount.value === 255);
  const usd = parseAmount('US$1,200.50');
  assert.ok(usd.ok && usd.value === 120050);
});

test('order profiles take currency, timezone and date_order, and refuse bad ones with a reason', () => {
  const base = { kind: 'orders', source: 'uk', order_id_column: 'InvoiceNo', fields: { customer_email: 'Email', unit_price: 'UnitPrice' } };
  const p = parseCommerceProfile({ ...base, currency: 'gbp', timezone: 'Europe/London', date_order: 'dmy' });
  assert.equal(p.kind, 'orders');
  if (p.kind !== 'orders') return;
  assert.deepEqual([p.currency, p.timeZone, p.dateOrder], ['GBP', 'Europe/London', 'DMY']);
  const d = parseCommerceProfile(base);
  assert.ok(d.kind === 'orders' && d.currency === 'JPY' && d.timeZone === 'Asia/Tokyo' && d.dateOrder === 'MDY');
  assert.throws(() => parseCommerceProfile({ ...base, currency: 'POUNDS', timezone: 'London', date_order: 'YDM' }), (e: unknown) => {
    assert.ok(e instanceof CommerceProfileError);
    assert.equal(e.issues.length, 3);
    return true;
  });
});
