import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CustomerRow, Database } from '../../db/schema.ts';
import { exactTimestamp } from '../../db/sql-fragments.ts';
import { FUNNEL_STAGES } from '../../domain/customers/funnel.ts';
import type { SourceStatement } from '../../domain/customers/golden.ts';

/**
 * An empty customer (identity splits and manual creation fill it at once by a golden recompute, which starts its
 * stage history: updateCustomersColumns records null → the stage it computed for a customer without history).
 */
export async function insertEmptyCustomer(db: Db): Promise<string> {
  const r = await sql<{ id: string }>`WITH c AS (INSERT INTO customers (custom_fields, provenance) VALUES ('{}'::jsonb, '{}'::jsonb) RETURNING id, created_at),
      f AS (INSERT INTO customer_facts (customer_id, created_at, has_email, has_phone, has_address) SELECT id, created_at, FALSE, FALSE, FALSE FROM c)
    SELECT id FROM c`.execute(db);
  return r.rows[0]!.id;
}

/**
 * customer_facts (migration 0025): the dashboards' narrow copy of each customer, written here only, by the statements
 * that write the golden record. `v` holds the new golden columns; created_at and deleted_at come from `c`.
 */
const FACT_COLUMNS = sql`customer_id, created_at, deleted_at, prefecture, acquisition_channel, lifecycle_stage, owner_user_id, company_id, has_email, has_phone, has_address`;
const factValues = (v: string, c: string) => sql.raw(`${c}.id, ${c}.created_at, ${c}.deleted_at, ${v}.prefecture, ${v}.acquisition_channel, ${v}.lifecycle_stage,
  ${v}.owner_user_id, ${v}.company_id, ${v}.email IS NOT NULL, ${v}.phone IS NOT NULL, ${v}.address IS NOT NULL OR ${v}.postal_code IS NOT NULL`);
const FACT_UPSERT = sql`ON CONFLICT (customer_id) DO UPDATE SET created_at = excluded.created_at, deleted_at = excluded.deleted_at,
  prefecture = excluded.prefecture, acquisition_channel = excluded.acquisition_channel, lifecycle_stage = excluded.lifecycle_stage,
  owner_user_id = excluded.owner_user_id, company_id = excluded.company_id, has_email = excluded.has_email, has_phone = excluded.has_phone,
  has_address = excluded.has_address`;

/**
 * Every customer's facts rewritten from the customers table (the daily pass, and after bulk loads that wrote
 * customers with SQL of their own): rows that differ are updated, missing ones added.
 */
export async function rebuildCustomerFacts(db: Db): Promise<void> {
  await sql`INSERT INTO customer_facts (${FACT_COLUMNS})
    SELECT ${factValues('c', 'c')} FROM customers c
    ${FACT_UPSERT}
    WHERE (customer_facts.created_at, customer_facts.deleted_at, customer_facts.prefecture, customer_facts.acquisition_channel, customer_facts.lifecycle_stage,
           customer_facts.owner_user_id, customer_facts.company_id, customer_facts.has_email, customer_facts.has_phone, customer_facts.has_address)
      IS DISTINCT FROM (excluded.created_at, excluded.deleted_at, excluded.prefecture, excluded.acquisition_channel, excluded.lifecycle_stage,
           excluded.owner_user_id, excluded.company_id, excluded.has_email, excluded.has_phone, excluded.has_address)`.execute(db);
}

/**
 * customer_funnel (migration 0045): each live customer's first arrival at each funnel stage (one column a stage),
 * written here only, with the stage history: the statements that insert history rows upsert it from the rows they
 * inserted (RETURNING), keeping the earlier time; the soft delete and the erasure remove it; the daily pass rebuilds it.
 */
const FUNNEL_COLUMNS = sql.join([sql.ref('customer_id'), ...FUNNEL_STAGES.map((s) => sql.ref(`${s}_at`))]);
/** Per customer of `changes` (rows of customer_stage_changes, aliased h): the first change into each funnel stage. */
const funnelArrivals = (changes: RawBuilder<unknown>, where: RawBuilder<unknown> = sql``) => sql`
  SELECT h.customer_id, ${sql.join(FUNNEL_STAGES.map((s) => sql`min(h.changed_at) FILTER (WHERE h.to_stage = ${s})`))}
  FROM ${changes} WHERE h.to_stage IN (${sql.join([...FUNNEL_STAGES])}) ${where} GROUP BY h.customer_id`;
const FUNNEL_KEEP_EARLIEST = sql`ON CONFLICT (customer_id) DO UPDATE SET ${sql.join(FUNNEL_STAGES.map((s) =>
  sql`${sql.ref(`${s}_at`)} = LEAST(${sql.ref(`customer_funnel.${s}_at`)}, ${sql.ref(`excluded.${s}_at`)})`))}`;

