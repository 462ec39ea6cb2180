import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { z } from '@hono/zod-openapi';
import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { exportAuditLog, readAuditLog } from './audit.service.ts';

const AuditItem = z.object({
  id: z.number().int(), occurredAt: z.string(), actorUserId: z.string().nullable(), actorLabel: z.string().nullable(),
  via: z.enum(['session', 'api_key']).nullable(), action: z.string(), entityType: z.string().nullable(), entityId: z.string().nullable(),
  ip: z.string().nullable(), userAgent: z.string().nullable(), details: z.record(z.string(), z.unknown()),
}).openapi('AuditEntry');

/** The filters of the log and of its CSV export: who, what, on which record, and when (from inclusive, to exclusive). */
const AuditFilterQuery = z.object({
  action: z.string().max(60).optional(), entityType: z.string().max(40).optional(), entityId: z.string().max(60).optional(),
  actorUserId: z.string().uuid().optional(),
  from: z.string().datetime({ offset: true }).optional().openapi({ description: 'Occurred at or after this instant (ISO 8601)' }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: 'Occurred before this instant (ISO 8601)' }),
});

export function auditRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/audit-log', access: 'audit:read', summary: 'Audit log, newest first', tags: ['audit'],
      request: { query: AuditFilterQuery.extend({
        cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).optional(),
      }) },
      responses: { 200: json(z.object({ items: z.array(AuditItem), nextCursor: z.string().nullable() }), 'Entries') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await readAuditLog(c.get('deps').db, { ...q, limit: q.limit ?? 100 }), 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/exports/audit-log.csv', access: 'audit:read', tags: ['audit', 'exports'],
      summary: 'The audit log with the same filters as the list, as CSV (UTF-8 with BOM), newest first. The export is itself audited (audit.export)',
      request: { query: AuditFilterQuery },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV, streamed' } } }),
    async (c) => {
      const filter = c.req.valid('query');
      const { db } = c.get('deps');
      const actor = c.get('actor');
      const out = new PassThrough();
      out.on('error', () => {});
      const write = async (line: string) => {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      };
      out.write('\uFEFF');
      exportAuditLog(db, filter, actor, write).then(
        () => out.end(),
        (error: unknown) => {
          console.error(`[${new Date().toISOString()}] audit export failed: ${error instanceof Error ? error.message : String(error)}`);
          out.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
      const fileName = `audit-log-${new Date().toISOString().slice(0, 10).replace(/-/gu, '')}.csv`;
      return new Response(Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>, {
        status: 200,
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'no-store' },
      }) as never;
    },
  );
  return app;
}
