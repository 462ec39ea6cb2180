/**
 * 法人の重複確認 (issue 20): a person decides the pairs of companies the matcher left for review (統合する / 別の法人),
 * merges two companies by hand, and undoes a merge. It lives beside the golden records, like `daicho companies
 * dedupe`, because a merge changes people's company link, which only their recompute may write.
 *
 * A merge: the survivor keeps its facts and fills the ones it lacks from the merged company (planCompanyMerge),
 * the merged company's affiliations move to the survivor, the merged company is soft-deleted pointing at it
 * (resolution follows it, so a former name keeps finding the survivor), and everything moved is written to
 * company_merges so that the unmerge can give it back exactly. The customers whose company changes are recomputed.
 */
import type { Actor } from '../../core/context.ts';
import { cursorBigId, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CompanyRow } from '../../db/schema.ts';
import { COMPANY_REASON_LABELS, planCompanyMerge, planCompanyUnmerge, type CompanyFactColumns, type CompanyReason } from '../../domain/companies/index.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as companies from '../companies/companies.repository.ts';
import type {
  CompanyMergeResult, CompanyReview, CompanyReviewDecided, CompanyReviewDecisionInput, CompanyReviewList, CompanyUnmergeResult,
} from '../companies/companies.schemas.ts';
import { toCompany } from '../companies/companies.service.ts';
import { recomputeCustomers } from './golden.service.ts';

const companyNotFound = () => new AppError('not_found', '法人が見つかりません（削除されたか、存在しない ID です）');
const reviewNotFound = () => new AppError('not_found', 'この重複確認の組は見つかりません');

/** Japanese label of a matcher reason (or of a person's own decision). */
function reasonLabel(code: string): string {
  if (code === 'manual') return '担当者が手作業で統合';
  return (COMPANY_REASON_LABELS as Record<string, string>)[code as CompanyReason] ?? code;
}

export async function listCompanyReviews(db: Db, query: { cursor?: string | undefined; limit?: number | undefined }): Promise<CompanyReviewList> {
  const limit = query.limit ?? 20;
  const after = query.cursor ? cursorBigId(decodeCursor(query.cursor).i) : null;
  const rows = await companies.listOpenCompanyReviewPage(db, after, limit + 1);
  const page = rows.slice(0, limit);
  const ids = [...new Set(page.flatMap((r) => [r.company_a_id, r.company_b_id]))];
  const [found, counts, total] = await Promise.all([companies.findCompanyRows(db, ids), companies.countCompanyPeople(db, ids), companies.countOpenCompanyReviews(db)]);
  const byId = new Map(found.map((c) => [c.id, c]));
  const items: CompanyReview[] = [];
  for (const r of page) {
    const a = byId.get(r.company_a_id);
    const b = byId.get(r.company_b_id);
    if (!a || !b) continue;
    const reasons = Array.isArray(r.reasons) ? (r.reasons as unknown[]).map(String) : [];
    items.push({
      id: r.id,
      createdAt: r.created_at.toISOString(),
      reasons: reasons.map((code) => ({ code, label: reasonLabel(code) })),
      a: toCompany({ ...a, people_count: counts.get(a.id) ?? 0 }),
      b: toCompany({ ...b, people_count: counts.get(b.id) ?? 0 }),
    });
  }
  const last = page[page.length - 1];
  return { items, total, hasMore: rows.length > limit, nextCursor: rows.length > limit && last ? encodeCursor({ i: last.id }) : null };
}

/** 統合する (survivor chosen) or 別の法人 for an open pair; a pair already decided is a 409. */
export async function decideCompanyReview(db: Db, id: number, input: CompanyReviewDecisionInput, actor: Actor): Promise<CompanyReviewDecided> {
  return db.transaction().execute(async (trx) => {
    await companies.lockCompanyCreation(trx);
    const review = await companies.findCompanyReview(trx, id);
    if (!review) throw reviewNotFound();
    if (review.status !== 'open') throw new AppError('conflict', `この組はすでに判断済みです（${review.status === 'merged' ? '統合済み' : '別の法人'}） (the pair was already decided: ${review.status})`);
    if (input.decision === 'distinct') {
      await companies.setCompanyReviewStatus(trx, id, 'open', 'distinct');
      await audit(trx, actor, 'company.review.distinct', { type: 'company_review', id: String(id) }, { companies: [review.company_a_id, review.company_b_id] });
      return { id, status: 'distinct' as const, merge: null };
    }
    const pair = [review.company_a_id, review.company_b_id];
    if (!pair.includes(input.survivorId)) {
      throw new AppError('validation_failed', '残す法人はこの組のどちらかを選んでください', [{ field: 'survivorId', message: 'この組の法人ではありません' }]);
    }
    const mergedId = pair.find((p) => p !== input.survivorId)!;
    const merge = await mergeInTransaction(trx, input.survivorId, mergedId, actor, id);
    return { id, status: 'merged' as const, merge };
  });
}

