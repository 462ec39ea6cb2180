import type { AuthContext } from '../../core/context.ts';
import { cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, PG_QUERY_CANCELED, sqlState } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { JSIC_MAJOR } from '../../domain/companies/industry.ts';
import { SIZE_BANDS, SIZE_BAND_LABELS } from '../../domain/companies/size.ts';
import { FUNNEL_STAGES } from '../../domain/customers/funnel.ts';
import { listCustomersByIds } from '../../ledger/customers/customers.service.ts';
import type { CustomerListItem } from '../../ledger/customers/customers.schemas.ts';
import * as repo from './dashboards.repository.ts';
import type { CompositionDimension, DrillQuery, Panel, PanelId, PanelQuery } from './dashboards.schemas.ts';

/**
 * The dashboards: each panel is one read of the ledger (dashboards.repository.ts) turned into the contract's table
 * (columns + rows), with Japanese labels for codes. Filters: a saved segment's members, and a range of Japan dates
 * that each measure applies to its own time (customers: created_at; orders: ordered_at; stage changes: changed_at).
 */

const UNSET = '未設定';
const UNCATEGORISED = '未分類';
/** The funnel's stages, in order (stored per customer as customer_funnel's columns). */
export { FUNNEL_STAGES };
/** Trend panels without a range show this many months, the current one last. */
const TREND_MONTHS = 24;
const DAY = 86_400_000;
const JST = 9 * 3_600_000;

type Row = Panel['rows'][number];
type Columns = Panel['columns'];

const int = (v: number | string | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
/** Yen sums as numbers (line amounts are decimals; sums of yen fit a double exactly far beyond any ledger). */
const yen = (v: number | string | null | undefined) => (v === null || v === undefined ? 0 : Math.round(Number(v) * 100) / 100);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const round1 = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

/** The Japan calendar month (YYYY-MM) of a time, and the months from one to another inclusive. */
const monthOf = (at: Date) => new Date(at.getTime() + JST).toISOString().slice(0, 7);
function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 600; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > last) break;
    out.push(key);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

interface Resolved { scope: repo.Scope; months: string[]; filters: Panel['filters'] }

/**
 * The query's filters as a scope (Japan midnights), checked: from ≤ to, an existing segment (404 otherwise). Trend
 * panels without a range get the last 24 months (their scope then starts at the first of them).
 */
async function resolve(db: Db, query: Pick<PanelQuery, 'segment' | 'from' | 'to'>, trend: boolean, now: Date): Promise<Resolved> {
  const start = (d: string) => {
    const t = Date.parse(`${d}T00:00:00+09:00`);
    if (Number.isNaN(t) || new Date(t + JST).toISOString().slice(0, 10) !== d) throw new AppError('validation_failed', 'Invalid date', [{ field: 'from', message: '存在しない日付です (no such date)' }]);
    return t;
  };
  const from = query.from ? start(query.from) : null;
  const until = query.to ? start(query.to) + DAY : null;
  if (from !== null && until !== null && from >= until) {
    throw new AppError('validation_failed', 'Invalid range', [{ field: 'to', message: '終了日は開始日以降にしてください (to must not be before from)' }]);
  }
  if (query.segment && !(await repo.segmentExists(db, query.segment))) throw new AppError('not_found', 'セグメントが見つかりません (segment not found)');
  const lastMonth = monthOf(until !== null ? new Date(until - 1) : now);
  let firstMonth = from !== null ? monthOf(new Date(from)) : null;
  let scopeFrom = from;
  let fromDay = query.from ?? null;
  if (firstMonth === null && trend) {
    const [y, m] = lastMonth.split('-').map(Number) as [number, number];
    const index = y * 12 + (m - 1) - (TREND_MONTHS - 1);
    firstMonth = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    scopeFrom = Date.parse(`${firstMonth}-01T00:00:00+09:00`);
    fromDay = `${firstMonth}-01`;
  }
  return {
    scope: {
      segmentId: query.segment ?? null, from: scopeFrom === null ? null : new Date(scopeFrom), until: until === null ? null : new Date(until),
      fromDay, toDay: query.to ?? null,
    },
    months: firstMonth ? monthsBetween(firstMonth, lastMonth) : [],
    filters: { segment: query.segment ?? null, from: query.from ?? null, to: query.to ?? null },
  };
}

