import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';

const REVIEW_STATUS = z.enum(['open', 'accepted', 'rejected', 'never']);
export type ReviewStatus = z.infer<typeof REVIEW_STATUS>;

export const MatchEvidenceSchema = z.object({ field: z.string(), level: z.string(), weight: z.number(), detail: z.string().nullable() }).openapi('MatchEvidence');
export type MatchEvidence = z.infer<typeof MatchEvidenceSchema>;

export const ReviewRecordSchema = z.object({
  recordId: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()),
}).openapi('ReviewRecord');
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

export const ReviewItemSchema = z.object({
  id: z.number().int(),
  status: REVIEW_STATUS,
  score: z.number(),
  probability: z.number(),
  rules: z.array(z.string()),
  evidence: z.array(MatchEvidenceSchema),
  nameOnly: z.boolean().openapi({ description: 'Nothing but the name agrees (no birth date, e-mail, phone, address or company): namesakes look like this' }),
  a: ReviewRecordSchema,
  b: ReviewRecordSchema,
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  learning: z.object({
    accepted: z.number().int().openapi({ description: 'Pairs of this pattern a person accepted one by one' }),
    rejected: z.number().int().openapi({ description: 'Pairs of this pattern a person rejected (or never) one by one' }),
    open: z.number().int().openapi({ description: 'Open pairs of this pattern' }),
    verdict: z.enum(['merge', 'distinct']).nullable().openapi({ description: 'What the decisions settled: new pairs of the pattern are decided so at import' }),
    priority: z.number().openapi({ description: 'What deciding this pair teaches (open pairs of the pattern × uncertainty of its tally): the queue order' }),
  }).nullable().openapi({ description: "The pair's pattern (every field's level, the rules, the probability band) and what reviewers decided on it; null before the resolver has computed it" }),
}).openapi('ReviewItem');
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewListQuery = z.object({
  status: REVIEW_STATUS.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const ReviewPageSchema = pageOf(ReviewItemSchema);
export type ReviewPage = z.infer<typeof ReviewPageSchema>;

export const ReviewIdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'id', in: 'path' }, type: 'integer' }) });
export const ReviewDecisionBody = z.object({ decision: z.enum(['accept', 'reject', 'never']) });
export const ReviewDecisionSchema = z.object({ item: ReviewItemSchema, customerId: z.string().nullable() });
export const PatternDecisionBody = z.object({ decision: z.enum(['accept', 'reject']) });
export const PatternDecisionSchema = z.object({
  decided: z.number().int().openapi({ description: 'Open pairs of the pattern decided' }),
  skipped: z.number().int().openapi({ description: 'Pairs that could not be decided (a customer deleted, or a merge refused): left open' }),
}).openapi('PatternDecision');
export type PatternDecision = z.infer<typeof PatternDecisionSchema>;
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

export const MergeBody = z.object({ customerIds: z.array(z.string().uuid()).min(2).max(100) });
export const MergeResultSchema = z.object({ customerId: z.string(), merged: z.array(z.string()) });
export type MergeResult = z.infer<typeof MergeResultSchema>;

export const UnmergeBody = z.object({ sourceRecordIds: z.array(z.number().int().positive()).min(1).max(1000) });
export const UnmergeResultSchema = z.object({ customerId: z.string(), newCustomerId: z.string() });
export type UnmergeResult = z.infer<typeof UnmergeResultSchema>;

export const IdentityRecordSchema = z.object({
  id: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  receivedAt: z.string(),
  fields: z.record(z.string(), z.unknown()),
  decisions: z.array(z.object({
    id: z.number().int(), kind: z.string(), rule: z.string().nullable(), score: z.number().nullable(), evidence: z.unknown(),
    customerId: z.string().nullable(), otherCustomerId: z.string().nullable(), importRunId: z.string().nullable(),
    decidedBy: z.string().nullable(), decidedAt: z.string(),
  })),
});
export type IdentityRecord = z.infer<typeof IdentityRecordSchema>;

export const CustomerIdentitySchema = z.object({
  customerId: z.string(),
  records: z.array(IdentityRecordSchema),
}).openapi('CustomerIdentity');
export type CustomerIdentity = z.infer<typeof CustomerIdentitySchema>;

export {
  QuarantinedRecordSchema, QuarantineListSchema, QuarantineRetryBody, QuarantineRetrySchema,
  type QuarantinedRecord, type QuarantineList, type QuarantineRetry,
} from '../resolution.schemas.ts';
