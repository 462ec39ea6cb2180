import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { createDefinition, listDefinitions, updateDefinition } from './custom-fields.service.ts';

const TYPE = z.enum(['text', 'number', 'date', 'select', 'multi_select', 'boolean']);
const Definition = z.object({
  id: z.string().uuid(), entity: z.enum(['customer', 'company']), key: z.string(), labelJa: z.string(), labelEn: z.string().nullable(),
  type: TYPE, options: z.array(z.string()), required: z.boolean(), isPersonal: z.boolean(), sortOrder: z.number().int(), archived: z.boolean(),
}).openapi('CustomFieldDefinition');
const DefinitionCreate = z.object({
  entity: z.enum(['customer', 'company']),
  key: z.string().regex(/^[a-z][a-z0-9_]{0,59}$/, 'lowercase letters, digits and _ (start with a letter)'),
  labelJa: z.string().trim().min(1).max(100),
  labelEn: z.string().trim().max(100).nullable().optional(),
  type: TYPE,
  options: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
  required: z.boolean().optional(),
  isPersonal: z.boolean().optional(),
  sortOrder: z.number().int().optional(),
}).openapi('CustomFieldCreate');
const DefinitionPatch = DefinitionCreate.omit({ entity: true, key: true, type: true }).partial().extend({ archived: z.boolean().optional() }).openapi('CustomFieldPatch');

export function customFieldRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/custom-fields', access: 'custom_fields:read', summary: 'Custom field definitions', tags: ['custom fields'],
      request: { query: z.object({ entity: z.enum(['customer', 'company']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(Definition) }), 'Definitions') } }),
    async (c) => c.json({ items: await listDefinitions(c.get('deps').db, c.req.valid('query').entity) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/custom-fields', access: 'custom_fields:write', summary: 'Define a custom field', tags: ['custom fields'],
      request: { body: { content: { 'application/json': { schema: DefinitionCreate } }, required: true } },
      responses: { 201: json(Definition, 'Defined'), 409: json(z.object({}), 'Key taken') } }),
    async (c) => c.json(await createDefinition(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/custom-fields/{id}', access: 'custom_fields:write', summary: 'Edit or archive a custom field', tags: ['custom fields'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: DefinitionPatch } }, required: true } },
      responses: { 200: json(Definition, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateDefinition(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  return app;
}
