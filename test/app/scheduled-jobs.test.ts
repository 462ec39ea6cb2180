import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { enqueueDueJobs, jobHandlers, type JobDeps } from '../../src/app/jobs.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { requestSourceRecompute, SOURCE_RECOMPUTE_JOB } from '../../src/ledger/sources/recompute.service.ts';
import { todayInJapan, VALUES_JOB } from '../../src/ledger/values/values.service.ts';
import { findJob } from '../../src/platform/jobs/jobs.service.ts';
import { JobWorker, type Job, type JobHandler } from '../../src/platform/jobs/worker.ts';
import { ingestRecords } from '../../src/resolution/staging.ts';
import { RECOMMEND_JOB, startRun } from '../../src/use/recommend/recommend.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

/**
 * The daily customer-value recompute, the daily cross-sell run and the survivorship recompute after a priority
 * change are jobs of the shared queue (src/app/jobs.ts): the minute pass queues each once however many servers look,
 * a failed attempt is retried and its work lands once, and the job's result is on the jobs API (the ジョブ page).
 * The failures are real exceptions inside the real handlers: the job's progress report throws at a given phase of
 * the first attempt (after a page of candidates was written, after a page of golden records was committed).
 */
for (const engine of ENGINES) {
  describe(`scheduled work as jobs [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    /** A second server: its own pool on the same PostgreSQL schema; PGlite is one process's, so the same handle. */
    let second: DatabaseHandle | null = null;
    let deps: JobDeps;
    let deps2: JobDeps;

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      if (t.database.url) second = await openDatabase({ databaseUrl: t.database.url, dataDir: '', pgliteFsync: false });
      deps = { handle: t.database };
      deps2 = { handle: second ?? t.database };
      for (const [sku, name, category, price] of [['CF-1', 'コーヒー豆', '食品', 3200], ['DR-1', 'ドリッパー', '器具', 2500], ['BK-1', '珈琲の本', '書籍', 1800]] as const) {
        assert.equal((await admin.json('POST', '/api/v1/products', { sku, name, category, price })).status, 201);
      }
      for (let i = 0; i < 8; i++) {
        const res = await admin.json('POST', '/api/v1/orders', {
          source: 'ec', orderId: `O-${i}`, orderedAt: daysAgo(40 + i), customer: { email: `fan${i}@daicho-test.jp` },
          lines: [{ sku: 'CF-1', quantity: 1, unitPrice: 3200 }, { sku: 'DR-1', quantity: 1, unitPrice: 2500 }],
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        if (i < 4) {
          const again = await admin.json('POST', '/api/v1/orders', {
            source: 'ec', orderId: `O-${i}-b`, orderedAt: daysAgo(10 + i), customer: { email: `fan${i}@daicho-test.jp` }, lines: [{ sku: 'BK-1', quantity: 1, unitPrice: 1800 }],
          });
          assert.equal(again.status, 200, JSON.stringify(again.body));
        }
      }
    });
    after(async () => {
      await second?.close();
      await t.close();
    });

    const db = () => t.database.db;
    const jobsOf = (kind: string) => db().selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('created_at').execute();
    /** Two servers' minute passes at once, then one more: each due job is queued once. */
    const minutePasses = async () => {
      await Promise.all([enqueueDueJobs(deps), enqueueDueJobs(deps2)]);
      await enqueueDueJobs(deps2);
    };
    /** A worker running only `kind`, whose first attempt's progress report throws at `failAt`; retries are due at once. */
    const workerFailingOnce = (kind: string, failAt: (progress: Record<string, unknown>) => boolean) => {
      const real = jobHandlers(deps)[kind]!;
      const handler: JobHandler = (job: Job) => real({
        ...job,
        reportProgress: (p) => {
          if (job.attempt === 1 && failAt(p)) throw new Error(`injected failure at ${JSON.stringify(p)}`);
          job.reportProgress(p);
        },
      });
      return new JobWorker(db(), { [kind]: handler }, { id: `test-${kind}`, backoffBaseSeconds: 0 });
    };
    const doneJobOnApi = async (kind: string) => {
      const res = await admin.json('GET', `/api/v1/jobs?status=done&kind=${kind}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.items.length, 1);
      return res.body.items[0];
    };

    test('values.recompute: queued once a day, retried after a failure, today\'s values land once, the result is listed', async () => {
      assert.equal((await db().selectFrom('value_runs').select('id').execute()).length, 0);
      await minutePasses();
      const queued = await jobsOf(VALUES_JOB);
      assert.equal(queued.length, 1);
      assert.equal(queued[0]!.dedupe_key, `${VALUES_JOB}:${todayInJapan()}`);
      assert.equal((await jobsOf(RECOMMEND_JOB)).length, 0, 'no cross-sell run before a person\'s first one');

      await workerFailingOnce(VALUES_JOB, (p) => p.phase === 'values').drain();
      const job = (await findJob(db(), queued[0]!.id))!;
      assert.equal(job.status, 'done');
      assert.equal(job.attempts, 2);
      assert.match(job.lastError ?? '', /injected failure/u);
      assert.deepEqual(job.result, { asOf: todayInJapan(), buyers: 8, seconds: job.result!.seconds, modelError: job.result!.modelError });
      const runs = await db().selectFrom('value_runs').select(['as_of', 'customers']).execute();
      assert.deepEqual(runs.map((r) => [r.as_of, r.customers]), [[todayInJapan(), 8]]);
      assert.equal((await db().selectFrom('customer_values').select('customer_id').execute()).length, 8);

      const listed = await doneJobOnApi(VALUES_JOB);
      assert.equal(listed.id, job.id);
      assert.equal(listed.result.buyers, 8);
      // Today's values are in: the next minute passes queue nothing more.
      await minutePasses();
      assert.equal((await jobsOf(VALUES_JOB)).length, 1);
    });

    test('recommend.run: queued once when the last run is a day old, a run failing mid-way is retried and its candidates land once', async () => {
      const first = await startRun(db(), { asOf: null });
      assert.ok(first);
      await first.done;
      await minutePasses();
      assert.equal((await jobsOf(RECOMMEND_JOB)).length, 0, 'the last run is fresh');
      await sql`UPDATE recommend_runs SET finished_at = finished_at - interval '25 hours'`.execute(db());
      await minutePasses();
      const queued = await jobsOf(RECOMMEND_JOB);
      assert.equal(queued.length, 1);
      assert.equal(queued[0]!.dedupe_key, `${RECOMMEND_JOB}:${todayInJapan()}`);

      await workerFailingOnce(RECOMMEND_JOB, (p) => p.phase === 'candidates').drain();
      const job = (await findJob(db(), queued[0]!.id))!;
      assert.equal(job.status, 'done');
      assert.equal(job.attempts, 2);
      const runs = await db().selectFrom('recommend_runs').select(['id', 'status']).orderBy('id').execute();
      assert.deepEqual(runs.map((r) => r.status), ['done', 'failed', 'done'], 'the first run, the failed attempt\'s, the retry\'s');
      assert.equal(job.result!.runId, runs[2]!.id);
      assert.equal(job.result!.buyers, 8);
      assert.deepEqual(job.progress, { phase: 'candidates', customersDone: 8, customersTotal: 8 });
      // Only the retry's candidates are kept, each (customer, product) once.
      const candidates = await db().selectFrom('customer_candidates').select(['customer_id', 'product_id', 'run_id']).execute();
      assert.ok(candidates.length > 0);
      assert.deepEqual([...new Set(candidates.map((c) => c.run_id))], [runs[2]!.id]);
      assert.equal(new Set(candidates.map((c) => `${c.customer_id}/${c.product_id}`)).size, candidates.length);

      assert.equal((await doneJobOnApi(RECOMMEND_JOB)).result.runId, runs[2]!.id);
      await minutePasses();
      assert.equal((await jobsOf(RECOMMEND_JOB)).length, 1, 'the retry\'s run is fresh: nothing more queued');
    });

    test('source.recompute: a walk left running is queued once, a failed page run is resumed from its cursor, each customer recomputed once', async () => {
      const people = [0, 1, 2].map((i) => ({ externalId: `M${i}`, fields: { full_name: `台帳 ${i}郎`, title: '課長', email: `fan${i}@daicho-test.jp` } }));
      await ingestRecords(db(), { source: { name: 'meishi', label: '名刺', kind: 'file_import' }, records: people, actor });
      const source = await db().selectFrom('sources').select('id').where('name', '=', 'meishi').executeTakeFirstOrThrow();
      // A priority change whose walk no process is doing (its process stopped before the first page).
      await db().transaction().execute(async (trx) => {
        await trx.updateTable('sources').set({ priority: 10 }).where('id', '=', source.id).execute();
        await requestSourceRecompute(trx, source.id, 100, 10, null);
      });
      await minutePasses();
      const queued = await jobsOf(SOURCE_RECOMPUTE_JOB);
      assert.equal(queued.length, 1);
      assert.deepEqual(queued[0]!.payload, { sourceId: source.id });

      await workerFailingOnce(SOURCE_RECOMPUTE_JOB, () => true).drain();
      const job = (await findJob(db(), queued[0]!.id))!;
      assert.equal(job.status, 'done');
      assert.equal(job.attempts, 2);
      assert.deepEqual(job.result, { sourceId: source.id, status: 'completed', done: 3, total: 3 });
      const row = await db().selectFrom('source_recomputes').selectAll().where('source_id', '=', source.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.done, row.total], ['completed', 3, 3]);
      const outcomes = await db().selectFrom('audit_log').select('details').where('action', '=', 'source.recompute').orderBy('id').execute();
      assert.deepEqual(outcomes.map((o) => [(o.details as { status: string }).status, (o.details as { recomputedCustomers: number }).recomputedCustomers]), [['failed', 3], ['completed', 3]]);

      assert.equal((await doneJobOnApi(SOURCE_RECOMPUTE_JOB)).result.status, 'completed');
      await minutePasses();
      assert.equal((await jobsOf(SOURCE_RECOMPUTE_JOB)).length, 1, 'the walk is over: nothing more queued');
    });
  });
}
