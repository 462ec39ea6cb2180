import path from 'node:path';

/** Everything Daicho reads from the environment, in one place (see README "Configuration"). */
export interface Config {
  /** postgres://… when set; otherwise the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** PGlite only: fsync on commit. Off by default (see README "Durability"). */
  pgliteFsync: boolean;
  host: string;
  port: number;
  /** Public base URL, used to decide whether cookies get the Secure flag. */
  publicUrl: string | undefined;
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy. */
  trustProxy: boolean;
  /**
   * How many proxies in front of Daicho append to X-Forwarded-For (DAICHO_TRUST_PROXY=1 or true: one; a number: that
   * many). The client address is the entry the outermost trusted proxy appended, counted from the right: entries to
   * its left are whatever the client sent, and a client can write anything there.
   */
  trustedProxyHops: number;
  sessionTtlHours: number;
  /**
   * Failed sign-ins allowed within `windowSeconds`: for one account from one address (maxAttempts), from one address
   * over all accounts (addressMaxFailures), for one account over all addresses (accountMaxFailures). A bucket at its
   * bar is locked: `windowSeconds` the first time, doubling with each further lockout up to `maxLockoutSeconds`.
   */
  loginRateLimit: LoginRateLimit;
  /** Searches (GET /search, GET /customers?q=) per user and minute, counted in the database; 0 turns the limit off. */
  searchRateLimit: { maxPerWindow: number; windowSeconds: number };
  /**
   * Campaign e-mail: smtp(s)://user:pass@host:port (DAICHO_SMTP_URL; nodemailer's URL form). Unset: messages go to the
   * outbox (shown in the UI as not sent).
   */
  smtpUrl: string | undefined;
  /** Campaign sending: claims a process has not refreshed for this long belong to a dead process (PostgreSQL). */
  sendStaleSeconds: number;
  /**
   * Background jobs: how long a worker's claim holds a running job without a heartbeat (DAICHO_JOB_LEASE_SECONDS,
   * default 120; beaten every third of it). A job of a process that died is taken over once its lease has passed.
   */
  jobLeaseSeconds: number;
  /** The optional bounce listener (DAICHO_BOUNCE_SMTP_PORT, DAICHO_BOUNCE_SMTP_HOST): receives DSNs to bounce+<token>@…. */
  bounceSmtp: { port: number; host: string } | undefined;
  /**
   * The voice-of-customer inbox's feedback address (DAICHO_VOICE_ADDRESS, e.g. voice@your-company.jp) and its optional
   * built-in SMTP listener (DAICHO_VOICE_SMTP_PORT, DAICHO_VOICE_SMTP_HOST): mail to the address becomes an inbox item.
   */
  voiceAddress: string | undefined;
  voiceSmtp: { port: number; host: string } | undefined;
  /** Check JSON responses against the routes' zod schemas: off, log (default) or strict (tests: drift is a 500). */
  responseValidation: 'off' | 'log' | 'strict';
  /** Scheduled backups (DAICHO_BACKUP_DIR; every DAICHO_BACKUP_EVERY_HOURS, default 24; the newest DAICHO_BACKUP_KEEP, default 7). */
  backupSchedule: { dir: string; everyHours: number; keep: number } | undefined;
  /** Bearer token for GET /metrics (DAICHO_METRICS_TOKEN); unset: /metrics answers 404. */
  metricsToken: string | undefined;
  /** Log lines: json (one object a line) or text (DAICHO_LOG_FORMAT; default text). */
  logFormat: 'json' | 'text';
}

