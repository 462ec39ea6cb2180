import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { loadSubject } from './erasure.service.ts';
import type { PrivacyParts } from './parts.ts';
import * as repo from './privacy.repository.ts';
import * as retention from './retention.repository.ts';

/**
 * 保存期間切れの削除: a source's records received longer ago than its retention period (sources.retention_days) are
 * deleted for real, and only they. What a deleted record means for its customer:
 * - a customer who keeps a record the rule does not cover (another source's, or a newer one of this source) stays;
 *   what the old records brought goes with them (parts.recordErasers) and the golden record is recomputed from the
 *   records left (parts.recordsRemoved);
 * - a customer whose every record is past retention has nothing left to stand on and is removed like an erasure
 *   (parts.erasers, the same owners in the same order), without a tombstone: nobody asked to be forgotten, so a later
 *   record of the same person is a new customer, not a flag.
 * The dry run and the delete classify with the same code, against a cutoff fixed when each starts. docs/PRIVACY.md.
 */

const DAY_MS = 86_400_000;
/** Customers erased per chunk, records deleted per chunk (bounded IN lists inside the one transaction). */
const CUSTOMER_CHUNK = 1000;
const RECORD_CHUNK = 5000;

export interface RetentionPlan {
  sourceId: string; sourceName: string; sourceLabel: string; days: number; cutoff: string;
  /** Source records past retention, all deleted. */
  records: number;
  /** Customers with every record past retention: removed like an erasure. */
  customersRemoved: number;
  /** Customers keeping other records: their golden record is recomputed from those. */
  customersRecomputed: number;
  /** Records past retention linked to no customer (pending review). */
  unlinkedRecords: number;
}

interface Classified { plan: RetentionPlan; removed: string[]; recomputed: string[]; keptRecordIds: number[]; allRecordIds: Set<number> }

async function classify(db: Db, sourceId: string, now: Date): Promise<Classified> {
  const source = await retention.findSourceForRetention(db, sourceId);
  if (!source) throw notFound('Source');
  if (source.retention_days === null) {
    throw new AppError('conflict', 'このデータソースには保存期間が設定されていません (the source has no retention period)');
  }
  const cutoff = new Date(now.getTime() - source.retention_days * DAY_MS);
  const records = await retention.recordsReceivedBefore(db, sourceId, cutoff);
  const customers = [...new Set(records.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
  const keeping = await retention.customersKeepingOtherRecords(db, customers, sourceId, cutoff);
  const removed = customers.filter((c) => !keeping.has(c));
  const recomputed = customers.filter((c) => keeping.has(c));
  const removedSet = new Set(removed);
  const keptRecordIds = records.filter((r) => !r.customer_id || !removedSet.has(r.customer_id)).map((r) => Number(r.id));
  return {
    plan: {
      sourceId, sourceName: source.name, sourceLabel: source.label, days: source.retention_days, cutoff: cutoff.toISOString(),
      records: records.length, customersRemoved: removed.length, customersRecomputed: recomputed.length,
      unlinkedRecords: records.filter((r) => !r.customer_id).length,
    },
    removed, recomputed, keptRecordIds, allRecordIds: new Set(records.map((r) => Number(r.id))),
  };
}

/** The dry run: what a delete started now would remove. */
export async function planRetentionDelete(db: Db, sourceId: string, now: Date = new Date()): Promise<RetentionPlan> {
  return (await classify(db, sourceId, now)).plan;
}

/**
 * The delete, in one transaction, after the source's name was typed to confirm. Audited (source.retention_delete)
 * with the counts only. Returns the plan it carried out and the rows deleted per table.
 */
export async function deletePastRetention(
  db: Db, sourceId: string, confirm: string, actor: Actor, parts: PrivacyParts, now: Date = new Date(),
): Promise<RetentionPlan & { deleted: Record<string, number> }> {
  return db.transaction().execute(async (trx) => {
    const { plan, removed, recomputed, keptRecordIds, allRecordIds } = await classify(trx, sourceId, now);
    if (confirm.trim() !== plan.sourceName) {
      throw new AppError('validation_failed', `確認のためデータソース名「${plan.sourceName}」を入力してください (type the source name to confirm)`, [
        { field: 'confirm', message: `「${plan.sourceName}」と入力してください` },
      ]);
    }
    const deleted: Record<string, number> = {};
    const add = (table: string, n: number) => { deleted[table] = (deleted[table] ?? 0) + n; };

    // Customers with nothing left: erased like a request would, chunk by chunk.
    for (let i = 0; i < removed.length; i += CUSTOMER_CHUNK) {
      const { subject } = await loadSubject(trx, removed.slice(i, i + CUSTOMER_CHUNK));
      // A customer merged into one of them could hold a record the rule does not cover: then nothing is deleted.
      if (subject.recordIds.some((id) => !allRecordIds.has(id))) {
        throw new AppError('conflict', '保存期間内の記録を持つ統合済みの顧客が含まれるため削除を中止しました (a merged customer holds a record within the retention period; nothing was deleted)');
      }
      add('tombstone_matches', await repo.eraseTombstoneMatchesOf(trx, subject.recordIds));
      for (const eraser of parts.erasers) if (!eraser.requestOnly) add(eraser.table, await eraser.erase(trx, subject));
    }
    // Records of customers who stay (and records linked to nobody): what they brought goes, the customers stay.
    for (let i = 0; i < keptRecordIds.length; i += RECORD_CHUNK) {
      const recordIds = keptRecordIds.slice(i, i + RECORD_CHUNK);
      const subject = { customerIds: [], recordIds, addresses: [], values: [] };
      add('tombstone_matches', await repo.eraseTombstoneMatchesOf(trx, recordIds));
      for (const eraser of parts.recordErasers) add(eraser.table, await eraser.erase(trx, subject));
    }
    await parts.recordsRemoved(trx, recomputed);

    await audit(trx, actor, 'source.retention_delete', { type: 'source', id: sourceId }, {
      days: plan.days, cutoff: plan.cutoff, records: plan.records, customersRemoved: plan.customersRemoved,
      customersRecomputed: plan.customersRecomputed, unlinkedRecords: plan.unlinkedRecords,
    });
    return { ...plan, deleted };
  });
}
