/**
 * customer_quality and quality_runs (one writer: this file), and the reads the quality pass and pages need: bounces
 * and returned mail per customer, the business-card sources, the 要更新 queue, a source's import history and its
 * records past their retention.
 */
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface QualityRowInput {
  customerId: string;
  score: number;
  completeness: number; validity: number; freshness: number; consistency: number;
  issues: string[];
  stale: Array<{ field: string; reason: string; since: string; sourceRecordId?: number }>;
}

/** Writes (or rewrites) the quality of some customers. */
export async function upsertQuality(db: Db, rows: readonly QualityRowInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('customer_quality')
    .values(rows.map((r) => ({
      customer_id: r.customerId, score: r.score, completeness: r.completeness, validity: r.validity, freshness: r.freshness,
      consistency: r.consistency, issues: JSON.stringify(r.issues), stale: JSON.stringify(r.stale), stale_count: r.stale.length,
    })))
    .onConflict((oc) => oc.column('customer_id').doUpdateSet((eb) => ({
      score: eb.ref('excluded.score'), completeness: eb.ref('excluded.completeness'), validity: eb.ref('excluded.validity'),
      freshness: eb.ref('excluded.freshness'), consistency: eb.ref('excluded.consistency'), issues: eb.ref('excluded.issues'),
      stale: eb.ref('excluded.stale'), stale_count: eb.ref('excluded.stale_count'), computed_at: sql<Date>`now()`,
    })))
    .execute();
}

/** Live customers after `afterId` in id order, for the pass's keyset pages. */
export async function liveCustomerIdsAfter(db: Db, afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('customers').select('id').where('deleted_at', 'is', null).orderBy('id').limit(limit);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return (await q.execute()).map((r) => r.id);
}

/** The newest hard bounce (e-mail) and returned piece (DM) of each customer among `ids`. */
export async function contactFailures(db: Db, ids: readonly string[]): Promise<Map<string, { emailBouncedAt: Date | null; mailReturnedAt: Date | null }>> {
  const out = new Map<string, { emailBouncedAt: Date | null; mailReturnedAt: Date | null }>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('contact_suppressions')
    .select(['customer_id', 'channel', 'reason', (eb) => eb.fn.max('recorded_at').as('at')])
    .where(sql<SqlBool>`customer_id = ANY(${[...ids]}::uuid[])`)
    .where((eb) => eb.or([
      eb.and([eb('channel', '=', 'email'), eb('reason', '=', 'hard_bounce')]),
      eb.and([eb('channel', '=', 'dm'), eb('reason', '=', 'returned_mail')]),
    ]))
    .groupBy(['customer_id', 'channel', 'reason'])
    .execute();
  for (const r of rows) {
    if (r.customer_id === null) continue;
    const entry = out.get(r.customer_id) ?? { emailBouncedAt: null, mailReturnedAt: null };
    if (r.channel === 'email') entry.emailBouncedAt = new Date(r.at); else entry.mailReturnedAt = new Date(r.at);
    out.set(r.customer_id, entry);
  }
  return out;
}

/** Names of the sources whose records are business cards (名刺: e-mail basis business_card). */
export async function businessCardSourceNames(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('sources').select('name').where('email_basis', '=', 'business_card').execute();
  return new Set(rows.map((r) => r.name));
}

// ── the daily pass's lease ──

const LEASE_MINUTES = 10;

