import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import type { Actor } from '../../core/context.ts';
import type { Db } from '../../db/database.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { issueReasonText } from '../../domain/import/reasons.ts';
import { activeListFilters, customersForExport, type CustomerExportRow, type CustomerListQuery } from '../../ledger/customers/customers.service.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './import.repository.ts';

/** Where export lines go: a file, or stdout. CP932 for Excel users on Japanese Windows. */
function lineWriter(out: Writable, encoding: 'utf-8' | 'cp932') {
  return async (line: string) => {
    const chunk = encoding === 'cp932' ? iconv.encode(`${line}\r\n`, 'cp932') : `${line}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  };
}

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
  let n = 0;
  for await (const page of repo.streamLinks(db)) {
    for (const r of page) await write(csvLine([r.source, r.external_id, r.customer_id]));
    n += page.length;
  }
  await audit(db, actor, 'export.links', null, { rows: n });
  return n;
}

type ExportRow = CustomerExportRow;

/** Every column is text (dates as ISO strings): its cells are escaped as csvLine escapes text. */
const CUSTOMER_COLUMNS: Array<[string, (r: ExportRow) => string | null]> = [
  ['id', (r) => r.id],
  ['姓', (r) => r.family_name],
  ['名', (r) => r.given_name],
  ['セイ', (r) => r.family_name_kana],
  ['メイ', (r) => r.given_name_kana],
  ['メールアドレス', (r) => r.email],
  ['電話番号', (r) => r.phone],
  ['郵便番号', (r) => r.postal_code],
  ['都道府県', (r) => r.prefecture],
  ['住所', (r) => r.address],
  ['建物名', (r) => r.building],
  ['生年月日', (r) => r.birth_date],
  ['性別', (r) => r.gender],
  ['会社名', (r) => r.company_name],
  ['部署', (r) => r.department],
  ['役職', (r) => r.title],
  ['ステージ', (r) => r.lifecycle_stage],
  ['獲得経路', (r) => r.acquisition_channel],
  ['登録日時', (r) => r.created_at.toISOString()],
  ['更新日時', (r) => r.updated_at.toISOString()],
];

/**
 * Golden records as CSV (optionally CP932 for Excel) or JSON Lines: the customers of the list as the person sees it
 * (`query`: its search, filters and sort; none: every customer). Audited with those filters: it is a personal-data
 * export.
 */
export async function exportCustomers(
  db: Db, out: Writable, format: 'csv' | 'jsonl', encoding: 'utf-8' | 'cp932', actor: Actor, query: CustomerListQuery = {},
): Promise<number> {
  const write = lineWriter(out, format === 'csv' ? encoding : 'utf-8');
  const { truncated, pages } = await customersForExport(db, query, actor.auth);
  if (format === 'csv') await write(csvLine(CUSTOMER_COLUMNS.map(([h]) => h)));
  let n = 0;
  for await (const page of pages) {
    for (const r of page) {
      if (format === 'csv') {
        await write(csvLine(CUSTOMER_COLUMNS.map(([, get]) => get(r))));
      } else {
        const { search_grams: _g, search_text: _t, sort_key: _s, provenance: _p, ...rest } = r;
        await write(JSON.stringify(rest));
      }
    }
    n += page.length;
  }
  const filters = activeListFilters(query);
  await audit(db, actor, 'export.customers', null, {
    rows: n, format, encoding, ...(Object.keys(filters).length ? { filters } : {}), ...(truncated ? { truncated } : {}),
  });
  return n;
}