/**
 * Every live customer's funnel row rewritten from the stage history (the daily pass, and after bulk loads that wrote
 * history with SQL of their own): rows that differ are updated, missing ones added, those of no live customer with a
 * funnel stage removed.
 */
export async function rebuildCustomerFunnel(db: Db): Promise<void> {
  await sql`WITH want AS (${funnelArrivals(sql`customer_stage_changes h JOIN customers c ON c.id = h.customer_id`, sql`AND c.deleted_at IS NULL`)}),
    gone AS (DELETE FROM customer_funnel f WHERE NOT EXISTS (SELECT 1 FROM want w WHERE w.customer_id = f.customer_id))
    INSERT INTO customer_funnel (${FUNNEL_COLUMNS}) SELECT * FROM want
    ON CONFLICT (customer_id) DO UPDATE SET ${sql.join(FUNNEL_STAGES.map((s) => sql`${sql.ref(`${s}_at`)} = ${sql.ref(`excluded.${s}_at`)}`))}
    WHERE (${sql.join(FUNNEL_STAGES.map((s) => sql.ref(`customer_funnel.${s}_at`)))}) IS DISTINCT FROM (${sql.join(FUNNEL_STAGES.map((s) => sql.ref(`excluded.${s}_at`)))})`.execute(db);
}

