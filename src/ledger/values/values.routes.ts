import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { CustomerValueResponse, RecomputeRequest, RecomputeSummarySchema, RfmOverviewSchema } from './values.schemas.ts';
import { getCustomerValue, recomputeValues, rfmOverview } from './values.service.ts';

export function valueRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/rfm', access: 'commerce:read', tags: ['values'],
      summary: 'The R×F grid (buyers and revenue per cell), tier totals, and the as-of date of the last full computation',
      responses: { 200: json(RfmOverviewSchema, 'The overview') } }),
    async (c) => c.json(await rfmOverview(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/rfm/recompute', access: 'segments:write', tags: ['values'],
      summary: 'Recompute every buyer\'s RFM facts, scores and tier now (as of a date; bins; scoring currency)',
      request: { body: { content: { 'application/json': { schema: RecomputeRequest } } } },
      responses: { 200: json(RecomputeSummarySchema, 'What was computed') } }),
    async (c) => c.json(await recomputeValues(c.get('deps').db, c.req.valid('json')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/value', access: 'commerce:read', tags: ['values'],
      summary: 'A customer\'s purchase values: RFM facts, scores, tier and predicted values (null: never bought)',
      request: { params: IdParam }, responses: { 200: json(CustomerValueResponse, 'The values') } }),
    async (c) => c.json({ value: await getCustomerValue(c.get('deps').db, c.req.valid('param').id) }, 200),
  );
  return app;
}
