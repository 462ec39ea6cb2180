/** Debian's Chromium for the browser tests: where it is, how it is started here, and what a failure prints. */
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
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
