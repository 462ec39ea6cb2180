/** 注文詳細: lines with returned quantities; cancel the order or record a return (commerce:write). */
import { useState } from 'react';
import { commerceApi, type Order } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
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
            <button type="button" className="btn btn-danger" data-testid="order-cancel" onClick={() => { if (window.confirm(t('commerce.confirmCancel'))) void act(() => commerceApi.cancelOrder(o.id)); }}>{t('commerce.cancelOrder')}</button>
          </div>
        )}
      </div>
      <ErrorBanner error={actionError} />
      <section className="card">
        <div className="card-header"><h2>{t('commerce.lines')}</h2></div>
        <div className="table-wrap">
          <table className="table table-zebra" data-testid="order-lines">
            <thead>
              <tr>
                <th>{t('commerce.sku')}</th><th>{t('commerce.productName')}</th><th className="num">{t('commerce.quantity')}</th><th className="num">{t('commerce.unitPrice')}</th>
                <th className="num">{t('commerce.total')}</th><th className="num">{t('commerce.returnQty')}</th><th className="num">{t('commerce.returned')}</th>
                {writable && <th>{t('commerce.returnLine')}</th>}
              </tr>
            </thead>
            <tbody>
              {(o.lines ?? []).map((l) => (
                <tr key={l.lineNo} data-testid="order-line">
                  <td className="mono">{l.sku}</td><td>{l.productName}</td><td className="num tabular">{l.quantity}</td><td className="num tabular">{yen(l.unitPrice)}</td>
                  <td className="num tabular">{yen(l.amount)}</td><td className="num tabular">{Number(l.returnedQuantity) > 0 ? l.returnedQuantity : ''}</td>
                  <td className="num tabular">{Number(l.returnedAmount) > 0 ? yen(l.returnedAmount) : ''}</td>
                  {writable && <td>{l.sku && <input style={{ width: "6em" }} inputMode="numeric" aria-label={t('commerce.returnQty')} value={returns[l.sku] ?? ''} onChange={(e) => setReturns((r) => ({ ...r, [l.sku!]: e.target.value }))} data-testid="return-qty" />}</td>}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr><th colSpan={4}>{t('commerce.net')}</th><th className="num tabular" data-testid="order-net">{yen(o.netAmount)}</th><th /><th className="num tabular">{Number(o.returnedAmount) > 0 ? yen(o.returnedAmount) : ''}</th>{writable && <th />}</tr>
            </tfoot>
          </table>
        </div>
        {writable && returnLines.length > 0 && (
          <div className="form-actions">
            <button type="button" className="btn" data-testid="order-return" onClick={() => void act(() => commerceApi.returnLines(o.id, returnLines))}>{t('commerce.returnLine')}</button>
          </div>
        )}
      </section>
    </div>
  );
}