/** Label and order of each key of a composition dimension. */
async function labelsOf(db: Db, dimension: CompositionDimension): Promise<{ label: (key: string) => string; order: (key: string) => number | null }> {
  if (dimension === 'industry') return { label: (k) => JSIC_MAJOR[k as keyof typeof JSIC_MAJOR] ?? k, order: (k) => k.charCodeAt(0) };
  if (dimension === 'size_band') return { label: (k) => SIZE_BAND_LABELS[k as keyof typeof SIZE_BAND_LABELS] ?? k, order: (k) => (SIZE_BANDS as readonly string[]).indexOf(k) };
  if (dimension === 'prefecture') return { label: (k) => k, order: () => null };
  const rows = await repo.dimensionLabels(db, dimension);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const ordered = dimension === 'stage' || dimension === 'channel';
  return { label: (k) => byCode.get(k)?.label ?? k, order: (k) => (ordered ? byCode.get(k)?.sort ?? 1000 : null) };
}

const YEN_ORDERS = ['orders', 'revenue'];

async function composition(db: Db, by: CompositionDimension, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const [rows, labels] = await Promise.all([repo.composition(db, by, r.scope), labelsOf(db, by)]);
  const out = rows.map((x) => ({
    key: x.key, label: x.key === null ? UNSET : labels.label(x.key),
    customers: int(x.customers), buyers: int(x.buyers), orders: int(x.orders), revenue: yen(x.revenue),
  }));
  // Ordered dimensions (stages, channels, size bands, industries) in their order; the others largest first; 未設定 last.
  out.sort((a, b) => {
    if (a.key === null || b.key === null) return a.key === null ? (b.key === null ? 0 : 1) : -1;
    const oa = labels.order(a.key);
    const ob = labels.order(b.key);
    if (oa !== null && ob !== null && oa !== ob) return oa - ob;
    return b.customers - a.customers || b.revenue - a.revenue || a.key.localeCompare(b.key);
  });
  return {
    columns: [{ key: 'key', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'customers', kind: 'count' }, { key: 'buyers', kind: 'count' }, { key: YEN_ORDERS[0]!, kind: 'count' }, { key: 'revenue', kind: 'yen' }],
    rows: out,
  };
}

async function funnel(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const [rows, labels] = await Promise.all([repo.funnel(db, FUNNEL_STAGES, r.scope), repo.dimensionLabels(db, 'stage')]);
  const label = new Map(labels.map((l) => [l.code, l.label]));
  const byStage = new Map(rows.map((x) => [Number(x.stage), x]));
  return {
    columns: [{ key: 'stage', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'reached', kind: 'count' }, { key: 'converted', kind: 'count' },
      { key: 'conversionRate', kind: 'rate' }, { key: 'medianDays', kind: 'days' }, { key: 'averageDays', kind: 'days' }],
    rows: FUNNEL_STAGES.map((stage, k) => {
      const x = byStage.get(k);
      const reached = int(x?.reached);
      const last = k === FUNNEL_STAGES.length - 1;
      const converted = last ? 0 : int(x?.converted);
      return {
        stage, label: label.get(stage) ?? stage, reached, converted, conversionRate: last ? null : ratio(converted, reached),
        medianDays: last ? null : round1(x?.median_days ?? null), averageDays: last ? null : round1(x?.average_days ?? null),
      };
    }),
  };
}

async function revenueByMonth(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const rows = new Map((await repo.revenueByMonth(db, r.scope)).map((x) => [x.month, x]));
  return {
    columns: [{ key: 'month', kind: 'month' }, { key: 'revenue', kind: 'yen' }, { key: 'orders', kind: 'count' }, { key: 'buyers', kind: 'count' },
      { key: 'newBuyers', kind: 'count' }, { key: 'returningBuyers', kind: 'count' }, { key: 'averageOrderValue', kind: 'yen' }],
    rows: r.months.map((month) => {
      const x = rows.get(month);
      const revenue = yen(x?.revenue);
      const orders = int(x?.orders);
      const buyers = int(x?.buyers);
      const newBuyers = int(x?.new_buyers);
      return { month, revenue, orders, buyers, newBuyers, returningBuyers: buyers - newBuyers, averageOrderValue: orders > 0 ? Math.round(revenue / orders) : null };
    }),
  };
}

