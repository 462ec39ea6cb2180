import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { SourcesTable } from '../../db/schema.ts';

/** Sources with how many records each holds and when it last delivered (freshness). */
export async function listSourceRows(db: Db) {
  return db
    .selectFrom('sources')
    .selectAll('sources')
    .select((eb) => [
      eb.selectFrom('source_records').select((inner) => inner.fn.countAll<number>().as('n')).whereRef('source_records.source_id', '=', 'sources.id').as('record_count'),
      eb.selectFrom('source_records').select((inner) => inner.fn.max('source_records.received_at').as('m')).whereRef('source_records.source_id', '=', 'sources.id').as('last_received_at'),
    ])
    .orderBy('sources.priority')
    .orderBy('sources.name')
    .execute();
}

export async function insertSource(db: Db, values: Insertable<SourcesTable>) {
  return db.insertInto('sources').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateSource(db: Db, id: string, values: Updateable<SourcesTable>) {
  return db.updateTable('sources').set({ ...values, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function findSourceRow(db: Db, id: string) {
  return db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
}
