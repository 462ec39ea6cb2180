/**
 * From order rows (one row per order line, as EC/POS exports have them) to an order: lines, returns, status and
 * totals. Pure; the service stores the result.
 *
 * Rules:
 * - A row with a positive quantity is a line. A row with a negative quantity is a return of that SKU (of the same
 *   order); a positive row whose status is 返品 is a line returned in full.
 * - A row whose status is キャンセル cancels the whole order (LTV and order count leave it out).
 * - Amount: the amount column when present, else quantity × unit price. Quantity defaults to 1.
 * - Re-importing an order replaces its lines; a SKU's returned quantity comes from this file's return rows when it
 *   has any, otherwise it is kept from what was stored (a returns-only file never undoes itself on re-import).
 * - A group with only return rows updates the stored order's lines.
 */
import { customerKey, missingKeyReason } from './customer-keys.ts';
import { ORDER_CUSTOMER_FIELDS, type OrderProfile } from './profile.ts';
import { lineAmount, parseAmount, parseOrderStatus, parseQuantity, parseTimestamp, type OrderRowStatus } from './values.ts';
import type { ImportField } from '../import/profile.ts';

export interface OrderRow {
  line: number;
  orderId: string;
  orderedAt: string | null;
  sku: string | null;
  productName: string | null;
  /** thousandths; negative = return */
  quantity: number;
  unitPrice: number | null;
  /** sen, same sign as quantity */
  amount: number;
  channel: string | null;
  status: OrderRowStatus;
  customer: Partial<Record<ImportField, string>>;
  memberId: string | null;
}

export interface RowProblem {
  line: number;
  field: string | null;
  reason: string;
  value: string | null;
}

export interface OrderInputLine {
  sku?: string | null | undefined;
  productName?: string | null | undefined;
  quantity?: string | null | undefined;
  unitPrice?: string | null | undefined;
  amount?: string | null | undefined;
  status?: string | null | undefined;
}

/** Parses the quantity/price/amount/status of one line (CSV row or API line). */
export function parseLine(input: OrderInputLine): { ok: true; value: Pick<OrderRow, 'sku' | 'productName' | 'quantity' | 'unitPrice' | 'amount' | 'status'> } | { ok: false; field: string; reason: string; value: string | null } {
  const q = parseQuantity(input.quantity);
  if (!q.ok) return { ok: false, field: 'quantity', reason: q.reason, value: input.quantity ?? null };
  const up = parseAmount(input.unitPrice);
  if (!up.ok) return { ok: false, field: 'unit_price', reason: up.reason, value: input.unitPrice ?? null };
  const am = parseAmount(input.amount);
  if (!am.ok) return { ok: false, field: 'amount', reason: am.reason, value: input.amount ?? null };
  const st = parseOrderStatus(input.status);
  if (!st.ok) return { ok: false, field: 'status', reason: st.reason, value: input.status ?? null };
  let quantity = q.value ?? 1000;
  if (quantity === 0) return { ok: false, field: 'quantity', reason: '数量が 0 です (quantity is zero)', value: input.quantity ?? null };
  // A negative amount with a positive quantity (or the reverse) is a return written either way.
  if (am.value !== null && am.value < 0 && quantity > 0) quantity = -quantity;
  let amount: number;
  if (am.value !== null) amount = Math.abs(am.value) * Math.sign(quantity);
  else if (up.value !== null) amount = lineAmount(quantity, Math.abs(up.value));
  else return { ok: false, field: 'amount', reason: '金額も単価もありません (no amount and no unit price)', value: null };
  const sku = input.sku?.normalize('NFKC').trim() || null;
  const productName = input.productName?.trim() || null;
  if (!sku && !productName) return { ok: false, field: 'sku', reason: '商品コードも商品名もありません (no SKU and no product name)', value: null };
  return { ok: true, value: { sku, productName, quantity, unitPrice: up.value === null ? null : Math.abs(up.value), amount, status: st.value } };
}

