import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export async function findSource(db: Db, name: string) {
  return db.selectFrom('sources').select(['id', 'name', 'label', 'priority']).where('name', '=', name).executeTakeFirst();
}

export async function insertSource(db: Db, name: string, label: string, kind: 'file_import' | 'form' | 'api' | 'tracker' | 'integration') {
  return db
    .insertInto('sources')
    .values({ name, label, kind, party: 'first' })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(['id', 'name', 'label', 'priority'])
    .executeTakeFirst();
}

export async function saveProfile(db: Db, sourceId: string, profile: unknown, userId: string | null): Promise<void> {
  await db
    .insertInto('import_profiles')
    .values({ source_id: sourceId, profile: JSON.stringify(profile), updated_by_user_id: userId })
    .onConflict((oc) => oc.column('source_id').doUpdateSet({ profile: JSON.stringify(profile), updated_by_user_id: userId, updated_at: new Date() }))
    .execute();
}

export async function insertRun(db: Db, values: { sourceId: string; fileName: string; encoding: string | null; userId: string | null }) {
  return db
    .insertInto('import_runs')
    .values({ source_id: values.sourceId, file_name: values.fileName, status: 'running', encoding: values.encoding, counts: '{}', created_by_user_id: values.userId })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function finishRun(db: Db, id: string, status: 'completed' | 'failed', counts: Record<string, number>, error: string | null): Promise<void> {
  await db.updateTable('import_runs').set({ status, counts: JSON.stringify(counts), error, finished_at: new Date() }).where('id', '=', id).execute();
}

export async function insertIssues(db: Db, runId: string, issues: Array<{ line: number; severity: 'rejected' | 'flagged'; field: string | null; reason: string; value: string | null }>): Promise<void> {
  if (issues.length === 0) return;
  await db.insertInto('import_issues').values(issues.map((i) => ({ run_id: runId, ...i }))).execute();
}

export async function findRun(db: Db, id: string) {
  return db.selectFrom('import_runs').select(['id', 'file_name']).where('id', '=', id).executeTakeFirst();
}

export async function listRunRows(db: Db, limit: number) {
  return db
    .selectFrom('import_runs')
    .innerJoin('sources', 'sources.id', 'import_runs.source_id')
    .leftJoin('users', 'users.id', 'import_runs.created_by_user_id')
    .select([
      'import_runs.id', 'sources.name as source', 'sources.label as source_label', 'import_runs.file_name', 'import_runs.status',
      'import_runs.encoding', 'import_runs.counts', 'import_runs.error', 'import_runs.started_at', 'import_runs.finished_at',
      'users.display_name as started_by',
    ])
    .orderBy('import_runs.started_at', 'desc')
    .orderBy('import_runs.id', 'desc')
    .limit(limit)
    .execute();
}

export async function listProfileRows(db: Db) {
  return db
    .selectFrom('import_profiles')
    .innerJoin('sources', 'sources.id', 'import_profiles.source_id')
    .select(['sources.name as source', 'sources.label as source_label', 'import_profiles.profile', 'import_profiles.updated_at'])
    .orderBy('sources.name')
    .execute();
}

export async function listIssues(db: Db, runId: string) {
  return db.selectFrom('import_issues').select(['line', 'severity', 'field', 'reason', 'value']).where('run_id', '=', runId).orderBy('line').orderBy('id').execute();
}

/** Existing records of a batch: (external id → id, content hash, customer) to tell new, updated and unchanged apart. */
export async function findRecords(db: Db, sourceId: string, externalIds: string[]) {
  if (externalIds.length === 0) return [];
  return db
    .selectFrom('source_records')
    .select(['id', 'external_id', 'content_hash', 'customer_id'])
    .where('source_id', '=', sourceId)
    .where('external_id', 'in', externalIds)
    .execute();
}

export interface StagedRecord {
  externalId: string;
  raw: Record<string, unknown>;
  normalized: Record<string, unknown>;
  contentHash: string;
  matchRecord: unknown;
}

export async function insertRecords(db: Db, sourceId: string, records: StagedRecord[], userId: string | null) {
  if (records.length === 0) return [];
  return db
    .insertInto('source_records')
    .values(records.map((r) => ({
      source_id: sourceId,
      external_id: r.externalId,
      raw: JSON.stringify(r.raw),
      normalized: JSON.stringify(r.normalized),
      content_hash: r.contentHash,
      match_record: JSON.stringify(r.matchRecord),
      created_by_user_id: userId,
    })))
    .returning(['id', 'external_id'])
    .execute();
}

/** A changed record is re-resolved: its link is cleared and its old match keys go. */
export async function updateRecord(db: Db, id: number, r: StagedRecord): Promise<void> {
  await db
    .updateTable('source_records')
    .set({
      raw: JSON.stringify(r.raw),
      normalized: JSON.stringify(r.normalized),
      content_hash: r.contentHash,
      match_record: JSON.stringify(r.matchRecord),
      updated_at: new Date(),
      received_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('match_keys').where('source_record_id', '=', id).execute();
}

export async function insertMatchKeys(db: Db, rows: Array<{ key: string; recordId: number }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await db.insertInto('match_keys').values(chunk.map((r) => ({ key: r.key, source_record_id: r.recordId }))).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Records that still need resolving: new ones, changed ones, and any a killed run left behind. */
export async function listUnresolved(db: Db) {
  return db
    .selectFrom('source_records')
    .select(['id', 'match_record'])
    .where('customer_id', 'is', null)
    .where('match_record', 'is not', null)
    .orderBy('id')
    .execute();
}

/**
 * Already-linked records that share a blocking key with the given records; keys shared by more than
 * `maxBlock` records are too common to say anything and are skipped, which keeps the cost linear.
 */
export async function listLinkedNeighbours(db: Db, recordIds: number[], maxBlock: number) {
  if (recordIds.length === 0) return [];
  const rows = await db
    .with('keys', (q) => q.selectFrom('match_keys').select('key').distinct().where('source_record_id', 'in', recordIds))
    .with('usable', (q) =>
      q.selectFrom('match_keys').innerJoin('keys', 'keys.key', 'match_keys.key').select('match_keys.key').groupBy('match_keys.key')
        .having(sql`count(*)`, '<=', maxBlock))
    .selectFrom('match_keys')
    .innerJoin('usable', 'usable.key', 'match_keys.key')
    .innerJoin('source_records', 'source_records.id', 'match_keys.source_record_id')
    .select(['source_records.id', 'source_records.customer_id'])
    .distinct()
    .where('source_records.customer_id', 'is not', null)
    .execute();
  return rows;
}

/** Every record of the given customers (the matcher checks a newcomer against all members: no chaining). */
export async function listRecordsOfCustomers(db: Db, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  return db
    .selectFrom('source_records')
    .select(['id', 'customer_id', 'match_record'])
    .where('customer_id', 'in', customerIds)
    .where('match_record', 'is not', null)
    .execute();
}

export async function linkRecords(db: Db, recordIds: number[], customerId: string): Promise<void> {
  if (recordIds.length === 0) return;
  await db.updateTable('source_records').set({ customer_id: customerId }).where('id', 'in', recordIds).execute();
}

export async function insertDecisions(db: Db, rows: Array<{ kind: 'new' | 'merge' | 'review'; recordId: number; customerId: string | null; otherCustomerId?: string | null; score?: number | null; rule: string; evidence?: unknown; runId: string | null }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insertInto('match_decisions').values(rows.slice(i, i + 2000).map((r) => ({
      kind: r.kind,
      source_record_id: r.recordId,
      customer_id: r.customerId,
      other_customer_id: r.otherCustomerId ?? null,
      score: r.score ?? null,
      rule: r.rule,
      evidence: JSON.stringify(r.evidence ?? []),
      import_run_id: r.runId,
    }))).execute();
  }
}

export async function insertReviewItems(db: Db, rows: Array<{ a: number; b: number; score: number; probability: number; rules: string[]; evidence: unknown }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insertInto('review_items').values(rows.slice(i, i + 2000).map((r) => ({
      record_a_id: Math.min(r.a, r.b),
      record_b_id: Math.max(r.a, r.b),
      score: r.score,
      probability: r.probability,
      rules: JSON.stringify(r.rules),
      evidence: JSON.stringify(r.evidence),
    }))).onConflict((oc) => oc.columns(['record_a_id', 'record_b_id']).doNothing()).execute();
  }
}

export async function saveWeights(db: Db, weights: unknown, trainedOn: number): Promise<void> {
  await db.insertInto('match_weights').values({ weights: JSON.stringify(weights), trained_on: trainedOn }).execute();
}

export async function insertImportActivities(db: Db, rows: Array<{ customerId: string; sourceId: string; title: string; properties: Record<string, unknown> }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insertInto('activities').values(rows.slice(i, i + 2000).map((r) => ({
      customer_id: r.customerId,
      type: 'import',
      occurred_at: new Date(),
      title: r.title,
      properties: JSON.stringify(r.properties),
      source_id: r.sourceId,
    }))).execute();
  }
}

// ── exports ──

export async function* streamLinks(db: Db, pageSize = 10_000) {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('source_records')
      .innerJoin('sources', 'sources.id', 'source_records.source_id')
      .select(['source_records.id', 'sources.name as source', 'source_records.external_id', 'source_records.customer_id'])
      .where('source_records.id', '>', after)
      .where('sources.kind', '!=', 'manual')
      .orderBy('source_records.id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

export async function* streamCustomers(db: Db, pageSize = 5_000) {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('customers')
      .leftJoin('companies', 'companies.id', 'customers.company_id')
      .selectAll('customers')
      .select('companies.name as company_name')
      .where('customers.deleted_at', 'is', null)
      .where('customers.id', '>', after)
      .orderBy('customers.id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}
