import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { addNote, timeline } from './activities.service.ts';

const ActivitySchema = z.object({
  id: z.number().int(), type: z.string(), occurredAt: z.string(), title: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()), amount: z.string().nullable(), currency: z.string().nullable(),
  source: z.string().nullable().openapi({ description: 'Name of the source that recorded it (e.g. form-catalog)' }),
  sourceLabel: z.string().nullable().openapi({ description: 'Its label for people (e.g. フォーム: 製品カタログ資料請求)' }),
  actor: z.string().nullable(),
}).openapi('Activity');

const notFound = json(z.object({}), 'No such customer');

/** A customer's timeline and the notes people add to it. */
export function activityRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/activities', access: 'customers:read', tags: ['customers'],
      summary: 'Timeline, newest first; filter by type (comma-separated)',
      request: { params: IdParam, query: z.object({ types: z.string().max(300).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }) },
      responses: { 200: json(z.object({ items: z.array(ActivitySchema), nextCursor: z.string().nullable(), hasMore: z.boolean() }), 'Activities'), 404: notFound } }),
    async (c) => c.json(await timeline(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/{id}/notes', access: 'customers:write', tags: ['customers'],
      summary: 'Add a sales note to the timeline',
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({
        body: z.string().trim().min(1).max(10_000), mentions: z.array(z.string().uuid()).max(20).optional(), occurredAt: z.string().datetime().optional(),
      }) } }, required: true } },
      responses: { 201: json(ActivitySchema, 'The note'), 404: notFound } }),
    async (c) => c.json(await addNote(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 201),
  );
  return app;
}
