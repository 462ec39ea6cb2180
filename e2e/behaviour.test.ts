/**
 * Behaviour capture in a real browser against a real server (issue 4):
 * a company website on another origin carries the tracker snippet and the embedded 資料請求 form. A visitor reads
 * three pages, stays on the last one, leaves the tab in the background for a while and submits the form → her new
 * customer record's timeline shows one visit with the three page views and their dwell times (the last page's
 * included, the background time excluded) and the form submission; an order CSV for her e-mail adds the purchase.
 *
 * Headless Chromium keeps every page "visible" whatever tab is in front (Playwright #2286), so the tab going to the
 * background is the browser's own signal emulated in the page: visibilityState becomes 'hidden' and a
 * visibilitychange event fires, exactly what a real tab switch delivers to the snippet.
 * Screenshots: test-artifacts/behaviour-site.png, behaviour-timeline.png.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium, skipWithoutChromium } from './support/browser.ts';
import { startServer, type RunningServer } from './support/server.ts';
const ADMIN = { name: '管理 太郎', email: 'admin@kaisha-e2e.co.jp', password: 'admin-password-2026' };
const VISITOR = { family: '山本', given: 'さくら', kana: 'やまもと さくら', email: 'sakura.yamamoto@kaisha-e2e.co.jp', company: '株式会社さくら工業' };
/** How long the visitor reads the last page before and after the tab goes to the background, and how long it stays there. */
const READ_MS = 6_000;
const HIDDEN_MS = 5_000;

interface Site { origin: string; close(): Promise<void> }

