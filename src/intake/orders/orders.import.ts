import type { OrderImportPreview, OrderImportSummary, OrderValidation } from './orders.schemas.ts';
import path from 'node:path';
import type { Actor } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { orderGroupProblem, parseOrderRow, type OrderRow, type RowProblem } from '../../domain/commerce/orders.ts';
import { bindCommerceProfile, type CommerceProfile, type OrderProfile } from '../../domain/commerce/profile.ts';
import { ORDER_TARGETS, suggestOrderMapping } from '../../domain/commerce/suggest.ts';
import { csvLine } from '../../domain/import/csv.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { openTable, UnreadableTableError, type OpenedTable, type TablePreview } from '../files/readers/index.ts';
import { previewJson, sampleRows } from '../files/upload-preview.ts';
import { unreadableFile } from '../files/open-with-profile.ts';
import { checkImportTarget } from '../../ledger/sources/sources.service.ts';
import { findOrdersByExternalIds } from './orders.repository.ts';
import { ordersSourceName, writeOrders, type OrderGroup } from './orders.service.ts';

/** Orders written per call (one identity-resolution pass and transactions of 200 orders each). */
const GROUPS_PER_BATCH = 500;
/** Order ids looked up per query while validating. */
const LOOKUP_ORDERS = 1000;

export type { OrderImportSummary } from './orders.schemas.ts';

/**
 * Opens an order or attendance export with its profile's reading options (encoding, delimiter, sheet) and binds the
 * profile to the file's headers; a column the profile names but the file lacks is a 400 before any row is read.
 */
export async function openCommerceTable<P extends CommerceProfile>(filePath: string, given: P): Promise<{ table: OpenedTable; profile: P }> {
  let table: OpenedTable;
  try {
    table = await openTable(filePath, {
      ...(given.encoding ? { encoding: given.encoding } : {}),
      ...(given.delimiter ? { delimiter: given.delimiter } : {}),
      ...(given.sheet !== null ? { sheet: given.sheet } : {}),
      ...(given.headerRow !== null && given.headerRow !== undefined ? { headerRow: given.headerRow } : {}),
    });
  } catch (error) {
    throw error instanceof UnreadableTableError ? unreadableFile(error) : error;
  }
  const { profile, missing } = bindCommerceProfile(given, table.headers);
  if (missing.length) {
    await table.close();
    throw new AppError('validation_failed', `ファイルにプロファイルの列がありません (columns missing): ${missing.join(', ')}`,
      missing.map((c) => ({ field: 'profile', message: `列「${c}」がファイルにありません (column not in file)` })));
  }
  return { table, profile };
}

/** An order file read and parsed, nothing written: the orders ready to store and the rows already refused. */
interface ReadOrders {
  encoding: string | null;
  read: number;
  /** Distinct order ids in the file (those held back included). */
  orders: number;
  ready: OrderGroup[];
  problems: RowProblem[];
}

/**
 * Reads an order file with its profile: every row parsed, rows grouped by order id; a bad row is a problem and holds
 * back the other rows of its order (a partial order would give wrong totals). The import and its validation share it.
 */
async function readOrderFile(filePath: string, given: OrderProfile): Promise<ReadOrders> {
  const { table, profile } = await openCommerceTable(filePath, given);
  const problems: RowProblem[] = [];
  const groups = new Map<string, OrderRow[]>();
  const badOrders = new Map<string, number>();
  let read = 0;
  try {
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
  } finally {
    await table.close();
  }
  const ready: OrderGroup[] = [];
  for (const [orderId, rows] of groups) {
    const badLine = badOrders.get(orderId);
    if (badLine !== undefined) {
      for (const r of rows) problems.push({ line: r.line, field: null, reason: `同じ注文 (${orderId}) の ${badLine} 行目にエラーがあるため取り込みませんでした (another row of this order is invalid)`, value: null });
    } else ready.push({ orderId, rows });
  }
  const orders = groups.size + [...badOrders.keys()].filter((k) => !groups.has(k)).length;
  return { encoding: table.encoding, read, orders, ready, problems };
}

