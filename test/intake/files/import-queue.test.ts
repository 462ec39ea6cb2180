import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jobHandlers } from '../../../src/app/jobs.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { IMPORT_JOB, runImportJob } from '../../../src/intake/files/import.jobs.ts';
import { removeUpload, storeUpload } from '../../../src/intake/files/uploads.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { authOfUser } from '../../../src/platform/accounts/auth.service.ts';
import { claimJobs } from '../../../src/platform/jobs/jobs.repository.ts';
import { JobWorker } from '../../../src/platform/jobs/worker.ts';
import { ENGINES } from '../../support/engines.ts';
import { drainJobs } from '../../support/jobs.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

/**
 * Imports on the shared job queue: an import killed or failed midway is taken again and lands every good row once
 * (the import is idempotent: its committed batches come back unchanged).
 */

const GOOD = 2400;
/** Lines (1-based, the header is line 1) broken on purpose: too few columns. */
const BROKEN = new Set([10, 1500, 2200]);
const PROFILE = { source: 'tenpo', id_column: '会員番号', fields: { full_name: '氏名', email: 'メール', phone: '電話' } };

function csv(): string {
  const lines = ['会員番号,氏名,メール,電話'];
  let n = 0;
  while (n < GOOD) {
    const line = lines.length + 1;
    if (BROKEN.has(line)) {
      lines.push(`X${line},壊れた行`);
      continue;
    }
    n++;
    const phone = `090-${String(3000 + Math.floor(n / 1000)).padStart(4, '0')}-${String(1000 + (n % 1000) * 7 % 9000).padStart(4, '0')}`;
    lines.push(`K${n},会員 ${n}号,kaiin${n}@daicho-test.jp,${phone}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-jobs-import-queue-'));
process.env.DAICHO_UPLOAD_DIR = uploadDir;

for (const engine of ENGINES) {
  describe(`imports on the job queue [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let uploadId: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const stored = await storeUpload(new Blob([csv()]).stream(), 'tenpo.csv', admin.userId);
      uploadId = stored.id;
    });
    after(async () => {
      removeUpload(uploadId);
      await t.close();
    });

    /** Source records of the source, how many distinct ids, customers linked to them. */
    async function landed(source = 'tenpo') {
      const db = t.database.db;
      const rows = await db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.external_id', 'source_records.customer_id']).where('sources.name', '=', source).execute();
      return {
        records: rows.length,
        ids: new Set(rows.map((r) => r.external_id)).size,
        unlinked: rows.filter((r) => r.customer_id === null).length,
        customers: new Set(rows.map((r) => r.customer_id)).size,
      };
    }

    test('an import whose process was killed midway is taken again when its lease runs out and lands every good row once', async () => {
      const db = t.database.db;
      const started = await admin.json('POST', '/api/v1/imports/jobs', { uploadId, profile: PROFILE });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      // Another process claims it (FOR UPDATE SKIP LOCKED), commits the first batch of rows, and is killed.
      const [claimed] = await claimJobs(db, 'killed-host:4242:abc', [IMPORT_JOB], 1, 1);
      assert.equal(claimed?.id, started.body.id);
      const auth = await authOfUser(db, admin.userId, null);
      const killed = await runImport(db, {
        filePath: path.join(uploadDir, uploadId, 'tenpo.csv'), profile: parseImportProfile(PROFILE), actor: { auth, ip: null, userAgent: null },
        onProgress: (p) => { if (p.rows >= 1000) throw new Error('killed'); },
      }).then(() => null, (error: unknown) => error);
      assert.equal((killed as Error | null)?.message, 'killed');
      const partial = await landed();
      assert.ok(partial.records >= 999 && partial.records < GOOD, `the first batch was committed: ${JSON.stringify(partial)}`);
      const view = (await admin.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).body;
      assert.deepEqual([view.status, view.queue.status], ['running', 'running'], 'held by the killed process until its lease passes');
      await new Promise((r) => setTimeout(r, 1100));
      await drainJobs({ handle: t.database });
      const done = (await admin.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).body;
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.equal(done.queue.attempts, 2);
      assert.equal(done.summary.read, GOOD + BROKEN.size);
      assert.equal(done.summary.rejected, BROKEN.size);
      assert.equal(done.summary.unchanged, partial.records, 'what the killed process committed is found unchanged');
      assert.equal(done.summary.new, GOOD - partial.records);
      assert.deepEqual(done.progress.rows, GOOD + BROKEN.size);
      assert.deepEqual(await landed(), { records: GOOD, ids: GOOD, unlinked: 0, customers: GOOD });
      const runs = (await admin.json('GET', '/api/v1/imports')).body.items as Array<{ status: string }>;
      assert.deepEqual(runs.map((r) => r.status).sort(), ['completed', 'failed']);
    });

    test('an import that fails midway under a worker is retried and changes nothing more; two workers never run one job twice', async () => {
      const db = t.database.db;
      // The same people from a second shop's system: new records, the same customers.
      const started = await admin.json('POST', '/api/v1/imports/jobs', { uploadId, profile: { ...PROFILE, source: 'tenpo2' } });
      const handlers = jobHandlers({ handle: t.database });
      let failures = 0;
      const flaky = new JobWorker(db, {
        [IMPORT_JOB]: (job) => runImportJob(db, {
          ...job,
          reportProgress: (p) => {
            if (Number(p.rows) >= 1000) {
              failures++;
              throw new Error('the database connection was lost');
            }
            job.reportProgress(p);
          },
        }, (userId, apiKeyId) => authOfUser(db, userId, apiKeyId)),
      }, { id: 'flaky-worker', backoffBaseSeconds: 0 });
      const previous = process.env.DAICHO_JOB_THREADS;
      process.env.DAICHO_JOB_THREADS = '0'; // the failure is thrown on this thread
      try {
        await flaky.pass();
        // The attempt ends on its own (failed) before the worker stops: a job still running at stop is given back
        // uncounted, which is what a shutdown does, not what this test is about.
        const jobId = started.body.id as string;
        while ((await db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status === 'running') {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await flaky.stop();
      } finally {
        if (previous === undefined) delete process.env.DAICHO_JOB_THREADS;
        else process.env.DAICHO_JOB_THREADS = previous;
      }
      assert.equal(failures, 1);
      const failed = (await admin.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).body;
      assert.deepEqual([failed.status, failed.queue.status, failed.queue.attempts], ['running', 'failed', 1]);
      assert.match(failed.queue.lastError, /connection was lost/u);
      const waiting = await admin.json('GET', '/api/v1/jobs?status=failed');
      assert.deepEqual(waiting.body.items.map((j: { id: string }) => j.id), [started.body.id], 'the ジョブ page lists it as waiting for its retry');
      // Two workers (two processes' worth) drain the queue at once: the job is claimed by one of them, once.
      const a = new JobWorker(db, handlers, { id: 'worker-a' });
      const b = new JobWorker(db, handlers, { id: 'worker-b' });
      await Promise.all([a.drain(), b.drain()]);
      const done = (await admin.json('GET', `/api/v1/imports/jobs/${started.body.id}`)).body;
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.equal(done.queue.attempts, 2);
      const committed = done.summary.unchanged as number;
      assert.ok(committed >= 999 && committed < GOOD, `the failed attempt's committed batches come back unchanged: ${committed}`);
      assert.equal(done.summary.new, GOOD - committed);
      assert.deepEqual(await landed('tenpo2'), { records: GOOD, ids: GOOD, unlinked: 0, customers: GOOD });
      assert.equal(Number((await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), GOOD,
        'the second shop\'s records joined the customers of the first: no one twice');
      const audits = await db.selectFrom('audit_log').select('actor_user_id').where('action', '=', 'import.run').execute();
      assert.equal(audits.length, 2, 'each completed import is audited once');
      assert.ok(audits.every((r) => r.actor_user_id === admin.userId), 'as the user who queued it');
    });
  });
}
