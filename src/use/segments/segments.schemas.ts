import { z } from '@hono/zod-openapi';

/**
 * A segment definition: a tree of conditions (and / or / not, nested) over golden-record fields, the customer's
 * company, sources, behaviour in a time window, purchase values (RFM, predicted) and other saved segments. Stored as
 * JSON in segments.definition; compiled to one SQL statement (segment-sql.repository.ts).
 *
 * Example 「東京都 で 2 回以上購入、最終購入が 180 日以内」:
 * {"type":"and","conditions":[
 *   {"type":"attribute","field":"prefecture","op":"eq","value":"東京都"},
 *   {"type":"purchases","minCount":2},
 *   {"type":"purchases","minCount":1,"window":{"lastDays":180}}]}
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { error: '日付は YYYY-MM-DD で指定してください (date as YYYY-MM-DD)' });
const count = z.number().int().min(0).max(1_000_000);

/** When behaviour happened: the last N days, between two dates (inclusive, Japan time), or, when absent, ever. */
export const Window = z.union([
  z.strictObject({ lastDays: z.number().int().min(1).max(36_500) }),
  z.strictObject({ from: date, to: date.optional() }),
  z.strictObject({ to: date }),
], { error: '期間は {"lastDays":N} か {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} で指定してください (window: lastDays or from/to)' });
export type Window = z.infer<typeof Window>;

export const ATTRIBUTE_FIELDS = ['lifecycle_stage', 'acquisition_channel', 'prefecture', 'city', 'gender', 'owner', 'department', 'title', 'email_domain'] as const;
export const TEXT_OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
export type TextOp = (typeof TEXT_OPS)[number];

const textTest = { op: z.enum(TEXT_OPS), value: z.string().max(500).optional(), values: z.array(z.string().max(500)).max(1000).optional() };
const range = { min: z.number().optional(), max: z.number().optional() };
const scoreRange = z.strictObject({ min: z.number().int().min(1).max(10).optional(), max: z.number().int().min(1).max(10).optional() });

export const AttributeCondition = z.strictObject({ type: z.literal('attribute'), field: z.enum(ATTRIBUTE_FIELDS), ...textTest });
export const DateCondition = z.strictObject({ type: z.literal('date'), field: z.enum(['created_at', 'updated_at']), window: Window });
export const AgeCondition = z.strictObject({ type: z.literal('age'), min: z.number().int().min(0).max(150).optional(), max: z.number().int().min(0).max(150).optional() });
export const HasCondition = z.strictObject({ type: z.literal('has'), field: z.enum(['email', 'phone', 'address', 'company', 'birth_date', 'owner']) });
export const CustomFieldCondition = z.strictObject({
  type: z.literal('custom_field'), key: z.string().min(1).max(100),
  op: z.enum([...TEXT_OPS, 'between', 'is_true', 'is_false', 'has_any', 'has_all']),
  value: z.string().max(500).optional(), values: z.array(z.string().max(500)).max(1000).optional(),
  ...range, from: date.optional(), to: date.optional(),
});
export const CompanyCondition = z.strictObject({
  type: z.literal('company'), field: z.enum(['industry', 'size_band', 'prefecture', 'employees', 'capital']),
  values: z.array(z.string().max(100)).max(100).optional(), ...range,
});
export const SourceCondition = z.strictObject({ type: z.literal('source'), source: z.string().min(1).max(100), op: z.enum(['has_record', 'first_seen']) });
export const SourceCountCondition = z.strictObject({ type: z.literal('source_count'), min: count.optional(), max: count.optional() });
export const PageViewsCondition = z.strictObject({
  type: z.literal('page_views'),
  url: z.string().max(500).optional().openapi({ description: '「/products/*」 (* = any text; a leading / matches the path) or text the URL contains' }),
  minCount: count.optional(), minSeconds: count.optional(), window: Window.optional(),
});
export const FormCondition = z.strictObject({ type: z.literal('form_submitted'), formId: z.string().uuid().optional(), window: Window.optional() });
export const EventCondition = z.strictObject({
  type: z.literal('event'), status: z.enum(['registered', 'attended', 'no_show']),
  eventId: z.string().uuid().optional(), eventKind: z.string().max(50).optional(), window: Window.optional(),
});
export const PurchasesCondition = z.strictObject({
  type: z.literal('purchases'), window: Window.optional(), sku: z.string().max(200).optional(), category: z.string().max(200).optional(),
  minCount: count.optional(), maxCount: count.optional(), minAmount: z.number().optional(), maxAmount: z.number().optional(),
});
/**
 * Campaign e-mail (src/use/campaigns) as the customer's timeline records it: received = sent and not bounced, opened,
 * clicked; of one campaign or any; at least `minCount` messages (default 1) in the window.
 */
