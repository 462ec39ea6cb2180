import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { listQuarantine, retryQuarantined } from '../resolver.ts';
import {
  CustomerIdentitySchema, MergeBody, MergeResultSchema, PatternDecisionBody, PatternDecisionSchema, QuarantineListSchema, QuarantineRetryBody, QuarantineRetrySchema, ReviewDecisionBody,
  ReviewDecisionSchema, ReviewIdParam, ReviewListQuery, ReviewPageSchema, UnmergeBody, UnmergeResultSchema,
} from './identity.schemas.ts';
import { customerIdentity, decidePattern, decideReviewItem, listReviewQueue, mergeCustomers, unmergeCustomer } from './identity.service.ts';

const notFound = json(z.object({}), 'Not found');
const conflict = json(z.object({}), 'Already decided, or the pair can no longer be merged');

export function identityRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/review-items', access: 'customers:read', tags: ['identity'],
      summary: 'The review queue: pairs the matcher would not merge alone, both records side by side with evidence',
      request: { query: ReviewListQuery },
      responses: { 200: json(ReviewPageSchema, 'A page of review items') } }),
    async (c) => c.json(await listReviewQueue(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/review-items/{id}/decision', access: 'identity:resolve', tags: ['identity'],
      summary: 'Decide a review item: accept (merge the two customers), reject, or never (never propose or merge again)',
      request: { params: ReviewIdParam, body: { content: { 'application/json': { schema: ReviewDecisionBody } }, required: true } },
      responses: { 200: json(ReviewDecisionSchema, 'Decided'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await decideReviewItem(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').decision, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/review-items/{id}/pattern-decision', access: 'identity:resolve', tags: ['identity'],
      summary: "Decide every open pair of this item's pattern the same way (accept merges each pair; reject closes it); such decisions do not count as labels",
      request: { params: ReviewIdParam, body: { content: { 'application/json': { schema: PatternDecisionBody } }, required: true } },
      responses: { 200: json(PatternDecisionSchema, 'Decided'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await decidePattern(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').decision, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/merge', access: 'identity:resolve', tags: ['identity'],
      summary: 'Merge customers into the first one: their source records and activities move, the others are soft-deleted',
      request: { body: { content: { 'application/json': { schema: MergeBody } }, required: true } },
      responses: { 200: json(MergeResultSchema, 'Merged'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await mergeCustomers(c.get('deps').db, c.req.valid('json').customerIds, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/{id}/unmerge', access: 'identity:resolve', tags: ['identity'],
      summary: 'Split source records out of a customer into one new customer (their activities follow)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: UnmergeBody } }, required: true } },
      responses: { 201: json(UnmergeResultSchema, 'Split'), 404: notFound } }),
    async (c) => c.json(await unmergeCustomer(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').sourceRecordIds, c.get('actor')), 201),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/resolution/quarantine', access: 'identity:resolve', tags: ['identity'],
      summary: 'Records whose identity resolution failed on their own, set aside with their error so the others go on (oldest first, up to 200)',
      responses: { 200: json(QuarantineListSchema, 'Quarantined records') } }),
    async (c) => c.json(await listQuarantine(c.get('deps').db), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/resolution/quarantine/retry', access: 'identity:resolve', tags: ['identity'],
      summary: 'Put quarantined records (the given ones, or all) back in the queue and resolve them; one that fails again is quarantined again',
      request: { body: { content: { 'application/json': { schema: QuarantineRetryBody } }, required: true } },
      responses: { 200: json(QuarantineRetrySchema, 'Retried') } }),
    async (c) => c.json(await retryQuarantined(c.get('deps').db, c.req.valid('json').recordIds, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/identity', access: 'customers:read', tags: ['identity'],
      summary: 'Why this is one person: the source records with the decisions that linked each, newest first',
      request: { params: IdParam }, responses: { 200: json(CustomerIdentitySchema, 'Source records and decisions'), 404: notFound } }),
    async (c) => c.json(await customerIdentity(c.get('deps').db, c.req.valid('param').id, c.get('auth')), 200),
  );
  return app;
}
