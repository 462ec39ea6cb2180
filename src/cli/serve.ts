import { serve as listen } from '@hono/node-server';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app/app.ts';
import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { issueSetupTokenIfNeeded } from '../platform/accounts/auth.service.ts';
import { deleteExpiredSessions, deleteStaleRateLimits } from '../platform/accounts/auth.repository.ts';
import { rebuildCustomerFacts } from '../ledger/customers/customers.service.ts';
import { resumeSourceRecomputes } from '../ledger/sources/recompute.service.ts';
import { recomputeValuesIfStale } from '../ledger/values/values.service.ts';
import { rebuildRecordRollups } from '../resolution/resolver.ts';
import { startRunIfStale } from '../use/recommend/recommend.service.ts';
import { startBounceListener } from '../use/campaigns/bounce-listener.ts';
import { createMailer } from '../use/campaigns/mailer.ts';
import { recoverStaleClaims } from '../use/campaigns/messages.repository.ts';
import { releaseAllPreparations } from '../use/campaigns/campaigns.repository.ts';
import { campaignPass, CampaignSender } from '../use/campaigns/send.service.ts';
import { publicBase } from '../use/campaigns/settings.service.ts';
import { runDueRules } from '../use/triggers/triggers.service.ts';
import type { Db, DatabaseHandle } from '../db/database.ts';
import { configureLogger, errorText, log } from '../core/logger.ts';
import { jobDuration, jobFailures } from '../core/metrics.ts';
import type { BackupSchedule } from '../platform/operations/backup-schedule.service.ts';
import { enqueueDueJobs, jobHandlers } from '../app/jobs.ts';
import { JobWorker } from '../platform/jobs/worker.ts';
import { reclaimExpiredJobs } from '../platform/jobs/jobs.repository.ts';
import { startVoiceListener } from '../use/voice/voice-listener.ts';
import { storeWeeklyDigests } from '../use/voice/voice-reports.service.ts';

/**
 * The server's background pass, once a minute (first after 10 s): rescore customer values once a day (RFM recency
 * moves with the calendar) and rebuild the dashboards' customer facts, queue the jobs that are due (today's quality
 * pass, a scheduled backup, the segments whose refresh interval is up: src/app/jobs.ts; the job worker runs them),
 * and recompute the cross-sell candidates once a day after their first run. Several servers on one PostgreSQL share
 * the work: the recompute takes an advisory lock, and the jobs are claimed from one table.
 */
function startScheduler(handle: DatabaseHandle, backupSchedule: BackupSchedule | undefined): NodeJS.Timeout {
  const { db } = handle;
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      const run = await recomputeValuesIfStale(db);
      if (run && !run.skipped) {
        jobDuration.observe({ job: 'recompute' }, run.seconds);
        log.info('customer values recomputed', { asOf: run.asOf, buyers: run.customers, seconds: run.seconds });
      }
      // Once a day with the values: the dashboards' customer facts rebuilt from the customers table, first touches,
      // sources and joined flags from the records and decisions.
      if (run) {
        await rebuildCustomerFacts(db);
        await rebuildRecordRollups(db);
      }
      await enqueueDueJobs({ handle, backupSchedule });
      // Runs in the background (minutes at a million buyers), one at a time across servers.
      const recommend = await startRunIfStale(db);
      recommend?.done.then(
        (r) => {
          jobDuration.observe({ job: 'recommend' }, r.seconds);
          log.info('cross-sell candidates computed', { buyers: r.buyers, seconds: r.seconds });
        },
        (error: unknown) => {
          jobFailures.inc({ job: 'recommend' });
          log.error('cross-sell run failed', { error: errorText(error) });
        },
      );
    } catch (error) {
      log.error('background pass failed', { error: errorText(error) });
    } finally {
      busy = false;
    }
  };
  setTimeout(() => void pass(), 10_000).unref();
  const timer = setInterval(() => void pass(), 60_000);
  timer.unref();
  return timer;
}

/**
 * Behaviour triggers, every minute (first after 15 s), in their own loop so neither the values' recompute nor a long
 * send delays them. Each rule is claimed (compare-and-set on its last run), so several servers never run one at once.
 */
function startTriggers(db: Db): NodeJS.Timeout {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const r of await runDueRules(db)) {
        if (r.error) log.error('trigger rule failed', { rule: r.id, error: r.error });
        else if (r.result && r.result.matched > 0) log.info('trigger rule fired', { rule: r.id, matched: r.result.matched, toSend: r.result.sent, suppressed: r.result.suppressed, tasks: r.result.tasks });
      }
    } catch (error) {
      log.error('trigger pass failed', { error: errorText(error) });
    } finally {
      busy = false;
    }
  };
  setTimeout(() => void pass(), 15_000).unref();
  const timer = setInterval(() => void pass(), 60_000);
  timer.unref();
  return timer;
}

