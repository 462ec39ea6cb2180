/**
 * Health and metrics (README "Operations"). /api/health answers load balancers without authentication, so it says
 * only whether the database answers, its schema version and how much work waits (counts, nothing personal); 503 when
 * the database does not answer. /metrics is Prometheus's, behind DAICHO_METRICS_TOKEN (404 while none is set, 401
 * for a wrong one). The background jobs' depth comes from the jobs table (src/platform/jobs: queued, running, failed
 * waiting for a retry, dead); the features' own queues (campaign messages, imports, recomputes, cross-sell runs,
 * quarantined records) are read through the repositories of the features that own them.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../core/context.ts';
import { log, errorText } from '../core/logger.ts';
import { httpDuration, httpRequests, renderMetrics, type Gauge } from '../core/metrics.ts';
import { ping, type Db } from '../db/database.ts';
import { appliedSchemaVersion } from '../db/dump.ts';
import { latestMigration } from '../db/migrate.ts';
import { importRunFigures } from '../intake/files/import.repository.ts';
import { countRunningRecomputes } from '../ledger/sources/sources.repository.ts';
import { lastValueRunSeconds } from '../ledger/values/values.repository.ts';
import { listBackups } from '../platform/operations/backups.repository.ts';
import { countQuarantinedRecords } from '../resolution/resolution.repository.ts';
import { countPendingMessages } from '../use/campaigns/messages.repository.ts';
import { recommendRunFigures } from '../use/recommend/recommend.repository.ts';
import { countJobsByKindStatus, jobCounts } from '../platform/jobs/jobs.service.ts';

export interface QueueDepth {
  campaignMessages: number;
  imports: number;
  recomputes: number;
  recommendRuns: number;
  quarantinedRecords: number;
}

async function queueDepth(db: Db): Promise<QueueDepth> {
  const [campaignMessages, imports, recomputes, recommend, quarantinedRecords] = await Promise.all([
    countPendingMessages(db), importRunFigures(db), countRunningRecomputes(db), recommendRunFigures(db), countQuarantinedRecords(db),
  ]);
  return { campaignMessages, imports: imports.running, recomputes, recommendRuns: recommend.running, quarantinedRecords };
}

/** GET /api/health */
export async function health(c: Context<AppEnv>): Promise<Response> {
  const { db } = c.get('deps');
  try {
    await ping(db);
    const schemaVersion = await appliedSchemaVersion(db);
    const latest = latestMigration();
    return c.json({
      ok: true,
      database: { reachable: true, schemaVersion, upToDate: schemaVersion === latest },
      jobs: await jobCounts(db),
      queue: await queueDepth(db),
    }, 200);
  } catch (error) {
    log.error('health check: the database does not answer', { error: errorText(error) });
    return c.json({ ok: false, database: { reachable: false } }, 503);
  }
}

function sameToken(given: string, expected: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and the comparison time says nothing about the token.
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** GET /metrics */
export async function metrics(c: Context<AppEnv>): Promise<Response> {
  const { db, config } = c.get('deps');
  if (!config.metricsToken) return c.text('Not found', 404);
  const header = c.req.header('authorization') ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!given || !sameToken(given, config.metricsToken)) {
    return c.text('Unauthorized', 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
  }
  const gauges: Gauge[] = [];
  let up = 1;
  try {
    const [queue, imports, recommend, valueSeconds, backups, jobs] = await Promise.all([
      queueDepth(db), importRunFigures(db), recommendRunFigures(db), lastValueRunSeconds(db), listBackups(db, 1), countJobsByKindStatus(db),
    ]);
    gauges.push(
      { name: 'daicho_queue_size', help: 'Work waiting or running in the features\' own queues (campaign messages unsent, imports, recomputes, recommend runs running); background jobs are daicho_jobs.', series: [
        { labels: { queue: 'campaign_messages' }, value: queue.campaignMessages },
        { labels: { queue: 'imports' }, value: queue.imports },
        { labels: { queue: 'recomputes' }, value: queue.recomputes },
        { labels: { queue: 'recommend_runs' }, value: queue.recommendRuns },
      ] },
      { name: 'daicho_jobs', help: 'Background jobs in the jobs table by kind and status (queued, running, failed: waiting for a retry, dead: the dead-letter list, done: kept 7 days).', series:
        jobs.map((j) => ({ labels: { kind: j.kind, status: j.status }, value: j.count })) },
      { name: 'daicho_resolution_quarantined_records', help: 'Source records whose identity resolution failed, waiting for a retry.', series: [{ value: queue.quarantinedRecords }] },
      { name: 'daicho_last_job_seconds', help: 'How long the last finished run of each job took (any process).', series: [
        ...(imports.last ? [{ labels: { job: 'import' }, value: imports.last.seconds }] : []),
        ...(recommend.lastSeconds !== null ? [{ labels: { job: 'recommend' }, value: recommend.lastSeconds }] : []),
        ...(valueSeconds !== null ? [{ labels: { job: 'recompute' }, value: valueSeconds }] : []),
      ] },
      { name: 'daicho_import_rows_per_second', help: 'Rows per second of the last finished import.', series: imports.last && imports.last.seconds > 0 ? [{ value: imports.last.rows / imports.last.seconds }] : [] },
      { name: 'daicho_last_backup_timestamp_seconds', help: 'When the newest backup in the register was taken (Unix time).', series: backups[0] ? [{ value: Math.floor(backups[0].createdAt.getTime() / 1000) }] : [] },
    );
  } catch (error) {
    up = 0;
    log.error('metrics: the database does not answer', { error: errorText(error) });
  }
  gauges.push({ name: 'daicho_database_up', help: 'Whether the database answered the scrape (1) or not (0).', series: [{ value: up }] });
  return c.body(renderMetrics(gauges), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
}

/** Counts every request by method, route pattern (never the raw path: ids stay out of labels) and status. */
export const measureRequests: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  try {
    await next();
  } finally {
    const labels = { method: c.req.method, route: c.req.routePath || 'unmatched', status: String(c.res.status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, (performance.now() - started) / 1000);
  }
};
