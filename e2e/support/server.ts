/**
 * Starts a real `daicho serve` for an end-to-end test: a free port, a fresh PGlite data folder (or a fresh
 * PostgreSQL schema when DATABASE_URL is set), the first-run token read from the console.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withSearchPath } from '../../test/support/engines.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  baseUrl: string;
  setupToken: string;
  /** PostgreSQL (DATABASE_URL set): the server's database, its schema on the search path; PGlite: null (the server holds it). */
  databaseUrl: string | null;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once the server has printed its URL and first-run token, or rejects when it exits first. No deadline of
 * its own: a busy machine takes longer to start it, and the test's timeout is the bound.
 */
export async function startServer(options: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DAICHO_DATA_DIR: dataDir, ...options.env };

  let schema: string | null = null;
  const baseDatabaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  if (baseDatabaseUrl) {
    schema = `e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    env.DATABASE_URL = withSearchPath(baseDatabaseUrl, schema);
  } else {
    delete env.DATABASE_URL;
  }

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const cleanup = async () => {
    if (schema && baseDatabaseUrl) {
      const client = new pg.Client({ connectionString: baseDatabaseUrl });
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    await cleanup();
  };

  try {
    const { baseUrl, token } = await new Promise<{ baseUrl: string; token: string }>((resolve, reject) => {
      let url: string | null = null;
      let token: string | null = null;
      let expectToken = false;
      let buffered = '';
      const onLine = (line: string) => {
        if (expectToken && line.trim()) {
          token = line.trim();
          expectToken = false;
        }
        if (line.includes('enter this one-time setup token')) expectToken = true;
        const running = /Daicho is running at (http:\/\/\S+?)\/?\s/.exec(`${line} `);
        if (running) url = running[1]!;
        if (url && token) resolve({ baseUrl: url, token });
      };
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        output += chunk;
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => { output += chunk; });
      child.once('exit', (code) => reject(new Error(`The server exited (code ${code}) before it was ready:\n${output}`)));
    });
    return { baseUrl, setupToken: token, databaseUrl: env.DATABASE_URL ?? null, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
