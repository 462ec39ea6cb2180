/**
 * Data quality and freshness in a real browser (issue 25): a CRM export (ranked first) and a newer 名刺 export of the
 * same person with another title and another address. The customer page's データ品質 card names both values to
 * update (異動の可能性, 転居の可能性); after the quality pass the 要更新 page lists her; the データソース page shows the
 * CRM's quality panel with its retention dry run. Screenshots: test-artifacts/quality-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { importCsv, withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@quality-e2e.daicho-test.jp', password: 'quality-admin-2026' };
const CRM = [
  '顧客ID,氏名,メール,会社,役職,郵便番号,都道府県,住所',
  'K1,田中 花子,hanako.tanaka@daicho-test.jp,台帳商事株式会社,課長,100-0001,東京都,千代田区千代田1-1',
  'K2,鈴木 次郎,jiro.suzuki@daicho-test.jp,台帳物産株式会社,主任,530-0001,大阪府,大阪市北区梅田1-1-1',
].join('\n') + '\n';
const MEISHI = [
  '名刺ID,氏名,メール,会社,役職,郵便番号,都道府県,住所',
  'M1,田中 花子,hanako.tanaka@daicho-test.jp,台帳商事株式会社,部長,220-0012,神奈川県,横浜市西区みなとみらい2-2-1',
].join('\n') + '\n';
const FIELDS = { full_name: '氏名', email: 'メール', company_name: '会社', title: '役職', postal_code: '郵便番号', prefecture: '都道府県', address: '住所' };

test('quality: stale title and address on the customer page, the 要更新 queue, a source’s quality panel', { timeout: 240_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, context, headers, problems } = session;
    const source = async (data: Record<string, unknown>) => {
      const r = await context.request.post(`${base}/api/v1/sources`, { headers, data });
      assert.ok(r.ok(), await r.text());
      return ((await r.json()) as { id: string }).id;
    };
    await source({ name: 'crm', label: '営業CRM', kind: 'file_import', party: 'first', priority: 10, retentionDays: 3650, purposeOfUse: '営業活動' });
    await source({ name: 'meishi', label: '名刺管理', kind: 'file_import', party: 'first', priority: 100, emailBasis: 'business_card' });
    await importCsv(session, { name: 'crm.csv', csv: CRM }, { source: 'crm', id_column: '顧客ID', fields: FIELDS });
    await importCsv(session, { name: 'meishi.csv', csv: MEISHI }, { source: 'meishi', id_column: '名刺ID', fields: FIELDS });
    const found = (await (await context.request.get(`${base}/api/v1/customers?q=${encodeURIComponent('田中')}`)).json()) as { items: Array<{ id: string }> };
    assert.equal(found.items.length, 1, 'the two records of 田中 are one customer');
    const hanako = found.items[0]!.id;

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await page.goto(`${base}/customers/${hanako}`);
    const card = page.getByTestId('card-quality');
    await card.getByTestId('quality-stale').waitFor();
    const reasons = await card.getByTestId('quality-stale-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')).sort());
    assert.deepEqual(reasons, ['moved', 'title_superseded']);
    assert.match(await card.innerText(), /新しい名刺に別の役職・会社があります/u);
    assert.match(await card.innerText(), /より新しい記録に別の住所があります/u);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(ARTIFACTS, 'quality-card.png') });

    // The daily pass, run now from the 要更新 page; the list then shows 田中 with both reasons.
    await page.goto(`${base}/quality`);
    await page.getByTestId('stale-page').waitFor();
    await page.getByTestId('stale-owner').selectOption('all');
    await page.getByTestId('stale-run').click();
    const row = page.getByTestId('stale-row').filter({ hasText: '田中 花子' });
    await row.waitFor({ timeout: 60_000 });
    assert.match(await row.innerText(), /異動の可能性/u);
    assert.match(await row.innerText(), /転居の可能性/u);
    // The row can come from the server's own daily pass at start; the pass asked for here finishes after it.
    await page.getByTestId('stale-computed').filter({ hasText: '最終計算' }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality-stale-page.png'), fullPage: true });

    // The CRM's quality panel: two records, two customers, nothing past a ten-year retention.
    await page.goto(`${base}/sources`);
    await page.locator('[data-testid="source-row"][data-name="crm"]').getByTestId('source-quality').click();
    const panel = page.getByTestId('source-quality-panel');
    await panel.getByTestId('source-retention-overdue').waitFor();
    assert.equal(await panel.getByTestId('source-retention-overdue').getAttribute('data-count'), '0');
    assert.match(await panel.innerText(), /営業CRM のデータ品質/u);
    await panel.screenshot({ path: path.join(ARTIFACTS, 'quality-source-panel.png') });
    assert.deepEqual(problems, []);
  });
});
