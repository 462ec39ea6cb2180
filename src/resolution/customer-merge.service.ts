import type { Actor } from '../core/context.ts';
import type { Db } from '../db/database.ts';
import { insertActivity, moveActivities } from '../ledger/activities/activities.repository.ts';
import { findCustomerRow, softDeleteCustomer } from '../ledger/customers/customers.repository.ts';
import { recomputeCustomer } from '../ledger/customers/golden.service.ts';
import { customersMerged } from '../ledger/customers/merge-listeners.ts';
import { refreshValuesOf } from '../ledger/values/values.service.ts';
import { audit } from '../platform/audit/audit.service.ts';
import * as resolution from './resolution.repository.ts';

/** How a merge came about: the decisions of the moved records and the survivor's timeline say so. */
export interface MergeHow {
  kind: 'accept' | 'manual_merge' | 'auto_merge';
  score: number | null;
  rule: string;
  evidence: unknown;
  actor: Actor;
  /** The import run whose records tied the two customers (an automatic merge). */
  runId?: string | null;
  /** false: the caller recomputes the survivor's golden record (several merges, or the resolver's own recompute). */
  recompute?: boolean;
  /** false: the caller refreshes the purchase values of both customers (the resolver, once per chunk). */
  refreshValues?: boolean;
}

const MERGE_DECISION = { accept: 'review', manual_merge: 'manual', auto_merge: 'auto' } as const;

/**
 * Moves every source record and activity of `otherId` into `targetId`, tells the merge listeners (consents: the
 * most restrictive state wins; 利用停止; trigger firings and tasks — src/ledger/customers/merge-listeners.ts), records
 * one decision per moved record, soft-deletes the emptied customer with a note in the audit log, writes the merge on
 * both timelines (the merged-away customer's says where it went) and recomputes the golden record. Every merge of two
 * customers goes through here: a review decision, a manual merge, and an import whose new records tie two existing
 * customers by strong evidence (src/resolution/resolver.ts), inside the caller's transaction.
 */
export async function absorbCustomer(db: Db, targetId: string, otherId: string, how: MergeHow): Promise<void> {
  const userId = how.actor.auth?.userId ?? null;
  const other = await findCustomerRow(db, otherId);
  // Before the records move: each listener reads each customer's own current state (most restrictive wins).
  await customersMerged(db, { survivorId: targetId, mergedId: otherId, actorUserId: userId });
  const moved = await resolution.moveAllRecords(db, otherId, targetId);
  await moveActivities(db, otherId, targetId);
  await resolution.insertDecisions(db, moved.map((recordId) => ({
    kind: how.kind, recordId, customerId: targetId, otherCustomerId: otherId, score: how.score, rule: how.rule, evidence: how.evidence, userId,
    runId: how.runId ?? null,
  })));
  await softDeleteCustomer(db, otherId, userId);
  // On the timeline of the customer that stays (the other one's activities are on it now too), and on the merged-away
  // one's, which keeps only this entry: where it went.
  const otherName = other?.display_name || '顧客';
  const decision = MERGE_DECISION[how.kind];
  const now = new Date();
  await insertActivity(db, {
    customerId: targetId, type: 'merge', occurredAt: now, actorUserId: userId,
    title: how.kind === 'auto_merge' ? `${otherName} を統合（取り込みで自動）` : `${otherName} を統合`,
    properties: { mergedCustomerId: otherId, mergedName: otherName, records: moved.length, decision, ...(how.runId ? { importRunId: how.runId } : {}) },
  });
  if (how.kind === 'auto_merge') {
    const target = await findCustomerRow(db, targetId);
    await insertActivity(db, {
      customerId: otherId, type: 'merge', occurredAt: now, actorUserId: userId,
      title: `${target?.display_name || '顧客'} に統合（取り込みで自動）`,
      properties: { mergedIntoCustomerId: targetId, records: moved.length, decision, ...(how.runId ? { importRunId: how.runId } : {}) },
    });
  }
  await audit(db, how.actor, 'customer.delete', { type: 'customer', id: otherId }, {
    note: `名寄せにより ${targetId} に統合 (merged into ${targetId})`, mergedInto: targetId, records: moved,
  });
  if (how.recompute !== false) await recomputeCustomer(db, targetId);
  // The survivor's purchase values now hold both customers' orders.
  if (how.refreshValues !== false) await refreshValuesOf(db, [targetId, otherId]);
}
