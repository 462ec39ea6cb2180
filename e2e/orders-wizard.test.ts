/**
 * Issue 20 「Every real export」, orders, in a real browser against a real server: a shop's Shift_JIS order export with
 * a title line and Japanese headers (受注番号, 購入日, 会員番号, 品番, 小計…) goes through the order wizard — upload →
 * detected encoding and header line → suggested mapping accepted → a refused setting shows the server's own reason →
 * validation lists the bad rows with their lines and reasons → run → the orders in the list and on the buyer's page.
 * The JSON profile under 詳細設定 shows every reason too (列「注文番号」がファイルにありません, not only a headline).
 * Screenshots go to test-artifacts/ (orders-wizard-mapping.png, orders-wizard-result.png).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '注文 担当', email: 'orders-admin@example.co.jp', password: 'orders-password-2026' };

const SHOP_CSV = [
  '受注データ 2026年4月',
  '受注番号,購入日,会員番号,メールアドレス,氏名,品番,商品名,数量,単価,小計,ステータス,店舗',
  'S-1,2026/4/3,,hanako@kaisha-a.co.jp,佐藤 花子,CF-1,コーヒー豆 1kg,2,"3,200","6,400",完了,EC', //   line 3
  'S-1,2026/4/3,,hanako@kaisha-a.co.jp,佐藤 花子,MG-1,マグカップ,1,1500,1500,完了,EC', //               line 4
  'S-2,2026/4/5,M-9,,高橋 一郎,MG-1,マグカップ,2,1500,3000,,店舗', //                                     line 5
  'S-3,2026/4/6,,,名無し,MG-1,マグカップ,1,1500,1500,,EC', //                                            line 6: no buyer key
  'S-4,2026/4/7,M-9,,高橋 一郎,CF-1,コーヒー豆 1kg,たくさん,3200,,,EC', //                               line 7: bad quantity
].join('\r\n');

/** What the wizard should propose for each target (blank: nothing). */
const SUGGESTED: Record<string, string> = {
  order_id: '受注番号', ordered_at: '購入日', member_id: '会員番号', customer_email: 'メールアドレス', customer_phone: '', customer_name: '氏名',
  sku: '品番', product_name: '商品名', quantity: '数量', unit_price: '単価', amount: '小計', status: 'ステータス', channel: '店舗',
};

