-- Background jobs (src/platform/jobs is the one writer): the work of every feature that runs in the background
-- (the daily quality pass, scheduled backups, segment refreshes, a campaign's scheduled start and its audience,
-- disclosure reports), claimed with FOR UPDATE SKIP LOCKED so several processes on one PostgreSQL share them. The
-- features keep their own state (quality_runs, backups, segments, campaigns, privacy_reports); a job only carries
-- the work. A job a killed process held is taken again when its lease (locked_until) has passed.
CREATE TABLE jobs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind          text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  -- ids and options only, never a personal value
  payload       jsonb NOT NULL DEFAULT '{}',
  -- an enqueue with the key of a job that is not done yet returns that job instead of a second one
  dedupe_key    text,
  -- queued: waits for run_at; running: held by locked_by until locked_until; failed: waits for its retry at run_at;
  -- dead: gave up after max_attempts (the dead-letter list, until an administrator retries it); done: finished
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'dead')),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  run_at        timestamptz NOT NULL DEFAULT now(),
  locked_by     text,
  locked_until  timestamptz,
  -- the error's class and message as the handler wrote it (handlers put ids in messages, never personal values)
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
-- One live job per key (done ones are history).
CREATE UNIQUE INDEX jobs_dedupe_live ON jobs (dedupe_key) WHERE status <> 'done';
-- The claim: what is due, oldest first.
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('queued', 'failed');
-- Expired leases (a killed process's jobs).
CREATE INDEX jobs_running ON jobs (locked_until) WHERE status = 'running';
-- The admin list by status, newest first; the purge of old done jobs.
CREATE INDEX jobs_status_updated ON jobs (status, updated_at);
