/**
 * 構成: the ledger grouped by one dimension (業種 / 規模 / 都道府県 / 獲得チャネル / データソース / ステージ / 担当者),
 * counted as customers, buyers or revenue. Prefectures are a tile grid map of Japan, the other dimensions
 * horizontal bars; beside either, the table of every row. A tile, a bar or a row opens the customers behind it
 * (DrillList).
 */
import { useMemo } from 'react';
import type { CompositionDimension } from '../../../use/dashboards/dashboards.schemas.ts';
import type { DashboardPanel } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { Chart } from './Chart.tsx';
import { PanelCard, PanelTable, type PanelState } from './PanelCard.tsx';
import {
  DIMENSIONS, METRICS, countText, escapeHtml, intensity, num, truncate, yenFull, yenShort, type DashboardView, type Metric, type PanelRow,
} from './dashboard-data.ts';
import { JAPAN_TILES, TILE_COLUMNS, TILE_ROWS } from './japan-tiles.ts';

/** A row of the composition to open: its key (null: 未設定), its label and how many customers it counts. */
export interface DrillTarget { key: string | null; label: string; customers: number | null }

/** Bars drawn at most (the table and the CSV hold every row). */
const MAX_BARS = 20;

export function rowLabel(row: PanelRow, unset: string): string {
  const label = row.label ?? row.key;
  return label === null || label === undefined || label === '' ? unset : String(label);
}

export function CompositionPanel({ state, view, onView, onDrill }: {
  state: PanelState;
  view: DashboardView;
  onView: (patch: Partial<DashboardView>) => void;
  /** Absent for roles that may not read customers: the tiles and bars then only show their figures. */
  onDrill?: (target: DrillTarget) => void;
}) {
  const { t } = useI18n();
  const unset = t('dash.unset');
  const drill = onDrill && ((row: PanelRow) => onDrill({ key: row.key === null || row.key === undefined ? null : String(row.key), label: rowLabel(row, unset), customers: num(row.customers) }));
  const actions = (
    <>
      <div className="dash-switch" role="group" aria-label={t('dash.dimension')} data-testid="dimension-switch">
        {DIMENSIONS.map((d) => (
          <button key={d} type="button" className={`chip${view.by === d ? ' chip-on' : ''}`} aria-pressed={view.by === d} data-testid={`dim-${d}`} onClick={() => onView({ by: d })}>
            {t(`dash.dim.${d}` as MessageKey)}
          </button>
        ))}
      </div>
      <div className="dash-switch" role="group" aria-label={t('dash.metric')} data-testid="metric-switch">
        {METRICS.map((m) => (
          <button key={m} type="button" className={`chip${view.metric === m ? ' chip-on' : ''}`} aria-pressed={view.metric === m} data-testid={`metric-${m}`} onClick={() => onView({ metric: m })}>
            {t(`dash.metric.${m}`)}
          </button>
        ))}
      </div>
    </>
  );
  return (
    <PanelCard
      id="composition" wide title={t('dash.panel.compositionBy', { dim: t(`dash.dim.${view.by}` as MessageKey) })} state={state} view={view} actions={actions}
      note={view.by === 'prefecture' || !drill ? undefined : t('dash.barHint')}
    >
      {(panel) => <CompositionBody panel={panel} view={view} onDrill={drill} />}
    </PanelCard>
  );
}

function CompositionBody({ panel, view, onDrill }: { panel: DashboardPanel; view: DashboardView; onDrill: ((row: PanelRow) => void) | undefined }) {
  const { t } = useI18n();
  const unset = t('dash.unset');
  const rows = useMemo(() => sortedRows(panel, view.metric), [panel, view.metric]);
  const bars = useMemo(() => rows.slice(0, MAX_BARS), [rows]);
  return (
    <div className="dash-composition" data-by={panel.by ?? ''}>
      <div className="dash-composition-chart">
        {panel.by === 'prefecture'
          ? <TileMap rows={panel.rows} metric={view.metric} onTile={onDrill} />
          : <Bars rows={bars} metric={view.metric} dimension={panel.by ?? view.by} onBar={onDrill} />}
      </div>
      <PanelTable panel={panel} rows={rows} columns={['label', 'customers', 'buyers', 'orders', 'revenue']} onRow={onDrill} rowTestId="composition-row" label={(r) => rowLabel(r, unset)} />
    </div>
  );
}

function sortedRows(panel: DashboardPanel, metric: Metric): PanelRow[] {
  return [...panel.rows].sort((a, b) => (num(b[metric]) ?? 0) - (num(a[metric]) ?? 0));
}

export function metricText(value: PanelRow[string] | undefined, metric: Metric, lang: 'ja' | 'en'): string {
  return metric === 'revenue' ? yenShort(value) : countText(value, metric, lang);
}

