/**
 * 鮮度と品質: a customer's quality computed live (customer page), the daily pass that stores every live customer's
 * (for the 要更新 queue and the averages), and a data source's quality (imports over time, retention).
 */
import { cursorUuid, decodeCursor, encodeCursor, invalidCursor } from '../../core/cursor.ts';
import { notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { computeGolden, fieldConfirmations, otherSourceValues, type SourceStatement } from '../../domain/customers/golden.ts';
import { EMAIL_PLACEHOLDER_FIELD } from '../../domain/customers/fields.ts';
import { customerQuality, staleFields } from '../../domain/quality/quality.ts';
import { findCustomerRow, listSourceRecordsOfCustomer, statementsByCustomer, statementsOf } from '../customers/customers.repository.ts';
import { getSource } from '../sources/sources.service.ts';
import * as repo from './quality.repository.ts';
import { enqueueJob, hasPendingJob } from '../../platform/jobs/jobs.service.ts';
import type { CustomerQuality, SourceQuality, StaleQueue } from './quality.schemas.ts';

interface Signals { businessCardSources: ReadonlySet<string>; emailBouncedAt: Date | null; mailReturnedAt: Date | null }

/** The quality of one customer from their statements and contact failures (pure but for its inputs). */
function qualityOf(statements: readonly SourceStatement[], signals: Signals, asOf: Date) {
  const golden = computeGolden(statements);
  const confirmations = fieldConfirmations(statements, golden);
  const stale = staleFields({ values: golden.values, confirmations, statements, asOf, ...signals });
  const placeholder = golden.values[EMAIL_PLACEHOLDER_FIELD];
  const quality = customerQuality({
    values: golden.values, otherValues: otherSourceValues(statements, golden), stale,
    emailPlaceholder: typeof placeholder === 'string' ? placeholder : null,
  });
  return { quality, confirmations };
}

export async function getCustomerQuality(db: Db, customerId: string, now: Date = new Date()): Promise<CustomerQuality> {
  const row = await findCustomerRow(db, customerId);
  if (!row) throw notFound('Customer');
  const [records, cards, failures] = await Promise.all([
    listSourceRecordsOfCustomer(db, customerId), repo.businessCardSourceNames(db), repo.contactFailures(db, [customerId]),
  ]);
  const statements = statementsOf(records);
  const labelOf = new Map(records.map((r) => [r.id, r.source_label]));
  const f = failures.get(customerId);
  const { quality, confirmations } = qualityOf(statements, { businessCardSources: cards, emailBouncedAt: f?.emailBouncedAt ?? null, mailReturnedAt: f?.mailReturnedAt ?? null }, now);
  return {
    ...quality,
    confirmations: Object.fromEntries(Object.entries(confirmations).map(([field, c]) => [field, { ...c, sourceLabel: labelOf.get(c.sourceRecordId) ?? null }])),
    computedAt: now.toISOString(),
  };
}

const PAGE = 1000;

/**
 * Every live customer's quality stored, page by page in id order. Returns the number of customers scored. The
 * heartbeat keeps the lease while the pass runs (a million customers take minutes).
 */
export async function recomputeAllQuality(db: Db, now: Date = new Date()): Promise<number> {
  const cards = await repo.businessCardSourceNames(db);
  let after: string | null = null;
  let done = 0;
  for (;;) {
    const ids: string[] = await repo.liveCustomerIdsAfter(db, after, PAGE);
    if (ids.length === 0) break;
    await storeQualityOf(db, ids, cards, now);
    done += ids.length;
    after = ids[ids.length - 1]!;
    await repo.heartbeatQualityRun(db);
  }
  return done;
}

/** Rewrites the stored quality of some customers (after the pass, or when a caller knows they changed). */
export async function refreshQualityOf(db: Db, ids: readonly string[], now: Date = new Date()): Promise<void> {
  await storeQualityOf(db, [...new Set(ids)], await repo.businessCardSourceNames(db), now);
}

async function storeQualityOf(db: Db, ids: readonly string[], cards: ReadonlySet<string>, now: Date): Promise<void> {
  const [byCustomer, failures] = await Promise.all([statementsByCustomer(db, ids), repo.contactFailures(db, ids)]);
  const out: repo.QualityRowInput[] = [];
  for (const id of ids) {
    const f = failures.get(id);
    const { quality } = qualityOf(byCustomer.get(id) ?? [], { businessCardSources: cards, emailBouncedAt: f?.emailBouncedAt ?? null, mailReturnedAt: f?.mailReturnedAt ?? null }, now);
    out.push({ customerId: id, score: quality.score, ...quality.parts, issues: quality.issues, stale: quality.stale });
  }
  await repo.upsertQuality(db, out);
}

/** The start of the Japan day of `now` (the pass runs once per Japan day). */
function japanDayStart(now: Date): Date {
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()) - 9 * 3_600_000);
}

/**
 * The scheduler's daily pass: runs when it has not finished since the start of today (Japan) and no other process
 * holds its lease. `force`: now, whatever the day (POST /quality/refresh, CLI).
 */
