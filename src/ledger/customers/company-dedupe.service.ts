/**
 * `daicho companies dedupe`: the one-time (and re-runnable) clean-up of companies registered before they were
 * resolved (issue 20): 「さくら情報システム(株)」 and 「さくら情報システム株式会社」 become one company, a company named
 * 「なし」 stops being one. It lives beside the golden records because a merge changes people's company link, which
 * only their recompute may write.
 *
 * Reversible: a merged company is soft-deleted with merged_into_id → its survivor, and the audit log's
 * 'company.merge' entry lists the customers whose affiliation moved. Idempotent: a second run finds nothing to merge.
 */
import type { Actor } from '../../core/context.ts';
import type { Db } from '../../db/database.ts';
import { groupCompanies, prepareCompany } from '../../domain/companies/index.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as companies from '../companies/companies.repository.ts';
import { recomputeCustomers } from './golden.service.ts';

export interface CompanyDedupeSummary {
  /** Live companies before the run. */
  companies: number;
  /** Groups of two or more companies merged, and the companies merged away. */
  groups: number;
  merged: number;
  /** Companies whose name is no company (なし, 個人, -), retired. */
  placeholders: number;
  /** Companies given their name key and legal form. */
  keyed: number;
  /** Pairs left for a person (company_reviews). */
  reviews: number;
  /** Customers whose golden record was recomputed (their company link changed). */
  customers: number;
}

export async function dedupeCompanies(db: Db, actor: Actor): Promise<CompanyDedupeSummary> {
  return db.transaction().execute(async (trx) => {
    // No company is created while the ledger is regrouped (resolveCompanies takes the same lock to create one).
    await companies.lockCompanyCreation(trx);
    const rows = await companies.listLiveCompanies(trx);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const grouping = groupCompanies(rows.map((r) => ({
      id: r.id, name: r.name, nameKana: r.name_kana, corporateNumber: r.corporate_number, legalForm: r.legal_form,
      prefecture: r.prefecture, address: r.address, postalCode: r.postal_code, phones: [r.phone], website: r.website ?? r.domain,
    })));
    const touched: string[] = [];
    for (const p of grouping.placeholders) {
      if (byId.get(p.id)?.field_sources?.name?.source === 'manual') continue; // registered by hand under that name
      const people = await companies.retirePlaceholderCompany(trx, p.id);
      await audit(trx, actor, 'company.retire', { type: 'company', id: p.id }, { name: byId.get(p.id)?.name, reason: p.reason, customers: people });
      touched.push(p.id);
    }
    let groups = 0;
    let merged = 0;
    for (const g of grouping.groups) {
      if (g.ids.length < 2) continue;
      // The survivor: the one holding the 法人番号, else the oldest.
      const members = g.ids.map((id) => byId.get(id)!).sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
      const survivor = members.find((m) => m.corporate_number !== null) ?? members[0]!;
      const others = members.filter((m) => m.id !== survivor.id);
      const { moved, folded, each } = await companies.mergeCompaniesInto(trx, survivor.id, others.map((m) => m.id));
      // Recorded like a person's merge, so that 「統合を取り消す」 can give each company its people back.
      for (const [mergedId, moves] of each) {
        await companies.insertCompanyMerge(trx, {
          survivor_id: survivor.id, merged_id: mergedId, review_id: null, moves, survivor_before: {}, survivor_after: {}, merged_corporate_number: null,
        });
      }
      const canonical = prepareCompany({ id: survivor.id, name: g.canonical.name }).name;
      await companies.updateCompany(trx, survivor.id, {
        name: g.canonical.name, search_text: g.canonical.name.toLowerCase(), name_key: canonical?.key ?? survivor.name_key,
        legal_form: survivor.legal_form ?? g.canonical.legalForm, corporate_number: survivor.corporate_number ?? g.canonical.corporateNumber,
      });
      await audit(trx, actor, 'company.merge', { type: 'company', id: survivor.id }, {
        survivor: { id: survivor.id, name: survivor.name }, merged: others.map((m) => ({ id: m.id, name: m.name })), name: g.canonical.name, moved, folded,
      });
      groups++;
      merged += others.length;
      touched.push(...others.map((m) => m.id));
    }
    // Every remaining company keyed, so that resolution finds it by its key.
    const gone = new Set(touched);
    let keyed = 0;
    for (const r of rows) {
      if (gone.has(r.id)) continue;
      const name = prepareCompany({ id: r.id, name: r.name }).name;
      if (name === null || (r.name_key === name.key && (r.legal_form !== null || name.legalForm === null))) continue;
      await companies.updateCompany(trx, r.id, { name_key: name.key, legal_form: r.legal_form ?? name.legalForm });
      keyed++;
    }
    await companies.insertCompanyReviews(trx, grouping.reviews.map((d) => ({ a: d.a, b: d.b, reasons: d.reasons })));
    const customers = await companies.listCustomerIdsOfCompanies(trx, touched);
    await recomputeCustomers(trx, customers);
    return { companies: rows.length, groups, merged, placeholders: grouping.placeholders.length, keyed, reviews: grouping.reviews.length, customers: customers.length };
  });
}
