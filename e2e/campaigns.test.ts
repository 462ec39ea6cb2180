/**
 * Campaigns in a real browser (issue 23), on a server without SMTP (the embedded default: messages go to the outbox,
 * labelled 未送信). An administrator sets the sender (配信設定); a marketer's segment 「東京の顧客」 holds five people:
 * two opted in, one with no basis, one who refused, one without an e-mail. The editor shows 配信対象 2 人 and each
 * suppression with its reason while the campaign is written, the preview as 佐藤 花子 merges her name, テスト送信 lands
 * in the outbox; the campaign page lists the people of a reason, 今すぐ配信 is confirmed with the audience, the
 * progress and the report follow, and the outbox shows the messages as not sent.
 * Screenshots: test-artifacts/campaigns-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, adminContext, launchChromium, printFailure, skipWithoutChromium, watchedPage } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@daicho-test.jp', password: 'campaign-admin-2026' };

/** The segment's people and what stands between each and the campaign. */
const PEOPLE = [
  { key: 'hanako', familyName: '佐藤', givenName: '花子', email: 'hanako@tokyo-a.daicho-test.jp', prefecture: '東京都', consent: 'granted', postalCode: '1000005', address: '千代田区丸の内1-1-1' },
  { key: 'taro', familyName: '山田', givenName: '太郎', email: 'taro@tokyo-b.daicho-test.jp', prefecture: '東京都', consent: 'granted', postalCode: '1000005', address: '千代田区丸の内1-1-1' },
  { key: 'jiro', familyName: '鈴木', givenName: '次郎', email: 'jiro@tokyo-c.daicho-test.jp', prefecture: '東京都', consent: null, postalCode: '1600022', address: '新宿区新宿3-1-1' },
  { key: 'saburo', familyName: '高橋', givenName: '三郎', email: 'saburo@tokyo-d.daicho-test.jp', prefecture: '東京都', consent: 'denied' },
  { key: 'shiro', familyName: '伊藤', givenName: '四郎', email: null, prefecture: '東京都', consent: 'granted' },
  { key: 'goro', familyName: '渡辺', givenName: '五郎', email: 'goro@osaka.daicho-test.jp', prefecture: '大阪府', consent: 'granted' },
] as const;

/** 〒 and address of those who have one (DM): 佐藤 and 山田 share a household. */
const postal = (p: (typeof PEOPLE)[number]) => ('postalCode' in p ? { postalCode: p.postalCode, address: p.address } : {});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `campaigns-${name}.png`), fullPage: true });
}

/** The audience panel once its count has settled (not 「計算中」). */
async function settledAudience(page: Page): Promise<{ send: string; reasons: Record<string, string> }> {
  await page.locator('[data-testid="audience-summary"][data-state="ok"]').waitFor();
  const send = (await page.getByTestId('audience-send').innerText()).trim();
  const reasons: Record<string, string> = {};
  for (const row of await page.getByTestId('audience-reason').all()) {
    reasons[(await row.getAttribute('data-reason'))!] = (await row.getByTestId('audience-reason-count').innerText()).trim();
  }
  return { send, reasons };
}