/** Light blue → navy by the value's share of the largest (square root, so smaller prefectures still show). */
function tileColour(share: number): string {
  const from = [232, 240, 250];
  const to = [30, 58, 95];
  const k = Math.sqrt(share);
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * k));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function TileMap({ rows, metric, onTile }: { rows: readonly PanelRow[]; metric: Metric; onTile: ((row: PanelRow) => void) | undefined }) {
  const { t, lang } = useI18n();
  const byName = useMemo(() => new Map(rows.map((r) => [String(r.key ?? ''), r])), [rows]);
  const max = Math.max(0, ...rows.filter((r) => r.key !== null).map((r) => num(r[metric]) ?? 0));
  const known = new Set(JAPAN_TILES.map((x) => x.name));
  const others = rows.filter((r) => r.key === null || !known.has(String(r.key)));
  return (
    <div className="tile-map" role="group" aria-label={t('dash.dim.prefecture')} data-testid="tile-map" style={{ gridTemplateColumns: `repeat(${TILE_COLUMNS}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${TILE_ROWS}, auto)` }}>
      {/* The sea north-west of Honshū holds the legend and the rows no tile stands for (未設定). */}
      <div className="tile-map-info" style={{ gridColumn: '1 / 8', gridRow: '1 / 4' }}>
        <div className="tile-legend muted small" aria-hidden="true">
          <span>{t('dash.mapLow')}</span><span className="tile-legend-bar" /><span>{t('dash.mapHigh')}</span>
          <span className="tile-legend-max tabular">{metricText(max, metric, lang)}</span>
        </div>
        {others.length > 0 && (
          <div className="tile-others">
            {others.map((r) => (
              <button key={String(r.key)} type="button" className="chip" data-testid="pref-tile" data-key={r.key === null ? '' : String(r.key)} data-value={num(r[metric]) ?? 0} disabled={!onTile} onClick={() => onTile?.(r)}>
                {rowLabel(r, t('dash.unset'))} <span className="tabular">{metricText(r[metric], metric, lang)}</span>
              </button>
            ))}
          </div>
        )}
        {onTile && <p className="muted small tile-hint">{t('dash.tileHint')}</p>}
      </div>
      {JAPAN_TILES.map((tile) => {
        const row = byName.get(tile.name);
        const value = row ? num(row[metric]) : null;
        const share = intensity(value, max);
        const text = metricText(value ?? 0, metric, lang);
        const title = `${tile.name}：${t('dash.metric.customers')} ${countText(row?.customers ?? 0, 'customers', lang)}・${t('dash.metric.buyers')} ${countText(row?.buyers ?? 0, 'buyers', lang)}・${t('dash.metric.revenue')} ${yenFull(row?.revenue ?? 0)}`;
        return (
          <button
            key={tile.name} type="button" className={`pref-tile${share > 0.45 ? ' pref-tile-dark' : ''}${value ? '' : ' pref-tile-zero'}`}
            style={{ gridColumn: tile.col + 1, gridRow: tile.row + 1, ...(value ? { background: tileColour(share) } : {}) }}
            title={title} aria-label={title} disabled={!row || !onTile} onClick={() => row && onTile?.(row)}
            data-testid="pref-tile" data-key={tile.name} data-value={value ?? 0}
          >
            <span className="pref-tile-name">{tile.short}</span>
            <span className="pref-tile-value tabular">{value ? text : '–'}</span>
          </button>
        );
      })}
    </div>
  );
}

function Bars({ rows, metric, dimension, onBar }: { rows: readonly PanelRow[]; metric: Metric; dimension: CompositionDimension; onBar: ((row: PanelRow) => void) | undefined }) {
  const { t, lang } = useI18n();
  const unset = t('dash.unset');
  const labels = useMemo(() => rows.map((r) => rowLabel(r, unset)), [rows, unset]);
  const option = useMemo(() => ({
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const r = rows[p.dataIndex]!;
        return `<b>${escapeHtml(labels[p.dataIndex]!)}</b><br/>${escapeHtml(t('dash.metric.customers'))}: ${escapeHtml(countText(r.customers, 'customers', lang))}`
          + `<br/>${escapeHtml(t('dash.metric.buyers'))}: ${escapeHtml(countText(r.buyers, 'buyers', lang))}`
          + `<br/>${escapeHtml(t('dash.orders'))}: ${escapeHtml(countText(r.orders, 'orders', lang))}`
          + `<br/>${escapeHtml(t('dash.metric.revenue'))}: ${escapeHtml(yenFull(r.revenue))}`;
      },
    },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => (metric === 'revenue' ? yenShort(v) : v.toLocaleString('ja-JP')) } },
    yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { formatter: (v: string) => truncate(v, 16), width: 180, overflow: 'truncate' } },
    series: [{
      type: 'bar', name: t(`dash.metric.${metric}`), data: rows.map((r) => num(r[metric]) ?? 0), barMaxWidth: 22, cursor: 'pointer',
      label: { show: true, position: 'right', fontSize: 11, color: '#52606d', formatter: (p: { value: number }) => metricText(p.value, metric, lang) },
    }],
  }), [rows, labels, metric, lang, t]);
  return (
    <div data-testid="composition-bars" data-dimension={dimension}>
      <Chart option={option} label={t('dash.panel.composition')} className="chart-bars" style={{ height: Math.max(180, rows.length * 28 + 24) }} onClick={onBar && ((e) => { const r = rows[e.dataIndex]; if (r) onBar(r); })} />
    </div>
  );
}
