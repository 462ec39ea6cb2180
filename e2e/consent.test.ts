/**
 * The consent ledger in a real browser (issues 23 and 25): a 名刺 export imported with a profile that says the source's
 * lawful basis (business_card) and maps its 「メルマガ」 column; the customer page's 「同意・配信可否」 card shows the
 * imported opt-in, the 名刺交換 exception for someone who said nothing, and a staff entry (配信停止の申し出) that
 * turns e-mail off at once; the データソース page shows and edits the basis; the form builder offers what a ticked
 * consent box grants. Screenshots: test-artifacts/consent-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, watchedPage } from './support/browser.ts';
import { importCsv, withBrowserServer } from './support/session.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@consent-e2e.daicho-test.jp', password: 'consent-admin-2026' };
const CSV = [
  '名刺ID,氏名,メール,電話,メルマガ',
  'C1,山田 太郎,taro.yamada@daicho-test.jp,03-1111-2222,希望する',
  'C2,佐藤 次郎,jiro.sato@daicho-test.jp,03-5555-6666,',
].join('\n') + '\n';
const PROFILE = {
  source: 'tenjikai-meishi', id_column: '名刺ID', email_basis: 'business_card',
  fields: { full_name: '氏名', email: 'メール', phone: '電話' }, consent: { email_marketing: 'メルマガ' },
};

test('consent: imported opt-in, the 名刺交換 basis, a staff opt-out on the customer page; the basis on データソース', { timeout: 180_000 }, async (t) => {
  await withBrowserServer(t, { admin: ADMIN, context: { viewport: { width: 1366, height: 900 } } }, async (session) => {
    const { base, context, headers, problems } = session;
    const created = await context.request.post(`${base}/api/v1/sources`, { headers, data: { name: 'tenjikai-meishi', label: '展示会名刺', kind: 'file_import', party: 'first' } });
    assert.ok(created.ok(), await created.text());
    const imported = await importCsv<{ consentEvents: number }>(session, { name: 'meishi.csv', csv: CSV }, PROFILE);
    assert.equal(imported.consentEvents, 1);
    const idOf = async (q: string) => ((await (await context.request.get(`${base}/api/v1/customers?q=${encodeURIComponent(q)}`)).json()) as { items: Array<{ id: string }> }).items[0]!.id;

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    // 山田: opted in through the import's column.
    await page.goto(`${base}/customers/${await idOf('山田')}`);
    const card = page.getByTestId('card-consent');
    await card.waitFor();
    assert.equal((await card.getByTestId('consent-email-basis').innerText()).replace(/\s+/gu, ' ').trim(), 'メール配信 同意 (オプトイン) による送信可');
    const email = card.getByTestId('consent-email_marketing');
    assert.equal((await email.getByTestId('consent-state').innerText()).trim(), '許諾');
    assert.match(await email.getByTestId('consent-how').innerText(), /取り込み · 展示会名刺/u);
    assert.equal((await card.getByTestId('consent-dm').getByTestId('consent-state').innerText()).trim(), '未取得');
    await card.screenshot({ path: path.join(ARTIFACTS, 'consent-card-opted-in.png') });

    // 佐藤: nothing recorded; the source's 名刺 exception is the basis. Then he asks by phone to stop.
    await page.goto(`${base}/customers/${await idOf('佐藤')}`);
    await card.waitFor();
    assert.match(await card.getByTestId('consent-email-basis').innerText(), /名刺交換 \(展示会名刺\) による送信可/u);
    assert.equal(await card.getByTestId('consent-email-basis').getAttribute('data-status'), 'business_card');
    await card.screenshot({ path: path.join(ARTIFACTS, 'consent-card-business-card.png') });
    await card.getByTestId('consent-form-purpose').selectOption('email_marketing');
    await card.getByTestId('consent-form-state').selectOption('withdrawn');
    await card.getByTestId('consent-form-note').fill('電話で配信停止の申し出あり');
    await card.getByTestId('consent-form-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="consent-email-basis"]')?.getAttribute('data-status') === 'opted_out');
    assert.match(await card.getByTestId('consent-email-basis').innerText(), /送信不可: 配信を拒否・停止しています/u);
    assert.equal((await card.getByTestId('consent-email_marketing').getByTestId('consent-state').innerText()).trim(), '撤回');
    const events = card.getByTestId('consent-event');
    assert.equal(await events.count(), 1);
    assert.match(await events.first().innerText(), /撤回[\s\S]*担当者の記録 · 管理 花子[\s\S]*電話で配信停止の申し出あり/u);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'consent-customer-page.png') });
    await card.screenshot({ path: path.join(ARTIFACTS, 'consent-card-withdrawn.png') });
    await page.getByTestId('lang-toggle').click();
    await card.getByText('Consent and contactability').waitFor();
    await card.screenshot({ path: path.join(ARTIFACTS, 'consent-card-en.png') });
    await page.getByTestId('lang-toggle').click();

    // データソース: the basis in the list and its editor.
    await page.goto(`${base}/sources`);
    const row = page.locator('[data-testid="source-row"][data-name="tenjikai-meishi"]');
    await row.waitFor();
    assert.equal((await row.getByTestId('source-email-basis').innerText()).trim(), '名刺交換');
    await row.getByTestId('source-edit').click();
    const select = page.getByTestId('source-email-basis-select');
    assert.equal(await select.inputValue(), 'business_card');
    await page.getByTestId('source-edit-form').screenshot({ path: path.join(ARTIFACTS, 'consent-source-edit.png') });
    await select.selectOption('business_relationship');
    await page.getByTestId('source-edit-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-name="tenjikai-meishi"] [data-testid="source-email-basis"]')?.textContent?.trim() === '取引関係');

    // The form builder: what a ticked consent box grants.
    await page.goto(`${base}/forms/new`);
    const purposes = page.getByTestId('form-consent-purposes');
    await purposes.waitFor();
    assert.match(await purposes.innerText(), /メール配信 \(メルマガ\) の同意[\s\S]*DM \(郵送\) の同意/u);
    await page.getByTestId('form-consent-purpose-email_marketing').check();
    await purposes.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'consent-form-builder.png') });
    assert.deepEqual(problems, []);
  });
});
