import { refreshValuesOf } from '../../ledger/values/values.service.ts';
import type { Actor, AuthContext } from '../../core/context.ts';
import { invalidCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskExternalId, maskStatement, maskText } from '../../domain/customers/masking.ts';
import { isNameOnly, learnedVerdict } from '../../domain/match/index.ts';
import { insertActivity, moveActivities } from '../../ledger/activities/activities.repository.ts';
import { reconcileAffiliationChanges } from '../../ledger/customers/affiliation-history.service.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { findCustomerRow, insertEmptyCustomer } from '../../ledger/customers/customers.repository.ts';
import { customerSplit } from '../../ledger/customers/merge-listeners.ts';
import { recomputeCustomer } from '../../ledger/customers/golden.service.ts';
import { absorbCustomer } from '../customer-merge.service.ts';
import * as resolution from '../resolution.repository.ts';
import { refreshPriorities } from '../review-learning.ts';
import * as repo from './identity.repository.ts';
import type { CustomerIdentity, MatchEvidence, MergeResult, PatternDecision, ReviewDecision, ReviewItem, ReviewPage, ReviewRecord, UnmergeResult } from './identity.schemas.ts';

/**
 * Identity resolution by people: the review queue the import leaves (pairs it would not merge on its own), manual
 * merge, unmerge, and the decisions that explain why a customer is one person. A merge moves source records (and
 * the customer's activities) and recomputes the golden record; nothing a source sent is changed.
 */

export type Decision = 'accept' | 'reject' | 'never';

/** Evidence fields whose detail shows personal values (masked for roles without customers:read_personal). */
const PERSONAL_EVIDENCE = new Set(['birth', 'email', 'phone', 'address']);

// ── review queue ──

export async function listReviewQueue(
  db: Db,
  query: { status?: repo.ReviewStatus | undefined; cursor?: string | undefined; limit?: number | undefined },
  auth: AuthContext | null,
): Promise<ReviewPage> {
  const limit = query.limit ?? 50;
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await repo.listReviewItems(db, query.status ?? 'open', after, limit + 1);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const records = await repo.findSourceRecords(db, page.flatMap((r) => [r.record_a_id, r.record_b_id]));
  const byId = new Map(records.map((r) => [r.id, r]));
  const personal = canSeePersonal(auth);
  const tallies = await talliesOf(db, page.map((r) => r.pattern));
  const items = page.map((r) => toReviewItem(r, byId, personal, tallies));
  const last = page[page.length - 1];
  return { items, nextCursor: hasMore && last ? `${last.priority}:${last.score}:${last.id}` : null, hasMore };
}

export async function getReviewItem(db: Db, id: number, auth: AuthContext | null): Promise<ReviewItem> {
  const row = await repo.findReviewItem(db, id);
  if (!row) throw notFound('Review item');
  const records = await repo.findSourceRecords(db, [row.record_a_id, row.record_b_id]);
  return toReviewItem(row, new Map(records.map((r) => [r.id, r])), canSeePersonal(auth), await talliesOf(db, [row.pattern]));
}

type Tally = resolution.PatternCounts & { priority: number };

/** Each pattern's tally counted now (for what the page shows) and its stored priority (the queue's order). */
async function talliesOf(db: Db, patterns: ReadonlyArray<string | null>): Promise<Map<string, Tally>> {
  const list = [...new Set(patterns.filter((p): p is string => p !== null))];
  const counts = await resolution.patternCounts(db, list);
  const priorities = await repo.patternPriorities(db, list);
  return new Map(counts.map((c) => [c.pattern, { ...c, priority: priorities.get(c.pattern) ?? 0 }]));
}

/**
 * A person's verdict on a review item. accept merges the two records' customers (the smaller, then newer, one into
 * the other); reject closes the item; never closes it and records that the pair must not be merged again.
 * Each is stored in match_decisions with the evidence and the deciding user, and audited.
 */
