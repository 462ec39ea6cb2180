/** 注文一覧: newest first, filter by status; the order import wizard (upload, mapping, validation, run) above it. */
import { useState } from 'react';
import { commerceApi, type OrderStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../components/ui.tsx';
import { yen } from './OrderImportPanel.tsx';
import { OrderImportWizard } from './order-import/OrderImportWizard.tsx';

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
  const paging = useCursorPaging();
  const [importing, setImporting] = useState(false);
  const { cursor } = paging;
  const { data, error, loading, reload } = useLoad(
    () => commerceApi.orders({ limit: 50, ...(status ? { status } : {}), ...(customerId ? { customerId } : {}), ...(cursor ? { cursor } : {}) }),
    [status, cursor, customerId],
  );
  return (
    <div className="page" data-testid="order-list-page">
      <PageHeader title={t('commerce.orders')} actions={can('commerce:write') && !importing && (
        <Button variant="primary" onClick={() => setImporting(true)} data-testid="order-import-open">{t('commerce.importOrders')}</Button>
      )} />
      {importing && (
        <OrderImportWizard onImported={() => void reload()} onClose={() => setImporting(false)} />
      )}
      <div className="searchbar">
        <select value={status} onChange={(e) => { paging.reset(); setStatus(e.target.value); }} aria-label={t('commerce.status')} data-testid="order-status-filter">
          <option value="">{t('commerce.allStatuses')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`commerce.status.${s}` as MessageKey)}</option>)}
        </select>
      </div>
      <ErrorBanner error={error} />
      <DataTable
        testId="order-table"
        rows={data?.items}
        loading={loading}
        rowKey={(o) => o.id}
        rowTestId="order-row"
        onRowClick={(o) => navigate(`/orders/${o.id}`)}
        columns={[
          { key: 'orderId', header: t('commerce.orderId'), cellClassName: 'mono', cell: (o) => <><Link to={`/orders/${o.id}`} className="row-link">{o.orderId}</Link> <span className="muted small">{o.source}</span></> },
          { key: 'orderedAt', header: t('commerce.orderedAt'), cellClassName: 'nowrap tabular', cell: (o) => formatDateTime(o.orderedAt) },
          { key: 'customer', header: t('commerce.customer'), cell: (o) => (o.customerId ? <Link to={`/customers/${o.customerId}`}>{o.customerName || '—'}</Link> : (o.customerName ?? '')) },
          { key: 'channel', header: t('commerce.channel'), cell: (o) => o.channel },
          { key: 'status', header: t('commerce.status'), cell: (o) => <OrderStatusBadge status={o.status} /> },
          { key: 'total', header: t('commerce.total'), className: 'num', cellClassName: 'tabular', cell: (o) => yen(o.totalAmount) },
          { key: 'returned', header: t('commerce.returned'), className: 'num', cellClassName: 'tabular', cell: (o) => (Number(o.returnedAmount) > 0 ? yen(o.returnedAmount) : '') },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} />}
      />
    </div>
  );
}
