/**
 * The dashboard's pure pieces (no React, no ECharts), tested in test/web/dashboard-data.test.ts: number formats by
 * column kind (¥ with 万/億, 人 / 件, %, 日), a panel's rows as a CSV file (UTF-8 with BOM, Japanese headers), the
 * filters as URL parameters, the date range quick picks in Japan time, and the month × series pivots the charts draw.
 */
import type { CompositionDimension, Panel, PanelId, PanelQuery } from '../../../use/dashboards/dashboards.schemas.ts';

export type ColumnKind = Panel['columns'][number]['kind'];
export type Cell = Panel['rows'][number][string];
export type PanelRow = Panel['rows'][number];

export const DIMENSIONS: readonly CompositionDimension[] = ['industry', 'size_band', 'prefecture', 'channel', 'source', 'stage', 'owner'];

/** A cell as a number (yen sums come as numeric strings); null for empty or non-numeric cells. */
export function num(value: Cell | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

const int = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 1 });

/** Yen to the nearest yen with separators: ¥12,345,678. */
export function yenFull(value: Cell | undefined): string {
  const n = num(value);
  return n === null ? '—' : `${n < 0 ? '-' : ''}¥${int.format(Math.abs(Math.round(n)))}`;
}

/**
 * Yen as a manager reads it at a glance: ¥9,800 below 10万, ¥12.5万 below 100万, ¥3,450万 below 1億, then ¥1.2億
 * (one decimal, dropped when it is .0).
 */
export function yenShort(value: Cell | undefined): string {
  const n = num(value);
  if (n === null) return '—';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a >= 1e8) return `${sign}¥${oneDecimal.format(Math.round(a / 1e7) / 10)}億`;
  if (a >= 1e6) return `${sign}¥${int.format(Math.round(a / 1e4))}万`;
  if (a >= 1e4) return `${sign}¥${oneDecimal.format(Math.round(a / 1e3) / 10)}万`;
  return `${sign}¥${int.format(Math.round(a))}`;
}

/** Columns that count people (人); other counts are things (件). */
const PEOPLE = new Set(['customers', 'buyers', 'newBuyers', 'returningBuyers', 'cohortSize', 'newCustomers', 'reached', 'converted']);

export type Lang = 'ja' | 'en';

/** A count with separators and its unit: 12,345人 / 1,234件 (English: 12,345). */
export function countText(value: Cell | undefined, column: string, lang: Lang = 'ja'): string {
  const n = num(value);
  if (n === null) return '—';
  const text = int.format(n);
  if (lang === 'en') return text;
  return `${text}${PEOPLE.has(column) ? '人' : '件'}`;
}

/** A 0–1 rate as a percent with one decimal: 34.5%. */
export function rateText(value: Cell | undefined): string {
  const n = num(value);
  return n === null ? '—' : `${oneDecimal.format(n * 100)}%`;
}

/** Days, one decimal at most: 12日 / 3.5日 (English: 12 d). */
export function daysText(value: Cell | undefined, lang: Lang = 'ja'): string {
  const n = num(value);
  if (n === null) return '—';
  return lang === 'ja' ? `${oneDecimal.format(n)}日` : `${oneDecimal.format(n)} d`;
}

/** 「2026-04」 → 「2026年4月」 (English: 2026-04). */
export function monthText(value: Cell | undefined, lang: Lang = 'ja'): string {
  if (typeof value !== 'string') return value === null || value === undefined ? '—' : String(value);
  const m = /^(\d{4})-(\d{2})$/u.exec(value);
  if (!m || lang === 'en') return value;
  return `${m[1]}年${Number(m[2])}月`;
}

/** A short month for chart axes: 「2026-04」 → 「2026/4」. */
export function monthAxis(value: string): string {
  const m = /^(\d{4})-(\d{2})$/u.exec(value);
  return m ? `${m[1]}/${Number(m[2])}` : value;
}

