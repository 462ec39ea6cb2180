import { z } from '@hono/zod-openapi';
import { FIELD_TYPES, FORM_KINDS, FORM_STATUSES } from '../../domain/forms/definition.ts';
import { CONSENT_PURPOSES } from '../../domain/consent/purposes.ts';

const text = (max: number) => z.string().trim().max(max);
const nullableText = (max: number) => text(max).nullable().optional();

// ── the form definition (management) ──

export const FormFieldSchema = z.object({
  key: z.string().trim().min(1).max(40).openapi({ example: 'email' }),
  target: z.string().trim().min(1).max(80).openapi({ example: 'email', description: 'An import field name (email, full_name_kana, postal_code, …) or custom.<name>' }),
  labelJa: text(200).min(1).openapi({ example: 'メールアドレス' }),
  labelEn: nullableText(200),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  options: z.array(text(200)).max(100).optional(),
  placeholder: nullableText(200),
  helpText: nullableText(500),
  voiceMessage: z.boolean().optional().openapi({ description: 'The customer\'s message: each submission becomes an item of the voice-of-customer inbox (顧客の声)' }),
}).openapi('FormField');
export type FormFieldDef = z.infer<typeof FormFieldSchema>;

export const SlugSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'URL は半角英小文字・数字・- の2〜63文字です').openapi({ example: 'catalog-2025' });

const FormSettings = z.object({
  kind: z.enum(FORM_KINDS).optional(),
  title: text(200).min(1).optional().openapi({ example: '製品カタログ資料請求' }),
  description: nullableText(2000),
  fields: z.array(FormFieldSchema).max(60).optional(),
  consentPurpose: nullableText(60).openapi({ example: 'marketing' }),
  consentText: nullableText(4000).openapi({ example: 'ご入力いただいた個人情報は、資料送付および当社製品のご案内に利用します。' }),
  consentRequired: z.boolean().optional(),
  consentPurposes: z.array(z.enum(CONSENT_PURPOSES)).max(CONSENT_PURPOSES.length).optional().openapi({
    example: ['email_marketing'], description: 'What a ticked consent box grants (one ledger event each): email_marketing (メルマガ), dm, phone_marketing, profiling, third_party',
  }),
  thankYouMessage: nullableText(2000),
  redirectUrl: nullableText(1000),
  allowedOrigins: z.array(z.string().trim().max(200)).max(20).optional(),
  eventId: z.string().uuid().nullable().optional(),
  status: z.enum(FORM_STATUSES).optional(),
});
export const FormCreate = FormSettings.extend({ slug: SlugSchema, kind: z.enum(FORM_KINDS), title: text(200).min(1) }).openapi('FormCreate');
export const FormPatch = FormSettings.extend({ slug: SlugSchema.optional() }).openapi('FormPatch');

export const FormSchema = z.object({
  id: z.string().uuid(), slug: z.string(), kind: z.enum(FORM_KINDS), kindLabel: z.string(), title: z.string(), description: z.string().nullable(),
  fields: z.array(FormFieldSchema), consentPurpose: z.string().nullable(), consentText: z.string().nullable(), consentRequired: z.boolean(),
  consentVersion: z.number().int(), consentPurposes: z.array(z.enum(CONSENT_PURPOSES)), thankYouMessage: z.string().nullable(), redirectUrl: z.string().nullable(), allowedOrigins: z.array(z.string()),
  eventId: z.string().nullable(), status: z.enum(FORM_STATUSES), sourceId: z.string().uuid(), hostedPath: z.string(),
  submissionCount: z.number().int().optional(), spamCount: z.number().int().optional(), lastSubmittedAt: z.string().nullable().optional(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('Form');
export type Form = z.infer<typeof FormSchema>;
export type FormKind = Form['kind'];
export type FormStatus = Form['status'];
export type FormFieldType = FormFieldDef['type'];

export const FormListQuery = z.object({ status: z.enum(FORM_STATUSES).optional() });
export const FormListSchema = z.object({ items: z.array(FormSchema) });
export type FormList = z.infer<typeof FormListSchema>;

export const FormTargetSchema = z.object({
  target: z.string(), labelJa: z.string(), labelEn: z.string(), type: z.enum(FIELD_TYPES), options: z.array(z.string()), custom: z.boolean(),
});
export type FormTarget = z.infer<typeof FormTargetSchema>;
export const FormFieldCatalogSchema = z.object({ targets: z.array(FormTargetSchema) }).openapi('FormFieldCatalog');
export type FormFieldCatalog = z.infer<typeof FormFieldCatalogSchema>;

// ── submissions and consents (management) ──

const AnswerValue = z.union([z.string(), z.array(z.string())]);

export const FormSubmissionSchema = z.object({
  id: z.number().int(), status: z.enum(['accepted', 'spam']), values: z.record(z.string(), AnswerValue), consentGiven: z.boolean().nullable(),
  customerId: z.string().nullable(), customerName: z.string().nullable(), visitorId: z.string().nullable(), createdAt: z.string(),
}).openapi('FormSubmission');
export type FormSubmission = z.infer<typeof FormSubmissionSchema>;

export const SubmissionListQuery = z.object({ status: z.enum(['accepted', 'spam']).optional(), cursor: z.string().max(20).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const FormSubmissionPageSchema = z.object({
  masked: z.boolean(), fields: z.array(z.object({ key: z.string(), labelJa: z.string(), labelEn: z.string().nullable(), type: z.enum(FIELD_TYPES) })),
  items: z.array(FormSubmissionSchema), nextCursor: z.string().nullable(), hasMore: z.boolean(),
}).openapi('FormSubmissionPage');
export type FormSubmissionPage = z.infer<typeof FormSubmissionPageSchema>;

// ── public side: the form as a browser renders it, submissions, 〒 lookup ──

/** The definition a browser needs to render the form (no internal ids, no settings it has no use for). */
export const PublicFormSchema = z.object({
  slug: z.string(), kind: z.enum(FORM_KINDS), title: z.string(), description: z.string().nullable(),
  fields: z.array(FormFieldSchema.extend({ options: z.array(z.string()) })),
  consent: z.object({ text: z.string(), required: z.boolean() }).nullable(),
  thankYouMessage: z.string(), redirectUrl: z.string().nullable(),
}).openapi('PublicForm');
export type PublicForm = z.infer<typeof PublicFormSchema>;

export const SubmissionBody = z.record(z.string(), z.union([AnswerValue, z.boolean(), z.number()])).openapi('FormSubmissionInput', {
  example: { submission_key: '5f0c2f4e-7f43-4a43-9a53-0f7a3f1d2b10', full_name: '佐藤 花子', full_name_kana: 'さとう はなこ', email: 'hanako@kaisha.co.jp', consent: true },
});
export const SubmissionResultSchema = z.object({ status: z.literal('accepted'), duplicate: z.boolean(), message: z.string(), redirectUrl: z.string().nullable() }).openapi('FormSubmissionResult');
export type SubmissionResult = z.infer<typeof SubmissionResultSchema>;

export const SlugParam = z.object({ slug: SlugSchema.openapi({ param: { name: 'slug', in: 'path' } }) });
export const PostalParam = z.object({ code: z.string().regex(/^\d{7}$/, '郵便番号は7桁の数字です').openapi({ param: { name: 'code', in: 'path' }, example: '1000001' }) });
export const PostalAreaSchema = z.object({ postalCode: z.string(), prefecture: z.string(), city: z.string(), town: z.string(), towns: z.array(z.string()) }).openapi('PostalArea');
export type PostalArea = z.infer<typeof PostalAreaSchema>;
