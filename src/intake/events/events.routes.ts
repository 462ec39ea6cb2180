import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import type { AttendanceProfile } from '../../domain/commerce/profile.ts';
import { uploadLimit, withUploadedFile } from '../orders/upload.ts';
import { runAttendanceImport } from './events.import.ts';
import { EVENT_KINDS, createEvent, getEvent, listEvents, listRegistrations, registerForEvent, setAttendance, updateEvent } from './events.service.ts';

const EventSchema = z.object({
  id: z.string().uuid(), name: z.string(), kind: z.string(), startsAt: z.string(), endsAt: z.string().nullable(), venue: z.string().nullable(),
  capacity: z.number().int().nullable(), registered: z.number().int(), attended: z.number().int(), noShow: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Event');
const Instant = z.string().datetime({ offset: true });
const EventFields = z.object({
  kind: z.enum(EVENT_KINDS).optional().openapi({ description: 'seminar セミナー, trade_show 展示会, webinar ウェビナー, workshop, briefing 説明会, other' }),
  endsAt: Instant.nullable().optional(),
  venue: z.string().trim().max(300).nullable().optional(),
  capacity: z.number().int().min(0).max(1_000_000).nullable().optional(),
});
const EventCreate = EventFields.extend({ name: z.string().trim().min(1).max(300).openapi({ example: 'DX推進セミナー 2026春' }), startsAt: Instant.openapi({ example: '2026-05-20T14:00:00+09:00' }) }).openapi('EventCreate');
const EventPatch = EventFields.extend({ name: z.string().trim().min(1).max(300).optional(), startsAt: Instant.optional() }).openapi('EventPatch');

const Status = z.enum(['registered', 'attended', 'no_show', 'cancelled']);
const RegistrationSchema = z.object({
  id: z.string().uuid(), eventId: z.string().uuid(), externalId: z.string(), customerId: z.string().nullable(), customerName: z.string().nullable(),
  customerEmail: z.string().nullable(), name: z.string().nullable(), companyName: z.string().nullable(), registeredAt: z.string(), status: z.string().openapi({ description: 'registered, attended, no_show or cancelled' }),
}).openapi('EventRegistration');
const text = (max: number) => z.string().trim().max(max).nullable().optional();
const RegistrationCreate = z.object({
  externalId: text(100).openapi({ description: 'The event tool\'s registration id (受付ID): sending it again updates the registration' }),
  name: text(200), nameKana: text(200), email: text(254), phone: text(40), companyName: text(200), department: text(200), title: text(200),
  status: Status.optional(), registeredAt: Instant.optional(),
}).openapi('EventRegistrationCreate');

const Problem = z.object({ line: z.number().int(), field: z.string().nullable(), reason: z.string(), value: z.string().nullable() });
const AttendanceImportSummary = z.object({
  kind: z.literal('event_attendance'), source: z.string(), file: z.string(), encoding: z.string().nullable(), read: z.number().int(), events: z.number().int(),
  created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejectedRows: z.number().int(), problems: z.array(Problem), seconds: z.number(),
}).openapi('AttendanceImportSummary');

const RegParams = z.object({
  id: z.string().uuid().openapi({ param: { name: 'id', in: 'path' } }),
  registrationId: z.string().uuid().openapi({ param: { name: 'registrationId', in: 'path' } }),
});

export function eventRoutes(): Router {
  const app = createRouter();
  app.use('/api/v1/events/attendance/import', uploadLimit);
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/events', access: 'events:read', summary: 'Events (セミナー, 展示会…), latest first, with registration counts', tags: ['events'],
      request: { query: z.object({ q: z.string().max(200).optional(), kind: z.enum(EVENT_KINDS).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }) },
      responses: { 200: json(z.object({ items: z.array(EventSchema), nextCursor: z.string().nullable(), hasMore: z.boolean() }), 'Events') } }),
    async (c) => c.json(await listEvents(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/events', access: 'events:write', summary: 'Create an event', tags: ['events'],
      request: { body: { content: { 'application/json': { schema: EventCreate } }, required: true } },
      responses: { 201: json(EventSchema, 'Created') } }),
    async (c) => c.json(await createEvent(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/events/attendance/import', access: 'events:write', tags: ['events'],
      summary: 'Import an event tool\'s registration/attendance export (multipart: file, profile = JSON attendance profile, eventId unless the profile has event_column)',
      responses: { 200: json(AttendanceImportSummary, 'Import summary with the per-row report'), 404: json(z.object({}), 'Unknown event') } }),
    async (c) => {
      const { db } = c.get('deps');
      const summary = await withUploadedFile(c.req.raw, c.get('auth')?.userId ?? null, 'event_attendance', (upload, profile, form) => {
        const eventId = form.get('eventId');
        return runAttendanceImport(db, { filePath: upload.filePath, fileName: upload.fileName, profile: profile as AttendanceProfile, eventId: typeof eventId === 'string' && eventId ? eventId : null, actor: c.get('actor') });
      });
      return c.json(summary, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/events/{id}', access: 'events:read', summary: 'An event with registration counts', tags: ['events'],
      request: { params: IdParam }, responses: { 200: json(EventSchema, 'The event'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getEvent(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/events/{id}', access: 'events:write', summary: 'Edit an event', tags: ['events'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: EventPatch } }, required: true } },
      responses: { 200: json(EventSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateEvent(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/events/{id}/registrations', access: 'events:read', summary: 'Registrations and attendance of an event (e-mails masked without customers:read_personal)', tags: ['events'],
      request: { params: IdParam, query: z.object({ status: Status.optional() }) },
      responses: { 200: json(z.object({ items: z.array(RegistrationSchema) }), 'Registrations'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json({ items: await listRegistrations(c.get('deps').db, c.req.valid('param').id, c.req.valid('query').status, c.get('auth')) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/events/{id}/registrations', access: 'events:write', summary: 'Register a person for an event (resolved to a customer like an import; idempotent on externalId, else on the e-mail/phone)', tags: ['events'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: RegistrationCreate } }, required: true } },
      responses: { 200: json(RegistrationSchema, 'Registered'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await registerForEvent(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/events/{id}/registrations/{registrationId}', access: 'events:write', summary: 'Mark attendance (attended / no_show) or cancel a registration', tags: ['events'],
      request: { params: RegParams, body: { content: { 'application/json': { schema: z.object({ status: Status }).openapi('EventAttendance') } }, required: true } },
      responses: { 200: json(RegistrationSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await setAttendance(c.get('deps').db, p.id, p.registrationId, c.req.valid('json').status, c.get('actor')), 200);
    },
  );
  return app;
}
