/**
 * A campaign through a real SMTP server on loopback (issue 23's browser path): a marketer builds an e-mail campaign
 * for a segment in the editor and sees the suppressions by reason, test-sends it to herself, sends it; the SMTP server
 * receives one message per person with the law's footer and the RFC 8058 headers; the recipient clicks its tracked
 * link and unsubscribes with the one-click header; the customer page shows the message, the click and the
 * unsubscribe on the timeline and the e-mail consent withdrawn. Screenshots: test-artifacts/campaign-smtp-*.png.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { ARTIFACTS, adminContext, launchChromium, printFailure, skipWithoutChromium, watchedPage } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';

const ADMIN = { displayName: '管理 花子', email: 'admin@daicho-test.jp', password: 'campaign-smtp-2026' };

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `campaign-smtp-${name}.png`), fullPage: true });
}

/** An SMTP server on loopback keeping every message it accepts, parsed, with its envelope. */
async function startSmtp() {
  const received: Array<{ mail: ParsedMail; from: string; to: string[] }> = [];
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({ mail, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      }, (error: Error) => callback(error));
    },
  });
  server.on('error', () => {});
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)));
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('campaign e-mail through SMTP: suppressions, test send, sending, the tracked link, one-click unsubscribe, all on the timeline', { timeout: 240_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const smtp = await startSmtp();
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer({ env: { DAICHO_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
    const base = server.baseUrl;
    browser = await launchChromium();
    const context = await adminContext(browser, server, ADMIN, { viewport: { width: 1440, height: 1000 } });
    const { csrfToken } = (await (await context.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const api = async <T>(method: 'GET' | 'POST' | 'PUT', url: string, data?: unknown): Promise<T> => {
      const res = await context.request.fetch(`${base}/api/v1${url}`, { method, headers: { 'X-CSRF-Token': csrfToken }, ...(data === undefined ? {} : { data }) });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // The sender the law asks for; two opted-in customers in 神奈川県, one without a basis.
    await api('PUT', '/messaging/settings', { senderName: '台帳商事株式会社', senderAddress: '東京都千代田区丸の内1-1-1', senderContact: '03-1234-5678', fromEmail: 'news@daicho-test.jp' });
    const people = [
      { familyName: '森', givenName: '陽子', email: 'yoko.mori@kanagawa.daicho-test.jp', consent: true },
      { familyName: '林', givenName: '健', email: 'ken.hayashi@kanagawa.daicho-test.jp', consent: true },
      { familyName: '池田', givenName: '誠', email: 'makoto.ikeda@kanagawa.daicho-test.jp', consent: false },
    ];
    const ids: string[] = [];
    for (const p of people) {
      const c = await api<{ id: string }>('POST', '/customers', { familyName: p.familyName, givenName: p.givenName, email: p.email, prefecture: '神奈川県' });
      ids.push(c.id);
      if (p.consent) await api('POST', `/customers/${c.id}/consents`, { purposeCode: 'email_marketing', state: 'granted' });
    }
    await api('POST', '/segments', { name: '神奈川の顧客', mode: 'dynamic', definition: { type: 'attribute', field: 'prefecture', op: 'eq', value: '神奈川県' } });

    const page = await watchedPage(context, problems, { ignoreConsole: /Failed to load resource/ });
    await page.goto(`${base}/campaigns/new`);
    await page.getByTestId('campaign-editor').waitFor();
    await page.getByTestId('campaign-name').fill('新店舗オープンのご案内');
    await page.getByTestId('segment-option').filter({ hasText: '神奈川の顧客' }).locator('input').check();
    await page.getByTestId('campaign-subject').fill('{{姓}}様へ 新店舗オープンのご案内');
    await page.getByTestId('campaign-body-text').fill('{{宛名}}\n\n横浜に新店舗を開きました。\nhttps://www.daicho-test.jp/yokohama');
    await page.locator('[data-testid="audience-summary"][data-state="ok"]').waitFor();
    assert.equal((await page.getByTestId('audience-send').innerText()).trim(), '2');
    assert.equal(await page.locator('[data-testid="audience-reason"][data-reason="no_basis"]').count(), 1, 'the one without a basis, with the reason');
    await page.getByTestId('test-send').click();
    await page.getByTestId('test-send-result').waitFor();
    await shot(page, 'editor');
    const test = smtp.received.find((r) => r.to.includes(ADMIN.email));
    assert.ok(test, 'the test message reached the SMTP server, addressed to the sender herself');
    assert.match(test.mail.subject ?? '', /テスト/u);

    await page.getByTestId('campaign-save').click();
    await page.getByTestId('campaign-detail-page').waitFor();
    await page.getByTestId('campaign-start').click();
    await page.getByTestId('confirm-yes').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-detail-page"]')?.getAttribute('data-status') === 'done', undefined, { timeout: 60_000 });
    // The messages show their final state once sending has ended.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"][data-status="sent"]').length === 2);
    await shot(page, 'sent');

    // The SMTP server has one message per opted-in person, with the footer, the headers and the VERP return path.
    const mori = smtp.received.filter((r) => r.to.includes('yoko.mori@kanagawa.daicho-test.jp'));
    assert.equal(mori.length, 1, 'one message to 森');
    assert.equal(smtp.received.filter((r) => r.to.includes('ken.hayashi@kanagawa.daicho-test.jp')).length, 1);
    assert.equal(smtp.received.filter((r) => r.to.includes('makoto.ikeda@kanagawa.daicho-test.jp')).length, 0, 'no basis, no message');
    const message = mori[0]!;
    assert.equal(message.mail.subject, '森様へ 新店舗オープンのご案内');
    assert.match(message.mail.text ?? '', /森 陽子 様/u);
    assert.match(message.mail.text ?? '', /台帳商事株式会社[\s\S]*東京都千代田区丸の内1-1-1[\s\S]*03-1234-5678/u, 'the sender footer');
    assert.match(message.from, /^bounce\+[0-9a-f]+@daicho-test\.jp$/u, 'VERP return path');
    // The header lines as sent (mailparser folds List-* headers into an object of its own).
    const header = (key: string) => message.mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/u, '').replace(/\r?\n\s+/gu, ' ') ?? '';
    const listUnsubscribe = header('list-unsubscribe');
    const unsubscribeUrl = /<(https?:[^>]+)>/u.exec(listUnsubscribe)?.[1];
    assert.ok(unsubscribeUrl, `List-Unsubscribe: ${listUnsubscribe}`);
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');

    // The recipient follows the tracked link: a redirect to the stored link, and the click is recorded.
    const tracked = /(https?:\/\/\S+\/c\/[0-9a-f]+\/\d+)/u.exec(message.mail.text ?? '')?.[1];
    assert.ok(tracked, 'a tracked link in the text');
    const click = await context.request.get(tracked, { maxRedirects: 0 });
    assert.equal(click.status(), 302);
    assert.match(click.headers().location ?? '', /^https:\/\/www\.daicho-test\.jp\/yokohama/u);

    // The mail client's one-click unsubscribe (RFC 8058).
    const oneClick = await context.request.post(unsubscribeUrl, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: 'List-Unsubscribe=One-Click' });
    assert.ok(oneClick.ok(), `one-click: ${oneClick.status()}`);

    // The customer page: the message, the click and the unsubscribe on the timeline; e-mail consent withdrawn.
    await page.goto(`${base}/customers/${ids[0]!}`);
    await page.getByTestId('timeline').waitFor();
    for (const type of ['email_sent', 'email_clicked', 'email_unsubscribed']) {
      await page.locator(`[data-testid="activity"][data-type="${type}"]`).first().waitFor();
    }
    await page.locator('[data-testid="consent-email_marketing"] [data-testid="consent-state"][data-state="withdrawn"]').waitFor();
    await shot(page, 'customer');

    // The report counts them; a second campaign to the segment now leaves 森 out as opted out.
    const campaigns = await api<{ items: Array<{ id: string; name: string }> }>('GET', '/campaigns');
    const id = campaigns.items.find((c) => c.name === '新店舗オープンのご案内')!.id;
    const report = await api<{ counts: { sent: number; clicked: number; unsubscribed: number } }>('GET', `/campaigns/${id}/report`);
    assert.deepEqual([report.counts.sent, report.counts.clicked, report.counts.unsubscribed], [2, 1, 1]);
    const next = await api<{ send: number; suppressed: Array<{ reason: string; count: number }> }>('POST', '/campaigns/audience', { channel: 'email', segmentIds: [] });
    assert.equal(next.send, 1);
    assert.ok(next.suppressed.some((s) => s.reason === 'opted_out' && s.count === 1));
    assert.deepEqual(problems, []);
  } catch (error) {
    printFailure(server, problems);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
    await smtp.close();
  }
});
