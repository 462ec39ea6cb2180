import { log } from './logger.ts';
import { OpenAPIHono, createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import type { Permission } from '../domain/auth/permissions.ts';
import { requireAuth, requirePermission } from './access.ts';
import type { AppEnv } from './context.ts';
import { AppError, type FieldError } from './errors.ts';
import { refuseUnstorableInput } from './input-guard.ts';

/** A feature's routes: an OpenAPI router the app shell mounts (features never see the shell). */
export type Router = OpenAPIHono<AppEnv>;

/**
 * A router whose validation failures are 400 problem details with field messages, and whose validated input is
 * checked for text PostgreSQL cannot store. The app shell is made with it too, so every router answers alike.
 */
export function createRouter(): Router {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error as unknown as ZodError);
      refuseUnstorableInput(result.target, result.data);
    },
  });
}

function validationError(error: ZodError): AppError {
  const fieldErrors: FieldError[] = error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  return new AppError('validation_failed', 'The request has invalid fields', fieldErrors);
}

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
  const middleware: MiddlewareHandler<AppEnv>[] = [
    validateResponse(route.responses as Record<string, unknown>),
    ...(access === 'public' ? [] : access === 'authenticated' ? [requireAuth] : [requireAuth, requirePermission(access)]),
  ];
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

/**
 * Checks each JSON response against the zod schema the route declares for its status, so the OpenAPI document
 * cannot drift from what the server sends. `log` reports drift; `strict` (tests) turns it into a 500.
 */
function validateResponse(responses: Record<string, unknown>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const mode = c.get('deps').config.responseValidation;
    if (mode === 'off' || !c.res.headers.get('content-type')?.startsWith('application/json')) return;
    const declared = responses[String(c.res.status)] as { content?: Record<string, { schema?: z.ZodTypeAny }> } | undefined;
    const schema = declared?.content?.['application/json']?.schema;
    if (!schema) return;
    const result = schema.safeParse(await c.res.clone().json());
    if (result.success) return;
    const problem = `Response of ${c.req.method} ${c.req.routePath} (${c.res.status}) does not match its schema: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    log.error(problem);
    if (mode === 'strict') c.res = new Response(JSON.stringify({ type: 'about:blank', title: problem, status: 500, code: 'internal' }), { status: 500, headers: { 'content-type': 'application/problem+json' } });
  };
}

export const IdParam = z.object({ id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
