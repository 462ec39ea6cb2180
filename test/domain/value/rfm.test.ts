import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  orderValues, type RfmFacts, rfmFactsFromOrders, rfmSegment, rfmTier, RFM_TIERS, scoreRfm, type ValueOrder, type ValueOrderLine, ValueModelError,
} from '../../../src/domain/value/index.ts';

const order = (customerId: string, orderId: string, orderedAt: string, lines: ValueOrderLine[], cancelled = false): ValueOrder =>
  ({ customerId, orderId, orderedAt, cancelled, lines });
const line = (quantity: string, unitPrice: string | null, extra: Partial<ValueOrderLine> = {}): ValueOrderLine => ({ quantity, unitPrice, ...extra });
const facts = (customerId: string, frequency: number, recencyDays: number | null, monetary = '0.00'): RfmFacts =>
  ({ customerId, frequency, recencyDays, monetary, lastOrderDate: null });

describe('rfmFactsFromOrders', () => {
  test('frequency counts distinct non-cancelled orders with a line of positive quantity; recency is days to the last of them', () => {
    const rows = rfmFactsFromOrders([
      order('c1', 'o1', '2026-03-01T10:00:00+09:00', [line('1', '1000')]),
      order('c1', 'o2', '2026-03-20T10:00:00+09:00', [line('2', '500')]),
      order('c1', 'o3', '2026-03-25T10:00:00+09:00', [line('1', '9999')], true), // cancelled: nothing counts
      order('c1', 'o4', '2026-03-28T10:00:00+09:00', [line('-1', '500')]), // a return on its own: money, not a purchase
    ], { asOf: '2026-04-01' });
    assert.deepEqual(rows, [{ customerId: 'c1', recencyDays: 12, frequency: 2, monetary: '1500.00', lastOrderDate: '2026-03-20' }]);
  });

  test('monetary nets returns: returnedQuantity and negative lines; amount is used when there is no unit price', () => {
    const [row] = rfmFactsFromOrders([
      order('c1', 'o1', '2026-03-01T10:00:00+09:00', [
        line('3', '1200', { returnedQuantity: '1' }), // 2 × 1200 = 2400
        line('-1', '300'), // −300
        line('1', null, { amount: '980.50', returnedAmount: '100' }), // 880.50
      ]),
    ], { asOf: '2026-04-01' });
    assert.equal(row!.monetary, '2980.50');
    assert.equal(row!.frequency, 1);
  });

  test('a fully returned order still counts as a purchase occasion, with zero net money', () => {
    const [row] = rfmFactsFromOrders([order('c1', 'o1', '2026-03-01T10:00:00+09:00', [line('2', '700', { returnedQuantity: '2' })])], { asOf: '2026-04-01' });
    assert.deepEqual([row!.frequency, row!.monetary], [1, '0.00']);
  });

  test('money is exact: ten lines of 0.10 make 1.00, and 1.5 × 33.33 is 49.995, with no float drift', () => {
    const tenDimes = Array.from({ length: 10 }, () => line('1', '0.10'));
    const [a] = rfmFactsFromOrders([order('a', 'o', '2026-03-01T00:00:00Z', tenDimes)], { asOf: '2026-04-01' });
    assert.equal(a!.monetary, '1.00');
    const [b] = rfmFactsFromOrders([order('b', 'o', '2026-03-01T00:00:00Z', [line('1.5', '33.33'), line('0.001', '0.1')])], { asOf: '2026-04-01' });
    assert.equal(b!.monetary, '49.9951');
  });

  test('dates are taken in the time zone: 00:30 Tokyo on 1 April is 1 April there and 31 March in UTC', () => {
    const orders = [order('c1', 'o1', '2026-03-31T15:30:00Z', [line('1', '100')])];
    assert.equal(rfmFactsFromOrders(orders, { asOf: '2026-04-01' })[0]!.recencyDays, 0);
    assert.equal(rfmFactsFromOrders(orders, { asOf: '2026-04-01', timeZone: 'UTC' })[0]!.recencyDays, 1);
    assert.equal(rfmFactsFromOrders(orders, { asOf: '2026-04-01' })[0]!.lastOrderDate, '2026-04-01');
    // 23:59:59 Tokyo on 31 March is still 31 March.
    assert.equal(rfmFactsFromOrders([order('c1', 'o1', '2026-03-31T14:59:59Z', [line('1', '100')])], { asOf: '2026-04-01' })[0]!.recencyDays, 1);
    // The same instants written the other ways an order time arrives: PostgreSQL text, an offset without a colon, a Date.
    for (const at of ['2026-03-31 15:30:00+00', '2026-04-01T00:30+0900', '2026-04-01 00:30:00.5+09:00']) {
      assert.equal(rfmFactsFromOrders([order('c1', 'o1', at, [line('1', '100')])], { asOf: '2026-04-01' })[0]!.recencyDays, 0, at);
    }
    assert.equal(rfmFactsFromOrders([{ ...orders[0]!, orderedAt: new Date('2026-03-31T15:30:00Z') }], { asOf: '2026-04-01' })[0]!.recencyDays, 0);
    // A day-boundary in a zone with daylight saving: 23:30 on 7 March in New York is 04:30 UTC on the 8th.
    assert.equal(rfmFactsFromOrders([order('c1', 'o1', '2026-03-08T04:30:00Z', [line('1', '100')])], { asOf: '2026-03-09', timeZone: 'America/New_York' })[0]!.recencyDays, 2);
  });

  test('orders on a local date after the as-of date are left out; an instant as-of is read in the zone too', () => {
    const orders = [
      order('c1', 'o1', '2026-03-30T12:00:00+09:00', [line('1', '100')]),
      order('c1', 'o2', '2026-04-01T15:00:00Z', [line('1', '100')]), // 2 April 00:00 Tokyo
    ];
    const tokyo = rfmFactsFromOrders(orders, { asOf: '2026-04-01' })[0]!;
    assert.deepEqual([tokyo.frequency, tokyo.recencyDays, tokyo.monetary], [1, 2, '100.00']);
    const utc = rfmFactsFromOrders(orders, { asOf: '2026-04-01', timeZone: 'UTC' })[0]!;
    assert.deepEqual([utc.frequency, utc.recencyDays, utc.monetary], [2, 0, '200.00']);
    // 16:00 UTC on 1 April is already 2 April in Tokyo, so the second order counts.
    assert.equal(rfmFactsFromOrders(orders, { asOf: new Date('2026-04-01T16:00:00Z') })[0]!.frequency, 2);
  });

  test('customers without a counted order get frequency 0 and no recency; customerIds adds customers with no orders', () => {
    const rows = rfmFactsFromOrders([order('b', 'o1', '2026-03-01T10:00:00+09:00', [line('1', '100')], true)], { asOf: '2026-04-01', customerIds: ['a'] });
    assert.deepEqual(rows.map((r) => [r.customerId, r.frequency, r.recencyDays, r.monetary]), [['a', 0, null, '0.00'], ['b', 0, null, '0.00']]);
  });

  test('bad input is refused with a Japanese message naming the field', () => {
    const refused = (fn: () => unknown, field: RegExp, ja: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof ValueModelError && field.test(e.field) && ja.test(e.ja));
    refused(() => rfmFactsFromOrders([], { asOf: '2026-04-01', timeZone: 'Asia/Nowhere' }), /^timeZone$/u, /タイムゾーン/u);
    refused(() => rfmFactsFromOrders([order('a', 'o', '2026-03-01 10:00', [line('1', '1')])], { asOf: '2026-04-01' }), /orderedAt/u, /時差つき/u);
    refused(() => rfmFactsFromOrders([order('a', 'o', '2026-03-01T10:00:00Z', [line('1', '1,000')])], { asOf: '2026-04-01' }), /lines\[0\]\.unitPrice/u, /数値/u);
    refused(() => rfmFactsFromOrders([order('a', 'o', '2026-03-01T10:00:00Z', [line('1', null)])], { asOf: '2026-04-01' }), /unitPrice/u, /単価も金額も/u);
    refused(() => rfmFactsFromOrders([order('a', 'o', '2026-03-01T10:00:00Z', [line('1', '1')]), order('a', 'o', '2026-03-02T10:00:00Z', [line('1', '1')])], { asOf: '2026-04-01' }), /orderId/u, /2 回/u);
    refused(() => rfmFactsFromOrders([], { asOf: '2026-02-30' }), /^asOf$/u, /日付/u);
  });

  test('orderValues keeps each non-cancelled order with its local date, counted flag and net amount', () => {
    assert.deepEqual(orderValues([
      order('a', 'o1', '2026-03-31T15:30:00Z', [line('2', '10.5')]),
      order('a', 'o2', '2026-03-31T15:30:00Z', [line('1', '10')], true),
      order('a', 'o3', '2026-03-31T15:30:00Z', [line('-1', '10.5')]),
    ]), [
      { customerId: 'a', orderId: 'o1', date: '2026-04-01', counted: true, net: '21.00' },
      { customerId: 'a', orderId: 'o3', date: '2026-04-01', counted: false, net: '-10.50' },
    ]);
  });
});

