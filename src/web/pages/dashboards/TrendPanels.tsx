/**
 * The charts over months: 購入の推移 (revenue and average order value; buyers new vs returning with orders; revenue
 * by product category; cohort retention as a heatmap) and 獲得 (new customers per channel; first-touch source →
 * buyer rate). Each takes its panel's rows as they are; the pivots are dashboard-data.ts's.
 */
import { useMemo } from 'react';
import type { DashboardPanel } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Chart } from './Chart.tsx';
import { PALETTE } from './palette.ts';
import {
  countText, escapeHtml, monthAxis, monthAxisOf, monthText, num, pivot, rateText, truncate, yenFull, yenShort, type PanelRow,
} from './dashboard-data.ts';

interface AxisParam { axisValue?: string; dataIndex: number; seriesName?: string; marker?: string; value?: unknown; seriesIndex?: number }

/** An axis tooltip: the month, then one line per series with its value as `format` writes it (escaped). */
function axisTooltip(months: readonly string[], lang: 'ja' | 'en', format: (seriesIndex: number, value: number) => string) {
  return (params: AxisParam | AxisParam[]) => {
    const list = Array.isArray(params) ? params : [params];
    const first = list[0];
    if (!first) return '';
    const head = `<b>${escapeHtml(monthText(months[first.dataIndex] ?? '', lang))}</b>`;
    return [head, ...list.map((p) => `${p.marker ?? ''}${escapeHtml(p.seriesName ?? '')}: <b>${escapeHtml(format(p.seriesIndex ?? 0, Number(p.value ?? 0)))}</b>`)].join('<br/>');
  };
}

const yenAxis = { type: 'value', axisLabel: { formatter: (v: number) => yenShort(v) } };
const countAxis = { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => v.toLocaleString('ja-JP') } };
const grid = { left: 8, right: 12, top: 36, bottom: 4, containLabel: true };
const legend = { top: 0, left: 0, itemWidth: 12, itemHeight: 10, type: 'plain' };
const monthCategory = (months: readonly string[]) => ({ type: 'category', data: months.map(monthAxis), axisLabel: { hideOverlap: true } });

