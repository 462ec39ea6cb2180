/**
 * Parsing of the values order and event exports carry: amounts (¥1,200 / １２００円 / △300), quantities, order
 * status words, attendance words and order timestamps (和暦 and 2026/4/3 via the date normaliser). Pure.
 *
 * Money is handled as integer sen (1/100 yen) and quantities as integer thousandths, so sums never drift; the
 * database keeps them as numeric and the API as decimal strings.
 */
import { parseDate } from '../normalize/date.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function cleanNumber(raw: string): { text: string; negative: boolean } {
  let s = raw.normalize('NFKC').trim();
  let negative = false;
  if (/^[△▲]/u.test(s)) {
    negative = true;
    s = s.slice(1);
  }
  if (/^\(.*\)$/u.test(s)) {
    negative = !negative;
    s = s.slice(1, -1);
  }
  s = s.replace(/^(?:US\$|[¥\\$£€])|円$|(?:JPY|USD|GBP|EUR)$/giu, '').replace(/[,\s]/gu, '').replace(/^[¥\\]/u, '').replace(/[−ー‐–—]/gu, '-');
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  return { text: s, negative };
}

/** ¥1,200 → 120000 sen. Up to 2 decimals; negative with -, △, ▲ or (…). Blank → null. */
export function parseAmount(raw: string | null | undefined): Parsed<number | null> {
  if (raw === null || raw === undefined || raw.normalize('NFKC').trim() === '') return ok(null);
  const { text, negative } = cleanNumber(raw);
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/u.exec(text);
  if (!m) return fail(`金額として読めません (not an amount): ${raw}`);
  const sen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || 0);
  return ok(negative ? -sen : sen);
}

/** 3 → 3000 thousandths; up to 3 decimals; negative means returned. Blank → null. */
export function parseQuantity(raw: string | null | undefined): Parsed<number | null> {
  if (raw === null || raw === undefined || raw.normalize('NFKC').trim() === '') return ok(null);
  const { text, negative } = cleanNumber(raw.replace(/(個|点|枚|本|冊|名|人)$/u, ''));
  const m = /^(\d{1,9})(?:\.(\d{1,3}))?$/u.exec(text);
  if (!m) return fail(`数量として読めません (not a quantity): ${raw}`);
  const milli = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0') || 0);
  return ok(negative ? -milli : milli);
}

