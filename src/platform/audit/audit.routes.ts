import { z } from '@hono/zod-openapi';
import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { AuditFilterQuery, AuditListQuery, AuditPageSchema } from './audit.schemas.ts';
import { exportAuditLog, readAuditLog } from './audit.service.ts';

export function auditRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/audit-log', access: 'audit:read', summary: 'Audit log, newest first', tags: ['audit'],
      request: { query: AuditListQuery },
      responses: { 200: json(AuditPageSchema, 'Entries') } }),
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
