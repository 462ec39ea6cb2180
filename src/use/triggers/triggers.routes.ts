import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import {
  FiringPageSchema, FiringsQuery, RunResultSchema, TaskListSchema, TasksQuery, TriggerInputSchema, TriggerListSchema, TriggerPatchSchema, TriggerSchema,
} from './triggers.schemas.ts';
import * as triggers from './triggers.service.ts';

const notFound = json(z.object({}), 'No such rule');
const body = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });

export function triggerRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/triggers', access: 'campaigns:read', tags: ['triggers'],
      summary: 'Behaviour triggers with their firing counts', responses: { 200: json(TriggerListSchema, 'Rules') } }),
    async (c) => c.json(await triggers.listTriggers(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/triggers', access: 'campaigns:write', tags: ['triggers'],
      summary: 'Create a rule: a segment condition tree, an action (email or task) and a cool-down per person',
      request: { body: body(TriggerInputSchema) }, responses: { 201: json(TriggerSchema, 'Created') } }),
    async (c) => c.json(await triggers.createTrigger(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/triggers/{id}', access: 'campaigns:read', tags: ['triggers'],
      summary: 'One rule', request: { params: IdParam }, responses: { 200: json(TriggerSchema, 'The rule'), 404: notFound } }),
    async (c) => c.json(await triggers.getTrigger(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/triggers/{id}', access: 'campaigns:write', tags: ['triggers'],
      summary: 'Edit a rule (enable, disable, conditions, content)', request: { params: IdParam, body: body(TriggerPatchSchema) },
      responses: { 200: json(TriggerSchema, 'The rule'), 404: notFound } }),
    async (c) => c.json(await triggers.updateTrigger(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/triggers/{id}', access: 'campaigns:write', tags: ['triggers'],
      summary: 'Delete a rule (soft; its firings, campaigns and tasks stay)', request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: notFound } }),
    async (c) => { await triggers.deleteTrigger(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/triggers/{id}/run', access: 'campaigns:send', tags: ['triggers'],
      summary: 'Run the rule now (as the minute\'s pass would): counts matched, sent, suppressed and tasks created', request: { params: IdParam },
      responses: { 200: json(RunResultSchema, 'What the pass did'), 404: notFound } }),
    async (c) => c.json(await triggers.runTriggerNow(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/triggers/{id}/firings', access: 'campaigns:read', tags: ['triggers'],
      summary: 'Who the rule fired for, newest first, with why (e-mail addresses masked without customers:read_personal)',
      request: { params: IdParam, query: FiringsQuery }, responses: { 200: json(FiringPageSchema, 'A page'), 404: notFound } }),
    async (c) => c.json(await triggers.listFirings(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/tasks', access: 'customers:read', tags: ['triggers'],
      summary: 'Tasks by due date (mine=1: the signed-in user\'s; status=open|done)', request: { query: TasksQuery },
      responses: { 200: json(TaskListSchema, 'Tasks') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await triggers.listTasks(c.get('deps').db, { mine: q.mine === '1' || q.mine === 'true', status: q.status }, c.get('auth')), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/tasks/{id}/done', access: 'customers:write', tags: ['triggers'],
      summary: 'Complete a task', request: { params: IdParam },
      responses: { 204: { description: 'Done' }, 404: json(z.object({}), 'No such task'), 409: json(z.object({}), 'Already done') } }),
    async (c) => { await triggers.completeTask(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  return app;
}