/** 「この法人に統合」: `otherId` is merged into `survivorId` by hand. */
export async function mergeCompanies(db: Db, survivorId: string, otherId: string, actor: Actor): Promise<CompanyMergeResult> {
  if (survivorId === otherId) throw new AppError('validation_failed', '同じ法人どうしは統合できません', [{ field: 'otherId', message: '別の法人を選んでください' }]);
  return db.transaction().execute(async (trx) => {
    await companies.lockCompanyCreation(trx);
    return mergeInTransaction(trx, survivorId, otherId, actor, null);
  });
}

function factColumns(row: CompanyRow): CompanyFactColumns {
  return { ...row, field_sources: row.field_sources ?? {}, custom_fields: (row.custom_fields ?? {}) as Record<string, unknown> };
}

async function liveOrConflict(trx: Db, id: string): Promise<CompanyRow> {
  const row = await companies.findCompanyRowOrMerged(trx, id);
  if (!row) throw companyNotFound();
  if (row.merged_into_id !== null) throw new AppError('conflict', `「${row.name}」はすでに別の法人に統合されています (the company was already merged into another)`);
  return row;
}

async function mergeInTransaction(trx: Db, survivorId: string, mergedId: string, actor: Actor, reviewId: number | null): Promise<CompanyMergeResult> {
  const survivor = await liveOrConflict(trx, survivorId);
  const merged = await liveOrConflict(trx, mergedId);
  if (survivor.corporate_number !== null && merged.corporate_number !== null && survivor.corporate_number !== merged.corporate_number) {
    throw new AppError('conflict', `法人番号が異なるため統合できません（${survivor.corporate_number} と ${merged.corporate_number}） (the corporate numbers differ)`);
  }
  // The customers whose golden company changes: the merged company's, read before its affiliations move.
  const customers = await companies.listCustomerIdsOfCompanies(trx, [mergedId]);
  const plan = planCompanyMerge(factColumns(survivor), factColumns(merged), new Date().toISOString());
  // The 法人番号 is unique across every row: taken from the merged company before the survivor holds it.
  const movedNumber = plan.set.corporate_number !== undefined && merged.corporate_number !== null ? merged.corporate_number : null;
  if (movedNumber !== null) await companies.updateCompanyAny(trx, mergedId, { corporate_number: null });
  const moves = await companies.mergeCompanyInto(trx, survivorId, mergedId);
  const { field_sources: sources, custom_fields: custom, ...columns } = plan.set;
  const after: Record<string, unknown> = { ...plan.set };
  const updated = Object.keys(plan.set).length === 0 ? survivor : await companies.updateCompanyAny(trx, survivorId, {
    ...(columns as Record<string, never>),
    ...(sources !== undefined ? { field_sources: JSON.stringify(sources) } : {}),
    ...(custom !== undefined ? { custom_fields: JSON.stringify(custom) } : {}),
  });
  const review = reviewId !== null ? { id: reviewId } : await companies.findCompanyReviewBetween(trx, survivorId, mergedId);
  let pairId: number;
  if (review !== undefined && review !== null) {
    pairId = review.id;
    await companies.setCompanyReviewStatus(trx, pairId, 'open', 'merged');
    await companies.setCompanyReviewStatus(trx, pairId, 'distinct', 'merged');
  } else {
    pairId = await companies.insertDecidedCompanyReview(trx, survivorId, mergedId, 'merged');
  }
  await companies.insertCompanyMerge(trx, {
    survivor_id: survivorId, merged_id: mergedId, review_id: pairId, moves,
    survivor_before: plan.before, survivor_after: after, merged_corporate_number: movedNumber,
  });
  await audit(trx, actor, 'company.merge', { type: 'company', id: survivorId }, {
    survivor: { id: survivorId, name: survivor.name }, merged: [{ id: mergedId, name: merged.name }], review: reviewId,
    filled: plan.filled, kept: plan.kept, moved: moves.moved, folded: moves.folded.map((f) => f.customer_id),
  });
  await recomputeCustomers(trx, customers);
  const counts = await companies.countCompanyPeople(trx, [survivorId]);
  return { survivor: toCompany({ ...(updated ?? survivor), people_count: counts.get(survivorId) ?? 0 }), mergedId, customers: customers.length };
}

