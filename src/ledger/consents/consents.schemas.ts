import { z } from '@hono/zod-openapi';
import { CONSENT_METHODS, CONSENT_PURPOSES, CONSENT_STATES } from '../../domain/consent/purposes.ts';
import { EMAIL_BASES } from '../../domain/consent/basis.ts';

const PURPOSE = z.enum(CONSENT_PURPOSES).openapi({ description: 'email_marketing (メルマガ), dm (郵送DM), phone_marketing (電話), profiling (分析), third_party (第三者提供)' });
const STATE = z.enum(CONSENT_STATES);

export const ConsentEventSchema = z.object({
  id: z.number().int(),
  purpose: z.string().openapi({ description: 'The purpose as recorded (a form’s free-text purpose, or the purpose code)' }),
  purposeCode: PURPOSE.nullable(),
  state: STATE,
  /** granted, kept for readers from before the ledger (state === 'granted'). */
  granted: z.boolean(),
  method: z.enum(CONSENT_METHODS),
  textShown: z.string().nullable().openapi({ description: 'The wording shown (form), the column (import), the staff note (masked without customers:read_personal)' }),
  textVersion: z.number().int().nullable(),
  sourceId: z.string().uuid().nullable(),
  source: z.string().nullable().openapi({ description: 'The source’s label' }),
  sourceRecordId: z.number().int().nullable(),
  campaignId: z.string().uuid().nullable(),
  actorName: z.string().nullable(),
  recordedAt: z.string(),
}).openapi('ConsentEvent');
export type ConsentEvent = z.infer<typeof ConsentEventSchema>;

export const CurrentConsentSchema = z.object({
  purposeCode: PURPOSE,
  state: z.enum([...CONSENT_STATES, 'none']),
  event: ConsentEventSchema.nullable(),
}).openapi('CurrentConsent');
export type CurrentConsent = z.infer<typeof CurrentConsentSchema>;

export const EmailEligibilitySchema = z.object({
  status: z.enum(['opted_in', 'business_card', 'business_relationship', 'published_for_business', 'no_basis', 'opted_out']),
  mayEmail: z.boolean(),
  consentState: z.enum([...CONSENT_STATES, 'none']),
  /** The sources of the customer's records and the basis each gives. */
  sources: z.array(z.object({ id: z.string().uuid(), label: z.string(), emailBasis: z.enum(EMAIL_BASES) })),
  /** The sources whose basis decided the status (an exception), empty otherwise. */
  basisSources: z.array(z.string()),
}).openapi('EmailEligibility');
export type EmailEligibility = z.infer<typeof EmailEligibilitySchema>;

export const ConsentLedgerSchema = z.object({
  current: z.array(CurrentConsentSchema),
  email: EmailEligibilitySchema,
  items: z.array(ConsentEventSchema).openapi({ description: 'The history, newest first (at most 500 events)' }),
}).openapi('ConsentLedger');
export type ConsentLedger = z.infer<typeof ConsentLedgerSchema>;

export const StaffConsentInput = z.object({
  purposeCode: PURPOSE,
  state: STATE,
  note: z.string().trim().max(2000).nullable().optional().openapi({ example: '電話で「案内メールは不要」と申し出あり' }),
}).openapi('StaffConsentInput');
