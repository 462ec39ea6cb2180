/**
 * Reads during an import: the real server (`daicho serve`, a child process, as deployed) on a ledger seeded with a
 * first import, N keep-alive clients reading the customer list, searching and calling /api/health in turn. First on
 * the idle server (the baseline), then while the wizard's background import of the generated 100k-row file runs
 * (POST /imports/uploads, POST /imports/jobs, polled until done). Prints p50 / p95 / p99 / max per kind of read in
 * both phases and the ratio of the p99s (target, issue 18: ≤ 3× for /customers and /search on both engines).
 *
 *   npx tsx bench/import/reads.ts [--engine postgres|pglite|both] [--rows 100000] [--seed-rows 20000] [--clients 4]
 *                                 [--idle-seconds 20] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
 *
 * The clients run in a worker thread of this process, on the same two cores as the server, its database and the
 * import: what they measure is what a user in the office would see, not the server alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../../src/db/database.ts';
import { createApiKey } from '../../src/platform/accounts/auth.service.ts';
import { createUser } from '../../src/platform/accounts/users.service.ts';
import { log, percentile } from '../support/harness.ts';
import { CLI, freshPostgresDatabase, migrateLedger, runCliMeasured } from './child.ts';
import { benchFile, PROFILE } from './data.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    rows: { type: 'string', default: '100000' },
    'seed-rows': { type: 'string', default: '20000' },
    clients: { type: 'string', default: '4' },
    'idle-seconds': { type: 'string', default: '20' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const rows = Number(values.rows);
const seedRows = Number(values['seed-rows']);
const clients = Number(values.clients);
const idleSeconds = Number(values['idle-seconds']);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] as const : [values.engine as 'postgres' | 'pglite'];
const QUERIES = ['佐藤', '鈴木 花子', 'たかはし', 'ヤマモト', '田中', '伊藤', 'watanabe', '090', '株式会社', '中村 健'];
const KINDS = ['customers', 'search', 'health'] as const;
type Kind = (typeof KINDS)[number];
type Latencies = Record<Kind, number[]>;

console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results: Array<{ engine: string; idle: Latencies; during: Latencies; importSeconds: number; statuses: string }> = [];
for (const engine of engines) results.push(await runEngine(engine));

console.log('\n| engine | read | idle p50 / p95 / p99 / max ms | during import p50 / p95 / p99 / max ms | p99 ratio |\n|---|---|---|---|---|');
for (const r of results) {
  for (const kind of KINDS) {
    const [idle, during] = [r.idle[kind], r.during[kind]];
    console.log(`| ${r.engine} | ${kind} (${idle.length} / ${during.length}) | ${figures(idle)} | ${figures(during)} | ${(percentile(during, 99) / percentile(idle, 99)).toFixed(2)}× |`);
  }
}
for (const r of results) console.log(`${r.engine}: the ${rows.toLocaleString()}-row import took ${r.importSeconds.toFixed(1)} s with the reads beside it; statuses ${r.statuses}`);

function figures(sorted: number[]): string {
  return [50, 95, 99].map((p) => percentile(sorted, p).toFixed(1)).concat((sorted.at(-1) ?? NaN).toFixed(1)).join(' / ');
}

async function runEngine(engine: 'postgres' | 'pglite') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-reads-'));
  const database = engine === 'postgres' ? await freshPostgresDatabase(values['database-url']!, `daicho_bench_reads_${process.pid}`) : null;
  const env: NodeJS.ProcessEnv = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: database?.url ?? '' };
  let server: ChildProcess | null = null;
  try {
    migrateLedger(env);
    const seed = benchFile(seedRows);
    const seedProfile = path.join(dir, 'seed-profile.json');
    fs.writeFileSync(seedProfile, JSON.stringify({ ...JSON.parse(fs.readFileSync(seed.profileFile, 'utf8')), source: 'bench_seed' }));
    log(`${engine}: seeding the ledger with a ${seedRows.toLocaleString()}-row import`);
    await runCliMeasured(['import', seed.file, '--mapping', seedProfile], env);
    const key = await adminKey(env);
    const port = await freePort();
    // The per-user search limit is lifted: the clients search far more often than a person would.
    server = spawn(process.execPath, [...CLI, 'serve'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', DAICHO_SEARCH_MAX_PER_MINUTE: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    await running(server);
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`${engine}: warm-up 3 s`);
    await drive(baseUrl, key, 3).done;
    log(`${engine}: idle reads, ${clients} clients, ${idleSeconds} s`);
    const idle = await drive(baseUrl, key, idleSeconds).done;

    const { file } = benchFile(rows);
    const api = (p: string, init: RequestInit = {}) => fetch(`${baseUrl}/api/v1${p}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers ?? {}) } });
    const upload = await (await api('/imports/uploads', { method: 'POST', headers: { 'x-file-name': 'members.csv', 'content-type': 'application/octet-stream' }, body: fs.readFileSync(file) })).json() as { uploadId: string };
    const { label: _label, ...profile } = PROFILE;
    log(`${engine}: importing ${rows.toLocaleString()} rows in the background, reads beside it`);
    const reads = drive(baseUrl, key, 3600);
    const started = performance.now();
    const job = await (await api('/imports/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploadId: upload.uploadId, profile }) })).json() as { id: string };
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      // A server busy on its request thread (DAICHO_JOB_THREADS=0) may drop the idle keep-alive socket: ask again.
      const state = await api(`/imports/jobs/${job.id}`).then((r) => r.json() as Promise<{ status: string; error?: { message: string } | null }>, () => ({ status: 'running' as string, error: null }));
      if (state.status === 'running') continue;
      if (state.status !== 'completed') throw new Error(`import job ${state.status}: ${state.error?.message ?? ''}`);
      break;
    }
    const importSeconds = (performance.now() - started) / 1000;
    reads.stop();
    const during = await reads.done;
    return { engine, idle: idle.latencies, during: during.latencies, importSeconds, statuses: [...during.statuses].map(([s, n]) => `${s}×${n}`).join(' ') };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An admin's API key, created directly in the ledger before the server opens it. */
async function adminKey(env: NodeJS.ProcessEnv): Promise<string> {
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.DAICHO_DATA_DIR!, pgliteFsync: false });
  try {
    const user = await createUser(handle.db, { email: 'reads-bench@bench.daicho.dev', password: `Bench-${process.pid}-reads-benchmark`, role: 'admin' });
    return (await createApiKey(handle.db, user.id, 'reads bench')).key;
  } finally {
    await handle.close();
  }
}

function drive(baseUrl: string, key: string, seconds: number) {
  const worker = new Worker(new URL('./reads-worker.mjs', import.meta.url), { workerData: { baseUrl, key, clients, seconds, queries: QUERIES } });
  const done = new Promise<{ latencies: Latencies; statuses: Map<number, number> }>((resolve, reject) => {
    worker.once('message', (m: { latencies: Record<Kind, Float64Array>; statuses: Array<[number, number]> }) => {
      void worker.terminate(); // it listens for 'stop', which would keep it (and this process) alive
      const latencies = Object.fromEntries(KINDS.map((k) => [k, [...m.latencies[k]].sort((a, b) => a - b)])) as Latencies;
      const statuses = new Map(m.statuses);
      const failed = [...statuses].filter(([s]) => s !== 200);
      if (failed.length) log(`reads answered ${failed.map(([s, n]) => `${s}×${n}`).join(' ')}`);
      resolve({ latencies, statuses });
    });
    worker.once('error', reject);
  });
  return { done, stop: () => worker.postMessage('stop') };
}

function running(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (/Daicho is running at/u.test(output)) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
