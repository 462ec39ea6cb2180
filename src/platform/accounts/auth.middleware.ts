import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { API_KEY_PREFIX, SESSION_COOKIE, resolveApiKey, resolveSession } from './auth.service.ts';

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
