/**
 * Date parsing for birth dates and similar, including 和暦 (Japanese eras).
 *
 * Output is an ISO calendar date 'YYYY-MM-DD'. Pure: "today" is passed in
 * (never read from the clock) when a future check is wanted.
 *
 * ERA OVERFLOW RULE: a year past the end of its era (平成32年, 昭和65年, or
 * 平成31年5月1日) is ACCEPTED and converted arithmetically (平成32年 = 2020),
 * with `eraOverflow: true`. Why: pre-printed forms and systems kept the old
 * era after 改元, the meaning is unambiguous, and rejecting it loses data.
 * A date BEFORE its era started (昭和元年1月1日, 平成元年1月7日) is rejected
 * ('before_era_start'): that date never existed in that era, so it is a typo.
 * 元年 = year 1. Year 0 of an era is rejected.
 */
import { replaceKanjiNumeralsBefore } from './numerals.ts';

export type EraName = '明治' | '大正' | '昭和' | '平成' | '令和';

interface Era {
  readonly name: EraName;
  readonly short: string;
  readonly letter: string;
  /** First day of the era (ISO). */
  readonly start: string;
}

/** Era start dates. 明治 starts on 1868-01-25 (= 慶応4年1月1日, as 明治 was applied retroactively). */
export const ERAS: readonly Era[] = [
  { name: '令和', short: '令', letter: 'R', start: '2019-05-01' },
  { name: '平成', short: '平', letter: 'H', start: '1989-01-08' },
  { name: '昭和', short: '昭', letter: 'S', start: '1926-12-25' },
  { name: '大正', short: '大', letter: 'T', start: '1912-07-30' },
  { name: '明治', short: '明', letter: 'M', start: '1868-01-25' },
];

export type DateInvalidReason =
  | 'empty'
  | 'unrecognized'
  | 'incomplete'
  | 'invalid_date'
  | 'before_era_start'
  | 'out_of_range'
  | 'future';

export type ParsedDate =
  | {
      valid: true;
      /** ISO 'YYYY-MM-DD'. */
      value: string;
      reason: null;
      /** Era as written, if the input was 和暦. */
      era: { name: EraName; year: number } | null;
      /** True when the era year ran past the era's end (平成32年 → 2020). */
      eraOverflow: boolean;
    }
  | {
      valid: false;
      value: null;
      reason: DateInvalidReason;
      /** For 'incomplete' (令和5年, 1985年4月): what could be read. */
      partial: { year: number; month: number | null } | null;
    };

export interface DateOptions {
  /** ISO date; dates after it are rejected as 'future'. Omit to skip the check. */
  today?: string;
  /** Earliest accepted year (default 1868, start of 明治). */
  minYear?: number;
}

const ERA_TOKEN = new Map<string, Era>();
for (const e of ERAS) {
  ERA_TOKEN.set(e.name, e);
  ERA_TOKEN.set(e.short, e);
  ERA_TOKEN.set(e.letter, e);
}
const ERA_ALT = '明治|大正|昭和|平成|令和|[明大昭平令MTSHR]';

const SEP = '[./-]';
const RE_ERA_FULL = new RegExp(`^(${ERA_ALT})(\\d{1,2})(?:年|${SEP})(\\d{1,2})(?:月|${SEP})(\\d{1,2})日?$`, 'u');
const RE_ERA_COMPACT = new RegExp(`^(${ERA_ALT})(\\d{2})(\\d{2})(\\d{2})$`, 'u'); // S600403
const RE_ERA_MONTH = new RegExp(`^(${ERA_ALT})(\\d{1,2})(?:年|${SEP})(\\d{1,2})月?$`, 'u');
const RE_ERA_YEAR = new RegExp(`^(${ERA_ALT})(\\d{1,2})年?$`, 'u');
const RE_GREG_FULL = new RegExp(`^(\\d{4})(?:年|${SEP})(\\d{1,2})(?:月|${SEP})(\\d{1,2})日?$`, 'u');
const RE_GREG_COMPACT = /^(\d{4})(\d{2})(\d{2})$/u;
const RE_GREG_MONTH = new RegExp(`^(\\d{4})(?:年|${SEP})(\\d{1,2})月?$`, 'u');
const RE_GREG_YEAR = /^(\d{4})年?$/u;

/**
 * Clean: NFKC (full-width digits, Ｓ), drop a trailing time (Excel exports
 * '1985/04/03 0:00:00'), a weekday '(水)', '生'/'生まれ', '西暦', and all
 * spaces; kanji numerals before 年/月/日 become digits; 元年 → 1年.
 */
