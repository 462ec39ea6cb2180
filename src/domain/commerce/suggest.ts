/**
 * Mapping suggestions for the order import wizard (pure): which column of an EC/POS export is the order number, the
 * order date, the buyer's key, the SKU, the quantity, the price… from Japanese and English headers (注文番号, 受注番号,
 * 会員番号, 品番, 小計 / InvoiceNo, CustomerID, StockCode, UnitPrice).
 *
 * Order fields have their own vocabulary, tried first; the buyer's details (e-mail, phone, name, reading, company,
 * address) are read with the customer import's vocabulary (src/domain/import/suggest.ts). Headers are compared by
 * the same key (headerKey: NFKC, lower case, letters and digits). Given sample rows, a column whose values do not fit
 * the field (dates under 数量, words under 単価, timestamps under 氏名) is not suggested, with the reason, exactly as
 * the customer wizard does (value-fit.ts).
 */
import { checkGuess, classifyHeader, headerKey, type SampleRows } from '../import/suggest.ts';
import { cellText, type CellKind } from '../import/cell-kind.ts';
import { columnFit, fitBy, type ColumnFit } from '../import/value-fit.ts';
import type { ImportField } from '../import/profile.ts';
import { ORDER_CUSTOMER_FIELDS, type OrderField } from './profile.ts';
import { parseAmount, parseOrderStatus, parseQuantity, parseTimestamp } from './values.ts';

/** What a column of an order file can be: the order number, or a field of the order profile. */
export type OrderTarget = 'order_id' | OrderField;

/**
 * The targets in the order the wizard shows them: what identifies the order, who bought, what was bought, then the
 * buyer's other details. `required`: an import needs it (order_id; one customer key; amount or unit price).
 */
export const ORDER_TARGETS: ReadonlyArray<{ key: OrderTarget; required?: 'always' | 'customer_key' | 'price' }> = [
  { key: 'order_id', required: 'always' },
  { key: 'ordered_at', required: 'always' },
  { key: 'member_id', required: 'customer_key' },
  { key: 'customer_email', required: 'customer_key' },
  { key: 'customer_phone', required: 'customer_key' },
  { key: 'customer_name' },
  { key: 'customer_name_kana' },
  { key: 'company_name' },
  { key: 'sku' },
  { key: 'product_name' },
  { key: 'quantity' },
  { key: 'unit_price', required: 'price' },
  { key: 'amount', required: 'price' },
  { key: 'status' },
  { key: 'channel' },
  { key: 'postal_code' },
  { key: 'prefecture' },
  { key: 'address' },
];

export interface OrderColumnSuggestion {
  header: string;
  kind: OrderTarget | null;
  /** 0..1, lowered by sample values that do not fit (0 when they rule the column out). */
  score: number;
  used: boolean;
  misfit?: { fit: ColumnFit<string>; message: string };
}

export interface OrderMappingSuggestion {
  orderIdColumn: string | null;
  fields: Partial<Record<OrderField, string>>;
  /** One entry per header, in file order. */
  columns: OrderColumnSuggestion[];
  /** Headers nothing is taken from. */
  unmapped: string[];
}

type Rule = { kind: OrderTarget; exact: RegExp; loose?: RegExp };

/** Order vocabulary on header keys; `exact` scores 0.95, `loose` 0.75. First matching rule wins. */
const RULES: readonly Rule[] = [
  {
    kind: 'order_id',
    exact: /^(?:注文番号|注文no|注文id|注文コード|受注番号|受注no|受注id|受注コード|オーダー番号|オーダーno|オーダーid|伝票番号|伝票no|売上番号|売上伝票番号|取引番号|取引id|購入番号|購入id|orderid|orderno|ordernumber|ordercode|invoiceno|invoicenumber|invoiceid|invoice|transactionid|receiptno|receiptnumber)$/u,
    loose: /^(?:注文|受注|オーダー|order|invoice).*(?:番号|no|id|number)$/u,
  },
  {
    kind: 'ordered_at',
    exact: /^(?:注文日|注文日時|注文日付|受注日|受注日時|受注日付|購入日|購入日時|購入日付|売上日|売上日時|取引日|取引日時|オーダー日|orderdate|ordereddate|orderedat|orderdatetime|invoicedate|purchasedate|purchasedat|transactiondate|saledate)$/u,
    loose: /^(?:注文|受注|購入|売上|取引|order|invoice|purchase).*(?:日|日時|日付|date|time|at)$/u,
  },
  {
    kind: 'member_id',
    exact: /^(?:会員番号|会員no|会員id|会員コード|顧客番号|顧客no|顧客id|顧客コード|お客様番号|お客様id|お客様コード|購入者id|購入者番号|ユーザーid|customerid|customerno|customernumber|customercode|memberid|memberno|membernumber|userid|buyerid)$/u,
  },
  {
    kind: 'sku',
    exact: /^(?:商品コード|商品番号|商品id|商品cd|品番|品目コード|製品コード|製品番号|型番|sku|skuコード|janコード|jan|itemcode|itemno|itemid|productcode|productid|productno|stockcode|articleno)$/u,
  },
  {
    kind: 'product_name',
    exact: /^(?:商品名|商品名称|品名|製品名|品目|品目名|商品|productname|itemname|description|product|item|itemdescription)$/u,
  },
  { kind: 'quantity', exact: /^(?:数量|個数|購入数|購入数量|注文数|注文数量|受注数|受注数量|点数|数|qty|quantity|units)$/u },
  {
    kind: 'unit_price',
    exact: /^(?:単価|販売単価|税込単価|税抜単価|商品単価|価格|販売価格|売価|unitprice|price|itemprice|priceeach)$/u,
  },
  {
    kind: 'amount',
    exact: /^(?:金額|小計|合計|合計金額|明細金額|明細小計|売上|売上金額|売上高|購入金額|注文金額|税込金額|税抜金額|amount|subtotal|total|totalprice|linetotal|lineamount|sales|revenue)$/u,
  },
  { kind: 'status', exact: /^(?:ステータス|状態|注文状態|注文ステータス|受注状態|受注ステータス|取引状態|status|orderstatus)$/u },
  { kind: 'channel', exact: /^(?:チャネル|チャンネル|販売チャネル|販路|店舗|店舗名|購入店舗|購入経路|販売経路|モール|channel|saleschannel|store|storename|shop|shopname)$/u },
];

