/**
 * The foundation flow in a real browser against a real server:
 * first run → admin → create 佐藤 花子 → find her by 「佐藤」 and 「ｻﾄｳ」 → detail → edit → timeline + provenance →
 * create a viewer → sign in as the viewer → her e-mail and phone are masked.
 * Screenshots go to test-artifacts/ (customer-list.png, customer-detail.png, customer-detail-viewer.png).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, printFailure, skipWithoutChromium } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { name: '管理 太郎', email: 'admin@example.co.jp', password: 'admin-password-2026' };
const VIEWER = { name: '閲覧 次郎', email: 'viewer@example.co.jp', password: 'viewer-password-2026' };

/** A few more people so the list and the search have something to tell apart. */
const OTHERS = [
  { familyName: '鈴木', givenName: '一郎', familyNameKana: 'スズキ', givenNameKana: 'イチロウ', email: 'ichiro.suzuki@example.jp', phone: '03-5555-0101', prefecture: '東京都', companyName: '株式会社サンプル商事', title: '部長', lifecycleStage: 'customer', acquisitionChannel: 'event' },
  { familyName: '高橋', givenName: '美咲', familyNameKana: 'タカハシ', givenNameKana: 'ミサキ', email: 'misaki@takahashi.example.jp', phone: '06-6123-4567', prefecture: '大阪府', companyName: '関西物産株式会社', title: '主任', lifecycleStage: 'opportunity', acquisitionChannel: 'brochure' },
  { familyName: '田中', givenName: '健太', familyNameKana: 'タナカ', givenNameKana: 'ケンタ', email: 'kenta.tanaka@example.com', phone: '080-2222-3333', prefecture: '愛知県', companyName: '中部テクノ株式会社', lifecycleStage: 'prospect', acquisitionChannel: 'web' },
  { familyName: '伊藤', givenName: '由美', familyNameKana: 'イトウ', givenNameKana: 'ユミ', email: 'yumi.ito@example.net', prefecture: '福岡県', lifecycleStage: 'dormant', acquisitionChannel: 'referral' },
];

