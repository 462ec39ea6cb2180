import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';

export const ActivitySchema = z.object({
  id: z.number().int(), type: z.string(), occurredAt: z.string(), title: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()), amount: z.string().nullable(), currency: z.string().nullable(),
  source: z.string().nullable().openapi({ description: 'Name of the source that recorded it (e.g. form-catalog)' }),
  sourceLabel: z.string().nullable().openapi({ description: 'Its label for people (e.g. フォーム: 製品カタログ資料請求)' }),
  actor: z.string().nullable(),
}).openapi('Activity');
export type Activity = z.infer<typeof ActivitySchema>;

export const TimelineQuery = z.object({ types: z.string().max(300).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const TimelineSchema = pageOf(ActivitySchema);
export type Timeline = z.infer<typeof TimelineSchema>;

export const NoteCreate = z.object({
  body: z.string().trim().min(1).max(10_000), mentions: z.array(z.string().uuid()).max(20).optional(), occurredAt: z.string().datetime().optional(),
});
