/**
 * APPI requests in a real browser (issue 25): a person's disclosure request recorded on 本人からの請求, the customer
 * picked, the report generated and opened; an erasure request for the same person, confirmed by typing 消去する; the
 * same file imported again is flagged as an erased person on the inbox. Screenshots: test-artifacts/privacy-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminContext, ARTIFACTS, launchChromium, printFailure, skipWithoutChromium, watchedPage } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@privacy-e2e.daicho-test.jp', password: 'privacy-admin-2026' };
const CSV = ['会員番号,氏名,メール,電話', 'P1,消去 太郎,erase.taro@daicho-test.jp,090-3456-7812', 'P2,残留 次郎,stay.jiro@daicho-test.jp,'].join('\n') + '\n';
const PROFILE = { source: 'members', id_column: '会員番号', fields: { full_name: '氏名', email: 'メール', phone: '電話' } };

async function newRequest(page: Page, base: string, kind: string): Promise<void> {
  await page.goto(`${base}/privacy`);
  await page.getByTestId('privacy-new').waitFor();
  await page.getByTestId('privacy-kind').selectOption(kind);
  await page.getByTestId('privacy-received').fill('2026-12-01');
  await page.getByTestId('privacy-requester').fill('消去 太郎');
  await page.getByTestId('privacy-contact').fill('erase.taro@daicho-test.jp');
  await page.getByTestId('privacy-create').click();
  await page.getByTestId('privacy-request-page').waitFor();
  await page.getByTestId('privacy-picker-q').fill('消去');
  await page.getByTestId('privacy-picker-search').click();
  await page.getByTestId('privacy-picker-hit').first().click();
  await page.getByTestId('privacy-actions').waitFor();
}

test('privacy: a disclosure report, an erasure confirmed by typing, the tombstone flags a re-import', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer();
    const base = server.baseUrl;
    browser = await launchChromium();
    const context = await adminContext(browser, server, ADMIN, { viewport: { width: 1366, height: 900 } });
    const { csrfToken } = (await (await context.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const headers = { 'X-CSRF-Token': csrfToken };
    const importFile = async () => {
      const up = await context.request.post(`${base}/api/v1/imports/uploads`, { headers, multipart: { file: { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) } } });
      assert.ok(up.ok(), await up.text());
      const { uploadId } = (await up.json()) as { uploadId: string };
      const run = await context.request.post(`${base}/api/v1/imports`, { headers, data: { uploadId, profile: PROFILE } });
      assert.ok(run.ok(), await run.text());
    };
    await importFile();

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await newRequest(page, base, 'disclosure');
    await page.getByTestId('privacy-disclose').click();
    const html = page.getByTestId('privacy-report-html');
    await html.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'privacy-request-disclosure.png'), fullPage: true });
    const report = await context.request.get(new URL(await html.getAttribute('href') ?? '', base).toString());
    assert.ok(report.ok(), `report: ${report.status()}`);
    const body = await report.text();
    assert.match(body, /消去 太郎/u);
    assert.match(body, /erase\.taro@daicho-test\.jp/u);
    const reportPage = await context.newPage();
    await reportPage.setContent(body);
    await reportPage.screenshot({ path: path.join(ARTIFACTS, 'privacy-report.png'), fullPage: false });
    await reportPage.close();

    await newRequest(page, base, 'erasure');
    const button = page.getByTestId('privacy-erase-button');
    assert.equal(await button.isDisabled(), true, 'erasure waits for the typed word');
    await page.getByTestId('privacy-erase-confirm').fill('消去する');
    await button.click();
    await page.getByTestId('privacy-tombstone').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'privacy-erased.png'), fullPage: true });
    const left = (await (await context.request.get(`${base}/api/v1/customers?q=${encodeURIComponent('消去')}`)).json()) as { items: unknown[] };
    assert.equal(left.items.length, 0, 'the erased person is gone from the ledger');

    await importFile();
    await page.goto(`${base}/privacy`);
    const match = page.getByTestId('privacy-match-row');
    await match.first().waitFor({ timeout: 30_000 });
    assert.ok((await match.count()) >= 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'privacy-inbox-match.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
});
