import type { Actor, AuthContext } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Config, LoginRateLimit } from '../../config/config.ts';
import type { Db } from '../../db/database.ts';
import { rateLimitAddress } from '../../domain/auth/client-address.ts';
import { isRole } from '../../domain/auth/permissions.ts';
import { audit } from '../audit/audit.service.ts';
import * as users from './users.repository.ts';
import type { CreatedApiKey, SetupStatus, User } from './accounts.schemas.ts';
import { createUser, normalizeLoginEmail, userRowToUser } from './users.service.ts';
import * as repo from './auth.repository.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords.ts';
import { hashToken, newToken } from './tokens.ts';

export const SESSION_COOKIE = 'daicho_session';
export const API_KEY_PREFIX = 'dk_';

// ── login / logout ──

export interface LoginResult { token: string; csrfToken: string; user: User; expiresAt: Date }

/** Where failed sign-ins are counted: see `login`. */
type LoginScope = 'address' | 'account_address' | 'account';
const LOGIN_SCOPES: readonly LoginScope[] = ['address', 'account_address', 'account'];

/**
 * Password login. Only failures count, in three buckets in the database (so the limits hold across processes):
 * the client address (IPv6 per /64: rateLimitAddress) over all accounts (one place trying many accounts), the
 * account from that address (someone guessing one account; a success clears it), and the account over all
 * addresses (a guesser spread over many addresses), each with its own bar per window. A bucket at its bar is locked, longer each time (backoff). While the
 * account-wide bucket is locked, only an address that has not been failing for the account may try, and one
 * failure locks it too: the owner signing in from their own machine is not shut out by someone else's guesses.
 * Attempts are counted before the password is checked, so a burst cannot slip past a bar. A failure never says
 * whether the e-mail exists.
 */
export async function login(
  db: Db,
  config: Config,
  input: { email: string; password: string },
  actor: Actor,
): Promise<LoginResult> {
  const email = normalizeLoginEmail(input.email);
  const limits = config.loginRateLimit;
  const address = rateLimitAddress(actor.ip ?? 'unknown');
  const buckets: Record<LoginScope, string> = {
    address: `login:ip:${address}`,
    account_address: `login:ip-email:${address} ${email}`,
    account: `login:email:${email}`,
  };
  const reserved: string[] = [];
  const giveBack = async () => { for (const bucket of reserved) await repo.releaseLoginAttempt(db, bucket); };

  let accountLocked = false;
  let addressClean = false;
  for (const scope of LOGIN_SCOPES) {
    const taken = await repo.reserveLoginAttempt(db, buckets[scope], {
      limit: loginBar(limits, scope, false), windowSeconds: limits.windowSeconds, passLock: scope === 'account' && addressClean,
    });
    if (!taken) {
      const retryAfter = await repo.loginRetryAfter(db, buckets[scope]);
      await giveBack();
      await audit(db, actor, 'auth.login_rate_limited', null, { email, scope, retryAfter });
      throw new AppError('too_many_requests', 'Too many failed sign-ins. Try again later.', [], { 'Retry-After': String(retryAfter) });
    }
    reserved.push(buckets[scope]);
    // The first attempt in this address's window for the account: it has not been failing for it.
    if (scope === 'account_address') addressClean = taken.hits === 1;
    if (scope === 'account') accountLocked = taken.locked;
  }

  const row = await users.findUserByEmail(db, email);
  const ok = await verifyPassword(input.password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!row || !ok || row.disabled_at !== null) {
    const entity = row ? { type: 'user', id: row.id } : null;
    await audit(db, actor, 'auth.login_failed', entity, { email, reason: row?.disabled_at ? 'disabled' : 'bad_credentials' });
    for (const scope of LOGIN_SCOPES) {
      const lockout = await repo.lockLoginBucketAtBar(db, buckets[scope], {
        limit: loginBar(limits, scope, accountLocked), windowSeconds: limits.windowSeconds, maxLockoutSeconds: limits.maxLockoutSeconds,
      });
      if (lockout) await audit(db, actor, 'auth.login_lockout', entity, { email, scope, seconds: lockout.seconds, step: lockout.step });
    }
    throw new AppError('unauthenticated', 'E-mail or password is incorrect');
  }
  // A success never counts: the attempt is given back, and this address's failures for the account are forgotten.
  await repo.releaseLoginAttempt(db, buckets.address);
  await repo.releaseLoginAttempt(db, buckets.account);
  await repo.clearRateLimit(db, buckets.account_address);
  const token = newToken();
  const csrfToken = newToken(24);
  const expiresAt = new Date(Date.now() + config.sessionTtlHours * 3600_000);
  await repo.insertSession(db, { tokenHash: hashToken(token), userId: row.id, csrfToken, ip: actor.ip, userAgent: actor.userAgent, expiresAt });
  const updated = await users.updateUser(db, row.id, { last_login_at: new Date() });
  await audit(db, { ...actor, auth: authFromUser(updated ?? row, 'session', null, csrfToken) }, 'auth.login', { type: 'user', id: row.id });
  return { token, csrfToken, user: userRowToUser(updated ?? row), expiresAt };
}

/** Failures a bucket takes in a window before it locks; while the account is locked, an address let through gets one. */
function loginBar(limits: LoginRateLimit, scope: LoginScope, accountLocked: boolean): number {
  if (scope === 'address') return limits.addressMaxFailures;
  if (scope === 'account') return limits.accountMaxFailures;
  return accountLocked ? 1 : limits.maxAttempts;
}