/** Maps and parses one file row with a bound order profile. */
export function parseOrderRow(values: Readonly<Record<string, string>>, profile: OrderProfile, line: number): { ok: true; row: OrderRow } | { ok: false; problem: RowProblem } {
  const col = (f: keyof OrderProfile['fields']): string | null => {
    const c = profile.fields[f];
    const v = c ? values[c] : undefined;
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const orderId = (values[profile.orderIdColumn] ?? '').normalize('NFKC').trim();
  if (!orderId) return { ok: false, problem: { line, field: 'order_id', reason: '注文番号が空です (order id is blank)', value: null } };
  const at = parseTimestamp(col('ordered_at'), { timeZone: profile.timeZone, dateOrder: profile.dateOrder });
  if (!at.ok) return { ok: false, problem: { line, field: 'ordered_at', reason: at.reason, value: col('ordered_at') } };
  const parsed = parseLine({ sku: col('sku'), productName: col('product_name'), quantity: col('quantity'), unitPrice: col('unit_price'), amount: col('amount'), status: col('status') });
  if (!parsed.ok) return { ok: false, problem: { line, field: parsed.field, reason: parsed.reason, value: parsed.value } };
  const customer: Partial<Record<ImportField, string>> = {};
  for (const [f, importField] of Object.entries(ORDER_CUSTOMER_FIELDS)) {
    const v = col(f as keyof OrderProfile['fields']);
    if (v && importField) customer[importField] = v;
  }
  const memberId = col('member_id')?.normalize('NFKC') ?? null;
  return {
    ok: true,
    row: { line, orderId, orderedAt: at.value, ...parsed.value, channel: col('channel') ?? profile.channel, customer, memberId },
  };
}

/** The buyer an order's rows name: their customer fields (a later row fills in what an earlier left blank) and member id. */
export function orderBuyer(rows: readonly OrderRow[]): { fields: Partial<Record<ImportField, string>>; memberId: string | null } {
  const fields: Partial<Record<ImportField, string>> = {};
  let memberId: string | null = null;
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.customer)) if (v) fields[k as ImportField] = v;
    memberId = memberId ?? r.memberId;
  }
  return { fields, memberId };
}

/**
 * Why the rows of one order cannot be stored (its field and a reason in Japanese, then English), or null. `stored`:
 * the order is already there, so a file may send only its returns, and its buyer and date are known. The import, its
 * validation and the API ask the same question.
 */
export function orderGroupProblem(rows: readonly OrderRow[], stored: boolean): { field: string; reason: string } | null {
  if (stored) return null;
  if (rows.every((r) => r.quantity < 0)) return { field: 'quantity', reason: '返品行だけで、対象の注文が見つかりません (return rows for an order that is not stored)' };
  const buyer = orderBuyer(rows);
  if (!customerKey(buyer.memberId, buyer.fields)) return { field: 'customer', reason: missingKeyReason(buyer.fields) };
  if (!rows.some((r) => r.orderedAt)) return { field: 'ordered_at', reason: '注文日がありません (no order date)' };
  return null;
}

export interface BuiltLine {
  lineNo: number;
  sku: string | null;
  productName: string | null;
  quantity: number;
  unitPrice: number | null;
  amount: number;
  returnedQuantity: number;
  returnedAmount: number;
}

export interface StoredLine {
  sku: string | null;
  productName: string | null;
  quantity: number;
  unitPrice: number | null;
  amount: number;
  returnedQuantity: number;
  returnedAmount: number;
}

export type OrderStatus = 'completed' | 'cancelled' | 'partially_returned' | 'returned';

export interface BuiltOrder {
  lines: BuiltLine[];
  cancelled: boolean;
  status: OrderStatus;
  /** sen */
  total: number;
  returned: number;
}

type LineRow = Pick<OrderRow, 'sku' | 'productName' | 'quantity' | 'unitPrice' | 'amount' | 'status'>;

