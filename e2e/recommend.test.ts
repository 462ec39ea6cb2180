/**
 * Cross-sell and up-sell candidates in a real browser (issue 22): products, customers and orders through the API
 * (fourteen buyers of コーヒー豆 also bought ドリップポット, ten of them in the same order with ペーパーフィルター; one
 * customer bought only the beans), then 商品マスタ's 「クロスセル提案の計算」 is started and watched to 完了; the beans-only
 * customer's 「おすすめ商品」 names the pot with its Japanese reason; the pot's page lists that customer under
 * 「この商品を勧める顧客」, and 「この条件でセグメントを作成」 opens the builder with the candidate condition and its
 * count, saved as a segment; the builder's product picker finds the pot by name. A viewer sees no 再計算.
 * Screenshots at 1366×768: test-artifacts/recommend-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@recommend-e2e.co.jp', password: 'recommend-admin-2026' };
const VIEWPORT = { width: 1366, height: 768 };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

const PRODUCTS = [
  { sku: 'A-100', name: '業務用コーヒー豆 1kg', category: 'コーヒー', price: 3200 },
  { sku: 'A-500', name: 'プレミアム コーヒー豆 1kg', category: 'コーヒー', price: 5800 },
  { sku: 'B-200', name: 'ドリップポット 1.2L', category: '器具', price: 4800 },
  { sku: 'F-10', name: 'ペーパーフィルター 100枚', category: '消耗品', price: 400 },
  { sku: 'C-300', name: '煎茶 100g', category: 'お茶', price: 1800 },
] as const;

type Basket = readonly string[];
interface Person { key: string; familyName: string; givenName: string; orders: readonly Basket[] }

/** Who bought what, order by order (each inner list one order). */
const PEOPLE: Person[] = [
  // Ten bought beans, pot and filters in one order (basket rules need ten orders): {A-100, B-200} ⇒ F-10.
  ...Array.from({ length: 10 }, (_, i) => ({ key: `set${i}`, familyName: '一括', givenName: `客${i + 1}`, orders: [['A-100', 'B-200', 'F-10']] })),
  // Four bought the beans first and the pot later.
  ...Array.from({ length: 4 }, (_, i) => ({ key: `later${i}`, familyName: '後日', givenName: `客${i + 1}`, orders: [['A-100'], ['B-200']] })),
  // Three moved up to the premium beans.
  ...Array.from({ length: 3 }, (_, i) => ({ key: `premium${i}`, familyName: '上位', givenName: `客${i + 1}`, orders: [['A-100'], ['A-500']] })),
  // Tea drinkers, unrelated.
  ...Array.from({ length: 5 }, (_, i) => ({ key: `tea${i}`, familyName: '煎茶', givenName: `客${i + 1}`, orders: [['C-300']] })),
  { key: 'ichiro', familyName: '佐藤', givenName: '一郎', orders: [['A-100']] },
  { key: 'nobody', familyName: '未購入', givenName: '太郎', orders: [] },
];

const emailOf = (key: string) => `${key}@recommend-e2e.co.jp`;

/** The builder's live count once settled. */
async function settledCount(page: Page): Promise<string> {
  await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.getAttribute('data-state') !== 'checking');
  return (await page.getByTestId('segment-count').innerText()).trim();
}

