/**
 * Segments and RFM in a real browser (issue 21): customers and orders through the API, RFM recomputed, then a
 * marketer builds 「東京都 で 2 回以上購入、最終購入が 180 日以内」 in the builder, sees the live count and the
 * distribution (and a wrong condition marked where it is, undone with Ctrl+Z), saves it, splits it by tier and
 * exports it (UTF-8 and CP932 downloads); the RFM grid links a cell to the builder; the customer page shows the
 * 購入価値 card. Screenshots: test-artifacts/segments-builder.png, segments-detail.png, segments-rfm.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@segments-e2e.co.jp', password: 'segment-admin-2026' };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

/** Who buys what: two Tokyo customers fit 「2 回以上、最終購入が 180 日以内」, the others miss one part each. */
const PEOPLE = [
  { key: 'hanako', familyName: '佐藤', givenName: '花子', email: 'hanako@tokyo-a.co.jp', prefecture: '東京都', orders: [300, 100, 10] },
  { key: 'shiro', familyName: '伊藤', givenName: '四郎', email: 'shiro@tokyo-d.co.jp', prefecture: '東京都', orders: [30, 20] },
  { key: 'taro', familyName: '山田', givenName: '太郎', email: 'taro@tokyo-b.co.jp', prefecture: '東京都', orders: [200] },
  { key: 'saburo', familyName: '高橋', givenName: '三郎', email: 'saburo@tokyo-c.co.jp', prefecture: '東京都', orders: [400, 250] },
  { key: 'jiro', familyName: '鈴木', givenName: '次郎', email: 'jiro@osaka-c.co.jp', prefecture: '大阪府', orders: [50, 5] },
  { key: 'goro', familyName: '渡辺', givenName: '五郎', email: 'goro@tokyo-e.co.jp', prefecture: '東京都', orders: [] },
  { key: 'rokuro', familyName: '中村', givenName: '六郎', email: 'rokuro@tokyo-f.co.jp', prefecture: '東京都', orders: [] },
  { key: 'nanako', familyName: '小林', givenName: '七子', email: 'nanako@tokyo-g.co.jp', prefecture: '東京都', orders: [] },
] as const;

/** Sixteen more Tokyo customers who bought once, cheaply, 250 days ago: the one-time majority a campaign must not average over. */
const ONE_TIME = Array.from({ length: 16 }, (_, i) => ({ key: `once${i}`, familyName: '一回', givenName: `客${i + 1}`, email: `once${i}@tokyo-once.co.jp`, prefecture: '東京都', orders: [250] }));

async function addCondition(page: Page, option: string): Promise<void> {
  await page.getByTestId('segment-tree').getByTestId('add-condition').first().click();
  await page.getByTestId(`cond-option-${option}`).click();
}

/** The live count once it has settled (not 「計算中」). */
async function settledCount(page: Page): Promise<string> {
  const count = page.getByTestId('segment-count');
  await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.getAttribute('data-state') !== 'checking');
  return (await count.innerText()).trim();
}

