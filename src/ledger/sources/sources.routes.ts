import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { SOURCE_NAME_PATTERN } from '../../domain/sources/names.ts';
import { retrySourceRecompute } from './recompute.service.ts';
import { createSource, listSources, updateSource } from './sources.service.ts';

const KIND = z.enum(['file_import', 'form', 'api', 'tracker', 'integration']);
const PARTY = z.enum(['first', 'second', 'third']).openapi({ description: 'first = 自社, second = 他社, third = 第三者' });

const RecomputeSchema = z.object({
  status: z.enum(['running', 'completed', 'failed']),
  priorityFrom: z.number().int(), priorityTo: z.number().int(),
  done: z.number().int().openapi({ description: 'Customers whose golden record has been recomputed so far' }),
  total: z.number().int().openapi({ description: 'Customers holding a record of the source when the recompute began' }),
  error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('SourceRecompute', {
  description: 'Survivorship re-applied after the priority changed: the golden records of the customers holding a record of the source, recomputed in the background page by page (it survives a restart and goes on from where it was)',
});

const SourceSchema = z.object({
  id: z.string().uuid(), name: z.string(), label: z.string(), kind: z.string(), party: z.string(),
  owningDepartment: z.string().nullable(), priority: z.number().int(), freshnessSlaDays: z.number().int().nullable(),
  description: z.string().nullable(), recordCount: z.number().int(), lastReceivedAt: z.string().nullable(), stale: z.boolean(),
  recompute: RecomputeSchema.nullable().openapi({ description: 'The latest recompute after a priority change; null if the priority never changed' }),
}).openapi('Source');

const SourceCreate = z.object({
  name: z.string().regex(SOURCE_NAME_PATTERN, 'lowercase letters, digits, - and _, at most 63 characters').openapi({
    example: 'meishi', description: 'Not manual, form-…, web-… or events-form-…: those sources are registered by their feature',
  }),
  label: z.string().trim().min(1).max(100).openapi({ example: '名刺管理' }),
  kind: KIND,
  party: PARTY,
  owningDepartment: z.string().trim().max(100).nullable().optional(),
  priority: z.number().int().min(1).max(10_000).optional(),
  freshnessSlaDays: z.number().int().min(1).max(3650).nullable().optional(),
  description: z.string().trim().max(1000).nullable().optional(),
}).openapi('SourceCreate');
const SourcePatch = SourceCreate.omit({ name: true, kind: true }).partial().openapi('SourcePatch');

export function sourceRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sources', access: 'sources:read', summary: 'The data-source registry with freshness', tags: ['sources'],
      responses: { 200: json(z.object({ items: z.array(SourceSchema) }), 'Sources') } }),
    async (c) => c.json({ items: await listSources(c.get('deps').db) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sources', access: 'sources:write', summary: 'Register a source', tags: ['sources'],
      request: { body: { content: { 'application/json': { schema: SourceCreate } }, required: true } },
      responses: { 201: json(SourceSchema, 'Registered'), 409: json(z.object({}), 'Name taken') } }),
    async (c) => c.json(await createSource(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/sources/{id}', access: 'sources:write',
      summary: 'Edit a source (label, party, department, priority, SLA). A new priority starts the recompute of the golden records of the customers holding a record of the source (survivorship picks again); the answer waits for it up to 2 s, then `recompute` shows its progress (poll GET /sources)', tags: ['sources'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: SourcePatch } }, required: true } },
      responses: { 200: json(SourceSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateSource(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sources/{id}/recompute', access: 'sources:write',
      summary: 'Retry a failed recompute from where it stopped (a running one goes on; waits up to 2 s like the edit)', tags: ['sources'],
      request: { params: IdParam },
      responses: { 200: json(RecomputeSchema, 'The recompute'), 404: json(z.object({}), 'The source has no recompute') } }),
    async (c) => c.json(await retrySourceRecompute(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  return app;
}