export const EMAIL_ACTIONS = ['received', 'opened', 'clicked'] as const;
export const EmailCondition = z.strictObject({
  type: z.literal('email'), action: z.enum(EMAIL_ACTIONS), campaignId: z.string().uuid().optional(),
  minCount: count.optional(), window: Window.optional(),
});
export const NoPurchaseCondition = z.strictObject({ type: z.literal('no_purchase'), days: z.number().int().min(1).max(36_500) });
/**
 * 「N 日間接触なし」: none of the CONTACT_ACTIVITY_TYPES on the customer's timeline in the last N days (someone never
 * contacted qualifies too). A page view, a purchase or an e-mail open is the customer's own behaviour, not a contact.
 */
export const NoContactCondition = z.strictObject({ type: z.literal('no_contact'), days: z.number().int().min(1).max(36_500) });
/** 「N 日以内に否定的な声」: a voice-of-customer item judged negative received in the last N days (issue 24). */
export const NegativeFeedbackCondition = z.strictObject({ type: z.literal('negative_feedback'), days: z.number().int().min(1).max(36_500) });
/** The activities that mean 接触: a mail or DM sent, a note (a call, a visit written down), a form submitted, an event registered for or attended. */
export const CONTACT_ACTIVITY_TYPES = ['email_sent', 'dm_mailed', 'note', 'form_submission', 'event_registration', 'event_attendance'] as const;
export const RfmCondition = z.strictObject({
  type: z.literal('rfm'), r: scoreRange.optional(), f: scoreRange.optional(), m: scoreRange.optional(),
  tiers: z.array(z.string().max(40)).max(20).optional(), segments: z.array(z.string().max(40)).max(20).optional(),
});
export const PREDICTED_METRICS = ['p_alive', 'expected_purchases_90d', 'expected_order_value', 'predicted_value_365d'] as const;
export const PredictedCondition = z.strictObject({ type: z.literal('predicted'), metric: z.enum(PREDICTED_METRICS), ...range });
/** 「商品 X の提案対象」: customers with product X among their top `maxRank` cross-sell / up-sell candidates (src/use/recommend). */
export const CandidateCondition = z.strictObject({
  type: z.literal('candidate'), sku: z.string().min(1).max(200),
  maxRank: z.number().int().min(1).max(50).optional().openapi({ description: 'Within the customer\'s first N candidates (default 10)' }),
  kind: z.enum(['cross_sell', 'up_sell']).optional(),
});
export const SegmentRefCondition = z.strictObject({ type: z.literal('segment'), segmentId: z.string().uuid() });

export const LEAF_CONDITIONS = [
  AttributeCondition, DateCondition, AgeCondition, HasCondition, CustomFieldCondition, CompanyCondition, SourceCondition,
  SourceCountCondition, PageViewsCondition, FormCondition, EventCondition, EmailCondition, PurchasesCondition, NoPurchaseCondition, NoContactCondition, NegativeFeedbackCondition,
  RfmCondition, PredictedCondition, CandidateCondition, SegmentRefCondition,
] as const;
export type LeafCondition = z.infer<(typeof LEAF_CONDITIONS)[number]>;
export type ConditionType = LeafCondition['type'] | 'and' | 'or' | 'not';

export type SegmentNode =
  | LeafCondition
  | { type: 'and'; conditions: SegmentNode[] }
  | { type: 'or'; conditions: SegmentNode[] }
  | { type: 'not'; condition: SegmentNode };

