import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { CustomerCreateInput, CustomerPatchInput, CustomerSchema } from '../../ledger/customers/customers.schemas.ts';
import { correctForRequest, createCustomer, updateCustomer } from './manual.service.ts';

const CorrectionParams = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }),
  customerId: z.string().uuid().openapi({ param: { name: 'customerId', in: 'path' } }),
});

const notFound = json(z.object({}), 'No such customer');

/** Creating and editing customers by hand: each write is a `manual` source record by the caller. */
export function manualRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers', access: 'customers:write', tags: ['customers'],
      summary: 'Create a customer (recorded as a manual source record by you)',
      request: { body: { content: { 'application/json': { schema: CustomerCreateInput } }, required: true } },
      responses: { 201: json(CustomerSchema, 'Created') } }),
    async (c) => c.json(await createCustomer(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );

  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/customers/{id}', access: 'customers:write', tags: ['customers'],
      summary: 'Edit fields; null or "" clears one. The edit is a new manual source record and a timeline entry.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: CustomerPatchInput } }, required: true } },
      responses: { 200: json(CustomerSchema, 'Updated'), 404: notFound } }),
    async (c) => c.json(await updateCustomer(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/customers/{customerId}/correction', access: 'privacy:manage', tags: ['privacy', 'customers'],
      summary: '訂正: the person\'s correction as a manual source record (like any edit) whose reason is the request',
      request: { params: CorrectionParams, body: { content: { 'application/json': { schema: CustomerPatchInput } }, required: true } },
      responses: { 200: json(CustomerSchema, 'Corrected'), 404: notFound } }),
    async (c) => {
      const { id, customerId } = c.req.valid('param');
      return c.json(await correctForRequest(c.get('deps').db, id, customerId, c.req.valid('json'), c.get('actor')), 200);
    },
  );
  return app;
}
