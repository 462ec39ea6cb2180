import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';

/**
 * Voice of customer (顧客の声, issue 24): API shapes shared by the routes and the UI. Text, subject, sender, comments
 * and replies are personal data: for roles without customers:read_personal they come back as ＊＊＊ and `masked` is true.
 *
 * Endpoints (all under /api/v1, permission in brackets):
 *   GET    /voice/items                 inbox, filters of VoiceListQuery, keyset cursor     [voice:read]   → VoiceItemPage
 *   POST   /voice/items                 add an item (API)                                  [voice:write]  → VoiceCreated (201)
 *   GET    /voice/items/{id}            detail with comments, replies, group                [voice:read]   → VoiceItemDetail
 *   PATCH  /voice/items/{id}            status, assignee, team, due date, products          [voice:write]  → VoiceItemDetail
 *   POST   /voice/items/{id}/tags       add a tag by hand                                   [voice:write]  → VoiceItemDetail
 *   DELETE /voice/items/{id}/tags/{tag} remove a tag                                        [voice:write]  → VoiceItemDetail
 *   POST   /voice/items/{id}/comments   internal comment                                    [voice:write]  → VoiceItemDetail
 *   POST   /voice/items/{id}/reply      reply by e-mail (SMTP, else the outbox)             [voice:write]  → VoiceItemDetail
 *   POST   /voice/inbound-email         an e-mail to the feedback address                   [voice:write]  → VoiceCreated (201)
 *   POST   /voice/import                CSV (text/csv body) of survey answers / call logs   [voice:write]  → VoiceImportResult
 *   POST   /voice/notes/{activityId}    mark a sales note as feedback                       [voice:write]  → VoiceCreated (201)
 *   GET    /voice/export.csv            the inbox (same filters) as CSV, audited            [voice:export]
 *   GET    /voice/tags                  topic tags and tags in use                          [voice:read]   → VoiceTagCatalog
 *   GET    /voice/groups                themes, newest first                                [voice:read]   → VoiceGroupList
 *   GET    /voice/trend                 per-month volume and sentiment (?product=SKU)       [voice:read]   → VoiceTrend
 *   GET    /voice/scores                NPS and CSAT                                        [voice:read]   → VoiceScoreSummary
 *   GET    /voice/digests               stored weekly digests (?teamId)                     [voice:read]   → VoiceDigestList
 *   GET    /voice/digest                this (or ?week=) week's digest computed now         [voice:read]   → VoiceDigest
 *   GET|POST /voice/tag-rules, PATCH|DELETE /voice/tag-rules/{id}         [read: voice:read, write: voice:settings]
 *   GET|POST /voice/routing-rules, PATCH|DELETE /voice/routing-rules/{id} [read: voice:read, write: voice:settings]
 *   GET|POST /voice/teams, PATCH|DELETE /voice/teams/{id}                 [read: voice:read, write: voice:settings]
 * The dashboard has a panel `voice_sentiment` (src/use/dashboards), the segment builder a condition
 * {"type":"negative_feedback","days":N}, and a form field can be marked as the message (`voiceMessage: true`).
 */

export const VOICE_CHANNELS = ['form', 'email', 'import', 'note', 'api'] as const;
export type VoiceChannelCode = (typeof VOICE_CHANNELS)[number];
export const VOICE_STATUSES = ['new', 'in_progress', 'done'] as const;
export type VoiceStatusCode = (typeof VOICE_STATUSES)[number];
export const VOICE_SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const VOICE_LANGUAGES = ['ja', 'en', 'other'] as const;
export const SCORE_KINDS = ['nps', 'csat'] as const;

/** Japanese labels of the codes (the UI has its own in i18n.ts; these are for CSV exports, digests and e-mail). */
export const STATUS_LABELS: Record<VoiceStatusCode, string> = { new: '新規', in_progress: '対応中', done: '完了' };
export const CHANNEL_LABELS: Record<VoiceChannelCode, string> = { form: 'フォーム', email: 'メール', import: 'CSV 取り込み', note: '営業メモ', api: 'API' };
export const SENTIMENT_LABELS = { positive: '肯定的', neutral: '中立', negative: '否定的' } as const;

