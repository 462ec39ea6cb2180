import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { AuditListQuery, AuditPageSchema } from './audit.schemas.ts';
import { readAuditLog } from './audit.service.ts';

export function auditRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/audit-log', access: 'audit:read', summary: 'Audit log, newest first', tags: ['audit'],
      request: { query: AuditListQuery },
      responses: { 200: json(AuditPageSchema, 'Entries') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await readAuditLog(c.get('deps').db, { ...q, cursor: q.cursor ? Number(q.cursor) : undefined, limit: q.limit ?? 100 }), 200);
    },
  );
  return app;
}