async function categoryByMonth(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const months = new Set(r.months);
  const rows = (await repo.categoryByMonth(db, r.scope)).filter((x) => months.has(x.month));
  return {
    columns: [{ key: 'month', kind: 'month' }, { key: 'category', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'revenue', kind: 'yen' },
      { key: 'orders', kind: 'count' }, { key: 'buyers', kind: 'count' }],
    rows: rows.map((x) => ({ month: x.month, category: x.category, label: x.category ?? UNCATEGORISED, revenue: yen(x.revenue), orders: int(x.orders), buyers: int(x.buyers) })),
  };
}

async function cohorts(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const months = new Set(r.months);
  const rows = (await repo.cohorts(db, r.scope)).filter((x) => months.has(x.cohort));
  const sizes = new Map(rows.filter((x) => int(x.months_since) === 0).map((x) => [x.cohort, int(x.buyers)]));
  return {
    columns: [{ key: 'cohort', kind: 'month' }, { key: 'monthsSince', kind: 'count' }, { key: 'buyers', kind: 'count' }, { key: 'cohortSize', kind: 'count' }, { key: 'retention', kind: 'rate' }],
    rows: rows.map((x) => {
      const cohortSize = sizes.get(x.cohort) ?? 0;
      return { cohort: x.cohort, monthsSince: int(x.months_since), buyers: int(x.buyers), cohortSize, retention: ratio(int(x.buyers), cohortSize) };
    }),
  };
}

async function acquisition(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const months = new Set(r.months);
  const [rows, labels] = await Promise.all([repo.acquisition(db, r.scope), repo.dimensionLabels(db, 'channel')]);
  const label = new Map(labels.map((l) => [l.code, l.label]));
  return {
    columns: [{ key: 'month', kind: 'month' }, { key: 'channel', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'newCustomers', kind: 'count' }],
    rows: rows.filter((x) => months.has(x.month)).map((x) => ({
      month: x.month, channel: x.channel, label: x.channel === null ? UNSET : label.get(x.channel) ?? x.channel, newCustomers: int(x.new_customers),
    })),
  };
}

const SENTIMENT_LABELS: Readonly<Record<string, string>> = { negative: '否定的', neutral: '中立', positive: '肯定的' };

async function voiceByMonth(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const months = new Set(r.months);
  const rows = await repo.voiceByMonth(db, r.scope);
  return {
    columns: [{ key: 'month', kind: 'month' }, { key: 'sentiment', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'items', kind: 'count' }],
    rows: rows.filter((x) => months.has(x.month)).map((x) => ({ month: x.month, sentiment: x.sentiment, label: SENTIMENT_LABELS[x.sentiment] ?? x.sentiment, items: int(x.items) })),
  };
}

async function firstTouch(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const [rows, labels] = await Promise.all([repo.firstTouch(db, r.scope), repo.dimensionLabels(db, 'source')]);
  const label = new Map(labels.map((l) => [l.code, l.label]));
  return {
    columns: [{ key: 'source', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'customers', kind: 'count' }, { key: 'buyers', kind: 'count' }, { key: 'buyerRate', kind: 'rate' }],
    rows: rows.map((x) => ({ source: x.source, label: label.get(x.source) ?? x.source, customers: int(x.customers), buyers: int(x.buyers), buyerRate: ratio(int(x.buyers), int(x.customers)) })),
  };
}

const QUALITY_LABELS = {
  with_email: 'メールアドレスあり', with_phone: '電話番号あり', with_address: '住所あり', with_company: '会社の紐付けあり',
  review_waiting: '名寄せレビュー待ち', company_review_waiting: '会社の名寄せレビュー待ち', stale_values: '要更新の顧客',
} as const;

async function quality(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const x = await repo.quality(db, r.scope);
  const total = int(x.customers);
  return {
    columns: [{ key: 'metric', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'count', kind: 'count' }, { key: 'share', kind: 'rate' }],
    rows: (Object.keys(QUALITY_LABELS) as Array<keyof typeof QUALITY_LABELS>).map((metric) => {
      const count = int(x[metric]);
      const queue = metric === 'review_waiting' || metric === 'company_review_waiting' || metric === 'stale_values';
      return { metric, label: QUALITY_LABELS[metric], count, share: queue ? null : ratio(count, total) };
    }),
  };
}

