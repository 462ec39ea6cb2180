import { z } from '@hono/zod-openapi';

export const JOB_STATUSES = ['queued', 'running', 'failed', 'dead', 'done'] as const;

export const JobListQuery = z.object({
  status: z.enum(JOB_STATUSES).openapi({ description: 'dead: the dead-letter list (gave up after max attempts); failed: waiting for a retry' }),
  kind: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/u, 'a job kind, e.g. segment.refresh').optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
}).openapi('JobListQuery');

export const JobSchema = z.object({
  id: z.string().uuid(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  payload: z.record(z.string(), z.unknown()).openapi({ description: 'Ids and options, never a personal value' }),
  dedupeKey: z.string().nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAt: z.string().openapi({ description: 'When it may run (next attempt for a failed one)' }),
  lockedBy: z.string().nullable().openapi({ description: 'The worker (host:pid:…) holding a running job' }),
  lockedUntil: z.string().nullable(),
  lastError: z.string().nullable().openapi({ description: 'The last failure, scrubbed of e-mail addresses, phones and tokens' }),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'How far a long job has got (an import: phase, rows, bytes; a retention delete: records deleted), counts only' }),
  result: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'What a finished job did (an import: its summary), or why a job that cannot succeed failed; counts and ids only' }),
}).openapi('Job');
export type JobDto = z.infer<typeof JobSchema>;

export const JobListSchema = z.object({
  items: z.array(JobSchema),
  counts: z.object({ queued: z.number().int(), running: z.number().int(), failed: z.number().int(), dead: z.number().int() }),
}).openapi('JobList');