export async function decideReviewItem(db: Db, id: number, decision: Decision, actor: Actor): Promise<ReviewDecision> {
  const customerId = await decideItem(db, id, decision, actor, true);
  return { item: await getReviewItem(db, id, actor.auth), customerId };
}

/**
 * Decides every open pair of the item's pattern (as far as 500) the same way, each as its own decision (merged,
 * audited, reversible by unmerge). Pairs decided so are not labels: only one-by-one decisions teach the pattern, so a
 * bulk decision cannot confirm itself. A pair that can no longer be decided (a customer deleted, a merge refused
 * because the two customers must never be merged) is left open and counted as skipped.
 */
export async function decidePattern(db: Db, id: number, decision: 'accept' | 'reject', actor: Actor): Promise<PatternDecision> {
  const row = await repo.findReviewItem(db, id);
  if (!row) throw notFound('Review item');
  if (row.pattern === null) throw new AppError('conflict', 'この組のパターンはまだ計算されていません（次の名寄せで計算されます） / This review item has no pattern yet (the resolver computes it on its next run)');
  let decided = 0;
  let skipped = 0;
  for (const item of await repo.listOpenItemsOfPattern(db, row.pattern, 500)) {
    try {
      await decideItem(db, Number(item.id), decision, actor, false);
      decided++;
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'conflict' && error.code !== 'not_found')) throw error;
      skipped++;
    }
  }
  return { decided, skipped };
}

async function decideItem(db: Db, id: number, decision: Decision, actor: Actor, teaches: boolean): Promise<string | null> {
  const userId = actor.auth?.userId ?? null;
  return db.transaction().execute(async (trx) => {
    const item = await repo.findReviewItem(trx, id, { forUpdate: true });
    if (!item) throw notFound('Review item');
    if (item.status !== 'open') throw new AppError('conflict', `The review item was already decided (${item.status})`);
    const [a, b] = await pair(trx, item.record_a_id, item.record_b_id);
    const evidence = { reviewItemId: id, records: [a.id, b.id], probability: item.probability, rules: item.rules, fields: item.evidence };
    const rule = `review_item:${id}`;
    let kept: string | null = null;
    if (decision === 'accept') {
      if (!a.customer_id || !b.customer_id) throw new AppError('conflict', 'A record of this pair is not linked to a customer yet');
      if (a.customer_id === b.customer_id) {
        // Already one customer (merged since the item was raised): the verdict is still recorded.
        kept = a.customer_id;
        await resolution.insertDecisions(trx, [a, b].map((r) => ({
          kind: 'accept', recordId: r.id, customerId: kept, otherCustomerId: kept, score: item.score, rule, evidence, userId,
        })));
      } else {
        const counts = await repo.countRecordsOfCustomers(trx, [a.customer_id, b.customer_id]);
        const live = await repo.lockCustomers(trx, [a.customer_id, b.customer_id]);
        if (live.length !== 2) throw new AppError('conflict', 'A customer of this pair was deleted');
        // The customer with more records survives; on a tie, the older one.
        const [target, other] = [...live].sort((x, y) =>
          (counts.get(y.id) ?? 0) - (counts.get(x.id) ?? 0) || x.created_at.getTime() - y.created_at.getTime() || (x.id < y.id ? -1 : 1));
        await refuseNeverPairs(trx, [target!.id, other!.id]);
        await absorbCustomer(trx, target!.id, other!.id, { kind: 'accept', score: item.score, rule, evidence, actor });
        kept = target!.id;
      }
    } else {
      await resolution.insertDecisions(trx, [a, b].map((r, i) => ({
        kind: decision, recordId: r.id, customerId: r.customer_id, otherCustomerId: (i === 0 ? b : a).customer_id,
        score: item.score, rule, evidence, userId,
      })));
    }
    await resolution.setReviewStatus(trx, id, decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : 'never', userId, teaches);
    if (decision !== 'accept' && a.customer_id && b.customer_id && a.customer_id !== b.customer_id) {
      await resolution.setReviewStatusOfCustomerPair(trx, id, [a.customer_id, b.customer_id], decision === 'reject' ? 'rejected' : 'never', userId);
    }
    // The tally of the pattern changed (a label, or one open item fewer): its open items' priority with it.
    if (item.pattern !== null) await refreshPriorities(trx, [item.pattern]);
    await audit(trx, actor, `identity.review.${decision}`, { type: 'review_item', id: String(id) }, {
      records: [a.id, b.id], customers: [a.customer_id, b.customer_id], score: item.score, ...(kept ? { mergedInto: kept } : {}),
      ...(teaches ? {} : { byPattern: true }),
    });
    return kept;
  });
}

