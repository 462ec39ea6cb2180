import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import type { AttendanceProfile } from '../../domain/commerce/profile.ts';
import { uploadLimit, withUploadedFile } from '../orders/upload.ts';
import { runAttendanceImport } from './events.import.ts';
import {
  AttendanceBody, AttendanceImportSummarySchema, EventCreate, EventListQuery, EventPageSchema, EventPatch, EventSchema, RegistrationCreate,
  RegistrationListQuery, RegistrationListSchema, RegistrationParams, RegistrationSchema,
} from './events.schemas.ts';
import { createEvent, getEvent, listEvents, listRegistrations, registerForEvent, setAttendance, updateEvent } from './events.service.ts';

export function eventRoutes(): Router {
  const app = createRouter();
  app.use('/api/v1/events/attendance/import', uploadLimit);
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/events', access: 'events:read', summary: 'Events (セミナー, 展示会…), latest first, with registration counts', tags: ['events'],
      request: { query: EventListQuery },
      responses: { 200: json(EventPageSchema, 'Events') } }),
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
      responses: { 200: json(AttendanceImportSummarySchema, 'Import summary with the per-row report'), 404: json(z.object({}), 'Unknown event') } }),
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
      request: { params: IdParam, query: RegistrationListQuery },
      responses: { 200: json(RegistrationListSchema, 'Registrations'), 404: json(z.object({}), 'Not found') } }),
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
      request: { params: RegistrationParams, body: { content: { 'application/json': { schema: AttendanceBody } }, required: true } },
      responses: { 200: json(RegistrationSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await setAttendance(c.get('deps').db, p.id, p.registrationId, c.req.valid('json').status, c.get('actor')), 200);
    },
  );
  return app;
}