export function RevenueCharts({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const months = useMemo(() => monthAxisOf(panel.rows), [panel]);
  const row = useMemo(() => new Map(panel.rows.map((r) => [String(r.month), r])), [panel]);
  const col = (key: string) => months.map((m) => num(row.get(m)?.[key]) ?? 0);
  // A month without orders has no average order value: a gap in the line, not a fall to ¥0.
  const aov = () => months.map((m) => ((num(row.get(m)?.orders) ?? 0) > 0 ? num(row.get(m)?.averageOrderValue) : null));
  const revenue = useMemo(() => ({
    grid: { ...grid, right: 8 }, legend,
    tooltip: { trigger: 'axis', formatter: axisTooltip(months, lang, (_s, v) => yenFull(v)) },
    xAxis: monthCategory(months),
    yAxis: [yenAxis, { ...yenAxis, splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('dash.revenue'), data: col('revenue'), barMaxWidth: 28 },
      { type: 'line', name: t('dash.aov'), yAxisIndex: 1, data: aov(), symbolSize: 5, connectNulls: false, color: PALETTE[1] },
    ],
  }), [months, row, lang, t]);
  const buyers = useMemo(() => ({
    grid, legend,
    tooltip: { trigger: 'axis', formatter: axisTooltip(months, lang, (s, v) => countText(v, s === 2 ? 'orders' : 'buyers', lang)) },
    xAxis: monthCategory(months),
    yAxis: [countAxis, { ...countAxis, splitLine: { show: false } }],
    series: [
      { type: 'bar', stack: 'buyers', name: t('dash.newBuyers'), data: col('newBuyers'), barMaxWidth: 28, color: PALETTE[4] },
      { type: 'bar', stack: 'buyers', name: t('dash.returningBuyers'), data: col('returningBuyers'), barMaxWidth: 28, color: PALETTE[0] },
      { type: 'line', name: t('dash.orders'), yAxisIndex: 1, data: col('orders'), symbolSize: 5, color: PALETTE[1] },
    ],
  }), [months, row, lang, t]);
  return (
    <div className="dash-two">
      <figure className="dash-figure">
        <figcaption>{t('dash.chart.revenue')}</figcaption>
        <Chart option={revenue} label={t('dash.chart.revenue')} testId="chart-revenue" />
      </figure>
      <figure className="dash-figure">
        <figcaption>{t('dash.chart.buyers')}</figcaption>
        <Chart option={buyers} label={t('dash.chart.buyers')} testId="chart-buyers" />
      </figure>
    </div>
  );
}

/** Long rows (month, a series column, a value) as stacked bars, one colour per series. */
function StackedByMonth({ panel, seriesColumn, valueColumn, name, yen, testId, label }: {
  panel: DashboardPanel; seriesColumn: string; valueColumn: string; name: (key: string, row: PanelRow) => string; yen: boolean; testId: string; label: string;
}) {
  const { t, lang } = useI18n();
  const months = useMemo(() => monthAxisOf(panel.rows), [panel]);
  const option = useMemo(() => {
    const series = pivot(panel.rows, months, seriesColumn, valueColumn, name, 8, lang === 'ja' ? 'その他' : 'Other');
    return {
      // Every series in the legend, wrapping to a second line (not paged): room above the plot for it.
      grid: { ...grid, top: series.length > 5 ? 58 : 36 },
      legend: { ...legend, formatter: (n: string) => truncate(n, 14), tooltip: { show: true } },
      tooltip: { trigger: 'axis', formatter: axisTooltip(months, lang, (_s, v) => (yen ? yenFull(v) : countText(v, valueColumn, lang))) },
      xAxis: monthCategory(months),
      yAxis: yen ? yenAxis : countAxis,
      series: series.map((s) => ({ type: 'bar', stack: 'all', name: s.name, data: s.values, barMaxWidth: 28 })),
    };
    // `name` is a fresh function each render; the rows and the language decide the labels.
  }, [panel, months, seriesColumn, valueColumn, yen, lang, t]);
  return <Chart option={option} label={label} testId={testId} />;
}

export function CategoryChart({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const uncategorised = lang === 'ja' ? '未分類' : 'Uncategorised';
  return (
    <StackedByMonth
      panel={panel} seriesColumn="category" valueColumn="revenue" yen testId="chart-category" label={t('dash.panel.category_by_month')}
      name={(key) => key || uncategorised}
    />
  );
}

export function AcquisitionChart({ panel }: { panel: DashboardPanel }) {
  const { t } = useI18n();
  const unset = t('dash.unset');
  return (
    <StackedByMonth
      panel={panel} seriesColumn="channel" valueColumn="newCustomers" yen={false} testId="chart-acquisition" label={t('dash.panel.acquisition')}
      name={(key, row) => (row.label === null || row.label === undefined || row.label === '' ? key || unset : String(row.label))}
    />
  );
}

export function VoiceChart({ panel }: { panel: DashboardPanel }) {
  const { t } = useI18n();
  return (
    <StackedByMonth
      panel={panel} seriesColumn="sentiment" valueColumn="items" yen={false} testId="chart-voice" label={t('dash.panel.voice_by_month')}
      name={(key, row) => (row.label === null || row.label === undefined || row.label === '' ? key : String(row.label))}
    />
  );
}

/** Months since the first purchase shown at most (the CSV holds every one). */
const COHORT_MONTHS = 12;

export function CohortHeatmap({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const { option, height } = useMemo(() => {
    const cohorts = [...new Set(panel.rows.map((r) => String(r.cohort)))].sort();
    const sizes = new Map(panel.rows.map((r) => [String(r.cohort), num(r.cohortSize) ?? 0]));
    const last = Math.min(COHORT_MONTHS, Math.max(0, ...panel.rows.map((r) => num(r.monthsSince) ?? 0)));
    const columns = Array.from({ length: last + 1 }, (_, i) => i);
    const cells = panel.rows.filter((r) => (num(r.monthsSince) ?? 0) <= last);
    // Month 0 is everyone (100%): the scale is set by the later months, so their differences show.
    const max = Math.max(0.05, ...cells.filter((r) => num(r.monthsSince) !== 0).map((r) => num(r.retention) ?? 0));
    const data = cells.map((r) => {
      const v = num(r.retention) ?? 0;
      return {
        value: [num(r.monthsSince) ?? 0, cohorts.indexOf(String(r.cohort)), v, num(r.buyers) ?? 0],
        label: { color: v / max > 0.55 ? '#ffffff' : '#1f2933' },
      };
    });
    const showLabels = columns.length <= 13;
    return {
      height: Math.max(160, cohorts.length * 24 + 56),
      option: {
        grid: { left: 8, right: 8, top: 8, bottom: 24, containLabel: true },
        tooltip: {
          formatter: (p: { value: [number, number, number, number] }) => {
            const [x, y, v, b] = p.value;
            const cohort = cohorts[y] ?? '';
            return escapeHtml(`${monthText(cohort, lang)}・${x === 0 ? t('dash.cohort.first') : t('dash.cohort.month', { n: x })}`) + '<br/>'
              + escapeHtml(t('dash.cohort.tip', { cohort: monthText(cohort, lang), n: (sizes.get(cohort) ?? 0).toLocaleString('ja-JP'), b: b.toLocaleString('ja-JP'), rate: rateText(v) }));
          },
        },
        xAxis: { type: 'category', data: columns.map((x) => (x === 0 ? t('dash.cohort.first') : t('dash.cohort.month', { n: x }))), splitArea: { show: false }, axisLabel: { hideOverlap: true } },
        yAxis: {
          type: 'category', inverse: true, data: cohorts.map((c) => `${monthAxis(c)}（${(sizes.get(c) ?? 0).toLocaleString('ja-JP')}）`),
        },
        visualMap: { show: false, min: 0, max, dimension: 2, inRange: { color: ['#f0f5fb', '#7fa7d6', '#2563a8', '#1e3a5f'] } },
        series: [{
          type: 'heatmap', data, itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
          label: { show: showLabels, fontSize: 10, formatter: (p: { value: [number, number, number] }) => `${Math.round(p.value[2] * 100)}%` },
        }],
      },
    };
  }, [panel, lang, t]);
  return <Chart option={option} label={t('dash.panel.cohorts')} testId="chart-cohorts" className="chart-auto" style={{ height }} />;
}

export function FirstTouchChart({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const { option, height } = useMemo(() => {
    const rows = [...panel.rows].sort((a, b) => (num(b.customers) ?? 0) - (num(a.customers) ?? 0)).slice(0, 15);
    const labels = rows.map((r) => String(r.label ?? r.source ?? t('dash.unset')));
    return {
      height: Math.max(160, rows.length * 30 + 30),
      option: {
        grid: { left: 8, right: 56, top: 8, bottom: 4, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (p: { dataIndex: number }) => {
            const r = rows[p.dataIndex]!;
            return `<b>${escapeHtml(labels[p.dataIndex]!)}</b><br/>${escapeHtml(t('dash.col.buyerRate'))}: ${escapeHtml(rateText(r.buyerRate))}<br/>`
              + escapeHtml(t('dash.firstTouch.tip', { customers: countText(r.customers, 'customers', lang), buyers: countText(r.buyers, 'buyers', lang) }));
          },
        },
        xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
        yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { formatter: (v: string) => truncate(v, 16), width: 190, overflow: 'truncate' } },
        series: [{
          type: 'bar', name: t('dash.col.buyerRate'), data: rows.map((r) => num(r.buyerRate) ?? 0), barMaxWidth: 20, color: PALETTE[2],
          label: { show: true, position: 'right', fontSize: 11, color: '#52606d', formatter: (p: { value: number }) => rateText(p.value) },
        }],
      },
    };
  }, [panel, lang, t]);
  return <Chart option={option} label={t('dash.panel.first_touch')} testId="chart-first-touch" className="chart-auto" style={{ height }} />;
}
