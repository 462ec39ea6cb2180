import { z } from '@hono/zod-openapi';
import { pageOf } from '../../core/page.schemas.ts';
import { RowProblemSchema } from '../orders/orders.schemas.ts';
import { EVENT_KINDS } from '../../domain/commerce/event-kinds.ts';

export type EventKind = (typeof EVENT_KINDS)[number];

const Instant = z.string().datetime({ offset: true });
const text = (max: number) => z.string().trim().max(max).nullable().optional();

// ── events ──

export const EventSchema = z.object({
  id: z.string().uuid(), name: z.string(), kind: z.string(), startsAt: z.string(), endsAt: z.string().nullable(), venue: z.string().nullable(),
  capacity: z.number().int().nullable(), registered: z.number().int(), attended: z.number().int(), noShow: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Event');
export type EventItem = z.infer<typeof EventSchema>;

export const EventListQuery = z.object({ q: z.string().max(200).optional(), kind: z.enum(EVENT_KINDS).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
export const EventPageSchema = pageOf(EventSchema);
export type EventPage = z.infer<typeof EventPageSchema>;

const EventFields = z.object({
  kind: z.enum(EVENT_KINDS).optional().openapi({ description: 'seminar セミナー, trade_show 展示会, webinar ウェビナー, workshop, briefing 説明会, other' }),
  endsAt: Instant.nullable().optional(),
  venue: z.string().trim().max(300).nullable().optional(),
  capacity: z.number().int().min(0).max(1_000_000).nullable().optional(),
});
export const EventCreate = EventFields.extend({ name: z.string().trim().min(1).max(300).openapi({ example: 'DX推進セミナー 2026春' }), startsAt: Instant.openapi({ example: '2026-05-20T14:00:00+09:00' }) }).openapi('EventCreate');
export const EventPatch = EventFields.extend({ name: z.string().trim().min(1).max(300).optional(), startsAt: Instant.optional() }).openapi('EventPatch');

// ── registrations and attendance ──

const REGISTRATION_STATUS = z.enum(['registered', 'attended', 'no_show', 'cancelled']);
export type RegistrationStatus = z.infer<typeof REGISTRATION_STATUS>;

export const RegistrationSchema = z.object({
  id: z.string().uuid(), eventId: z.string().uuid(), externalId: z.string(), customerId: z.string().nullable(), customerName: z.string().nullable(),
  customerEmail: z.string().nullable(), name: z.string().nullable(), companyName: z.string().nullable(), registeredAt: z.string(), status: z.string().openapi({ description: 'registered, attended, no_show or cancelled' }),
}).openapi('EventRegistration');
export type Registration = z.infer<typeof RegistrationSchema>;

export const RegistrationListQuery = z.object({ status: REGISTRATION_STATUS.optional() });
export const RegistrationListSchema = z.object({ items: z.array(RegistrationSchema) });
export type RegistrationList = z.infer<typeof RegistrationListSchema>;

export const RegistrationCreate = z.object({
  externalId: text(100).openapi({ description: 'The event tool\'s registration id (受付ID): sending it again updates the registration' }),
  name: text(200), nameKana: text(200), email: text(254), phone: text(40), companyName: text(200), department: text(200), title: text(200),
  status: REGISTRATION_STATUS.optional(), registeredAt: Instant.optional(),
}).openapi('EventRegistrationCreate');

export const RegistrationParams = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }),
  registrationId: z.string().uuid().openapi({ param: { name: 'registrationId', in: 'path' } }),
});
export const AttendanceBody = z.object({ status: REGISTRATION_STATUS }).openapi('EventAttendance');

export const AttendanceImportSummarySchema = z.object({
  kind: z.literal('event_attendance'), source: z.string(), file: z.string(), encoding: z.string().nullable(), read: z.number().int(), events: z.number().int(),
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejectedRows: z.number().int(), problems: z.array(RowProblemSchema), seconds: z.number(),
}).openapi('AttendanceImportSummary');
export type AttendanceImportSummary = z.infer<typeof AttendanceImportSummarySchema>;
