import { z } from '@hono/zod-openapi';

/**
 * The dashboard's contract: every panel answers the same table shape (columns + rows), so one chart component and one
 * CSV writer serve them all, and the numbers a chart draws are exactly the numbers its CSV holds.
 *
 * Filters, the same for every panel:
 *  - `segment`: only the members of a saved segment (its materialised members);
 *  - `from` / `to` (YYYY-MM-DD, inclusive, Japan time): each measure counts what *happened* in the range — customers
 *    by when they entered the ledger (created_at), orders by when they were placed (ordered_at), stage changes by when
 *    they changed. Without a range: everything (trend panels: the last 24 months).
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { error: '日付は YYYY-MM-DD で指定してください (date as YYYY-MM-DD)' });

/** What the composition panel groups the ledger by. */
export const COMPOSITION_DIMENSIONS = ['industry', 'size_band', 'prefecture', 'channel', 'source', 'stage', 'owner'] as const;
export type CompositionDimension = (typeof COMPOSITION_DIMENSIONS)[number];

/**
 * The panels:
 *  composition        one row per value of `by` (COMPOSITION_DIMENSIONS; null values as key null, 「未設定」):
 *                     key, label, customers, buyers, orders, revenue
 *  funnel             prospect → opportunity → customer from the stage history: stage, label, reached (customers who
 *                     ever reached the stage in the range), converted (of those, reached the next one), conversionRate
 *                     (0–1, null for the last), medianDays / averageDays from entering this stage to the next
 *  revenue_by_month   month (YYYY-MM), revenue, orders, buyers, newBuyers (first order ever in that month),
 *                     returningBuyers, averageOrderValue
 *  category_by_month  month, category (product category, null as 「未分類」), revenue, orders, buyers
 *  cohorts            cohort (YYYY-MM of first purchase), monthsSince (0..), buyers (of the cohort buying that month),
 *                     cohortSize, retention (0–1)
 *  acquisition        month, channel (acquisition channel code, null = 未設定), label, newCustomers
 *  first_touch        source (the source of the customer's earliest record), label, customers, buyers, buyerRate (0–1)
 *  quality            metric (with_email | with_phone | with_address | with_company | review_waiting |
 *                     company_review_waiting), label, count, share (0–1 of all customers; null for queue sizes)
 *  merges_by_source   source, label, merged (records of that source that joined an existing customer), records
 *  voice_by_month     month, sentiment (positive | neutral | negative), label, items (voice-of-customer items received)
 */
export const PANELS = [
  'composition', 'funnel', 'revenue_by_month', 'category_by_month', 'cohorts', 'acquisition', 'first_touch', 'quality', 'merges_by_source', 'voice_by_month',
] as const;
export type PanelId = (typeof PANELS)[number];

export const PanelParams = z.object({ panel: z.enum(PANELS) });

export const PanelQuery = z.object({
  segment: z.string().uuid().optional().openapi({ description: 'Only the members of this saved segment' }),
  from: date.optional().openapi({ description: 'First day (inclusive, Japan time) of the measures\' own dates' }),
  to: date.optional().openapi({ description: 'Last day (inclusive, Japan time)' }),
  by: z.enum(COMPOSITION_DIMENSIONS).optional().openapi({ description: 'composition only: the dimension (default prefecture)' }),
});
export type PanelQuery = z.infer<typeof PanelQuery>;

/** How a column's numbers are read and formatted (yen: ¥ and 万/億; rate: %, days: 日). */
export const COLUMN_KINDS = ['key', 'label', 'month', 'count', 'yen', 'rate', 'days'] as const;
export const PanelColumnSchema = z.object({ key: z.string(), kind: z.enum(COLUMN_KINDS) });

export const PanelSchema = z.object({
  panel: z.enum(PANELS),
  by: z.enum(COMPOSITION_DIMENSIONS).nullable(),
  columns: z.array(PanelColumnSchema),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  /** The currency of yen columns' sums: orders in other currencies are left out and counted here. */
  otherCurrencyOrders: z.number().int(),
  filters: z.object({ segment: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable() }),
  computedAt: z.string(),
  tookMs: z.number(),
}).openapi('DashboardPanel');
export type Panel = z.infer<typeof PanelSchema>;

/** The customers behind one bar or tile of the composition panel (same filters), as the customer list shows them. */
export const DrillQuery = PanelQuery.extend({
  by: z.enum(COMPOSITION_DIMENSIONS),
  key: z.string().max(200).optional().openapi({ description: 'The row\'s key; absent = the 未設定 row' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type DrillQuery = z.infer<typeof DrillQuery>;