test('recommend: run in 商品マスタ, おすすめ商品 on the customer, この商品を勧める顧客 on the product, segment from it', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: VIEWPORT },
    onFailure: async ({ browser }) => {
      for (const [i, p] of browser.contexts().flatMap((c) => c.pages()).entries()) {
        await p.screenshot({ path: path.join(ARTIFACTS, `recommend-failure-${i}.png`), fullPage: true }).catch(() => undefined);
      }
    },
  }, async (session) => {
    const { base, browser, context, problems, api } = session;

    // ── the catalogue, the customers and their orders ──
    const productIds: Record<string, string> = {};
    for (const p of PRODUCTS) productIds[p.sku] = (await api<{ id: string }>('POST', '/products', { ...p, price: String(p.price) })).id;
    const ids: Record<string, string> = {};
    for (const p of PEOPLE) {
      ids[p.key] = (await api<{ id: string }>('POST', '/customers', { familyName: p.familyName, givenName: p.givenName, email: emailOf(p.key) })).id;
      for (const [i, basket] of p.orders.entries()) {
        await api('POST', '/orders', {
          source: 'ec', orderId: `${p.key}-${i + 1}`, orderedAt: daysAgo(60 - i * 20), customer: { email: emailOf(p.key) },
          lines: basket.map((sku) => ({ sku, quantity: 1, unitPrice: PRODUCTS.find((x) => x.sku === sku)!.price })),
        });
      }
    }

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });

    // ── before any run: the customer card says what to do ──
    await page.goto(`${base}/customers/${ids.ichiro}`);
    const card = page.getByTestId('card-candidates');
    await card.getByTestId('reco-no-run').waitFor();
    assert.match(await card.innerText(), /提案を計算/);
    await card.screenshot({ path: path.join(ARTIFACTS, 'recommend-customer-before.png') });

    // The product page before a run says the same, and offers no segment yet.
    await page.goto(`${base}/products/${productIds['B-200']}`);
    await page.getByTestId('targets-no-run').waitFor();
    await page.getByTestId('neighbours-no-run').waitFor();
    await page.getByTestId('recommend-run').getByTestId('run-never').waitFor();
    assert.ok(await page.getByTestId('targets-segment').isDisabled());
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-product-before.png') });

    // ── 商品マスタ: start the run and watch it to 完了 ──
    await page.goto(`${base}/customers/${ids.ichiro}`);
    await card.getByTestId('reco-go-products').click();
    await page.getByTestId('product-list-page').waitFor();
    const panel = page.getByTestId('recommend-run');
    await panel.getByTestId('run-never').waitFor();
    assert.equal((await panel.getByTestId('run-start').innerText()).trim(), '提案を計算');
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-products-before.png') });
    // The server here finishes in a fraction of a second: for the progress to be seen, the list's first two answers after
    // the start are a run under way (building the model, then 9 of 22 customers); the third goes to the server, which
    // says 完了. The panel gets there by its own polling every 2 s.
    let runReads = 0;
    const readAt: number[] = [];
    await page.route('**/api/v1/recommendations/runs', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      readAt.push(Date.now());
      runReads += 1;
      if (runReads > 2) return route.continue();
      const real = (await (await route.fetch()).json()) as { items: Array<Record<string, unknown>> };
      const run = { ...real.items[0]!, status: 'running', finishedAt: null, seconds: null, ...(runReads === 1
        ? { phase: 'model', customersDone: 0, customersTotal: null }
        : { phase: 'candidates', customersDone: 9, customersTotal: 22 }) };
      await route.fulfill({ json: { items: [run] } });
    });
    await panel.getByTestId('run-start').click();
    await panel.locator('[data-testid="run-phase"][data-phase="model"][data-state="now"]').waitFor();
    assert.equal((await panel.getByTestId('run-status').innerText()).trim(), '計算中');
    assert.ok(await panel.getByTestId('run-start').isDisabled(), 'no second start while one runs');
    await panel.screenshot({ path: path.join(ARTIFACTS, 'recommend-run-model.png') });
    await panel.locator('[data-testid="run-phase"][data-phase="candidates"][data-state="now"]').waitFor();
    assert.match(await panel.getByTestId('run-count').innerText(), /9 \/ 22 人（41%）/);
    assert.equal(await panel.getByTestId('run-bar').getAttribute('value'), '9');
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-run-progress.png') });
    await page.locator('[data-testid="run-status"][data-status="done"]').waitFor({ timeout: 120_000 });
    await page.unroute('**/api/v1/recommendations/runs');
    const gaps = readAt.slice(1).map((at, i) => at - readAt[i]!);
    assert.ok(gaps.length >= 2 && gaps.every((g) => g >= 1800), `polled every 2 s: ${gaps.join(', ')} ms`);
    assert.equal((await panel.getByTestId('run-status').innerText()).trim(), '完了');
    assert.match(await panel.getByTestId('run-summary').innerText(), /顧客 24 人（うち購入者 23 人）/);
    assert.match(await panel.getByTestId('run-seconds').innerText(), /所要 [\d.]+ 秒/);
    assert.equal((await panel.getByTestId('run-start').innerText()).trim(), '再計算');
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-products.png') });
    // A failed run (as the list would answer one): when, the server's message, and that 再計算 runs it again.
    await page.route('**/api/v1/recommendations/runs', async (route) => {
      const real = (await (await route.fetch()).json()) as { items: Array<Record<string, unknown>> };
      await route.fulfill({ json: { items: [{ ...real.items[0]!, status: 'failed', phase: 'candidates', seconds: null, error: 'stopped (no heartbeat)' }] } });
    });
    await page.reload();
    await panel.getByTestId('run-error').waitFor();
    assert.match(await panel.getByTestId('run-error').innerText(), /の計算は失敗しました。[\s\S]*stopped \(no heartbeat\)[\s\S]*「再計算」でもう一度実行できます/u);
    assert.ok(await panel.getByTestId('run-start').isEnabled());
    await panel.screenshot({ path: path.join(ARTIFACTS, 'recommend-run-failed.png') });
    await page.unroute('**/api/v1/recommendations/runs');

    // ── the beans-only customer: the pot first, with its Japanese reason, and the model's date ──
    await page.goto(`${base}/customers/${ids.ichiro}`);
    await card.getByTestId('candidate').first().waitFor();
    const first = card.getByTestId('candidate').first();
    assert.equal(await first.getAttribute('data-sku'), 'B-200');
    assert.equal(await first.getByTestId('candidate-kind').getAttribute('data-kind'), 'cross_sell');
    assert.equal((await first.getByTestId('candidate-kind').innerText()).trim(), 'クロスセル');
    const reason = await first.getByTestId('candidate-reason').innerText();
    assert.match(reason, /業務用コーヒー豆 1kg.*を購入した顧客の \d+% が.*ドリップポット 1\.2L.*も購入/u, reason);
    assert.match(await first.innerText(), /¥4,800/);
    assert.match(await card.getByTestId('model-asof').innerText(), /^\d{4}\/\d{2}\/\d{2} 時点のモデル$/);
    const skus = await card.getByTestId('candidate').evaluateAll((els) => els.map((e) => e.getAttribute('data-sku')));
    assert.ok(!skus.includes('A-100'), `what he bought is not offered: ${skus.join(',')}`);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-customer.png') });
    await card.screenshot({ path: path.join(ARTIFACTS, 'recommend-customer-card.png') });
    // In English: the labels and the reason sentence the API wrote in English.
    await page.getByTestId('lang-toggle').click();
    await card.getByText('Suggested products').waitFor();
    assert.match(await first.getByTestId('candidate-reason').innerText(), /^\d+% of customers who bought 業務用コーヒー豆 1kg also bought ドリップポット 1\.2L/u);
    assert.equal((await first.getByTestId('candidate-kind').innerText()).trim(), 'Cross-sell');
    await card.screenshot({ path: path.join(ARTIFACTS, 'recommend-customer-card-en.png') });
    await page.getByTestId('lang-toggle').click();
    await card.getByText('おすすめ商品').waitFor();

    // A customer who bought nothing: the products many customers buy, and the card says so.
    await page.goto(`${base}/customers/${ids.nobody}`);
    await card.getByTestId('candidates-popular-note').waitFor();
    assert.match(await card.getByTestId('candidates-popular-note').innerText(), /購入履歴がないため/);
    assert.deepEqual(await card.getByTestId('candidate-kind').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-kind')))]), ['popular']);
    await page.goto(`${base}/customers/${ids.ichiro}`);
    await first.waitFor();

    // ── the pot's page: affinities, basket rules, the customers to offer it to ──
    await first.getByTestId('candidate-link').click();
    await page.getByTestId('product-detail-page').waitFor();
    assert.equal(await page.getByTestId('product-sku').innerText(), 'B-200');
    const neighbours = page.getByTestId('card-neighbours');
    await neighbours.locator('[data-testid="neighbour"][data-sku="A-100"]').waitFor();
    assert.match(await neighbours.locator('[data-testid="neighbour"][data-sku="A-100"]').getByTestId('neighbour-reason').innerText(), /を購入した顧客の \d+% が/u);
    const rules = page.getByTestId('card-rules');
    await rules.getByTestId('rule').first().waitFor();
    const rule = rules.locator('[data-testid="rule"][data-antecedent="A-100,B-200"][data-consequent="F-10"]');
    assert.match(await rule.innerText(), /ペーパーフィルター 100枚\s+33%\s+100%\s+3\.0 倍\s+10/u, '10 of 30 orders, all of those with beans and pot');
    const targets = page.getByTestId('card-targets');
    const ichiroRow = targets.locator(`[data-testid="target"][data-customer="${ids.ichiro}"]`);
    await ichiroRow.waitFor();
    assert.match(await ichiroRow.innerText(), /佐藤 一郎/);
    assert.match(await ichiroRow.getByTestId('target-reason').innerText(), /を購入した顧客の \d+% が/u);
    const total = Number((await targets.getByTestId('targets-total').innerText()).replace(/[^\d]/gu, ''));
    assert.ok(total >= 1, `targets: ${total}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-product.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-product-full.png'), fullPage: true });

    // ── 「この条件でセグメントを作成」: the builder with the candidate condition, its count, saved ──
    await targets.getByTestId('targets-segment').click();
    await page.getByTestId('segment-builder').waitFor();
    const condition = page.locator('[data-testid="condition"][data-type="candidate"]');
    await condition.waitFor();
    assert.equal(await condition.getByTestId('cond-sku').inputValue(), 'B-200');
    assert.equal(await condition.getByTestId('cond-max-rank').inputValue(), '10');
    await condition.getByTestId('cond-sku-name').waitFor();
    assert.equal(await condition.getByTestId('cond-sku-name').innerText(), 'ドリップポット 1.2L');
    assert.equal(await settledCount(page), String(total), 'the builder counts the customers the product page lists');
    assert.match(await page.getByTestId('segment-name').inputValue(), /ドリップポット 1\.2L の提案対象/);
    await page.locator('[data-testid="segment-preview-state"][data-state="ok"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-segment-builder.png') });
    await page.getByTestId('segment-save-submit').click();
    await page.getByTestId('segment-detail-page').waitFor();
    assert.match(await page.getByTestId('segment-member-count').innerText(), new RegExp(`${total} 人`));

    // ── the picker: 「商品の提案対象」 added by hand, the pot found by name, cross-sell only ──
    await page.goto(`${base}/segments/new`);
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('add-condition').click();
    await page.getByTestId('cond-option-candidate').click();
    const picked = page.locator('[data-testid="condition"][data-type="candidate"]');
    await picked.getByTestId('cond-sku').fill('ポット');
    await picked.locator('[data-testid="product-option"][data-sku="B-200"]').click();
    assert.equal(await picked.getByTestId('cond-sku').inputValue(), 'B-200');
    await page.waitForFunction((n) => document.querySelector('[data-testid="segment-count"]')?.textContent === n, String(total));
    // Cross-sell only: the customers offered the pot as popular (the tea drinkers) drop out, 佐藤 一郎 stays.
    const offered = await api<{ items: Array<{ kind: string }> }>('GET', `/products/${productIds['B-200']}/candidates?maxRank=10&limit=200`);
    const crossSellCount = offered.items.filter((i) => i.kind === 'cross_sell').length;
    assert.ok(crossSellCount >= 1 && crossSellCount < total, `cross-sell ${crossSellCount} of ${total}`);
    await picked.getByTestId('cond-candidate-kind').selectOption('cross_sell');
    await page.waitForFunction((n) => document.querySelector('[data-testid="segment-count"]')?.textContent === n, String(crossSellCount));
    await page.locator('[data-testid="segment-preview-state"][data-state="ok"]').waitFor();
    assert.ok((await page.getByTestId('preview-member').allInnerTexts()).some((n) => n.includes('佐藤 一郎')));
    await picked.getByTestId('cond-sku').fill('Z-999');
    await picked.getByTestId('cond-sku-unknown').waitFor();
    await picked.locator('[data-testid="product-options"]').waitFor();
    assert.equal(await picked.getByTestId('product-option').count(), 0, 'no stale suggestion');
    await page.keyboard.press('Escape');
    assert.equal(await picked.locator('[data-testid="product-options"]').count(), 0, 'Escape closes the suggestions');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.getAttribute('data-state') !== 'checking');
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommend-picker.png') });

    // ── 商品マスタ's rows open the product page ──
    await page.getByTestId('nav-products').click();
    await page.locator('[data-testid="product-row"][data-sku="A-100"]').getByTestId('product-link').click();
    await page.getByTestId('product-detail-page').waitFor();
    assert.equal(await page.getByTestId('product-sku').innerText(), 'A-100');
    await page.getByTestId('card-neighbours').locator('[data-testid="neighbour"][data-sku="B-200"]').waitFor();

    // ── a viewer: the cards, no 再計算 ──
    await api('POST', '/users', { email: 'viewer@recommend-e2e.co.jp', password: 'viewer-kabu-2026', role: 'viewer', displayName: '閲覧 次郎' });
    const viewerContext = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const viewerLogin = await viewerContext.request.post(`${base}/api/v1/auth/login`, { data: { email: 'viewer@recommend-e2e.co.jp', password: 'viewer-kabu-2026' } });
    assert.ok(viewerLogin.ok(), await viewerLogin.text());
    const viewer = await watchedPage(viewerContext, problems, { ignoreConsole: /Failed to load resource/ });
    await viewer.goto(`${base}/products`);
    await viewer.getByTestId('product-row').first().waitFor();
    assert.equal(await viewer.getByTestId('recommend-run').count(), 0, 'a viewer does not start runs');

    assert.deepEqual(problems, [], 'no script errors');
  });
});