/**
 * Imports an order export (one row per order line; rows of one order are grouped by the order id column wherever
 * they are in the file). A bad row is reported with its line and reason; the other rows of the same order are held
 * back with it, every other order lands. Idempotent on source + order id.
 */
export async function runOrderImport(db: Db, options: { filePath: string; fileName?: string; profile: OrderProfile; actor: Actor }): Promise<OrderImportSummary> {
  const started = Date.now();
  await checkImportTarget(db, ordersSourceName(options.profile.source), 'orders', options.actor);
  const { encoding, read, orders, ready, problems } = await readOrderFile(options.filePath, options.profile);
  const source = options.profile.source;
  const totals = { created: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < ready.length; i += GROUPS_PER_BATCH) {
    const report = await writeOrders(db, {
      source, recordKind: 'file_import', groups: ready.slice(i, i + GROUPS_PER_BATCH), actor: options.actor,
      currency: options.profile.currency, timeZone: options.profile.timeZone,
    });
    totals.created += report.created;
    totals.updated += report.updated;
    totals.unchanged += report.unchanged;
    problems.push(...report.rejected);
  }
  problems.sort((a, b) => a.line - b.line);
  const file = options.fileName ?? path.basename(options.filePath);
  const summary: OrderImportSummary = {
    kind: 'orders', source, file, encoding, read, orders,
    ...totals, rejectedRows: new Set(problems.map((p) => p.line)).size, problems, seconds: (Date.now() - started) / 1000,
  };
  await audit(db, options.actor, 'order.import', null, { source, file, read, ...totals, rejectedRows: summary.rejectedRows });
  return summary;
}

/**
 * The wizard's 「検証」 for an order file: read and checked exactly as the import would (same reader, same parsing, the
 * same per-order checks: buyer key, order date, returns of an unknown order), orders looked up to say which are new;
 * writes nothing. Every problem row is listed with its line and reason.
 */
export async function validateOrderImport(db: Db, options: { filePath: string; fileName?: string; profile: OrderProfile; actor: Actor }): Promise<OrderValidation> {
  const started = Date.now();
  await checkImportTarget(db, ordersSourceName(options.profile.source), 'orders', options.actor);
  const { encoding, read, orders, ready, problems } = await readOrderFile(options.filePath, options.profile);
  const source = options.profile.source;
  const stored = new Set<string>();
  for (let i = 0; i < ready.length; i += LOOKUP_ORDERS) {
    for (const o of await findOrdersByExternalIds(db, source, ready.slice(i, i + LOOKUP_ORDERS).map((g) => g.orderId))) stored.add(o.external_id);
  }
  let newOrders = 0;
  let existingOrders = 0;
  for (const g of ready) {
    const known = stored.has(g.orderId);
    const problem = orderGroupProblem(g.rows, known);
    if (problem) for (const r of g.rows) problems.push({ line: r.line, field: problem.field, reason: problem.reason, value: null });
    else if (known) existingOrders++;
    else newOrders++;
  }
  problems.sort((a, b) => a.line - b.line);
  return {
    kind: 'orders', source, file: options.fileName ?? path.basename(options.filePath), encoding, read, orders, newOrders, existingOrders,
    rejectedRows: new Set(problems.map((p) => p.line)).size, problems, seconds: (Date.now() - started) / 1000,
  };
}

/** An uploaded order file's preview with the order mapping suggested from its headers and first rows. */
export function orderPreview(preview: TablePreview): OrderImportPreview {
  return {
    preview: previewJson(preview),
    suggestion: {
      ...suggestOrderMapping(preview.headers, sampleRows(preview)),
      targets: ORDER_TARGETS.map((t) => ({ key: t.key, required: t.required ?? null })),
    },
  };
}

/** The per-row report as CSV lines (line, field, reason, value), header first. */
export function problemLines(problems: RowProblem[]): string[] {
  return [csvLine(['line', 'field', 'reason', 'value']), ...problems.map((p) => csvLine([p.line, p.field, p.reason, p.value]))];
}
