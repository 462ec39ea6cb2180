import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

// ── sessions ──
export async function insertSession(
  db: Db,
  values: { tokenHash: string; userId: string; csrfToken: string; ip: string | null; userAgent: string | null; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: values.tokenHash,
      user_id: values.userId,
      csrf_token: values.csrfToken,
      ip: values.ip,
      user_agent: values.userAgent,
      expires_at: values.expiresAt,
    })
    .execute();
}

export async function findLiveSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.token_hash', 'sessions.csrf_token', 'sessions.expires_at', 'sessions.last_seen_at', 'users.id as user_id'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', new Date())
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Db, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: new Date(), expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).execute();
}

// ── API keys ──
export async function insertApiKey(db: Db, values: { userId: string; name: string; prefix: string; keyHash: string; expiresAt: Date | null }) {
  return db
    .insertInto('api_keys')
    .values({ user_id: values.userId, name: values.name, prefix: values.prefix, key_hash: values.keyHash, expires_at: values.expiresAt })
    .returning(['id', 'name', 'prefix', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
}

export async function findApiKeyByPrefix(db: Db, prefix: string) {
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select(['api_keys.id', 'api_keys.key_hash', 'api_keys.user_id', 'api_keys.expires_at', 'api_keys.revoked_at', 'api_keys.last_used_at'])
    .where('api_keys.prefix', '=', prefix)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function markApiKeyUsed(db: Db, id: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}

export async function listApiKeys(db: Db, userId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiKey(db: Db, id: string, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ── first-run setup tokens ──
export async function insertSetupToken(db: Db, tokenHash: string): Promise<void> {
  await db.insertInto('setup_tokens').values({ token_hash: tokenHash }).execute();
}

export async function setupTokenExists(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db.selectFrom('setup_tokens').select('token_hash').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row !== undefined;
}

export async function deleteAllSetupTokens(db: Db): Promise<void> {
  await db.deleteFrom('setup_tokens').execute();
}

// ── rate limits (fixed window, shared by all processes) ──
/** Counts one hit in `bucket` and returns the hits in the current window. */
export async function hitRateLimit(db: Db, bucket: string, windowSeconds: number): Promise<{ hits: number; windowStart: Date }> {
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket, window_start: new Date(), hits: 1 })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet({
        hits: sql<number>`CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE rate_limits.hits + 1 END`,
        window_start: sql<Date>`CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE rate_limits.window_start END`,
      }),
    )
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow();
  return { hits: row.hits, windowStart: row.window_start };
}

export async function clearRateLimit(db: Db, bucket: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
}

// ── login buckets: failures only, with lockouts that back off (src/platform/accounts/auth.service.ts) ──

/** A lockout that ended this long ago no longer counts toward the next one's length. */
const LOCKOUT_MEMORY = sql`interval '1 day'`;

/**
 * Takes one attempt in a login bucket before the password is checked, so attempts sent at once cannot go past the
 * bar; a success gives it back (releaseLoginAttempt), a failure keeps it. Refused (null) while the bucket is locked
 * or its window holds `limit` attempts already, unless `passLock`. `hits` counts this attempt; `locked` whether a
 * lockout is running.
 */
export async function reserveLoginAttempt(
  db: Db,
  bucket: string,
  options: { limit: number; windowSeconds: number; passLock: boolean },
): Promise<{ hits: number; locked: boolean } | null> {
  const expired = sql`r.window_start <= now() - make_interval(secs => ${options.windowSeconds}::float8)`;
  const result = await sql<{ hits: number; locked: boolean }>`
    INSERT INTO rate_limits AS r (bucket, window_start, hits) VALUES (${bucket}, now(), 1)
    ON CONFLICT (bucket) DO UPDATE SET
      hits = CASE WHEN ${expired} THEN 1 ELSE r.hits + 1 END,
      window_start = CASE WHEN ${expired} THEN now() ELSE r.window_start END
    WHERE ${options.passLock}::boolean
      OR ((r.locked_until IS NULL OR r.locked_until <= now()) AND (${expired} OR r.hits < ${options.limit}::int))
    RETURNING r.hits, coalesce(r.locked_until > now(), false) AS locked`.execute(db);
  return result.rows[0] ?? null;
}

/** Seconds until a refused bucket may be tried again: its lockout's end, or 1 while others' attempts fill it. */
export async function loginRetryAfter(db: Db, bucket: string): Promise<number> {
  const result = await sql<{ seconds: number }>`
    SELECT greatest(1, ceil(extract(epoch FROM locked_until - now())))::int AS seconds FROM rate_limits WHERE bucket = ${bucket}`.execute(db);
  return result.rows[0]?.seconds ?? 1;
}

export async function releaseLoginAttempt(db: Db, bucket: string): Promise<void> {
  await db.updateTable('rate_limits').set({ hits: sql<number>`greatest(hits - 1, 0)` }).where('bucket', '=', bucket).execute();
}

/**
 * After a failure: a bucket whose window holds `limit` failures is locked, for windowSeconds × 2^(lockouts so far),
 * at most maxLockoutSeconds, and starts counting again. Returns the lockout (its length and its step, 1 for the
 * first), or null when the bucket is below its bar.
 */
export async function lockLoginBucketAtBar(
  db: Db,
  bucket: string,
  options: { limit: number; windowSeconds: number; maxLockoutSeconds: number },
): Promise<{ seconds: number; step: number } | null> {
  const forgotten = sql`r.locked_until IS NULL OR r.locked_until <= now() - ${LOCKOUT_MEMORY}`;
  const result = await sql<{ seconds: number; step: number }>`
    UPDATE rate_limits AS r SET
      lockouts = CASE WHEN ${forgotten} THEN 1 ELSE r.lockouts + 1 END,
      locked_until = greatest(r.locked_until, now() + make_interval(secs => least(
        ${options.windowSeconds}::float8 * power(2::float8, CASE WHEN ${forgotten} THEN 0 ELSE least(r.lockouts, 30) END),
        ${options.maxLockoutSeconds}::float8))),
      hits = 0,
      window_start = now()
    WHERE r.bucket = ${bucket} AND r.hits >= ${options.limit}::int
    RETURNING ceil(extract(epoch FROM r.locked_until - now()))::int AS seconds, r.lockouts AS step`.execute(db);
  return result.rows[0] ?? null;
}

/** Buckets whose window and lockout both ended over a day ago hold nothing a later attempt would read. */
export async function deleteStaleRateLimits(db: Db): Promise<void> {
  await db.deleteFrom('rate_limits')
    .where(sql<boolean>`window_start < now() - ${LOCKOUT_MEMORY} AND (locked_until IS NULL OR locked_until < now() - ${LOCKOUT_MEMORY})`)
    .execute();
}