/** The voice inbox's weekly digests: once an hour, the finished week's digest per team is stored (and mailed with SMTP). */
function startVoiceDigests(db: Db, config: Config): NodeJS.Timeout {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      const stored = await storeWeeklyDigests(db, config);
      if (stored) console.log(`Voice of customer: ${stored} weekly digest(s) stored`);
    } catch (error) {
      console.error(`[${new Date().toISOString()}] voice digests failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
    }
  };
  setTimeout(() => void pass(), 30_000).unref();
  const timer = setInterval(() => void pass(), 3_600_000);
  timer.unref();
  return timer;
}

/**
 * Campaigns, every 5 s (first after 2 s): the campaign pass (send.service.ts) takes back dead processes' claims, starts
 * scheduled campaigns whose time has come, and queues a `campaign.prepare` or `campaign.send` job for each campaign
 * with work; the job worker runs them (several servers share them through the jobs table).
 */
function startCampaignPass(db: Db, options: { staleAfterMs: number; delivery: 'smtp' | 'outbox' }): NodeJS.Timeout {
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      const { recovered } = await campaignPass(db, options);
      if (recovered.unknown) log.warn('campaign messages left in an SMTP transaction by a stopped process: shown as 送信結果不明', { messages: recovered.unknown });
    } catch (error) {
      jobFailures.inc({ job: 'campaign_pass' });
      log.error('campaign pass failed', { error: errorText(error) });
    } finally {
      busy = false;
    }
  };
  setTimeout(() => void pass(), 2_000).unref();
  const timer = setInterval(() => void pass(), 5_000);
  timer.unref();
  return timer;
}

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Opens the database, migrates, and listens. Prints the URL (and the first-run token while no user exists). */
export async function serve(config: Config): Promise<void> {
  configureLogger({ format: config.logFormat });
  const handle = await openDatabase(config);
  const applied = await migrate(handle);
  if (applied.length) log.info('migrations applied', { migrations: applied.join(', ') });
  await deleteExpiredSessions(handle.db);
  await deleteStaleRateLimits(handle.db);
  // A survivorship recompute that a stopped process left unfinished goes on from its cursor.
  const resumed = await resumeSourceRecomputes(handle.db);
  if (resumed.length) log.info('resuming the golden-record recompute after a priority change', { sources: resumed.length });
  const app = createApp({ db: handle.db, config, webDir: WEB_DIR });
  let server!: ReturnType<typeof listen>;
  // The address is printed once the server listens, and the first-run token after it, so the console reads in order.
  const port = await new Promise<number>((resolve) => {
    server = listen({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => resolve(info.port));
  });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`;
  const where = handle.engine === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  log.info(`Daicho is running at ${url}`, { database: where });
  const token = await issueSetupTokenIfNeeded(handle.db);
  // The one-time setup token is for the person at the console, deliberately outside the (scrubbed) log.
  if (token) {
    console.log('');
    console.log('  初回セットアップ / First run: no user exists yet.');
    console.log(`  ${url} を開き、次のセットアップ用トークンを入力して管理者を作成してください / Open ${url} and enter this one-time setup token to create the administrator:`);
    console.log(`      ${token}`);
    console.log('  (or: npm run daicho -- user create --email you@example.co.jp --password … --role admin)');
    console.log('');
  }
  // PGlite's folder is this process's alone: whatever a previous process claimed is stale now.
  if (handle.engine === 'pglite') {
    const recovered = await recoverStaleClaims(handle.db, new Date());
    await releaseAllPreparations(handle.db);
    await reclaimExpiredJobs(handle.db, { everyRunning: true });
    if (recovered.unknown) console.log(`Campaigns: ${recovered.unknown} message(s) were in the SMTP transaction when the last process stopped; shown as 送信結果不明 for a person to decide`);
  }
  const staleAfterMs = config.sendStaleSeconds * 1000;
  const mailer = createMailer(handle.db, config);
  const sender = new CampaignSender(handle.db, mailer, { publicUrl: publicBase({ ...config, port }), staleAfterMs });
  // The job worker: one per process; several processes on one PostgreSQL claim from the same table.
  const worker = new JobWorker(handle.db, jobHandlers({ handle, backupSchedule: config.backupSchedule, campaignSender: sender, staleAfterMs }), { leaseSeconds: config.jobLeaseSeconds });
  worker.start();
  const scheduler = startScheduler(handle, config.backupSchedule);
  if (config.backupSchedule) log.info('scheduled backups on', { dir: config.backupSchedule.dir, everyHours: config.backupSchedule.everyHours, keep: config.backupSchedule.keep });
  const triggers = startTriggers(handle.db);
  const campaigns = startCampaignPass(handle.db, { staleAfterMs, delivery: mailer.kind });
  if (mailer.kind === 'outbox') console.log('Campaign e-mail goes to the outbox (送信トレイ, not sent): set DAICHO_SMTP_URL to send');
  const bounces = config.bounceSmtp ? await startBounceListener(handle.db, config.bounceSmtp) : null;
  if (bounces && config.bounceSmtp) console.log(`Bounce listener (SMTP) on ${config.bounceSmtp.host}:${bounces.port}: mail to bounce+<token>@… is read as a DSN`);
  const voiceListener = config.voiceSmtp ? await startVoiceListener(handle.db, { ...config.voiceSmtp, address: config.voiceAddress }) : null;
  if (voiceListener && config.voiceSmtp) console.log(`Feedback listener (SMTP) on ${config.voiceSmtp.host}:${voiceListener.port}: mail to ${config.voiceAddress ?? 'any address'} lands in 顧客の声`);
  const digests = startVoiceDigests(handle.db, config);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    clearInterval(scheduler);
    clearInterval(triggers);
    clearInterval(campaigns);
    clearInterval(digests);
    server.close();
    void bounces?.close();
    void voiceListener?.close();
    // The worker first: its campaign jobs stop after the messages in flight; then the sender gives back its claims.
    void worker.stop().then(() => sender.stop()).finally(() => {
      mailer.close();
      void handle.close().finally(() => process.exit(0));
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
