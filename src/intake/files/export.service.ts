import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Actor } from '../../core/context.ts';
import type { Db } from '../../db/database.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { issueReasonText } from '../../domain/import/reasons.ts';
import { activeListFilters, countForExport, customersForExport, type CustomerListQuery } from '../../ledger/customers/customers.service.ts';
import { EXPORT_ITEMS, lineWriter, writeCustomers } from '../../ledger/customers/customer-export.ts';
import { addProvidedCustomers, finishProvision, provisionConsented, provisionRefused, startProvision } from '../../ledger/privacy/provision.service.ts';
import { audit, exportTracker } from '../../platform/audit/audit.service.ts';
import * as repo from './import.repository.ts';

export function openOutput(file: string | undefined): Writable {
  return file ? fs.createWriteStream(file) : process.stdout;
}

/** The per-row report of an import run as CSV lines: line, severity, field, reason, value. Reasons stored as codes
 *  (invalid_number…) are written for people, Japanese then English (issueReasonText). */
export async function importReportLines(db: Db, runId: string): Promise<string[]> {
  const issues = await repo.listIssues(db, runId);
  return [csvLine(['line', 'severity', 'field', 'reason', 'value']), ...issues.map((i) => csvLine([i.line, i.severity, i.field, issueReasonText(i.reason), i.value]))];
}

/** `source,external_id,customer_id`, one row per imported source record: which customer each record belongs to. */
export async function exportLinks(db: Db, out: Writable, actor: Actor): Promise<number> {
  const write = lineWriter(out, 'utf-8');
  await write(csvLine(['source', 'external_id', 'customer_id']));
  const tracker = exportTracker(db);
  let n = 0;
  for await (const page of repo.streamLinks(db)) {
    await tracker.add(page.map((r) => r.customer_id));
    for (const r of page) await write(csvLine([r.source, r.external_id, r.customer_id]));
    n += page.length;
  }
  await audit(db, actor, 'export.links', null, { rows: n, exportId: tracker.exportId, customers: tracker.customers });
  return n;
}

/**
 * Golden records as CSV (optionally CP932 for Excel) or JSON Lines: the customers of the list as the person sees it
 * (`query`: its search, filters and sort; none: every customer). Audited with those filters: it is a personal-data
 * export.
 */
export async function exportCustomers(
  db: Db, out: Writable, format: 'csv' | 'jsonl', encoding: 'utf-8' | 'cp932', actor: Actor, query: CustomerListQuery = {},
  /** 第三者提供: the export goes to a third party. Only customers who granted third_party are written, and it is recorded. */
  provision?: { recipient: string; purpose: string | null },
): Promise<number> {
  if (provision) return exportProvision(db, out, format, encoding, actor, query, provision);
  const { truncated, pages } = await customersForExport(db, query, actor.auth);
  const tracker = exportTracker(db);
  const n = await writeCustomers(out, format, encoding, tracker.track(pages));
  const filters = activeListFilters(query);
  await audit(db, actor, 'export.customers', null, {
    rows: n, exportId: tracker.exportId, customers: tracker.customers, format, encoding, ...(Object.keys(filters).length ? { filters } : {}), ...(truncated ? { truncated } : {}),
  });
  return n;
}

/**
 * A provision export (APPI art. 27/29): the customers of the list whose current third_party consent is granted; the
 * others are refused (left out and counted). The provision record (to whom, when, which items, which customers) is
 * written as the pages go and completed at the end; the export is audited like any other, with the record's id.
 */
async function exportProvision(
  db: Db, out: Writable, format: 'csv' | 'jsonl', encoding: 'utf-8' | 'cp932', actor: Actor, query: CustomerListQuery,
  provision: { recipient: string; purpose: string | null },
): Promise<number> {
  const refused = await countForExport(db, query, provisionRefused(), 10_000_000);
  const provisionId = await startProvision(db, { ...provision, items: EXPORT_ITEMS(), format, userId: actor.auth?.userId ?? null });
  const { pages } = await customersForExport(db, query, actor.auth, provisionConsented());
  let provided = 0;
  async function* recorded() {
    for await (const page of pages) {
      await addProvidedCustomers(db, provisionId, page.map((r) => r.id));
      provided += page.length;
      yield page;
    }
  }
  const n = await writeCustomers(out, format, encoding, recorded());
  await finishProvision(db, provisionId, provided, refused);
  const filters = activeListFilters(query);
  await audit(db, actor, 'export.provision', { type: 'provision_record', id: provisionId }, {
    rows: n, refused, recipient: provision.recipient, format, encoding, ...(Object.keys(filters).length ? { filters } : {}),
  });
  return n;
}
