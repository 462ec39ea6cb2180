import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { stripUnstorable } from '../../domain/normalize/storable.ts';

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

/** The file's encoding, known once the run has opened it. */
export async function setRunEncoding(db: Db, id: string, encoding: string | null): Promise<void> {
  await db.updateTable('import_runs').set({ encoding }).where('id', '=', id).execute();
}

export async function finishRun(db: Db, id: string, status: 'completed' | 'failed', counts: Record<string, number>, error: string | null): Promise<void> {
  // An error may quote what the file held (a column name): kept without what the database cannot store.
  await db.updateTable('import_runs').set({ status, counts: JSON.stringify(counts), error: error === null ? null : stripUnstorable(error), finished_at: new Date() }).where('id', '=', id).execute();
}

/** The run's process is still at work on it (see RUN_HEARTBEAT_MS in import.service.ts). */
export async function touchRun(db: Db, id: string): Promise<void> {
  await db.updateTable('import_runs').set({ heartbeat_at: sql`now()` }).where('id', '=', id).where('status', '=', 'running').execute();
}

/**
 * A run's status as reported: a 'running' run whose process has not touched it for `staleSeconds` was interrupted
 * (the process was killed or the machine stopped). Compared with the database's clock, which wrote the heartbeat.
 */
function reportedStatus(staleSeconds: number) {
  return sql<'running' | 'completed' | 'failed' | 'interrupted'>`CASE WHEN import_runs.status = 'running'
    AND import_runs.heartbeat_at < now() - make_interval(secs => ${staleSeconds}) THEN 'interrupted' ELSE import_runs.status END`;
}

export async function insertIssues(db: Db, runId: string, issues: Array<{ line: number; severity: 'rejected' | 'flagged'; field: string | null; reason: string; value: string | null }>): Promise<void> {
  if (issues.length === 0) return;
  await db.insertInto('import_issues').values(issues.map((i) => ({ run_id: runId, ...i }))).execute();
}

export async function findRun(db: Db, id: string) {
  return db.selectFrom('import_runs').select(['id', 'file_name', 'created_by_user_id']).where('id', '=', id).executeTakeFirst();
}

export async function listRunRows(db: Db, limit: number, staleSeconds: number) {
  return db
    .selectFrom('import_runs')
    .innerJoin('sources', 'sources.id', 'import_runs.source_id')
    .leftJoin('users', 'users.id', 'import_runs.created_by_user_id')
    .select([
      'import_runs.id', 'sources.name as source', 'sources.label as source_label', 'import_runs.file_name', reportedStatus(staleSeconds).as('status'),
      'import_runs.encoding', 'import_runs.counts', 'import_runs.error', 'import_runs.started_at', 'import_runs.finished_at',
      'users.display_name as started_by', 'import_runs.created_by_user_id',
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

/** Imports running now, and the last finished one's rows and seconds (for rows/s): health and metrics. */
export async function importRunFigures(db: Db): Promise<{ running: number; last: { rows: number; seconds: number } | null }> {
  const running = await db.selectFrom('import_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'running').executeTakeFirst();
  const last = await sql<{ rows: number; seconds: number }>`
    SELECT COALESCE((counts->>'read')::int, 0) AS rows, EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS seconds
    FROM import_runs WHERE status = 'completed' AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1`.execute(db);
  return { running: Number(running?.n ?? 0), last: last.rows[0] ?? null };
}

/** 消去 (src/ledger/privacy): import issues that quote one of the person's values (a flagged e-mail, a bad phone). */
export async function eraseIssuesQuoting(db: Db, values: readonly string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < values.length; i += 1000) {
    const r = await db.deleteFrom('import_issues').where('value', 'in', values.slice(i, i + 1000)).executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}
