/** What the resolver says about records it set aside (quarantine): listed and retried on 名寄せレビュー. */
import { z } from '@hono/zod-openapi';

export const QuarantinedRecordSchema = z.object({
  recordId: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  receivedAt: z.string(),
  quarantinedAt: z.string(),
  error: z.string().openapi({ description: 'Why its resolution failed: SQLSTATE, message and detail' }),
}).openapi('QuarantinedRecord');
export type QuarantinedRecord = z.infer<typeof QuarantinedRecordSchema>;

export const QuarantineListSchema = z.object({ items: z.array(QuarantinedRecordSchema), total: z.number().int() });
export type QuarantineList = z.infer<typeof QuarantineListSchema>;

export const QuarantineRetryBody = z.object({ recordIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(1000).optional() });
export const QuarantineRetrySchema = z.object({ retried: z.number().int(), resolved: z.number().int(), quarantined: z.number().int() });
export type QuarantineRetry = z.infer<typeof QuarantineRetrySchema>;