/** Integer sen → '1200.00'. */
export function senToDecimal(sen: number): string {
  const sign = sen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(sen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Integer thousandths → '3' or '1.5'. */
export function milliToDecimal(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(Math.round(milli));
  const frac = String(abs % 1000).padStart(3, '0').replace(/0+$/u, '');
  return `${sign}${Math.floor(abs / 1000)}${frac ? `.${frac}` : ''}`;
}

/** A decimal string from the database ('1200.00', '3.000') → sen / thousandths. */
export function decimalToSen(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Math.round(Number(value) * 100);
}
export function decimalToMilli(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Math.round(Number(value) * 1000);
}

/** amount = quantity × unit price, rounded to the sen. */
export function lineAmount(quantityMilli: number, unitPriceSen: number): number {
  return Math.round((quantityMilli * unitPriceSen) / 1000);
}

export type OrderRowStatus = 'completed' | 'cancelled' | 'returned';

const STATUS_WORDS: ReadonlyArray<[RegExp, OrderRowStatus]> = [
  [/^(キャンセル|ｷｬﾝｾﾙ|取消|取消し|取り消し|注文取消|cancel|cancell?ed|void)$/iu, 'cancelled'],
  [/^(返品|返品済|返品済み|返金|returned|return|refunded|refund)$/iu, 'returned'],
  [/^(完了|済|出荷済|出荷済み|発送済|発送済み|受注|注文|確定|入金済|入金済み|支払済|支払済み|completed|complete|shipped|paid|ordered|ok|normal|通常)$/iu, 'completed'],
];

/** A status cell: キャンセル / 返品 / 完了 (and English). Blank → completed. */
export function parseOrderStatus(raw: string | null | undefined): Parsed<OrderRowStatus> {
  const s = (raw ?? '').normalize('NFKC').trim().replace(/\s+/gu, '');
  if (s === '') return ok('completed');
  for (const [re, status] of STATUS_WORDS) if (re.test(s)) return ok(status);
  return fail(`ステータスが分かりません (unknown status): ${raw} (完了/キャンセル/返品)`);
}

export type RegistrationStatus = 'registered' | 'attended' | 'no_show' | 'cancelled';

const ATTENDANCE_WORDS: ReadonlyArray<[RegExp, RegistrationStatus]> = [
  [/^(出席|参加|参加済|参加済み|来場|来場済|来場済み|受付済|受付済み|attended|attend|present|checkedin|checked-in|yes|y|○|〇|◯|済)$/iu, 'attended'],
  [/^(欠席|不参加|不在|未来場|来場なし|no-?show|noshow|no_show|absent|no|n|×|✕)$/iu, 'no_show'],
  [/^(キャンセル|取消|取り消し|辞退|cancel|cancell?ed)$/iu, 'cancelled'],
  [/^(申込|申込み|申し込み|申込済|登録|登録済|予約|registered|register|pending|未定|-)$/iu, 'registered'],
];

/** 出欠 cell: 出席/欠席/attended/no-show/キャンセル; blank → registered. */
export function parseAttendance(raw: string | null | undefined): Parsed<RegistrationStatus> {
  const s = (raw ?? '').normalize('NFKC').trim().replace(/\s+/gu, '');
  if (s === '') return ok('registered');
  for (const [re, status] of ATTENDANCE_WORDS) if (re.test(s)) return ok(status);
  return fail(`出欠が分かりません (unknown attendance): ${raw} (出席/欠席)`);
}

/** How a date written with the year last reads: 12/9/2011 is 9 December (MDY, US shops) or 12 September (DMY). */
export type DateOrder = 'MDY' | 'DMY';

export interface TimestampOptions {
  /** IANA time zone of times written without an offset. Default Asia/Tokyo. */
  timeZone?: string;
  /** For dates written with the year last (12/9/2011). Default MDY; a first number above 12 reads as DMY anyway. */
  dateOrder?: DateOrder;
}

export const DEFAULT_ORDER_TIME_ZONE = 'Asia/Tokyo';

/** Whether the runtime knows this IANA time zone (PostgreSQL's tz database knows the same names). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/u.test(zone);
  } catch {
    return false;
  }
}

/** ISO 4217 code as the runtime knows it (JPY, GBP, USD…). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/u.test(code)) return false;
  const known = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('currency');
  return known ? known.includes(code) : true;
}

/** The offset (minutes east of UTC) of a zone at an instant. */
function offsetMinutes(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall-clock time in a zone. Around a daylight-saving change the earlier of two readings is taken,
 * and a time skipped by the change moves forward by the gap (as PostgreSQL does).
 */
export function zonedInstant(day: string, h: number, mi: number, se: number, zone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + ((h * 60 + mi) * 60 + se) * 1000;
  const first = wall - offsetMinutes(zone, wall) * 60_000;
  const second = wall - offsetMinutes(zone, first) * 60_000;
  const readsBack = [first, second].filter((t) => t + offsetMinutes(zone, t) * 60_000 === wall);
  // Two readings (the repeated hour): the earlier; none (the skipped hour): the offset before the change.
  return new Date(readsBack.length ? Math.min(...readsBack) : Math.max(first, second));
}

/**
 * An order or registration time: ISO 8601 with an offset is taken as is; otherwise a date in any form the date
 * normaliser reads (2026/4/3, 2026年4月3日, 令和8年4月3日, R8.4.3) or with the year last (12/9/2011: MDY unless
 * the profile says DMY), with an optional H:MM[:SS], as wall-clock time in the given zone (default Japan).
 * Returns an ISO timestamp (UTC).
 */
export function parseTimestamp(raw: string | null | undefined, options: TimestampOptions = {}): Parsed<string | null> {
  const s0 = (raw ?? '').normalize('NFKC').trim();
  if (s0 === '') return ok(null);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/u.test(s0)) {
    const t = Date.parse(s0);
    return Number.isNaN(t) ? fail(`日時として読めません (not a date): ${raw}`) : ok(new Date(t).toISOString());
  }
  const tm = /^(.*?)[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/u.exec(s0);
  const datePart = tm ? tm[1]! : s0;
  const day = yearLastDate(datePart, options.dateOrder ?? 'MDY') ?? (() => {
    const parsed = parseDate(datePart);
    return parsed.valid ? parsed.value : null;
  })();
  if (day === null) return fail(`日付として読めません (not a date): ${raw}`);
  let h = 0;
  let mi = 0;
  let se = 0;
  if (tm) {
    h = Number(tm[2]);
    mi = Number(tm[3]);
    se = Number(tm[4] ?? 0);
    if (h > 23 || mi > 59 || se > 59) return fail(`時刻として読めません (not a time): ${raw}`);
  }
  return ok(zonedInstant(day, h, mi, se, options.timeZone ?? DEFAULT_ORDER_TIME_ZONE).toISOString());
}

/** 12/9/2011, 9.12.2011, 12-09-2011 (year last) → YYYY-MM-DD, or null when the text is not of that shape or no real date. */
function yearLastDate(text: string, order: DateOrder): string | null {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/u.exec(text);
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const y = Number(m[3]);
  // A first number above 12 can only be a day; a second above 12 only a day too.
  const [month, dayOfMonth] = a > 12 ? [b, a] : b > 12 ? [a, b] : order === 'MDY' ? [a, b] : [b, a];
  const date = new Date(Date.UTC(y, month - 1, dayOfMonth));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== dayOfMonth) return null;
  return date.toISOString().slice(0, 10);
}
