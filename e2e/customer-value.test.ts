/**
 * Predicted value on the customer page (issue 21): 24 buyers, 8 of them repeat buyers, so the BG/NBD and
 * Gamma-Gamma models fit (they need 20 buyers and 5 repeat buyers); after 再計算 the customer's 購買の価値 card shows
 * P(active) and the predicted values beside R/F/M. Screenshot: test-artifacts/customer-value-card.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@value-e2e.daicho-test.jp', password: 'value-admin-2026' };

test('customer value: P(active) and the predicted values on the customer page once the models fit', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, context, headers, problems } = session;
    const post = async (url: string, data: unknown) => {
      const r = await context.request.post(`${base}/api/v1${url}`, { headers, data });
      assert.ok(r.ok(), `${url}: ${await r.text()}`);
      return r.json() as Promise<{ id: string }>;
    };
    await post('/products', { sku: 'TEA-1', name: '煎茶 100g', category: '食品', price: 1200 });
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      ids.push((await post('/customers', { familyName: '価値', givenName: `${i + 1}号`, email: `buyer${i}@value-e2e.daicho-test.jp` })).id);
      // Everyone's first order in early 2025; every third buyer comes back two to four times through the year.
      const orders = i % 3 === 0 ? 2 + (i % 4) : 0;
      for (let k = 0; k <= orders; k++) {
        const month = String(1 + k * 2 + (i % 2)).padStart(2, '0');
        await post('/orders', {
          source: 'ec', orderId: `V-${i}-${k}`, orderedAt: `2025-${month}-1${i % 9}T10:00:00+09:00`,
          customer: { email: `buyer${i}@value-e2e.daicho-test.jp` }, lines: [{ sku: 'TEA-1', quantity: 1 + (k % 2), unitPrice: 1200 }],
        });
      }
    }
    const run = await context.request.post(`${base}/api/v1/rfm/recompute`, { headers, data: { asOf: '2026-01-31' } });
    assert.ok(run.ok(), await run.text());

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await page.goto(`${base}/customers/${ids[0]!}`);
    const palive = page.getByTestId('value-palive');
    await palive.waitFor();
    const shown = Number((await palive.innerText()).replace('%', ''));
    assert.ok(shown > 0 && shown <= 100, `P(active) ${shown}%`);
    assert.equal((await page.getByTestId('value-frequency').innerText()).trim(), '3 回');
    const card = palive.locator('xpath=ancestor::section[1]');
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(ARTIFACTS, 'customer-value-card.png') });
    assert.deepEqual(problems, []);
  });
});
