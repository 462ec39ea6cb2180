import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { JobListQuery, JobListSchema, JobSchema } from './jobs.schemas.ts';
import { jobCounts, listJobs, retryJob } from './jobs.service.ts';

/** Background jobs for administrators (ジョブ): the lists by status, the dead-letter list, and the retry. */
export function jobRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/jobs', access: 'jobs:manage', tags: ['operations'],
      summary: 'Background jobs in one status (dead: the dead-letter list), most recently changed first, with the counts of every status',
      request: { query: JobListQuery },
      responses: { 200: json(JobListSchema, 'Jobs') } }),
    async (c) => {
      const db = c.get('deps').db;
      const q = c.req.valid('query');
      const [list, counts] = await Promise.all([listJobs(db, q), jobCounts(db)]);
      return c.json({ items: list.items, counts }, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/jobs/{id}/retry', access: 'jobs:manage', tags: ['operations'],
      summary: 'Queues a dead (or failed) job again now with its attempts reset (audited as job.retry); 409 for a queued, running or done one',
      request: { params: IdParam },
      responses: { 200: json(JobSchema, 'The job, queued') } }),
    async (c) => c.json(await retryJob(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  return app;
}
