/**
 * The import benchmarks run the real CLI as a child process, with the node flags the `daicho` command starts it with
 * (bin/daicho.mjs), so that its peak RSS is the child's VmHWM, read from /proc while it runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { nodeFlags } from '../../bin/node-flags.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = [...nodeFlags(), '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

/** Creates the ledger (`daicho migrate`, not timed), as an import or validation meets an existing ledger. */
export function migrateLedger(env: NodeJS.ProcessEnv): void {
  const migrated = spawnSync(process.execPath, [...CLI, 'migrate'], { env, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
}

/** Runs `daicho ARGS…`; throws with the end of its stderr if it fails. */
export async function runCliMeasured(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peakKb = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/u.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch { /* exited */ }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`daicho ${args[0]} failed (${code}):\n${stderr.slice(-4000)}`);
  return { seconds, peakRssMb: peakKb / 1024, stdout };
}

/**
 * A fresh database `name` on the server of `adminUrl` (dropped first if a killed run left it): its URL, and `drop`,
 * which removes it (unless `keep`) and closes the admin connection.
 */
export async function freshPostgresDatabase(adminUrl: string, name: string, keep = false): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
