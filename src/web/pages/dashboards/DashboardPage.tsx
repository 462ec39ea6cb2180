/**
 * ダッシュボード (issue 22): one filter bar (a saved segment, a date range with quick picks) over five sections —
 * 構成, ファネル, 購入の推移, 獲得, データ品質 — each panel loading, failing and downloading (CSV) on its own. The
 * filters, the composition's dimension and measure live in the URL, so a view can be shared as a link.
 */
import { useEffect, useState } from 'react';
import { segmentsApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../components/Button.tsx';
import { PageHeader, useLoad } from '../../components/ui.tsx';
import { CompositionPanel, type DrillTarget } from './CompositionPanel.tsx';
import { DrillList } from './DrillList.tsx';
import { Funnel, Merges, Quality } from './LedgerPanels.tsx';
import { PanelCard, usePanel } from './PanelCard.tsx';
import { AcquisitionChart, CategoryChart, CohortHeatmap, FirstTouchChart, RevenueCharts, VoiceChart } from './TrendPanels.tsx';
import { pickOf, RANGE_PICKS, rangeOf, searchOfView, todayInJapan, viewFromSearch, type DashboardView } from './dashboard-data.ts';

const SECTIONS = ['composition', 'funnel', 'purchases', 'acquisition', 'quality'] as const;

export function DashboardPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  const view = viewFromSearch(search);
  const today = todayInJapan();
  const setView = (patch: Partial<DashboardView>) => {
    const next: DashboardView = { ...view, ...patch };
    for (const key of ['segment', 'from', 'to'] as const) if (!next[key]) delete next[key];
    navigate(`/dashboard${searchOfView(next)}`, { replace: true });
  };
  const maySegments = can('segments:read');
  const segments = useLoad(() => (maySegments ? segmentsApi.list() : Promise.resolve({ items: [] })), [maySegments]);

  const composition = usePanel('composition', view);
  const funnel = usePanel('funnel', view);
  const revenue = usePanel('revenue_by_month', view);
  const category = usePanel('category_by_month', view);
  const cohorts = usePanel('cohorts', view);
  const acquisition = usePanel('acquisition', view);
  const firstTouch = usePanel('first_touch', view);
  const quality = usePanel('quality', view);
  const merges = usePanel('merges_by_source', view);
  const voice = usePanel('voice_by_month', view);

  // The drill-in belongs to the view it was opened from: another filter or dimension closes it.
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const filterKey = `${view.segment ?? ''}|${view.from ?? ''}|${view.to ?? ''}|${view.by}`;
  useEffect(() => setDrill(null), [filterKey]);

  const pick = pickOf(view, today);
  const segmentItems = segments.data?.items ?? [];
  const segmentMissing = view.segment && segments.data && !segmentItems.some((s) => s.id === view.segment);

  return (
    <div className="page dash-page" data-testid="dashboard-page">
      <PageHeader
        title={t('dash.title')}
        actions={<nav className="dash-sections" aria-label={t('dash.sections')}>{SECTIONS.map((s) => <a key={s} href={`#dash-${s}`}>{t(`dash.section.${s}`)}</a>)}</nav>}
      />
      <p className="page-lead muted">{t('dash.lead')}</p>
      <div className="dash-filters card" role="search" aria-label={t('dash.filters')} data-testid="dashboard-filters">
        {maySegments && (
          <label className="dash-field">
            <span>{t('dash.segment')}</span>
            <select value={view.segment ?? ''} onChange={(e) => setView({ segment: e.target.value || undefined })} data-testid="filter-segment">
              <option value="">{t('dash.segmentAll')}</option>
              {segmentMissing && <option value={view.segment}>{view.segment!.slice(0, 8)}…</option>}
              {segmentItems.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
        )}
        <label className="dash-field">
          <span>{t('dash.from')}</span>
          <input type="date" value={view.from ?? ''} max={view.to ?? undefined} onChange={(e) => setView({ from: e.target.value || undefined })} data-testid="filter-from" />
        </label>
        <span className="dash-range-sep" aria-hidden="true">〜</span>
        <label className="dash-field">
          <span>{t('dash.to')}</span>
          <input type="date" value={view.to ?? ''} min={view.from ?? undefined} onChange={(e) => setView({ to: e.target.value || undefined })} data-testid="filter-to" />
        </label>
        <div className="dash-picks" role="group" aria-label={t('dash.filters')}>
          {RANGE_PICKS.map((p) => (
            <Button key={p} small variant={pick === p ? 'primary' : 'default'} aria-pressed={pick === p} data-testid={`range-${p}`}
              onClick={() => { const r = rangeOf(p, today); setView({ from: r.from, to: r.to }); }}>
              {t(`dash.range.${p}`)}
            </Button>
          ))}
        </div>
        {view.from && view.to && view.from > view.to
          ? <p className="field-error dash-range-note" role="alert" data-testid="range-error">{t('dash.rangeInverted')}</p>
          : <p className="muted small dash-range-note">{t('dash.rangeNote')}</p>}
      </div>

      <h2 className="dash-section-title" id="dash-composition">{t('dash.section.composition')}</h2>
      <div className="dash-grid">
        <CompositionPanel state={composition} view={view} onView={setView} onDrill={can('customers:read') ? setDrill : undefined} />
        {drill && <DrillList target={drill} view={view} onClose={() => setDrill(null)} />}
      </div>

      <h2 className="dash-section-title" id="dash-funnel">{t('dash.section.funnel')}</h2>
      <div className="dash-grid">
        <PanelCard id="funnel" wide title={t('dash.panel.funnel')} state={funnel} view={view} note={t('dash.funnel.note')}>
          {(panel) => <Funnel panel={panel} />}
        </PanelCard>
      </div>

      <h2 className="dash-section-title" id="dash-purchases">{t('dash.section.purchases')}</h2>
      <div className="dash-grid">
        <PanelCard id="revenue_by_month" wide title={t('dash.panel.revenue_by_month')} state={revenue} view={view}>
          {(panel) => <RevenueCharts panel={panel} />}
        </PanelCard>
        <PanelCard id="category_by_month" title={t('dash.panel.category_by_month')} state={category} view={view}>
          {(panel) => <CategoryChart panel={panel} />}
        </PanelCard>
        <PanelCard id="cohorts" title={t('dash.panel.cohorts')} state={cohorts} view={view} note={t('dash.cohort.note')}>
          {(panel) => <CohortHeatmap panel={panel} />}
        </PanelCard>
      </div>

      <h2 className="dash-section-title" id="dash-acquisition">{t('dash.section.acquisition')}</h2>
      <div className="dash-grid">
        <PanelCard id="acquisition" title={t('dash.panel.acquisition')} state={acquisition} view={view}>
          {(panel) => <AcquisitionChart panel={panel} />}
        </PanelCard>
        <PanelCard id="first_touch" title={t('dash.panel.first_touch')} state={firstTouch} view={view}>
          {(panel) => <FirstTouchChart panel={panel} />}
        </PanelCard>
      </div>

      <h2 className="dash-section-title" id="dash-quality">{t('dash.section.quality')}</h2>
      <div className="dash-grid">
        <PanelCard id="quality" title={t('dash.panel.quality')} state={quality} view={view}>
          {(panel) => <Quality panel={panel} />}
        </PanelCard>
        <PanelCard id="merges_by_source" title={t('dash.panel.merges_by_source')} state={merges} view={view}>
          {(panel) => <Merges panel={panel} />}
        </PanelCard>
        <PanelCard id="voice_by_month" title={t('dash.panel.voice_by_month')} state={voice} view={view}>
          {(panel) => <VoiceChart panel={panel} />}
        </PanelCard>
      </div>
    </div>
  );
}
