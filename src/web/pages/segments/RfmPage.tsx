/**
 * RFM: the R×F grid (5×5 with the default bins; R rows 5 → 1, F columns 1 → 5) with buyers and revenue per cell, coloured by tier; the six
 * tiers with their rules; the as-of date and 再計算. A click on a cell opens the segment builder for that cell.
 */
import { useState } from 'react';
import { valuesApi, type RfmOverview } from '../../api.ts';
import { rfmSegment, rfmTier } from '../../../domain/value/rfm.ts';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, Loading, Notice, PageHeader, useLoad } from '../../components/ui.tsx';
import { tierLabel, yen } from '../../components/TierBadge.tsx';

/** The builder's address for a cell: the condition {type:'rfm', r:{min:R,max:R}, f:{min:F,max:F}}. */
export function cellSegmentUrl(r: number, f: number): string {
  const definition = { type: 'and', conditions: [{ type: 'rfm', r: { min: r, max: r }, f: { min: f, max: f } }] };
  return `/segments/new?definition=${encodeURIComponent(JSON.stringify(definition))}`;
}

export function RfmPage() {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const { data, error, loading, reload } = useLoad(() => valuesApi.rfm(), []);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const recompute = async () => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      const run = await valuesApi.recompute();
      setNotice(run.skipped === 'busy' ? t('rfm.busy') : t('rfm.recomputed', { n: run.customers.toLocaleString('ja-JP'), s: run.seconds.toFixed(1) }));
      await reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page" data-testid="rfm-page">
      <PageHeader
        title={t('rfm.title')}
        sub={<span data-testid="rfm-asof">{data?.asOf ? t('rfm.asOf', { date: formatDate(data.asOf.slice(0, 10)) }) : t('rfm.never')}</span>}
        actions={can('segments:write') && (
          <Button variant="primary" onClick={() => void recompute()} disabled={busy} data-testid="rfm-recompute">{busy ? t('rfm.recomputing') : t('rfm.recompute')}</Button>
        )}
      />
      <p className="page-lead muted">{t('rfm.lead')}</p>
      <ErrorBanner error={error ?? actionError} />
      {notice && <Notice testId="notice">{notice}</Notice>}
      {loading && !data ? <Loading /> : data && (
        <div className="rfm-layout">
          <Grid data={data} canBuild={can('segments:read')} />
          <section className="card rfm-legend" data-testid="rfm-legend">
            <div className="card-header"><h2>{t('rfm.tiers')}</h2></div>
            <table className="table">
              <thead><tr><th>{t('rfm.tier')}</th><th>{t('rfm.rule')}</th><th className="num">{t('rfm.buyers')}</th><th className="num">{t('rfm.revenue')}</th></tr></thead>
              <tbody>
                {data.tiers.map((x) => (
                  <tr key={x.tier} data-testid="rfm-tier" data-tier={x.tier}>
                    <td><span className={`tier-swatch tier-${x.tier}`} /> <strong>{lang === 'ja' ? x.ja : x.en}</strong></td>
                    <td className="small">{x.rule}</td>
                    <td className="num tabular">{x.customers.toLocaleString('ja-JP')}</td>
                    <td className="num tabular">{yen(x.revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">{t('rfm.legendNote')}</p>
          </section>
        </div>
      )}
    </div>
  );
}

function Grid({ data, canBuild }: { data: RfmOverview; canBuild: boolean }) {
  const { t, lang } = useI18n();
  // One row and one column per score of the last run's bins (configurable: POST /rfm/recompute, daicho rfm recompute --bins).
  const bins = data.bins;
  const cell = (r: number, f: number) => data.cells.find((c) => c.r === r && c.f === f);
  const cols = Array.from({ length: bins }, (_, i) => i + 1);
  const rows = [...cols].reverse();
  return (
    <section className="card rfm-grid-card">
      <div className="card-header"><h2>{t('rfm.grid')}</h2></div>
      <div className="rfm-grid" role="grid" aria-label={t('rfm.grid')} data-testid="rfm-grid" data-bins={bins}
        style={bins === 5 ? undefined : { gridTemplateColumns: `44px repeat(${bins}, minmax(0, 1fr))` }}>
        <div className="rfm-axis rfm-corner" aria-hidden="true">R \ F</div>
        {cols.map((f) => <div key={f} className="rfm-axis" role="columnheader">F{f}</div>)}
        {rows.map((r) => (
          <div key={r} className="rfm-row" role="row">
            <div className="rfm-axis" role="rowheader">R{r}</div>
            {cols.map((f) => {
              const c = cell(r, f);
              // The R×F cell's tier (M decides only one cell's segment, which the grid cannot show).
              const tier = rfmTier(rfmSegment(r, f, 1, bins));
              const title = t('rfm.cellTitle', { r, f, tier: tierLabel(tier, lang, '') });
              return (
                <button
                  key={f} type="button" role="gridcell" className={`rfm-cell tier-${tier}`} title={title} aria-label={title} disabled={!canBuild}
                  data-testid="rfm-cell" data-r={r} data-f={f} data-tier={tier} data-customers={c?.customers ?? 0}
                  onClick={() => navigate(cellSegmentUrl(r, f))}
                >
                  <span className="rfm-cell-tier">{tierLabel(tier, lang, '')}</span>
                  <span className="rfm-cell-n tabular">{t('rfm.people', { n: (c?.customers ?? 0).toLocaleString('ja-JP') })}</span>
                  <span className="rfm-cell-rev tabular">{yen(c?.revenue ?? '0')}</span>
                </button>
              );
            })}
          </div>
        ))}
      </div>
      <p className="muted small">{t('rfm.axes')}</p>
    </section>
  );
}
