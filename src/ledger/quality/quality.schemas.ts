import { z } from '@hono/zod-openapi';
import { STALE_REASONS } from '../../domain/quality/quality.ts';

const StaleFieldSchema = z.object({
  field: z.string().openapi({ description: 'The golden field (postalCode… for the address block)' }),
  reason: z.enum(STALE_REASONS).openapi({
    description: 'company_email_unconfirmed (会社のメールが 2 年以上確認されていない), email_bounced (不達), dm_returned (DM 宛先不明), moved (より新しい記録に別の住所), title_superseded (新しい名刺に別の役職・会社)',
  }),
  since: z.string().openapi({ description: 'When the evidence appeared, or the last confirmation for an age-based reason' }),
  sourceRecordId: z.number().int().optional(),
});

const ConfirmationSchema = z.object({
  at: z.string(), source: z.string(), sourceLabel: z.string().nullable(), sourceRecordId: z.number().int(),
});

export const CustomerQualitySchema = z.object({
  score: z.number().int().openapi({ description: '0–100: completeness 30%, validity 25%, freshness 25%, consistency 20%' }),
  parts: z.object({ completeness: z.number(), validity: z.number(), freshness: z.number(), consistency: z.number() }),
  issues: z.array(z.string()).openapi({ description: 'missing_name… missing_company, invalid_email, placeholder_email, invalid_phone, postal_prefecture_mismatch, conflicting_sources' }),
  stale: z.array(StaleFieldSchema),
  confirmations: z.record(z.string(), ConfirmationSchema).openapi({ description: 'Per field: when a source last said the value again, and which (最終確認)' }),
  computedAt: z.string(),
}).openapi('CustomerQuality', { description: 'Computed live from the source records, the bounces and the returned mail' });
export type CustomerQuality = z.infer<typeof CustomerQualitySchema>;

export const StaleQueueQuery = z.object({
  owner: z.string().optional().openapi({ description: "A user id, 'me', or 'none' (customers without an owner); absent: everyone's" }),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const StaleQueueSchema = z.object({
  items: z.array(z.object({
    customerId: z.string().uuid(), name: z.string(), companyName: z.string().nullable(), ownerUserId: z.string().nullable(),
    score: z.number().int(), value: z.string().openapi({ description: 'Predicted one-year value, else the net revenue so far (JPY)' }),
    stale: z.array(StaleFieldSchema),
  })),
  nextCursor: z.string().nullable(),
  computedAt: z.string().nullable().openapi({ description: 'When the daily pass last finished (the queue is as of then)' }),
}).openapi('StaleQueue', { description: '要更新: customers with stale values, most valuable first' });
export type StaleQueue = z.infer<typeof StaleQueueSchema>;

export const SourceQualitySchema = z.object({
  sourceId: z.string().uuid(),
  records: z.number().int(), customers: z.number().int(),
  averageScore: z.number().nullable().openapi({ description: 'Average quality score of the live customers holding a record of the source' }),
  customersWithStale: z.number().int(),
  imports: z.array(z.object({
    month: z.string(), runs: z.number().int(), rows: z.number().int(), rejected: z.number().int(), flagged: z.number().int(), merged: z.number().int(),
  })).openapi({ description: 'Per Japan month: rows read, rejected, flagged as invalid, and merged into an existing customer (duplicates)' }),
  rejectedShare: z.number().nullable(), invalidShare: z.number().nullable(), duplicateShare: z.number().nullable(),
  freshness: z.object({ slaDays: z.number().int().nullable(), lastReceivedAt: z.string().nullable(), met: z.boolean().nullable() }),
  retention: z.object({
    days: z.number().int().nullable(),
    overdue: z.number().int().openapi({ description: 'Records received longer ago than the retention period (flagged for deletion)' }),
    oldest: z.array(z.object({ sourceRecordId: z.number().int(), externalId: z.string().nullable(), customerId: z.string().nullable(), receivedAt: z.string() })),
  }),
}).openapi('SourceQuality');
export type SourceQuality = z.infer<typeof SourceQualitySchema>;

export const QualityRunSchema = z.object({
  running: z.boolean(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(), customers: z.number().int(),
}).openapi('QualityRun');
