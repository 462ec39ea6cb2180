import { z } from '@hono/zod-openapi';
import { CustomerListItemSchema } from '../../ledger/customers/customers.schemas.ts';

/** Cross-sell and up-sell candidates (issue 22): API shapes shared by the routes, the CLI and the UI. */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { error: '日付は YYYY-MM-DD で指定してください (date as YYYY-MM-DD)' });

export const CANDIDATE_KINDS = ['cross_sell', 'up_sell', 'popular'] as const;

/** The numbers behind a candidate and the sentence sales reads (both languages). */
export const ReasonSchema = z.object({
  data: z.record(z.string(), z.unknown()),
  ja: z.string(),
  en: z.string(),
});

export const CandidateSchema = z.object({
  rank: z.number().int(),
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  price: z.number().nullable(),
  score: z.number(),
  kind: z.enum(CANDIDATE_KINDS),
  reason: ReasonSchema,
}).openapi('Candidate');
export type Candidate = z.infer<typeof CandidateSchema>;

export const CustomerCandidatesSchema = z.object({
  items: z.array(CandidateSchema),
  /** When the product-affinity model the list was computed from was built (null: no run yet: popularity only). */
  modelBuiltAt: z.string().nullable(),
}).openapi('CustomerCandidates');
export type CustomerCandidates = z.infer<typeof CustomerCandidatesSchema>;

export const CandidatesQuery = z.object({ k: z.coerce.number().int().min(1).max(50).optional() });

export const ProductCandidatesQuery = z.object({
  maxRank: z.coerce.number().int().min(1).max(50).optional().openapi({ description: 'Only customers with the product among their first N candidates (default 10)' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const ProductCandidateCustomersSchema = z.object({
  items: z.array(z.object({ customer: CustomerListItemSchema, rank: z.number().int(), score: z.number(), kind: z.enum(CANDIDATE_KINDS), reason: ReasonSchema })),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
  product: z.object({ id: z.string(), sku: z.string(), name: z.string(), category: z.string().nullable(), price: z.number().nullable() }),
}).openapi('ProductCandidateCustomers');
export type ProductCandidateCustomers = z.infer<typeof ProductCandidateCustomersSchema>;

export const RunRequest = z.object({
  asOf: date.optional().openapi({ description: 'Only orders placed before this date count (default: every order)' }),
  k: z.number().int().min(1).max(50).optional().openapi({ description: 'Candidates kept per customer (default 10)' }),
}).openapi('RecommendRunRequest');

export const RunSchema = z.object({
  id: z.number().int(),
  asOf: z.string().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  phase: z.enum(['model', 'candidates', 'done']),
  customersDone: z.number().int(),
  customersTotal: z.number().int().nullable(),
  buyers: z.number().int().nullable(),
  pairs: z.number().int().nullable(),
  seconds: z.number().nullable(),
  peakRssMb: z.number().int().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
}).openapi('RecommendRun');
export type Run = z.infer<typeof RunSchema>;
export const RunListSchema = z.object({ items: z.array(RunSchema) }).openapi('RecommendRunList');
export const RunStartedSchema = z.object({ run: RunSchema.nullable(), alreadyRunning: z.boolean() }).openapi('RecommendRunStarted');

const ProductRef = z.object({ id: z.string(), sku: z.string(), name: z.string(), category: z.string().nullable(), price: z.number().nullable() });

/** A product's affinity: the products its buyers also bought (customer level) and the basket rules about it. */
export const ProductAffinitySchema = z.object({
  product: ProductRef,
  buyers: z.number().int().nullable().openapi({ description: 'Customers who bought it (as of the last run)' }),
  neighbours: z.array(z.object({
    product: ProductRef, coCustomers: z.number().int(), confidence: z.number(), lift: z.number(), similarity: z.number(), reason: ReasonSchema,
  })),
  rules: z.array(z.object({
    antecedent: z.array(ProductRef), consequent: ProductRef, support: z.number(), confidence: z.number(), lift: z.number(), baskets: z.number().int(),
  })),
  modelBuiltAt: z.string().nullable(),
}).openapi('ProductAffinity');
export type ProductAffinity = z.infer<typeof ProductAffinitySchema>;
