import { z } from '@hono/zod-openapi';
import { SOURCE_NAME_PATTERN } from '../../domain/sources/names.ts';
import { EMAIL_BASES } from '../../domain/consent/basis.ts';

const EMAIL_BASIS = z.enum(EMAIL_BASES).openapi({
  description: 'The lawful basis for marketing e-mail (特定電子メール法) this source gives its records: opt_in_per_record (個別の同意: each record’s own consent), business_card (名刺交換), business_relationship (取引関係), published_for_business (事業用に公表されたアドレス), none',
});

const KIND = z.enum(['file_import', 'form', 'api', 'tracker', 'integration']);
const PARTY = z.enum(['first', 'second', 'third']).openapi({ description: 'first = 自社, second = 他社, third = 第三者' });

export const SourceRecomputeSchema = z.object({
  status: z.enum(['running', 'completed', 'failed']),
  priorityFrom: z.number().int(), priorityTo: z.number().int(),
  done: z.number().int().openapi({ description: 'Customers whose golden record has been recomputed so far' }),
  total: z.number().int().openapi({ description: 'Customers holding a record of the source when the recompute began' }),
  error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable(),
}).openapi('SourceRecompute', {
  description: 'Survivorship re-applied after the priority changed: the golden records of the customers holding a record of the source, recomputed in the background page by page (it survives a restart and goes on from where it was)',
});
export type SourceRecompute = z.infer<typeof SourceRecomputeSchema>;

export const SourceSchema = z.object({
  id: z.string().uuid(), name: z.string(), label: z.string(), kind: z.string(), party: z.string(),
  owningDepartment: z.string().nullable(), priority: z.number().int(), freshnessSlaDays: z.number().int().nullable(),
  description: z.string().nullable(), emailBasis: EMAIL_BASIS,
  purposeOfUse: z.string().nullable().openapi({ description: '利用目的: what the company uses this source’s data for (APPI)' }),
  retentionDays: z.number().int().nullable().openapi({ description: '保存期間 in days; records received longer ago are flagged for deletion' }),
  recordCount: z.number().int(), lastReceivedAt: z.string().nullable(),
  /** The source has a freshness SLA and has not delivered within it. */
  stale: z.boolean(),
  recompute: SourceRecomputeSchema.nullable().openapi({ description: 'The latest recompute after a priority change; null if the priority never changed' }),
}).openapi('Source');
export type Source = z.infer<typeof SourceSchema>;

export const SourceListSchema = z.object({ items: z.array(SourceSchema) });
export type SourceList = z.infer<typeof SourceListSchema>;

export const SourceCreate = z.object({
  name: z.string().regex(SOURCE_NAME_PATTERN, 'lowercase letters, digits, - and _, at most 63 characters').openapi({
    example: 'meishi', description: 'Not manual, form-…, web-… or events-form-…: those sources are registered by their feature',
  }),
  label: z.string().trim().min(1).max(100).openapi({ example: '名刺管理' }),
  kind: KIND,
  party: PARTY,
  owningDepartment: z.string().trim().max(100).nullable().optional(),
  priority: z.number().int().min(1).max(10_000).optional(),
  freshnessSlaDays: z.number().int().min(1).max(3650).nullable().optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  emailBasis: EMAIL_BASIS.optional(),
  purposeOfUse: z.string().trim().max(1000).nullable().optional(),
  retentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
}).openapi('SourceCreate');
export const SourcePatch = SourceCreate.omit({ name: true, kind: true }).partial().openapi('SourcePatch');
