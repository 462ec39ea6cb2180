import { z } from '@hono/zod-openapi';
import { PassThrough, Readable } from 'node:stream';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { RFM_TIERS } from '../../domain/value/index.ts';
import { CustomerListSchema } from '../../ledger/customers/customers.schemas.ts';
import {
  DistributionSchema, SegmentCountRequest, SegmentCountSchema, SegmentExportQuery, SegmentInput, SegmentListSchema, SegmentMembersQuery,
  SegmentPatch, SegmentPreviewSchema, SegmentSchema, SegmentSizesSchema, SegmentSplitResult,
} from './segments.schemas.ts';
import * as segments from './segments.service.ts';

const notFound = json(z.object({}), 'No such segment');

export function segmentRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/segments/count', access: 'segments:read', tags: ['segments'],
      summary: 'Count the customers a definition keeps (the builder\'s live count); a bad definition is a 400 naming the JSON path of each bad node',
      request: { body: { content: { 'application/json': { schema: SegmentCountRequest } } } }, responses: { 200: json(SegmentCountSchema, 'The count') } }),
    async (c) => c.json(await segments.countSegment(c.get('deps').db, c.req.valid('json').definition), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/segments/preview', access: 'segments:read', tags: ['segments'],
      summary: 'Count, first members (masked like the customer list) and distribution (order counts, RFM tiers, recency, monetary, bias warnings) of a definition',
      request: { body: { content: { 'application/json': { schema: SegmentCountRequest } } } }, responses: { 200: json(SegmentPreviewSchema, 'The preview') } }),
    async (c) => c.json(await segments.previewSegment(c.get('deps').db, c.req.valid('json').definition, c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments', access: 'segments:read', tags: ['segments'], summary: 'Saved segments',
      responses: { 200: json(SegmentListSchema, 'Segments') } }),
    async (c) => c.json({ items: await segments.listSegments(c.get('deps').db) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/segments', access: 'segments:write', tags: ['segments'],
      summary: 'Save a segment (dynamic: re-evaluated on refresh; snapshot: members frozen now); its members are materialised at once',
      request: { body: { content: { 'application/json': { schema: SegmentInput } } } }, responses: { 201: json(SegmentSchema, 'The segment') } }),
    async (c) => c.json(await segments.createSegment(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments/{id}', access: 'segments:read', tags: ['segments'], summary: 'A segment',
      request: { params: IdParam }, responses: { 200: json(SegmentSchema, 'The segment'), 404: notFound } }),
    async (c) => c.json(await segments.getSegment(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/segments/{id}', access: 'segments:write', tags: ['segments'],
      summary: 'Edit a segment (a new definition re-materialises its members; a snapshot\'s definition cannot change: 409)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: SegmentPatch } } } }, responses: { 200: json(SegmentSchema, 'The segment'), 404: notFound } }),
    async (c) => c.json(await segments.updateSegment(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/segments/{id}', access: 'segments:write', tags: ['segments'],
      summary: 'Archive a segment (refused with 409 while another segment refers to it)',
      request: { params: IdParam }, responses: { 204: { description: 'Archived' }, 404: notFound } }),
    async (c) => {
      await segments.deleteSegment(c.get('deps').db, c.req.valid('param').id, c.get('actor'));
      return c.body(null, 204);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/segments/{id}/refresh', access: 'segments:write', tags: ['segments'],
      summary: 'Re-evaluate a dynamic segment now and record its size',
      request: { params: IdParam }, responses: { 200: json(SegmentSchema, 'The segment'), 404: notFound } }),
    async (c) => c.json(await segments.refreshSegment(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/segments/{id}/split', access: 'segments:write', tags: ['segments'],
      summary: 'Split a segment by RFM tier into dynamic sub-segments (one per tier with members, one for non-buyers)',
      request: { params: IdParam }, responses: { 201: json(SegmentSplitResult, 'The sub-segments'), 404: notFound } }),
    async (c) => c.json({ items: await segments.splitByTier(c.get('deps').db, c.req.valid('param').id, RFM_TIERS, c.get('actor')) }, 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments/{id}/members', access: 'segments:read', tags: ['segments'],
      summary: 'Members as of the last refresh, as the customer list shows them (masked without customers:read_personal)',
      request: { params: IdParam, query: SegmentMembersQuery }, responses: { 200: json(CustomerListSchema, 'A page of members'), 404: notFound } }),
    async (c) => c.json(await segments.listMembers(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments/{id}/distribution', access: 'segments:read', tags: ['segments'],
      summary: 'Order-count histogram, RFM tier split, recency and monetary quartiles and bias warnings of the segment',
      request: { params: IdParam }, responses: { 200: json(DistributionSchema, 'The distribution'), 404: notFound } }),
    async (c) => c.json(await segments.segmentDistribution(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments/{id}/sizes', access: 'segments:read', tags: ['segments'],
      summary: 'The segment\'s size at each refresh, newest first', request: { params: IdParam },
      responses: { 200: json(SegmentSizesSchema, 'Sizes'), 404: notFound } }),
    async (c) => c.json(await segments.segmentSizes(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/segments/{id}/export.csv', access: 'customers:export', tags: ['segments', 'exports'],
      summary: 'The members as CSV (UTF-8 with BOM, or CP932 for Excel); audited (export.segment)',
      request: { params: IdParam, query: SegmentExportQuery },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV, streamed' }, 404: notFound } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const encoding = c.req.valid('query').encoding ?? 'utf-8';
      const { db } = c.get('deps');
      const segment = await segments.getSegment(db, id);
      const out = new PassThrough();
      out.on('error', () => {});
      if (encoding === 'utf-8') out.write('\uFEFF');
      segments.exportMembers(db, id, out, encoding, c.get('actor')).then(
        () => out.end(),
        (error: unknown) => {
          console.error(`[${new Date().toISOString()}] segment export failed: ${error instanceof Error ? error.message : String(error)}`);
          out.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
      const fileName = `segment-${new Date().toISOString().slice(0, 10).replace(/-/gu, '')}.csv`;
      return new Response(Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>, {
        status: 200,
        headers: {
          'Content-Type': `text/csv; charset=${encoding === 'cp932' ? 'Shift_JIS' : 'utf-8'}`,
          'Content-Disposition': `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(`${segment.name}.csv`)}`,
          'Cache-Control': 'no-store',
        },
      }) as never;
    },
  );
  return app;
}
