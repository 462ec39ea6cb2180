/** 購入 card on the customer page: 累計購入額 (net of cancellations and returns), 購入回数, 初回・最終購入日. */
import { commerceApi } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useLoad } from './ui.tsx';

function yen(amount: string): string {
  const n = Number(amount);
  return Number.isFinite(n) ? `¥${Math.round(n).toLocaleString('ja-JP')}` : amount;
}

export function PurchaseSummary({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const { data } = useLoad(() => commerceApi.summary(customerId), [customerId]);
  if (!data) return null;
  const day = (iso: string | null) => (iso ? formatDateTime(iso).slice(0, 10) : '—');
  return (
    <section className="card" data-testid="card-purchases">
      <div className="card-header"><h2>{t('purchase.title')}</h2></div>
      {data.orderCount === 0 && data.cancelledCount === 0 ? <p className="muted small" data-testid="purchase-none">{t('purchase.none')}</p> : (
        <>
          <dl className="kv">
            <div className="kv-row"><dt>{t('purchase.ltv')}</dt><dd className="tabular" data-testid="purchase-ltv">{yen(data.lifetimeValue)}</dd></div>
            <div className="kv-row"><dt>{t('purchase.count')}</dt><dd className="tabular" data-testid="purchase-count">{data.orderCount}</dd></div>
            <div className="kv-row"><dt>{t('purchase.first')}</dt><dd className="tabular" data-testid="purchase-first">{day(data.firstPurchaseAt)}</dd></div>
            <div className="kv-row"><dt>{t('purchase.last')}</dt><dd className="tabular" data-testid="purchase-last">{day(data.lastPurchaseAt)}</dd></div>
          </dl>
          {(data.cancelledCount > 0 || Number(data.returnedAmount) > 0) && (
            <p className="muted small">{t('purchase.cancelled', { n: data.cancelledCount, amount: yen(data.returnedAmount) })}</p>
          )}
          <Link to={`/orders?customer=${customerId}`} data-testid="purchase-orders-link">{t('purchase.orders')}</Link>
        </>
      )}
    </section>
  );
}
