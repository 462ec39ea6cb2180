import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { listQuarantine, retryQuarantined } from '../resolver.ts';
import { customerIdentity, decideReviewItem, listReviewQueue, mergeCustomers, unmergeCustomer } from './identity.service.ts';

const EvidenceSchema = z.object({ field: z.string(), level: z.string(), weight: z.number(), detail: z.string().nullable() }).openapi('MatchEvidence');

const RecordSideSchema = z.object({
  recordId: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
}).openapi('ReviewRecord');

const ReviewItemSchema = z.object({
  id: z.number().int(),
  status: z.enum(['open', 'accepted', 'rejected', 'never']),
  score: z.number(),
  probability: z.number(),
  rules: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  nameOnly: z.boolean().openapi({ description: 'Nothing but the name agrees (no birth date, e-mail, phone, address or company): namesakes look like this' }),
  a: RecordSideSchema,
  b: RecordSideSchema,
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
}).openapi('ReviewItem');

const ReviewIdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'id', in: 'path' }, type: 'integer' }) });

const IdentitySchema = z.object({
  customerId: z.string(),
  records: z.array(z.object({
    id: z.number().int(),
    source: z.string(),
    sourceLabel: z.string(),
    externalId: z.string(),
    receivedAt: z.string(),
    fields: z.record(z.string(), z.unknown()),
    decisions: z.array(z.object({
      id: z.number().int(), kind: z.string(), rule: z.string().nullable(), score: z.number().nullable(), evidence: z.unknown(),
      customerId: z.string().nullable(), otherCustomerId: z.string().nullable(), importRunId: z.string().nullable(),
      decidedBy: z.string().nullable(), decidedAt: z.string(),
    })),
  })),
}).openapi('CustomerIdentity');

const QuarantinedSchema = z.object({
  recordId: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  receivedAt: z.string(),
  quarantinedAt: z.string(),
  error: z.string().openapi({ description: 'Why its resolution failed: SQLSTATE, message and detail' }),
}).openapi('QuarantinedRecord');

const notFound = json(z.object({}), 'Not found');
const conflict = json(z.object({}), 'Already decided, or the pair can no longer be merged');

export function identityRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/review-items', access: 'customers:read', tags: ['identity'],
      summary: 'The review queue: pairs the matcher would not merge alone, both records side by side with evidence',
      request: { query: z.object({
        status: z.enum(['open', 'accepted', 'rejected', 'never']).optional(),
        cursor: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }) },
      responses: { 200: json(z.object({ items: z.array(ReviewItemSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() }), 'A page of review items') } }),
    async (c) => c.json(await listReviewQueue(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/review-items/{id}/decision', access: 'identity:resolve', tags: ['identity'],
      summary: 'Decide a review item: accept (merge the two customers), reject, or never (never propose or merge again)',
      request: { params: ReviewIdParam, body: { content: { 'application/json': { schema: z.object({ decision: z.enum(['accept', 'reject', 'never']) }) } }, required: true } },
      responses: { 200: json(z.object({ item: ReviewItemSchema, customerId: z.string().nullable() }), 'Decided'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await decideReviewItem(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').decision, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/merge', access: 'identity:resolve', tags: ['identity'],
      summary: 'Merge customers into the first one: their source records and activities move, the others are soft-deleted',
      request: { body: { content: { 'application/json': { schema: z.object({ customerIds: z.array(z.string().uuid()).min(2).max(100) }) } }, required: true } },
      responses: { 200: json(z.object({ customerId: z.string(), merged: z.array(z.string()) }), 'Merged'), 404: notFound, 409: conflict } }),
    async (c) => c.json(await mergeCustomers(c.get('deps').db, c.req.valid('json').customerIds, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/{id}/unmerge', access: 'identity:resolve', tags: ['identity'],
      summary: 'Split source records out of a customer into one new customer (their activities follow)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ sourceRecordIds: z.array(z.number().int().positive()).min(1).max(1000) }) } }, required: true } },
      responses: { 201: json(z.object({ customerId: z.string(), newCustomerId: z.string() }), 'Split'), 404: notFound } }),
    async (c) => c.json(await unmergeCustomer(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').sourceRecordIds, c.get('actor')), 201),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/resolution/quarantine', access: 'identity:resolve', tags: ['identity'],
      summary: 'Records whose identity resolution failed on their own, set aside with their error so the others go on (oldest first, up to 200)',
      responses: { 200: json(z.object({ items: z.array(QuarantinedSchema), total: z.number().int() }), 'Quarantined records') } }),
    async (c) => c.json(await listQuarantine(c.get('deps').db), 200),
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/resolution/quarantine/retry', access: 'identity:resolve', tags: ['identity'],
      summary: 'Put quarantined records (the given ones, or all) back in the queue and resolve them; one that fails again is quarantined again',
      request: { body: { content: { 'application/json': { schema: z.object({ recordIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(1000).optional() }) } }, required: true } },
      responses: { 200: json(z.object({ retried: z.number().int(), resolved: z.number().int(), quarantined: z.number().int() }), 'Retried') } }),
    async (c) => c.json(await retryQuarantined(c.get('deps').db, c.req.valid('json').recordIds, c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/identity', access: 'customers:read', tags: ['identity'],
      summary: 'Why this is one person: the source records with the decisions that linked each, newest first',
      request: { params: IdParam }, responses: { 200: json(IdentitySchema, 'Source records and decisions'), 404: notFound } }),
    async (c) => c.json(await customerIdentity(c.get('deps').db, c.req.valid('param').id, c.get('auth')), 200),
  );
  return app;
}
