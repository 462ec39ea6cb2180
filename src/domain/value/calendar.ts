/**
 * Calendar days in an IANA time zone: an order placed at 2026-04-01 00:30 Tokyo time belongs to 1 April there, even
 * though it is 31 March in UTC. Days are counted between local calendar dates, so daylight-saving changes (in zones
 * that have them) never make a day 23 or 25 hours long for counting purposes.
 */
import { ValueModelError } from './errors.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new ValueModelError('timeZone', `タイムゾーンが分かりません: ${timeZone}（例: Asia/Tokyo）`, `unknown time zone: ${timeZone} (e.g. Asia/Tokyo)`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/u;
const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/iu;

function fromText(text: string): Date | null {
  const m = WITH_OFFSET.exec(text.trim());
  if (!m) return null;
  const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.length === 3 ? `${m[3]}:00` : m[3]!.replace(/^([+-]\d{2}):?(\d{2})$/u, '$1:$2');
  return new Date(`${m[1]}T${m[2]}${zone}`);
}

/**
 * An instant (a Date, or ISO 8601 text with Z or an offset; PostgreSQL's '2026-04-01 09:30:00+09' too) → its
 * instant. Text without an offset is refused: it would be read in the server's own zone, which is the bug this
 * module exists to avoid.
 */
export function parseInstant(value: string | Date, field: string): Date {
  const d = value instanceof Date ? value : fromText(value);
  if (!d || Number.isNaN(d.getTime())) {
    throw new ValueModelError(field, `日時として読めません（時差つきの ISO 8601 で渡してください）: ${String(value)}`,
      `not a timestamp (ISO 8601 with Z or an offset is required): ${String(value)}`);
  }
  return d;
}

/** The calendar date ('YYYY-MM-DD') of an instant in a time zone. */
export function localDate(at: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return formatterFor(timeZone).format(at);
}

/** 'YYYY-MM-DD' → days since 1970-01-01 (a day number; differences are calendar days). */
export function dayNumber(date: string, field = 'date'): number {
  const m = DATE_ONLY.exec(date);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) {
    throw new ValueModelError(field, `日付として読めません（YYYY-MM-DD）: ${date}`, `not a date (YYYY-MM-DD): ${date}`);
  }
  return t / 86_400_000;
}

/** A date ('YYYY-MM-DD', taken as a date in the zone) or an instant → the calendar date in `timeZone`. */
export function asLocalDate(value: string | Date, timeZone: string, field: string): string {
  if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    dayNumber(value.trim(), field);
    formatterFor(timeZone); // the zone is checked even when a date needs no conversion
    return value.trim();
  }
  return localDate(parseInstant(value, field), timeZone);
}