const uuid = z.string().uuid({ error: 'ID の形式が正しくありません (invalid id)' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { error: '日付は YYYY-MM-DD で指定してください (date as YYYY-MM-DD)' });
const sku = z.string().trim().min(1).max(100);
const tagName = z.string().trim().min(1, { error: 'タグを入力してください (tag is required)' }).max(60);

// ── items ──

export const VoiceTagSchema = z.object({
  tag: z.string(),
  origin: z.enum(['rule', 'manual']),
  ruleId: z.string().nullable(),
  createdBy: z.string().nullable(),
}).openapi('VoiceTag');

export const VoiceItemSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  channel: z.enum(VOICE_CHANNELS),
  customerId: z.string(),
  customerName: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().openapi({ description: 'The list: the first 200 characters; the detail: all of it. ＊＊＊ when masked' }),
  sender: z.string().nullable(),
  score: z.number().int().nullable(),
  scoreKind: z.enum(SCORE_KINDS).nullable(),
  scoreMax: z.number().int().nullable(),
  productSkus: z.array(z.string()),
  language: z.enum(VOICE_LANGUAGES),
  sentiment: z.enum(VOICE_SENTIMENTS),
  sentimentScore: z.number(),
  status: z.enum(VOICE_STATUSES),
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  dueOn: z.string().nullable(),
  groupId: z.string().nullable(),
  tags: z.array(VoiceTagSchema),
  masked: z.boolean(),
}).openapi('VoiceItem');
export type VoiceItem = z.infer<typeof VoiceItemSchema>;

export const VoiceCommentSchema = z.object({
  id: z.number().int(), authorUserId: z.string().nullable(), authorName: z.string().nullable(), body: z.string(), createdAt: z.string(),
}).openapi('VoiceComment');
export type VoiceComment = z.infer<typeof VoiceCommentSchema>;

export const VoiceReplySchema = z.object({
  id: z.number().int(), toAddress: z.string(), subject: z.string(), body: z.string(), sentBy: z.string().nullable(), sentByName: z.string().nullable(),
  sentAt: z.string(), transport: z.enum(['smtp', 'outbox']),
}).openapi('VoiceReply');
export type VoiceReply = z.infer<typeof VoiceReplySchema>;

export const VoiceGroupSchema = z.object({
  id: z.string(), label: z.string(), productSku: z.string().nullable(), topic: z.string().nullable(), itemCount: z.number().int(),
  firstAt: z.string(), lastAt: z.string(), negative: z.number().int().openapi({ description: 'Live items of the group with negative sentiment' }),
}).openapi('VoiceGroup');
export type VoiceGroup = z.infer<typeof VoiceGroupSchema>;

export const VoiceItemDetailSchema = VoiceItemSchema.extend({
  attachmentNames: z.array(z.string()),
  sentimentEvidence: z.array(z.unknown()),
  customerTier: z.string().nullable().openapi({ description: 'The customer\'s RFM tier (customer_values), if a buyer' }),
  routingRuleId: z.string().nullable(),
  sourceRecordId: z.number().int(),
  formSubmissionId: z.number().int().nullable(),
  formId: z.string().nullable(),
  activityId: z.number().int().nullable(),
  replyTo: z.string().nullable().openapi({ description: 'Where a reply goes: the customer\'s e-mail (masked for viewers)' }),
  group: VoiceGroupSchema.nullable(),
  comments: z.array(VoiceCommentSchema),
  replies: z.array(VoiceReplySchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  doneAt: z.string().nullable(),
}).openapi('VoiceItemDetail');
export type VoiceItemDetail = z.infer<typeof VoiceItemDetailSchema>;

export const VoiceItemPageSchema = pageOf(VoiceItemSchema).openapi('VoiceItemPage');
export type VoiceItemPage = z.infer<typeof VoiceItemPageSchema>;

const csvList = (max: number) => z.string().max(2000).optional().transform((v, ctx) => {
  if (v === undefined || v.trim() === '') return undefined;
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length > max) { ctx.addIssue({ code: 'custom', message: `${max} 件まで指定できます (at most ${max})` }); return z.NEVER; }
  return list;
});