async function mergesBySource(db: Db, r: Resolved): Promise<{ columns: Columns; rows: Row[] }> {
  const rows = await repo.mergesBySource(db, r.scope);
  return {
    columns: [{ key: 'source', kind: 'key' }, { key: 'label', kind: 'label' }, { key: 'merged', kind: 'count' }, { key: 'records', kind: 'count' }],
    rows: rows.map((x) => ({ source: x.source, label: x.label, merged: int(x.merged), records: int(x.records) })),
  };
}

const TREND: ReadonlySet<PanelId> = new Set(['revenue_by_month', 'category_by_month', 'cohorts', 'acquisition', 'voice_by_month']);
const WITH_ORDERS: ReadonlySet<PanelId> = new Set(['composition', 'revenue_by_month', 'category_by_month', 'cohorts', 'first_touch']);

/** How long a panel's statements may run before they are cancelled and the panel answers 503 (timeout). */
export const PANEL_TIMEOUT_MS = 30_000;

/**
 * One panel's table under the filters, its reads in one transaction limited to `timeoutMs` (the answer is a 503
 * `timeout` problem then, and the connection is free again).
 */
export async function panel(db: Db, id: PanelId, query: PanelQuery, now: Date = new Date(), timeoutMs: number = PANEL_TIMEOUT_MS): Promise<Panel> {
  try {
    return await repo.withStatementTimeout(db, timeoutMs, repo.PANEL_SETTINGS, (trx) => panelIn(trx, id, query, now));
  } catch (error) {
    if (sqlState(error) === PG_QUERY_CANCELED) {
      throw new AppError('timeout', `集計が ${Math.round(timeoutMs / 1000)} 秒以内に終わりませんでした。期間やセグメントで絞ってもう一度お試しください (the panel took longer than ${timeoutMs} ms)`);
    }
    throw error;
  }
}

async function panelIn(db: Db, id: PanelId, query: PanelQuery, now: Date): Promise<Panel> {
  const started = performance.now();
  const r = await resolve(db, query, TREND.has(id), now);
  const by = id === 'composition' ? query.by ?? 'prefecture' : null;
  const [table, other] = await Promise.all([
    id === 'composition' ? composition(db, by!, r)
      : id === 'funnel' ? funnel(db, r)
        : id === 'revenue_by_month' ? revenueByMonth(db, r)
          : id === 'category_by_month' ? categoryByMonth(db, r)
            : id === 'cohorts' ? cohorts(db, r)
              : id === 'acquisition' ? acquisition(db, r)
                : id === 'first_touch' ? firstTouch(db, r)
                  : id === 'quality' ? quality(db, r)
                    : id === 'voice_by_month' ? voiceByMonth(db, r)
                      : mergesBySource(db, r),
    WITH_ORDERS.has(id) ? repo.otherCurrencyOrders(db, r.scope) : Promise.resolve(0),
  ]);
  return {
    panel: id, by, columns: table.columns, rows: table.rows, otherCurrencyOrders: other, filters: r.filters,
    computedAt: now.toISOString(), tookMs: Math.round(performance.now() - started),
  };
}

/** The customers behind one composition row (customers:read; masked as in the customer list), by id. */
export async function drill(db: Db, query: DrillQuery, auth: AuthContext | null, now: Date = new Date()): Promise<{ items: CustomerListItem[]; nextCursor: string | null; hasMore: boolean }> {
  if (!auth || !can(auth.role, 'customers:read')) throw new AppError('forbidden', `Your role (${auth?.role ?? 'none'}) does not allow customers:read`);
  const r = await resolve(db, query, false, now);
  const limit = query.limit ?? 50;
  const after = query.cursor ? cursorUuid(decodeCursor(query.cursor).i) : null;
  const ids = await repo.compositionCustomerIds(db, query.by, query.key ?? null, r.scope, after, limit + 1);
  const hasMore = ids.length > limit;
  const page = ids.slice(0, limit);
  return { items: await listCustomersByIds(db, page, auth), hasMore, nextCursor: hasMore ? encodeCursor({ i: page[page.length - 1]! }) : null };
}
