import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';
import { GENDERS, PREFECTURES } from '../../domain/customers/fields.ts';

const text = (max: number) => z.string().trim().max(max);
const nullableText = (max: number) => text(max).nullable().optional();

/** Fields a user may set on a customer (create and patch). Values are normalised by the service. */
export const CustomerFieldsInput = z.object({
  kind: z.enum(['person', 'organization']).optional(),
  familyName: nullableText(100).openapi({ example: '佐藤' }),
  givenName: nullableText(100).openapi({ example: '花子' }),
  familyNameKana: nullableText(100).openapi({ example: 'サトウ' }),
  givenNameKana: nullableText(100).openapi({ example: 'ハナコ' }),
  email: nullableText(254).openapi({ example: 'hanako.sato@example.co.jp' }),
  phone: nullableText(40).openapi({ example: '090-1234-5678' }),
  postalCode: nullableText(10).openapi({ example: '100-0001' }),
  prefecture: z.enum(PREFECTURES).nullable().optional(),
  address: nullableText(300).openapi({ example: '千代田区千代田1-1' }),
  building: nullableText(200),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD').nullable().optional(),
  gender: z.enum(GENDERS).nullable().optional(),
  companyName: nullableText(200).openapi({ example: '株式会社サンプル' }),
  companyId: z.string().uuid().nullable().optional(),
  department: nullableText(200),
  title: nullableText(200),
  lifecycleStage: text(40).optional().openapi({ example: 'prospect' }),
  acquisitionChannel: text(40).nullable().optional().openapi({ example: 'brochure' }),
  ownerUserId: z.string().uuid().nullable().optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
});

export const CustomerCreateInput = CustomerFieldsInput.openapi('CustomerCreate');
export const CustomerPatchInput = CustomerFieldsInput.openapi('CustomerPatch');
export type CustomerInput = z.infer<typeof CustomerFieldsInput>;

