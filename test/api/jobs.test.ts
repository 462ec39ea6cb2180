import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enqueueJob } from '../../src/platform/jobs/jobs.service.ts';
import { JobWorker } from '../../src/platform/jobs/worker.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

for (const engine of ENGINES) {
  describe(`jobs API [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await startTestApp(engine); });
    after(async () => { await t.close(); });

    test('administrators list the dead-letter list and retry a dead job; other roles get 403', async () => {
      const { id } = await enqueueJob(t.database.db, 'test.api', { maxAttempts: 1, payload: { segmentId: 'a' } });
      await new JobWorker(t.database.db, { 'test.api': async () => { throw new Error('no such table: 0042'); } }, { id: 'api-test' }).drain();
      const admin = await t.as('admin');
      const dead = await admin.json('GET', '/api/v1/jobs?status=dead');
      assert.equal(dead.status, 200, JSON.stringify(dead.body));
      assert.deepEqual(dead.body.items.map((j: { id: string; kind: string; attempts: number; lastError: string }) => [j.id, j.kind, j.attempts, j.lastError]), [[id, 'test.api', 1, 'no such table: 0042']]);
      assert.deepEqual(dead.body.counts, { queued: 0, running: 0, failed: 0, dead: 1 });
      assert.equal((await admin.json('GET', '/api/v1/jobs?status=bogus')).status, 400);
      for (const role of ['manager', 'viewer'] as const) {
        const other = await t.as(role);
        assert.equal((await other.json('GET', '/api/v1/jobs?status=dead')).status, 403);
        assert.equal((await other.json('POST', `/api/v1/jobs/${id}/retry`)).status, 403);
      }
      const retried = await admin.json('POST', `/api/v1/jobs/${id}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.status, 'queued');
      assert.equal(retried.body.attempts, 0);
      assert.equal((await admin.json('POST', `/api/v1/jobs/${id}/retry`)).status, 409, 'a queued job is not retried');
      const queued = await admin.json('GET', '/api/v1/jobs?status=queued&kind=test.api');
      assert.deepEqual(queued.body.items.map((j: { id: string }) => j.id), [id]);
      const audited = await t.database.db.selectFrom('audit_log').select(['action', 'entity_id', 'actor_user_id']).where('action', '=', 'job.retry').execute();
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.entity_id, id);
      assert.ok(audited[0]!.actor_user_id);
    });
  });
}
