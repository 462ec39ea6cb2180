import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

// A foreign-currency shop: amounts in GBP with decimals, times in London; recency counts London calendar days.
for (const engine of ENGINES) {
  describe(`orders in another currency and time zone [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => t.close());

    test('GBP orders keep decimals, currency and zone; RFM in GBP counts London days', async () => {
      const put = (orderId: string, orderedAt: string, unitPrice: string, extra: Record<string, unknown> = {}) => admin.json('POST', '/api/v1/orders', {
        source: 'uk', orderId, orderedAt, currency: 'GBP', timeZone: 'Europe/London', customer: { email: 'jane@example.co.uk', name: 'Jane Smith' },
        lines: [{ sku: '85123A', quantity: 6, unitPrice }], ...extra,
      });
      const first = await put('536365', '12/1/2010 8:26', '2.55');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.currency, 'GBP');
      assert.equal(first.body.totalAmount, '15.30');
      assert.equal(first.body.orderedAt, '2010-12-01T08:26:00.000Z');
      // 23:30 on 31 March in London is already 1 April in Tokyo.
      const late = await put('536366', '2026-03-31 23:30', '3.39');
      assert.equal(late.body.orderedAt, '2026-03-31T22:30:00.000Z');
      assert.equal((await put('x', '2026-03-31', '1', { currency: 'POUNDS' })).status, 400);
      assert.equal((await put('y', '2026-03-31', '1', { timeZone: 'Mars/Olympus' })).status, 400);
      // A yen order of the same buyer is left out of a GBP scoring.
      await admin.json('POST', '/api/v1/orders', { source: 'jp', orderId: 'J-1', orderedAt: '2026/3/1', customer: { email: 'jane@example.co.uk' }, lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }] });

      const run = await admin.json('POST', '/api/v1/rfm/recompute', { asOf: '2026-03-31', currency: 'GBP' });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal(run.body.customers, 1);
      const customerId = first.body.customerId as string;
      const value = (await admin.json('GET', `/api/v1/customers/${customerId}/value`)).body.value;
      assert.equal(value.currency, 'GBP');
      assert.equal(value.recencyDays, 0);
      assert.equal(value.frequency, 2);
      assert.equal(Number(value.monetary), 15.3 + 20.34);
    });
  });
}
