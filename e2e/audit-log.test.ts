/**
 * Nothing invisible, in a real browser: the customer list says how many match (and the export follows its filters),
 * the 監査ログ page is in the menu, filters by action and customer, and offers the filtered CSV.
 * Screenshots: test-artifacts/customer-list-total.png, audit-log.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launchChromium, printFailure, skipWithoutChromium } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { name: '管理 太郎', email: 'admin@example.co.jp', password: 'admin-password-2026' };
const PEOPLE = [
  { familyName: '佐藤', givenName: '花子', email: 'hanako@example.jp', prefecture: '東京都' },
  { familyName: '鈴木', givenName: '一郎', email: 'ichiro@example.jp', prefecture: '東京都' },
  { familyName: '高橋', givenName: '美咲', email: 'misaki@example.jp', prefecture: '大阪府' },
];

test('the customer total and the audit log page', { timeout: 110_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    const base = server.baseUrl;

    await page.goto(`${base}/`);
    await page.getByTestId('setup-form').waitFor();
    await page.fill('#input-token', server.setupToken);
    await page.fill('#input-displayName', ADMIN.name);
    await page.fill('#input-email', ADMIN.email);
    await page.fill('#input-password', ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('customer-list-page').waitFor();

    const me = (await (await page.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const ids: string[] = [];
    for (const person of PEOPLE) {
      const res = await page.request.post(`${base}/api/v1/customers`, { data: person, headers: { 'X-CSRF-Token': me.csrfToken } });
      assert.equal(res.status(), 201, await res.text());
      ids.push(((await res.json()) as { id: string }).id);
    }

    // The list says how many match, and the export links carry the filter.
    await page.goto(`${base}/customers?prefecture=${encodeURIComponent('東京都')}`);
    await page.getByTestId('customer-total').filter({ hasText: '2 件中 2 件を表示' }).waitFor();
    await page.getByTestId('export-button').click();
    const hrefs = await page.getByTestId('export-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(hrefs.length >= 3 && hrefs.every((h) => h.includes(`prefecture=${encodeURIComponent('東京都')}`)), hrefs.join('\n'));
    await page.getByTestId('export-filtered').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'customer-list-total.png') });

    // Open 佐藤 花子 (a customer.view entry), then find it in the 監査ログ from the menu.
    await page.goto(`${base}/customers/${ids[0]}`);
    await page.getByTestId('nav-audit-log').click();
    await page.getByTestId('audit-log-page').waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByTestId('audit-filter-action').selectOption('customer.view');
    await page.waitForURL('**/audit-log?action=customer.view');
    // The filtered page replaces the unfiltered one (which holds customer.view rows too): wait for the replacement.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"][data-action="customer.view"]').length > 0
      && document.querySelectorAll('[data-testid="audit-row"]:not([data-action="customer.view"])').length === 0);
    await page.getByTestId('audit-filter-this').first().click();
    await page.waitForURL(`**/audit-log?action=customer.view&customer=${ids[0]}`);
    const exportHref = await page.getByTestId('audit-export').getAttribute('href');
    assert.match(exportHref ?? '', new RegExp(`^/api/v1/exports/audit-log\\.csv\\?action=customer\\.view&entityType=customer&entityId=${ids[0]}$`, 'u'));
    assert.match(await page.getByTestId('audit-table').innerText(), /顧客の閲覧/u);
    await page.getByTestId('audit-filter-clear').click();
    await page.getByTestId('audit-row').nth(3).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'audit-log.png') });
    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
});
