import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import {
  CompanyMergeBody, CompanyMergeResultSchema, CompanyReviewDecidedSchema, CompanyReviewDecision, CompanyReviewIdParam,
  CompanyReviewListQuery, CompanyReviewListSchema, CompanyUnmergeResultSchema,
} from '../companies/companies.schemas.ts';
import { decideCompanyReview, listCompanyReviews, mergeCompanies, unmergeCompany } from './company-merge.service.ts';

/** 法人の重複確認: review pairs, merges by hand and their undoing (company-merge.service.ts). */
export function companyMergeRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/company-reviews', access: 'companies:read', summary: 'Open pairs of companies that may be one 法人', tags: ['companies'],
      request: { query: CompanyReviewListQuery },
      responses: { 200: json(CompanyReviewListSchema, 'Open pairs, oldest first, with both companies\' facts and the reasons in Japanese') } }),
    async (c) => c.json(await listCompanyReviews(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/company-reviews/{id}/decide', access: 'companies:write', summary: 'Decide a pair: merge (choosing the survivor) or distinct', tags: ['companies'],
      request: { params: CompanyReviewIdParam, body: { content: { 'application/json': { schema: CompanyReviewDecision } }, required: true } },
      responses: { 200: json(CompanyReviewDecidedSchema, 'Decided'), 404: json(z.object({}), 'No such pair or company'), 409: json(z.object({}), 'Already decided, a company already merged, or different 法人番号') } }),
    async (c) => c.json(await decideCompanyReview(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/companies/{id}/merge', access: 'companies:write', summary: 'Merge another company into this one (この法人に統合)', tags: ['companies'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: CompanyMergeBody } }, required: true } },
      responses: { 200: json(CompanyMergeResultSchema, 'Merged'), 404: json(z.object({}), 'Not found'), 409: json(z.object({}), 'A company already merged, or different 法人番号') } }),
    async (c) => c.json(await mergeCompanies(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').otherId, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/companies/{id}/unmerge', access: 'companies:write', summary: 'Undo the merge of this company (統合を取り消す)', tags: ['companies'],
      request: { params: IdParam },
      responses: { 200: json(CompanyUnmergeResultSchema, 'Restored'), 404: json(z.object({}), 'Not found'), 409: json(z.object({}), 'Not merged, or its survivor was merged since') } }),
    async (c) => c.json(await unmergeCompany(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  return app;
}
