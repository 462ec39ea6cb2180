import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildOrder, parseLine } from '../../../src/domain/commerce/orders.ts';
import { parseCommerceProfile, CommerceProfileError } from '../../../src/domain/commerce/profile.ts';
import { parseAmount, parseAttendance, parseOrderStatus, parseQuantity, parseTimestamp, senToDecimal, milliToDecimal } from '../../../src/domain/commerce/values.ts';

describe('commerce values', () => {
  test('amounts with ¥, commas, 円, full-width digits and accounting negatives', () => {
    assert.deepEqual(parseAmount('¥1,200'), { ok: true, value: 120000 });
    assert.deepEqual(parseAmount('￥１２，０００'), { ok: true, value: 1200000 });
    assert.deepEqual(parseAmount('3,980円'), { ok: true, value: 398000 });
    assert.deepEqual(parseAmount('△500'), { ok: true, value: -50000 });
    assert.deepEqual(parseAmount('-1,000'), { ok: true, value: -100000 });
    assert.deepEqual(parseAmount('12.5'), { ok: true, value: 1250 });
    assert.deepEqual(parseAmount(''), { ok: true, value: null });
    assert.equal(parseAmount('abc').ok, false);
    assert.equal(parseAmount('1.234').ok, false);
  });

  test('quantities and decimal round trips', () => {
    assert.deepEqual(parseQuantity('３'), { ok: true, value: 3000 });
    assert.deepEqual(parseQuantity('-1'), { ok: true, value: -1000 });
    assert.deepEqual(parseQuantity('2個'), { ok: true, value: 2000 });
    assert.equal(parseQuantity('two').ok, false);
    assert.equal(senToDecimal(-50000), '-500.00');
    assert.equal(senToDecimal(1250), '12.50');
    assert.equal(milliToDecimal(1500), '1.5');
    assert.equal(milliToDecimal(3000), '3');
  });

  test('status and attendance words', () => {
    assert.deepEqual(parseOrderStatus('キャンセル'), { ok: true, value: 'cancelled' });
    assert.deepEqual(parseOrderStatus('返品'), { ok: true, value: 'returned' });
    assert.deepEqual(parseOrderStatus(''), { ok: true, value: 'completed' });
    assert.deepEqual(parseOrderStatus('出荷済み'), { ok: true, value: 'completed' });
    assert.equal(parseOrderStatus('保留中').ok, false);
    assert.deepEqual(parseAttendance('出席'), { ok: true, value: 'attended' });
    assert.deepEqual(parseAttendance('欠席'), { ok: true, value: 'no_show' });
    assert.deepEqual(parseAttendance('No-Show'), { ok: true, value: 'no_show' });
    assert.deepEqual(parseAttendance('attended'), { ok: true, value: 'attended' });
    assert.deepEqual(parseAttendance(''), { ok: true, value: 'registered' });
    assert.equal(parseAttendance('たぶん').ok, false);
  });

  test('timestamps: 2026/4/3, 和暦, with a time, ISO with offset (Japan time by default)', () => {
    assert.deepEqual(parseTimestamp('2026/4/3'), { ok: true, value: '2026-04-02T15:00:00.000Z' });
    assert.deepEqual(parseTimestamp('令和8年4月3日'), { ok: true, value: '2026-04-02T15:00:00.000Z' });
    assert.deepEqual(parseTimestamp('2026/04/03 10:30'), { ok: true, value: '2026-04-03T01:30:00.000Z' });
    assert.deepEqual(parseTimestamp('２０２６年４月３日'), { ok: true, value: '2026-04-02T15:00:00.000Z' });
    assert.deepEqual(parseTimestamp('2026-04-03T10:30:00Z'), { ok: true, value: '2026-04-03T10:30:00.000Z' });
    assert.equal(parseTimestamp('2026/2/30').ok, false);
    assert.equal(parseTimestamp('昨日').ok, false);
  });

  test('an order from its rows: returns by negative quantity, 返品 rows, cancellation, kept returns on re-import', () => {
    const line = (sku: string, quantity: string, unitPrice: string, status = '') => {
      const p = parseLine({ sku, quantity, unitPrice, status });
      assert.ok(p.ok);
      return p.value;
    };
    const built = buildOrder([line('A', '2', '1000'), line('B', '1', '500'), line('A', '-1', '1000')], null)!;
    assert.equal(built.total, 250000);
    assert.equal(built.returned, 100000);
    assert.equal(built.status, 'partially_returned');
    assert.equal(built.lines.find((l) => l.sku === 'A')!.returnedQuantity, 1000);
    // A later file with only the order lines keeps the stored return.
    const again = buildOrder([line('A', '2', '1000'), line('B', '1', '500')], { lines: built.lines, cancelled: false })!;
    assert.equal(again.returned, 100000);
    // A returns-only group needs a stored order.
    assert.equal(buildOrder([line('A', '-1', '1000')], null), null);
    const full = buildOrder([line('A', '1', '1000', '返品')], null)!;
    assert.equal(full.status, 'returned');
    const cancelled = buildOrder([line('A', '1', '1000', 'キャンセル')], null)!;
    assert.equal(cancelled.status, 'cancelled');
    const bad = parseLine({ sku: 'A', quantity: '1' });
    assert.equal(bad.ok, false);
  });

  test('profiles say what is wrong', () => {
    assert.throws(() => parseCommerceProfile({ kind: 'orders', source: 'ec', fields: { sku: '商品コード' } }), (e: unknown) => {
      assert.ok(e instanceof CommerceProfileError);
      assert.ok(e.issues.some((i) => i.startsWith('order_id_column')));
      assert.ok(e.issues.some((i) => i.includes('customer key')));
      return true;
    });
    const p = parseCommerceProfile({ kind: 'event_attendance', source: 'peatix', id_column: '受付ID', fields: { full_name: '氏名', email: 'メール', status: '出欠' } });
    assert.equal(p.kind, 'event_attendance');
    assert.throws(() => parseCommerceProfile({ kind: 'orders', source: 'ec', order_id_column: 'x', fields: { bogus: 'y', customer_email: 'm', amount: 'a' } }), /fields.bogus/);
  });
});
