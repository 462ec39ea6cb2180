import { z } from '@hono/zod-openapi';
import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { readAuditLog } from './audit.service.ts';

const AuditItem = z.object({
  id: z.number().int(), occurredAt: z.string(), actorUserId: z.string().nullable(), actorLabel: z.string().nullable(),
  via: z.enum(['session', 'api_key']).nullable(), action: z.string(), entityType: z.string().nullable(), entityId: z.string().nullable(),
  ip: z.string().nullable(), userAgent: z.string().nullable(), details: z.record(z.string(), z.unknown()),
}).openapi('AuditEntry');

export function auditRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/audit-log', access: 'audit:read', summary: 'Audit log, newest first', tags: ['audit'],
      request: { query: z.object({
        action: z.string().max(60).optional(), entityType: z.string().max(40).optional(), entityId: z.string().max(60).optional(),
        actorUserId: z.string().uuid().optional(), cursor: z.string().regex(/^\d{1,15}$/).optional(), limit: z.coerce.number().int().min(1).max(500).optional(),
      }) },
      responses: { 200: json(z.object({ items: z.array(AuditItem), nextCursor: z.string().nullable() }), 'Entries') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await readAuditLog(c.get('deps').db, { ...q, cursor: q.cursor ? Number(q.cursor) : undefined, limit: q.limit ?? 100 }), 200);
    },
  );
  return app;
}