/** A cell as its column kind shows it in a table (yen in the short form; the full amount goes in the title). */
export function cellText(value: Cell | undefined, kind: ColumnKind, column: string, lang: Lang = 'ja'): string {
  switch (kind) {
    case 'yen': return yenShort(value);
    case 'count': return countText(value, column, lang);
    case 'rate': return rateText(value);
    case 'days': return daysText(value, lang);
    case 'month': return monthText(value, lang);
    default: return value === null || value === undefined ? '—' : String(value);
  }
}

// ── CSV ──

/** One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for Excel. */
export function csvField(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/u.test(s) && !/^-?\d+(\.\d+)?$/u.test(s)) s = `'${s}`;
  return /[",\r\n]/u.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A panel's rows as CSV text: a byte order mark (so Excel reads UTF-8 Japanese), one header line of the columns'
 * names (`header(key)`), then one line per row with the values as the API sent them (rates 0–1, yen unrounded), CRLF.
 */
export function panelCsv(panel: Pick<Panel, 'columns' | 'rows'>, header: (column: string) => string): string {
  const lines = [panel.columns.map((c) => csvField(header(c.key))).join(',')];
  for (const row of panel.rows) lines.push(panel.columns.map((c) => csvField(row[c.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The file name of a panel's CSV: daicho-revenue_by_month-2026-01-01_2026-03-31.csv. */
export function csvFileName(panel: PanelId, filters: DashboardFilters, by?: string | null): string {
  const range = filters.from || filters.to ? `-${filters.from ?? 'start'}_${filters.to ?? 'today'}` : '';
  return `daicho-${panel}${by ? `-${by}` : ''}${range}.csv`;
}

// ── filters in the URL ──

export interface DashboardFilters {
  segment?: string;
  from?: string;
  to?: string;
}

export type Metric = 'customers' | 'buyers' | 'revenue';
export const METRICS: readonly Metric[] = ['customers', 'buyers', 'revenue'];

export interface DashboardView extends DashboardFilters {
  by: CompositionDimension;
  metric: Metric;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** The view a URL's query names; anything malformed is left out (the defaults: prefecture, customers). */
export function viewFromSearch(search: URLSearchParams): DashboardView {
  const by = search.get('by');
  const metric = search.get('metric');
  const segment = search.get('segment') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  return {
    by: (DIMENSIONS as readonly string[]).includes(by ?? '') ? (by as CompositionDimension) : 'prefecture',
    metric: (METRICS as readonly string[]).includes(metric ?? '') ? (metric as Metric) : 'customers',
    ...(UUID.test(segment) ? { segment } : {}),
    ...(DATE.test(from) ? { from } : {}),
    ...(DATE.test(to) ? { to } : {}),
  };
}

/** The view as a URL query (defaults left out, so the plain page is /dashboard). */
export function searchOfView(view: DashboardView): string {
  const params = new URLSearchParams();
  if (view.segment) params.set('segment', view.segment);
  if (view.from) params.set('from', view.from);
  if (view.to) params.set('to', view.to);
  if (view.by !== 'prefecture') params.set('by', view.by);
  if (view.metric !== 'customers') params.set('metric', view.metric);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** What a panel request sends: the filters, and `by` for the composition panel. */
export function panelQuery(view: DashboardView, panel: PanelId): PanelQuery {
  return {
    ...(view.segment ? { segment: view.segment } : {}),
    ...(view.from ? { from: view.from } : {}),
    ...(view.to ? { to: view.to } : {}),
    ...(panel === 'composition' ? { by: view.by } : {}),
  };
}

// ── date range quick picks (Japan time) ──

export type RangePick = 'thisMonth' | 'last3' | 'last12' | 'all';
export const RANGE_PICKS: readonly RangePick[] = ['thisMonth', 'last3', 'last12', 'all'];

/** Today in Japan as YYYY-MM-DD. */
export function todayInJapan(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The first day of the month `back` months before `day`'s month. */
function monthStart(day: string, back: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/**
 * A quick pick as from / to: whole calendar months up to today (今月: this month so far; 過去3か月: this month and the
 * two before; 過去12か月: this month and the eleven before), or no range (全期間).
 */
export function rangeOf(pick: RangePick, today: string): DashboardFilters {
  switch (pick) {
    case 'thisMonth': return { from: monthStart(today, 0), to: today };
    case 'last3': return { from: monthStart(today, 2), to: today };
    case 'last12': return { from: monthStart(today, 11), to: today };
    case 'all': return {};
  }
}

/** The quick pick a range is, if it is one (the button shown pressed). */
export function pickOf(filters: DashboardFilters, today: string): RangePick | null {
  for (const pick of RANGE_PICKS) {
    const r = rangeOf(pick, today);
    if ((r.from ?? '') === (filters.from ?? '') && (r.to ?? '') === (filters.to ?? '')) return pick;
  }
  return null;
}

// ── pivots for the charts ──

/** The distinct values of a column in first-seen order. */
export function distinct(rows: readonly PanelRow[], column: string): string[] {
  const seen = new Set<string>();
  for (const row of rows) seen.add(row[column] === null || row[column] === undefined ? '' : String(row[column]));
  return [...seen];
}

/** Months from the first to the last that occur (none missing between), sorted: the x axis of a trend. */
export function monthAxisOf(rows: readonly PanelRow[], column = 'month'): string[] {
  const months = distinct(rows, column).filter((m) => /^\d{4}-\d{2}$/u.test(m)).sort();
  if (months.length < 2) return months;
  const out: string[] = [];
  const [fy, fm] = months[0]!.split('-').map(Number) as [number, number];
  const [ly, lm] = months[months.length - 1]!.split('-').map(Number) as [number, number];
  for (let i = fy * 12 + fm - 1; i <= ly * 12 + lm - 1; i++) out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  return out;
}

export interface Series {
  /** The series' key as the rows hold it ('' for null). */
  key: string;
  name: string;
  values: number[];
  total: number;
}

/**
 * Long rows (month, series, value) as one series per series key over `months`, largest total first; past `limit`
 * series the rest are summed into one named `otherName` (the chart only: the CSV keeps every row).
 */
export function pivot(
  rows: readonly PanelRow[], months: readonly string[], seriesColumn: string, valueColumn: string,
  nameOf: (key: string, row: PanelRow) => string, limit = 8, otherName = 'その他',
): Series[] {
  const index = new Map(months.map((m, i) => [m, i]));
  const bySeries = new Map<string, Series>();
  for (const row of rows) {
    const i = index.get(String(row.month));
    if (i === undefined) continue;
    const key = row[seriesColumn] === null || row[seriesColumn] === undefined ? '' : String(row[seriesColumn]);
    let s = bySeries.get(key);
    if (!s) {
      s = { key, name: nameOf(key, row), values: months.map(() => 0), total: 0 };
      bySeries.set(key, s);
    }
    const v = num(row[valueColumn]) ?? 0;
    s.values[i]! += v;
    s.total += v;
  }
  const sorted = [...bySeries.values()].sort((a, b) => b.total - a.total);
  if (sorted.length <= limit) return sorted;
  const kept = sorted.slice(0, limit - 1);
  const rest = sorted.slice(limit - 1);
  const other: Series = { key: '\u0000other', name: otherName, values: months.map((_, i) => rest.reduce((s, x) => s + x.values[i]!, 0)), total: rest.reduce((s, x) => s + x.total, 0) };
  return [...kept, other];
}

/** A label for a chart axis cut to `max` characters with an ellipsis (the full one goes in the tooltip). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Text made safe for the HTML of a chart tooltip. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A value's share of the largest, 0–1, for a colour scale (0 when there is nothing). */
export function intensity(value: number | null, max: number): number {
  if (!value || max <= 0) return 0;
  return Math.max(0, Math.min(1, value / max));
}
