/**
 * 顧客の声 in a real browser (issue 24), on a server without SMTP (a reply goes to the outbox, shown 未送信). An
 * administrator has a team 「品質チーム」, a tag rule 不具合 (keywords 壊れ, 動かない) and a routing rule 不具合 → 品質チーム
 * (due in 3 days); the inquiry form's message field is marked as the customer's voice. A customer submits the public
 * form; the inbox shows the item tagged 不具合, 否定的, routed to 品質チーム; the detail underlines the words that made
 * it negative; a reply is confirmed and lands in the outbox and the item becomes 完了; the customer's timeline shows
 * the voice, the reply and the closing. Screenshots: test-artifacts/voice-*.png (1366×768).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, adminContext, launchChromium, printFailure, skipWithoutChromium, watchedPage } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@daicho-test.jp', password: 'voice-admin-2026-x' };
const CUSTOMER = { email: 'kobayashi@voice.daicho-test.jp', familyName: '小林', givenName: '誠' };
const MESSAGE = '先週届いた電気ケトルが壊れていました。スイッチを入れても動かないので、とても困っています。交換をお願いします。';

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `voice-${name}.png`), fullPage: true });
}

test('voice: an inquiry form lands in the inbox tagged and routed, the detail explains its sentiment, a reply to the outbox closes it, the timeline shows it', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer();
    const base = server.baseUrl;
    browser = await launchChromium();
    const context = await adminContext(browser, server, ADMIN, { viewport: { width: 1366, height: 768 } });
    const { csrfToken, user } = (await (await context.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string; user: { id: string } };
    const api = async <T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> => {
      const res = await context.request.fetch(`${base}/api/v1${url}`, { method, headers: { 'X-CSRF-Token': csrfToken }, ...(data === undefined ? {} : { data }) });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as T;
    };
    // A reply needs the sender the law asks for (配信設定), as campaigns do.
    const put = await context.request.fetch(`${base}/api/v1/messaging/settings`, { method: 'PUT', headers: { 'X-CSRF-Token': csrfToken }, data: {
      senderName: '台帳商事株式会社', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'support@daicho-test.jp',
      replyTo: null, capCount: 10, capDays: 7, sendRate: 10, dmHouseholdAddressing: 'primary',
    } });
    assert.ok(put.ok(), await put.text());
    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/, acceptDialogs: true });

    // ── settings through the UI: a team, a tag rule, a routing rule ──
    await page.goto(`${base}/voice`);
    await page.getByTestId('voice-inbox-page').waitFor();
    await page.getByTestId('voice-empty').waitFor();
    await page.getByTestId('voice-settings-link').click();
    await page.getByTestId('voice-settings-page').waitFor();
    await page.getByTestId('voice-team-new').click();
    await page.getByTestId('voice-team-name').fill('品質チーム');
    await page.locator(`[data-testid="voice-team-member"][data-name="${ADMIN.displayName}"]`).check();
    await page.getByTestId('voice-team-save').click();
    await page.getByTestId('voice-teams-notice').waitFor();
    await page.locator('[data-testid="voice-team-row"][data-name="品質チーム"]').waitFor();

    await page.getByTestId('voice-tag-rule-new').click();
    await page.getByTestId('voice-tag-rule-tag').fill('不具合');
    await page.getByTestId('voice-tag-rule-keywords').fill('壊れ、動かない');
    await page.getByTestId('voice-tag-rule-save').click();
    await page.getByTestId('voice-tag-rules-notice').waitFor();

    await page.getByTestId('voice-routing-new').click();
    await page.getByTestId('voice-routing-name').fill('不具合は品質チームへ');
    await page.getByTestId('voice-routing-tag').fill('不具合');
    await page.getByTestId('voice-routing-team').selectOption({ label: '品質チーム' });
    await page.getByTestId('voice-routing-due').fill('3');
    await page.getByTestId('voice-routing-save').click();
    await page.getByTestId('voice-routing-notice').waitFor();
    await page.locator('[data-testid="voice-routing-row"][data-name="不具合は品質チームへ"]').waitFor();
    await shot(page, 'settings');

    // ── the inquiry form, its message field marked in the editor ──
    const form = await api<{ id: string; hostedPath: string }>('POST', '/forms', {
      slug: 'inquiry', kind: 'contact', title: 'お問い合わせ', status: 'published', consentRequired: false, fields: [
        { key: 'family_name', target: 'family_name', labelJa: '姓', type: 'text', required: true },
        { key: 'given_name', target: 'given_name', labelJa: '名', type: 'text', required: true },
        { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
        { key: 'message', target: 'custom.お問い合わせ内容', labelJa: 'お問い合わせ内容', type: 'textarea', required: true },
      ],
    });
    await page.goto(`${base}/forms/${form.id}/edit`);
    const messageBox = page.getByTestId('builder-voice-message').last();
    await messageBox.check();
    assert.equal(await page.getByTestId('builder-voice-message').count(), 3, 'the text fields (not the e-mail) may be the message');
    await page.getByTestId('form-save').click();
    await page.waitForURL(`**/forms/${form.id}`);
    const saved = await api<{ fields: Array<{ key: string; voiceMessage?: boolean }> }>('GET', `/forms/${form.id}`);
    assert.deepEqual(saved.fields.filter((f) => f.voiceMessage).map((f) => f.key), ['message']);

    // ── a customer submits the public form ──
    const visitor = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const publicPage = await visitor.newPage();
    await publicPage.goto(`${base}${form.hostedPath}`);
    await publicPage.getByTestId('form-field-family_name').fill(CUSTOMER.familyName);
    await publicPage.getByTestId('form-field-given_name').fill(CUSTOMER.givenName);
    await publicPage.getByTestId('form-field-email').fill(CUSTOMER.email);
    await publicPage.getByTestId('form-field-message').fill(MESSAGE);
    await publicPage.waitForTimeout(2_500);
    await publicPage.getByTestId('form-submit').click();
    await publicPage.getByTestId('form-thanks').waitFor();
    await visitor.close();

    // ── the inbox: tagged 不具合, negative, routed to 品質チーム ──
    await page.goto(`${base}/voice?status=new,in_progress`);
    const row = page.getByTestId('voice-row').first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-sentiment'), 'negative');
    await row.locator('[data-testid="voice-tag"][data-tag="不具合"]').waitFor();
    assert.equal((await row.getByTestId('voice-team').innerText()).trim(), '品質チーム');
    assert.match(await row.getByTestId('voice-customer').innerText(), /小林/);
    assert.match(await row.getByTestId('voice-sentiment').innerText(), /否定的/);
    assert.match(await row.getByTestId('voice-status').innerText(), /新規/);
    await shot(page, 'inbox');
    // The filters are the URL: 否定的 and the tag keep the item, 肯定的 hides it.
    await page.getByTestId('filter-sentiment').selectOption('negative');
    await page.waitForURL(/sentiment=negative/);
    await page.getByTestId('voice-row').first().waitFor();
    await page.getByTestId('filter-sentiment').selectOption('positive');
    await page.getByTestId('voice-empty').waitFor();
    await page.getByTestId('voice-clear-filters').click();
    await page.getByTestId('voice-row').first().waitFor();

    // ── the detail: the evidence, the routing, a reply to the outbox that closes it ──
    await page.getByTestId('voice-link').first().click();
    await page.getByTestId('voice-item-page').waitFor();
    assert.match(await page.getByTestId('voice-text').innerText(), /電気ケトルが壊れていました/);
    assert.ok(await page.locator('.voice-evidence-mark').count() > 0, 'the deciding words are underlined');
    assert.ok(await page.locator('[data-testid="voice-evidence-word"][data-polarity="negative"]').count() > 0);
    await page.getByTestId('voice-routed').waitFor();
    assert.equal(await page.getByTestId('voice-team-select').inputValue() !== '', true);
    assert.match(await page.getByTestId('voice-reply-to').innerText(), new RegExp(CUSTOMER.email.replace(/\./gu, '\\.')));
    // A tag by hand, then removed again.
    await page.getByTestId('voice-tag-input').fill('交換');
    await page.getByTestId('voice-tag-add').click();
    await page.locator('[data-testid="voice-tag"][data-tag="交換"][data-origin="manual"]').waitFor();
    await page.getByTestId('voice-comment-input').fill('初期不良の可能性。交換品を手配します。');
    await page.getByTestId('voice-comment-add').click();
    await page.getByTestId('voice-comment').waitFor();
    await shot(page, 'detail');
    await page.getByTestId('voice-reply-body').fill('小林様\n\nご不便をおかけし申し訳ございません。交換品を本日発送いたします。');
    await page.getByTestId('voice-reply-send').click();
    await page.locator('[data-testid="voice-reply-sent"], [data-testid="voice-error"]').first().waitFor();
    assert.equal(await page.getByTestId('voice-error').count(), 0, await page.getByTestId('voice-error').allInnerTexts().then((x) => x.join(' ')));
    await page.locator('[data-testid="voice-reply-sent"][data-transport="outbox"]').waitFor();
    assert.match(await page.getByTestId('voice-notice').innerText(), /送信箱/);
    await page.locator('[data-testid="voice-item-page"][data-status="done"]').waitFor();
    await shot(page, 'replied');

    // ── the customer's timeline: the voice, the reply, the closing ──
    await page.getByTestId('voice-customer-link').click();
    await page.getByTestId('customer-voice-card').waitFor();
    await page.locator('[data-testid="activity"][data-type="voice_received"]').waitFor();
    await page.locator('[data-testid="activity"][data-type="voice_reply"]').waitFor();
    await page.locator('[data-testid="activity"][data-type="voice_done"]').waitFor();
    assert.match(await page.locator('[data-testid="activity"][data-type="voice_received"]').innerText(), /顧客の声[\s\S]*否定的/);
    await shot(page, 'customer');

    // ── the weekly digest counts it ──
    await page.goto(`${base}/voice/digest`);
    await page.getByTestId('digest-summary').waitFor();
    assert.equal((await page.getByTestId('digest-total').innerText()).trim(), '1');
    await page.locator('[data-testid="digest-tag"][data-tag="不具合"]').waitFor();
    await shot(page, 'digest');

    // ── a sales note marked as feedback from the customer page ──
    await page.goBack();
    await page.getByTestId('note-input').fill('展示会で、ケトルの注ぎ口が熱くなりすぎるとのご意見をいただいた。');
    await page.getByTestId('note-submit').click();
    const note = page.locator('[data-testid="activity"][data-type="note"]').first();
    await note.getByTestId('note-to-voice').click();
    await note.locator('[data-testid="note-voice-done"][data-duplicate="false"]').waitFor();

    // ── CSV of survey answers: the expected header shown, a good row lands, a bad row is listed with its line ──
    await page.goto(`${base}/voice`);
    await page.getByTestId('voice-import-link').click();
    await page.getByTestId('voice-import-columns').waitFor();
    await page.getByTestId('voice-import-file').setInputFiles({
      name: 'survey.csv', mimeType: 'text/csv',
      buffer: Buffer.from('回答ID,回答日時,メールアドレス,スコア,種別,コメント\nA-1,2026/11/02 10:15,survey.one@daicho-test.jp,9,nps,いつも丁寧な対応で満足しています。\nA-2,2026/11/02 11:00,not-an-address,3,nps,遅い\n'),
    });
    await page.getByTestId('voice-import-submit').click();
    await page.getByTestId('voice-import-result').waitFor();
    assert.match(await page.getByTestId('voice-import-created').innerText(), /2 行のうち 1 件を登録/);
    assert.equal(await page.getByTestId('voice-import-error-row').count(), 1);
    assert.match(await page.getByTestId('voice-import-error-row').innerText(), /^3\s/);
    await shot(page, 'import');

    // ── an e-mail to the feedback address shows as such in the inbox ──
    await api('POST', '/voice/inbound-email', { from: '小林 誠 <kobayashi@voice.daicho-test.jp>', subject: 'ケトルの件', text: '交換品が届きました。ありがとうございました。', messageId: '<e2e-voice@daicho-test.jp>' });
    await page.goto(`${base}/voice?channel=email`);
    await page.locator('[data-testid="voice-row"] [data-testid="voice-channel"][data-channel="email"]').waitFor();
    assert.match(await page.locator('[data-testid="voice-row"] [data-testid="voice-channel"]').first().innerText(), /メール受信/);
    assert.ok(user.id);
    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
});
