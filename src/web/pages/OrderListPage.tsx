/** 注文一覧: newest first, filter by status; CSV import of an order export with the per-row report. */
import { useState } from 'react';
import { commerceApi, type OrderStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, PageHeader, useLoad, CursorPager, TableStatusRows } from '../components/ui.tsx';
import { DEFAULT_ORDER_PROFILE, OrderImportPanel, yen } from './OrderImportPanel.tsx';

const STATUSES: OrderStatus[] = ['completed', 'partially_returned', 'returned', 'cancelled'];

export function OrderStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const tone = status === 'completed' ? 'badge-ok' : status === 'cancelled' ? 'badge-off' : 'badge-warn';
  return <span className={`badge ${tone}`} data-testid="order-status" data-status={status}>{t(`commerce.status.${status}` as MessageKey)}</span>;
}

export function OrderListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  const customerId = search.get('customer') ?? undefined;
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, reload } = useLoad(
    () => commerceApi.orders({ limit: 50, ...(status ? { status } : {}), ...(customerId ? { customerId } : {}), ...(cursor ? { cursor } : {}) }),
    [status, cursor, customerId],
  );
  return (
    <div className="page" data-testid="order-list-page">
      <PageHeader title={t('commerce.orders')} actions={can('commerce:write') && !importing && (
        <button type="button" className="btn btn-primary" onClick={() => setImporting(true)} data-testid="order-import-open">{t('commerce.importOrders')}</button>
      )} />
      {importing && (
        <OrderImportPanel title={t('commerce.importOrders')} defaultProfile={DEFAULT_ORDER_PROFILE} run={commerceApi.importOrders} onDone={() => void reload()} testId="order-import" />
      )}
      <div className="searchbar">
        <select value={status} onChange={(e) => { setCursors([]); setStatus(e.target.value); }} aria-label={t('commerce.status')} data-testid="order-status-filter">
          <option value="">{t('commerce.allStatuses')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`commerce.status.${s}` as MessageKey)}</option>)}
        </select>
      </div>
      <ErrorBanner error={error} />
      <div className="table-wrap">
        <table className="table table-zebra table-hover" data-testid="order-table">
          <thead>
            <tr>
              <th>{t('commerce.orderId')}</th><th>{t('commerce.orderedAt')}</th><th>{t('commerce.customer')}</th><th>{t('commerce.channel')}</th>
              <th>{t('commerce.status')}</th><th className="num">{t('commerce.total')}</th><th className="num">{t('commerce.returned')}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((o) => (
              <tr key={o.id} data-testid="order-row" onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(`/orders/${o.id}`); }}>
                <td className="mono"><Link to={`/orders/${o.id}`} className="row-link">{o.orderId}</Link> <span className="muted small">{o.source}</span></td>
                <td className="nowrap tabular">{formatDateTime(o.orderedAt)}</td>
                <td>{o.customerId ? <Link to={`/customers/${o.customerId}`}>{o.customerName || '—'}</Link> : (o.customerName ?? '')}</td>
                <td>{o.channel}</td>
                <td><OrderStatusBadge status={o.status} /></td>
                <td className="num tabular">{yen(o.totalAmount)}</td>
                <td className="num tabular">{Number(o.returnedAmount) > 0 ? yen(o.returnedAmount) : ''}</td>
              </tr>
            ))}
            <TableStatusRows data={data} loading={loading} colSpan={7} />
          </tbody>
        </table>
      </div>
      <CursorPager data={data} loading={loading} cursors={cursors} setCursors={setCursors} />
    </div>
  );
}
