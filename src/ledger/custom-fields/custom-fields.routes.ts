import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { CustomFieldCreate, CustomFieldDefinitionSchema, CustomFieldListQuery, CustomFieldListSchema, CustomFieldPatch } from './custom-fields.schemas.ts';
import { createDefinition, listDefinitions, updateDefinition } from './custom-fields.service.ts';

export function customFieldRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/custom-fields', access: 'custom_fields:read', summary: 'Custom field definitions', tags: ['custom fields'],
      request: { query: CustomFieldListQuery },
      responses: { 200: json(CustomFieldListSchema, 'Definitions') } }),
    async (c) => c.json({ items: await listDefinitions(c.get('deps').db, c.req.valid('query').entity) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/custom-fields', access: 'custom_fields:write', summary: 'Define a custom field', tags: ['custom fields'],
      request: { body: { content: { 'application/json': { schema: CustomFieldCreate } }, required: true } },
      responses: { 201: json(CustomFieldDefinitionSchema, 'Defined'), 409: json(z.object({}), 'Key taken') } }),
    async (c) => c.json(await createDefinition(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/custom-fields/{id}', access: 'custom_fields:write', summary: 'Edit or archive a custom field', tags: ['custom fields'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: CustomFieldPatch } }, required: true } },
      responses: { 200: json(CustomFieldDefinitionSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateDefinition(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  return app;
}
