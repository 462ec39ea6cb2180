import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorTime, cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import type { RowProblem } from '../../domain/commerce/orders.ts';
import type { RegistrationStatus } from '../../domain/commerce/values.ts';
import { maskEmail } from '../../domain/customers/masking.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { nfkc } from '../../domain/normalize/text.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { deleteKeyedActivities, sourcesOfKeyedActivities, upsertKeyedActivity } from '../../ledger/activities/activities.repository.ts';
import { findSource } from '../../ledger/sources/sources.service.ts';
import { customerKey } from '../../domain/commerce/customer-keys.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import * as repo from './events.repository.ts';
import type { EventItem, EventPage, Registration } from './events.schemas.ts';
import { EVENT_KINDS, EVENT_KIND_LABELS } from '../../domain/commerce/event-kinds.ts';
export { EVENT_KINDS, EVENT_KIND_LABELS };

type EventRow = NonNullable<Awaited<ReturnType<typeof repo.findEvent>>>;
const toEvent = (r: Omit<EventRow, 'registered' | 'attended' | 'no_show'> & { registered?: number | string | null; attended?: number | string | null; no_show?: number | string | null }): EventItem => ({
  id: r.id, name: r.name, kind: r.kind, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at ? r.ends_at.toISOString() : null,
  venue: r.venue, capacity: r.capacity, registered: Number(r.registered ?? 0), attended: Number(r.attended ?? 0), noShow: Number(r.no_show ?? 0),
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

export interface EventInput {
  name?: string | undefined;
  kind?: string | undefined;
  startsAt?: string | undefined;
  endsAt?: string | null | undefined;
  venue?: string | null | undefined;
  capacity?: number | null | undefined;
}

function eventColumns(input: EventInput) {
  if (input.startsAt !== undefined && input.endsAt && Date.parse(input.endsAt) < Date.parse(input.startsAt)) {
    throw new AppError('validation_failed', '終了が開始より前です (ends before it starts)', [{ field: 'endsAt', message: '開始以降 (after startsAt)' }]);
  }
  return {
    ...(input.name !== undefined ? { name: nfkc(input.name).trim() } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.startsAt !== undefined ? { starts_at: new Date(input.startsAt) } : {}),
    ...(input.endsAt !== undefined ? { ends_at: input.endsAt ? new Date(input.endsAt) : null } : {}),
    ...(input.venue !== undefined ? { venue: input.venue?.trim() || null } : {}),
    ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
  };
}

export async function createEvent(db: Db, input: EventInput & { name: string; startsAt: string }, actor: Actor): Promise<EventItem> {
  const row = await repo.insertEvent(db, { ends_at: null, venue: null, capacity: null, kind: 'seminar', ...eventColumns(input), name: nfkc(input.name).trim(), starts_at: new Date(input.startsAt) });
  await audit(db, actor, 'event.create', { type: 'event', id: row.id }, { name: row.name });
  return toEvent(row);
}

export async function updateEvent(db: Db, id: string, input: EventInput, actor: Actor): Promise<EventItem> {
  const before = await repo.findEvent(db, id);
  if (!before) throw notFound('Event');
  if (input.endsAt && input.startsAt === undefined && Date.parse(input.endsAt) < before.starts_at.getTime()) {
    throw new AppError('validation_failed', '終了が開始より前です (ends before it starts)', [{ field: 'endsAt', message: '開始以降 (after startsAt)' }]);
  }
  await repo.updateEvent(db, id, eventColumns(input));
  await audit(db, actor, 'event.update', { type: 'event', id }, { fields: Object.keys(input) });
  // Registration activities carry the event's name and time.
  if (input.name !== undefined || input.startsAt !== undefined) await refreshEventActivities(db, id);
  return getEvent(db, id);
}

export async function getEvent(db: Db, id: string): Promise<EventItem> {
  const row = await repo.findEvent(db, id);
  if (!row) throw notFound('Event');
  return toEvent(row);
}

export async function listEvents(db: Db, query: { q?: string | undefined; kind?: string | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<EventPage> {
  const limit = query.limit ?? 50;
  let after: { startsAt: string; id: string } | null = null;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    after = { startsAt: cursorTime(c.t), id: cursorUuid(c.i) };
  }
  const rows = await repo.listEvents(db, { q: query.q ? nfkc(query.q).trim() : undefined, kind: query.kind }, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toEvent), hasMore: rows.length > limit, nextCursor: rows.length > limit && last ? encodeCursor({ t: last.starts_cursor, i: last.id }) : null };
}

// ── registrations ──

export async function listRegistrations(db: Db, eventId: string, status: string | undefined, auth: AuthContext | null): Promise<Registration[]> {
  if (!(await repo.findEvent(db, eventId))) throw notFound('Event');
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const rows = await repo.listRegistrations(db, eventId, status);
  return rows.map((r) => ({
    id: r.id, eventId: r.event_id, externalId: r.external_id, customerId: r.customer_id, customerName: r.customer_name,
    customerEmail: personal ? r.customer_email : maskEmail(r.customer_email),
    name: r.name, companyName: r.company_name, registeredAt: r.registered_at.toISOString(), status: r.status,
  }));
}

export interface RegistrationInput {
  /** The event tool's id (受付ID); without it the person's key (e-mail, phone) is the registration's key. */
  externalId: string | null;
  line: number;
  fields: Partial<Record<ImportField, string>>;
  status: RegistrationStatus;
  registeredAt: string | null;
}

export interface RegistrationWriteReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RowProblem[];
  registrations: Array<{ id: string; customerId: string; status: string }>;
}

type EventBasics = { id: string; name: string; kind: string; starts_at: Date };

/** The source of one event tool's registrations (`peatix` → events-peatix). */
export const eventsSourceName = (source: string) => `events-${source}`;

/**
 * Records registrations (and attendance) of one event: each person becomes a source record of
 * `events-<source>` through identity resolution (keyed by e-mail, then phone, then the tool's registration id), so
 * they land on the customer the ledger already has; each registration writes an event_registration activity and,
 * once attended or no-show is known, an event_attendance activity. Idempotent on event + registration id.
 */
export async function writeRegistrations(db: Db, input: { event: EventBasics; source: string; recordKind: 'file_import' | 'api' | 'form'; registrations: RegistrationInput[]; actor: Actor }): Promise<RegistrationWriteReport> {
  const report: RegistrationWriteReport = { created: 0, updated: 0, unchanged: 0, rejected: [], registrations: [] };
  const ready: Array<RegistrationInput & { regKey: string; personKey: string }> = [];
  for (const r of input.registrations) {
    const person = customerKey(null, r.fields);
    const personKey = person ?? (r.externalId ? `registration:${input.event.id}:${r.externalId}` : null);
    if (!personKey) {
      report.rejected.push({ line: r.line, field: 'email', reason: '参加者を特定できません: メールアドレス・電話番号・受付ID のいずれかが必要です (no e-mail, phone or registration id)', value: null });
      continue;
    }
    if (!r.fields.full_name && !r.fields.email && !r.fields.phone) {
      report.rejected.push({ line: r.line, field: 'full_name', reason: '氏名・メール・電話のいずれもありません (no name, e-mail or phone)', value: null });
      continue;
    }
    ready.push({ ...r, regKey: r.externalId ?? person!, personKey });
  }
  // Last row wins when a file repeats a registration.
  const byReg = new Map(ready.map((r) => [r.regKey, r]));
  const people = new Map<string, Partial<Record<ImportField, string>>>();
  for (const r of byReg.values()) people.set(r.personKey, { ...(people.get(r.personKey) ?? {}), ...r.fields });
  const sourceName = eventsSourceName(input.source);
  const linked = await ingestRecords(db, {
    source: { name: sourceName, label: `イベント (${input.source})`, kind: input.recordKind },
    records: [...people.entries()].map(([externalId, fields]) => ({ externalId, fields })),
    actor: input.actor,
  });
  const recordOf = new Map(linked.map((l) => [l.externalId, l]));
  const source = await findSource(db, sourceName);
  const existing = new Map((await repo.findRegistrations(db, input.event.id, [...byReg.keys()])).map((r) => [r.external_id, r]));
  await db.transaction().execute(async (trx) => {
    for (const r of byReg.values()) {
      const rec = recordOf.get(r.personKey);
      if (!rec) {
        report.rejected.push({ line: r.line, field: null, reason: '顧客に紐づけられませんでした (could not be linked)', value: null });
        continue;
      }
      const prior = existing.get(r.regKey);
      const registeredAt = r.registeredAt ? new Date(r.registeredAt) : (prior?.registered_at ?? new Date());
      const name = r.fields.full_name ?? null;
      const companyName = r.fields.company_name ?? null;
      if (prior && prior.status === r.status && prior.source_record_id === rec.recordId && prior.registered_at.getTime() === registeredAt.getTime() && prior.name === name && prior.company_name === companyName) {
        report.unchanged++;
        report.registrations.push({ id: prior.id, customerId: rec.customerId, status: prior.status });
        continue;
      }
      const row = await repo.upsertRegistration(trx, { event_id: input.event.id, external_id: r.regKey, source_record_id: rec.recordId, registered_at: registeredAt, status: r.status, name, company_name: companyName });
      await writeRegistrationActivities(trx, input.event, { id: row.id, status: row.status, registeredAt, recordId: rec.recordId, customerId: rec.customerId, sourceId: source?.id ?? null });
      report[prior ? 'updated' : 'created']++;
      report.registrations.push({ id: row.id, customerId: rec.customerId, status: row.status });
    }
  });
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

async function writeRegistrationActivities(db: Db, event: EventBasics, r: { id: string; status: string; registeredAt: Date; recordId: number; customerId: string; sourceId: string | null }) {
  const label = EVENT_KIND_LABELS[event.kind as keyof typeof EVENT_KIND_LABELS] ?? event.kind;
  const properties = { eventId: event.id, eventName: event.name, eventKind: event.kind, registrationId: r.id, status: r.status };
  const common = { customerId: r.customerId, sourceId: r.sourceId, sourceRecordId: r.recordId };
  await upsertKeyedActivity(db, {
    ...common, dedupeKey: `event-reg:${event.id}:${r.id}`, type: 'event_registration', occurredAt: r.registeredAt,
    title: `${label}申込: ${event.name}${r.status === 'cancelled' ? ' (キャンセル)' : ''}`, properties,
  });
  if (r.status === 'attended' || r.status === 'no_show') {
    await upsertKeyedActivity(db, {
      ...common, dedupeKey: `event-att:${event.id}:${r.id}`, type: 'event_attendance', occurredAt: event.starts_at,
      title: `${label}${r.status === 'attended' ? '出席' : '欠席'}: ${event.name}`, properties: { ...properties, attendance: r.status },
    });
  } else await deleteKeyedActivities(db, [`event-att:${event.id}:${r.id}`]);
}

async function refreshEventActivities(db: Db, eventId: string) {
  const event = await repo.findEvent(db, eventId);
  if (!event) return;
  const regs = await repo.listRegistrations(db, eventId, undefined);
  const sourceOf = await sourcesOfKeyedActivities(db, regs.map((r) => `event-reg:${eventId}:${r.id}`));
  for (const r of regs) {
    if (!r.customer_id) continue;
    await writeRegistrationActivities(db, event, { id: r.id, status: r.status, registeredAt: r.registered_at, recordId: r.source_record_id, customerId: r.customer_id, sourceId: sourceOf.get(`event-reg:${eventId}:${r.id}`) ?? null });
  }
}

/** One registration through the API or a form. */
export async function registerForEvent(
  db: Db,
  eventId: string,
  input: { externalId?: string | null | undefined; name?: string | null | undefined; nameKana?: string | null | undefined; email?: string | null | undefined; phone?: string | null | undefined; companyName?: string | null | undefined; department?: string | null | undefined; title?: string | null | undefined; status?: RegistrationStatus | undefined; registeredAt?: string | undefined; source?: string | undefined },
  actor: Actor,
): Promise<Registration> {
  const event = await repo.findEvent(db, eventId);
  if (!event) throw notFound('Event');
  const fields: Partial<Record<ImportField, string>> = {};
  const set = (k: ImportField, v: string | null | undefined) => { if (v && v.trim()) fields[k] = v.trim(); };
  set('full_name', input.name); set('full_name_kana', input.nameKana); set('email', input.email); set('phone', input.phone);
  set('company_name', input.companyName); set('department', input.department); set('title', input.title);
  const report = await writeRegistrations(db, {
    event, source: input.source ?? 'api', recordKind: 'api', actor,
    registrations: [{ externalId: input.externalId?.trim() || null, line: 1, fields, status: input.status ?? 'registered', registeredAt: input.registeredAt ?? null }],
  });
  const done = report.registrations[0];
  if (!done) throw new AppError('validation_failed', report.rejected[0]?.reason ?? '登録できませんでした', [{ field: report.rejected[0]?.field ?? 'email', message: report.rejected[0]?.reason ?? 'rejected' }]);
  await audit(db, actor, 'event.register', { type: 'event', id: eventId }, { registrationId: done.id });
  const list = await listRegistrations(db, eventId, undefined, actor.auth);
  return list.find((r) => r.id === done.id)!;
}

/** Marks attendance (出席 / 欠席) or cancels a registration. */
export async function setAttendance(db: Db, eventId: string, registrationId: string, status: RegistrationStatus, actor: Actor): Promise<Registration> {
  const event = await repo.findEvent(db, eventId);
  if (!event) throw notFound('Event');
  const reg = await repo.findRegistration(db, eventId, registrationId);
  if (!reg) throw notFound('Registration');
  await db.transaction().execute(async (trx) => {
    await repo.setRegistrationStatus(trx, registrationId, status);
    if (reg.customer_id) {
      const key = `event-reg:${eventId}:${registrationId}`;
      const sourceId = (await sourcesOfKeyedActivities(trx, [key])).get(key) ?? null;
      await writeRegistrationActivities(trx, event, { id: registrationId, status, registeredAt: reg.registered_at, recordId: reg.source_record_id, customerId: reg.customer_id, sourceId });
    }
    await audit(trx, actor, 'event.attendance', { type: 'event', id: eventId }, { registrationId, status });
  });
  const list = await listRegistrations(db, eventId, undefined, actor.auth);
  return list.find((r) => r.id === registrationId)!;
}