/** Inbox filters. Lists given as comma-separated values (status=new,in_progress). */
export const VoiceListQuery = z.object({
  status: csvList(3).openapi({ description: 'new, in_progress, done (comma-separated)', example: 'new,in_progress' }),
  tag: z.string().trim().max(60).optional(),
  sentiment: z.enum(VOICE_SENTIMENTS).optional(),
  channel: z.enum(VOICE_CHANNELS).optional(),
  teamId: uuid.optional(),
  assigneeUserId: z.string().max(40).optional().openapi({ description: 'A user id, `me` or `none` (unassigned)' }),
  product: sku.optional().openapi({ description: 'A product SKU' }),
  customerId: uuid.optional(),
  groupId: uuid.optional(),
  from: isoDate.optional().openapi({ description: 'Received on or after this Japan date' }),
  to: isoDate.optional().openapi({ description: 'Received on or before this Japan date' }),
  q: z.string().trim().max(100).optional().openapi({ description: 'Text contains (Japanese folded like customer search: width, kana, case)' }),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
}).superRefine((v, ctx) => {
  for (const s of v.status ?? []) {
    if (!(VOICE_STATUSES as readonly string[]).includes(s)) ctx.addIssue({ code: 'custom', path: ['status'], message: `ステータスは new / in_progress / done です (unknown status ${s})` });
  }
  if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '終了日は開始日以降にしてください (to is before from)' });
});
export type VoiceListFilter = z.infer<typeof VoiceListQuery>;

/** A customer given by id, or by contact details (resolved like any record: an unknown person becomes a prospect). */
const CustomerRef = z.object({
  customerId: uuid.optional(),
  email: z.string().trim().max(320).optional(),
  phone: z.string().trim().max(40).optional(),
  name: z.string().trim().max(200).optional(),
  companyName: z.string().trim().max(200).optional(),
});

export const VoiceItemInputSchema = CustomerRef.extend({
  channel: z.enum(['api', 'email', 'import', 'form', 'note']).default('api').openapi({ description: 'Where it came from (default api)' }),
  externalId: z.string().trim().min(1).max(200).optional().openapi({ description: 'Your key: the same key twice is one item' }),
  receivedAt: z.string().datetime({ offset: true, error: '受信日時は ISO 8601 で指定してください (receivedAt as ISO 8601)' }).optional(),
  subject: z.string().trim().max(500).optional(),
  text: z.string().trim().min(1, { error: '本文を入力してください (text is required)' }).max(20_000),
  score: z.number().int().min(0).max(10).optional(),
  scoreKind: z.enum(SCORE_KINDS).optional(),
  scoreMax: z.number().int().min(1).max(10).optional().openapi({ description: 'CSAT scale (default 5)' }),
  productSkus: z.array(sku).max(20).optional(),
  attachmentNames: z.array(z.string().trim().min(1).max(255)).max(20).optional(),
  tags: z.array(tagName).max(20).optional(),
}).superRefine((v, ctx) => {
  if (!v.customerId && !v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['customerId'], message: '顧客 ID かメールアドレス・電話番号を指定してください (customerId, email or phone is required)' });
  if (v.score !== undefined && !v.scoreKind) ctx.addIssue({ code: 'custom', path: ['scoreKind'], message: 'スコアの種類 (nps / csat) を指定してください (scoreKind is required with score)' });
}).openapi('VoiceItemInput');
export type VoiceItemInput = z.infer<typeof VoiceItemInputSchema>;

export const InboundEmailSchema = z.object({
  from: z.string().trim().min(3).max(400).openapi({ example: '山田 太郎 <taro@daicho-test.jp>' }),
  to: z.string().trim().max(400).optional(),
  subject: z.string().max(500).default(''),
  text: z.string().trim().min(1, { error: '本文がありません (text is required)' }).max(100_000),
  messageId: z.string().trim().max(500).optional().openapi({ description: 'The Message-ID: the same message twice is one item' }),
  date: z.string().datetime({ offset: true }).optional(),
  attachmentNames: z.array(z.string().max(255)).max(50).optional(),
}).openapi('VoiceInboundEmail');
export type InboundEmail = z.infer<typeof InboundEmailSchema>;

export const VoiceItemPatchSchema = z.object({
  status: z.enum(VOICE_STATUSES).optional(),
  assigneeUserId: uuid.nullable().optional(),
  teamId: uuid.nullable().optional(),
  dueOn: isoDate.nullable().optional(),
  productSkus: z.array(sku).max(20).optional(),
}).openapi('VoiceItemPatch');
export type VoiceItemPatch = z.infer<typeof VoiceItemPatchSchema>;