/**
 * 「統合を取り消す」: the merged company is live again, the affiliations that moved go back to it, the folded ones
 * return, companies merged into it earlier point at it again, and the survivor's facts filled from it are cleared
 * where unchanged since. A merge whose survivor was itself merged later is undone after that one (409 until then).
 * A merge recorded before company_merges existed is undone by the people's own statements: every customer of the
 * survivor is recomputed, and those naming the restored company are resolved to it.
 */
export async function unmergeCompany(db: Db, mergedId: string, actor: Actor): Promise<CompanyUnmergeResult> {
  return db.transaction().execute(async (trx) => {
    await companies.lockCompanyCreation(trx);
    const merged = await companies.findCompanyRowOrMerged(trx, mergedId);
    if (!merged) throw companyNotFound();
    if (merged.merged_into_id === null) throw new AppError('conflict', `「${merged.name}」は統合されていません (the company is not merged)`);
    const survivorId = merged.merged_into_id;
    const record = await companies.findOpenCompanyMerge(trx, mergedId);
    if (record !== undefined && record.survivor_id !== survivorId) {
      throw new AppError('conflict', '統合先の法人がその後さらに別の法人に統合されています。先にそちらの統合を取り消してください (the surviving company was merged into another since: undo that merge first)');
    }
    const survivor = await companies.findCompanyRowOrMerged(trx, survivorId);
    const customers = new Set(await companies.listCustomerIdsOfCompanies(trx, [survivorId]));
    if (record !== undefined && survivor) {
      const revert = planCompanyUnmerge(factColumns(survivor), record.survivor_before, record.survivor_after);
      if (Object.keys(revert).length > 0) {
        const { field_sources: sources, custom_fields: custom, ...columns } = revert;
        await companies.updateCompanyAny(trx, survivorId, {
          ...(columns as Record<string, never>),
          ...(sources !== undefined ? { field_sources: JSON.stringify(sources) } : {}),
          ...(custom !== undefined ? { custom_fields: JSON.stringify(custom) } : {}),
        });
      }
    }
    // The 法人番号 goes back when the survivor no longer holds it (cleared above, or never taken).
    const number = record?.merged_corporate_number ?? null;
    const numberFree = number !== null && (await companies.findCompanyRowOrMerged(trx, survivorId))?.corporate_number !== number;
    await companies.restoreMergedCompany(trx, mergedId, numberFree ? number : null);
    if (record !== undefined) {
      const moves = { moved: record.moved, folded: record.folded, repointed: record.repointed };
      await companies.moveAffiliationsBack(trx, survivorId, mergedId, moves);
      for (const c of [...moves.moved, ...moves.folded.map((f) => f.customer_id)]) customers.add(c);
      await companies.markCompanyMergeUndone(trx, record.id);
      if (record.review_id !== null) await companies.setCompanyReviewStatus(trx, record.review_id, 'merged', 'distinct');
    } else {
      const pair = await companies.findCompanyReviewBetween(trx, survivorId, mergedId);
      if (pair) await companies.setCompanyReviewStatus(trx, pair.id, 'merged', 'distinct');
    }
    await audit(trx, actor, 'company.unmerge', { type: 'company', id: mergedId }, {
      company: { id: mergedId, name: merged.name }, survivor: { id: survivorId, name: survivor?.name ?? null }, recorded: record !== undefined,
      moved: record?.moved ?? [], folded: (record?.folded ?? []).map((f) => f.customer_id),
    });
    await recomputeCustomers(trx, customers);
    const row = await companies.findCompanyRow(trx, mergedId);
    const counts = await companies.countCompanyPeople(trx, [mergedId]);
    return { company: toCompany({ ...row!, people_count: counts.get(mergedId) ?? 0 }), formerSurvivorId: survivorId, customers: customers.size };
  });
}