test('campaigns: settings, an e-mail campaign for a segment with suppressions by reason, preview, test send, sending to the outbox, report', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer();
    const base = server.baseUrl;
    browser = await launchChromium();
    const context = await adminContext(browser, server, ADMIN, { viewport: { width: 1440, height: 1000 } });
    const { csrfToken } = (await (await context.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const api = async <T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> => {
      const res = await context.request.fetch(`${base}/api/v1${url}`, { method, headers: { 'X-CSRF-Token': csrfToken }, ...(data === undefined ? {} : { data }) });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // ── the ledger: people, their consents, the segment ──
    const ids: Record<string, string> = {};
    for (const p of PEOPLE) {
      const c = await api<{ id: string }>('POST', '/customers', { familyName: p.familyName, givenName: p.givenName, prefecture: p.prefecture, ...(p.email ? { email: p.email } : {}), ...postal(p) });
      ids[p.key] = c.id;
      if (p.consent) await api('POST', `/customers/${c.id}/consents`, { purposeCode: 'email_marketing', state: p.consent });
    }
    const segment = await api<{ id: string }>('POST', '/segments', { name: '東京の顧客', mode: 'dynamic', definition: { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' } });
    assert.ok(segment.id);

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });

    // ── 配信設定: the sender the law asks for ──
    await page.goto(`${base}/campaigns`);
    await page.getByTestId('campaigns-empty').waitFor();
    await page.getByTestId('campaigns-settings').click();
    await page.getByTestId('messaging-settings-page').waitFor();
    await page.getByTestId('outbox-mode').waitFor();
    await page.getByTestId('settings-senderName').fill('台帳商事株式会社');
    await page.getByTestId('settings-senderAddress').fill('東京都千代田区丸の内1-1-1');
    await page.getByTestId('settings-senderContact').fill('03-1234-5678 / info@daicho-test.jp');
    await page.getByTestId('settings-fromEmail').fill('info@daicho-test.jp');
    await page.getByTestId('settings-capCount').fill('3');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await shot(page, 'settings');

    // ── the editor: segment, content with merge fields, the live audience ──
    await page.goto(`${base}/campaigns`);
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-editor').waitFor();
    await page.getByTestId('all-customers-warning').waitFor();
    await page.getByTestId('campaign-name').fill('秋の新商品のご案内');
    await page.getByTestId('segment-option').filter({ hasText: '東京の顧客' }).locator('input').check();
    assert.equal(await page.getByTestId('all-customers-warning').count(), 0, 'a segment chosen: no 全顧客 warning');
    // Merge fields go in at the caret of the field last edited.
    await page.getByTestId('campaign-subject').fill('様へ 秋の新商品のご案内');
    await page.getByTestId('campaign-subject').press('Home');
    await page.locator('[data-testid="merge-field"][data-field="姓"]').click();
    assert.equal(await page.getByTestId('campaign-subject').inputValue(), '{{姓}}様へ 秋の新商品のご案内');
    await page.getByTestId('campaign-body-text').click();
    await page.locator('[data-testid="merge-field"][data-field="宛名"]').click();
    await page.getByTestId('campaign-body-text').press('End');
    await page.getByTestId('campaign-body-text').pressSequentially('\n\nいつも台帳商事をご利用いただき、ありがとうございます。\n秋の新商品をご案内します。');
    assert.match(await page.getByTestId('campaign-body-text').inputValue(), /^\{\{宛名\}\}\n\nいつも台帳商事/);

    const audience = await settledAudience(page);
    assert.equal(audience.send, '2', 'two opted-in people with an e-mail');
    assert.deepEqual(audience.reasons, { no_basis: '1', opted_out: '1', no_address: '1' });
    assert.match(await page.getByTestId('audience-panel').innerText(), /配信根拠なし \(特定電子メール法\)[\s\S]*配信停止・拒否[\s\S]*宛先なし/);

    // The preview as 佐藤 花子: her name merged; an unknown field is reported.
    await page.getByTestId('preview-customer-search').fill('佐藤');
    await page.getByTestId('customer-option').first().click();
    await page.locator('[data-testid="preview-result"][data-state="ok"]').waitFor();
    assert.equal((await page.getByTestId('preview-subject').innerText()).trim(), '佐藤様へ 秋の新商品のご案内');
    assert.match(await page.getByTestId('preview-text').innerText(), /佐藤 花子 様/);
    assert.equal(await page.getByTestId('preview-errors').count(), 0);
    await page.getByTestId('campaign-body-text').press('End');
    await page.getByTestId('campaign-body-text').pressSequentially('{{誕生日}}');
    await page.getByTestId('preview-errors').waitFor();
    assert.match(await page.getByTestId('preview-errors').innerText(), /誕生日/);
    await shot(page, 'editor');
    await page.getByTestId('campaign-body-text').fill((await page.getByTestId('campaign-body-text').inputValue()).replace('{{誕生日}}', ''));
    await page.getByTestId('preview-errors').waitFor({ state: 'detached' });

    // テスト送信 to oneself: without SMTP it waits in the outbox.
    await page.getByTestId('test-send').click();
    await page.getByTestId('test-send-result').waitFor();
    assert.match(await page.getByTestId('test-send-result').innerText(), /admin@daicho-test\.jp[\s\S]*送信箱/);

    await page.getByTestId('campaign-save').click();
    await page.getByTestId('campaign-detail-page').waitFor();
    await page.getByTestId('notice').waitFor();
    assert.equal(await page.getByTestId('campaign-status').getAttribute('data-status'), 'draft');
    assert.equal((await page.getByTestId('campaign-status').innerText()).trim(), '下書き');
    await page.getByTestId('outbox-mode').waitFor();

    // The people of a reason, before sending.
    await settledAudience(page);
    await page.locator('[data-testid="audience-reason"][data-reason="no_basis"]').getByTestId('audience-reason-toggle').click();
    await page.getByTestId('audience-person').first().waitFor();
    assert.match(await page.getByTestId('audience-people').innerText(), /鈴木 次郎/);
    await shot(page, 'draft');

    // ── a DM campaign for the same segment: one piece per household, the list in CP932 and the label sheet ──
    const emailCampaignUrl = page.url();
    await page.goto(`${base}/campaigns/new`);
    await page.getByTestId('campaign-channel-dm').check();
    await page.getByTestId('campaign-name').fill('年末のごあいさつ DM');
    await page.getByTestId('segment-option').filter({ hasText: '東京の顧客' }).locator('input').check();
    const dmAudience = await settledAudience(page);
    assert.equal(dmAudience.reasons.duplicate_household, '1', '山田 shares 佐藤\'s address');
    assert.equal(dmAudience.reasons.no_address, '2');
    assert.match(await page.getByTestId('audience-pieces').innerText(), /DM 2 通/);
    await page.getByTestId('campaign-save').click();
    await page.getByTestId('dm-not-started').waitFor();
    await page.getByTestId('campaign-start').click();
    await page.getByTestId('confirm-audience').waitFor();
    assert.match(await page.getByTestId('confirm-audience').innerText(), /2 通に今すぐ配信を開始します/);
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('dm-csv-cp932').waitFor();
    const csv = await context.request.get(`${base}${await page.getByTestId('dm-csv-cp932').getAttribute('href')}`);
    assert.ok(csv.ok(), `dm-list: ${csv.status()}`);
    const rows = iconv.decode(await csv.body(), 'cp932').trim().split(/\r?\n/u);
    assert.match(rows[0]!, /^郵便番号,住所1/);
    assert.equal(rows.length, 3, 'a header and two pieces');
    assert.match(rows.join('\n'), /100-?0005/);
    const labels = await context.request.get(`${base}${await page.getByTestId('dm-labels-24').getAttribute('href')}`);
    assert.ok(labels.ok(), `labels: ${labels.status()}`);
    assert.match(await labels.text(), /鈴木 次郎/);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-detail-page"]')?.getAttribute('data-status') === 'done');
    await shot(page, 'dm');
    // A piece came back (宛先不明): recorded from the message list, the household is left out of later DMs.
    await page.locator('[data-testid="message-row"][data-status="sent"]').first().getByTestId('mark-message').click();
    await page.getByTestId('mark-yes').click();
    await page.getByTestId('mark-notice').waitFor();
    assert.match(await page.getByTestId('mark-notice').innerText(), /DM を返送として記録しました/);
    // That piece offers no second 「返送」; the other comes back through the CSV upload (its line of the downloaded list).
    await page.getByTestId('message-returned').first().waitFor();
    assert.equal(await page.getByTestId('message-returned').count(), 1);
    await page.getByTestId('dm-returned-file').setInputFiles({ name: 'returned.csv', mimeType: 'text/csv', buffer: iconv.encode(`${rows[0]}\r\n${rows[1]}\r\n${rows[2]}\r\n`, 'cp932') });
    await page.getByTestId('dm-returned-submit').click();
    await page.getByTestId('dm-returned-result').waitFor();
    assert.match(await page.getByTestId('dm-returned-result').innerText(), /2 行: 返送として記録 1 件・登録済み 1 件・見つからない 0 件/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-returned"]').length === 2);
    assert.equal(await page.getByTestId('mark-message').count(), 0, 'no piece left to mark');
    await shot(page, 'dm-returned');
    await page.goto(emailCampaignUrl);
    await page.getByTestId('campaign-detail-page').waitFor();

    // ── a viewer reads campaigns but may neither write nor send ──
    await api('POST', '/users', { email: 'viewer@daicho-test.jp', password: 'campaign-viewer-2026', role: 'viewer', displayName: '閲覧 太郎' });
    const viewerContext = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const viewerLogin = await viewerContext.request.post(`${base}/api/v1/auth/login`, { data: { email: 'viewer@daicho-test.jp', password: 'campaign-viewer-2026' } });
    assert.ok(viewerLogin.ok(), `viewer login: ${viewerLogin.status()}`);
    const viewerPage = await watchedPage(viewerContext, problems, { ignoreConsole: /Failed to load resource/ });
    await viewerPage.goto(emailCampaignUrl);
    await viewerPage.getByTestId('campaign-detail-page').waitFor();
    await viewerPage.getByTestId('audience-panel').waitFor();
    for (const id of ['campaign-start', 'campaign-schedule', 'campaign-edit', 'campaign-delete']) assert.equal(await viewerPage.getByTestId(id).count(), 0, `viewer: no ${id}`);
    await viewerPage.getByTestId('nav-campaigns').click();
    await viewerPage.getByTestId('campaigns-table').waitFor();
    assert.equal(await viewerPage.getByTestId('campaign-new').count(), 0);
    assert.equal(await viewerPage.getByTestId('campaigns-settings').count(), 0);
    await viewerContext.close();

    // ── 今すぐ配信: confirmed with whom it goes to ──
    await page.getByTestId('campaign-start').click();
    await page.getByTestId('confirm-audience').waitFor();
    assert.match(await page.getByTestId('confirm-audience').innerText(), /2 人に今すぐ配信を開始します（除外 3 人）/);
    assert.match(await page.getByTestId('campaign-confirm').innerText(), /送信箱に保存されます/);
    await shot(page, 'confirm');
    await page.getByTestId('confirm-yes').click();
    // The start returns at once: the audience is stored in the background by the server's send tick, then sent.
    await page.getByTestId('campaign-preparing').waitFor();
    assert.match(await page.getByTestId('campaign-status').innerText(), /配信準備中/);
    await shot(page, 'preparing');
    await page.getByTestId('campaign-progress').waitFor({ timeout: 30_000 });
    // The page polls; the server's send loop delivers to the outbox at the admin's rate.
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-detail-page"]')?.getAttribute('data-status') === 'done', undefined, { timeout: 60_000 })
      .catch(async (error: unknown) => {
        const status = await page.getByTestId('campaign-detail-page').getAttribute('data-status');
        const progress = await page.getByTestId('progress-text').innerText().catch(() => '—');
        throw new Error(`the campaign did not finish sending within 60 s (status ${status}, progress ${progress}): is the server's send loop running?`, { cause: error });
      });
    await page.waitForFunction(() => /2 \/ 2 件/.test(document.querySelector('[data-testid="progress-text"]')?.textContent ?? ''));
    assert.equal((await page.getByTestId('campaign-status').innerText()).trim(), '完了');
    assert.equal((await page.getByTestId('progress-outbox').innerText()).trim(), '2');

    // The report and the messages.
    const report = page.getByTestId('campaign-report');
    await report.getByTestId('report-considered').waitFor();
    assert.match(await report.getByTestId('report-considered').innerText(), /5/);
    assert.match(await report.getByTestId('report-suppressed').innerText(), /3/);
    assert.match(await report.getByTestId('report-outbox').innerText(), /2[\s\S]*未送信/);
    await page.getByTestId('report-orders').waitFor();
    await page.locator('[data-testid="message-filter-status"][data-status="outbox"]').click();
    // The filtered page replaces the unfiltered one (which also holds the three suppressed people).
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="message-row"]')];
      return rows.length === 2 && rows.every((r) => r.getAttribute('data-status') === 'outbox');
    });
    await shot(page, 'report');

    // ── the list, then the outbox (送信箱): labelled not sent ──
    await page.getByTestId('nav-campaigns').click();
    const row = page.locator('[data-testid="campaign-row"][data-name="秋の新商品のご案内"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'done');
    assert.match(await row.innerText(), /メール[\s\S]*完了/);
    await shot(page, 'list');
    // Behaviour triggers' instances are listed on demand only.
    await page.getByTestId('campaign-origin-trigger').click();
    await page.getByTestId('campaigns-empty').waitFor();
    await page.getByTestId('campaign-origin-user').click();
    await row.waitFor();
    await page.getByTestId('campaigns-outbox').click();
    await page.getByTestId('outbox-page').waitFor();
    assert.match(await page.getByTestId('outbox-not-sent').innerText(), /送信されていません/);
    await page.getByTestId('outbox-row').first().waitFor();
    const outbox = await page.getByTestId('outbox-table').innerText();
    assert.match(outbox, /hanako@tokyo-a\.daicho-test\.jp/);
    assert.match(outbox, /taro@tokyo-b\.daicho-test\.jp/);
    assert.doesNotMatch(outbox, /jiro@|saburo@|goro@/, 'nobody suppressed or outside the segment');
    assert.equal(await page.getByTestId('outbox-row').count(), 3, 'two campaign messages and the test');
    await page.getByTestId('outbox-row').filter({ hasText: 'hanako@' }).getByTestId('outbox-show').click();
    assert.match(await page.getByTestId('outbox-text').innerText(), /佐藤 花子 様/);
    await shot(page, 'outbox');

    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
});
