/** 注文詳細: lines with returned quantities; cancel the order or record a return (commerce:write). */
import { useState } from 'react';
import { commerceApi, type Order } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, Loading, useLoad } from '../components/ui.tsx';
import { yen } from './OrderImportPanel.tsx';
import { OrderStatusBadge } from './OrderListPage.tsx';

export function OrderDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, loading, setData } = useLoad(() => commerceApi.order(id), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [returns, setReturns] = useState<Record<string, string>>({});
  if (!data) return <div className="page"><Link to="/orders" className="back-link">{t('commerce.back')}</Link>{loading ? <Loading /> : <ErrorBanner error={error} />}</div>;
  const o: Order = data;
  const writable = can('commerce:write') && o.status !== 'cancelled';
  const act = async (work: () => Promise<Order>) => {
    setActionError(null);
    try {
      setData(await work());
      setReturns({});
    } catch (e) {
      setActionError(e);
    }
  };
  const returnLines = Object.entries(returns).filter(([, q]) => q.trim()).map(([sku, quantity]) => ({ sku, quantity: quantity.trim() }));
  return (
    <div className="page" data-testid="order-detail-page">
      <Link to="/orders" className="back-link">{t('commerce.back')}</Link>
      <div className="detail-header">
        <div className="detail-title">
          <h1 data-testid="order-title">{t('commerce.orderId')} {o.orderId}</h1>
          <div className="detail-subline">
            <OrderStatusBadge status={o.status} />
            <span className="muted">{o.source}</span>
            <span>{formatDateTime(o.orderedAt)}</span>
            {o.channel && <span>{o.channel}</span>}
            {o.customerId && <Link to={`/customers/${o.customerId}`}>{o.customerName || '—'}</Link>}
          </div>
        </div>
        {writable && (
          <div className="detail-actions">
            <Button variant="danger" data-testid="order-cancel" onClick={() => { if (window.confirm(t('commerce.confirmCancel'))) void act(() => commerceApi.cancelOrder(o.id)); }}>{t('commerce.cancelOrder')}</Button>
          </div>
        )}
      </div>
      <ErrorBanner error={actionError} />
      <section className="card">
        <div className="card-header"><h2>{t('commerce.lines')}</h2></div>
        <DataTable
          testId="order-lines"
          rows={o.lines ?? []}
          rowKey={(l) => l.lineNo}
          rowTestId="order-line"
          columns={[
            { key: 'sku', header: t('commerce.sku'), cellClassName: 'mono', cell: (l) => l.sku },
            { key: 'product', header: t('commerce.productName'), cell: (l) => l.productName },
            { key: 'quantity', header: t('commerce.quantity'), className: 'num', cellClassName: 'tabular', cell: (l) => l.quantity },
            { key: 'unitPrice', header: t('commerce.unitPrice'), className: 'num', cellClassName: 'tabular', cell: (l) => yen(l.unitPrice) },
            { key: 'amount', header: t('commerce.total'), className: 'num', cellClassName: 'tabular', cell: (l) => yen(l.amount) },
            { key: 'returnedQuantity', header: t('commerce.returnQty'), className: 'num', cellClassName: 'tabular', cell: (l) => (Number(l.returnedQuantity) > 0 ? l.returnedQuantity : '') },
            { key: 'returnedAmount', header: t('commerce.returned'), className: 'num', cellClassName: 'tabular', cell: (l) => (Number(l.returnedAmount) > 0 ? yen(l.returnedAmount) : '') },
            writable && {
              key: 'return',
              header: t('commerce.returnLine'),
              cell: (l) => l.sku && (
                <input style={{ width: '6em' }} inputMode="numeric" aria-label={t('commerce.returnQty')} value={returns[l.sku] ?? ''}
                  onChange={(e) => setReturns((r) => ({ ...r, [l.sku!]: e.target.value }))} data-testid="return-qty" />
              ),
            },
          ]}
          footer={(
            <tr>
              <th colSpan={4}>{t('commerce.net')}</th>
              <th className="num tabular" data-testid="order-net">{yen(o.netAmount)}</th>
              <th />
              <th className="num tabular">{Number(o.returnedAmount) > 0 ? yen(o.returnedAmount) : ''}</th>
              {writable && <th />}
            </tr>
          )}
        />
        {writable && returnLines.length > 0 && (
          <div className="form-actions">
            <Button data-testid="order-return" onClick={() => void act(() => commerceApi.returnLines(o.id, returnLines))}>{t('commerce.returnLine')}</Button>
          </div>
        )}
      </section>
    </div>
  );
}