async function pair(db: Db, aId: number, bId: number) {
  const records = await repo.findSourceRecords(db, [aId, bId]);
  const a = records.find((r) => r.id === aId);
  const b = records.find((r) => r.id === bId);
  if (!a || !b) throw notFound('Source record');
  return [a, b] as const;
}

// ── manual merge ──

/** Merges the customers into the first one (same mechanics as accepting a review item). */
export async function mergeCustomers(db: Db, customerIds: string[], actor: Actor): Promise<MergeResult> {
  const ids = [...new Set(customerIds)];
  if (ids.length < 2) throw new AppError('validation_failed', 'Name at least two different customers', [{ field: 'customerIds', message: '2人以上の顧客を指定してください (at least two customers)' }]);
  const [target, ...others] = ids as [string, ...string[]];
  await db.transaction().execute(async (trx) => {
    const live = await repo.lockCustomers(trx, ids);
    const missing = ids.filter((id) => !live.some((c) => c.id === id));
    if (missing.length) throw notFound(`Customer ${missing.join(', ')}`);
    await refuseNeverPairs(trx, ids);
    for (const other of others) {
      await absorbCustomer(trx, target, other, { kind: 'manual_merge', score: null, rule: 'manual', evidence: { customers: ids }, actor, recompute: false });
    }
    await recomputeCustomer(trx, target);
    await audit(trx, actor, 'identity.merge', { type: 'customer', id: target }, { merged: others });
  });
  return { customerId: target, merged: others };
}

/** A merge that would join a pair someone marked 「今後も統合しない」 is refused (409). */
async function refuseNeverPairs(db: Db, customerIds: string[]): Promise<void> {
  const records = await repo.listRecordIdsOfCustomers(db, customerIds);
  const customerOf = new Map(records.map((r) => [r.id, r.customer_id]));
  const blocked = (await repo.listNeverPairs(db, records.map((r) => r.id))).filter((p) => customerOf.get(p.record_a_id) !== customerOf.get(p.record_b_id));
  if (blocked.length) {
    throw new AppError('conflict', `These customers hold a pair marked never to be merged (review item ${blocked.map((b) => b.id).join(', ')})`);
  }
}

// ── unmerge ──

/**
 * Splits the given source records out of a customer into one new customer; activities that came from those
 * records go with them. Both golden records are recomputed from their records alone, so each equals what a fresh
 * computation over the same records gives.
 */
