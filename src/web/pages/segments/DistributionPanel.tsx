/**
 * What a segment's members look like: the bias warnings first (a clearly visible alert), the order-count histogram
 * (customers and revenue per bucket, CSS bars), the RFM tier split and the recency / monetary quartiles.
 * Used by the builder (the preview of the definition) and the segment detail page.
 */
import type { SegmentDistribution } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Icon } from '../../components/Icon.tsx';
import { tierLabel, yen } from '../../components/TierBadge.tsx';

export function DistributionPanel({ distribution }: { distribution: SegmentDistribution }) {
  const { t, lang } = useI18n();
  const d = distribution;
  const maxCustomers = Math.max(1, ...d.orderCounts.map((b) => b.customers));
  const tierTotal = Math.max(1, d.tiers.reduce((s, x) => s + x.customers, 0));
  const q = (v: number | null, money: boolean) => (v === null ? '—' : money ? yen(v) : t('seg.dist.days', { n: Math.round(v) }));
  return (
    <div className="seg-dist" data-testid="distribution">
      {d.warnings.length > 0 && (
        <div className="alert alert-warning seg-warnings" role="alert" data-testid="distribution-warnings">
          <Icon name="warn" size={14} />
          <ul>{d.warnings.map((w) => <li key={w.code} data-code={w.code}>{lang === 'ja' ? w.ja : w.en}</li>)}</ul>
        </div>
      )}
      <h3>{t('seg.dist.orders')}</h3>
      <div className="seg-bars" data-testid="order-histogram" role="table" aria-label={t('seg.dist.orders')}>
        <div className="seg-bar-row seg-bar-head" role="row">
          <span role="columnheader">{t('seg.dist.bucket')}</span><span role="columnheader">{t('seg.dist.customers')}</span><span role="columnheader" className="num">{t('seg.dist.revenue')}</span>
        </div>
        {d.orderCounts.map((b) => (
          <div className="seg-bar-row" role="row" key={b.bucket} data-testid="order-bucket" data-bucket={b.bucket} data-customers={b.customers}>
            <span role="cell" className="tabular">{t('seg.dist.times', { n: b.bucket })}</span>
            <span role="cell" className="seg-bar-cell">
              <span className="seg-bar" style={{ width: `${(b.customers / maxCustomers) * 100}%` }} />
              <span className="tabular seg-bar-n">{b.customers.toLocaleString('ja-JP')}</span>
            </span>
            <span role="cell" className="tabular num">{yen(b.revenue)}</span>
          </div>
        ))}
      </div>
      <h3>{t('seg.dist.tiers')}</h3>
      <div className="seg-tier-split" data-testid="tier-split">
        <div className="seg-stack" aria-hidden="true">
          {d.tiers.filter((x) => x.customers > 0).map((x) => (
            <span key={x.tier} className={`tier-fill tier-${x.tier || 'none'}`} style={{ width: `${(x.customers / tierTotal) * 100}%` }} />
          ))}
        </div>
        <ul className="seg-legend">
          {d.tiers.map((x) => (
            <li key={x.tier} data-testid="tier-count" data-tier={x.tier}>
              <span className={`tier-swatch tier-${x.tier || 'none'}`} />
              {tierLabel(x.tier === 'none' ? null : x.tier, lang, t('seg.tier.none'))} <span className="tabular">{x.customers.toLocaleString('ja-JP')}</span>
            </li>
          ))}
        </ul>
      </div>
      <h3>{t('seg.dist.quartiles')}</h3>
      <table className="table seg-quartiles" data-testid="quartiles">
        <thead><tr><th /><th className="num">25%</th><th className="num">{t('seg.dist.median')}</th><th className="num">75%</th></tr></thead>
        <tbody>
          <tr><th scope="row">{t('seg.dist.recency')}</th><td className="num tabular">{q(d.recencyDays.p25, false)}</td><td className="num tabular">{q(d.recencyDays.p50, false)}</td><td className="num tabular">{q(d.recencyDays.p75, false)}</td></tr>
          <tr><th scope="row">{t('seg.dist.monetary')}</th><td className="num tabular">{q(d.monetary.p25, true)}</td><td className="num tabular">{q(d.monetary.p50, true)}</td><td className="num tabular">{q(d.monetary.p75, true)}</td></tr>
        </tbody>
      </table>
    </div>
  );
}
