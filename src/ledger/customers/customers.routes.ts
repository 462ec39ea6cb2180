import { z } from '@hono/zod-openapi';
import { IdParam, ProblemSchema, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import {
  AffiliationHistorySchema, CustomerListQuery, CustomerListSchema, CustomerSchema, CustomerSourceValuesSchema, SearchQuery, SourceRecordListSchema,
} from './customers.schemas.ts';
import {
  countSearch, customerAffiliations, deleteCustomer, getCustomer, getCustomerSourceValues, listCustomerSourceRecords, listCustomers,
} from './customers.service.ts';

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
      // The first page carries the total; the pages after it keep the one shown.
      return c.json(await listCustomers(db, query, c.get('auth'), { total: !query.cursor }), 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}', access: 'customers:read', tags: ['customers'],
      summary: 'A full profile with per-field provenance (audited)',
      request: { params: IdParam }, responses: { 200: json(CustomerSchema, 'The customer'), 404: notFound } }),
    async (c) => c.json(await getCustomer(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
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
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/source-records', access: 'customers:read', tags: ['customers'],
      summary: 'Every source record behind the customer, raw and normalised',
      request: { params: IdParam }, responses: { 200: json(SourceRecordListSchema, 'Source records'), 404: notFound } }),
    async (c) => c.json({ items: await listCustomerSourceRecords(c.get('deps').db, c.req.valid('param').id, c.get('auth')) }, 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/other-values', access: 'customers:read', tags: ['customers'],
      summary: '「他のデータソースの値」: per group or field, the values other source records hold; and per record, the values kept under the source\'s own column or question names',
      request: { params: IdParam }, responses: { 200: json(CustomerSourceValuesSchema, 'Other values and source attributes'), 404: notFound } }),
    async (c) => c.json(await getCustomerSourceValues(c.get('deps').db, c.req.valid('param').id, c.get('auth')), 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/affiliations', access: 'customers:read', tags: ['customers'],
      summary: '所属履歴: 現職 and 前職 periods (company, department, title, first and last seen, sources), derived from the source records, newest first',
      request: { params: IdParam }, responses: { 200: json(AffiliationHistorySchema, 'Affiliation history'), 404: notFound } }),
    async (c) => c.json(await customerAffiliations(c.get('deps').db, c.req.valid('param').id), 200),
  );
  return app;
}

/** The one search box: `GET /api/v1/search?q=` — the same ranked search as the customer list's q. */
export function searchRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/search', access: 'customers:read', tags: ['customers'],
      summary: 'Search customers by any part of name, フリガナ (any width), company, e-mail or phone (without customers:read_personal, e-mails and phones match only whole); limited per user (DAICHO_SEARCH_MAX_PER_MINUTE)',
      request: { query: SearchQuery },
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