export const VoiceTagInputSchema = z.object({ tag: tagName }).openapi('VoiceTagInput');
export const TagParam = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }),
  tag: z.string().min(1).max(60).openapi({ param: { name: 'tag', in: 'path' } }),
});
export const VoiceCommentInputSchema = z.object({ body: z.string().trim().min(1, { error: 'コメントを入力してください (comment is required)' }).max(10_000) }).openapi('VoiceCommentInput');
export const VoiceReplyInputSchema = z.object({
  subject: z.string().trim().min(1, { error: '件名を入力してください (subject is required)' }).max(300),
  body: z.string().trim().min(1, { error: '本文を入力してください (body is required)' }).max(50_000),
  markDone: z.boolean().default(false).openapi({ description: 'Set the status to 完了 after sending' }),
}).openapi('VoiceReplyInput');
export type VoiceReplyInput = z.infer<typeof VoiceReplyInputSchema>;

export const NoteParam = z.object({ activityId: z.coerce.number().int().positive().openapi({ param: { name: 'activityId', in: 'path' } }) });
export const FromNoteSchema = z.object({
  productSkus: z.array(sku).max(20).optional(),
  tags: z.array(tagName).max(20).optional(),
}).openapi('VoiceFromNote');

export const CreatedItemSchema = z.object({
  item: VoiceItemDetailSchema,
  duplicate: z.boolean().openapi({ description: 'The same key (Message-ID, externalId, submission, note) was given before: the existing item' }),
}).openapi('VoiceCreated');

// ── CSV import ──

export const ImportQuery = z.object({
  channel: z.enum(['import']).optional(),
  defaultKind: z.enum(SCORE_KINDS).optional().openapi({ description: 'Score kind for rows without a kind column' }),
  encoding: z.string().max(40).optional().openapi({ description: 'utf-8, cp932, …; detected when omitted' }),
});
export const ImportResultSchema = z.object({
  rows: z.number().int(), created: z.number().int(), duplicates: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), field: z.string().nullable(), message: z.string() })),
}).openapi('VoiceImportResult');
export type ImportResult = z.infer<typeof ImportResultSchema>;

// ── rules, teams ──

