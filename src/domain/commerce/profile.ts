/**
 * Import profiles for order and event-attendance exports. Like a customer import profile (src/domain/import/profile.ts)
 * they name the file's columns, plus a `kind` the `daicho import` command dispatches on:
 *
 * {"kind":"orders","source":"ec","encoding":"cp932","order_id_column":"注文番号",
 *  "currency":"JPY","timezone":"Asia/Tokyo","date_order":"MDY",      (optional; these are the defaults)
 *  "fields":{"ordered_at":"注文日","sku":"商品コード","product_name":"商品名","quantity":"数量","unit_price":"単価",
 *            "amount":"金額","channel":"チャネル","status":"ステータス","customer_email":"メールアドレス",
 *            "customer_name":"氏名","customer_phone":"電話番号","member_id":"会員番号"}}
 *
 * {"kind":"event_attendance","source":"peatix","event_column":"イベント名","id_column":"受付ID",
 *  "fields":{"full_name":"氏名","email":"メール","company_name":"会社名","status":"出欠"}}
 */
import { SOURCE_NAME_PATTERN } from '../sources/names.ts';
import { MAX_HEADER_ROW, type ImportField } from '../import/profile.ts';
import { DEFAULT_ORDER_TIME_ZONE, isCurrencyCode, isTimeZone, type DateOrder } from './values.ts';

