/**
 * The dashboard in a real browser (issue 22): a small ledger through the API (customers in five prefectures and one
 * without, stage changes, orders over five months in two categories, a saved segment of the Osaka customers), then
 * a manager opens 「ダッシュボード」 at 1366×768: the panels show the API's numbers (tiles, the composition table, the
 * funnel, the quality shares), a panel's CSV is its rows with a BOM and Japanese headers, the channel view draws bars,
 * the segment filter narrows every panel and lands in the URL, a prefecture tile opens its customers and a row opens
 * the customer. Screenshots: test-artifacts/dashboard-1366.png, dashboard-full.png, dashboard-channel.png,
 * dashboard-drill.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Panel } from '../src/use/dashboards/dashboards.schemas.ts';
import { DICTIONARIES } from '../src/web/i18n.ts';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@dashboard-e2e.co.jp', password: 'dashboard-admin-2026' };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

interface Person { key: string; familyName: string; givenName: string; prefecture: string | null; channel: string; stage: string; company?: string; orders: number[] }

/** Who lives where and bought when (days ago); the stage is reached through prospect → opportunity → customer. */
const PEOPLE: Person[] = [
  { key: 't1', familyName: '佐藤', givenName: '花子', prefecture: '東京都', channel: 'web', stage: 'customer', company: '株式会社青葉商事', orders: [10, 40, 100] },
  { key: 't2', familyName: '鈴木', givenName: '一郎', prefecture: '東京都', channel: 'web', stage: 'customer', company: '株式会社青葉商事', orders: [70] },
  { key: 't3', familyName: '高橋', givenName: '三郎', prefecture: '東京都', channel: 'event', stage: 'opportunity', orders: [] },
  { key: 't4', familyName: '田中', givenName: '四郎', prefecture: '東京都', channel: 'brochure', stage: 'prospect', orders: [] },
  { key: 't5', familyName: '伊藤', givenName: '五月', prefecture: '東京都', channel: 'referral', stage: 'customer', orders: [130, 10] },
  { key: 'o1', familyName: '渡辺', givenName: '六郎', prefecture: '大阪府', channel: 'event', stage: 'customer', company: '浪速精機株式会社', orders: [40, 10] },
  { key: 'o2', familyName: '山本', givenName: '七海', prefecture: '大阪府', channel: 'web', stage: 'customer', company: '浪速精機株式会社', orders: [100] },
  { key: 'o3', familyName: '中村', givenName: '八重', prefecture: '大阪府', channel: 'brochure', stage: 'opportunity', orders: [] },
  { key: 'h1', familyName: '小林', givenName: '九太', prefecture: '北海道', channel: 'web', stage: 'customer', orders: [70] },
  { key: 'f1', familyName: '加藤', givenName: '十和', prefecture: '福岡県', channel: 'advertising', stage: 'prospect', orders: [] },
  { key: 'f2', familyName: '吉田', givenName: '一花', prefecture: '福岡県', channel: 'web', stage: 'customer', orders: [10] },
  { key: 'k1', familyName: '山田', givenName: '二葉', prefecture: '沖縄県', channel: 'phone', stage: 'prospect', orders: [] },
  { key: 'n1', familyName: '松本', givenName: '三樹', prefecture: null, channel: 'other', stage: 'prospect', orders: [] },
];
const SKUS = [
  { sku: 'TEA-1', name: '煎茶 100g', category: '食品', price: 1800 },
  { sku: 'CUP-1', name: '有田焼 湯のみ', category: '雑貨', price: 4200 },
];

