/** Debian's Chromium for the browser tests: where it is, how it is started here, and what a failure prints. */
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { REPO_ROOT, type RunningServer } from './server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of the tests (not committed). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** Skips the test where Chromium is not installed; true when it did (the caller returns). */
export function skipWithoutChromium(t: TestContext): boolean {
  if (fs.existsSync(CHROMIUM)) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    return false;
  }
  t.skip(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH`);
  return true;
}

/**
 * Headless Chromium as this machine's closed network needs it: without the background-networking flags it keeps
 * trying to reach Google's hosts. `extraArgs` go after these.
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** What a failed test prints: the server's output and what the browser reported. */
export function printFailure(server: RunningServer | null, problems: readonly string[]): void {
  if (server) console.error(`── server output ──\n${server.output()}`);
  if (problems.length) console.error(`── browser problems ──\n${problems.join('\n')}`);
}

export interface Staff { displayName: string; email: string; password: string }

/**
 * A browser context signed in as the first administrator of a fresh server: the first-run setup with the server's
 * token, then the login (the context's cookie and CSRF token serve both the page and context.request).
 * Japanese locale and Japan time, 1440×900 unless `options` say otherwise.
 */
export async function adminContext(browser: Browser, server: RunningServer, admin: Staff, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', ...options });
  const setup = await context.request.post(`${server.baseUrl}/api/v1/auth/setup`, { data: { token: server.setupToken, ...admin } });
  if (!setup.ok()) throw new Error(`setup: ${setup.status()} ${await setup.text()}`);
  const login = await context.request.post(`${server.baseUrl}/api/v1/auth/login`, { data: { email: admin.email, password: admin.password } });
  if (!login.ok()) throw new Error(`login: ${login.status()} ${await login.text()}`);
  return context;
}

/**
 * A new page of the context whose console errors and page errors are collected into `problems` (printed when the
 * test fails); confirm dialogs are accepted (`acceptDialogs: false`: left to Playwright, which dismisses them).
 * `ignoreConsole`: console errors a test provokes on purpose.
 */
export async function watchedPage(context: BrowserContext, problems: string[], options: { timeoutMs?: number; ignoreConsole?: RegExp; acceptDialogs?: boolean } = {}): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 20_000);
  page.on('console', (msg) => { if (msg.type() === 'error' && !options.ignoreConsole?.test(msg.text())) problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  if (options.acceptDialogs !== false) page.on('dialog', (dialog) => void dialog.accept());
  return page;
}
