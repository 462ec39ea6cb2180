import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { SourcesTable } from '../../db/schema.ts';

/** Sources with how many records each holds and when it last delivered (freshness). */
function sourceRowsWithCounts(db: Db) {
  return db
    .selectFrom('sources')
    .selectAll('sources')
    .select((eb) => [
      eb.selectFrom('source_records').select((inner) => inner.fn.countAll<number>().as('n')).whereRef('source_records.source_id', '=', 'sources.id').as('record_count'),
      eb.selectFrom('source_records').select((inner) => inner.fn.max('source_records.received_at').as('m')).whereRef('source_records.source_id', '=', 'sources.id').as('last_received_at'),
    ]);
}

export async function listSourceRows(db: Db) {
  return sourceRowsWithCounts(db).orderBy('sources.priority').orderBy('sources.name').execute();
}

/** One source as listSourceRows gives it, or undefined. */
export async function findSourceRowWithCounts(db: Db, id: string) {
  return sourceRowsWithCounts(db).where('sources.id', '=', id).executeTakeFirst();
}

export async function findSourceByName(db: Db, name: string) {
  return db.selectFrom('sources').select(['id', 'name', 'label', 'kind', 'priority', 'email_basis']).where('name', '=', name).executeTakeFirst();
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

/** Every source's latest survivorship recompute (one row a source). */
export async function listRecomputeRows(db: Db) {
  return db.selectFrom('source_recomputes').selectAll().execute();
}

export async function findRecomputeRow(db: Db, sourceId: string) {
  return db.selectFrom('source_recomputes').selectAll().where('source_id', '=', sourceId).executeTakeFirst();
}

/** The source's recompute, its row locked for this transaction: two walkers of one source take turns page by page. */
export async function lockRecomputeRow(db: Db, sourceId: string) {
  return db.selectFrom('source_recomputes').selectAll().where('source_id', '=', sourceId).forUpdate().executeTakeFirst();
}

/** Starts (or restarts, from the first customer) the recompute of a source's customers under a new priority. */
export async function startRecomputeRow(db: Db, values: { sourceId: string; from: number; to: number; total: number; userId: string | null }): Promise<void> {
  const row = {
    status: 'running' as const, priority_from: values.from, priority_to: values.to, after_customer_id: null, done: 0, total: values.total,
    error: null, requested_by_user_id: values.userId, started_at: new Date(), finished_at: null,
  };
  await db.insertInto('source_recomputes').values({ source_id: values.sourceId, ...row })
    .onConflict((oc) => oc.column('source_id').doUpdateSet(row))
    .execute();
}

/** A failed recompute goes on from where it stopped (its cursor is what was committed). */
export async function resumeRecomputeRow(db: Db, sourceId: string) {
  return db.updateTable('source_recomputes').set({ status: 'running', error: null, finished_at: null })
    .where('source_id', '=', sourceId).where('status', '=', 'failed')
    .returningAll().executeTakeFirst();
}

export async function advanceRecomputeRow(db: Db, sourceId: string, afterCustomerId: string, n: number): Promise<void> {
  await db.updateTable('source_recomputes')
    .set((eb) => ({ after_customer_id: afterCustomerId, done: eb('done', '+', n) }))
    .where('source_id', '=', sourceId).execute();
}

/** Ends a running recompute; with `startedAt`, only the walk that began then (not one a newer change started since). */
export async function finishRecomputeRow(db: Db, sourceId: string, status: 'completed' | 'failed', error: string | null, startedAt?: Date) {
  let query = db.updateTable('source_recomputes').set({ status, error, finished_at: new Date() })
    .where('source_id', '=', sourceId).where('status', '=', 'running');
  if (startedAt) query = query.where('started_at', '=', startedAt);
  return query.returningAll().executeTakeFirst();
}

export async function listRunningRecomputeSources(db: Db): Promise<string[]> {
  return (await db.selectFrom('source_recomputes').select('source_id').where('status', '=', 'running').execute()).map((r) => r.source_id);
}

/** How many customers hold a record of the source (the recompute's total). */
export async function countCustomersOfSource(db: Db, sourceId: string): Promise<number> {
  const row = await db.selectFrom('source_records')
    .select((eb) => eb.fn.count<number>('customer_id').distinct().as('n'))
    .where('source_id', '=', sourceId).where('customer_id', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a source unless one of that name exists (then undefined): concurrent first uses register it once. */
export async function insertSourceIfAbsent(db: Db, name: string, label: string, kind: SourceKind) {
  return db
    .insertInto('sources')
    // A form's records each carry their own consent (the checkbox): its basis is the per-record opt-in (0024).
    .values({ name, label, kind, party: 'first', email_basis: kind === 'form' ? 'opt_in_per_record' : 'none' })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(['id', 'name', 'label', 'kind', 'priority', 'email_basis'])
    .executeTakeFirst();
}

export type SourceKind = 'file_import' | 'form' | 'api' | 'tracker' | 'integration';

/** Golden-record recomputes after a priority change that are running now. */
export async function countRunningRecomputes(db: Db): Promise<number> {
  const row = await db.selectFrom('source_recomputes').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'running').executeTakeFirst();
  return Number(row?.n ?? 0);
}
