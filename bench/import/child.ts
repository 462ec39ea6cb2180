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

/**
 * Runs `daicho ARGS…`; throws with the end of its stderr if it fails. `cpuSeconds` is the child's CPU time (all its
 * threads, the prepare workers and an embedded PGlite included) as last read from /proc while it ran (every 100 ms).
 */
export async function runCliMeasured(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; cpuSeconds: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peakKb = 0;
  let cpuTicks = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/u.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
      cpuTicks = processTicks(fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
    } catch { /* exited */ }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`daicho ${args[0]} failed (${code}):\n${stderr.slice(-4000)}`);
  return { seconds, peakRssMb: peakKb / 1024, cpuSeconds: cpuTicks / CLK_TCK, stdout };
}

export const CLK_TCK = 100; // Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** utime + stime of a /proc/<pid>/stat line (the fields after the command name, which is in parentheses). */
export function processTicks(stat: string, withReapedChildren = false): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + (withReapedChildren ? Number(f[13]) + Number(f[14]) : 0);
}

/**
 * CPU seconds used so far by the PostgreSQL server on this machine: every live `postgres` process, plus what the
 * postmaster's exited children (backends of closed connections) used (cutime + cstime). The difference of two readings
 * is the server's CPU in between, whichever connections came and went. Null when no such server is visible here.
 */
export function postgresServerCpuSeconds(): number | null {
  let ticks = 0;
  let seen = false;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/u.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch { continue; }
    if (!stat.includes('(postgres)')) continue;
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    let parentIsPostgres = false;
    try {
      parentIsPostgres = fs.readFileSync(`/proc/${parent}/stat`, 'utf8').includes('(postgres)');
    } catch { /* gone */ }
    seen = true;
    // The postmaster (its parent is not postgres) also carries its reaped children's time.
    ticks += processTicks(stat, !parentIsPostgres);
  }
  return seen ? ticks / CLK_TCK : null;
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