test('segments: build 東京都 × 2 回以上 × 180 日以内, distribution, save, split, export; RFM grid; value card', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, {
    admin: ADMIN, context: { viewport: { width: 1440, height: 1000 }, acceptDownloads: true },
    onFailure: async ({ browser }) => {
      for (const [i, p] of browser.contexts().flatMap((c) => c.pages()).entries()) {
        await p.screenshot({ path: path.join(ARTIFACTS, `segments-failure-${i}.png`), fullPage: true }).catch(() => undefined);
      }
    },
  }, async (session) => {
    const { base, browser, context, problems, api } = session;

    // ── customers and their orders through the API, then RFM ──
    const ids: Record<string, string> = {};
    for (const p of [...PEOPLE, ...ONE_TIME]) {
      const c = await api<{ id: string }>('POST', '/customers', { familyName: p.familyName, givenName: p.givenName, email: p.email, prefecture: p.prefecture });
      ids[p.key] = c.id;
    }
    await api('POST', '/products', { sku: 'TEA-1', name: '煎茶 100g', category: '食品', price: 1800 });
    for (const p of PEOPLE) {
      for (const [i, ago] of p.orders.entries()) {
        await api('POST', '/orders', {
          source: 'ec', orderId: `${p.key}-${i + 1}`, orderedAt: daysAgo(ago), customer: { email: p.email },
          lines: [{ sku: 'TEA-1', quantity: i + 1, unitPrice: 1800 }],
        });
      }
    }
    for (const p of ONE_TIME) {
      await api('POST', '/orders', { source: 'ec', orderId: `${p.key}-1`, orderedAt: daysAgo(250), customer: { email: p.email }, lines: [{ sku: 'TEA-S', productName: '煎茶 お試し', quantity: 1, unitPrice: 500 }] });
    }
    const run = await api<{ customers: number }>('POST', '/rfm/recompute', {});
    assert.equal(run.customers, 21, 'every buyer scored');

    // ── the builder ──
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`); });
    await page.goto(`${base}/customers`);
    await page.getByTestId('nav-segments').click();
    await page.getByTestId('segments-empty').waitFor();
    await page.getByTestId('segment-new').click();
    await page.getByTestId('segment-builder').waitFor();
    assert.equal(await settledCount(page), '24', 'no condition: everyone');

    await page.getByTestId('add-condition').click();
    await page.getByTestId('condition-menu').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-menu.png') });
    await page.getByTestId('cond-option-prefecture').click();
    const conditions = page.getByTestId('condition');
    await conditions.nth(0).getByTestId('cond-value').selectOption('東京都');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '23');
    // 17 of the 20 Tokyo buyers bought once and hold about a third of the revenue: the distribution says so in a visible alert.
    await page.locator('[data-testid="segment-preview-state"][data-state="ok"]').waitFor();
    const warning = page.getByTestId('distribution-warnings');
    await warning.waitFor();
    assert.match(await warning.innerText(), /1 回購入の顧客が 85% を占めますが、売上の 31% しかありません/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-builder-warning.png'), fullPage: true });

    await addCondition(page, 'purchases');
    await conditions.nth(1).getByTestId('cond-count-min').fill('2');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '3');

    await addCondition(page, 'recent_purchase');
    assert.equal(await conditions.nth(2).getByTestId('cond-window-days').inputValue(), '180');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '2');
    assert.equal(await settledCount(page), '2');

    // The preview: the two members and the distribution (Hanako 3 orders, Shiro 2).
    await page.locator('[data-testid="segment-preview-state"][data-state="ok"]').waitFor();
    const names = await page.getByTestId('preview-member').allInnerTexts();
    assert.equal(names.length, 2);
    assert.ok(names.some((n) => n.includes('佐藤')) && names.some((n) => n.includes('伊藤')), names.join(' | '));
    const bucket = (b: string) => page.locator(`[data-testid="order-bucket"][data-bucket="${b}"]`).getAttribute('data-customers');
    assert.equal(await bucket('2'), '1');
    assert.equal(await bucket('3-5'), '1');
    assert.equal(await page.getByTestId('tier-count').count() > 0, true);
    await page.getByTestId('quartiles').waitFor();

    // A wrong condition is marked where it is (min > max) and Ctrl+Z takes the edit back.
    await conditions.nth(1).getByTestId('cond-count-max').fill('1');
    await conditions.nth(1).getByTestId('condition-errors').waitFor();
    assert.match(await conditions.nth(1).getByTestId('condition-errors').innerText(), /最小値が最大値より大きく/);
    assert.equal(await conditions.nth(0).getByTestId('condition-errors').count(), 0, 'only the bad condition is marked');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '2');
    assert.equal(await conditions.nth(1).getByTestId('cond-count-max').inputValue(), '');
    assert.equal(await page.getByTestId('condition-errors').count(), 0);

    // NOT and the undo button: 「〜でない」 on the Tokyo condition keeps Jiro (大阪府), then undone.
    await conditions.nth(0).getByTestId('condition-not').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '1');
    await page.getByTestId('segment-undo').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '2');
    assert.equal(await conditions.count(), 3);

    // A nested group: its condition's error is shown inside it (the server's path through the group), then it goes.
    await page.getByTestId('add-group').last().click();
    const nested = page.locator('[data-testid="condition-group"][data-path="definition.conditions[3]"]');
    await nested.waitFor();
    assert.equal(await nested.getByTestId('group-mode').inputValue(), 'or');
    await nested.getByTestId('add-condition').click();
    await nested.getByTestId('cond-option-email_domain').click();
    await nested.getByTestId('condition-errors').waitFor();
    assert.match(await nested.getByTestId('condition-errors').innerText(), /値/);
    await nested.getByTestId('cond-value').fill('tokyo-a.co.jp');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '1');
    await nested.getByTestId('condition-remove').first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '2');
    assert.equal(await page.getByTestId('condition-group').count(), 1);
    await page.locator('[data-testid="segment-preview-state"][data-state="ok"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-builder.png'), fullPage: true });

    // ── save ──
    await page.getByTestId('segment-name').fill('東京都のリピーター（半年以内）');
    await page.getByTestId('segment-description').fill('2 回以上購入し、最終購入が 180 日以内');
    await page.getByTestId('segment-save-submit').click();
    await page.getByTestId('segment-detail-page').waitFor();
    assert.match(await page.getByTestId('segment-member-count').innerText(), /2 人/);
    await page.getByTestId('member-row').nth(1).waitFor();
    assert.equal(await page.getByTestId('member-row').count(), 2);
    await page.getByTestId('segment-sizes').getByTestId('size-row').first().waitFor();
    await page.getByTestId('distribution').waitFor();
    const segmentUrl = page.url();

    // 編集 opens the builder with the saved conditions and name.
    await page.getByTestId('segment-edit').click();
    await page.getByTestId('segment-builder').waitFor();
    assert.equal(await page.getByTestId('segment-name').inputValue(), '東京都のリピーター（半年以内）');
    assert.equal(await page.getByTestId('condition').count(), 3);
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '2');
    await page.getByTestId('segment-save-submit').click();
    await page.getByTestId('segment-detail-page').waitFor();
    await page.getByTestId('notice').waitFor();

    // ── split by tier ──
    await page.getByTestId('segment-split').click();
    await page.getByTestId('split-result').waitFor();
    const parts = await page.getByTestId('split-segment').allInnerTexts();
    assert.ok(parts.length >= 1, 'at least one tier segment');
    assert.ok(parts.every((p) => p.includes('東京都のリピーター')), parts.join(' | '));

    // ── export: UTF-8 (with BOM) and CP932 ──
    const [utf8] = await Promise.all([page.waitForEvent('download'), page.getByTestId('segment-export-utf8').click()]);
    const utf8Text = fs.readFileSync((await utf8.path())!, 'utf8');
    assert.ok(utf8Text.startsWith('\uFEFF'), 'UTF-8 with BOM');
    assert.ok(utf8Text.includes('hanako@tokyo-a.co.jp') && utf8Text.includes('shiro@tokyo-d.co.jp'), utf8Text.slice(0, 400));
    assert.ok(!utf8Text.includes('taro@tokyo-b.co.jp'));
    const [sjis] = await Promise.all([page.waitForEvent('download'), page.getByTestId('segment-export-cp932').click()]);
    const sjisText = iconv.decode(fs.readFileSync((await sjis.path())!), 'cp932');
    assert.ok(sjisText.includes('佐藤') && sjisText.includes('shiro@tokyo-d.co.jp'), sjisText.slice(0, 400));
    assert.match(sjis.suggestedFilename(), /\.csv$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-detail.png'), fullPage: true });

    // The list shows the segment and its tier parts.
    await page.getByTestId('nav-segments').click();
    await page.locator('[data-testid="segment-row"][data-name="東京都のリピーター（半年以内）"]').waitFor();
    assert.equal(await page.getByTestId('segment-row').count(), 1 + parts.length);

    // ── RFM: the grid, a cell opens the builder for that cell ──
    await page.getByTestId('nav-rfm').click();
    await page.getByTestId('rfm-grid').waitFor();
    assert.equal(await page.getByTestId('rfm-cell').count(), 25);
    const cells = await page.getByTestId('rfm-cell').evaluateAll((els) => els.map((e) => ({ r: e.getAttribute('data-r'), f: e.getAttribute('data-f'), n: Number(e.getAttribute('data-customers')) })));
    assert.deepEqual(cells.slice(0, 5).map((c) => `${c.r}${c.f}`), ['51', '52', '53', '54', '55'], 'R 5 on top, F 1 → 5');
    assert.equal(cells.reduce((s, c) => s + c.n, 0), 21, 'every buyer in one cell');
    assert.equal(await page.getByTestId('rfm-tier').count(), 6);
    assert.match(await page.getByTestId('rfm-asof').innerText(), /時点/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-rfm.png'), fullPage: true });
    const busiest = cells.reduce((a, b) => (b.n > a.n ? b : a));
    await page.locator(`[data-testid="rfm-cell"][data-r="${busiest.r}"][data-f="${busiest.f}"]`).click();
    await page.getByTestId('segment-builder').waitFor();
    assert.equal(await page.locator('[data-testid="condition"][data-type="rfm"]').count(), 1);
    await page.waitForFunction((n) => document.querySelector('[data-testid="segment-count"]')?.textContent === String(n), busiest.n);

    // ── the customer page: 購入価値 (RFM) ──
    await page.goto(`${base}/customers/${ids.hanako}`);
    const card = page.getByTestId('card-value');
    await card.waitFor();
    assert.equal(await card.getByTestId('value-frequency').innerText(), '3 回');
    assert.match(await card.getByTestId('value-recency').innerText(), /^10 日$/);
    assert.ok(await card.getByTestId('tier-badge').getAttribute('data-tier'));
    await card.screenshot({ path: path.join(ARTIFACTS, 'segments-customer-value.png') });
    await page.goto(`${base}/customers/${ids.goro}`);
    await page.getByTestId('card-value').getByTestId('value-none').waitFor();

    // Archive: refused (and said so) while the tier parts refer to the segment; a part itself goes.
    await page.goto(segmentUrl);
    await page.getByTestId('segment-archive').click();
    await page.getByTestId('archive-yes').click();
    await page.getByTestId('error-banner').waitFor();
    assert.equal(new URL(page.url()).pathname, new URL(segmentUrl).pathname, 'still on the segment');
    await page.getByTestId('nav-segments').click();
    await page.getByTestId('segment-link').filter({ hasText: '—' }).first().click();
    await page.getByTestId('segment-archive').click();
    await page.getByTestId('archive-yes').click();
    await page.getByTestId('segments-table').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="segment-row"]').length === n, parts.length);
    assert.equal(await page.locator('[data-testid="segment-row"][data-name="東京都のリピーター（半年以内）"]').count(), 1, 'the referred-to segment stays');

    // ── the builder's other kinds: a custom field by its type, and campaign e-mail ──
    await api('POST', '/custom-fields', { entity: 'customer', key: 'plan', labelJa: '契約プラン', type: 'select', options: ['basic', 'pro'] });
    await api('PATCH', `/customers/${ids.hanako}`, { customFields: { plan: 'pro' } });
    await page.goto(`${base}/segments/new`);
    await page.getByTestId('segment-builder').waitFor();
    assert.equal(await settledCount(page), '24');
    await page.getByTestId('add-condition').click();
    await page.getByTestId('cond-option-custom_field').click();
    const custom = page.getByTestId('condition').nth(0);
    await custom.getByTestId('cond-custom-field').selectOption('plan');
    assert.deepEqual(await custom.getByTestId('cond-op').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set']);
    await custom.getByTestId('cond-value').selectOption('pro');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '1');
    await addCondition(page, 'email');
    await page.getByTestId('condition').nth(1).getByTestId('cond-email-action').selectOption('received');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.textContent === '0');
    assert.equal(await page.getByTestId('condition-errors').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'segments-builder-kinds.png'), fullPage: true });

    // ── a viewer (segments:read, no segments:write, no customers:export) sees the segment but no buttons that change or export it ──
    await api('POST', '/users', { email: 'viewer@segments-e2e.co.jp', password: 'viewer-kabu-2026', role: 'viewer', displayName: '閲覧 次郎' });
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const viewerLogin = await viewerContext.request.post(`${base}/api/v1/auth/login`, { data: { email: 'viewer@segments-e2e.co.jp', password: 'viewer-kabu-2026' } });
    assert.ok(viewerLogin.ok(), await viewerLogin.text());
    const viewer = await viewerContext.newPage();
    viewer.setDefaultTimeout(15_000);
    viewer.on('pageerror', (error) => problems.push(`viewer pageerror: ${error.message}`));
    await viewer.goto(segmentUrl);
    await viewer.getByTestId('member-row').first().waitFor();
    for (const id of ['segment-refresh-now', 'segment-split', 'segment-export', 'segment-edit', 'segment-archive']) {
      assert.equal(await viewer.getByTestId(id).count(), 0, `viewer: no ${id}`);
    }
    await viewer.getByTestId('nav-segments').click();
    assert.equal(await viewer.getByTestId('segment-new').count(), 0);
    await viewer.goto(`${base}/rfm`);
    await viewer.getByTestId('rfm-grid').waitFor();
    assert.equal(await viewer.getByTestId('rfm-recompute').count(), 0);
    await viewer.locator('[data-testid="rfm-cell"][data-r="5"][data-f="1"]').click();
    await viewer.getByTestId('segment-builder').waitFor();
    await viewer.getByTestId('segment-count').waitFor();
    assert.equal(await viewer.getByTestId('segment-save').count(), 0, 'a viewer counts but does not save');

    assert.deepEqual(problems, [], 'no script errors');
  });
});
