/**
 * Issue 20 in a real browser: two department files name one company two ways (「さくら情報システム(株)」 in Tokyo,
 * 「さくら情報システム株式会社」 in Osaka); the matcher leaves the pair for a person. On 法人の重複確認 the person keeps
 * the Tokyo one and merges (統合する): the survivor has all three people. 統合を取り消す on the merged company gives
 * its person back; 「統合」 on the company page merges it again by hand, and that is undone too.
 * Screenshots go to test-artifacts/ (company-review.png, company-merged.png, company-unmerge.png).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { REPO_ROOT } from './support/server.ts';
import { withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '法人 担当', email: 'company-admin@example.co.jp', password: 'company-password-2026' };
const FIXTURES = path.join(REPO_ROOT, 'e2e/fixtures');
const SEMINAR = { source: 'seminar', idColumn: 'ID', fields: { full_name: '氏名', email: 'メール', company_name: '会社名', department: '部署', company_address: '会社住所', company_phone: '代表電話' } };
const MEISHI = { source: 'meishi', idColumn: 'ID', fields: { full_name: '氏名', email: 'メール', company_name: '会社名', department: '部署', company_address: '会社住所', company_website: 'ホームページ' } };

test('法人の重複確認: a pair from two files merged in the UI, people counted, unmerged; merged by hand and unmerged', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN }, async (session) => {
    const { base, context, problems } = session;
    const page = await watchedPage(context, problems);

    await page.goto(`${base}/customers`);
    await page.getByTestId('customer-list-page').waitFor();
    for (const [file, mapping] of [['company_seminar.csv', SEMINAR], ['company_meishi.csv', MEISHI]] as const) {
      await page.getByTestId('nav-imports').click();
      await page.getByTestId('import-page').waitFor();
      const another = page.getByRole('button', { name: '別のファイルを取り込む' });
      if (await another.isVisible()) await another.click();
      await page.getByTestId('import-upload').waitFor();
      await page.setInputFiles('#input-file', path.join(FIXTURES, file));
      await page.getByTestId('import-upload-button').click();
      await page.getByTestId('import-preview').waitFor();
      const fields = await page.locator('[data-testid="mapping-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')!));
      for (const field of fields) {
        await page.locator(`[data-testid="mapping-row"][data-field="${field}"] select`).first().selectOption((mapping.fields as Record<string, string>)[field] ?? '');
      }
      await page.locator('#input-idColumn').selectOption(mapping.idColumn);
      await page.locator('#input-source').fill(mapping.source);
      await page.getByTestId('import-run-button').click();
      await page.getByTestId('import-summary').waitFor({ timeout: 120_000 });
    }

    // ── the companies list leads to the review; the pair is shown side by side with its reasons ──
    await page.getByTestId('nav-companies').click();
    await page.getByTestId('company-list-page').waitFor();
    // The link counts the open pairs (loaded beside the list).
    await page.getByTestId('company-review-link').filter({ hasText: '法人の重複確認（1）' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length === 2);
    await page.getByTestId('company-review-link').click();
    await page.getByTestId('company-review-page').waitFor();
    await page.getByTestId('company-review-detail').waitFor();
    assert.equal(await page.getByTestId('company-review-item').count(), 1);
    assert.match(await page.getByTestId('company-review-reasons').innerText(), /所在地の都道府県が異なる/u);
    const addresses = await page.locator('[data-testid="company-review-row"][data-field="address"] td').allInnerTexts();
    const tokyo = addresses.findIndex((a) => a.includes('東京都'));
    assert.ok(tokyo >= 0 && addresses.some((a) => a.includes('大阪府')), `addresses: ${addresses.join(' | ')}`);
    const people = await page.locator('[data-testid="company-review-row"][data-field="people"] td').allInnerTexts();
    assert.equal(people[tokyo]!.trim(), '2');
    assert.equal(people[1 - tokyo]!.trim(), '1');
    // The reasons' badges stay inside the sticky panel.
    const overflow = await page.getByTestId('company-review-detail').evaluate((panel) => {
      const box = panel.getBoundingClientRect();
      return [...panel.querySelectorAll('.badge')].filter((b) => b.getBoundingClientRect().right > box.right + 1).length;
    });
    assert.equal(overflow, 0, 'no badge overflows the panel');
    assert.equal(await page.getByTestId('company-review-detail').evaluate((el) => getComputedStyle(el).position), 'sticky');
    await page.getByTestId('company-keep').nth(tokyo).check();
    await page.screenshot({ path: path.join(ARTIFACTS, 'company-review.png'), fullPage: true });

    // ── 統合する: the Tokyo company stays with all three people ──
    await page.getByTestId('company-decide-merge').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').innerText(), /統合しました/u);
    await page.getByTestId('company-review-empty').waitFor();
    await page.getByTestId('survivor-link').click();
    await page.getByTestId('company-detail-page').waitFor();
    await waitForPeople(page, 3);
    assert.match(await page.getByTestId('row-field.address').innerText(), /東京都/u, 'the survivor keeps its address');
    assert.equal(await page.getByTestId('company-merged-link').count(), 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'company-merged.png'), fullPage: true });

    // ── 統合を取り消す on the merged company: its person comes back ──
    const survivorUrl = page.url();
    await page.getByTestId('company-merged-link').click();
    await page.getByTestId('company-merged-into').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'company-unmerge.png'), fullPage: true });
    await page.getByTestId('company-unmerge').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').innerText(), /統合を取り消しました/u);
    await page.getByTestId('company-merged-into').waitFor({ state: 'detached' });
    await waitForPeople(page, 1);
    assert.match(await page.getByTestId('company-person').innerText(), /高橋 四郎/u);
    const osakaUrl = page.url();
    await page.goto(survivorUrl);
    await page.getByTestId('company-detail-page').waitFor();
    await waitForPeople(page, 2);

    // ── 「統合」 by hand from the company page, then undone again ──
    await page.getByTestId('company-merge-open').click();
    await page.getByTestId('company-merge-search').fill('さくら');
    const candidate = page.getByTestId('company-merge-candidate');
    await candidate.first().waitFor();
    assert.equal(await candidate.count(), 1, 'the other さくら, not this company');
    assert.match(await candidate.innerText(), /大阪府/u);
    await candidate.getByTestId('company-merge-into').click();
    await page.getByTestId('notice').waitFor();
    await waitForPeople(page, 3);
    await page.goto(osakaUrl);
    await page.getByTestId('company-unmerge').click();
    await page.getByTestId('notice').waitFor();
    await waitForPeople(page, 1);

    assert.deepEqual(problems, [], 'no console errors or page errors (CSP included)');
  });
});

async function waitForPeople(page: Page, n: number): Promise<void> {
  await page.waitForFunction((expected) => document.querySelectorAll('[data-testid="company-person"]').length === expected, n);
}