describe('scoreRfm', () => {
  test('mid-rank percentile bins: ten distinct values score 1,1,2,2,3,3,4,4,5,5', () => {
    const rows = Array.from({ length: 10 }, (_, i) => facts(`c${i}`, 1, 0, `${(i + 1) * 100}`));
    assert.deepEqual(scoreRfm(rows).map((s) => s.m), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  test('ties get equal scores whatever the input order, and 10.0 equals 10', () => {
    const rows = [facts('a', 2, 5, '10.0'), facts('b', 2, 5, '10'), facts('c', 3, 40, '99'), facts('d', 5, 1, '1'), facts('e', 2, 5, '10.00')];
    const scores = scoreRfm(rows);
    assert.equal(new Set(scores.slice(0, 2).concat(scores[4]!).map((s) => `${s.r}${s.f}${s.m}`)).size, 1);
    const reversed = scoreRfm([...rows].reverse()).reverse();
    assert.deepEqual(reversed, scores);
  });

  test('R: more recent is higher; with no spread everyone gets the middle score', () => {
    const scores = scoreRfm([facts('old', 1, 300), facts('mid', 1, 30), facts('new', 1, 0)]);
    assert.ok(scores[2]!.r! > scores[1]!.r! && scores[1]!.r! > scores[0]!.r!);
    assert.deepEqual(scoreRfm([facts('a', 1, 7), facts('b', 1, 7)]).map((s) => s.r), [3, 3]);
  });

  test('F: one-time buyers are always 1, repeat buyers 2…bins, so 1 and 10 orders never share a score', () => {
    // 95 one-time buyers and five who bought 10 times: percentiles alone would still separate them, but …
    const mostlyOnce = [...Array.from({ length: 95 }, (_, i) => facts(`o${i}`, 1, 10)), ...Array.from({ length: 5 }, (_, i) => facts(`t${i}`, 10, 10))];
    const a = scoreRfm(mostlyOnce);
    assert.equal(a[0]!.f, 1);
    assert.ok(a[99]!.f! > 1);
    // … here one customer bought once, one 10 times and 98 more often: by percentile both would land in the bottom bin.
    const adversarial = [facts('once', 1, 10), facts('ten', 10, 10), ...Array.from({ length: 98 }, (_, i) => facts(`h${i}`, 20 + i, 10))];
    const b = scoreRfm(adversarial);
    assert.equal(b[0]!.f, 1);
    assert.equal(b[1]!.f, 2);
    assert.equal(b[99]!.f, 5);
    // Only one-time buyers: all 1. Every bins count keeps 1 for one-time buyers.
    assert.deepEqual(scoreRfm([facts('a', 1, 1), facts('b', 1, 2)]).map((s) => s.f), [1, 1]);
    for (const bins of [2, 3, 10]) {
      const s = scoreRfm(adversarial, { bins });
      assert.equal(s[0]!.f, 1);
      assert.ok(s[1]!.f! >= 2 && s.every((x) => x.f! <= bins));
    }
  });

  test('customers who have not bought get no score and no tier', () => {
    const [none, some] = scoreRfm([facts('none', 0, null), facts('some', 1, 3, '5')]);
    assert.deepEqual(none, { customerId: 'none', r: null, f: null, m: null, segment: null, tier: null });
    assert.ok(some!.tier !== null);
  });

  test('bins outside 2–10 and impossible facts are refused', () => {
    assert.throws(() => scoreRfm([], { bins: 1 }), ValueModelError);
    assert.throws(() => scoreRfm([], { bins: 2.5 }), ValueModelError);
    assert.throws(() => scoreRfm([facts('x', 2, null)]), /経過日数/u);
  });
});

describe('segments and tiers', () => {
  // The 5 × 5 map in rfm.ts, row R = 5 … 1, column F = 1 … 5.
  const GRID = [
    ['new_customers', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
    ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal_customers', 'loyal_customers'],
    ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal_customers', 'loyal_customers'],
    ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
    ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  ];
  test('every cell of the R × F grid (M in the middle)', () => {
    GRID.forEach((row, i) => row.forEach((segment, j) => assert.equal(rfmSegment(5 - i, j + 1, 3), segment, `R${5 - i} F${j + 1}`)));
  });

  test('M matters only for a hibernating top spender, who is worth a win-back (離反, not 休眠)', () => {
    assert.equal(rfmSegment(1, 1, 5), 'cant_lose');
    assert.equal(rfmSegment(1, 1, 4), 'hibernating');
    assert.equal(rfmSegment(5, 5, 1), 'champions');
  });

  test('tiers group the segments: 優良 安定 新規 要注意 離反 休眠', () => {
    assert.deepEqual(Object.values(RFM_TIERS).map((t) => t.ja), ['優良', '安定', '新規', '要注意', '離反', '休眠']);
    assert.equal(rfmTier('champions'), 'loyal');
    assert.equal(rfmTier('loyal_customers'), 'loyal');
    assert.equal(rfmTier('potential_loyalist'), 'stable');
    assert.equal(rfmTier('promising'), 'new');
    assert.equal(rfmTier('about_to_sleep'), 'attention');
    assert.equal(rfmTier('cant_lose'), 'at_risk');
    assert.equal(rfmTier('hibernating'), 'dormant');
  });

  test('with 3 or 10 bins the ends stay the ends', () => {
    assert.equal(rfmSegment(3, 3, 2, 3), 'champions');
    assert.equal(rfmSegment(3, 1, 2, 3), 'new_customers');
    assert.equal(rfmSegment(1, 1, 1, 3), 'hibernating');
    assert.equal(rfmSegment(10, 10, 1, 10), 'champions');
    assert.equal(rfmSegment(1, 10, 1, 10), 'cant_lose');
  });

  test('end to end: a recent one-time buyer is 新規, a recent frequent buyer 優良, a lapsed one-time buyer 休眠', () => {
    const base: RfmFacts[] = [];
    for (let i = 0; i < 40; i += 1) base.push(facts(`once-new${i}`, 1, i % 5, '1000'));
    for (let i = 0; i < 40; i += 1) base.push(facts(`once-old${i}`, 1, 300 + i, '1000'));
    for (let i = 0; i < 20; i += 1) base.push(facts(`loyal${i}`, 8 + i, i % 3, '50000'));
    const tierOf = new Map(scoreRfm(base).map((s) => [s.customerId, s.tier]));
    assert.equal(tierOf.get('once-new0'), 'new');
    assert.equal(tierOf.get('loyal19'), 'loyal');
    assert.equal(tierOf.get('once-old39'), 'dormant');
  });
});

test('the worked F example of rfm.ts: 60 once, 25 twice, 10 three times, 5 ten times', () => {
  const rows: RfmFacts[] = [];
  const add = (n: number, frequency: number) => { for (let i = 0; i < n; i += 1) rows.push(facts(`f${frequency}-${i}`, frequency, 1)); };
  add(60, 1);
  add(25, 2);
  add(10, 3);
  add(5, 10);
  const f = new Map(scoreRfm(rows).map((s) => [s.customerId, s.f]));
  assert.deepEqual([f.get('f1-0'), f.get('f2-0'), f.get('f3-0'), f.get('f10-0')], [1, 3, 5, 5]);
});
