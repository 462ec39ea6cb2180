import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { can, type Permission } from '../domain/auth/permissions.ts';
import { API_KEY_PREFIX, SESSION_COOKIE, resolveApiKey, resolveSession } from '../features/auth/auth.service.ts';
import type { AppEnv } from './context.ts';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the caller from `Authorization: Bearer dk_…` or the session cookie; never rejects by itself. */
export const identify: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, config } = c.get('deps');
  const header = c.req.header('authorization');
  let auth = null;
  if (header?.startsWith('Bearer ')) {
    const key = header.slice('Bearer '.length).trim();
    if (!key.startsWith(API_KEY_PREFIX)) throw new AppError('unauthenticated', 'Unknown credential type');
    auth = await resolveApiKey(db, key);
    if (!auth) throw new AppError('unauthenticated', 'Invalid or revoked API key');
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) auth = await resolveSession(db, config, token);
  }
  c.set('auth', auth);
  c.set('actor', { ...c.get('actor'), auth });
  await next();
};

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = c.get('auth');
  if (!auth) throw new AppError('unauthenticated', 'Sign in first');
  // Cookies are sent by the browser on its own; a write must also prove it came from our page.
  if (auth.via === 'session' && !SAFE_METHODS.has(c.req.method)) checkCsrf(c, auth.csrfToken);
  await next();
};

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth');
    if (!auth) throw new AppError('unauthenticated', 'Sign in first');
    if (!can(auth.role, permission)) throw new AppError('forbidden', `Your role (${auth.role}) does not allow ${permission}`);
    await next();
  };
}

function checkCsrf(c: Context<AppEnv>, expected: string | null): void {
  const sent = c.req.header('x-csrf-token');
  if (!expected || !sent || sent !== expected) throw new AppError('csrf_failed', 'Missing or invalid X-CSRF-Token header');
}