async function panelReady(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="panel-${id}"][data-state="ready"]`).waitFor();
}

test('dashboard: panels match the API, CSV, channel bars, segment filter in the URL, tile → customers → customer', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 768 }, acceptDownloads: true }, chromiumArgs: ['--lang=ja-JP'],
    onFailure: async ({ browser }) => {
      const open = browser.contexts()[0]?.pages()[0];
      await open?.screenshot({ path: path.join(ARTIFACTS, 'dashboard-failure.png'), fullPage: true }).catch(() => undefined);
    },
  }, async (session) => {
    const { base, context, problems, api } = session;

    // ── the ledger ──
    const ids: Record<string, string> = {};
    for (const p of PEOPLE) {
      const c = await api<{ id: string }>('POST', '/customers', {
        familyName: p.familyName, givenName: p.givenName, email: `${p.key}@dash-e2e.co.jp`, prefecture: p.prefecture,
        acquisitionChannel: p.channel, lifecycleStage: 'prospect', ...(p.company ? { companyName: p.company } : {}),
      });
      ids[p.key] = c.id;
      if (p.stage !== 'prospect') await api('PATCH', `/customers/${c.id}`, { lifecycleStage: 'opportunity' });
      if (p.stage === 'customer') await api('PATCH', `/customers/${c.id}`, { lifecycleStage: 'customer' });
    }
    for (const s of SKUS) await api('POST', '/products', s);
    for (const p of PEOPLE) {
      for (const [i, ago] of p.orders.entries()) {
        const product = SKUS[i % 2]!;
        await api('POST', '/orders', {
          source: 'ec', orderId: `${p.key}-${i + 1}`, orderedAt: daysAgo(ago), customer: { email: `${p.key}@dash-e2e.co.jp` },
          lines: [{ sku: product.sku, quantity: i + 1, unitPrice: product.price }],
        });
      }
    }
    const segment = await api<{ id: string; memberCount: number | null }>('POST', '/segments', {
      name: '大阪府の顧客', definition: { type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '大阪府' }] },
    });
    const panel = (id: string, query = '') => api<Panel>('GET', `/dashboards/panels/${id}${query}`);
    // Cross-sell candidates: three of the seven tea buyers also bought the cup (山本 of Osaka bought only tea).
    await api('POST', '/recommendations/runs', {});
    for (let i = 0; ; i++) {
      const runs = await api<{ items: Array<{ status: string }> }>('GET', '/recommendations/runs');
      if (runs.items[0]?.status === 'done') break;
      assert.ok(i < 100 && runs.items[0]?.status !== 'failed', JSON.stringify(runs.items[0]));
      await new Promise((r) => setTimeout(r, 200));
    }

    // ── the page, from the navigation ──
    const page = await watchedPage(context, problems, { timeoutMs: 30_000 });
    await page.goto(`${base}/customers`);
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard-page').waitFor();
    for (const id of ['composition', 'funnel', 'revenue_by_month', 'category_by_month', 'cohorts', 'acquisition', 'first_touch', 'quality', 'merges_by_source']) {
      await page.locator(`[data-testid="panel-${id}"]:not([data-state="loading"])`).waitFor();
      const state = await page.getByTestId(`panel-${id}`).getAttribute('data-state');
      assert.notEqual(state, 'error', `${id} failed`);
    }

    // Tiles: each prefecture's customers as the API counts them; the one without a prefecture is the 未設定 chip.
    const composition = await panel('composition', '?by=prefecture');
    const byKey = new Map(composition.rows.map((r) => [r.key, r]));
    assert.equal(byKey.get('東京都')?.customers, 5);
    for (const name of ['東京都', '大阪府', '北海道', '福岡県', '沖縄県', '青森県']) {
      const tile = page.locator(`[data-testid="pref-tile"][data-key="${name}"]`);
      assert.equal(Number(await tile.getAttribute('data-value')), Number(byKey.get(name)?.customers ?? 0), name);
    }
    assert.equal(Number(await page.locator('[data-testid="pref-tile"][data-key=""]').getAttribute('data-value')), 1, 'the customer without a prefecture');
    // The table beside the map: revenue per prefecture as the API sums it.
    for (const row of composition.rows) {
      const cell = page.locator(`[data-testid="composition-row"][data-key="${row.key ?? ''}"] [data-col="revenue"]`);
      assert.equal(Number(await cell.getAttribute('data-value')), Number(row.revenue), `revenue of ${row.key}`);
    }
    // The funnel and the quality shares.
    const funnel = await panel('funnel');
    for (const row of funnel.rows) {
      assert.equal(Number(await page.locator(`[data-testid="funnel-step"][data-stage="${row.stage}"]`).getAttribute('data-reached')), Number(row.reached), `reached ${row.stage}`);
    }
    const quality = await panel('quality');
    for (const row of quality.rows.filter((r) => r.share !== null)) {
      assert.equal(Number(await page.locator(`[data-testid="quality-share"][data-metric="${row.metric}"]`).getAttribute('data-share')), Number(row.share), `share ${row.metric}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-1366.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-full.png'), fullPage: true });
    for (const id of ['revenue_by_month', 'cohorts', 'quality']) {
      await page.getByTestId(`panel-${id}`).scrollIntoViewIfNeeded();
      await page.getByTestId(`panel-${id}`).screenshot({ path: path.join(ARTIFACTS, `dashboard-${id}.png`) });
    }

    // ── a panel's CSV: exactly its rows, UTF-8 with a BOM, Japanese headers ──
    const revenue = await panel('revenue_by_month');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-revenue_by_month').click()]);
    const bytes = fs.readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte order mark');
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    const ja = DICTIONARIES.ja as Record<string, string>;
    assert.equal(lines[0], revenue.columns.map((c) => ja[`dash.col.${c.key}`] ?? c.key).join(','));
    assert.match(lines[0]!, /^月,売上（円）/u);
    assert.equal(lines.length, revenue.rows.length + 1);
    const revenueTotal = revenue.rows.reduce((s, r) => s + Number(r.revenue), 0);
    assert.equal(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[revenue.columns.findIndex((c) => c.key === 'revenue')]), 0), revenueTotal);
    assert.ok(revenueTotal > 0);

    // ── the channel view: bars, and the dimension in the URL ──
    await page.getByTestId('dim-channel').click();
    await page.locator('[data-testid="panel-composition"][data-state="ready"] [data-testid="composition-bars"][data-dimension="channel"]').waitFor();
    assert.match(page.url(), /by=channel/);
    await page.getByTestId('metric-revenue').click();
    await page.locator('[data-testid="panel-composition"] canvas').first().waitFor();
    await page.getByTestId('panel-composition').scrollIntoViewIfNeeded();
    await page.getByTestId('panel-composition').screenshot({ path: path.join(ARTIFACTS, 'dashboard-channel.png') });
    await page.getByTestId('dim-prefecture').click();
    await page.getByTestId('metric-customers').click();
    await panelReady(page, 'composition');

    // ── the segment filter narrows every panel and is in the URL ──
    await page.getByTestId('filter-segment').selectOption(segment.id);
    await page.waitForURL(new RegExp(`segment=${segment.id}`));
    await page.locator(`[data-testid="panel-composition"][data-state="ready"][data-segment="${segment.id}"]`).waitFor();
    assert.equal(await page.locator('[data-testid="pref-tile"][data-key="大阪府"]').getAttribute('data-value'), '3');
    assert.equal(await page.locator('[data-testid="pref-tile"][data-key="東京都"]').getAttribute('data-value'), '0');
    const osakaFunnel = await panel('funnel', `?segment=${segment.id}`);
    await page.locator(`[data-testid="panel-funnel"][data-state="ready"][data-segment="${segment.id}"]`).waitFor();
    for (const row of osakaFunnel.rows) {
      assert.equal(Number(await page.locator(`[data-testid="funnel-step"][data-stage="${row.stage}"]`).getAttribute('data-reached')), Number(row.reached), `segment: reached ${row.stage}`);
    }
    // The shared link opens the same view.
    const shared = page.url();
    const second = await watchedPage(context, problems);
    await second.goto(shared);
    await second.locator(`[data-testid="panel-composition"][data-state="ready"][data-segment="${segment.id}"]`).waitFor();
    assert.equal(await second.locator('[data-testid="pref-tile"][data-key="東京都"]').getAttribute('data-value'), '0');
    assert.equal(await second.getByTestId('filter-segment').inputValue(), segment.id);
    await second.close();

    // ── a tile opens its customers; a row opens the customer ──
    await page.locator('[data-testid="pref-tile"][data-key="大阪府"]').click();
    const drill = page.getByTestId('drill');
    await drill.waitFor();
    await page.locator('[data-testid="drill-row"]').nth(2).waitFor();
    assert.equal(await page.getByTestId('drill-row').count(), 3);
    const names = await page.getByTestId('drill-row').allInnerTexts();
    assert.ok(names.some((n) => n.includes('渡辺') && n.includes('浪速精機')), names.join(' | '));
    await drill.screenshot({ path: path.join(ARTIFACTS, 'dashboard-drill.png') });
    const yamamoto = page.getByTestId('drill-row').filter({ hasText: '山本' });
    const id = await yamamoto.getAttribute('data-id');
    assert.equal(id, ids.o2);
    await yamamoto.getByTestId('customer-name').click();
    await page.waitForURL(new RegExp(`/customers/${id}$`));
    // Her candidates with their reasons: the cup, because 3 of the 7 tea buyers bought it too.
    const cup = page.locator('[data-testid="candidate"][data-sku="CUP-1"]');
    await cup.waitFor();
    assert.equal(await cup.getAttribute('data-rank'), '1');
    assert.match(await cup.innerText(), /煎茶 100g を購入した顧客の 43% が 有田焼 湯のみ も購入/u);
    await page.getByTestId('card-candidates').screenshot({ path: path.join(ARTIFACTS, 'dashboard-drill-customer-candidates.png') });

    // ── the quick picks write the range into the URL ──
    await page.goBack();
    await page.getByTestId('dashboard-page').waitFor();
    await page.getByTestId('range-last3').click();
    await page.waitForURL(/from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}/);
    await panelReady(page, 'revenue_by_month');
    assert.equal(await page.getByTestId('range-last3').getAttribute('aria-pressed'), 'true');

    // ── one failing panel does not blank the page: it says so, the others draw ──
    const failing = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await failing.route('**/api/v1/dashboards/panels/cohorts*', (route) => route.fulfill({
      status: 500, contentType: 'application/problem+json', body: JSON.stringify({ code: 'internal', title: 'Internal error', status: 500 }),
    }));
    await failing.goto(`${base}/dashboard`);
    await failing.locator('[data-testid="panel-cohorts"][data-state="error"] [data-testid="panel-error"]').waitFor();
    for (const id of ['composition', 'revenue_by_month', 'quality']) await panelReady(failing, id);
    // The English page reads in English.
    await failing.getByTestId('lang-toggle').click();
    await failing.getByText('Customers by Prefecture').waitFor();
    await failing.screenshot({ path: path.join(ARTIFACTS, 'dashboard-en.png') });
    await failing.getByTestId('lang-toggle').click();
    await failing.close();
    assert.deepEqual(problems, []);
  });
});