function clean(raw: string): string {
  let s = raw.normalize('NFKC').trim();
  s = s.replace(/(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$/u, '');
  s = s.replace(/\s+/gu, '').replace(/^西暦/u, '');
  s = s.replace(/\([月火水木金土日](?:曜日?)?\)$/u, '').replace(/生(?:まれ)?$/u, '');
  s = s.replace(/元(?=年)/gu, '1');
  s = replaceKanjiNumeralsBefore(s, ['年', '月', '日']);
  return s.toUpperCase();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  const t = new Date(Date.UTC(2000, m - 1, d)); // probe month/day in a leap year
  t.setUTCFullYear(y);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const invalid = (reason: DateInvalidReason, partial: { year: number; month: number | null } | null = null): ParsedDate => ({
  valid: false,
  value: null,
  reason,
  partial,
});

/** Gregorian year of `year` in era `era` (元年 = 1): 昭和60 → 1985. */
function eraYear(era: Era, year: number): number {
  return Number(era.start.slice(0, 4)) + year - 1;
}

/** Next era's start (the end bound used for the overflow flag), or null for 令和. */
function nextEraStart(era: Era): string | null {
  const i = ERAS.indexOf(era);
  return i > 0 ? ERAS[i - 1]!.start : null;
}

/**
 * Parse a date written in any common Japanese or ISO-like form. Never throws.
 * Forms: 昭和60年4月3日, 昭和六十年四月三日, S60.4.3, S60/4/3, s60-4-3, 昭60.4.3,
 * H1.1.8, 平成元年1月8日, S600403, 1985/4/3, 1985-04-03, 1985.4.3,
 * 1985年4月3日, 19850403, '1985/04/03 0:00:00', full-width digits.
 * Year-only or year-month input (令和5年, R5, 1985年4月) → 'incomplete'
 * with `partial`. Two-digit years and M/D/Y orders are rejected as
 * 'unrecognized' because they are ambiguous.
 *
 * @example parseDate('昭和60年4月3日').value // => '1985-04-03'
 * @example parseDate('H1.1.8').value // => '1989-01-08'
 * @example parseDate('平成元年1月7日').reason // => 'before_era_start'
 * @example parseDate('2023年2月30日').reason // => 'invalid_date'
 * @example parseDate('平成32年1月1日') // => { valid: true, value: '2020-01-01', eraOverflow: true, … }
 * @example parseDate('R5') // => { valid: false, reason: 'incomplete', partial: { year: 2023, month: null }, … }
 */
export function parseDate(raw: string, options: DateOptions = {}): ParsedDate {
  const minYear = options.minYear ?? 1868;
  const s = clean(raw);
  if (s === '') return invalid('empty');

  let m: RegExpExecArray | null;
  let era: Era | null = null;
  let ey = 0;
  let y: number;
  let mo: number;
  let d: number;
  if ((m = RE_ERA_FULL.exec(s) ?? RE_ERA_COMPACT.exec(s))) {
    era = ERA_TOKEN.get(m[1]!)!;
    ey = Number(m[2]);
    if (ey < 1) return invalid('invalid_date');
    y = eraYear(era, ey);
    mo = Number(m[3]);
    d = Number(m[4]);
  } else if ((m = RE_GREG_FULL.exec(s) ?? RE_GREG_COMPACT.exec(s))) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  } else if ((m = RE_ERA_MONTH.exec(s) ?? RE_ERA_YEAR.exec(s))) {
    const e = ERA_TOKEN.get(m[1]!)!;
    const n = Number(m[2]);
    if (n < 1) return invalid('invalid_date');
    const month = m[3] === undefined ? null : Number(m[3]);
    if (month !== null && (month < 1 || month > 12)) return invalid('invalid_date');
    return invalid('incomplete', { year: eraYear(e, n), month });
  } else if ((m = RE_GREG_MONTH.exec(s) ?? RE_GREG_YEAR.exec(s))) {
    const month = m[2] === undefined ? null : Number(m[2]);
    if (month !== null && (month < 1 || month > 12)) return invalid('invalid_date');
    return invalid('incomplete', { year: Number(m[1]), month });
  } else {
    return invalid('unrecognized');
  }

  if (!isRealDate(y, mo, d)) return invalid('invalid_date');
  const value = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
  if (era !== null && value < era.start) return invalid('before_era_start');
  if (y < minYear) return invalid('out_of_range');
  if (options.today !== undefined && value > options.today) return invalid('future');
  const next = era === null ? null : nextEraStart(era);
  return {
    valid: true,
    value,
    reason: null,
    era: era === null ? null : { name: era.name, year: ey },
    eraOverflow: next !== null && value >= next,
  };
}

/**
 * Birth-date flavour of `parseDate`: same forms, `today` recommended so that
 * future dates are rejected.
 *
 * @example parseBirthDate('S60/4/3', { today: '2024-06-01' }).value // => '1985-04-03'
 */
export function parseBirthDate(raw: string, options: DateOptions = {}): ParsedDate {
  return parseDate(raw, options);
}

/**
 * Format an ISO date in 和暦 using the era in force on that day.
 * Returns null for invalid input or dates before 明治.
 *
 * @example toWareki('1989-01-07') // => '昭和64年1月7日'
 * @example toWareki('1989-01-08') // => '平成元年1月8日'
 */
export function toWareki(iso: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(iso);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const era = ERAS.find((e) => iso >= e.start);
  if (era === undefined) return null;
  const n = Number(m[1]) - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${n === 1 ? '元' : n}年${Number(m[2])}月${Number(m[3])}日`;
}
