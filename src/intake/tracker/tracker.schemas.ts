import { z } from '@hono/zod-openapi';

/** Today's counts (the calendar day in Japan) and the last 7 days' rejections of one site. */
export const SiteStatsSchema = z.object({
  pageViewsToday: z.number().int(),
  visitorsToday: z.number().int(),
  identifiedToday: z.number().int(),
  rejectedToday: z.record(z.string(), z.number().int()),
  rejected7d: z.number().int(),
});
export type SiteStats = z.infer<typeof SiteStatsSchema>;

export const TrackerSiteSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  writeKey: z.string(),
  allowedOrigins: z.array(z.string()),
  ratePerMinute: z.number().int(),
  ipRatePerMinute: z.number().int(),
  active: z.boolean(),
  sourceId: z.string().nullable(),
  keyRotatedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi('TrackerSite');
export type TrackerSite = z.infer<typeof TrackerSiteSchema>;

export const TrackerSiteWithStatsSchema = TrackerSiteSchema.extend({ stats: SiteStatsSchema }).openapi('TrackerSiteWithStats');
export type TrackerSiteWithStats = z.infer<typeof TrackerSiteWithStatsSchema>;

export const TrackerSiteListSchema = z.object({ items: z.array(TrackerSiteWithStatsSchema), unknownKeyRejectedToday: z.number().int() });
export type TrackerSiteList = z.infer<typeof TrackerSiteListSchema>;

const SiteFields = {
  allowedOrigins: z.array(z.string().trim().max(300)).max(50).optional().openapi({ example: ['https://www.example.co.jp', 'https://*.example.co.jp'] }),
  ratePerMinute: z.number().int().min(1).max(10_000_000).optional(),
  ipRatePerMinute: z.number().int().min(1).max(10_000_000).optional(),
};
export const TrackerSiteCreate = z.object({ name: z.string().trim().min(1).max(200).openapi({ example: 'コーポレートサイト' }), ...SiteFields }).openapi('TrackerSiteCreate');
export const TrackerSitePatch = z.object({ name: z.string().trim().min(1).max(200).optional(), active: z.boolean().optional(), ...SiteFields }).openapi('TrackerSitePatch');

/** The snippet's batch as sent: text/plain, so a browser sends it without a CORS preflight. */
export const CollectBody = z.string().openapi({ example: '{"k":"dt_…","v":"visitor-id","s":"visit-id","n":1700000000000,"e":[{"t":"pv","i":"pageview-id","u":"https://www.example.co.jp/","at":1700000000000}]}' });

export const CollectResultSchema = z.object({
  accepted: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
  identified: z.boolean(),
}).openapi('CollectResult');