/** Claims the pass when it has not finished since `due` and no other process holds a fresh lease. */
export async function claimQualityRun(db: Db, due: Date): Promise<boolean> {
  const rows = await db
    .updateTable('quality_runs')
    .set({ claimed_at: sql<Date>`now()`, started_at: sql<Date>`now()` })
    .where('id', '=', true)
    .where((eb) => eb.or([eb('finished_at', 'is', null), eb('finished_at', '<', due)]))
    .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', sql<Date>`now() - make_interval(mins => ${LEASE_MINUTES})`)]))
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function heartbeatQualityRun(db: Db): Promise<void> {
  await db.updateTable('quality_runs').set({ claimed_at: sql<Date>`now()` }).where('id', '=', true).execute();
}

export async function finishQualityRun(db: Db, customers: number): Promise<void> {
  await db.updateTable('quality_runs').set({ claimed_at: null, finished_at: sql<Date>`now()`, customers }).where('id', '=', true).execute();
}

/** Lets a failed pass be claimed again at once. */
export async function releaseQualityRun(db: Db): Promise<void> {
  await db.updateTable('quality_runs').set({ claimed_at: null }).where('id', '=', true).execute();
}

export async function lastQualityRun(db: Db) {
  return db.selectFrom('quality_runs').select(['started_at', 'finished_at', 'customers', 'claimed_at']).where('id', '=', true).executeTakeFirst();
}

// ── reads ──

export async function findQuality(db: Db, customerId: string) {
  return db.selectFrom('customer_quality').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
}

export interface StaleQueueRow {
  customer_id: string; display_name: string; company_name: string | null;
  owner_user_id: string | null; score: number; stale: Array<{ field: string; reason: string; since: string }>;
  value: string; computed_at: Date;
}

/**
 * The 要更新 queue: live customers with stale values, most valuable first (the one-year predicted value when the
 * models have one, else the net revenue so far), then by id. `owner`: a user's customers, or 'none' for those
 * without an owner; absent, everyone's. Keyset paging on (value, id).
 */
export async function staleQueue(db: Db, opts: { owner?: string | 'none'; after?: { value: string; id: string }; limit: number }): Promise<StaleQueueRow[]> {
  const value = sql<string>`coalesce(v.predicted_value_365d, v.monetary, 0)`;
  let q = db
    .selectFrom('customer_quality as q')
    .innerJoin('customers as c', 'c.id', 'q.customer_id')
    .leftJoin('customer_values as v', 'v.customer_id', 'q.customer_id')
    .leftJoin('companies as co', 'co.id', 'c.company_id')
    .select([
      'q.customer_id', 'c.display_name', 'co.name as company_name', 'c.owner_user_id', 'q.score', 'q.stale', 'q.computed_at',
      value.as('value'),
    ])
    .where('q.stale_count', '>', 0)
    .where('c.deleted_at', 'is', null);
  if (opts.owner === 'none') q = q.where('c.owner_user_id', 'is', null);
  else if (opts.owner !== undefined) q = q.where('c.owner_user_id', '=', opts.owner);
  if (opts.after) q = q.where(sql<SqlBool>`(${value}, q.customer_id) < (${opts.after.value}::numeric, ${opts.after.id}::uuid)`);
  const rows = await q.orderBy(value, 'desc').orderBy('q.customer_id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, value: String(r.value) }));
}

export interface SourceRunMonth { month: string; runs: number; rows: number; rejected: number; flagged: number; merged: number }

/** A source's imports by Japan month: rows read, rejected, flagged (a value kept but marked invalid) and merged. */
export async function sourceImportMonths(db: Db, sourceId: string): Promise<SourceRunMonth[]> {
  const r = await sql<{ month: string; runs: string | number; rows: string | number; rejected: string | number; flagged: string | number; merged: string | number }>`
    SELECT to_char(started_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month, count(*) AS runs,
           coalesce(sum((counts->>'read')::int), 0) AS rows, coalesce(sum((counts->>'rejected')::int), 0) AS rejected,
           coalesce(sum((counts->>'flagged')::int), 0) AS flagged, coalesce(sum((counts->>'merged')::int), 0) AS merged
    FROM import_runs WHERE source_id = ${sourceId} AND status <> 'running'
    GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x) => ({ month: x.month, runs: Number(x.runs), rows: Number(x.rows), rejected: Number(x.rejected), flagged: Number(x.flagged), merged: Number(x.merged) }));
}

/** How many of a source's records its live customers hold, and their customers' average quality score. */
export async function sourceCustomerQuality(db: Db, sourceId: string): Promise<{ records: number; customers: number; scored: number; averageScore: number | null; withStale: number }> {
  const r = await sql<{ records: string | number; customers: string | number; scored: string | number; average: string | number | null; with_stale: string | number }>`
    WITH held AS (SELECT customer_id, count(*) AS records FROM source_records WHERE source_id = ${sourceId} AND customer_id IS NOT NULL GROUP BY customer_id)
    SELECT coalesce(sum(h.records), 0) AS records, count(*) AS customers, count(q.customer_id) AS scored,
           avg(q.score) AS average, count(*) FILTER (WHERE q.stale_count > 0) AS with_stale
    FROM held h JOIN customers c ON c.id = h.customer_id AND c.deleted_at IS NULL
    LEFT JOIN customer_quality q ON q.customer_id = h.customer_id`.execute(db);
  const x = r.rows[0]!;
  return {
    records: Number(x.records), customers: Number(x.customers), scored: Number(x.scored),
    averageScore: x.average === null ? null : Math.round(Number(x.average) * 10) / 10, withStale: Number(x.with_stale),
  };
}

/** A source's records received more than `days` ago: their number and the oldest few (the dry run of a deletion). */
export async function recordsPastRetention(db: Db, sourceId: string, days: number, sample: number) {
  const cutoff = sql<Date>`now() - make_interval(days => ${days})`;
  const [count, oldest] = await Promise.all([
    db.selectFrom('source_records').select((eb) => eb.fn.countAll<string>().as('n')).where('source_id', '=', sourceId).where('received_at', '<', cutoff).executeTakeFirstOrThrow(),
    db.selectFrom('source_records').select(['id', 'external_id', 'customer_id', 'received_at'])
      .where('source_id', '=', sourceId).where('received_at', '<', cutoff).orderBy('received_at').orderBy('id').limit(sample).execute(),
  ]);
  return { count: Number(count.n), oldest };
}

/** Average score and stale share over live customers, for the dashboard's data-quality panel. */
export async function qualityTotals(db: Db): Promise<{ scored: number; averageScore: number | null; withStale: number }> {
  const r = await sql<{ scored: string | number; average: string | number | null; with_stale: string | number }>`
    SELECT count(*) AS scored, avg(q.score) AS average, count(*) FILTER (WHERE q.stale_count > 0) AS with_stale
    FROM customer_quality q JOIN customers c ON c.id = q.customer_id AND c.deleted_at IS NULL`.execute(db);
  const x = r.rows[0]!;
  return { scored: Number(x.scored), averageScore: x.average === null ? null : Math.round(Number(x.average) * 10) / 10, withStale: Number(x.with_stale) };
}
