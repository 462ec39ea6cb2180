import { z } from '@hono/zod-openapi';

export const AuditListQuery = z.object({
  action: z.string().max(60).optional(), entityType: z.string().max(40).optional(), entityId: z.string().max(60).optional(),
  actorUserId: z.string().uuid().optional(), cursor: z.string().regex(/^\d{1,15}$/).optional(), limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(), occurredAt: z.string(), actorUserId: z.string().nullable(), actorLabel: z.string().nullable(),
  via: z.enum(['session', 'api_key']).nullable(), action: z.string(), entityType: z.string().nullable(), entityId: z.string().nullable(),
  ip: z.string().nullable(), userAgent: z.string().nullable(), details: z.record(z.string(), z.unknown()),
}).openapi('AuditEntry');
export type AuditLogItem = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;
