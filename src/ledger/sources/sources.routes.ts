import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { retrySourceRecompute } from './recompute.service.ts';
import { SourceCreate, SourceListSchema, SourcePatch, SourceRecomputeSchema, SourceSchema } from './sources.schemas.ts';
import { createSource, listSources, updateSource } from './sources.service.ts';

export function sourceRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sources', access: 'sources:read', summary: 'The data-source registry with freshness', tags: ['sources'],
      responses: { 200: json(SourceListSchema, 'Sources') } }),
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
      summary: 'Edit a source (label, party, department, priority, SLA, e-mail basis). A new priority starts the recompute of the golden records of the customers holding a record of the source (survivorship picks again); the answer waits for it up to 2 s, then `recompute` shows its progress (poll GET /sources)', tags: ['sources'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: SourcePatch } }, required: true } },
      responses: { 200: json(SourceSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateSource(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sources/{id}/recompute', access: 'sources:write',
      summary: 'Retry a failed recompute from where it stopped (a running one goes on; waits up to 2 s like the edit)', tags: ['sources'],
      request: { params: IdParam },
      responses: { 200: json(SourceRecomputeSchema, 'The recompute'), 404: json(z.object({}), 'The source has no recompute') } }),
    async (c) => c.json(await retrySourceRecompute(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  return app;
}