test('orders wizard: Shift_JIS export with Japanese headers, suggestions accepted, bad rows with their lines, orders on the buyer\'s page', { timeout: 240_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-orders-e2e-'));
  const file = path.join(dir, 'juchu_202604.csv');
  fs.writeFileSync(file, iconv.encode(SHOP_CSV, 'cp932'));
  try {
    await withBrowserServer(t, { admin: ADMIN }, async (session) => {
      const { base, context, problems } = session;
      // The wizard's refused source answers 400 on purpose: the browser logs it.
      const page = await watchedPage(context, problems, { ignoreConsole: /status of 400/u, acceptDialogs: false });

      await page.goto(`${base}/orders`);
      await page.getByTestId('order-list-page').waitFor();
      await page.getByTestId('order-import-open').click();
      const wizard = page.getByTestId('order-import-wizard');

      // ── 詳細設定: the old JSON profile names 注文番号, 注文日… which this file does not have: every reason is shown ──
      await wizard.getByTestId('order-import-advanced').locator('summary').click();
      await page.setInputFiles('[data-testid="order-import-file"]', file);
      await page.getByTestId('order-import-run').click();
      const advancedReasons = await wizard.getByTestId('order-import-advanced').getByTestId('error-banner-reasons').innerText();
      assert.match(advancedReasons, /列「注文番号」がファイルにありません/u, advancedReasons);
      assert.match(advancedReasons, /列「注文日」がファイルにありません/u, advancedReasons);
      await wizard.getByTestId('order-import-advanced').locator('summary').click();

      // ── 1. upload ──
      await wizard.getByTestId('import-upload').waitFor();
      await wizard.locator('#input-file').setInputFiles(file);
      await wizard.getByTestId('import-upload-button').click();
      await wizard.getByTestId('import-preview').waitFor();

      // ── 2. detected: Shift_JIS, the header on line 2 under the title ──
      assert.match(await wizard.getByTestId('preview-encoding').innerText(), /Shift_JIS/u);
      assert.equal(await wizard.getByTestId('header-row-input').inputValue(), '2');
      assert.match(await wizard.getByTestId('preview-table').locator('tbody').innerText(), /コーヒー豆 1kg/u);

      // ── 3. the suggested mapping, accepted as it is ──
      await wizard.getByTestId('order-import-mapping').waitFor();
      for (const [field, column] of Object.entries(SUGGESTED)) {
        const value = await wizard.locator(`[data-testid="order-mapping-row"][data-field="${field}"] select`).inputValue();
        assert.equal(value, column, `suggested column of ${field}`);
      }
      assert.equal(await wizard.locator('#input-order-source').inputValue(), 'juchu', 'the source from the file name');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ARTIFACTS, 'orders-wizard-mapping.png'), fullPage: true });

      // A setting the server refuses: its own reason is on the page, not only 「入力内容に誤りがあります」.
      await wizard.locator('#input-order-source').fill('Shop!');
      await wizard.getByTestId('order-import-validate').click();
      const refused = await wizard.getByTestId('order-import-error-reasons').innerText();
      assert.match(refused, /source: 半角英小文字・数字・- と _ の63文字までです/u, refused);
      await wizard.locator('#input-order-source').fill('shop');

      // ── 4. validate: the bad rows with their lines and reasons, nothing written yet ──
      await wizard.getByTestId('order-import-validate').click();
      await wizard.getByTestId('order-import-validation').waitFor();
      assert.equal(await count(page, 'order-validation-count', 'newOrders'), 2);
      assert.equal(await count(page, 'order-validation-count', 'rejectedRows'), 2);
      const line6 = wizard.getByTestId('order-validation-problems').locator('[data-testid="problem-row"][data-line="6"]');
      assert.match(await line6.innerText(), /顧客を特定できません/u);
      const line7 = wizard.getByTestId('order-validation-problems').locator('[data-testid="problem-row"][data-line="7"]');
      assert.match(await line7.innerText(), /数量として読めません.*たくさん/su);
      assert.equal(await page.getByTestId('order-row').count(), 0, 'validation wrote nothing');

      // ── run ──
      await wizard.getByTestId('order-import-run-button').click();
      await wizard.getByTestId('order-import-summary').waitFor({ timeout: 60_000 });
      assert.equal(await count(page, 'order-summary-count', 'created'), 2);
      assert.equal(await count(page, 'order-summary-count', 'rejectedRows'), 2);
      const rejected = await wizard.getByTestId('order-import-problems').locator('[data-testid="problem-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-line')));
      assert.deepEqual(rejected, ['6', '7']);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ARTIFACTS, 'orders-wizard-result.png'), fullPage: true });

      // ── the orders in the list, and on the buyer's page ──
      await page.getByTestId('order-row').first().waitFor();
      const listed = await page.getByTestId('order-row').allInnerTexts();
      assert.ok(listed.some((r) => r.includes('S-1')) && listed.some((r) => r.includes('S-2')), listed.join('\n'));
      await page.getByTestId('order-row').filter({ hasText: 'S-1' }).getByRole('link', { name: '佐藤 花子' }).click();
      await page.getByTestId('card-purchases').waitFor();
      assert.equal(await page.getByTestId('purchase-ltv').innerText(), '¥7,900');
      assert.equal(await page.getByTestId('purchase-count').innerText(), '1');
      assert.deepEqual(problems, []);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function count(page: Page, testId: string, key: string): Promise<number> {
  return Number((await page.locator(`[data-testid="${testId}"][data-key="${key}"] .strong`).innerText()).replace(/[^\d]/gu, ''));
}
