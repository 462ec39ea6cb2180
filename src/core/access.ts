import type { Context, MiddlewareHandler } from 'hono';
import { can, type Permission } from '../domain/auth/permissions.ts';
import type { AppEnv } from './context.ts';
import { AppError } from './errors.ts';

/** The gates secureRoute puts in front of a handler; who the caller is was settled earlier (the auth middleware). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
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