export const ORDER_FIELDS = [
  'ordered_at', 'sku', 'product_name', 'quantity', 'unit_price', 'amount', 'channel', 'status',
  'customer_email', 'customer_name', 'customer_name_kana', 'customer_phone', 'member_id', 'company_name',
  'postal_code', 'prefecture', 'address',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export const ATTENDANCE_FIELDS = [
  'full_name', 'full_name_kana', 'email', 'phone', 'company_name', 'department', 'title', 'status', 'registered_at',
] as const;
export type AttendanceField = (typeof ATTENDANCE_FIELDS)[number];

/** Order-row fields that describe the buyer, as import field names for identity resolution. */
export const ORDER_CUSTOMER_FIELDS: Partial<Record<OrderField, ImportField>> = {
  customer_email: 'email',
  customer_name: 'full_name',
  customer_name_kana: 'full_name_kana',
  customer_phone: 'phone',
  company_name: 'company_name',
  postal_code: 'postal_code',
  prefecture: 'prefecture',
  address: 'address',
};

export const ATTENDANCE_CUSTOMER_FIELDS: Partial<Record<AttendanceField, ImportField>> = {
  full_name: 'full_name',
  full_name_kana: 'full_name_kana',
  email: 'email',
  phone: 'phone',
  company_name: 'company_name',
  department: 'department',
  title: 'title',
};

interface FileOptions {
  source: string;
  encoding: string | null;
  delimiter: ',' | '\t' | ';' | null;
  sheet: string | number | null;
  /** The 1-based line (sheet row) of the header, for exports with title lines above it; null: detected. */
  headerRow: number | null;
}

export interface OrderProfile extends FileOptions {
  kind: 'orders';
  orderIdColumn: string;
  /** ISO 4217 currency of the file's amounts ("currency": "GBP"); default JPY. */
  currency: string;
  /** IANA time zone of order times written without an offset ("timezone": "Europe/London"); default Asia/Tokyo. */
  timeZone: string;
  /** How dates with the year last read ("date_order": "DMY" for 9/12/2011 = 9 December); default MDY. */
  dateOrder: DateOrder;
  /** Channel of every order when the file has no channel column (EC, 店舗, 電話…). */
  channel: string | null;
  fields: Partial<Record<OrderField, string>>;
}

export interface AttendanceProfile extends FileOptions {
  kind: 'event_attendance';
  /** Column holding the event's id or exact name; null when the event is given on the command line / upload. */
  eventColumn: string | null;
  /** The event tool's registration id (受付ID); without it a registration is keyed by e-mail, then phone. */
  idColumn: string | null;
  fields: Partial<Record<AttendanceField, string>>;
}

export type CommerceProfile = OrderProfile | AttendanceProfile;

export class CommerceProfileError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid profile: ${issues.join('; ')}`);
  }
}

/** True when a profile JSON is one of these kinds (the `import` command dispatches on it). */
export function isCommerceProfileJson(json: unknown): boolean {
  const kind = (json as { kind?: unknown } | null)?.kind;
  return kind === 'orders' || kind === 'event_attendance';
}

export function parseCommerceProfile(json: unknown): CommerceProfile {
  const issues: string[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CommerceProfileError(['profile: プロファイルは JSON オブジェクトです (must be a JSON object)']);
  const o = json as Record<string, unknown>;
  const kind = o.kind;
  if (kind !== 'orders' && kind !== 'event_attendance') throw new CommerceProfileError(['kind: "orders" か "event_attendance" です (must be "orders" or "event_attendance")']);
  const allowed = kind === 'orders'
    ? ['kind', 'source', 'encoding', 'delimiter', 'sheet', 'header_row', 'order_id_column', 'channel', 'currency', 'timezone', 'date_order', 'fields']
    : ['kind', 'source', 'encoding', 'delimiter', 'sheet', 'header_row', 'event_column', 'id_column', 'fields'];
  for (const key of Object.keys(o)) if (!allowed.includes(key)) issues.push(`${key}: 知らない項目です (unknown key; a ${kind} profile has ${allowed.join(', ')})`);
  const source = typeof o.source === 'string' ? o.source.trim() : '';
  if (!SOURCE_NAME_PATTERN.test(source)) issues.push('source: 半角英小文字・数字・- と _ の63文字までです (lower-case letters, digits, - and _, at most 63 characters, e.g. "ec", "peatix")');
  const str = (key: string): string | null => {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.trim() === '') {
      issues.push(`${key}: 空でない文字列にしてください (must be a non-empty string)`);
      return null;
    }
    return v.trim();
  };
  const encoding = str('encoding');
  const delimiterRaw = o.delimiter;
  let delimiter: FileOptions['delimiter'] = null;
  if (delimiterRaw !== undefined && delimiterRaw !== null) {
    if (delimiterRaw === ',' || delimiterRaw === '\t' || delimiterRaw === ';') delimiter = delimiterRaw;
    else issues.push('delimiter: "," "\\t" ";" のいずれかです (one of "," "\\t" ";")');
  }
  const sheet = typeof o.sheet === 'string' || typeof o.sheet === 'number' ? o.sheet : null;
  let headerRow: number | null = null;
  if (o.header_row !== undefined && o.header_row !== null) {
    if (typeof o.header_row === 'number' && Number.isInteger(o.header_row) && o.header_row >= 1 && o.header_row <= MAX_HEADER_ROW) headerRow = o.header_row;
    else issues.push(`header_row: 1 から ${MAX_HEADER_ROW} までの行番号です (a line number from 1 to ${MAX_HEADER_ROW})`);
  }
  const names: readonly string[] = kind === 'orders' ? ORDER_FIELDS : ATTENDANCE_FIELDS;
  const fields: Record<string, string> = {};
  if (!o.fields || typeof o.fields !== 'object' || Array.isArray(o.fields)) issues.push('fields: 項目 → 列名 のオブジェクトです (an object of field → column)');
  else {
    for (const [k, v] of Object.entries(o.fields as Record<string, unknown>)) {
      if (!names.includes(k)) issues.push(`fields.${k}: 知らない項目です (unknown field; one of ${names.join(', ')})`);
      else if (typeof v !== 'string' || v.trim() === '') issues.push(`fields.${k}: 列名を指定してください (a column name)`);
      else fields[k] = v.trim();
    }
  }
  const common = { source, encoding, delimiter, sheet, headerRow };
  if (kind === 'orders') {
    const orderIdColumn = str('order_id_column');
    if (!orderIdColumn) issues.push('order_id_column: 注文番号の列は必須です (the column with the order number is required)');
    if (!fields.customer_email && !fields.customer_phone && !fields.member_id) issues.push('fields: 顧客キー (会員番号・メールアドレス・電話番号) の列が少なくとも1つ必要です (map at least one customer key: customer_email, customer_phone or member_id)');
    if (!fields.amount && !fields.unit_price) issues.push('fields: 金額か単価の列が必要です (map amount or unit_price)');
    const channel = str('channel');
    const currency = (str('currency') ?? 'JPY').toUpperCase();
    if (!isCurrencyCode(currency)) issues.push(`currency: ISO 4217 の通貨コードです (an ISO 4217 currency code such as JPY, GBP, USD): ${currency}`);
    const timeZone = str('timezone') ?? DEFAULT_ORDER_TIME_ZONE;
    if (!isTimeZone(timeZone)) issues.push(`timezone: IANA のタイムゾーン名です (an IANA time zone such as Asia/Tokyo, Europe/London): ${timeZone}`);
    const dateOrder = (str('date_order') ?? 'MDY').toUpperCase();
    if (dateOrder !== 'MDY' && dateOrder !== 'DMY') issues.push('date_order: "MDY" (12/9/2011 = 12月9日) か "DMY" (= 9月12日) です (MDY or DMY)');
    if (issues.length) throw new CommerceProfileError(issues);
    return { kind, ...common, orderIdColumn: orderIdColumn!, channel, currency, timeZone, dateOrder: dateOrder as DateOrder, fields };
  }
  const eventColumn = str('event_column');
  const idColumn = str('id_column');
  if (!fields.email && !fields.phone && !idColumn) issues.push('fields: メールアドレスか電話番号の列、または id_column が必要です (map email or phone, or give id_column)');
  if (issues.length) throw new CommerceProfileError(issues);
  return { kind, ...common, eventColumn, idColumn, fields };
}

function foldHeader(h: string): string {
  return h.normalize('NFKC').toLowerCase().replace(/[\s\u3000]+/gu, '');
}

/**
 * Replaces each column name of a profile by the file header it matches (exactly after trimming, or after
 * width/case/space folding when exactly one header folds the same). Returns the columns the file lacks.
 */
export function bindCommerceProfile<P extends CommerceProfile>(profile: P, headers: readonly string[]): { profile: P; missing: string[] } {
  const trimmed = headers.map((h) => h.trim());
  const exact = new Set(trimmed);
  const folded = new Map<string, string[]>();
  for (const h of trimmed) folded.set(foldHeader(h), [...(folded.get(foldHeader(h)) ?? []), h]);
  const missing: string[] = [];
  const resolve = (name: string): string => {
    if (exact.has(name)) return name;
    const c = folded.get(foldHeader(name)) ?? [];
    if (c.length === 1) return c[0]!;
    if (!missing.includes(name)) missing.push(name);
    return name;
  };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(profile.fields)) fields[k] = resolve(v as string);
  if (profile.kind === 'orders') {
    return { profile: { ...profile, orderIdColumn: resolve(profile.orderIdColumn), fields } as P, missing };
  }
  return {
    profile: { ...profile, eventColumn: profile.eventColumn ? resolve(profile.eventColumn) : null, idColumn: profile.idColumn ? resolve(profile.idColumn) : null, fields } as P,
    missing,
  };
}
