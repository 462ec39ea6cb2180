/**
 * The retention delete (保存期間切れの削除) at scale: N expired source records (default 100k), deleted by the job the
 * data-source page queues (retention.delete: batches of 2,000 records, each its own transaction, audited once), run by
 * a job worker as a server runs it. The ledger is the shared benchmark ledger (bench/support/ledger.ts) at N
 * customers, with lighter history (2 activities and 1 order per customer by default); every record of its `crm`
 * source (one per customer) is made 400 days old and the source given a 365-day retention period, so all N are past
 * it: customers with nothing else are erased, those with an `ec` record (buyers) recomputed from it.
 *
 *   npx tsx bench/operations/retention.ts [--customers 100000] [--engine pglite|postgres] [--activities N] [--orders N]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { jobHandlers } from '../../src/app/jobs.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { planRetentionDelete, requestRetentionDelete, retentionDeleteJob } from '../../src/ledger/privacy/retention.service.ts';
import { JobWorker } from '../../src/platform/jobs/worker.ts';
import { argValue, log, secs } from '../support/harness.ts';
import { load } from '../support/ledger.ts';

const operator = { auth: null, ip: null, userAgent: 'bench/operations/retention' };
const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

async function run(handle: DatabaseHandle, customers: number, activities: number, orders: number): Promise<void> {
  await migrate(handle);
  const db = handle.db;
  let started = performance.now();
  await load(handle, { customers, activities, orders });
  log(`generated ${customers.toLocaleString()} customers in ${secs(performance.now() - started)}`);
  const crm = (await db.selectFrom('sources').select('id').where('name', '=', 'crm').executeTakeFirstOrThrow()).id;
  await db.updateTable('sources').set({ retention_days: 365 }).where('id', '=', crm).execute();
  await sql`UPDATE source_records SET received_at = now() - interval '400 days' WHERE source_id = ${crm}`.execute(db);
  await sql`ANALYZE`.execute(db);
  started = performance.now();
  const plan = await planRetentionDelete(db, crm);
  const planMs = performance.now() - started;
  log(`dry run in ${secs(planMs)}: ${plan.records.toLocaleString()} records, ${plan.customersRemoved.toLocaleString()} customers removed, ${plan.customersRecomputed.toLocaleString()} recomputed`);
  const loadBefore = loadavg();
  started = performance.now();
  const queued = await requestRetentionDelete(db, crm, 'crm', operator);
  const worker = new JobWorker(db, jobHandlers({ handle }), { id: 'bench-worker', concurrency: 1 });
  await worker.drain();
  const deleteMs = performance.now() - started;
  const job = (await retentionDeleteJob(db, crm, queued.job.id))!;
  const t = job.progress!;
  const left = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM source_records WHERE source_id = ${crm}`.execute(db)).rows[0]!.n);
  const audits = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'source.retention_delete'`.execute(db)).rows[0]!.n);
  console.log(`\nretention delete of ${t.records.toLocaleString()} expired records (${handle.engine}, ${customers.toLocaleString()} customers)`);
  console.log('| engine | records | customers removed | recomputed | batches | dry run | delete (job) | records/s | left | audit entries |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  console.log(`| ${handle.engine} | ${t.records.toLocaleString()} | ${t.customersRemoved.toLocaleString()} | ${t.customersRecomputed.toLocaleString()} | ${t.batches} | ${secs(planMs)} | ${secs(deleteMs)} | ${Math.round(t.records / (deleteMs / 1000)).toLocaleString()} | ${left} | ${audits} |`);
  console.log(`job status ${job.status}, attempts ${job.attempts}; load at the start of the delete: ${loadBefore}; at the end: ${loadavg()} (1, 5, 15 min) on ${os.cpus().length} cores`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const customers = Number(argValue(argv, 'customers') ?? 100_000);
  const activities = Number(argValue(argv, 'activities') ?? customers * 2);
  const orders = Number(argValue(argv, 'orders') ?? customers);
  const engine = argValue(argv, 'engine') ?? 'postgres';
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-bench-retention-'));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir, pgliteFsync: false });
    try {
      await run(handle, customers, activities, orders);
    } finally {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/');
  const urlOf = (database: string) => { const u = new URL(base); u.pathname = `/${database}`; return u.toString(); };
  const admin = new pg.Client({ connectionString: urlOf('postgres') });
  await admin.connect();
  const name = `daicho_bench_retention_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const handle = await openDatabase({ databaseUrl: urlOf(name), dataDir: '', pgliteFsync: false });
    try {
      await run(handle, customers, activities, orders);
    } finally {
      await handle.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
