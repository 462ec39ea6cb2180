import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface EventValues { name: string; kind: string; starts_at: Date; ends_at: Date | null; venue: string | null; capacity: number | null }

export async function insertEvent(db: Db, values: EventValues) {
  return db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateEvent(db: Db, id: string, values: Partial<EventValues>) {
  return db.updateTable('events').set({ ...values, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

const counts = (db: Db) => db
  .selectFrom('event_registrations')
  .select('event_id')
  .select(sql<number>`count(*) filter (where status <> 'cancelled')`.as('registered'))
  .select(sql<number>`count(*) filter (where status = 'attended')`.as('attended'))
  .select(sql<number>`count(*) filter (where status = 'no_show')`.as('no_show'))
  .groupBy('event_id');

export async function findEvent(db: Db, id: string) {
  return db.selectFrom('events').leftJoin(counts(db).as('c'), 'c.event_id', 'events.id')
    .selectAll('events').select(['c.registered', 'c.attended', 'c.no_show'])
    .where('events.id', '=', id).executeTakeFirst();
}

export async function findEventByName(db: Db, name: string) {
  return db.selectFrom('events').selectAll().where('name', '=', name).orderBy('starts_at', 'desc').execute();
}

export async function listEvents(db: Db, filter: { q?: string | undefined; kind?: string | undefined }, after: { startsAt: string; id: string } | null, limit: number) {
  let q = db.selectFrom('events').leftJoin(counts(db).as('c'), 'c.event_id', 'events.id')
    .selectAll('events').select(['c.registered', 'c.attended', 'c.no_show'])
    .select(sql<string>`to_char(events.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('starts_cursor'));
  if (filter.kind) q = q.where('events.kind', '=', filter.kind);
  if (filter.q) q = q.where('events.name', 'ilike', `%${filter.q.replace(/[\\%_]/gu, (m) => `\\${m}`)}%`);
  if (after) q = q.where(sql<SqlBool>`(events.starts_at, events.id) < (${after.startsAt}::timestamptz, ${after.id}::uuid)` as Expression<SqlBool>);
  return q.orderBy('events.starts_at', 'desc').orderBy('events.id', 'desc').limit(limit).execute();
}

export async function findRegistrations(db: Db, eventId: string, externalIds: string[]) {
  if (externalIds.length === 0) return [];
  return db.selectFrom('event_registrations').selectAll().where('event_id', '=', eventId).where('external_id', 'in', externalIds).execute();
}

export async function upsertRegistration(db: Db, values: { event_id: string; external_id: string; source_record_id: number; registered_at: Date; status: string; name: string | null; company_name: string | null }) {
  const { event_id: _e, external_id: _x, ...update } = values;
  return db.insertInto('event_registrations').values(values)
    .onConflict((oc) => oc.columns(['event_id', 'external_id']).doUpdateSet({ ...update, updated_at: new Date() }))
    .returningAll().executeTakeFirstOrThrow();
}

export async function findRegistration(db: Db, eventId: string, id: string) {
  return db.selectFrom('event_registrations')
    .innerJoin('source_records', 'source_records.id', 'event_registrations.source_record_id')
    .selectAll('event_registrations').select('source_records.customer_id')
    .where('event_registrations.event_id', '=', eventId).where('event_registrations.id', '=', id).executeTakeFirst();
}

export async function setRegistrationStatus(db: Db, id: string, status: string) {
  await db.updateTable('event_registrations').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function listRegistrations(db: Db, eventId: string, status: string | undefined) {
  let q = db.selectFrom('event_registrations')
    .innerJoin('source_records', 'source_records.id', 'event_registrations.source_record_id')
    .leftJoin('customers', 'customers.id', 'source_records.customer_id')
    .selectAll('event_registrations')
    .select(['source_records.customer_id', 'customers.display_name as customer_name', 'customers.email as customer_email'])
    .where('event_registrations.event_id', '=', eventId);
  if (status) q = q.where('event_registrations.status', '=', status);
  return q.orderBy('event_registrations.registered_at').orderBy('event_registrations.id').execute();
}

/** 消去 (src/ledger/privacy): the registrations of these attendee records (they hold name and company). */
export async function eraseRegistrationsOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const r = await db.deleteFrom('event_registrations').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