export const ProvenanceSchema = z.object({
  sourceRecordId: z.number().int(),
  source: z.string(),
  sourceLabel: z.string().nullable(),
  by: z.string().nullable(),
  at: z.string(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const CustomerSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(['person', 'organization']),
    displayName: z.string(),
    familyName: z.string().nullable(),
    givenName: z.string().nullable(),
    familyNameKana: z.string().nullable(),
    givenNameKana: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'E.164 (+81…); masked for viewers' }),
    phoneNational: z.string().nullable().openapi({ description: 'National format (090-1234-5678)' }),
    postalCode: z.string().nullable(),
    prefecture: z.string().nullable(),
    address: z.string().nullable(),
    building: z.string().nullable(),
    birthDate: z.string().nullable(),
    gender: z.string().nullable(),
    company: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
    department: z.string().nullable(),
    title: z.string().nullable(),
    lifecycleStage: z.string(),
    acquisitionChannel: z.string().nullable(),
    owner: z.object({ id: z.string().uuid(), displayName: z.string() }).nullable(),
    customFields: z.record(z.string(), z.unknown()),
    emailPlaceholder: z.string().nullable().optional().openapi({
      description: 'An e-mail a source gave that looks like a placeholder (mail@example.com, test@…): shown with a warning, never used as the e-mail (only on the single-customer read)',
    }),
    provenance: z.record(z.string(), ProvenanceSchema),
    masked: z.boolean().openapi({ description: 'true when personal data is masked for your role' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Customer');
export type Customer = z.infer<typeof CustomerSchema>;

export const CustomerListQuery = z.object({
  q: z.string().max(200).optional().openapi({ description: 'Search: any part of name, フリガナ, company, e-mail or phone' }),
  stage: z.string().max(40).optional(),
  source: z.string().max(60).optional(),
  owner: z.string().uuid().optional(),
  prefecture: z.string().max(10).optional(),
  companyId: z.string().uuid().optional(),
  email: z.string().max(254).optional().openapi({ description: 'Exact e-mail (normalised)' }),
  sort: z.enum(['updated', 'created', 'name']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type CustomerListParams = z.infer<typeof CustomerListQuery>;

export const CustomerListItemSchema = CustomerSchema.omit({ provenance: true });
export type CustomerListItem = z.infer<typeof CustomerListItemSchema>;

export const CustomerListSchema = pageOf(CustomerListItemSchema)
  .extend({
    total: z.object({ count: z.number().int(), exact: z.boolean() }).optional().openapi({
      description: 'First page only: how many customers match, exact up to 10,000 (a search: within its first 1,000 hits); exact false means "at least count"',
    }),
  })
  .openapi('CustomerList');
export type CustomerList = z.infer<typeof CustomerListSchema>;

/** The one search box's query (GET /api/v1/search). */
export const SearchQuery = z.object({ q: z.string().max(200), limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(200).optional() });

export const SourceRecordSchema = z.object({
  id: z.number().int(),
  source: z.string(),
  sourceLabel: z.string(),
  externalId: z.string(),
  raw: z.record(z.string(), z.unknown()),
  normalized: z.record(z.string(), z.unknown()),
  receivedAt: z.string(),
  createdBy: z.string().nullable(),
}).openapi('SourceRecord');
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

export const SourceRecordListSchema = z.object({ items: z.array(SourceRecordSchema) });

/** One value (a field, or a group's members together) that a source record holds besides the golden one. */
export const OtherSourceValueSchema = z.object({
  values: z.record(z.string(), z.unknown()).openapi({ description: 'The record\'s values for the group\'s members it states (masked without customers:read_personal)' }),
  source: z.string(),
  sourceLabel: z.string(),
  sourceRecordId: z.number().int(),
  at: z.string(),
});
export type OtherSourceValue = z.infer<typeof OtherSourceValueSchema>;

/** A value a source sent that no customer field holds: an unmapped file column, a form's own question. */
export const SourceAttributeSchema = z.object({
  name: z.string().openapi({ description: 'The column or question as the source named it', example: '名刺交換日' }),
  value: z.unknown(),
  source: z.string(),
  sourceLabel: z.string(),
  sourceRecordId: z.number().int(),
  at: z.string(),
});
export type SourceAttribute = z.infer<typeof SourceAttributeSchema>;

export const CustomerSourceValuesSchema = z.object({
  otherValues: z.record(z.string(), z.array(OtherSourceValueSchema)).openapi({
    description: 'Per group (name, reading, address, affiliation) or field: the values other source records hold, best-ranked first',
  }),
  attributes: z.array(SourceAttributeSchema).openapi({ description: 'Per source record, the values kept under the source\'s own names, newest record first' }),
}).openapi('CustomerSourceValues');
export type CustomerSourceValues = z.infer<typeof CustomerSourceValuesSchema>;

/** 所属履歴: one period of a person's affiliation, as their source records say it. */
export const AffiliationPeriodSchema = z.object({
  companyId: z.string().uuid().nullable().openapi({ description: 'The ledger company, when the name is registered' }),
  companyName: z.string().openapi({ example: '株式会社エーシャ', description: 'The registered company\'s name when linked, else as written' }),
  writtenAs: z.string().openapi({ example: '(株)エーシャ', description: 'The company name as the period\'s newest record wrote it' }),
  department: z.string().nullable(),
  title: z.string().nullable(),
  firstSeen: z.string().nullable().openapi({ description: 'When a record first said it (ISO); null when its records carry no date' }),
  lastSeen: z.string().nullable(),
  status: z.enum(['current', 'former']).openapi({ description: 'current = 現職 (the golden record\'s company), former = 前職' }),
  change: z.enum(['job_change', 'internal']).nullable().openapi({ description: 'From the period before: job_change = 人事異動 (another company), internal = 異動・昇進' }),
  sources: z.array(z.object({ sourceRecordId: z.number().int(), source: z.string(), label: z.string() })),
});
export const AffiliationHistorySchema = z.object({ items: z.array(AffiliationPeriodSchema) }).openapi('AffiliationHistory');
export type AffiliationHistory = z.infer<typeof AffiliationHistorySchema>;