export interface LoginRateLimit {
  maxAttempts: number;
  windowSeconds: number;
  addressMaxFailures: number;
  accountMaxFailures: number;
  maxLockoutSeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: path.resolve(nonEmpty(env.DAICHO_DATA_DIR) ?? 'data'),
    pgliteFsync: env.DAICHO_PGLITE_FSYNC === 'on',
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    port: integer(env.PORT, 3000),
    publicUrl: nonEmpty(env.DAICHO_PUBLIC_URL),
    trustProxy: proxyHops(env.DAICHO_TRUST_PROXY) > 0,
    trustedProxyHops: proxyHops(env.DAICHO_TRUST_PROXY),
    sessionTtlHours: integer(env.DAICHO_SESSION_TTL_HOURS, 12),
    loginRateLimit: {
      maxAttempts: positive(env.DAICHO_LOGIN_MAX_ATTEMPTS, 10),
      windowSeconds: positive(env.DAICHO_LOGIN_WINDOW_SECONDS, 300),
      addressMaxFailures: positive(env.DAICHO_LOGIN_ADDRESS_MAX_FAILURES, 50),
      accountMaxFailures: positive(env.DAICHO_LOGIN_ACCOUNT_MAX_FAILURES, 50),
      maxLockoutSeconds: positive(env.DAICHO_LOGIN_MAX_LOCKOUT_SECONDS, 3600),
    },
    searchRateLimit: { maxPerWindow: integer(env.DAICHO_SEARCH_MAX_PER_MINUTE, 60), windowSeconds: 60 },
    smtpUrl: nonEmpty(env.DAICHO_SMTP_URL),
    sendStaleSeconds: positive(env.DAICHO_SEND_STALE_SECONDS, 120),
    jobLeaseSeconds: positive(env.DAICHO_JOB_LEASE_SECONDS, 120),
    bounceSmtp: nonEmpty(env.DAICHO_BOUNCE_SMTP_PORT) === undefined ? undefined
      : { port: integer(env.DAICHO_BOUNCE_SMTP_PORT, 2525), host: nonEmpty(env.DAICHO_BOUNCE_SMTP_HOST) ?? '0.0.0.0' },
    voiceAddress: nonEmpty(env.DAICHO_VOICE_ADDRESS)?.toLowerCase(),
    voiceSmtp: nonEmpty(env.DAICHO_VOICE_SMTP_PORT) === undefined ? undefined
      : { port: integer(env.DAICHO_VOICE_SMTP_PORT, 2526), host: nonEmpty(env.DAICHO_VOICE_SMTP_HOST) ?? '0.0.0.0' },
    responseValidation: oneOf(env.DAICHO_RESPONSE_VALIDATION, ['off', 'log', 'strict'] as const, 'log'),
    backupSchedule: nonEmpty(env.DAICHO_BACKUP_DIR) === undefined ? undefined : {
      dir: path.resolve(nonEmpty(env.DAICHO_BACKUP_DIR)!),
      everyHours: positive(env.DAICHO_BACKUP_EVERY_HOURS, 24),
      keep: positive(env.DAICHO_BACKUP_KEEP, 7),
    },
    metricsToken: metricsToken(env.DAICHO_METRICS_TOKEN),
    logFormat: oneOf(env.DAICHO_LOG_FORMAT, ['json', 'text'] as const, 'text'),
  };
}

/** DAICHO_TRUST_PROXY: off (unset, 0, false), one proxy (true), or a number of proxies. */
function proxyHops(value: string | undefined): number {
  const v = nonEmpty(value);
  if (v === undefined || v === 'false') return 0;
  if (v === 'true') return 1;
  return integer(v, 0);
}

/** A metrics token short enough to guess would expose the server's figures: 24 characters at least. */
function metricsToken(value: string | undefined): string | undefined {
  const token = nonEmpty(value);
  if (token !== undefined && token.length < 24) throw new Error('DAICHO_METRICS_TOKEN needs 24 characters or more');
  return token;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Expected a whole number, got "${value}"`);
  return n;
}

function positive(value: string | undefined, fallback: number): number {
  const n = integer(value, fallback);
  if (n < 1) throw new Error(`Expected a whole number of 1 or more, got "${value}"`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value.trim() === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Expected one of ${allowed.join(', ')}, got "${value}"`);
}
