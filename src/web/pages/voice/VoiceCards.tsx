/**
 * Customer voice where it shows elsewhere: on a customer's page, their latest items (to the inbox filtered by them);
 * on a product's page, its items by month, stacked by sentiment with the average sentiment as a line (ECharts,
 * loaded on first use like the dashboard's), and a table of the same numbers for screen readers and copying.
 */
import { useMemo } from 'react';
import { voiceApi, type VoiceTrend } from '../../api.ts';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { ErrorBanner, useLoad } from '../../components/ui.tsx';
import { Chart } from '../dashboards/Chart.tsx';
import { SentimentBadge, TagChips, VoiceStatusBadge } from './parts.tsx';
import { voiceInboxPath } from './voice-filters.ts';

export function VoiceCustomerCard({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const items = useLoad(() => voiceApi.list({ customerId, limit: 5 }), [customerId]);
  const rows = items.data?.items ?? [];
  return (
    <section className="card" data-testid="customer-voice-card">
      <div className="card-header">
        <h2>{t('voice.customerCard')}</h2>
        {rows.length > 0 && <Link to={voiceInboxPath({ customerId })} className="small" data-testid="customer-voice-all">{t('voice.customerCardAll')}</Link>}
      </div>
      <ErrorBanner error={items.error} />
      {items.data && rows.length === 0 && <p className="muted small">{t('voice.customerCardEmpty')}</p>}
      <ul className="voice-similar">
        {rows.map((x) => (
          <li key={x.id} data-testid="customer-voice-item">
            <div><SentimentBadge sentiment={x.sentiment} /> <VoiceStatusBadge status={x.status} /> <span className="muted small">{formatDate(x.receivedAt)}</span></div>
            <Link to={`/voice/${x.id}`} className={x.masked ? 'masked-value' : undefined}>{x.text.slice(0, 80)}{x.text.length > 80 ? '…' : ''}</Link>
            {x.tags.length > 0 && <div><TagChips tags={x.tags} /></div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function trendOption(trend: VoiceTrend, t: ReturnType<typeof useI18n>['t']) {
  const months = trend.months.map((m) => m.month);
  return {
    grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, type: 'plain' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', min: -1, max: 1, splitLine: { show: false } }],
    series: [
      { type: 'bar', stack: 'v', name: t('voice.sentiment.negative'), data: trend.months.map((m) => m.negative), color: '#b42318', barMaxWidth: 28 },
      { type: 'bar', stack: 'v', name: t('voice.sentiment.neutral'), data: trend.months.map((m) => m.neutral), color: '#b8c2cf', barMaxWidth: 28 },
      { type: 'bar', stack: 'v', name: t('voice.sentiment.positive'), data: trend.months.map((m) => m.positive), color: '#1a7f37', barMaxWidth: 28 },
      { type: 'line', name: t('voice.avgSentiment'), yAxisIndex: 1, data: trend.months.map((m) => m.averageSentiment), connectNulls: false, symbolSize: 5, color: '#2563a8' },
    ],
  };
}

export function VoiceTrendCard({ sku }: { sku: string }) {
  const { t } = useI18n();
  const trend = useLoad(() => voiceApi.trend({ product: sku }), [sku]);
  const data = trend.data;
  const option = useMemo(() => (data ? trendOption(data, t) : null), [data, t]);
  const total = data?.months.reduce((s, m) => s + m.total, 0) ?? 0;
  return (
    <section className="card" data-testid="product-voice-card">
      <div className="card-header">
        <h2>{t('voice.productCard')}</h2>
        {total > 0 && <Link to={voiceInboxPath({ product: sku })} className="small" data-testid="product-voice-open">{t('voice.productCardOpen')}</Link>}
      </div>
      <p className="muted small">{t('voice.productCardLead')}</p>
      <ErrorBanner error={trend.error} />
      {data && total === 0 && <p className="muted small" data-testid="product-voice-empty">{t('voice.productCardEmpty')}</p>}
      {data && option && total > 0 && (
        <>
          <Chart option={option} label={t('voice.trendChart')} testId="product-voice-chart" className="chart-md" />
          <details className="timeline-details">
            <summary>{t('voice.trendChart')}</summary>
            <table className="table">
              <thead><tr><th>{t('voice.month')}</th><th className="num">{t('voice.total')}</th><th className="num">{t('voice.sentiment.positive')}</th><th className="num">{t('voice.sentiment.neutral')}</th><th className="num">{t('voice.sentiment.negative')}</th><th className="num">{t('voice.avgSentiment')}</th></tr></thead>
              <tbody>
                {data.months.map((m) => (
                  <tr key={m.month}><td className="tabular">{m.month}</td><td className="num tabular">{m.total}</td><td className="num tabular">{m.positive}</td><td className="num tabular">{m.neutral}</td><td className="num tabular">{m.negative}</td><td className="num tabular">{m.averageSentiment === null ? '—' : m.averageSentiment.toFixed(2)}</td></tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
