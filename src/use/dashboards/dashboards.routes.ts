import { z } from '@hono/zod-openapi';
import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { CustomerListSchema } from '../../ledger/customers/customers.schemas.ts';
import { DrillQuery, PanelParams, PanelQuery, PanelSchema } from './dashboards.schemas.ts';
import * as dashboards from './dashboards.service.ts';

const notFound = json(z.object({}), 'No such segment');
const timedOut = json(z.object({}), 'The panel did not answer within its time limit (30 s on PostgreSQL): try a narrower range or a segment');

export function dashboardRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/dashboards/panels/{panel}', access: 'dashboards:read', tags: ['dashboards'],
      summary: 'One dashboard panel as a table (columns + rows), filtered by a segment and a range of Japan dates',
      request: { params: PanelParams, query: PanelQuery }, responses: { 200: json(PanelSchema, 'The panel'), 404: notFound, 503: timedOut } }),
    async (c) => c.json(await dashboards.panel(c.get('deps').db, c.req.valid('param').panel, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/dashboards/drill', access: 'dashboards:read', tags: ['dashboards'],
      summary: 'The customers behind one row of the composition panel, as the customer list shows them (also needs customers:read; masked without customers:read_personal)',
      request: { query: DrillQuery }, responses: { 200: json(CustomerListSchema, 'A page of customers'), 404: notFound } }),
    async (c) => c.json(await dashboards.drill(c.get('deps').db, c.req.valid('query'), c.get('auth')), 200),
  );
  return app;
}
