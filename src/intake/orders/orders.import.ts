import type { OrderImportSummary } from './orders.schemas.ts';
import path from 'node:path';
import type { Actor } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { parseOrderRow, type OrderRow, type RowProblem } from '../../domain/commerce/orders.ts';
import { bindCommerceProfile, type CommerceProfile, type OrderProfile } from '../../domain/commerce/profile.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { openTable, type OpenedTable } from '../files/readers/index.ts';
import { checkImportTarget } from '../../ledger/sources/sources.service.ts';
import { ordersSourceName, writeOrders, type OrderGroup } from './orders.service.ts';

/** Orders written per call (one identity-resolution pass and transactions of 200 orders each). */
const GROUPS_PER_BATCH = 500;

export type { OrderImportSummary } from './orders.schemas.ts';

/**
 * Imports an order export (one row per order line; rows of one order are grouped by the order id column wherever
 * they are in the file). A bad row is reported with its line and reason; the other rows of the same order are held
 * back with it (a partial order would give wrong totals), every other order lands. Idempotent on source + order id.
 */
/**
 * Opens an order or attendance export with its profile's reading options (encoding, delimiter, sheet) and binds the
 * profile to the file's headers; a column the profile names but the file lacks is a 400 before any row is read.
 */
export async function openCommerceTable<P extends CommerceProfile>(filePath: string, given: P): Promise<{ table: OpenedTable; profile: P }> {
  const table = await openTable(filePath, {
    ...(given.encoding ? { encoding: given.encoding } : {}),
    ...(given.delimiter ? { delimiter: given.delimiter } : {}),
    ...(given.sheet !== null ? { sheet: given.sheet } : {}),
  });
  const { profile, missing } = bindCommerceProfile(given, table.headers);
  if (missing.length) {
    await table.close();
    throw new AppError('validation_failed', `ファイルにプロファイルの列がありません (columns missing): ${missing.join(', ')}`,
      missing.map((c) => ({ field: 'profile', message: `列「${c}」がファイルにありません (column not in file)` })));
  }
  return { table, profile };
}

export async function runOrderImport(db: Db, options: { filePath: string; fileName?: string; profile: OrderProfile; actor: Actor }): Promise<OrderImportSummary> {
  const started = Date.now();
  await checkImportTarget(db, ordersSourceName(options.profile.source), 'orders', options.actor);
  const { table, profile } = await openCommerceTable(options.filePath, options.profile);
  const problems: RowProblem[] = [];
  const groups = new Map<string, OrderRow[]>();
  const badOrders = new Map<string, number>();
  let read = 0;
  for await (const row of table.rows) {
    read++;
    if ('error' in row) {
      problems.push({ line: row.line, field: null, reason: row.error, value: null });
      continue;
    }
    const parsed = parseOrderRow(row.values, profile, row.line);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      const orderId = (row.values[profile.orderIdColumn] ?? '').normalize('NFKC').trim();
      if (orderId && !badOrders.has(orderId)) badOrders.set(orderId, row.line);
      continue;
    }
    groups.set(parsed.row.orderId, [...(groups.get(parsed.row.orderId) ?? []), parsed.row]);
  }
  const ready: OrderGroup[] = [];
  for (const [orderId, rows] of groups) {
    const badLine = badOrders.get(orderId);
    if (badLine !== undefined) {
      for (const r of rows) problems.push({ line: r.line, field: null, reason: `同じ注文 (${orderId}) の ${badLine} 行目にエラーがあるため取り込みませんでした (another row of this order is invalid)`, value: null });
    } else ready.push({ orderId, rows });
  }
  const totals = { created: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < ready.length; i += GROUPS_PER_BATCH) {
    const report = await writeOrders(db, { source: profile.source, recordKind: 'file_import', groups: ready.slice(i, i + GROUPS_PER_BATCH), actor: options.actor });
    totals.created += report.created;
    totals.updated += report.updated;
    totals.unchanged += report.unchanged;
    problems.push(...report.rejected);
  }
  problems.sort((a, b) => a.line - b.line);
  const file = options.fileName ?? path.basename(options.filePath);
  const summary: OrderImportSummary = {
    kind: 'orders', source: profile.source, file, encoding: table.encoding, read, orders: groups.size + [...badOrders.keys()].filter((k) => !groups.has(k)).length,
    ...totals, rejectedRows: new Set(problems.map((p) => p.line)).size, problems, seconds: (Date.now() - started) / 1000,
  };
  await audit(db, options.actor, 'order.import', null, { source: profile.source, file, read, ...totals, rejectedRows: summary.rejectedRows });
  return summary;
}

/** The per-row report as CSV lines (line, field, reason, value), header first. */
export function problemLines(problems: RowProblem[]): string[] {
  return [csvLine(['line', 'field', 'reason', 'value']), ...problems.map((p) => csvLine([p.line, p.field, p.reason, p.value]))];
}
