/** 購入価値 (RFM) card on the customer page: R/F/M scores, tier, recency, purchases, net amount, as-of; predictions when known. */
import { valuesApi } from '../api.ts';
import { formatDate } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { TierBadge, yen } from './TierBadge.tsx';
import { useLoad } from './ui.tsx';

export function CustomerValueCard({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const { data } = useLoad(() => valuesApi.customer(customerId), [customerId]);
  if (!data) return null;
  const v = data.value;
  const score = (n: number | null) => (n === null ? '—' : String(n));
  return (
    <section className="card" data-testid="card-value">
      <div className="card-header"><h2>{t('value.title')}</h2>{v && <TierBadge tier={v.tier} />}</div>
      {!v ? <p className="muted small" data-testid="value-none">{t('value.none')}</p> : (
        <>
          <div className="rfm-scores" data-testid="value-scores">
            {(['r', 'f', 'm'] as const).map((k) => (
              <div key={k} className="rfm-score" data-testid={`value-${k}`}>
                <span className="rfm-score-key">{k.toUpperCase()}</span>
                <span className="rfm-score-n tabular">{score(v[k])}</span>
                <span className="muted small">{t(`value.${k}`)}</span>
              </div>
            ))}
          </div>
          <dl className="kv">
            <div className="kv-row"><dt>{t('value.recency')}</dt><dd className="tabular" data-testid="value-recency">{v.recencyDays === null ? '—' : t('seg.dist.days', { n: v.recencyDays })}</dd></div>
            <div className="kv-row"><dt>{t('value.frequency')}</dt><dd className="tabular" data-testid="value-frequency">{t('seg.dist.times', { n: v.frequency })}</dd></div>
            <div className="kv-row"><dt>{t('value.monetary')}</dt><dd className="tabular" data-testid="value-monetary">{yen(v.monetary)}</dd></div>
            {v.pAlive !== null && <div className="kv-row"><dt>{t('seg.predicted.p_alive')}</dt><dd className="tabular" data-testid="value-palive">{Math.round(v.pAlive * 100)}%</dd></div>}
            {v.expectedPurchases90d !== null && <div className="kv-row"><dt>{t('seg.predicted.expected_purchases_90d')}</dt><dd className="tabular">{v.expectedPurchases90d.toFixed(1)}</dd></div>}
            {v.expectedOrderValue !== null && <div className="kv-row"><dt>{t('seg.predicted.expected_order_value')}</dt><dd className="tabular">{yen(v.expectedOrderValue)}</dd></div>}
            {v.predictedValue365d !== null && <div className="kv-row"><dt>{t('seg.predicted.predicted_value_365d')}</dt><dd className="tabular">{yen(v.predictedValue365d)}</dd></div>}
          </dl>
          <p className="muted small" data-testid="value-asof">{t('value.asOf', { date: formatDate(v.asOf.slice(0, 10)) })}</p>
        </>
      )}
    </section>
  );
}
