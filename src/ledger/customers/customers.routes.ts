import { z } from '@hono/zod-openapi';
import { IdParam, ProblemSchema, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { addNote, timeline } from '../activities/activities.service.ts';
import {
  CustomerCreateInput, CustomerListQuery, CustomerListSchema, CustomerPatchInput, CustomerSchema, SourceRecordSchema,
} from './customers.schemas.ts';
import {
  countSearch, createCustomer, deleteCustomer, getCustomer, listCustomerSourceRecords, listCustomers, updateCustomer,
} from './customers.service.ts';

const ActivitySchema = z.object({
  id: z.number().int(), type: z.string(), occurredAt: z.string(), title: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()), amount: z.string().nullable(), currency: z.string().nullable(),
  source: z.string().nullable().openapi({ description: 'Name of the source that recorded it (e.g. form-catalog)' }),
  sourceLabel: z.string().nullable().openapi({ description: 'Its label for people (e.g. フォーム: 製品カタログ資料請求)' }),
  actor: z.string().nullable(),
}).openapi('Activity');

const notFound = json(z.object({}), 'No such customer');
const tooManySearches = {
  content: { 'application/problem+json': { schema: ProblemSchema } },
  description: 'Too many searches by this user (DAICHO_SEARCH_MAX_PER_MINUTE); Retry-After says when to try again',
};

export function customerRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers', access: 'customers:read', tags: ['customers'],
      summary: 'List customers: filters, sort, cursor pagination; with q, ranked search (counted against the search limit; without customers:read_personal, e-mails and phones match only whole)',
      request: { query: CustomerListQuery }, responses: { 200: json(CustomerListSchema, 'A page of customers'), 429: tooManySearches } }),
    async (c) => {
      const query = c.req.valid('query');
      const { db, config } = c.get('deps');
      if (query.q?.trim()) await countSearch(db, config.searchRateLimit, c.get('auth'));
      return c.json(await listCustomers(db, query, c.get('auth')), 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers', access: 'customers:write', tags: ['customers'],
      summary: 'Create a customer (recorded as a manual source record by you)',
      request: { body: { content: { 'application/json': { schema: CustomerCreateInput } }, required: true } },
      responses: { 201: json(CustomerSchema, 'Created') } }),
    async (c) => c.json(await createCustomer(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}', access: 'customers:read', tags: ['customers'],
      summary: 'A full profile with per-field provenance (audited)',
      request: { params: IdParam }, responses: { 200: json(CustomerSchema, 'The customer'), 404: notFound } }),
    async (c) => c.json(await getCustomer(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/customers/{id}', access: 'customers:write', tags: ['customers'],
      summary: 'Edit fields; null or "" clears one. The edit is a new manual source record and a timeline entry.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: CustomerPatchInput } }, required: true } },
      responses: { 200: json(CustomerSchema, 'Updated'), 404: notFound } }),
    async (c) => c.json(await updateCustomer(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/customers/{id}', access: 'customers:delete', tags: ['customers'],
      summary: 'Soft delete (kept, hidden, and recorded in the audit log)',
      request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, 404: notFound } }),
    async (c) => {
      await deleteCustomer(c.get('deps').db, c.req.valid('param').id, c.get('actor'));
      return c.body(null, 204);
    },
  );

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

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/source-records', access: 'customers:read', tags: ['customers'],
      summary: 'Every source record behind the customer, raw and normalised',
      request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(SourceRecordSchema) }), 'Source records'), 404: notFound } }),
    async (c) => c.json({ items: await listCustomerSourceRecords(c.get('deps').db, c.req.valid('param').id, c.get('auth')) }, 200),
  );
  return app;
}

/** The one search box: `GET /api/v1/search?q=` — the same ranked search as the customer list's q. */
export function searchRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/search', access: 'customers:read', tags: ['customers'],
      summary: 'Search customers by any part of name, フリガナ (any width), company, e-mail or phone (without customers:read_personal, e-mails and phones match only whole); limited per user (DAICHO_SEARCH_MAX_PER_MINUTE)',
      request: { query: z.object({ q: z.string().max(200), limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(200).optional() }) },
      responses: { 200: json(CustomerListSchema, 'Ranked matches'), 429: tooManySearches } }),
    async (c) => {
      const q = c.req.valid('query');
      const { db, config } = c.get('deps');
      await countSearch(db, config.searchRateLimit, c.get('auth'));
      return c.json(await listCustomers(db, { q: q.q, limit: q.limit ?? 20, cursor: q.cursor }, c.get('auth')), 200);
    },
  );
  return app;
}
