import { z } from '@hono/zod-openapi';

export const CustomerValueSchema = z.object({
  asOf: z.string(), recencyDays: z.number().int().nullable(), frequency: z.number().int(), monetary: z.string(), currency: z.string(),
  r: z.number().int().nullable(), f: z.number().int().nullable(), m: z.number().int().nullable(), segment: z.string().nullable(), tier: z.string().nullable(),
  pAlive: z.number().nullable(), expectedPurchases90d: z.number().nullable(), expectedOrderValue: z.string().nullable(), predictedValue365d: z.string().nullable(),
  firstOrderAt: z.string().nullable(), lastOrderAt: z.string().nullable(),
}).openapi('CustomerValue');
export const CustomerValueResponse = z.object({ value: CustomerValueSchema.nullable() }).openapi('CustomerValueResponse');

export const RfmOverviewSchema = z.object({
  asOf: z.string().nullable(), currency: z.string().nullable(), bins: z.number().int(), computedSeconds: z.number().nullable(),
  cells: z.array(z.object({ r: z.number().int(), f: z.number().int(), customers: z.number().int(), revenue: z.string() })),
  tiers: z.array(z.object({ tier: z.string(), ja: z.string(), en: z.string(), rule: z.string(), customers: z.number().int(), revenue: z.string() })),
}).openapi('RfmOverview');
export type RfmOverviewBody = z.infer<typeof RfmOverviewSchema>;

export const RecomputeRequest = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/u).optional(), bins: z.number().int().min(2).max(10).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/u).optional(),
}).openapi('ValuesRecompute');
export const RecomputeSummarySchema = z.object({
  asOf: z.string(), currency: z.string().nullable(), customers: z.number().int(), seconds: z.number(), skipped: z.literal('busy').optional(),
}).openapi('ValuesRecomputeSummary');
