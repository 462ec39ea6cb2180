import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { ConsentLedgerSchema, StaffConsentInput } from './consents.schemas.ts';
import { consentLedger, recordStaffConsent } from './consents.service.ts';

export function consentRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/consents', access: 'customers:read', tags: ['customers'],
      summary: 'A customer’s consent ledger: the current state per purpose, the lawful basis for marketing e-mail, and every event (granted, denied, withdrawn; when, how, which wording, which source record), newest first',
      request: { params: IdParam },
      responses: { 200: json(ConsentLedgerSchema, 'The ledger'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await consentLedger(c.get('deps').db, c.req.valid('param').id, c.get('auth')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/customers/{id}/consents', access: 'customers:write', tags: ['customers'],
      summary: 'Record a consent event told to staff (method staff, customer-level; audited as consent.record)',
      request: { params: IdParam, body: { content: { 'application/json': { schema: StaffConsentInput } }, required: true } },
      responses: { 201: json(ConsentLedgerSchema, 'The ledger after the entry'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await recordStaffConsent(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 201),
  );
  return app;
}
