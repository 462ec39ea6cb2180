import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';
import { BlocksSchema } from './content.schemas.ts';

/** Campaigns (issue 23): API shapes shared by the routes, the CLI and the UI. */

export const CHANNELS = ['email', 'dm'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'preparing', 'sending', 'paused', 'done', 'cancelled'] as const;
export const MESSAGE_STATUSES = ['queued', 'claimed', 'sending', 'sent', 'outbox', 'failed', 'unknown', 'suppressed', 'skipped'] as const;

/**
 * Why a person considered is not sent to. The CLI's `reason` column and the UI's reasons use exactly these codes.
 * no_basis: no opt-in and no exception of 特定電子メール法 (e-mail only); opted_out: an opt-out or refusal for the channel;
 * no_address / invalid_address: nothing usable to send to; duplicate_address: another person of the audience gets the
 * message at the same e-mail address; duplicate_household: another person at the same postal address gets the DM piece;
 * frequency_cap: the cap across all campaigns is reached; bounced: the address hard-bounced (or soft-bounced 3 times in
 * 30 days), or the post came back (宛先不明); duplicate_person: only when sending (never in an audience): the customer was
 * merged with another who already gets this campaign's message.
 */
export const SUPPRESSION_REASONS = ['use_stopped', 'no_basis', 'opted_out', 'no_address', 'invalid_address', 'bounced', 'frequency_cap', 'duplicate_address', 'duplicate_household', 'duplicate_person'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

const uuid = z.string().uuid({ error: 'ID の形式が正しくありません (invalid id)' });

export const CampaignInputSchema = z.object({
  name: z.string().trim().min(1, { error: 'キャンペーン名を入力してください (name is required)' }).max(200),
  channel: z.enum(CHANNELS),
  department: z.string().trim().max(100).nullable().optional(),
  segmentIds: z.array(uuid).max(20).default([]).openapi({ description: 'Members of any of these segments; none = the whole ledger' }),
  subject: z.string().max(300).default(''),
  bodyText: z.string().max(100_000).default(''),
  bodyHtml: z.string().max(500_000).nullable().optional(),
  blocks: BlocksSchema.default([]).openapi({ description: 'Blocks shown by behaviour, placed at {{block:key}}' }),
}).openapi('CampaignInput');
export type CampaignInput = z.infer<typeof CampaignInputSchema>;

export const CampaignPatchSchema = CampaignInputSchema.omit({ channel: true }).partial().openapi('CampaignPatch');
export type CampaignPatch = z.infer<typeof CampaignPatchSchema>;

export const MessageCountsSchema = z.object({
  considered: z.number().int(),
  queued: z.number().int(),
  sent: z.number().int(),
  outbox: z.number().int(),
  failed: z.number().int(),
  unknown: z.number().int(),
  suppressed: z.number().int(),
  skipped: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  unsubscribed: z.number().int(),
  bounced: z.number().int(),
});
export type MessageCounts = z.infer<typeof MessageCountsSchema>;

export const CampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  channel: z.enum(CHANNELS),
  status: z.enum(CAMPAIGN_STATUSES),
  department: z.string().nullable(),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  subject: z.string(),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
  blocks: BlocksSchema,
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string().nullable(),
  counts: MessageCountsSchema,
  /** Where e-mail goes from this server: a real SMTP server, or the local outbox (not sent). */
  delivery: z.enum(['smtp', 'outbox']),
  /** The behaviour trigger this campaign is an instance of (null: made by a person). */
  triggerRuleId: z.string().nullable(),
  /**
   * Storing the audience in the background after the start: people considered (null until the audience is resolved)
   * and how many are stored as messages so far. Null for a campaign not started yet.
   */
  preparation: z.object({ total: z.number().int().nullable(), prepared: z.number().int() }).nullable(),
}).openapi('Campaign');
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignListQuery = z.object({
  origin: z.enum(['user', 'trigger', 'all'], { error: 'origin は user, trigger, all のいずれかです (origin must be user, trigger or all)' }).optional()
    .openapi({ description: 'user (default): campaigns people made; trigger: the instances behaviour triggers created; all' }),
});

export const CampaignListSchema = z.object({ items: z.array(CampaignSchema.omit({ bodyText: true, bodyHtml: true, blocks: true })) }).openapi('CampaignList');
export type CampaignList = z.infer<typeof CampaignListSchema>;