test('foundation: first run, customers, search, edit, provenance, viewer masking', { timeout: 110_000 }, async (t) => {
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
    // CSP violations and script errors show up here; the UI must have none.
    // (Expected answers are not problems: 401 from /auth/me before signing in, 400 for the invalid e-mail.)
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      if (/Failed to load resource: the server responded with a status of 40[01]/.test(msg.text())) return;
      problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    const base = server.baseUrl;

    // ── first run ──
    await page.goto(`${base}/`);
    await page.waitForURL('**/setup');
    await page.getByTestId('setup-form').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    await page.fill('#input-token', server.setupToken);
    await page.fill('#input-displayName', ADMIN.name);
    await page.fill('#input-email', ADMIN.email);
    await page.fill('#input-password', ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('customer-list-page').waitFor();
    await page.waitForURL('**/customers');
    assert.match(await page.getByTestId('current-user').innerText(), /管理 太郎/);

    // ── create 佐藤 花子 through the form; a bad e-mail first shows the API's message next to the field ──
    await page.getByTestId('customer-new').click();
    await page.getByTestId('customer-new-page').waitFor();
    await page.fill('#input-familyName', '佐藤');
    await page.fill('#input-givenName', '花子');
    await page.fill('#input-familyNameKana', 'サトウ');
    await page.fill('#input-givenNameKana', 'ハナコ');
    await page.fill('#input-email', 'hanako.sato@');
    await page.fill('#input-phone', '090-1234-5678');
    await page.fill('#input-postalCode', '1000001');
    await page.selectOption('#input-prefecture', '東京都');
    await page.fill('#input-address', '千代田区千代田1-1');
    await page.fill('#input-companyName', '株式会社サンプル商事');
    await page.fill('#input-department', '営業部');
    await page.fill('#input-title', '課長');
    await page.selectOption('#input-acquisitionChannel', 'brochure');
    await page.getByTestId('customer-form-submit').click();
    const emailError = page.getByTestId('error-email');
    await emailError.waitFor();
    assert.match(await emailError.innerText(), /メールアドレスの形式が正しくありません/);
    await page.fill('#input-email', 'hanako.sato@example.co.jp');
    await page.getByTestId('customer-form-submit').click();
    await page.getByTestId('customer-detail-page').waitFor();
    assert.equal(await page.getByTestId('detail-name').innerText(), '佐藤 花子');
    assert.equal(await page.getByTestId('detail-kana').innerText(), 'サトウ ハナコ');
    assert.match(await page.getByTestId('value-postalCode').innerText(), /〒100-0001/);
    assert.match(await page.getByTestId('value-phone').innerText(), /090-1234-5678/);
    const hanakoPath = new URL(page.url()).pathname;

    // ── a few more customers through the API with the admin's session (cookie + CSRF token) ──
    await seedCustomers(context, base);

    // ── the list: find her by 「佐藤」 and by half-width 「ｻﾄｳ」 ──
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-list-page').waitFor();
    await expectRowCount(page, OTHERS.length + 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'customer-list.png'), fullPage: true });

    for (const query of ['佐藤', 'ｻﾄｳ']) {
      await page.getByTestId('customer-search').fill(query);
      await expectRowCount(page, 1, query);
      assert.equal(await page.getByTestId('customer-name').first().innerText(), '佐藤 花子', `search ${query}`);
      assert.equal(new URL(page.url()).searchParams.get('q'), query);
    }

    // ── open her (row click), edit 役職 and 電話 ──
    await page.getByTestId('customer-row').first().locator('td.col-kana').click();
    await page.getByTestId('customer-detail-page').waitFor();
    assert.equal(new URL(page.url()).pathname, hanakoPath);
    await page.getByTestId('customer-edit').click();
    await page.getByTestId('customer-edit-form').waitFor();
    await page.fill('#input-title', '部長');
    await page.fill('#input-phone', '03-1234-5678');
    await page.getByTestId('customer-form-submit').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('value-title').innerText(), /部長/);
    assert.match(await page.getByTestId('value-phone').innerText(), /03-1234-5678/);

    // The edit is on the timeline with its field changes…
    const edit = page.locator('[data-testid="activity"][data-type="edit"]').first();
    await edit.waitFor();
    const titleChange = edit.locator('[data-testid="change"][data-field="title"]');
    assert.equal((await titleChange.innerText()).replace(/\s+/g, ' ').trim(), '役職: 課長 → 部長');
    assert.match(await edit.locator('[data-testid="change"][data-field="phone"]').innerText(), /090-1234-5678 → 03-1234-5678/);
    assert.match(await edit.innerText(), /管理 太郎/);
    // …and the field says where its value came from.
    const provenance = await page.getByTestId('prov-title').innerText();
    assert.match(provenance, /手入力/);
    assert.match(provenance, /管理 太郎/);
    assert.match(provenance, /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);

    // A sales note goes on top of the timeline.
    await page.getByTestId('note-input').fill('来週火曜に訪問予定。資料を持参する。');
    await page.getByTestId('note-submit').click();
    await page.locator('[data-testid="activity"][data-type="note"]').first().waitFor();
    assert.equal(await page.getByTestId('activity').first().getAttribute('data-type'), 'note');
    // The 「編集」 chip narrows the timeline to edits (and the creation); 「すべての種類」 brings the notes back.
    await page.getByTestId('timeline-filter-edit').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="activity"]')].every((el) => ['edit', 'customer_created'].includes(el.getAttribute('data-type') ?? '')));
    await page.getByTestId('timeline-filter-all').click();
    await page.locator('[data-testid="activity"][data-type="note"]').first().waitFor();
    await page.locator('[data-testid="activity"][data-type="customer_created"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'customer-detail.png'), fullPage: true });

    // ── a viewer, created on the users screen ──
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-page').waitFor();
    await page.getByTestId('permission-matrix').waitFor();
    await page.getByTestId('user-new').click();
    await page.fill('#input-displayName', VIEWER.name);
    await page.fill('#input-email', VIEWER.email);
    await page.fill('#input-password', VIEWER.password);
    await page.selectOption('#input-role', 'viewer');
    await page.getByTestId('user-create-submit').click();
    await page.locator(`[data-testid="user-row"][data-email="${VIEWER.email}"]`).waitFor();

    // ── sign out; sign in as the viewer ──
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.fill('#input-email', VIEWER.email);
    await page.fill('#input-password', 'wrong-password-123');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.fill('#input-password', VIEWER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customer-list-page').waitFor();
    await page.getByTestId('mask-banner').waitFor();
    assert.equal(await page.getByTestId('customer-new').count(), 0, 'a viewer gets no create button');
    assert.equal(await page.getByTestId('nav-users').count(), 0, 'a viewer gets no users screen');

    await page.getByTestId('customer-search').fill('佐藤');
    await expectRowCount(page, 1, '佐藤');
    await page.getByTestId('customer-name').first().click();
    await page.getByTestId('customer-detail-page').waitFor();
    await page.getByTestId('mask-banner').waitFor();
    const email = await page.getByTestId('value-email').innerText();
    const phone = await page.getByTestId('value-phone').innerText();
    assert.ok(!email.includes('hanako.sato@example.co.jp') && email.includes('***'), `e-mail masked: ${email}`);
    assert.ok(!phone.includes('1234-5678') && phone.includes('***'), `phone masked: ${phone}`);
    assert.match(email, /マスク表示/);
    assert.match(phone, /マスク表示/);
    assert.equal(await page.getByTestId('customer-edit').count(), 0, 'a viewer cannot edit');
    assert.equal(await page.getByTestId('customer-delete').count(), 0, 'a viewer cannot delete');
    assert.equal(await page.getByTestId('note-form').count(), 0, 'a viewer cannot add notes');
    await page.screenshot({ path: path.join(ARTIFACTS, 'customer-detail-viewer.png'), fullPage: true });

    // English is one click away, and it is remembered.
    await page.getByTestId('lang-toggle').click();
    await page.locator('h2', { hasText: 'Timeline' }).waitFor();
    await page.reload();
    await page.getByTestId('customer-detail-page').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.getByTestId('value-email').innerText(), /Masked/);

    assert.deepEqual(problems, [], 'no console errors or page errors (CSP included)');
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
});

/** Waits until the list shows the answer to `query` (the table says which search its rows are for) with n rows. */
async function expectRowCount(page: Page, n: number, query = ''): Promise<void> {
  await page.waitForFunction(
    ({ expected, q }) => {
      const table = document.querySelector('[data-testid="customer-table"]');
      return table?.getAttribute('data-loaded-q') === q && table.getAttribute('aria-busy') !== 'true' &&
        document.querySelectorAll('[data-testid="customer-row"]').length === expected;
    },
    { expected: n, q: query },
  );
}

async function seedCustomers(context: BrowserContext, base: string): Promise<void> {
  const me = await context.request.get(`${base}/api/v1/auth/me`);
  assert.equal(me.status(), 200);
  const { csrfToken } = (await me.json()) as { csrfToken: string };
  for (const customer of OTHERS) {
    const response = await context.request.post(`${base}/api/v1/customers`, { data: customer, headers: { 'X-CSRF-Token': csrfToken } });
    assert.equal(response.status(), 201, await response.text());
  }
}
