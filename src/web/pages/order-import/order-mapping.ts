/**
 * The order wizard's mapping as plain data and functions (tested in test/web/order-import-mapping.test.ts): the
 * server's suggestion it starts from, the edits, what is still missing, and the profile JSON the API takes. The
 * targets (order_id, ordered_at, member_id…) and which are required come with the suggestion.
 */
import type { OrderImportPreview, OrderImportUpload, OrderProfileJson } from '../../api.ts';
import { headerRowOf, sourceFromFileName } from '../import/mapping.ts';

export type OrderTargets = OrderImportUpload['suggestion']['targets'];

export interface OrderMapping {
  /** The system the order numbers belong to (ec, pos…): the orders land in the source orders-<source>. */
  source: string;
  /** 'auto' (what the upload detected), 'cp932' or 'utf-8'. */
  encoding: string;
  headerRow: number | null;
  /** The channel of every order when no column says it (EC, 店舗…); '' for none. */
  channel: string;
  /** Target (order_id, ordered_at, member_id…) → file column ('' for none). */
  columns: Record<string, string>;
}

/** The server's suggestion for an uploaded file (or its preview from another header line). */
export function orderMappingFrom(fileName: string, preview: OrderImportPreview, keep?: Pick<OrderMapping, 'source' | 'encoding' | 'channel'>): OrderMapping {
  const s = preview.suggestion;
  const columns: Record<string, string> = {};
  for (const { key } of s.targets) columns[key] = key === 'order_id' ? (s.orderIdColumn ?? '') : (s.fields[key] ?? '');
  return {
    source: keep?.source ?? (sourceFromFileName(fileName) || 'ec'),
    encoding: keep?.encoding ?? 'auto',
    headerRow: headerRowOf(preview.preview),
    channel: keep?.channel ?? '',
    columns,
  };
}

/**
 * What the profile still lacks, as i18n keys of the rule broken: the order number and date, one customer key, an
 * amount or a unit price. The server checks the same (and says so in its 400); this only disables 「検証」 early.
 */
export function missingTargets(m: OrderMapping, targets: OrderTargets): string[] {
  const missing: string[] = [];
  const has = (key: string) => Boolean(m.columns[key]);
  for (const t of targets) if (t.required === 'always' && !has(t.key)) missing.push(t.key);
  for (const rule of ['customer_key', 'price'] as const) {
    const group = targets.filter((t) => t.required === rule);
    if (group.length > 0 && !group.some((t) => has(t.key))) missing.push(rule);
  }
  if (!m.source.trim()) missing.push('source');
  return missing;
}

/** The profile the API validates and runs: only the columns chosen. */
export function toOrderProfile(m: OrderMapping): OrderProfileJson {
  const fields: Record<string, string> = {};
  for (const [key, column] of Object.entries(m.columns)) if (column && key !== 'order_id') fields[key] = column;
  return {
    source: m.source.trim(),
    order_id_column: m.columns.order_id ?? '',
    ...(m.encoding !== 'auto' ? { encoding: m.encoding } : {}),
    ...(m.headerRow ? { header_row: m.headerRow } : {}),
    ...(m.channel.trim() ? { channel: m.channel.trim() } : {}),
    fields,
  };
}