export const TagRuleInputSchema = z.object({
  tag: tagName,
  keywords: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  formId: uuid.nullable().optional(),
  productSkus: z.array(sku).max(50).default([]),
  channel: z.enum(VOICE_CHANNELS).nullable().optional(),
  enabled: z.boolean().default(true),
}).openapi('VoiceTagRuleInput');
export type TagRuleInput = z.infer<typeof TagRuleInputSchema>;
export const TagRulePatchSchema = TagRuleInputSchema.partial().openapi('VoiceTagRulePatch');
export const TagRuleSchema = z.object({
  id: z.string(), tag: z.string(), keywords: z.array(z.string()), formId: z.string().nullable(), productSkus: z.array(z.string()),
  channel: z.enum(VOICE_CHANNELS).nullable(), enabled: z.boolean(), seeded: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('VoiceTagRule');
export type TagRuleOut = z.infer<typeof TagRuleSchema>;
export const TagRuleListSchema = z.object({ items: z.array(TagRuleSchema) }).openapi('VoiceTagRuleList');

export const RoutingRuleInputSchema = z.object({
  name: z.string().trim().min(1, { error: 'ルール名を入力してください (name is required)' }).max(200),
  position: z.number().int().min(0).max(10_000).default(0),
  enabled: z.boolean().default(true),
  tag: z.string().trim().max(60).nullable().optional(),
  productSku: sku.nullable().optional(),
  sentiment: z.enum(VOICE_SENTIMENTS).nullable().optional(),
  customerTier: z.string().trim().max(40).nullable().optional().openapi({ description: 'An RFM tier code (src/domain/value/tiers.ts)' }),
  teamId: uuid.nullable().optional(),
  assigneeUserId: uuid.nullable().optional(),
  dueInDays: z.number().int().min(0).max(365).nullable().optional(),
}).openapi('VoiceRoutingRuleInput');
export type RoutingRuleInput = z.infer<typeof RoutingRuleInputSchema>;
export const RoutingRulePatchSchema = RoutingRuleInputSchema.partial().openapi('VoiceRoutingRulePatch');
export const RoutingRuleSchema = z.object({
  id: z.string(), name: z.string(), position: z.number().int(), enabled: z.boolean(), tag: z.string().nullable(), productSku: z.string().nullable(),
  sentiment: z.enum(VOICE_SENTIMENTS).nullable(), customerTier: z.string().nullable(), teamId: z.string().nullable(), teamName: z.string().nullable(),
  assigneeUserId: z.string().nullable(), assigneeName: z.string().nullable(), dueInDays: z.number().int().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('VoiceRoutingRule');
export type RoutingRuleOut = z.infer<typeof RoutingRuleSchema>;
export const RoutingRuleListSchema = z.object({ items: z.array(RoutingRuleSchema) }).openapi('VoiceRoutingRuleList');

export const TeamInputSchema = z.object({
  name: z.string().trim().min(1, { error: 'チーム名を入力してください (name is required)' }).max(100),
  email: z.string().trim().max(320).nullable().optional().openapi({ description: 'Where the weekly digest goes besides the members' }),
  memberUserIds: z.array(uuid).max(200).default([]),
}).openapi('VoiceTeamInput');
export type TeamInput = z.infer<typeof TeamInputSchema>;
export const TeamPatchSchema = TeamInputSchema.partial().openapi('VoiceTeamPatch');
export const TeamSchema = z.object({
  id: z.string(), name: z.string(), email: z.string().nullable(),
  members: z.array(z.object({ userId: z.string(), displayName: z.string() })), createdAt: z.string(),
}).openapi('VoiceTeam');
export type TeamOut = z.infer<typeof TeamSchema>;
export const TeamListSchema = z.object({ items: z.array(TeamSchema) }).openapi('VoiceTeamList');

// ── reads: tags, groups, trends, NPS, digests ──

export const TagCatalogSchema = z.object({
  topics: z.array(z.string()).openapi({ description: 'The default topic tags (価格, 品質, 配送, サポート, 機能要望, 不具合, …)' }),
  items: z.array(z.object({ tag: z.string(), count: z.number().int() })).openapi({ description: 'Tags in use with their item counts' }),
}).openapi('VoiceTagCatalog');

export const GroupListQuery = z.object({ since: isoDate.optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const GroupListSchema = z.object({ items: z.array(VoiceGroupSchema) }).openapi('VoiceGroupList');

export const TrendQuery = z.object({
  product: sku.optional().openapi({ description: 'One product\'s SKU; omitted: every item' }),
  from: isoDate.optional(), to: isoDate.optional(),
});
export const TrendSchema = z.object({
  productSku: z.string().nullable(),
  months: z.array(z.object({
    month: z.string().openapi({ example: '2026-04' }), total: z.number().int(), positive: z.number().int(), neutral: z.number().int(), negative: z.number().int(),
    averageSentiment: z.number().nullable(),
  })),
}).openapi('VoiceTrend');
export type Trend = z.infer<typeof TrendSchema>;

export const ScoreSummaryQuery = z.object({ product: sku.optional(), from: isoDate.optional(), to: isoDate.optional(), teamId: uuid.optional() });
export const ScoreSummarySchema = z.object({
  nps: z.object({ n: z.number().int(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), nps: z.number().nullable() }),
  csat: z.object({ n: z.number().int(), satisfied: z.number().int(), csat: z.number().nullable() }),
}).openapi('VoiceScoreSummary');

export const DigestContentSchema = z.object({
  weekStart: z.string(), weekEnd: z.string(), total: z.number().int(),
  bySentiment: z.object({ positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() }),
  byTag: z.array(z.object({ tag: z.string(), count: z.number().int(), negative: z.number().int() })),
  newGroups: z.array(z.object({ id: z.string(), label: z.string(), itemCount: z.number().int() })),
  mostNegative: z.array(z.object({ id: z.string(), receivedAt: z.string(), customerName: z.string().nullable(), text: z.string(), sentimentScore: z.number() })),
});
export type DigestContent = z.infer<typeof DigestContentSchema>;
export const DigestSchema = z.object({
  id: z.string().nullable().openapi({ description: 'null: computed on demand and not stored' }),
  teamId: z.string().nullable(), teamName: z.string().nullable(), weekStart: z.string(), computedAt: z.string(), emailedAt: z.string().nullable(),
  content: DigestContentSchema, masked: z.boolean(),
}).openapi('VoiceDigest');
export type Digest = z.infer<typeof DigestSchema>;
export const DigestListSchema = z.object({ items: z.array(DigestSchema) }).openapi('VoiceDigestList');
export const DigestQuery = z.object({
  teamId: uuid.optional(),
  week: isoDate.optional().openapi({ description: 'Any day of the week (Japan, Monday to Sunday); default this week' }),
});
export const DigestListQuery = z.object({ teamId: uuid.optional() });
