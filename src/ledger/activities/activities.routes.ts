import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { ActivitySchema, NoteCreate, TimelineQuery, TimelineSchema } from './activities.schemas.ts';
import { addNote, timeline } from './activities.service.ts';

const notFound = json(z.object({}), 'No such customer');

/** A customer's timeline and the notes people add to it. */
export function activityRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/activities', access: 'customers:read', tags: ['customers'],
      summary: 'Timeline, newest first; filter by type (comma-separated)',
      request: { params: IdParam, query: TimelineQuery },
      responses: { 200: json(TimelineSchema, 'Activities'), 404: notFound } }),
    async (c) => c.json(await timeline(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/{id}/notes', access: 'customers:write', tags: ['customers'],
      summary: 'Add a sales note to the timeline',
      request: { params: IdParam, body: { content: { 'application/json': { schema: NoteCreate } }, required: true } },
      responses: { 201: json(ActivitySchema, 'The note'), 404: notFound } }),
    async (c) => c.json(await addNote(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 201),
  );
  return app;
}
