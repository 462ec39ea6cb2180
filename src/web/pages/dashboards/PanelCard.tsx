/**
 * The frame every dashboard panel shares: its title, its 「CSV」 button (exactly the panel's rows, generated here),
 * and its own loading, empty and error states, so one failing panel never blanks the page. Also the plain table
 * of a panel's columns (formatted by column kind), which several panels show beside or instead of a chart.
 */
import type { ReactNode } from 'react';
import { dashboardsApi, type DashboardPanel, type PanelId } from '../../api.ts';
import { DICTIONARIES, useI18n } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useLoad } from '../../components/ui.tsx';
import { errorMessage } from '../../error-message.ts';
import { cellText, csvFileName, panelCsv, panelQuery, yenFull, type DashboardView, type PanelRow } from './dashboard-data.ts';

export interface PanelState {
  data: DashboardPanel | null;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/** One panel's data under the page's filters; reloaded when they change. */
export function usePanel(id: PanelId, view: DashboardView): PanelState {
  const query = panelQuery(view, id);
  const { data, error, loading, reload } = useLoad(() => dashboardsApi.panel(id, query), [id, JSON.stringify(query)]);
  return { data, error, loading, reload };
}

/** A column's header in the UI's language (unknown columns: their key). */
export function useColumnHeader(): (key: string) => string {
  const { tOr } = useI18n();
  return (key) => tOr(`dash.col.${key}`, key);
}

/** The CSV's headers are Japanese whatever the UI's language: the file is for the office's Excel. */
const csvHeader = (key: string) => (DICTIONARIES.ja as Record<string, string>)[`dash.col.${key}`] ?? key;

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function PanelCard({ id, title, state, view, wide = false, actions, note, children }: {
  id: PanelId;
  title: string;
  state: PanelState;
  view: DashboardView;
  wide?: boolean;
  actions?: ReactNode;
  note?: ReactNode;
  children: (panel: DashboardPanel) => ReactNode;
}) {
  const { t, lang } = useI18n();
  const { data, error, loading } = state;
  const phase = error ? 'error' : !data || loading ? 'loading' : data.rows.length === 0 ? 'empty' : 'ready';
  return (
    <section className={`card dash-panel${wide ? ' dash-wide' : ''}`} data-testid={`panel-${id}`} data-state={phase} data-segment={data?.filters.segment ?? ''} aria-busy={loading} aria-labelledby={`panel-title-${id}`}>
      <div className="card-header dash-panel-header">
        <h3 id={`panel-title-${id}`}>{title}</h3>
        <div className="dash-panel-actions">
          {actions}
          <Button
            small variant="ghost" className="dash-csv" disabled={!data || data.rows.length === 0} title={t('dash.csvTitle')} data-testid={`csv-${id}`}
            onClick={() => data && download(csvFileName(id, view, data.by), panelCsv(data, csvHeader))}
          >
            <Icon name="download" size={12} /> {t('dash.csv')}
          </Button>
        </div>
      </div>
      {error ? (
        <div className="alert alert-error dash-panel-error" role="alert" data-testid="panel-error">
          {t('dash.error')} {errorMessage(error, t, lang)}
          <Button small variant="link" onClick={() => void state.reload()}>{t('dash.retry')}</Button>
        </div>
      ) : !data ? (
        <div className="dash-skeleton" data-testid="panel-loading">{t('common.loading')}</div>
      ) : data.rows.length === 0 ? (
        <div className="dash-empty muted" data-testid="panel-empty">{t('dash.empty')}</div>
      ) : (
        <div className={loading ? 'dash-body dash-stale' : 'dash-body'}>
          {children(data)}
          {data.otherCurrencyOrders > 0 && <p className="muted small dash-note">{t('dash.otherCurrency', { n: data.otherCurrencyOrders.toLocaleString('ja-JP') })}</p>}
        </div>
      )}
      {note && <p className="muted small dash-note">{note}</p>}
    </section>
  );
}

/**
 * The panel's rows as a table: every column but the key when a label says the same, numbers right-aligned and
 * formatted by kind (yen short, the full amount in the title). `onRow` makes rows clickable (the drill-in).
 */
export function PanelTable({ panel, rows = panel.rows, columns, onRow, rowTestId = 'panel-row', label }: {
  panel: DashboardPanel;
  rows?: readonly PanelRow[];
  columns?: readonly string[];
  onRow?: (row: PanelRow) => void;
  rowTestId?: string;
  label?: (row: PanelRow) => string;
}) {
  const { lang } = useI18n();
  const header = useColumnHeader();
  const hasLabel = panel.columns.some((c) => c.key === 'label');
  const shown = panel.columns.filter((c) => (columns ? columns.includes(c.key) : !(c.kind === 'key' && hasLabel)));
  return (
    <div className="dash-table-wrap">
      <table className={`table table-zebra dash-table${onRow ? ' table-hover' : ''}`}>
        <thead>
          <tr>{shown.map((c) => <th key={c.key} className={c.kind === 'key' || c.kind === 'label' || c.kind === 'month' ? undefined : 'num'}>{header(c.key)}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr
              key={i} data-testid={rowTestId} data-key={row.key === null || row.key === undefined ? '' : String(row.key)}
              onClick={onRow ? () => onRow(row) : undefined}
              onKeyDown={onRow ? (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onRow(row); } } : undefined}
              tabIndex={onRow ? 0 : undefined}
            >
              {shown.map((c) => {
                const value = row[c.key];
                if (c.kind === 'label' || c.kind === 'key') {
                  const text = c.kind === 'label' && label ? label(row) : value === null || value === undefined ? '—' : String(value);
                  return <td key={c.key} className="dash-label-cell" title={text}>{text}</td>;
                }
                if (c.kind === 'month') return <td key={c.key} className="nowrap">{cellText(value, 'month', c.key, lang)}</td>;
                return (
                  <td key={c.key} className="num tabular nowrap" data-col={c.key} data-value={value ?? ''} title={c.kind === 'yen' ? yenFull(value) : undefined}>
                    {cellText(value, c.kind, c.key, lang)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
