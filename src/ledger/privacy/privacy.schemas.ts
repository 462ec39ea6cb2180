import { z } from '@hono/zod-openapi';
import { REQUEST_KINDS, REQUEST_STATUSES, isCalendarDate } from '../../domain/privacy/requests.ts';

/** APPI requests (本人からの請求), disclosure reports, erasure tombstones and third-party provision records. */

const uuid = z.string().uuid({ error: 'ID の形式が正しくありません (invalid id)' });
const date = (what: string) => z.string().refine(isCalendarDate, { error: `${what}は YYYY-MM-DD の日付で入力してください (${what}: a date YYYY-MM-DD)` });
const text = (max: number) => z.string().trim().max(max, { error: `${max} 文字以内で入力してください (at most ${max} characters)` });

export const RequestInputSchema = z.object({
  kind: z.enum(REQUEST_KINDS, { error: '請求の種類を選んでください (kind: disclosure, correction, stop_use, erasure or stop_provision)' }),
  receivedOn: date('受付日'),
  dueOn: date('期限').optional().openapi({ description: 'Default: received + 14 days (docs/PRIVACY.md)' }),
  requesterName: text(200).min(1, { error: '請求者の氏名を入力してください (requester name is required)' }),
  requesterContact: text(300).nullable().optional(),
  identityVerifiedBy: uuid.nullable().optional().openapi({ description: 'The user who verified the requester\'s identity' }),
  identityVerifiedAt: z.string().datetime({ offset: true, error: '本人確認日時の形式が正しくありません (identityVerifiedAt: an ISO date-time)' }).nullable().optional(),
  identityMethod: text(300).nullable().optional().openapi({ description: 'How (運転免許証の写し, 登録メールアドレスからの返信…)' }),
  notes: text(5000).nullable().optional(),
  customerIds: z.array(uuid).max(50, { error: '対象の顧客は 50 人までです (at most 50 customers)' }).default([]),
}).openapi('PrivacyRequestInput');
export type RequestInput = z.infer<typeof RequestInputSchema>;

export const RequestPatchSchema = RequestInputSchema.omit({ kind: true }).partial()
  .extend({ status: z.enum(REQUEST_STATUSES).optional() }).openapi('PrivacyRequestPatch');
export type RequestPatch = z.infer<typeof RequestPatchSchema>;

export const RequestCustomerSchema = z.object({
  customerId: z.string(), displayName: z.string().nullable(), erased: z.boolean(), deleted: z.boolean(), useStopped: z.boolean(),
});

export const TombstoneSchema = z.object({
  id: z.string(), erasedAt: z.string(), customerCount: z.number().int(), recordCount: z.number().int(),
  deleted: z.record(z.string(), z.number().int()).openapi({ description: 'Rows deleted per table' }),
});

export const BackupHoldingSchema = z.object({ id: z.string(), takenAt: z.string(), expiresAt: z.string().nullable(), location: z.string().nullable() });

export const RequestSchema = z.object({
  id: z.string(), kind: z.enum(REQUEST_KINDS), status: z.enum(REQUEST_STATUSES),
  receivedOn: z.string(), dueOn: z.string(), overdue: z.boolean(),
  requesterName: z.string(), requesterContact: z.string().nullable(),
  identityVerifiedBy: z.string().nullable(), identityVerifiedByName: z.string().nullable(), identityVerifiedAt: z.string().nullable(), identityMethod: z.string().nullable(),
  notes: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(), completedAt: z.string().nullable(), erasedAt: z.string().nullable(),
  customers: z.array(RequestCustomerSchema),
  tombstone: TombstoneSchema.nullable(),
  backupsHoldingData: z.object({
    known: z.boolean().openapi({ description: 'false: this installation has no backup registry to read' }),
    items: z.array(BackupHoldingSchema),
  }).openapi({ description: 'Backups taken before the erasure, which still hold the data until they expire' }),
}).openapi('PrivacyRequest');
export type PrivacyRequest = z.infer<typeof RequestSchema>;

export const RequestListItemSchema = RequestSchema.omit({ customers: true, tombstone: true, backupsHoldingData: true })
  .extend({ customerCount: z.number().int() }).openapi('PrivacyRequestListItem');
export const RequestListSchema = z.object({ items: z.array(RequestListItemSchema) }).openapi('PrivacyRequestList');
export type RequestList = z.infer<typeof RequestListSchema>;
export const RequestListQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  customerId: uuid.optional(),
});

export const EraseInputSchema = z.object({
  confirm: z.string().openapi({ description: 'Must be 消去する: erasure cannot be undone' }),
}).openapi('PrivacyEraseInput');
export const ERASE_CONFIRMATION = '消去する';