export async function findCustomerRow(db: Db, id: string, options: { includeDeleted?: boolean; forUpdate?: boolean } = {}) {
  let query = db.selectFrom('customers').selectAll().where('id', '=', id);
  if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export type GoldenColumns = Omit<
  CustomerRow,
  'id' | 'created_at' | 'deleted_at' | 'deleted_by_user_id' | 'custom_fields' | 'provenance' | 'use_stopped_request_id'
> & { custom_fields: string; provenance: string };

/** Golden columns of many customers, written in one statement per call (imports recompute thousands at once). */
export type GoldenRow = Omit<GoldenColumns, 'custom_fields' | 'provenance' | 'updated_at'> & {
  id: string;
  custom_fields: Record<string, unknown>;
  provenance: Record<string, unknown>;
};

const GOLDEN_RECORD_TYPE = sql`v(
  id uuid, kind text, family_name text, given_name text, family_name_kana text, given_name_kana text, display_name text,
  email text, phone text, postal_code text, prefecture text, address text, building text, birth_date date, gender text,
  company_id uuid, department text, title text, lifecycle_stage text, acquisition_channel text, owner_user_id uuid,
  custom_fields jsonb, provenance jsonb, search_text text, search_grams text[], sort_key text)`;

const GOLDEN_COLUMN_NAMES = [
  'kind', 'family_name', 'given_name', 'family_name_kana', 'given_name_kana', 'display_name', 'email', 'phone', 'postal_code',
  'prefecture', 'address', 'building', 'birth_date', 'gender', 'company_id', 'department', 'title', 'lifecycle_stage',
  'acquisition_channel', 'owner_user_id', 'custom_fields', 'provenance', 'search_text', 'search_grams', 'sort_key',
] as const;

/**
 * Updates the golden columns of existing customers (one statement, rows passed as one JSON parameter). A changed
 * lifecycle stage is recorded in customer_stage_changes by the same statement: its CTEs see the rows as they were
 * before the update, so the history holds exactly the changes this write made (a customer without history yet,
 * just created empty, starts it: null → its stage).
 */
export async function updateCustomersColumns(db: Db, rows: readonly GoldenRow[]): Promise<void> {
  if (rows.length === 0) return;
  const set = sql.join(GOLDEN_COLUMN_NAMES.map((c) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`));
  await sql`WITH v AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${GOLDEN_RECORD_TYPE}),
    known AS (SELECT v.id, v.lifecycle_stage, c.lifecycle_stage AS before, c.deleted_at IS NULL AS live,
                     EXISTS (SELECT 1 FROM customer_stage_changes h WHERE h.customer_id = v.id) AS has_history
              FROM v JOIN customers c ON c.id = v.id),
    stage AS (INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage)
      SELECT id, CASE WHEN has_history THEN before END, lifecycle_stage FROM known
      WHERE NOT has_history OR before IS DISTINCT FROM lifecycle_stage
      RETURNING customer_id, to_stage, changed_at),
    funnel AS (INSERT INTO customer_funnel (${FUNNEL_COLUMNS})
      ${funnelArrivals(sql`stage h`, sql`AND h.customer_id IN (SELECT id FROM known WHERE live)`)} ${FUNNEL_KEEP_EARLIEST}),
    facts AS (INSERT INTO customer_facts (${FACT_COLUMNS}) SELECT ${factValues('v', 'c')} FROM v JOIN customers c ON c.id = v.id ${FACT_UPSERT})
    UPDATE customers SET ${set}, updated_at = now()
    FROM v WHERE customers.id = v.id`.execute(db);
}

/** Inserts new customers with their golden columns already computed (ids chosen by the caller). */
export async function insertCustomersWithColumns(db: Db, rows: readonly GoldenRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join([sql.ref('id'), ...GOLDEN_COLUMN_NAMES.map((c) => sql.ref(c))]);
  const values = sql.join([sql.ref('v.id'), ...GOLDEN_COLUMN_NAMES.map((c) => sql.ref(`v.${c}`))]);
  await sql`WITH c AS (INSERT INTO customers (${columns})
      SELECT ${values} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${GOLDEN_RECORD_TYPE}
      RETURNING id, created_at, deleted_at, lifecycle_stage, prefecture, acquisition_channel, owner_user_id, company_id, email, phone, address, postal_code),
    facts AS (INSERT INTO customer_facts (${FACT_COLUMNS}) SELECT ${factValues('c', 'c')} FROM c),
    stage AS (INSERT INTO customer_stage_changes (customer_id, from_stage, to_stage) SELECT id, NULL, lifecycle_stage FROM c
      RETURNING customer_id, to_stage, changed_at)
    INSERT INTO customer_funnel (${FUNNEL_COLUMNS}) ${funnelArrivals(sql`stage h`)} ${FUNNEL_KEEP_EARLIEST}`.execute(db);
}

/** Soft-deletes a live customer (its facts and funnel row too, in the same statement); false when there was none. */
export async function softDeleteCustomer(db: Db, id: string, userId: string | null): Promise<boolean> {
  const r = await sql<{ id: string }>`WITH d AS (
      UPDATE customers SET deleted_at = now(), deleted_by_user_id = ${userId}, updated_at = now()
      WHERE id = ${id}::uuid AND deleted_at IS NULL RETURNING id, deleted_at),
    f AS (UPDATE customer_facts SET deleted_at = d.deleted_at FROM d WHERE customer_facts.customer_id = d.id),
    g AS (DELETE FROM customer_funnel USING d WHERE customer_funnel.customer_id = d.id)
    SELECT id FROM d`.execute(db);
  return r.rows.length > 0;
}

// ── source records ──

/** A source record as survivorship reads it: its normalized fields, when it came and its source's name and priority. */
export interface StatementRow {
  id: number;
  source: string;
  source_priority: number;
  received_at: Date;
  normalized: Record<string, unknown>;
}

/** The statement a source record row makes (the input to survivorship, src/domain/customers/golden.ts). */
export function statementOf(r: StatementRow): SourceStatement {
  return { sourceRecordId: r.id, source: r.source, sourcePriority: r.source_priority, receivedAt: r.received_at, fields: r.normalized };
}

/** The statements source record rows make, in their order. */
export function statementsOf(rows: readonly StatementRow[]): SourceStatement[] {
  return rows.map(statementOf);
}

/** Every statement about a customer with its source's name and priority: the input to survivorship. */
export async function statementsOfCustomer(db: Db, customerId: string): Promise<SourceStatement[]> {
  const rows = await db
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
  return statementsOf(rows);
}

/**
 * Statements of many customers at once, for batch survivorship: a list per customer, in the order of `customerIds`
 * (an empty one for a customer without records).
 */
export async function statementsByCustomer(db: Db, customerIds: readonly string[]): Promise<Map<string, SourceStatement[]>> {
  const out = new Map<string, SourceStatement[]>(customerIds.map((id) => [id, []]));
  if (customerIds.length === 0) return out;
  const rows = await db
    .selectFrom('source_records')
    .innerJoin('sources', 'sources.id', 'source_records.source_id')
    .select([
      'source_records.id',
      'source_records.customer_id',
      'source_records.normalized',
      'source_records.received_at',
      'sources.name as source',
      'sources.priority as source_priority',
    ])
    .where(sql<SqlBool>`source_records.customer_id = ANY(${[...customerIds]}::uuid[])`)
    .execute();
  for (const r of rows) {
    if (r.customer_id !== null) out.get(r.customer_id)?.push(statementOf(r));
  }
  return out;
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
      'sources.priority as source_priority',
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
  /** Exports: leave out customers whose use is stopped (利用停止). */
  excludeUseStopped?: boolean | undefined;
  /** A condition over `customers` the caller's feature owns (a provision export: the third_party consent). */
  extra?: Expression<SqlBool> | undefined;
}

/** The live customers a list filter keeps: one condition, shared by the list, its count and the export. */
function matchesFilter(filter: CustomerListFilter) {
  return (eb: ExpressionBuilder<Database, 'customers'>) => {
    const conditions: Array<Expression<SqlBool>> = [eb('customers.deleted_at', 'is', null)];
    if (filter.lifecycleStage) conditions.push(eb('customers.lifecycle_stage', '=', filter.lifecycleStage));
    if (filter.ownerUserId) conditions.push(eb('customers.owner_user_id', '=', filter.ownerUserId));
    if (filter.prefecture) conditions.push(eb('customers.prefecture', '=', filter.prefecture));
    if (filter.companyId) conditions.push(eb('customers.company_id', '=', filter.companyId));
    if (filter.email) conditions.push(eb('customers.email', '=', filter.email));
    if (filter.ids) conditions.push(eb('customers.id', 'in', filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000']));
    if (filter.excludeUseStopped) conditions.push(eb('customers.use_stopped_request_id', 'is', null));
    if (filter.extra) conditions.push(filter.extra);
    if (filter.source) {
      conditions.push(eb.exists(
        eb.selectFrom('source_records')
          .innerJoin('sources', 'sources.id', 'source_records.source_id')
          .select(sql`1`.as('one'))
          .whereRef('source_records.customer_id', '=', 'customers.id')
          .where('sources.name', '=', filter.source),
      ));
    }
    return eb.and(conditions);
  };
}

/**
 * How many customers the filter keeps, counting no further than `bound` + 1: the inner LIMIT stops the scan there,
 * so a count over a million rows costs what counting `bound` rows costs. More than `bound` means "at least bound".
 */
export async function countCustomerRows(db: Db, filter: CustomerListFilter, bound: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('customers').select(sql`1`.as('one')).where(matchesFilter(filter)).limit(bound + 1).as('kept'))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
    .where(matchesFilter(filter));
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

/**
 * Each customer's golden affiliation as stored, before a recompute: the company (as the ledger names it: the record
 * that gave it may have been rewritten since), department, title, and which record said it when (provenance), so
 * the recompute can tell a 人事異動 from an unmerge that only went back to an older record.
 */
export async function goldenAffiliations(db: Db, customerIds: readonly string[]) {
  if (customerIds.length === 0) return [];
  const rows = await sql<{
    id: string; company_id: string | null; company_name: string | null; department: string | null; title: string | null;
    record_id: string | number | null; stated_at: string | null;
  }>`SELECT c.id, c.company_id, co.name AS company_name, c.department, c.title,
      c.provenance->'companyName'->>'sourceRecordId' AS record_id, c.provenance->'companyName'->>'at' AS stated_at
    FROM customers c
    LEFT JOIN companies co ON co.id = c.company_id
    WHERE c.id = ANY(${[...customerIds]}::uuid[]) AND c.company_id IS NOT NULL`.execute(db);
  return rows.rows.map((r) => ({ ...r, record_id: r.record_id === null ? null : Number(r.record_id) }));
}


/**
 * The next `limit` customers (in id order, after `afterCustomerId`) holding a record of the source: a walk along
 * source_records_customer_idx, so each customer comes once however many records of the source it holds.
 */
export async function listCustomersOfSource(db: Db, sourceId: string, afterCustomerId: string | null, limit: number) {
  let query = db.selectFrom('source_records')
    .select('customer_id')
    .distinct()
    .where('source_id', '=', sourceId)
    .where('customer_id', 'is not', null);
  if (afterCustomerId !== null) query = query.where('customer_id', '>', afterCustomerId);
  const rows = await query.orderBy('customer_id').limit(limit).execute();
  return rows.map((r) => r.customer_id!);
}

// ── APPI (src/ledger/privacy) ──

/** 利用停止: marks (requestId) or clears (null) the stop on these customers. */
export async function setUseStopped(db: Db, customerIds: readonly string[], requestId: string | null): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.updateTable('customers').set({ use_stopped_request_id: requestId, updated_at: sql`now()` }).where('id', 'in', customerIds).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** 消去: the customers' rows and their derived rows (facts, funnel, stage history), for real. Called last: everything points here. */
export async function eraseCustomersOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const ids = sql.join(customerIds.map((id) => sql`${id}::uuid`));
  await sql`DELETE FROM customer_facts WHERE customer_id IN (${ids})`.execute(db);
  await sql`DELETE FROM customer_funnel WHERE customer_id IN (${ids})`.execute(db);
  await db.deleteFrom('customer_stage_changes').where('customer_id', 'in', customerIds).execute();
  const r = await db.deleteFrom('customers').where('id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