export async function logout(db: Db, sessionToken: string, actor: Actor): Promise<void> {
  await repo.deleteSession(db, hashToken(sessionToken));
  await audit(db, actor, 'auth.logout', actor.auth ? { type: 'user', id: actor.auth.userId } : null);
}

function authFromUser(
  row: { id: string; email: string; display_name: string; role: string },
  via: AuthContext['via'],
  apiKeyId: string | null,
  csrfToken: string | null,
): AuthContext {
  return {
    userId: row.id,
    email: row.email,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : 'viewer',
    via,
    apiKeyId,
    csrfToken,
  };
}

/**
 * Who a background job runs as: the user who queued it, with their role as it is now (a job queued by a user since
 * disabled or deleted: null). `apiKeyId`: the key it was queued with, for the audit log.
 */
export async function authOfUser(db: Db, userId: string, apiKeyId: string | null): Promise<AuthContext | null> {
  const user = await users.findUserById(db, userId);
  if (!user || user.disabled_at) return null;
  return authFromUser(user, apiKeyId ? 'api_key' : 'session', apiKeyId, null);
}

/** Sliding sessions: each use pushes expiry forward, written at most once a minute. */
export async function resolveSession(db: Db, config: Config, token: string): Promise<AuthContext | null> {
  const tokenHash = hashToken(token);
  const session = await repo.findLiveSession(db, tokenHash);
  if (!session) return null;
  const user = await users.findUserById(db, session.user_id);
  if (!user) return null;
  if (Date.now() - session.last_seen_at.getTime() > 60_000) {
    await repo.touchSession(db, tokenHash, new Date(Date.now() + config.sessionTtlHours * 3600_000));
  }
  return authFromUser(user, 'session', null, session.csrf_token);
}

// ── API keys: `dk_<prefix>_<secret>`; the prefix finds the row, the secret is stored hashed ──

export async function createApiKey(
  db: Db,
  userId: string,
  name: string,
  options: { expiresAt?: Date | null; actor?: Actor } = {},
): Promise<CreatedApiKey> {
  // A key that is expired from its first moment would be shown once and then refused: a mistake to say now.
  if (options.expiresAt && options.expiresAt.getTime() <= Date.now()) {
    throw new AppError('validation_failed', 'The expiry is in the past', [{ field: 'expiresAt', message: 'Choose a time in the future' }]);
  }
  const prefix = newToken(6).replace(/[-_]/g, 'x').slice(0, 8);
  const secret = newToken(32);
  const key = `${API_KEY_PREFIX}${prefix}_${secret}`;
  const row = await repo.insertApiKey(db, { userId, name, prefix, keyHash: hashToken(key), expiresAt: options.expiresAt ?? null });
  if (options.actor) await audit(db, options.actor, 'api_key.create', { type: 'api_key', id: row.id }, { name, prefix });
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    key,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
  };
}

export async function resolveApiKey(db: Db, key: string): Promise<AuthContext | null> {
  const match = /^dk_([A-Za-z0-9]{8})_[A-Za-z0-9_-]{20,}$/.exec(key);
  if (!match) return null;
  const row = await repo.findApiKeyByPrefix(db, match[1]!);
  if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
  if (row.key_hash !== hashToken(key)) return null;
  const user = await users.findUserById(db, row.user_id);
  if (!user) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) await repo.markApiKeyUsed(db, row.id);
  return authFromUser(user, 'api_key', row.id, null);
}

export async function listOwnApiKeys(db: Db, userId: string) {
  return (await repo.listApiKeys(db, userId)).map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
    expiresAt: r.expires_at ? r.expires_at.toISOString() : null,
    revoked: r.revoked_at !== null,
  }));
}

export async function revokeOwnApiKey(db: Db, userId: string, id: string, actor: Actor): Promise<void> {
  if (!(await repo.revokeApiKey(db, id, userId))) throw notFound('API key');
  await audit(db, actor, 'api_key.revoke', { type: 'api_key', id });
}

// ── first run ──

/**
 * While no user exists, each server process makes a one-time setup token, stores its hash and prints it to
 * its console, so only someone who can read the server's console can claim the admin account.
 * Returns null when users exist.
 */
export async function issueSetupTokenIfNeeded(db: Db): Promise<string | null> {
  if ((await users.countUsers(db)) > 0) return null;
  const token = newToken(18);
  await repo.insertSetupToken(db, hashToken(token));
  return token;
}

export async function setupStatus(db: Db): Promise<SetupStatus> {
  return { needsSetup: (await users.countUsers(db)) === 0 };
}

export async function completeSetup(
  db: Db,
  input: { token: string; email: string; password: string; displayName?: string | undefined },
  actor: Actor,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    if ((await users.countUsers(trx)) > 0) throw new AppError('setup_closed', 'Daicho is already set up; sign in instead');
    if (!(await repo.setupTokenExists(trx, hashToken(input.token.trim())))) {
      await audit(trx, actor, 'auth.setup_failed', null, { reason: 'bad_token' });
      throw new AppError('validation_failed', 'The setup token is not valid', [{ field: 'token', message: 'Copy the token printed in the server console' }]);
    }
    const user = await createUser(trx, { email: input.email, password: input.password, role: 'admin', displayName: input.displayName });
    await repo.deleteAllSetupTokens(trx);
    await audit(trx, actor, 'auth.setup', { type: 'user', id: user.id }, { email: user.email });
    return user;
  });
}
