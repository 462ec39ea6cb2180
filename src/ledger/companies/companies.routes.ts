import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { CompanyCreate, CompanyDetailSchema, CompanyListQuery, CompanyListSchema, CompanyPatch, CompanySchema, FormerPeopleSchema } from './companies.schemas.ts';
import { createCompany, getCompany, listCompanies, listFormerPeople, updateCompany } from './companies.service.ts';

export function companyRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/companies', access: 'companies:read', summary: 'List companies', tags: ['companies'],
      request: { query: CompanyListQuery },
      responses: { 200: json(CompanyListSchema, 'Companies') } }),
    async (c) => c.json(await listCompanies(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/companies', access: 'companies:write', summary: 'Create a company', tags: ['companies'],
      request: { body: { content: { 'application/json': { schema: CompanyCreate } }, required: true } },
      responses: { 201: json(CompanySchema, 'Created'), 409: json(z.object({}), 'Corporate number taken') } }),
    async (c) => c.json(await createCompany(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/companies/{id}', access: 'companies:read', summary: 'A company with its people', tags: ['companies'],
      request: { params: IdParam }, responses: { 200: json(CompanyDetailSchema, 'The company'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getCompany(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/companies/{id}/former-people', access: 'companies:read', tags: ['companies'],
      summary: '過去の所属者 (元社員): people whose records name this company but whose current company is another, with where they went',
      request: { params: IdParam }, responses: { 200: json(FormerPeopleSchema, 'Former people'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await listFormerPeople(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/companies/{id}', access: 'companies:write', summary: 'Edit a company', tags: ['companies'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: CompanyPatch } }, required: true } },
      responses: { 200: json(CompanySchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateCompany(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  return app;
}
