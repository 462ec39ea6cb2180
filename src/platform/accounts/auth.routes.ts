import { z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import type { AppEnv } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { ROLE_PERMISSIONS } from '../../domain/auth/permissions.ts';
import {
  ApiKeyCreate, ApiKeyListSchema, CreatedApiKeySchema, LoginBody, MeSchema, SetupBody, SetupStatusSchema, UserSchema,
} from './accounts.schemas.ts';
import {
  SESSION_COOKIE, completeSetup, createApiKey, listOwnApiKeys, login, logout, revokeOwnApiKey, setupStatus,
} from './auth.service.ts';

function isSecure(c: Context<AppEnv>): boolean {
  const { config } = c.get('deps');
  if (config.publicUrl?.startsWith('https://')) return true;
  if (config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}

export function authRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/auth/setup', access: 'public', summary: 'Whether Daicho still needs its first user', tags: ['auth'],
      responses: { 200: json(SetupStatusSchema, 'Setup status') } }),
    async (c) => c.json(await setupStatus(c.get('deps').db), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/auth/setup', access: 'public', summary: 'First run: create the administrator with the console token', tags: ['auth'],
      request: { body: { content: { 'application/json': { schema: SetupBody } }, required: true } },
      responses: { 201: json(UserSchema, 'The administrator'), 409: json(z.object({}), 'Already set up') } }),
    async (c) => {
      const user = await completeSetup(c.get('deps').db, c.req.valid('json'), c.get('actor'));
      return c.json(user, 201);
    },
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/auth/login', access: 'public', summary: 'Sign in with e-mail and password (sets the session cookie)', tags: ['auth'],
      request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
      responses: { 200: json(MeSchema, 'Signed in'), 429: json(z.object({}), 'Too many attempts') } }),
    async (c) => {
      const { db, config } = c.get('deps');
      const result = await login(db, config, c.req.valid('json'), c.get('actor'));
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true, sameSite: 'Lax', secure: isSecure(c), path: '/', expires: result.expiresAt,
      });
      return c.json({ user: result.user, permissions: [...ROLE_PERMISSIONS[result.user.role]], csrfToken: result.csrfToken, via: 'session' as const }, 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/auth/logout', access: 'authenticated', summary: 'Sign out', tags: ['auth'],
      responses: { 204: { description: 'Signed out' } } }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await logout(c.get('deps').db, token, c.get('actor'));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/auth/me', access: 'authenticated', summary: 'The signed-in user, permissions and CSRF token', tags: ['auth'],
      responses: { 200: json(MeSchema, 'Me') } }),
    async (c) => {
      const auth = c.get('auth')!;
      const { getUser } = await import('./users.service.ts');
      const user = await getUser(c.get('deps').db, auth.userId);
      return c.json({ user, permissions: [...ROLE_PERMISSIONS[auth.role]], csrfToken: auth.csrfToken, via: auth.via }, 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/auth/api-keys', access: 'api_keys:own', summary: 'Your API keys', tags: ['auth'],
      responses: { 200: json(ApiKeyListSchema, 'Keys (secrets are never shown again)') } }),
    async (c) => c.json({ items: await listOwnApiKeys(c.get('deps').db, c.get('auth')!.userId) }, 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/auth/api-keys', access: 'api_keys:own', summary: 'Create an API key (the key is shown once)', tags: ['auth'],
      request: { body: { content: { 'application/json': { schema: ApiKeyCreate } }, required: true } },
      responses: { 201: json(CreatedApiKeySchema, 'The new key') } }),
    async (c) => {
      const body = c.req.valid('json');
      if (c.get('auth')!.via === 'api_key') throw new AppError('forbidden', 'API keys cannot create API keys; sign in');
      const key = await createApiKey(c.get('deps').db, c.get('auth')!.userId, body.name, {
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null, actor: c.get('actor'),
      });
      return c.json(key, 201);
    },
  );

  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/auth/api-keys/{id}', access: 'api_keys:own', summary: 'Revoke one of your API keys', tags: ['auth'],
      request: { params: IdParam }, responses: { 204: { description: 'Revoked' }, 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      await revokeOwnApiKey(c.get('deps').db, c.get('auth')!.userId, c.req.valid('param').id, c.get('actor'));
      return c.body(null, 204);
    },
  );
  return app;
}
