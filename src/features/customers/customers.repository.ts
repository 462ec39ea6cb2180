import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CustomerRow } from '../../db/schema.ts';

export async function insertEmptyCustomer(db: Db): Promise<string> {
  const row = await db.insertInto('customers').values({ custom_fields: '{}', provenance: '{}' }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function findCustomerRow(db: Db, id: string, options: { includeDeleted?: boolean; forUpdate?: boolean } = {}) {
  let query = db.selectFrom('customers').selectAll().where('id', '=', id);
  if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export type GoldenColumns = Omit<
  CustomerRow,
  'id' | 'created_at' | 'deleted_at' | 'deleted_by_user_id' | 'custom_fields' | 'provenance'
> & { custom_fields: string; provenance: string };

export async function updateCustomerColumns(db: Db, id: string, columns: GoldenColumns): Promise<void> {
  await db.updateTable('customers').set(columns).where('id', '=', id).execute();
}

export async function softDeleteCustomer(db: Db, id: string, userId: string | null): Promise<boolean> {
  const result = await db
    .updateTable('customers')
    .set({ deleted_at: new Date(), deleted_by_user_id: userId, updated_at: new Date() })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ── source records ──

export async function findSourceIdByName(db: Db, name: string) {
  return db.selectFrom('sources').select(['id', 'name', 'priority']).where('name', '=', name).executeTakeFirst();
}

export async function insertSourceRecord(
  db: Db,
  values: { sourceId: string; externalId: string; customerId: string; raw: unknown; normalized: unknown; contentHash: string; userId: string | null },
) {
  return db
    .insertInto('source_records')
    .values({
      source_id: values.sourceId,
      external_id: values.externalId,
      customer_id: values.customerId,
      raw: JSON.stringify(values.raw),
      normalized: JSON.stringify(values.normalized),
      content_hash: values.contentHash,
      created_by_user_id: values.userId,
    })
    .returning(['id', 'received_at'])
    .executeTakeFirstOrThrow();
}

/** Every statement about a customer with its source's name and priority: the input to survivorship. */
export async function listStatements(db: Db, customerId: string) {
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select([
      'source_records.id',
      'source_records.normalized',
      'source_records.received_at',
      'sources.name as source',
      'sources.priority as source_priority',
    ])
    .where('source_records.customer_id', '=', customerId)
    .execute();
}

export async function listSourceRecordsOfCustomer(db: Db, customerId: string) {
  return db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .leftJoin('users', 'users.id', 'source_records.created_by_user_id')
    .select([
      'source_records.id',
      'source_records.external_id',
      'source_records.raw',
      'source_records.normalized',
      'source_records.received_at',
      'source_records.updated_at',
      'sources.name as source',
      'sources.label as source_label',
      'users.display_name as created_by',
    ])
    .where('source_records.customer_id', '=', customerId)
    .orderBy('source_records.received_at', 'desc')
    .orderBy('source_records.id', 'desc')
    .execute();
}

// ── lists ──

export type CustomerSort = 'updated' | 'created' | 'name';

export interface CustomerListFilter {
  lifecycleStage?: string | undefined;
  source?: string | undefined;
  ownerUserId?: string | undefined;
  prefecture?: string | undefined;
  companyId?: string | undefined;
  email?: string | undefined;
  ids?: string[] | undefined;
}

/** Keyset pagination: `after` is the (sort value, id) of the last row of the previous page. */
export async function listCustomerRows(
  db: Db,
  filter: CustomerListFilter,
  sort: CustomerSort,
  after: { value: string; id: string } | null,
  limit: number,
) {
  let query = db
    .selectFrom('customers')
    .selectAll('customers')
    // Exact (microsecond) timestamps for cursors: a JS Date would round to milliseconds and skip rows.
    .select([exactTimestamp('customers.created_at').as('created_cursor'), exactTimestamp('customers.updated_at').as('updated_cursor')])
    .where('customers.deleted_at', 'is', null);
  if (filter.lifecycleStage) query = query.where('customers.lifecycle_stage', '=', filter.lifecycleStage);
  if (filter.ownerUserId) query = query.where('customers.owner_user_id', '=', filter.ownerUserId);
  if (filter.prefecture) query = query.where('customers.prefecture', '=', filter.prefecture);
  if (filter.companyId) query = query.where('customers.company_id', '=', filter.companyId);
  if (filter.email) query = query.where('customers.email', '=', filter.email);
  if (filter.ids) query = query.where('customers.id', 'in', filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000']);
  if (filter.source) {
    const source = filter.source;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('source_records')
          .innerJoin('sources', 'sources.id', 'source_records.source_id')
          .select(sql`1`.as('one'))
          .whereRef('source_records.customer_id', '=', 'customers.id')
          .where('sources.name', '=', source),
      ),
    );
  }
  if (sort === 'name') {
    if (after) query = query.where(sql<SqlBool>`(customers.sort_key, customers.id) > (${after.value}, ${after.id}::uuid)` as Expression<SqlBool>);
    query = query.orderBy('customers.sort_key', 'asc').orderBy('customers.id', 'asc');
  } else {
    const column = sort === 'created' ? sql.ref('customers.created_at') : sql.ref('customers.updated_at');
    if (after) query = query.where(sql<SqlBool>`(${column}, customers.id) < (${after.value}::timestamptz, ${after.id}::uuid)` as Expression<SqlBool>);
    query = query.orderBy(sort === 'created' ? 'customers.created_at' : 'customers.updated_at', 'desc').orderBy('customers.id', 'desc');
  }
  return query.limit(limit).execute();
}

/** ISO-8601 UTC text with microseconds, which casts back to the identical timestamptz. */
export function exactTimestamp(column: string) {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export async function findCustomerRowsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('customers').selectAll().where('id', 'in', ids).where('deleted_at', 'is', null).execute();
}

/** Names of the companies and owners a page of customers refers to, in two queries instead of one per row. */
export async function loadCompanyNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('companies').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function loadUserNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function userExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function lifecycleStageExists(db: Db, code: string): Promise<boolean> {
  return (await db.selectFrom('lifecycle_stages').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function acquisitionChannelExists(db: Db, code: string): Promise<boolean> {
  return (await db.selectFrom('acquisition_channels').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

// ── affiliations ──

export async function upsertPrimaryAffiliation(
  db: Db,
  customerId: string,
  companyId: string | null,
  department: string | null,
  title: string | null,
): Promise<void> {
  await db.updateTable('affiliations').set({ is_primary: false, updated_at: new Date() })
    .where('customer_id', '=', customerId)
    .$if(companyId !== null, (q) => q.where('company_id', '!=', companyId!))
    .where('is_primary', '=', true)
    .execute();
  if (!companyId) return;
  await db
    .insertInto('affiliations')
    .values({ customer_id: customerId, company_id: companyId, department, title, is_primary: true })
    .onConflict((oc) => oc.columns(['customer_id', 'company_id']).doUpdateSet({ department, title, is_primary: true, updated_at: new Date() }))
    .execute();
}