export async function unmergeCustomer(db: Db, customerId: string, recordIds: number[], actor: Actor): Promise<UnmergeResult> {
  const ids = [...new Set(recordIds)];
  if (ids.length === 0) throw new AppError('validation_failed', 'Name the source records to split out', [{ field: 'sourceRecordIds', message: '分割するソースレコードを指定してください' }]);
  const userId = actor.auth?.userId ?? null;
  const newCustomerId = await db.transaction().execute(async (trx) => {
    const live = await repo.lockCustomers(trx, [customerId]);
    if (live.length === 0) throw notFound('Customer');
    const records = await repo.listRecordsOfCustomer(trx, customerId);
    const foreign = ids.filter((id) => !records.some((r) => r.id === id));
    if (foreign.length) {
      throw new AppError('validation_failed', 'Some source records do not belong to this customer',
        [{ field: 'sourceRecordIds', message: `この顧客のソースレコードではありません: ${foreign.join(', ')}` }]);
    }
    if (records.length === ids.length) {
      throw new AppError('validation_failed', 'At least one source record must stay with the customer',
        [{ field: 'sourceRecordIds', message: '元の顧客に1件以上のソースレコードを残してください (at least one must remain)' }]);
    }
    const created = await insertEmptyCustomer(trx);
    await resolution.moveRecords(trx, ids, customerId, created);
    await moveActivities(trx, customerId, created, ids);
    // The customers merged in earlier, by the records each brought: one whose every record leaves gets its own state
    // back on the new customer (consents, 利用停止); one with some records leaving is touched (a stop follows them).
    const brought = await repo.recordsMergedFrom(trx, customerId, await repo.customersMergedInto(trx, customerId));
    const still = new Set(records.map((r) => r.id));
    const leaving = new Set(ids);
    const returned: string[] = [];
    const touched: string[] = [];
    const fromMerges = new Set<number>();
    for (const [other, recordIdsOf] of brought) {
      const theirs = recordIdsOf.filter((id) => still.has(id));
      theirs.forEach((id) => fromMerges.add(id));
      if (theirs.some((id) => leaving.has(id))) touched.push(other);
      if (theirs.length > 0 && theirs.every((id) => leaving.has(id))) returned.push(other);
    }
    await customerSplit(trx, {
      fromCustomerId: customerId, newCustomerId: created, recordIds: ids, returned, touched,
      ownRecordsLeft: ids.some((id) => !fromMerges.has(id)), actorUserId: userId,
    });
    await resolution.insertDecisions(trx, ids.map((recordId) => ({
      kind: 'unmerge', recordId, customerId: created, otherCustomerId: customerId, score: null, rule: 'manual', evidence: { from: customerId, records: ids }, userId,
    })));
    await recomputeCustomer(trx, customerId);
    await recomputeCustomer(trx, created);
    // A 人事異動 entry went with its record: each side's entries must name companies its own records still hold.
    await reconcileAffiliationChanges(trx, [customerId, created]);
    await refreshValuesOf(trx, [customerId, created]);
    const newName = (await findCustomerRow(trx, created))?.display_name ?? '';
    // Both timelines say what happened, each with the other customer.
    const now = new Date();
    await insertActivity(trx, {
      customerId, type: 'unmerge', occurredAt: now, actorUserId: userId, title: `${ids.length} 件のレコードを新しい顧客に分割`,
      properties: { newCustomerId: created, newName, records: ids.length },
    });
    await insertActivity(trx, {
      customerId: created, type: 'unmerge', occurredAt: now, actorUserId: userId, title: `${live[0]!.display_name || '顧客'} から分割`,
      properties: { fromCustomerId: customerId, fromName: live[0]!.display_name, records: ids.length },
    });
    await audit(trx, actor, 'identity.unmerge', { type: 'customer', id: customerId }, { newCustomerId: created, records: ids });
    return created;
  });
  return { customerId, newCustomerId };
}

// ── explanation ──

/** The customer's source records, each with the decisions that linked (or split) it, newest first. */
export async function customerIdentity(db: Db, customerId: string, auth: AuthContext | null): Promise<CustomerIdentity> {
  if (!(await findCustomerRow(db, customerId))) throw notFound('Customer');
  const records = await repo.listRecordsOfCustomer(db, customerId);
  const decisions = await repo.listDecisionsOfRecords(db, records.map((r) => r.id));
  const personal = canSeePersonal(auth);
  return {
    customerId,
    records: records.map((r) => ({
      id: r.id,
      source: r.source,
      sourceLabel: r.source_label,
      externalId: personal ? r.external_id : maskExternalId(r.external_id, r.normalized),
      receivedAt: r.received_at.toISOString(),
      fields: personal ? r.normalized : maskStatement(r.normalized),
      decisions: decisions.filter((d) => d.source_record_id === r.id).map((d) => ({
        id: d.id,
        kind: d.kind,
        rule: d.rule,
        score: d.score,
        evidence: personal ? d.evidence : maskEvidence(d.evidence),
        customerId: d.customer_id,
        otherCustomerId: d.other_customer_id,
        importRunId: d.import_run_id,
        decidedBy: d.decided_by,
        decidedAt: d.created_at.toISOString(),
      })),
    })),
  };
}