/** One recursive schema for the tree; its depth and size are bounded by parseDefinition (definition.ts). */
export const SegmentNodeSchema: z.ZodType<SegmentNode> = z.lazy(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('and'), conditions: z.array(SegmentNodeSchema).max(100) }),
  z.strictObject({ type: z.literal('or'), conditions: z.array(SegmentNodeSchema).max(100) }),
  z.strictObject({ type: z.literal('not'), condition: SegmentNodeSchema }),
  ...LEAF_CONDITIONS,
], { error: (issue) => (issue.code === 'invalid_union' ? `条件の種類が不明です (unknown condition type)` : undefined) }));

/** In the OpenAPI document the tree is an object described here; the server validates it with SegmentNodeSchema. */
export const DefinitionSchema = z.custom<SegmentNode>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  error: 'セグメントの条件 (definition) はオブジェクトで指定してください (definition must be an object)',
}).openapi({
  type: 'object', description: 'Condition tree: {"type":"and"|"or","conditions":[…]}, {"type":"not","condition":…} or a condition (see src/use/segments/segments.schemas.ts)',
  example: { type: 'and', conditions: [{ type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'purchases', minCount: 2 }] },
});

// ── API ──

export const SegmentCountRequest = z.object({ definition: DefinitionSchema }).openapi('SegmentCountRequest');
export const DistributionSchema = z.object({
  members: z.number().int(),
  orderCounts: z.array(z.object({ bucket: z.string(), customers: z.number().int(), revenue: z.string() })),
  tiers: z.array(z.object({ tier: z.string(), customers: z.number().int() })),
  recencyDays: z.object({ p25: z.number().nullable(), p50: z.number().nullable(), p75: z.number().nullable() }),
  monetary: z.object({ p25: z.number().nullable(), p50: z.number().nullable(), p75: z.number().nullable() }),
  warnings: z.array(z.object({ code: z.string(), ja: z.string(), en: z.string() })),
}).openapi('SegmentDistribution');
export type SegmentDistribution = z.infer<typeof DistributionSchema>;

export const SegmentCountSchema = z.object({ count: z.number().int(), ms: z.number() }).openapi('SegmentCount');
export const SegmentPreviewSchema = z.object({
  count: z.number().int(),
  members: z.array(z.object({ id: z.string(), displayName: z.string(), prefecture: z.string().nullable(), companyName: z.string().nullable(), lifecycleStage: z.string() })),
  distribution: DistributionSchema,
}).openapi('SegmentPreview');
export type SegmentPreview = z.infer<typeof SegmentPreviewSchema>;

export const SegmentInput = z.object({
  name: z.string().trim().min(1).max(200), description: z.string().max(2000).nullable().optional(),
  definition: DefinitionSchema, mode: z.enum(['dynamic', 'snapshot']).optional(),
  refreshMinutes: z.number().int().min(5).max(10_080).nullable().optional(),
}).openapi('SegmentInput');
export type SegmentInputBody = z.infer<typeof SegmentInput>;
export const SegmentPatch = SegmentInput.partial().openapi('SegmentPatch');
export type SegmentPatchBody = z.infer<typeof SegmentPatch>;

export const SegmentSchema = z.object({
  id: z.string(), name: z.string(), description: z.string().nullable(), definition: z.unknown(),
  mode: z.enum(['dynamic', 'snapshot']), ownerUserId: z.string().nullable(), ownerName: z.string().nullable(),
  refreshMinutes: z.number().int().nullable(), memberCount: z.number().int().nullable(), refreshedAt: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Segment');
export type Segment = z.infer<typeof SegmentSchema>;
export const SegmentListSchema = z.object({ items: z.array(SegmentSchema) }).openapi('SegmentList');
export type SegmentList = z.infer<typeof SegmentListSchema>;

export const SegmentSizesSchema = z.object({
  items: z.array(z.object({ measuredAt: z.string(), memberCount: z.number().int(), added: z.number().int(), removed: z.number().int() })),
}).openapi('SegmentSizes');
export type SegmentSizes = z.infer<typeof SegmentSizesSchema>;

export const SegmentMembersQuery = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const SegmentExportQuery = z.object({ encoding: z.enum(['utf-8', 'cp932']).optional() });
export const SegmentSplitResult = z.object({ items: z.array(SegmentSchema) }).openapi('SegmentSplit');
