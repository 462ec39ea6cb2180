/**
 * The customers behind one tile, bar or row of the composition panel (GET /dashboards/drill, the page's filters
 * applied), shown as the customer list shows them, a page at a time; each name opens the customer.
 */
import { useEffect, useRef } from 'react';
import { dashboardsApi, type CustomerListItem } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { useCustomerCell, type CustomerColumnKey } from '../../components/CustomerCells.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../../components/Pager.tsx';
import { ErrorBanner, useLoad } from '../../components/ui.tsx';
import { listSummary } from '../customer-list-summary.ts';
import { countText, type DashboardView } from './dashboard-data.ts';
import type { DrillTarget } from './CompositionPanel.tsx';

const PAGE_SIZE = 20;
const COLUMNS: Array<{ key: CustomerColumnKey; label: MessageKey }> = [
  { key: 'name', label: 'field.name' },
  { key: 'company', label: 'field.company' },
  { key: 'prefecture', label: 'field.prefecture' },
  { key: 'stage', label: 'field.lifecycleStage' },
  { key: 'owner', label: 'field.owner' },
];

export function DrillList({ target, view, onClose }: { target: DrillTarget; view: DashboardView; onClose: () => void }) {
  const { t, lang } = useI18n();
  const cell = useCustomerCell();
  const base = {
    by: view.by,
    ...(target.key === null ? {} : { key: target.key }),
    ...(view.segment ? { segment: view.segment } : {}),
    ...(view.from ? { from: view.from } : {}),
    ...(view.to ? { to: view.to } : {}),
  };
  const paging = useCursorPaging(JSON.stringify(base));
  const query = { ...base, limit: PAGE_SIZE, ...(paging.cursor ? { cursor: paging.cursor } : {}) };
  const { data, error, loading } = useLoad(() => dashboardsApi.drill(query), [JSON.stringify(query)]);
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    card.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [target]);
  const summary = data ? listSummary(data.total, data.items.length) : null;
  return (
    <section className="card dash-drill dash-wide" data-testid="drill" data-key={target.key ?? ''} ref={card} aria-labelledby="drill-title">
      <div className="card-header">
        <div>
          <h3 id="drill-title">
            {t('dash.drill.title', { label: target.label })}
            {target.customers !== null && <span className="dash-drill-count tabular" data-testid="drill-count">{countText(target.customers, 'customers', lang)}</span>}
          </h3>
          <div className="muted small">{t('dash.drill.sub', { dim: t(`dash.dim.${view.by}` as MessageKey), label: target.label })}</div>
        </div>
        <Button small variant="ghost" onClick={onClose} data-testid="drill-close">{t('dash.drill.close')}</Button>
      </div>
      <ErrorBanner error={error} testId="drill-error" />
      <DataTable<CustomerListItem>
        testId="drill-table"
        className="table table-zebra table-hover"
        rows={data?.items}
        loading={loading}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-testid': 'drill-row', 'data-id': c.id })}
        onRowClick={(c) => navigate(`/customers/${c.id}`)}
        empty={t('dash.drill.empty')}
        emptyTestId="drill-empty"
        columns={COLUMNS.map((col) => ({ key: col.key, header: t(col.label), className: `col-${col.key}`, cell: (c: CustomerListItem) => cell(c, col.key) }))}
        pager={(
          <CursorPager
            paging={paging} data={data} loading={loading}
            summary={<span className="muted small" data-testid="drill-total">{summary ? t(summary.key, summary.params) : ''}{paging.page > 1 ? ` · ${t('common.page', { n: paging.page })}` : ''}</span>}
          />
        )}
      />
    </section>
  );
}
