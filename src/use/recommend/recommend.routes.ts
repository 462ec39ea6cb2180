import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import {
  CandidatesQuery, CustomerCandidatesSchema, ProductAffinitySchema, ProductCandidateCustomersSchema, ProductCandidatesQuery, RunListSchema,
  RunRequest, RunStartedSchema,
} from './recommend.schemas.ts';
import * as recommend from './recommend.service.ts';

const notFound = json(z.object({}), 'No such customer or product');

export function recommendRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/candidates', access: 'commerce:read', tags: ['recommend'],
      summary: 'A customer\'s cross-sell and up-sell candidates now (products not bought yet, ranked, each with its reason), from the last run\'s model',
      request: { params: IdParam, query: CandidatesQuery }, responses: { 200: json(CustomerCandidatesSchema, 'The candidates') } }),
    async (c) => c.json(await recommend.customerCandidates(c.get('deps').db, c.req.valid('param').id, c.req.valid('query').k), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products/{id}/candidates', access: 'customers:read', tags: ['recommend'],
      summary: 'The customers who should be offered this product (it is among their first maxRank candidates), best placed first; masked like the customer list',
      request: { params: IdParam, query: ProductCandidatesQuery }, responses: { 200: json(ProductCandidateCustomersSchema, 'The customers'), 404: notFound } }),
    async (c) => c.json(await recommend.productCandidateCustomers(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products/{id}/affinity', access: 'commerce:read', tags: ['recommend'],
      summary: 'What this product\'s buyers also bought (customer level: share, lift, cosine) and the basket rules about it',
      request: { params: IdParam }, responses: { 200: json(ProductAffinitySchema, 'The affinity'), 404: notFound } }),
    async (c) => c.json(await recommend.productAffinity(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/recommendations/runs', access: 'commerce:read', tags: ['recommend'],
      summary: 'The last runs of the candidate computation, with their progress', responses: { 200: json(RunListSchema, 'Runs') } }),
    async (c) => c.json({ items: await recommend.listRuns(c.get('deps').db) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/recommendations/runs', access: 'segments:write', tags: ['recommend'],
      summary: 'Start computing the product-affinity model and every buyer\'s candidates in the background (one run at a time across servers)',
      request: { body: { content: { 'application/json': { schema: RunRequest } } } },
      responses: { 202: json(RunStartedSchema, 'Started, or already running (alreadyRunning: true)') } }),
    async (c) => {
      const db = c.get('deps').db;
      const body = c.req.valid('json');
      const started = await recommend.startRun(db, { asOf: body.asOf ?? null, k: body.k, actor: c.get('actor') });
      if (!started) return c.json({ run: (await recommend.listRuns(db)).find((r) => r.status === 'running') ?? null, alreadyRunning: true }, 202);
      await audit(db, c.get('actor'), 'recommend.run', null, { runId: started.runId, asOf: body.asOf ?? null });
      started.done.catch((error: unknown) => console.error(`Cross-sell run ${started.runId} failed: ${error instanceof Error ? error.message : String(error)}`));
      return c.json({ run: await recommend.getRun(db, started.runId), alreadyRunning: false }, 202);
    },
  );
  return app;
}