export async function recomputeQualityIfDue(db: Db, opts: { now?: Date; force?: boolean } = {}): Promise<{ customers: number; seconds: number } | null> {
  const now = opts.now ?? new Date();
  const due = opts.force ? new Date(now.getTime() + 1000) : japanDayStart(now);
  if (!(await repo.claimQualityRun(db, due))) return null;
  const started = performance.now();
  try {
    const customers = await recomputeAllQuality(db, now);
    await repo.finishQualityRun(db, customers);
    return { customers, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await repo.releaseQualityRun(db);
    throw error;
  }
}

export const QUALITY_JOB = 'quality.pass';

/**
 * The scheduler's look, once a minute: a `quality.pass` job when today's (Japan) pass has not finished. The job's
 * dedupe key keeps one queued at a time; quality_runs stays the pass's own state (its lease still keeps two passes
 * apart, and the job checks it again when it runs).
 */
export async function enqueueQualityPassIfDue(db: Db, now: Date = new Date()): Promise<boolean> {
  const r = await repo.lastQualityRun(db);
  if (r?.finished_at && r.finished_at.getTime() >= japanDayStart(now).getTime()) return false;
  return (await enqueueJob(db, QUALITY_JOB, { dedupeKey: QUALITY_JOB, maxAttempts: 3 })).created;
}

/** POST /quality/run and the CLI: a pass now, whatever the day (its own key, so a scheduled one queued does not swallow it). */
export async function enqueueQualityPassNow(db: Db): Promise<void> {
  await enqueueJob(db, QUALITY_JOB, { dedupeKey: `${QUALITY_JOB}.now`, payload: { force: true }, maxAttempts: 3 });
}

export async function qualityRun(db: Db) {
  // A pass asked for is running from the moment it is queued: the page polls until the worker has finished it (it
  // stopped at the first poll when the worker had not claimed the job yet, and showed the old list).
  const [r, pending] = await Promise.all([repo.lastQualityRun(db), hasPendingJob(db, QUALITY_JOB)]);
  return {
    running: r?.claimed_at != null || pending, startedAt: r?.started_at?.toISOString() ?? null, finishedAt: r?.finished_at?.toISOString() ?? null, customers: r?.customers ?? 0,
  };
}

export async function staleQueue(db: Db, query: { owner?: string; cursor?: string; limit: number }, userId: string | null): Promise<StaleQueue> {
  const owner = query.owner === 'me' ? (userId ?? 'none') : query.owner;
  let after: { value: string; id: string } | undefined;
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    if (typeof c.v !== 'string' || !/^-?\d+(\.\d+)?$/u.test(c.v)) throw invalidCursor();
    after = { value: c.v, id: cursorUuid(c.id) };
  }
  if (owner !== undefined && owner !== 'none') cursorUuid(owner);
  const [rows, run] = await Promise.all([
    repo.staleQueue(db, { ...(owner !== undefined ? { owner } : {}), ...(after ? { after } : {}), limit: query.limit + 1 }),
    repo.lastQualityRun(db),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      customerId: r.customer_id, name: r.display_name, companyName: r.company_name,
      ownerUserId: r.owner_user_id, score: r.score, value: r.value,
      stale: r.stale.map((s) => ({ ...s, reason: s.reason as StaleQueue['items'][number]['stale'][number]['reason'] })),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ v: last.value, id: last.customer_id }) : null,
    computedAt: run?.finished_at?.toISOString() ?? null,
  };
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

export async function getSourceQuality(db: Db, sourceId: string): Promise<SourceQuality> {
  const source = await getSource(db, sourceId);
  if (!source) throw notFound('Source');
  const [months, held, retention] = await Promise.all([
    repo.sourceImportMonths(db, sourceId),
    repo.sourceCustomerQuality(db, sourceId),
    source.retentionDays === null ? Promise.resolve({ count: 0, oldest: [] }) : repo.recordsPastRetention(db, sourceId, source.retentionDays, 20),
  ]);
  const rows = months.reduce((s, m) => s + m.rows, 0);
  const accepted = rows - months.reduce((s, m) => s + m.rejected, 0);
  return {
    sourceId, records: held.records, customers: held.customers, averageScore: held.averageScore, customersWithStale: held.withStale,
    imports: months,
    rejectedShare: share(months.reduce((s, m) => s + m.rejected, 0), rows),
    invalidShare: share(months.reduce((s, m) => s + m.flagged, 0), accepted),
    duplicateShare: share(months.reduce((s, m) => s + m.merged, 0), accepted),
    freshness: { slaDays: source.freshnessSlaDays, lastReceivedAt: source.lastReceivedAt, met: source.freshnessSlaDays === null ? null : !source.stale },
    retention: {
      days: source.retentionDays, overdue: retention.count,
      oldest: retention.oldest.map((r) => ({ sourceRecordId: Number(r.id), externalId: r.external_id, customerId: r.customer_id, receivedAt: r.received_at.toISOString() })),
    },
  };
}