const keyOf = (l: { sku: string | null; productName: string | null }) => l.sku ?? `name:${l.productName ?? ''}`;

/**
 * Builds an order from its rows and what was stored before (null for a new order). Returns null when the rows are
 * only returns and nothing was stored (the caller reports it).
 */
export function buildOrder(rows: readonly LineRow[], stored: { lines: StoredLine[]; cancelled: boolean } | null): BuiltOrder | null {
  const positive = rows.filter((r) => r.quantity > 0);
  const returns = rows.filter((r) => r.quantity < 0);
  const returnsBySku = new Map<string, { quantity: number; amount: number }>();
  for (const r of returns) {
    const k = keyOf(r);
    const prev = returnsBySku.get(k) ?? { quantity: 0, amount: 0 };
    returnsBySku.set(k, { quantity: prev.quantity - r.quantity, amount: prev.amount - r.amount });
  }
  let base: StoredLine[];
  if (positive.length > 0) {
    const storedReturns = new Map<string, { quantity: number; amount: number }>();
    for (const l of stored?.lines ?? []) {
      const prev = storedReturns.get(keyOf(l)) ?? { quantity: 0, amount: 0 };
      storedReturns.set(keyOf(l), { quantity: prev.quantity + l.returnedQuantity, amount: prev.amount + l.returnedAmount });
    }
    base = positive.map((r) => ({ sku: r.sku, productName: r.productName, quantity: r.quantity, unitPrice: r.unitPrice, amount: r.amount,
      returnedQuantity: r.status === 'returned' ? r.quantity : 0, returnedAmount: r.status === 'returned' ? r.amount : 0 }));
    // Returns not in this file are kept from the stored order.
    for (const [k, ret] of storedReturns) if (!returnsBySku.has(k) && !positive.some((r) => r.status === 'returned' && keyOf(r) === k)) returnsBySku.set(k, ret);
  } else {
    if (!stored) return null;
    base = stored.lines.map((l) => ({ ...l }));
    for (const k of returnsBySku.keys()) for (const l of base) if (keyOf(l) === k) {
      l.returnedQuantity = 0;
      l.returnedAmount = 0;
    }
  }
  // Spread each SKU's returned quantity over its lines, in order, up to each line's quantity.
  for (const [k, ret] of returnsBySku) {
    let qty = ret.quantity;
    let amt = ret.amount;
    const targets = base.filter((l) => keyOf(l) === k);
    if (targets.length === 0) {
      // A return of something this order does not list: kept as a line of quantity 0 so the refund still counts.
      const sample = returns.find((r) => keyOf(r) === k);
      base.push({ sku: sample?.sku ?? null, productName: sample?.productName ?? null, quantity: 0, unitPrice: sample?.unitPrice ?? null, amount: 0, returnedQuantity: qty, returnedAmount: amt });
      continue;
    }
    targets.forEach((l, i) => {
      const last = i === targets.length - 1;
      const take = last ? qty : Math.min(qty, l.quantity - l.returnedQuantity);
      const takeAmt = last ? amt : Math.min(amt, Math.round((l.amount * take) / Math.max(1, l.quantity)));
      l.returnedQuantity += take;
      l.returnedAmount += takeAmt;
      qty -= take;
      amt -= takeAmt;
    });
  }
  const lines = base.map((l, i) => ({ lineNo: i + 1, ...l }));
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const returned = lines.reduce((s, l) => s + l.returnedAmount, 0);
  const cancelled = rows.some((r) => r.status === 'cancelled') || (positive.length === 0 && (stored?.cancelled ?? false));
  const anyReturned = lines.some((l) => l.returnedQuantity > 0);
  const allReturned = lines.length > 0 && lines.every((l) => l.returnedQuantity >= l.quantity);
  const status: OrderStatus = cancelled ? 'cancelled' : allReturned ? 'returned' : anyReturned ? 'partially_returned' : 'completed';
  return { lines, cancelled, status, total, returned };
}
