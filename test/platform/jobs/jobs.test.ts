import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../../src/core/context.ts';
import { openDatabase, type DatabaseHandle } from '../../../src/db/database.ts';
import * as repo from '../../../src/platform/jobs/jobs.repository.ts';
import { enqueueJob, jobCounts, listJobs, retryJob } from '../../../src/platform/jobs/jobs.service.ts';
import { JobWorker, type Job } from '../../../src/platform/jobs/worker.ts';
import { ENGINES, openTestDatabase, type TestDatabase } from '../../support/engines.ts';

/** The CLI's actor (no signed-in user); the API's retry is tested with a real administrator in test/api/jobs.test.ts. */
const admin: Actor = { auth: null, ip: '127.0.0.1', userAgent: 'test' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function statusOf(database: TestDatabase, id: string) {
  const row = await repo.findJob(database.db, id);
  assert.ok(row);
  return row;
}

for (const engine of ENGINES) {
  describe(`background jobs [${engine}]`, () => {
    let database: TestDatabase;
    /** A second server: its own pool on the same PostgreSQL schema; PGlite has one connection, shared. */
    let second: DatabaseHandle | null = null;
    before(async () => {
      database = await openTestDatabase(engine);
      if (database.url) second = await openDatabase({ databaseUrl: database.url, dataDir: '', pgliteFsync: false });
    });
    after(async () => {
      await second?.close();
      await database.destroy();
    });
    const otherDb = () => second?.db ?? database.db;

    test('enqueue is idempotent by its dedupe key while the job is not done; done frees the key', async () => {
      const a = await enqueueJob(database.db, 'test.dedupe', { dedupeKey: 'segment.refresh:one', payload: { segmentId: 'one' } });
      const b = await enqueueJob(otherDb(), 'test.dedupe', { dedupeKey: 'segment.refresh:one', payload: { segmentId: 'one' } });
      assert.equal(a.created, true);
      assert.deepEqual(b, { id: a.id, created: false });
      const free = await enqueueJob(database.db, 'test.dedupe', { payload: {} });
      const free2 = await enqueueJob(database.db, 'test.dedupe', { payload: {} });
      assert.notEqual(free.id, free2.id, 'no key, no dedupe');
      const worker = new JobWorker(database.db, { 'test.dedupe': async () => {} }, { id: 'w-dedupe' });
      await worker.drain();
      assert.equal((await statusOf(database, a.id)).status, 'done');
      const c = await enqueueJob(database.db, 'test.dedupe', { dedupeKey: 'segment.refresh:one' });
      assert.equal(c.created, true, 'the done job no longer holds the key');
      assert.notEqual(c.id, a.id);
      await worker.drain();
      await assert.rejects(enqueueJob(database.db, 'Bad Kind'), /job kind/);
    });

    test('two workers (two connection pools on one database) never run the same job twice', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push((await enqueueJob(database.db, 'test.share', { payload: { n: i } })).id);
      const ran: Array<{ id: string; by: string }> = [];
      const handler = (by: string) => async (job: Job) => {
        ran.push({ id: job.id, by });
        await sleep(5);
      };
      const a = new JobWorker(database.db, { 'test.share': handler('a') }, { id: 'worker-a', concurrency: 4 });
      const b = new JobWorker(otherDb(), { 'test.share': handler('b') }, { id: 'worker-b', concurrency: 4 });
      await Promise.all([a.drain(), b.drain()]);
      assert.equal(ran.length, 40, 'each job ran once');
      assert.deepEqual(new Set(ran.map((r) => r.id)), new Set(ids));
      assert.ok(ran.some((r) => r.by === 'a') && ran.some((r) => r.by === 'b'), 'both workers took jobs');
      for (const id of ids) {
        const row = await statusOf(database, id);
        assert.equal(row.status, 'done');
        assert.equal(row.attempts, 1);
      }
      // The claim itself, raced from both pools: disjoint sets.
      for (let i = 0; i < 30; i++) await enqueueJob(database.db, 'test.race', {});
      const claims = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => repo.claimJobs(i % 2 ? otherDb() : database.db, `racer-${i}`, ['test.race'], 7, 60)));
      const claimed = claims.flat().map((r) => r.id);
      assert.equal(claimed.length, 30);
      assert.equal(new Set(claimed).size, 30, 'no job claimed twice');
      for (const [i, rows] of claims.entries()) for (const r of rows) assert.ok(await repo.completeJob(database.db, r.id, `racer-${i}`));
    });

    test('a failing handler is retried with exponential backoff, then dead; an administrator retries it from dead', async () => {
      const { id } = await enqueueJob(database.db, 'test.flaky', { maxAttempts: 3, payload: { segmentId: 'x' } });
      const attempts: Array<{ at: number; attempt: number }> = [];
      let succeed = false;
      const handlers = {
        'test.flaky': async (job: Job) => {
          attempts.push({ at: Date.now(), attempt: job.attempt });
          if (!succeed) throw new Error('refresh failed for ops+1@daicho-test.jp');
        },
      };
      const worker = new JobWorker(database.db, handlers, { id: 'w-flaky', backoffBaseSeconds: 0.3 });
      assert.deepEqual([1, 2, 3, 4].map((n) => worker.backoffSeconds(n)), [0.3, 0.6, 1.2, 2.4]);
      await worker.drain();
      let row = await statusOf(database, id);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      const wait = row.run_at.getTime() - row.updated_at.getTime();
      assert.ok(wait >= 250 && wait <= 400, `first backoff ≈ 0.3 s, was ${wait} ms`);
      assert.equal(row.last_error, 'refresh failed for [email]', 'no personal value in last_error');
      await worker.drain();
      assert.equal(attempts.length, 1, 'not due before its backoff');
      for (let i = 0; i < 50 && (await statusOf(database, id)).status !== 'dead'; i++) {
        await sleep(100);
        await worker.drain();
      }
      row = await statusOf(database, id);
      assert.equal(row.status, 'dead');
      assert.equal(row.attempts, 3);
      assert.ok(row.finished_at);
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
      assert.ok(attempts[1]!.at - attempts[0]!.at >= 250, 'second attempt after ≥ 0.3 s');
      assert.ok(attempts[2]!.at - attempts[1]!.at >= 550, 'third attempt after ≥ 0.6 s');
      const counts = await jobCounts(database.db);
      assert.equal(counts.dead, 1);
      assert.deepEqual((await listJobs(database.db, { status: 'dead' })).items.map((j) => [j.id, j.kind, j.attempts, j.lastError]), [[id, 'test.flaky', 3, 'refresh failed for [email]']]);
      // A dead job holds its key's place and is not run again by itself.
      await sleep(400);
      await worker.drain();
      assert.equal(attempts.length, 3);
      // The retry: queued again with its attempts reset, audited; running or done jobs are refused.
      succeed = true;
      const retried = await retryJob(database.db, id, admin);
      assert.equal(retried.status, 'queued');
      assert.equal(retried.attempts, 0);
      await worker.drain();
      row = await statusOf(database, id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 1);
      await assert.rejects(retryJob(database.db, id, admin), (e: Error & { code?: string }) => e.code === 'conflict');
      await assert.rejects(retryJob(database.db, '00000000-0000-4000-8000-0000000000ff', admin), (e: Error & { code?: string }) => e.code === 'not_found');
      const entry = await database.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'job.retry').executeTakeFirst();
      assert.deepEqual(entry, { action: 'job.retry', entity_id: id });
    });

    test('a killed process\'s job is taken again when its lease expires; the dead process cannot complete it any more', async () => {
      const { id } = await enqueueJob(database.db, 'test.lease', { payload: {} });
      // "Process A" claims it with a short lease and dies (no heartbeat, no completion).
      const [taken] = await repo.claimJobs(database.db, 'process-a', ['test.lease'], 1, 0.3);
      assert.equal(taken?.id, id);
      const ranBy: string[] = [];
      const b = new JobWorker(otherDb(), { 'test.lease': async () => { ranBy.push('b'); } }, { id: 'process-b' });
      await b.drain();
      assert.deepEqual(ranBy, [], 'not while the lease is fresh');
      await sleep(450);
      await b.drain();
      assert.deepEqual(ranBy, ['b']);
      const row = await statusOf(database, id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 2, 'the killed attempt counts');
      assert.equal(await repo.completeJob(database.db, id, 'process-a'), false);
      // A last attempt that expires goes dead.
      const last = await enqueueJob(database.db, 'test.lease', { maxAttempts: 1 });
      await repo.claimJobs(database.db, 'process-a', ['test.lease'], 1, 0.1);
      await sleep(250);
      assert.deepEqual(await repo.reclaimExpiredJobs(otherDb()), { failed: 0, dead: 1 });
      const dead = await statusOf(database, last.id);
      assert.equal(dead.status, 'dead');
      assert.match(dead.last_error ?? '', /lease expired/);
    });

    test('a worker never takes back its own running job, even when its lease ran out (a heartbeat stuck behind a long transaction)', async () => {
      const { id } = await enqueueJob(database.db, 'test.stuck', {});
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const worker = new JobWorker(database.db, { 'test.stuck': async () => { await gate; } }, { id: 'w-stuck', leaseSeconds: 0.1, heartbeatMs: 60_000 });
      assert.equal(await worker.pass(), 1);
      await sleep(300);
      assert.equal(await worker.pass(), 0);
      const running = await statusOf(database, id);
      assert.equal(running.status, 'running', 'its own expired lease is not taken back');
      assert.equal(running.locked_by, 'w-stuck');
      release();
      await worker.drain();
      const done = await statusOf(database, id);
      assert.equal(done.status, 'done');
      assert.equal(done.attempts, 1);
    });

    test('the heartbeat keeps a long job\'s lease; stop() gives back what outlives its grace period without counting the attempt', async () => {
      const { id } = await enqueueJob(database.db, 'test.long', {});
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const worker = new JobWorker(database.db, { 'test.long': async () => { await gate; } }, { id: 'w-long', leaseSeconds: 0.4, heartbeatMs: 100, stopGraceMs: 200 });
      const other = new JobWorker(otherDb(), { 'test.long': async () => { assert.fail('taken twice'); } }, { id: 'w-other' });
      await worker.pass();
      await sleep(800);
      await other.drain();
      let row = await statusOf(database, id);
      assert.equal(row.status, 'running');
      assert.equal(row.locked_by, 'w-long');
      await worker.stop();
      row = await statusOf(database, id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 0);
      release();
      const done = new JobWorker(database.db, { 'test.long': async () => {} }, { id: 'w-next' });
      await done.drain();
      assert.equal((await statusOf(database, id)).status, 'done');
    });

    test('purge deletes only done jobs older than the window', async () => {
      const before = (await repo.countJobsByKindStatus(database.db)).reduce((n, r) => n + r.count, 0);
      assert.equal(await repo.purgeDoneJobs(database.db, 1), 0);
      const after = (await repo.countJobsByKindStatus(database.db)).reduce((n, r) => n + r.count, 0);
      assert.equal(after, before);
    });
  });
}
