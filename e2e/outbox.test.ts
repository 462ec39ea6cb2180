/**
 * Without SMTP (the embedded default) a test e-mail lands in the 送信箱, which says in so many words that it was not
 * sent, and shows the message as it would have gone out. Screenshot: test-artifacts/outbox.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launchChromium, printFailure, skipWithoutChromium } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { name: '管理 太郎', email: 'admin@daicho-test.jp', password: 'admin-password-2026' };

test('a test e-mail without SMTP is kept in the outbox, marked not sent', { timeout: 110_000 }, async (t) => {
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
    const headers = { 'X-CSRF-Token': me.csrfToken };
    const settings = await page.request.put(`${base}/api/v1/messaging/settings`, {
      headers, data: { senderName: '株式会社台帳テスト', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp' },
    });
    assert.equal(settings.status(), 200, await settings.text());
    const sent = await page.request.post(`${base}/api/v1/campaigns/test-send`, {
      headers, data: { subject: '{{宛名}}へ 新製品のご案内', bodyText: '{{宛名}}\n新製品: https://www.daicho-test.jp/new', blocks: [] },
    });
    assert.equal(sent.status(), 200, await sent.text());
    assert.equal(((await sent.json()) as { delivery: string }).delivery, 'outbox');

    await page.getByTestId('nav-outbox').click();
    await page.getByTestId('outbox-page').waitFor();
    assert.match(await page.getByTestId('outbox-not-sent').innerText(), /送信されていません/u);
    const row = page.getByTestId('outbox-row').first();
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /【テスト】お客様へ 新製品のご案内/u);
    assert.match(text, /未送信/u);
    assert.match(text, /admin@daicho-test\.jp/u);
    await page.getByTestId('outbox-show').first().click();
    const body = await page.getByTestId('outbox-text').innerText();
    assert.match(body, /^お客様$/mu);
    assert.match(body, /送信者: 株式会社台帳テスト/u);
    assert.match(body, /所在地: 東京都千代田区丸の内1-1-1/u);
    await page.locator('[data-testid="outbox-message"] summary').click();
    const raw = await page.getByTestId('outbox-raw').innerText();
    assert.match(raw, /^To: admin@daicho-test\.jp$/mu);
    await page.screenshot({ path: path.join(ARTIFACTS, 'outbox.png') });
    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
});