/** Who would get the campaign if it were sent now, and who not and why (nothing is stored). */
export const AudienceRequestSchema = z.object({
  channel: z.enum(CHANNELS),
  segmentIds: z.array(uuid).max(20).default([]),
}).openapi('AudienceRequest');

export const AudienceRowSchema = z.object({
  customerId: z.string(),
  displayName: z.string(),
  /** The e-mail, or the DM address line; masked without customers:read_personal. */
  address: z.string().nullable(),
  status: z.enum(['send', 'suppressed']),
  reason: z.enum(SUPPRESSION_REASONS).nullable(),
});
export type AudienceRow = z.infer<typeof AudienceRowSchema>;

export const AudienceSummarySchema = z.object({
  considered: z.number().int(),
  send: z.number().int(),
  suppressed: z.array(z.object({ reason: z.enum(SUPPRESSION_REASONS), count: z.number().int() })),
  /** DM: pieces (households) to print. */
  pieces: z.number().int().nullable(),
  ms: z.number(),
}).openapi('AudienceSummary');
export type AudienceSummary = z.infer<typeof AudienceSummarySchema>;

export const AudienceListQuery = z.object({
  status: z.enum(['send', 'suppressed']).optional(),
  reason: z.enum(SUPPRESSION_REASONS).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const AudienceListSchema = pageOf(AudienceRowSchema).openapi('AudienceList');

export const StartRequestSchema = z.object({
  /** Later: the campaign waits as scheduled and starts itself then (audience resolved at that time). */
  scheduledAt: z.string().datetime({ offset: true, error: '日時は ISO 8601 で指定してください (ISO 8601 date-time)' }).optional(),
}).openapi('CampaignStart');

export const MessageRowSchema = z.object({
  id: z.number().int(),
  customerId: z.string(),
  displayName: z.string(),
  address: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  sentAt: z.string().nullable(),
  openedAt: z.string().nullable(),
  clickedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
  bouncedAt: z.string().nullable(),
  /** DM: when the piece was recorded as come back (宛先不明). */
  returnedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type MessageRow = z.infer<typeof MessageRowSchema>;

export const MessageListQuery = z.object({
  status: z.enum(MESSAGE_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const MessageListSchema = pageOf(MessageRowSchema).openapi('CampaignMessageList');

/** Messages whose fate is unknown (the sending process died during the SMTP transaction): a person decides. */
export const UnknownDecisionSchema = z.object({
  action: z.enum(['resend', 'mark_sent']),
  messageIds: z.array(z.number().int()).max(10_000).optional().openapi({ description: 'Default: every unknown message of the campaign' }),
}).openapi('UnknownDecision');

export const ReportQuery = z.object({ days: z.coerce.number().int().min(1).max(365).optional() });
export const CampaignReportSchema = z.object({
  counts: MessageCountsSchema,
  suppressed: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /** Orders by recipients within `days` days after their message was sent (net of cancellations). */
  ordersAfter: z.object({ days: z.number().int(), orders: z.number().int(), buyers: z.number().int(), revenue: z.number() }),
  rates: z.object({ openRate: z.number().nullable(), clickRate: z.number().nullable(), bounceRate: z.number().nullable(), unsubscribeRate: z.number().nullable() }),
}).openapi('CampaignReport');
export type CampaignReport = z.infer<typeof CampaignReportSchema>;

export const DmListQuery = z.object({
  encoding: z.enum(['cp932', 'utf-8']).default('cp932'),
});
export const LabelsQuery = z.object({ layout: z.enum(['12', '24']).default('12') });

export const ReturnedImportResultSchema = z.object({
  /** Data rows read (blank lines are not counted). */
  rows: z.number().int(),
  matched: z.number().int(),
  alreadyReturned: z.number().int(),
  notFound: z.number().int(),
  lines: z.array(z.object({
    line: z.number().int(),
    status: z.enum(['matched', 'already_returned', 'not_found']),
    customerId: z.string().nullable(),
    name: z.string().nullable(),
    /** not_found: no_key, not_in_list, ambiguous, not_mailed, bad_row, refused. */
    reason: z.string().nullable(),
    message: z.string().nullable(),
  })),
}).openapi('ReturnedImportResult');
export type ReturnedImportResult = z.infer<typeof ReturnedImportResultSchema>;

export const ReturnedMailSchema = z.object({
  customerId: uuid,
  campaignId: uuid.optional(),
  detail: z.string().trim().max(500).optional(),
}).openapi('ReturnedMail');