export const UseStopResultSchema = z.object({ customers: z.number().int() }).openapi('PrivacyUseStopResult');

export const ReportSchema = z.object({
  id: z.string(), requestId: z.string(), status: z.enum(['running', 'ready', 'failed']),
  sectionsDone: z.number().int(), sectionsTotal: z.number().int(), error: z.string().nullable(),
  createdBy: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('DisclosureReport');
export type Report = z.infer<typeof ReportSchema>;
export const ReportListSchema = z.object({ items: z.array(ReportSchema) }).openapi('DisclosureReportList');

export const TombstoneMatchSchema = z.object({
  id: z.number().int(), tombstoneId: z.string(), requestId: z.string(), erasedAt: z.string(), sourceRecordId: z.number().int(),
  sourceName: z.string(), sourceLabel: z.string(), customerId: z.string().nullable(), kinds: z.array(z.string()),
  status: z.enum(['open', 'dismissed']), matchedAt: z.string(),
}).openapi('TombstoneMatch');
export const TombstoneMatchListSchema = z.object({ items: z.array(TombstoneMatchSchema) }).openapi('TombstoneMatchList');
export const TombstoneMatchQuery = z.object({ status: z.enum(['open', 'dismissed']).optional() });
export const NumericIdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) });

export const ProvisionSchema = z.object({
  id: z.string(), recipient: z.string(), purpose: z.string().nullable(), items: z.array(z.string()), format: z.string(),
  customerCount: z.number().int(), refusedCount: z.number().int(), providedBy: z.string().nullable(), providedByName: z.string().nullable(), providedAt: z.string(),
}).openapi('ProvisionRecord');
export const ProvisionListSchema = z.object({ items: z.array(ProvisionSchema) }).openapi('ProvisionRecordList');
export type ProvisionList = z.infer<typeof ProvisionListSchema>;
export const ProvisionQuery = z.object({ customerId: uuid.optional() });
export type TombstoneMatchList = z.infer<typeof TombstoneMatchListSchema>;
export type ReportList = z.infer<typeof ReportListSchema>;

// ── retention delete (保存期間切れの削除) ──

export const RetentionPlanSchema = z.object({
  sourceId: z.string(), sourceName: z.string().openapi({ description: 'What to type to confirm the delete' }), sourceLabel: z.string(),
  days: z.number().int(), cutoff: z.string().openapi({ description: 'Records received before this instant are past retention' }),
  records: z.number().int().openapi({ description: 'Source records past retention (all deleted)' }),
  customersRemoved: z.number().int().openapi({ description: 'Customers whose every record is past retention: removed like an erasure, without a tombstone' }),
  customersRecomputed: z.number().int().openapi({ description: 'Customers keeping other records: their golden record is recomputed from those' }),
  unlinkedRecords: z.number().int().openapi({ description: 'Records past retention linked to no customer' }),
}).openapi('RetentionPlan');
export type RetentionPlanBody = z.infer<typeof RetentionPlanSchema>;

export const RetentionTotalsSchema = z.object({
  cutoff: z.string(),
  batches: z.number().int().openapi({ description: 'Batches committed (each its own transaction)' }),
  records: z.number().int().openapi({ description: 'Source records deleted so far' }),
  customersRemoved: z.number().int(), customersRecomputed: z.number().int(), unlinkedRecords: z.number().int(),
  deleted: z.record(z.string(), z.number().int()).openapi({ description: 'Rows deleted per table (consents are detached from the records, not deleted, for customers who stay)' }),
  audited: z.boolean().openapi({ description: 'The audit entry (source.retention_delete, with these totals) is written: the delete is over' }),
  seconds: z.number(),
}).openapi('RetentionTotals');

export const RetentionJobSchema = z.object({
  id: z.string().uuid(),
  status: z.enum(['queued', 'running', 'failed', 'dead', 'done']).openapi({ description: 'failed: waiting for its retry, which goes on from the last committed batch; dead: gave up (the ジョブ page can retry it)' }),
  attempts: z.number().int(), lastError: z.string().nullable(),
  progress: RetentionTotalsSchema.nullable().openapi({ description: 'The totals so far; once done, the final ones' }),
}).openapi('RetentionJob');
export type RetentionJobBody = z.infer<typeof RetentionJobSchema>;

export const RetentionResultSchema = RetentionPlanSchema.extend({
  job: RetentionJobSchema.openapi({ description: 'The delete, queued as a job (retention.delete)' }),
}).openapi('RetentionResult');
export type RetentionResult = z.infer<typeof RetentionResultSchema>;

export const RetentionDeleteInputSchema = z.object({
  confirm: z.string().openapi({ description: 'The source\'s name (sources.name), typed to confirm' }),
}).openapi('RetentionDeleteInput');
