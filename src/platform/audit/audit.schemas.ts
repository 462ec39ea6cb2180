import { z } from '@hono/zod-openapi';

/** The filters of the log and of its CSV export: who, what, on which record, and when (from inclusive, to exclusive). */
export const AuditFilterQuery = z.object({
  action: z.string().max(60).optional(), entityType: z.string().max(40).optional(), entityId: z.string().max(60).optional(),
  actorUserId: z.string().uuid().optional(),
  from: z.string().datetime({ offset: true }).optional().openapi({ description: 'Occurred at or after this instant (ISO 8601)' }),
  to: z.string().datetime({ offset: true }).optional().openapi({ description: 'Occurred before this instant (ISO 8601)' }),
});
export type AuditQuery = z.infer<typeof AuditFilterQuery>;

export const AuditListQuery = AuditFilterQuery.extend({
  cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(), occurredAt: z.string(), actorUserId: z.string().nullable(), actorLabel: z.string().nullable(),
  via: z.enum(['session', 'api_key']).nullable(), action: z.string(), entityType: z.string().nullable(), entityId: z.string().nullable(),
  ip: z.string().nullable(), userAgent: z.string().nullable(), details: z.record(z.string(), z.unknown()),
}).openapi('AuditEntry');
export type AuditLogItem = z.infer<typeof AuditEntrySchema>;
export type AuditEntry = AuditLogItem;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;
