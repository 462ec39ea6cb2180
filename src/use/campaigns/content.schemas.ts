import { z } from '@hono/zod-openapi';

/**
 * A campaign e-mail's content and the messaging API's shapes (issue 23): behaviour blocks, preview, test send, the
 * sender settings, the outbox, bounces reported through the API. Shared by the routes, the campaign editor and the UI.
 */

const days = z.number().int({ error: '日数は整数で指定してください' }).min(1, { error: '日数は1以上で指定してください' }).max(3650, { error: '日数は3650以下で指定してください' });

export const BlockWhenSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('viewed_url'), pattern: z.string().trim().min(1, { error: 'URLパターンを入力してください' }).max(500), days }),
  z.object({ type: z.literal('bought_category'), category: z.string().trim().min(1, { error: '商品カテゴリを入力してください' }).max(200), days }),
  z.object({ type: z.literal('always') }),
], { error: '表示条件は viewed_url・bought_category・always のいずれかです' });

export const BlockSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/u, { error: 'ブロック名は英数字・_・- で40文字までです' }),
  when: BlockWhenSchema,
  text: z.string().max(20_000),
  html: z.string().max(100_000).nullable().optional(),
}).openapi('CampaignBlock');

/** campaigns.blocks: blocks shown by behaviour, placed in the body at {{block:key}}. */
export const BlocksSchema = z.array(BlockSchema).max(20, { error: 'ブロックは20個までです' });
export type BlockInput = z.infer<typeof BlockSchema>;

const FieldErrorSchema = z.object({ field: z.string(), message: z.string() });

export const PreviewRequest = z.object({
  subject: z.string().max(500),
  bodyText: z.string().max(200_000),
  bodyHtml: z.string().max(500_000).nullable().optional(),
  blocks: BlocksSchema.optional(),
  customerId: z.string().uuid({ error: '顧客IDが正しくありません' }),
}).openapi('CampaignPreviewRequest');

export const PreviewSchema = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  /** The customer's address the message would go to (masked without customers:read_personal). */
  to: z.string().nullable(),
  /** Blocks this customer would see. */
  shownBlocks: z.array(z.string()),
  /** Problems of the content (unknown merge fields, undefined blocks) and of the sender settings, Japanese. */
  errors: z.array(FieldErrorSchema),
}).openapi('CampaignPreview');

export const TestSendRequest = PreviewRequest.extend({
  customerId: z.string().uuid({ error: '顧客IDが正しくありません' }).optional(),
  campaignId: z.string().uuid().optional(),
}).openapi('CampaignTestSendRequest');

export const TestSendSchema = z.object({
  to: z.string(),
  /** smtp: handed to the SMTP server; outbox: not sent, kept in the outbox (no SMTP configured). */
  delivery: z.enum(['smtp', 'outbox']),
  messageId: z.string(),
}).openapi('CampaignTestSend');

const email = z.string().trim().max(254).regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/u, { error: 'メールアドレスの形式が正しくありません' });

export const SettingsSchema = z.object({
  senderName: z.string(),
  senderAddress: z.string(),
  senderContact: z.string(),
  fromEmail: z.string(),
  replyTo: z.string().nullable(),
  capCount: z.number().int(),
  capDays: z.number().int(),
  sendRate: z.number().int(),
  dmHouseholdAddressing: z.enum(['primary', 'family']),
  updatedAt: z.string(),
  /** What the law footer still lacks (empty: e-mail campaigns may be sent). */
  missing: z.array(FieldErrorSchema),
  /** smtp when DAICHO_SMTP_URL is set; outbox otherwise (messages are kept, not sent). */
  delivery: z.enum(['smtp', 'outbox']),
}).openapi('MessagingSettings');
export type Settings = z.infer<typeof SettingsSchema>;

const text = (max: number, message: string) => z.string().trim().min(1, { error: message }).max(max, { error: `${max}文字以内で入力してください` });
const int = (min: number, max: number) => z.number().int({ error: '整数で指定してください' }).min(min, { error: `${min}以上で指定してください` }).max(max, { error: `${max}以下で指定してください` });

export const SettingsUpdate = z.object({
  senderName: text(200, '送信者の氏名または名称を入力してください'),
  senderAddress: text(500, '送信者の住所を入力してください'),
  senderContact: text(500, '問い合わせ先（電話番号・メールアドレス・URL）を入力してください'),
  fromEmail: email,
  replyTo: email.nullable().optional(),
  capCount: int(1, 100),
  capDays: int(1, 365),
  sendRate: int(1, 1000),
  dmHouseholdAddressing: z.enum(['primary', 'family'], { error: 'primary か family を指定してください' }),
}).partial().openapi('MessagingSettingsUpdate');

export const OutboxQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  campaignId: z.string().uuid().optional(),
});

export const OutboxItemSchema = z.object({
  id: z.number().int(),
  messageId: z.number().int().nullable(),
  campaignId: z.string().nullable(),
  to: z.string(),
  subject: z.string(),
  isTest: z.boolean(),
  createdAt: z.string(),
  /** The whole MIME message as it would have been sent; null without customers:read_personal. */
  raw: z.string().nullable(),
  /** Its text part decoded (what the recipient reads); null without customers:read_personal. */
  text: z.string().nullable(),
}).openapi('OutboxMessage');

export const OutboxPageSchema = z.object({ items: z.array(OutboxItemSchema), nextCursor: z.string().nullable() }).openapi('OutboxPage');

export const BounceRequest = z.object({
  token: z.string().min(8).max(128).optional(),
  address: z.string().trim().max(254).optional(),
  /** A message of a campaign's list (the UI's 「不達にする」, where the address may be masked). */
  messageId: z.number().int().positive().optional(),
  kind: z.enum(['hard', 'soft'], { error: 'kind は hard か soft です' }),
  detail: z.string().max(2000).optional(),
}).refine((b) => [b.token, b.address, b.messageId].filter((x) => x !== undefined).length === 1, { error: 'token, address, messageId のどれか一つを指定してください', path: ['token'] })
  .openapi('CampaignBounce');

export const BounceResultSchema = z.object({
  /** The messages marked bounced: the token's, or by address the last message sent to it (0 when none). */
  messages: z.number().int(),
  suppressed: z.boolean(),
}).openapi('CampaignBounceResult');
export type OutboxPage = z.infer<typeof OutboxPageSchema>;
export type OutboxItem = z.infer<typeof OutboxItemSchema>;
export type Preview = z.infer<typeof PreviewSchema>;