/** The company's own website: three pages on another origin, each with the tracker tag; the last embeds the form. */
async function startWebsite(daicho: string, writeKey: string): Promise<Site> {
  const tag = `<script async src="${daicho}/t.js" data-key="${writeKey}"></script>`;
  const page = (title: string, body: string) => `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${title}</title>${tag}</head>
<body><header><a href="/">さくら精機</a></header><main><h1>${title}</h1>${body}</main></body></html>`;
  const pages: Record<string, string> = {
    '/': page('さくら精機 トップ', '<p>産業用センサーの専門メーカーです。</p><a id="next" href="/products">製品一覧へ</a>'),
    '/products': page('製品一覧', '<ul><li>温度センサー</li><li>圧力センサー</li></ul><a id="next" href="/catalog?utm_source=site&utm_medium=link">カタログ請求</a>'),
    '/catalog': page('カタログ請求', `<p>製品カタログをお送りします。</p><div id="form-slot"><script async src="${daicho}/f/embed.js" data-form="catalog"></script></div>`),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const html = pages[url.pathname];
    if (!html) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The tab goes to the background (hidden = true) or comes back, as the browser would tell the page. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  // A string, not a function: tsx would wrap a function's inner arrows in a helper the page does not have.
  const h = hidden ? 'true' : 'false';
  await page.evaluate(`(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (${h} ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${h} });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ActivityJson { id: number; type: string; title: string | null; occurredAt: string; amount: string | null; properties: Record<string, unknown> }

test('behaviour: tracked visit with dwell times, brochure form, order CSV — on one timeline', { timeout: 150_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let site: Site | null = null;
  let browser: Browser | null = null;
  const problems: string[] = [];
  try {
    server = await startServer();
    const base = server.baseUrl;
    // Headless Chromium says "HeadlessChrome", which the tracker's bot filter refuses; a visitor's browser does not.
    // Set on the command line so beacons sent while a page unloads carry it too.
    browser = await launchChromium(['--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36']);

    // ── staff: first run, a tracked site and a published brochure form (through the API with the session) ──
    const staff = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const setup = await staff.request.post(`${base}/api/v1/auth/setup`, { data: { token: server.setupToken, displayName: ADMIN.name, email: ADMIN.email, password: ADMIN.password } });
    assert.ok(setup.ok(), `setup: ${setup.status()} ${await setup.text()}`);
    const login = await staff.request.post(`${base}/api/v1/auth/login`, { data: { email: ADMIN.email, password: ADMIN.password } });
    assert.ok(login.ok(), `login: ${login.status()} ${await login.text()}`);
    const { csrfToken } = (await (await staff.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const headers = { 'X-CSRF-Token': csrfToken };
    const api = async <T>(method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown): Promise<T> => {
      const res = await staff.request.fetch(`${base}/api/v1${url}`, { method, headers, ...(data === undefined ? {} : { data }) });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // The site's origin is known only once it listens; its pages need the write key: start it with a placeholder
    // port, then register the real origin.
    const created = await api<{ id: string; writeKey: string }>('POST', '/sites', { name: 'さくら精機 コーポレートサイト', allowedOrigins: ['http://127.0.0.1:1'] });
    site = await startWebsite(base, created.writeKey);
    await api('PATCH', `/sites/${created.id}`, { allowedOrigins: [site.origin] });
    const form = await api<{ id: string }>('POST', '/forms', {
      slug: 'catalog', kind: 'brochure_request', title: '製品カタログ資料請求', status: 'published', allowedOrigins: [site.origin],
      fields: [
        { key: 'family_name', target: 'family_name', labelJa: '姓', type: 'text', required: true },
        { key: 'given_name', target: 'given_name', labelJa: '名', type: 'text', required: true },
        { key: 'kana', target: 'full_name_kana', labelJa: 'フリガナ', type: 'kana', required: true },
        { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
        { key: 'company', target: 'company_name', labelJa: '会社名', type: 'text', required: false },
      ],
      consentPurpose: 'marketing', consentText: 'ご入力いただいた情報は、資料の送付と製品のご案内に利用します。', consentRequired: true,
    });
    assert.ok(form.id);

    // ── the visitor: three pages, a long read on the last one, the tab in the background, the form ──
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const page = await visitor.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`); });
    page.on('response', (res) => { if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`); });
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => Boolean((window as unknown as { daicho?: { v?: number } }).daicho?.v));
    await page.waitForTimeout(1_500);
    await page.click('#next');
    await page.waitForURL('**/products');
    await page.waitForTimeout(1_500);
    await page.click('#next');
    await page.waitForURL('**/catalog**');
    await page.getByTestId('daicho-form').waitFor();
    const catalogShownAt = Date.now();
    await page.waitForTimeout(READ_MS);
    await setTabHidden(page, true);
    await page.waitForTimeout(HIDDEN_MS);
    await setTabHidden(page, false);
    await page.getByTestId('form-field-family_name').fill(VISITOR.family);
    await page.getByTestId('form-field-given_name').fill(VISITOR.given);
    await page.getByTestId('form-field-kana').fill(VISITOR.kana);
    await page.getByTestId('form-field-email').fill(VISITOR.email);
    await page.getByTestId('form-field-company').fill(VISITOR.company);
    await page.getByTestId('form-consent').check();
    await page.screenshot({ path: path.join(ARTIFACTS, 'behaviour-site.png'), fullPage: true });
    await page.getByTestId('form-submit').click();
    await page.getByTestId('form-thanks').waitFor();
    // Leaving the page ends its view: pagehide sends the last dwell time with sendBeacon.
    await page.goto('about:blank');
    const catalogWallMs = Date.now() - catalogShownAt;

    // ── her customer record: three page views of one visit with dwell times, and the submission ──
    const customer = await until('the customer from the form', async () => {
      const list = await api<{ items: Array<{ id: string }> }>('GET', `/customers?email=${encodeURIComponent(VISITOR.email)}`);
      return list.items[0];
    });
    const timeline = async () => (await api<{ items: ActivityJson[] }>('GET', `/customers/${customer.id}/activities?limit=50`)).items;
    const views = await until('three page views with the last dwell time', async () => {
      const pv = (await timeline()).filter((a) => a.type === 'page_view');
      const last = pv.find((a) => String(a.properties.url).includes('/catalog'));
      return pv.length === 3 && last && typeof last.properties.dwellMs === 'number' && (last.properties.dwellMs as number) >= READ_MS ? pv : null;
    });
    const byPath = (p: string) => views.find((a) => new URL(String(a.properties.url)).pathname === p)!;
    const [top, products, catalog] = [byPath('/'), byPath('/products'), byPath('/catalog')];
    assert.ok(top && products && catalog, JSON.stringify(views.map((v) => v.properties.url)));
    assert.equal(new Set(views.map((v) => v.properties.visitId)).size, 1, 'one visit');
    for (const v of [top, products]) {
      const d = v.properties.dwellMs as number;
      assert.ok(d >= 1_000 && d < 10_000, `dwell of ${String(v.properties.url)}: ${d} ms`);
    }
    const lastDwell = catalog.properties.dwellMs as number;
    assert.ok(lastDwell >= READ_MS, `the last page keeps its time: ${lastDwell} ms`);
    assert.ok(lastDwell <= catalogWallMs - HIDDEN_MS + 1_000, `background time excluded: ${lastDwell} ms of ${catalogWallMs} ms on the page, ${HIDDEN_MS} ms hidden`);
    assert.equal(catalog.title ?? catalog.properties.title, 'カタログ請求');
    assert.deepEqual((catalog.properties.utm as Record<string, string>).source, 'site');
    const submissions = (await timeline()).filter((a) => a.type === 'form_submission');
    assert.equal(submissions.length, 1);

    // ── an order CSV for her e-mail (CP932, as the EC system exports it) adds the purchase ──
    const csv = iconv.encode([
      '注文番号,注文日,商品コード,商品名,数量,単価,金額,メールアドレス,氏名',
      `W-5001,2026/11/20,TS-100,温度センサー TS-100,2,"¥12,800","¥25,600",${VISITOR.email},山本 さくら`,
    ].join('\r\n') + '\r\n', 'cp932');
    const profile = {
      kind: 'orders', source: 'ec', order_id_column: '注文番号',
      fields: { ordered_at: '注文日', sku: '商品コード', product_name: '商品名', quantity: '数量', unit_price: '単価', amount: '金額', customer_email: 'メールアドレス', customer_name: '氏名' },
    };
    const imported = await staff.request.post(`${base}/api/v1/orders/import`, {
      headers,
      multipart: { file: { name: 'orders.csv', mimeType: 'text/csv', buffer: csv }, profile: JSON.stringify(profile) },
    });
    assert.ok(imported.ok(), `order import: ${imported.status()} ${await imported.text()}`);
    const purchase = (await timeline()).find((a) => a.type === 'purchase');
    assert.ok(purchase, 'purchase on her timeline');
    assert.equal(Number(purchase.amount), 25_600);

    // ── the same in the UI ──
    const ui = await staff.newPage();
    ui.setDefaultTimeout(15_000);
    ui.on('pageerror', (error) => problems.push(`ui pageerror: ${error.message}`));
    await ui.goto(`${base}/customers/${customer.id}`);
    await ui.getByTestId('timeline').waitFor();
    const visit = ui.getByTestId('visit');
    await visit.waitFor();
    assert.equal(await visit.getAttribute('data-pages'), '3');
    const dwellTexts = await visit.getByTestId('dwell').allInnerTexts();
    assert.equal(dwellTexts.length, 3);
    assert.ok(dwellTexts.every((d) => /秒/.test(d)), dwellTexts.join(' | '));
    assert.equal(await ui.locator('[data-testid="activity"][data-type="form_submission"]').count(), 1);
    assert.match(await ui.locator('[data-testid="activity"][data-type="purchase"]').innerText(), /¥25,600/);
    await ui.getByTestId('timeline-filter-purchase').click();
    await ui.getByTestId('visit').waitFor({ state: 'detached' });
    assert.equal(await ui.locator('[data-testid="activity"][data-type="purchase"]').count(), 1);
    await ui.getByTestId('timeline-filter-all').click();
    await ui.getByTestId('visit').waitFor();
    await ui.screenshot({ path: path.join(ARTIFACTS, 'behaviour-timeline.png'), fullPage: true });

    assert.deepEqual(problems, [], 'no script errors');
  } catch (error) {
    if (server) console.error(server.output().slice(-4000));
    for (const [i, p] of (browser?.contexts().flatMap((c) => c.pages()) ?? []).entries()) {
      await p.screenshot({ path: path.join(ARTIFACTS, `behaviour-failure-${i}.png`), fullPage: true }).catch(() => undefined);
    }
    throw error;
  } finally {
    await browser?.close();
    await site?.close();
    await server?.stop();
  }
});
