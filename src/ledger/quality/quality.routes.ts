import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { CustomerQualitySchema, QualityRunSchema, SourceQualitySchema, StaleQueueQuery, StaleQueueSchema } from './quality.schemas.ts';
import { getCustomerQuality, getSourceQuality, enqueueQualityPassNow, qualityRun, staleQueue } from './quality.service.ts';

export function qualityRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/quality', access: 'customers:read',
      summary: 'A customer’s data quality: score and its parts, issues, stale values with their reasons, and when each value was last confirmed by which source (computed live; holds no personal values)', tags: ['quality'],
      request: { params: IdParam },
      responses: { 200: json(CustomerQualitySchema, 'Quality'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getCustomerQuality(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/quality/stale', access: 'customers:read',
      summary: '要更新: customers with stale values, most valuable first, as of the daily pass; `owner=me` for one’s own', tags: ['quality'],
      request: { query: StaleQueueQuery },
      responses: { 200: json(StaleQueueSchema, 'The queue') } }),
    async (c) => c.json(await staleQueue(c.get('deps').db, c.req.valid('query'), c.get('actor').auth?.userId ?? null), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sources/{id}/quality', access: 'sources:read',
      summary: 'A data source’s quality: imports by month (rejected, invalid, duplicates), its customers’ average score, freshness against its SLA, and records past its retention period (the dry run of their deletion)', tags: ['quality'],
      request: { params: IdParam },
      responses: { 200: json(SourceQualitySchema, 'Source quality'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getSourceQuality(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/quality/run', access: 'customers:read',
      summary: 'The daily quality pass: running or not, when it last finished and how many customers it scored', tags: ['quality'],
      responses: { 200: json(QualityRunSchema, 'The pass') } }),
    async (c) => c.json(await qualityRun(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/quality/run', access: 'sources:write',
      summary: 'Queues the quality pass now (a background job; another process already running it makes the job a no-op)', tags: ['quality'],
      responses: { 202: json(QualityRunSchema, 'Started (or already running)') } }),
    async (c) => {
      const db = c.get('deps').db;
      await audit(db, c.get('actor'), 'quality.recompute', null, {});
      await enqueueQualityPassNow(db);
      return c.json(await qualityRun(db), 202);
    },
  );
  return app;
}
