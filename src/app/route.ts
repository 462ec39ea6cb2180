import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '../domain/auth/permissions.ts';
import { requireAuth, requirePermission } from './auth-middleware.ts';
import type { AppEnv } from './context.ts';

/**
 * Who may call a route: a permission from the matrix, any signed-in user, or anyone (login, first run).
 * Every route is declared through secureRoute, so none can be added without saying which;
 * the value is published in the OpenAPI document as `x-permission` and test/api/permissions.test.ts walks it.
 */
export type Access = Permission | 'authenticated' | 'public';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({ content: { 'application/problem+json': { schema: ProblemSchema } }, description });

export function secureRoute<R extends Omit<RouteConfig, 'middleware'>>(config: R & { access: Access }) {
  const { access, ...route } = config;
  const middleware: MiddlewareHandler<AppEnv>[] =
    access === 'public' ? [] : access === 'authenticated' ? [requireAuth] : [requireAuth, requirePermission(access)];
  return createRoute({
    ...route,
    middleware,
    'x-permission': access,
    ...(access === 'public' ? {} : { security: [{ cookieAuth: [] }, { bearerAuth: [] }] }),
    responses: {
      ...route.responses,
      400: problem('Invalid input'),
      ...(access === 'public' ? {} : { 401: problem('Not signed in'), 403: problem('Not allowed') }),
    },
  } as unknown as R & { middleware: MiddlewareHandler<AppEnv>[] });
}

export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
