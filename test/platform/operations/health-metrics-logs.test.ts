import { enqueueJob } from '../../../src/platform/jobs/jobs.service.ts';
import { JobWorker } from '../../../src/platform/jobs/worker.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configureLogger, log, scrub, type LogLevel } from '../../../src/core/logger.ts';
import { createApp } from '../../../src/app/app.ts';
import { latestMigration } from '../../../src/db/migrate.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { ENGINES } from '../../support/engines.ts';
import { LEDGER_PERSONAL, populateLedger } from '../../support/populated-ledger.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

/** Parses the text exposition format strictly enough to catch a malformed line: name{labels} value. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') { assert.match(meta[3]!, /^(counter|gauge|histogram)$/); typed.add(meta[2]!); }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    assert.ok(m, `a malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const base = m[1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(m[1]!) || typed.has(base), `a sample without # TYPE: ${m[1]}`);
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return samples;
}

test('scrub replaces e-mail addresses, phone numbers and tokens', () => {
  assert.equal(scrub('duplicate key (email)=(sayaka.kujo@daicho-test.jp)'), 'duplicate key (email)=([email])');
  assert.equal(scrub('tel 090-7731-4582 / +81 3 5521 0198'), 'tel [phone] / [phone]');
  assert.equal(scrub('Authorization: Bearer dk_abcdefghijklmnop'), 'Authorization: [token]');
  assert.equal(scrub('imported 1200 rows in 3.5 s'), 'imported 1200 rows in 3.5 s');
});

for (const engine of ENGINES) {
  describe(`health, metrics and logs [${engine}]`, () => {
    let t: TestApp;
    const lines: { line: string; level: LogLevel }[] = [];
    before(async () => {
      configureLogger({ format: 'json', sink: (line, level) => lines.push({ line, level }) });
      t = await startTestApp(engine, { metricsToken: TOKEN });
      await populateLedger(t);
      // The jobs table: one queued job, and one whose handler failed on its only attempt (dead).
      await enqueueJob(t.database.db, 'segment.refresh', { payload: { segmentId: '00000000-0000-4000-8000-00000000abcd' }, delaySeconds: 3600 });
      await enqueueJob(t.database.db, 'test.broken', { maxAttempts: 1 });
      await new JobWorker(t.database.db, { 'test.broken': async () => { throw new Error('broken on purpose'); } }, { id: 'metrics-test' }).drain();
    });
    after(async () => { await t.close(); });
    const jobsByStatus = async (): Promise<Record<string, number>> => {
      const rows = await t.database.db.selectFrom('jobs').select((eb) => ['status', eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    };

    test('health: unauthenticated, database state and queue depth, nothing personal', async () => {
      const res = await t.app.request('/api/health');
      assert.equal(res.status, 200);
      const body = await res.json() as { ok: boolean; database: { reachable: boolean; schemaVersion: string; upToDate: boolean }; jobs: Record<string, number>; queue: Record<string, number> };
      assert.equal(body.ok, true);
      assert.deepEqual(body.database, { reachable: true, schemaVersion: latestMigration(), upToDate: true });
      assert.deepEqual(Object.keys(body.queue).sort(), ['campaignMessages', 'imports', 'quarantinedRecords', 'recommendRuns', 'recomputes']);
      // The ledger's campaigns queued their send jobs too (no worker runs in this app): the depth is the table's.
      const table = await jobsByStatus();
      assert.deepEqual(body.jobs, { queued: table.queued ?? 0, running: table.running ?? 0, failed: table.failed ?? 0, dead: table.dead ?? 0 }, 'the jobs table\'s depth');
      assert.ok(body.jobs.queued! >= 1 && body.jobs.dead === 1, 'the queued refresh and the dead job are counted');
      assert.ok(body.queue.campaignMessages! > 0, 'the started campaign\'s messages wait in the outbox queue');
      for (const value of Object.values(body.queue)) assert.equal(typeof value, 'number');
    });

    test('health: 503 when the database does not answer', async () => {
      const broken = createApp({ db: { ...t.database.db, executeQuery: () => Promise.reject(new Error('connection refused')) } as never, config: t.config });
      const dead = createApp({ db: new Proxy(t.database.db, { get: (target, p) => (p === 'getExecutor' ? () => { throw new Error('connection refused'); } : Reflect.get(target, p)) }), config: t.config });
      for (const app of [broken, dead]) {
        const res = await app.request('/api/health');
        assert.equal(res.status, 503);
        assert.deepEqual(await res.json(), { ok: false, database: { reachable: false } });
      }
    });

    test('metrics: 404 without a configured token, 401 without the right one, the exposition with it', async () => {
      const unset = createApp({ db: t.database.db, config: { ...t.config, metricsToken: undefined } });
      assert.equal((await unset.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
      assert.equal((await t.app.request('/metrics')).status, 401);
      assert.equal((await t.app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status, 401);
      const customer = (await t.database.db.selectFrom('customers').select('id').limit(1).executeTakeFirstOrThrow()).id;
      const admin = await t.as('admin');
      await admin.request('GET', `/api/v1/customers/${customer}`);
      const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const samples = parseExposition(text);
      const byName = (name: string) => samples.filter((s) => s.name === name);
      assert.ok(byName('daicho_http_requests_total').some((s) => s.labels.route === '/api/v1/customers/:id' && s.labels.method === 'GET' && s.labels.status === '200'));
      assert.ok(byName('daicho_http_request_duration_seconds_bucket').some((s) => s.labels.le === '+Inf'));
      assert.ok(!text.includes(customer), 'route patterns, never a raw path with an id');
      assert.ok(byName('daicho_queue_size').some((s) => s.labels.queue === 'campaign_messages' && s.value > 0));
      assert.ok(byName('daicho_job_duration_seconds_count').some((s) => s.labels.job === 'test.broken' && s.value >= 1), 'job durations by kind');
      assert.ok(byName('daicho_job_runs_total').some((s) => s.labels.kind === 'test.broken' && s.labels.outcome === 'dead' && s.value >= 1), 'job runs by kind and outcome');
      const gauges = byName('daicho_jobs').map((s) => [s.labels.kind, s.labels.status, s.value]);
      const rows = await t.database.db.selectFrom('jobs').select((eb) => ['kind', 'status', eb.fn.countAll<string>().as('n')])
        .where('status', '<>', 'done').groupBy(['kind', 'status']).execute();
      assert.deepEqual(gauges.sort(), rows.map((r) => [r.kind, r.status, Number(r.n)]).sort(), 'one gauge per kind and status, as in the table');
      assert.ok(gauges.some(([k, st, v]) => k === 'segment.refresh' && st === 'queued' && v === 1));
      assert.ok(gauges.some(([k, st, v]) => k === 'test.broken' && st === 'dead' && v === 1));
      assert.ok(byName('daicho_import_rows_per_second').length === 1 && byName('daicho_import_rows_per_second')[0]!.value > 0);
      assert.ok(byName('daicho_last_job_seconds').some((s) => s.labels.job === 'recommend'));
      assert.equal(byName('daicho_resolution_quarantined_records')[0]?.value, 0);
      assert.equal(byName('daicho_database_up')[0]?.value, 1);
    });

    test('logs: JSON lines with time, level and msg, and no personal value from the requests that carried them', async () => {
      // A request that fails inside the server with personal data in it, and a log call handed personal fields.
      log.error(`could not send to ${LEDGER_PERSONAL.email} (${LEDGER_PERSONAL.phone})`, { email: LEDGER_PERSONAL.email, familyName: LEDGER_PERSONAL.familyName, address: LEDGER_PERSONAL.address, password: 'correct horse battery', count: 2 });
      assert.ok(lines.length > 0);
      for (const { line } of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        assert.equal(typeof entry.time, 'string');
        assert.match(String(entry.level), /^(info|warn|error)$/);
        assert.equal(typeof entry.msg, 'string');
        for (const value of Object.values(LEDGER_PERSONAL)) assert.ok(!line.includes(value), `a log line holds ${value}: ${line}`);
        assert.ok(!line.includes('correct horse battery'));
      }
      assert.ok(lines.some(({ line }) => line.includes('"count":2')), 'fields that are not personal are kept');
    });
  });
}
