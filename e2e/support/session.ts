/**
 * What most browser tests begin and end with: a fresh server, Chromium, a context signed in as the first
 * administrator with its CSRF header; the server's output and the browser's problems printed when the test fails,
 * the browser closed and the server stopped whatever happens. And a CSV imported through the API.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { adminContext, launchChromium, printFailure, skipWithoutChromium, type Staff } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';

export interface BrowserServer {
  server: RunningServer;
  /** The server's URL (no trailing slash). */
  base: string;
  browser: Browser;
  /** Signed in as the administrator. */
  context: BrowserContext;
  /** The administrator's CSRF header, for context.request calls that write. */
  headers: { 'X-CSRF-Token': string };
  /** Console and page errors of watched pages (watchedPage(context, problems)), printed when the test fails. */
  problems: string[];
  /** A call to /api/v1 as the administrator that fails the test unless it succeeds; its JSON answer. */
  api: <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, data?: unknown) => Promise<T>;
}

export interface BrowserServerOptions {
  admin: Staff;
  /** The admin context's options (viewport and the like; Japanese locale and Japan time whatever they say). */
  context?: BrowserContextOptions;
  /** Chromium flags after the usual ones. */
  chromiumArgs?: readonly string[];
  /** The server's environment besides the test's own. */
  env?: Record<string, string>;
  /** Runs when the test fails, after the failure is printed (screenshots); its own failure is ignored. */
  onFailure?: (session: BrowserServer) => Promise<void>;
}

/** Runs `body` against a fresh server and a signed-in browser; skips the test where Chromium is not installed. */
export async function withBrowserServer(t: TestContext, options: BrowserServerOptions, body: (session: BrowserServer) => Promise<void>): Promise<void> {
  if (skipWithoutChromium(t)) return;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  let session: BrowserServer | null = null;
  const problems: string[] = [];
  try {
    server = await startServer(options.env ? { env: options.env } : {});
    browser = await launchChromium(options.chromiumArgs);
    const context = await adminContext(browser, server, options.admin, options.context);
    const base = server.baseUrl;
    const { csrfToken } = (await (await context.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const headers = { 'X-CSRF-Token': csrfToken };
    const api = async <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, data?: unknown): Promise<T> => {
      const res = await context.request.fetch(`${base}/api/v1${url}`, { method, headers, ...(data === undefined ? {} : { data }) });
      assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as T;
    };
    session = { server, base, browser, context, headers, problems, api };
    await body(session);
  } catch (error) {
    printFailure(server, problems);
    if (session && options.onFailure) await options.onFailure(session).catch(() => undefined);
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
}

/**
 * Uploads a CSV and imports it with `profile` (POST /imports/uploads, then POST /imports), as the session's
 * administrator; fails the test when either answers with an error. Returns the import's answer.
 */
export async function importCsv<T = Record<string, unknown>>(
  session: Pick<BrowserServer, 'base' | 'context' | 'headers'>, file: { name: string; csv: string | Buffer }, profile: Record<string, unknown>,
): Promise<T> {
  const { base, context, headers } = session;
  const buffer = typeof file.csv === 'string' ? Buffer.from(file.csv) : file.csv;
  const up = await context.request.post(`${base}/api/v1/imports/uploads`, { headers, multipart: { file: { name: file.name, mimeType: 'text/csv', buffer } } });
  assert.ok(up.ok(), await up.text());
  const { uploadId } = (await up.json()) as { uploadId: string };
  const run = await context.request.post(`${base}/api/v1/imports`, { headers, data: { uploadId, profile } });
  assert.ok(run.ok(), await run.text());
  return (await run.json()) as T;
}