/** The buyer's fields as the customer vocabulary names them. */
const CUSTOMER_TARGETS = new Map<ImportField, OrderField>(
  Object.entries(ORDER_CUSTOMER_FIELDS).map(([orderField, importField]) => [importField, orderField as OrderField]),
);

type Guess = { kind: OrderTarget; score: number } | null;

/** Classifies one header of an order file (exported for tests). */
export function classifyOrderHeader(header: string): Guess {
  const key = headerKey(header);
  if (!key) return null;
  for (const rule of RULES) {
    if (rule.exact.test(key)) return { kind: rule.kind, score: 0.95 };
    if (rule.loose?.test(key)) return { kind: rule.kind, score: 0.75 };
  }
  const customer = classifyHeader(header);
  if (!customer || customer.kind === 'id') return null;
  const target = CUSTOMER_TARGETS.get(customer.kind);
  return target ? { kind: target, score: customer.score } : null;
}

const TEXTUAL = (kind: CellKind) => kind === 'text' || kind === 'number';

/** Whether one value can be the target's: what the import itself would accept (values.ts), or plain text for codes. */
function orderValueFits(kind: OrderTarget, value: string, cell: CellKind): boolean {
  switch (kind) {
    case 'ordered_at': {
      const at = parseTimestamp(value);
      return at.ok && at.value !== null;
    }
    case 'quantity':
      return parseQuantity(value).ok;
    case 'unit_price':
    case 'amount':
      return parseAmount(value).ok;
    case 'status':
      return parseOrderStatus(value).ok;
    case 'order_id':
    case 'member_id':
    case 'sku':
      return TEXTUAL(cell) && cellText(value).length <= 100;
    case 'product_name':
    case 'channel':
      return cell === 'text' || cell === 'number';
    default:
      return true;
  }
}

function fitOf(kind: OrderTarget, values: string[]): ColumnFit<string> {
  const importField = [...CUSTOMER_TARGETS].find(([, target]) => target === kind)?.[0];
  return importField ? columnFit(importField, values) : fitBy(kind, values, (value, cell) => orderValueFits(kind, value, cell));
}

/**
 * Suggests an order profile's columns from a file's headers and, when given, its first rows (header → value). Each
 * target takes the best-scoring column (the leftmost on a tie) whose values fit; a column is used once.
 */
export function suggestOrderMapping(headers: readonly string[], sample?: SampleRows): OrderMappingSuggestion {
  const hasSample = sample !== undefined && sample.length > 0;
  const guesses = headers.map((h, index) => {
    const header = h.trim();
    const guess = classifyOrderHeader(h);
    if (!hasSample || !guess) return { header, index, guess, misfit: undefined };
    return { header, index, ...checkGuess(header, guess, fitOf(guess.kind, sample.map((row) => row[h] ?? row[header] ?? ''))) };
  });
  const used = new Set<number>();
  const chosen = new Map<OrderTarget, string>();
  for (const { key } of ORDER_TARGETS) {
    let best: (typeof guesses)[number] | null = null;
    for (const g of guesses) {
      if (g.guess?.kind !== key || g.misfit || used.has(g.index)) continue;
      if (!best || g.guess.score > best.guess!.score) best = g;
    }
    if (!best) continue;
    chosen.set(key, best.header);
    used.add(best.index);
  }
  const fields: Partial<Record<OrderField, string>> = {};
  for (const [key, header] of chosen) if (key !== 'order_id') fields[key] = header;
  return {
    orderIdColumn: chosen.get('order_id') ?? null,
    fields,
    columns: guesses.map((g) => ({
      header: g.header, kind: g.guess?.kind ?? null, score: g.guess?.score ?? 0, used: used.has(g.index), ...(g.misfit ? { misfit: g.misfit } : {}),
    })),
    unmapped: guesses.filter((g) => !used.has(g.index)).map((g) => g.header),
  };
}
