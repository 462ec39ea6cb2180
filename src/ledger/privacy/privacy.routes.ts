import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { notFound as notFoundError } from '../../core/errors.ts';
import { downloadReport, getReport, listReports, startDisclosure } from './disclosure.service.ts';
import { eraseRequest } from './erasure.service.ts';
import type { PrivacyParts } from './parts.ts';
import {
  EraseInputSchema, NumericIdParam, ProvisionListSchema, ProvisionQuery, ReportListSchema, ReportSchema, RequestInputSchema, RequestListQuery,
  RequestListSchema, RequestPatchSchema, RequestSchema, RetentionDeleteInputSchema, RetentionJobSchema, RetentionPlanSchema, RetentionResultSchema,
  TombstoneMatchListSchema, TombstoneMatchQuery, UseStopResultSchema,
} from './privacy.schemas.ts';
import { planRetentionDelete, requestRetentionDelete, retentionDeleteJob } from './retention.service.ts';
import * as privacy from './privacy.service.ts';

const notFound = json(z.object({}), 'No such request');
const body = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } } });
const EraseResultSchema = z.object({
  tombstoneId: z.string(), customers: z.number().int(), records: z.number().int(), deleted: z.record(z.string(), z.number().int()),
}).openapi('PrivacyEraseResult');
const UseStopSchema = z.object({ requestId: z.string().nullable(), receivedOn: z.string().nullable() }).openapi('CustomerUseStop');