// ── helpers ──

function canSeePersonal(auth: AuthContext | null): boolean {
  return auth !== null && can(auth.role, 'customers:read_personal');
}

type SourceRow = Awaited<ReturnType<typeof repo.findSourceRecords>>[number];

function toReviewItem(
  row: NonNullable<Awaited<ReturnType<typeof repo.findReviewItem>>>,
  records: Map<number, SourceRow>,
  personal: boolean,
  tallies: ReadonlyMap<string, Tally>,
): ReviewItem {
  const side = (id: number): ReviewRecord => {
    const r = records.get(id);
    if (!r) return { recordId: id, source: '', sourceLabel: '', externalId: '', customerId: null, customerName: null, fields: {} };
    return {
      recordId: r.id,
      source: r.source,
      sourceLabel: r.source_label,
      externalId: personal ? r.external_id : maskExternalId(r.external_id, r.normalized),
      customerId: r.customer_id,
      customerName: r.customer_display_name,
      fields: personal ? r.normalized : maskStatement(r.normalized),
    };
  };
  // Levels are not personal data: masking changes details only, so the masked evidence tells name-only pairs apart too.
  const evidence = toEvidence(row.evidence, personal);
  return {
    id: row.id,
    status: row.status,
    score: row.score,
    probability: row.probability,
    rules: Array.isArray(row.rules) ? (row.rules as unknown[]).map(String) : [],
    evidence,
    nameOnly: isNameOnly({ fields: evidence }),
    a: side(row.record_a_id),
    b: side(row.record_b_id),
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    learning: learningOf(row.pattern, tallies),
  };
}

function learningOf(pattern: string | null, tallies: ReadonlyMap<string, Tally>): ReviewItem['learning'] {
  if (pattern === null) return null;
  const t = tallies.get(pattern) ?? { accepted: 0, rejected: 0, open: 0, priority: 0 };
  return { accepted: t.accepted, rejected: t.rejected, open: t.open, verdict: learnedVerdict(t), priority: t.priority };
}

function toEvidence(value: unknown, personal: boolean): MatchEvidence[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null).map((e) => {
    const field = String(e.field ?? '');
    const detail = typeof e.detail === 'string' && e.detail !== '' ? e.detail : null;
    return {
      field,
      level: String(e.level ?? 'missing'),
      weight: typeof e.weight === 'number' ? e.weight : 0,
      detail: !personal && PERSONAL_EVIDENCE.has(field) ? maskText(detail) : detail,
    };
  });
}

/** Decision evidence may carry the pair's field details: masked like the review queue for viewers. */
function maskEvidence(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  return 'fields' in v ? { ...v, fields: toEvidence(v.fields, false) } : v;
}

function decodeCursor(cursor: string): { priority: number; score: number; id: number } {
  const m = /^(-?[0-9.eE+-]+):(-?[0-9.eE+-]+|-?Infinity):([0-9]+)$/.exec(cursor);
  const priority = m ? Number(m[1]) : NaN;
  const score = m ? Number(m[2]) : NaN;
  const id = m ? Number(m[3]) : NaN;
  if (!m || Number.isNaN(priority) || Number.isNaN(score) || !Number.isSafeInteger(id)) {
    throw invalidCursor();
  }
  return { priority, score, id };
}