/** APPI requests (本人からの請求), disclosure reports, erasure, tombstone flags and third-party provision records. */
export function privacyRoutes(parts: PrivacyParts): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sources/{id}/retention', access: 'sources:retention', tags: ['sources', 'privacy'],
      summary: 'Dry run of the retention delete: how many of the source\'s records are past its retention period, how many customers would be removed (no record left) and how many recomputed (they keep other records)',
      request: { params: IdParam }, responses: { 200: json(RetentionPlanSchema, 'What the delete would remove'), 404: json(z.object({}), 'No such source'), 409: json(z.object({}), 'No retention period') } }),
    async (c) => c.json(await planRetentionDelete(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sources/{id}/retention/delete', access: 'sources:retention', tags: ['sources', 'privacy'],
      summary: 'Delete the source\'s records past its retention period, for real (type the source name to confirm): queued as a job (retention.delete, one per source at a time) that deletes in batches of 2,000 records, each its own transaction, against the cutoff fixed now; customers left with no record are erased (no tombstone), the others\' golden records recomputed; audited once with the totals. Poll GET …/retention/jobs/{jobId}',
      request: { params: IdParam, body: body(RetentionDeleteInputSchema) },
      responses: { 202: json(RetentionResultSchema, 'Queued'), 404: json(z.object({}), 'No such source'), 409: json(z.object({}), 'No retention period') } }),
    async (c) => c.json(await requestRetentionDelete(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').confirm, c.get('actor')), 202),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sources/{id}/retention/jobs/{jobId}', access: 'sources:retention', tags: ['sources', 'privacy'],
      summary: 'A retention delete of the source: its state and the totals so far (then the final ones, once audited)',
      request: { params: z.object({ id: z.string().uuid(), jobId: z.string().uuid() }) },
      responses: { 200: json(RetentionJobSchema, 'The delete'), 404: json(z.object({}), 'No such delete of this source') } }),
    async (c) => {
      const { id, jobId } = c.req.valid('param');
      const job = await retentionDeleteJob(c.get('deps').db, id, jobId);
      if (!job) throw notFoundError('Retention delete');
      return c.json(job, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/requests', access: 'privacy:manage', tags: ['privacy'],
      summary: 'The request inbox (本人からの請求): open ones first by due date', request: { query: RequestListQuery },
      responses: { 200: json(RequestListSchema, 'Requests') } }),
    async (c) => c.json(await privacy.listRequests(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests', access: 'privacy:manage', tags: ['privacy'],
      summary: 'Record a request: received date, requester, identity verification, customers, type; due date default received + 14 days',
      request: { body: body(RequestInputSchema) }, responses: { 201: json(RequestSchema, 'Recorded') } }),
    async (c) => c.json(await privacy.createRequest(c.get('deps').db, c.req.valid('json'), c.get('actor'), parts), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/requests/{id}', access: 'privacy:manage', tags: ['privacy'],
      summary: 'One request with its customers, its tombstone and the backups still holding erased data', request: { params: IdParam },
      responses: { 200: json(RequestSchema, 'The request'), 404: notFound } }),
    async (c) => c.json(await privacy.getRequest(c.get('deps').db, c.req.valid('param').id, c.get('auth'), parts), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/privacy/requests/{id}', access: 'privacy:manage', tags: ['privacy'],
      summary: 'Edit a request (status, due date, identity verification, customers, notes)', request: { params: IdParam, body: body(RequestPatchSchema) },
      responses: { 200: json(RequestSchema, 'The request'), 404: notFound } }),
    async (c) => c.json(await privacy.updateRequest(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor'), parts), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/stop-use', access: 'privacy:manage', tags: ['privacy'],
      summary: '利用停止: leave the request\'s customers out of segments, campaign audiences (use_stopped), recommendations and exports',
      request: { params: IdParam }, responses: { 200: json(UseStopResultSchema, 'Stopped'), 404: notFound } }),
    async (c) => c.json(await privacy.stopUse(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/resume-use', access: 'privacy:manage', tags: ['privacy'],
      summary: 'Lift the stop of use on the request\'s customers', request: { params: IdParam },
      responses: { 200: json(UseStopResultSchema, 'Resumed'), 404: notFound } }),
    async (c) => c.json(await privacy.resumeUse(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/stop-provision', access: 'privacy:manage', tags: ['privacy'],
      summary: '第三者提供の停止: a withdrawn third_party consent for each of the request\'s customers', request: { params: IdParam },
      responses: { 200: json(UseStopResultSchema, 'Recorded'), 404: notFound } }),
    async (c) => c.json(await privacy.stopProvision(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/erase', access: 'privacy:manage', tags: ['privacy'],
      summary: '消去: hard-delete everything on the request\'s customers in one transaction and keep a tombstone of keyed hashes. body.confirm must be 消去する',
      request: { params: IdParam, body: body(EraseInputSchema) }, responses: { 200: json(EraseResultSchema, 'Erased'), 404: notFound } }),
    async (c) => c.json(await eraseRequest(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').confirm, c.get('actor'), parts), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/requests/{id}/disclosures', access: 'privacy:manage', tags: ['privacy'],
      summary: '開示: start a disclosure report in the background (poll it; download when ready)', request: { params: IdParam },
      responses: { 202: json(ReportSchema, 'Started'), 404: notFound } }),
    async (c) => c.json((await startDisclosure(c.get('deps').db, c.req.valid('param').id, c.get('actor'), parts)).report, 202),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/requests/{id}/disclosures', access: 'privacy:manage', tags: ['privacy'],
      summary: 'The request\'s disclosure reports with their progress', request: { params: IdParam },
      responses: { 200: json(ReportListSchema, 'Reports') } }),
    async (c) => c.json(await listReports(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/disclosures/{id}', access: 'privacy:manage', tags: ['privacy'],
      summary: 'A disclosure report\'s status and progress', request: { params: IdParam },
      responses: { 200: json(ReportSchema, 'The report'), 404: json(z.object({}), 'No such report') } }),
    async (c) => c.json(await getReport(c.get('deps').db, c.req.valid('param').id), 200),
  );
  for (const format of ['html', 'json'] as const) {
    app.openapi(
      secureRoute({ method: 'get', path: `/api/v1/privacy/disclosures/{id}/report.${format}`, access: 'privacy:manage', tags: ['privacy', 'exports'],
        summary: format === 'html' ? 'The report as a printable HTML page in Japanese (audited download)' : 'The machine-readable JSON bundle (audited download)',
        request: { params: IdParam },
        responses: { 200: { content: { [format === 'html' ? 'text/html' : 'application/json']: { schema: format === 'html' ? z.string() : z.unknown() } }, description: 'The file' } } }),
      async (c) => {
        const { body: file, requestId } = await downloadReport(c.get('deps').db, c.req.valid('param').id, format, c.get('actor'));
        const name = `disclosure-${requestId.slice(0, 8)}.${format}`;
        return new Response(file, { status: 200, headers: {
          'Content-Type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store',
        } }) as never;
      },
    );
  }
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/tombstone-matches', access: 'privacy:manage', tags: ['privacy'],
      summary: 'Records staged after an erasure that match an erased person (消去済みの本人と一致)', request: { query: TombstoneMatchQuery },
      responses: { 200: json(TombstoneMatchListSchema, 'Matches') } }),
    async (c) => c.json(await privacy.listTombstoneMatches(c.get('deps').db, c.req.valid('query').status ?? 'open'), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/privacy/tombstone-matches/{id}/dismiss', access: 'privacy:manage', tags: ['privacy'],
      summary: 'Close a match (checked: a new consent, or another person)', request: { params: NumericIdParam },
      responses: { 204: { description: 'Dismissed' }, 404: json(z.object({}), 'No such open match') } }),
    async (c) => { await privacy.dismissTombstoneMatch(c.get('deps').db, c.req.valid('param').id, c.get('actor')); return c.body(null, 204); },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/privacy/provisions', access: 'privacy:manage', tags: ['privacy'],
      summary: '第三者提供の記録: to whom, when, what items, how many customers (customerId: those that carried one customer)', request: { query: ProvisionQuery },
      responses: { 200: json(ProvisionListSchema, 'Provision records') } }),
    async (c) => c.json(await privacy.listProvisions(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/use-stop', access: 'customers:read', tags: ['privacy', 'customers'],
      summary: 'Whether the customer\'s use is stopped (利用停止) and by which request: the customer page\'s banner', request: { params: IdParam },
      responses: { 200: json(UseStopSchema, 'The stop, or nulls') } }),
    async (c) => {
      const stop = await privacy.useStopOf(c.get('deps').db, c.req.valid('param').id);
      return c.json(stop ? { requestId: stop.request_id, receivedOn: stop.received_on } : { requestId: null, receivedOn: null }, 200);
    },
  );
  return app;
}
