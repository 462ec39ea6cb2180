/**
 * The panels read as figures more than as charts: the funnel (three steps with the conversion and days between
 * them), data quality (coverage bars; review queues linking to their review pages) and merges per source.
 */
import type { DashboardPanel } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { PanelTable } from './PanelCard.tsx';
import { countText, daysText, num, rateText, type PanelRow } from './dashboard-data.ts';

const label = (row: PanelRow, fallback: string) => (row.label === null || row.label === undefined || row.label === '' ? fallback : String(row.label));

export function Funnel({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...panel.rows.map((r) => num(r.reached) ?? 0));
  return (
    <ol className="funnel" data-testid="funnel">
      {panel.rows.map((r, i) => {
        const reached = num(r.reached) ?? 0;
        const next = i < panel.rows.length - 1;
        return (
          <li key={String(r.stage)} className="funnel-step" data-testid="funnel-step" data-stage={String(r.stage)} data-reached={reached}>
            <div className="funnel-box">
              <div className="funnel-name">{label(r, String(r.stage))}</div>
              <div className="funnel-value tabular">{countText(reached, 'reached', lang)}</div>
              <div className="funnel-bar"><span className={`funnel-fill stage-fill-${String(r.stage)}`} style={{ width: `${(reached / max) * 100}%` }} /></div>
            </div>
            {next && (
              <div className="funnel-link" data-testid="funnel-conversion" data-rate={r.conversionRate ?? ''}>
                <span className="funnel-arrow" aria-hidden="true">→</span>
                <span className="funnel-rate tabular">{t('dash.funnel.to', { rate: rateText(r.conversionRate) })}</span>
                <span className="muted small tabular">{countText(r.converted, 'converted', lang)}</span>
                <span className="muted small tabular">{t('dash.funnel.days', { median: daysText(r.medianDays, lang), avg: daysText(r.averageDays, lang) })}</span>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** Where a review queue is worked, and who may open it. */
const QUEUES: Record<string, { to: string; permission: string }> = {
  review_waiting: { to: '/review', permission: 'identity:resolve' },
  company_review_waiting: { to: '/companies/review', permission: 'companies:read' },
  stale_values: { to: '/quality', permission: 'customers:read' },
};

export function Quality({ panel }: { panel: DashboardPanel }) {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const shares = panel.rows.filter((r) => r.share !== null && r.share !== undefined);
  const queues = panel.rows.filter((r) => r.share === null || r.share === undefined);
  return (
    <div className="quality">
      <h4>{t('dash.quality.fields')}</h4>
      <ul className="quality-bars">
        {shares.map((r) => {
          const share = num(r.share) ?? 0;
          return (
            <li key={String(r.metric)} data-testid="quality-share" data-metric={String(r.metric)} data-share={share} data-count={num(r.count) ?? 0}>
              <span className="quality-name">{label(r, String(r.metric))}</span>
              <span className="quality-bar"><span className={`quality-fill${share < 0.5 ? ' quality-low' : ''}`} style={{ width: `${share * 100}%` }} /></span>
              <span className="quality-rate tabular">{rateText(share)}</span>
              <span className="quality-count muted small tabular">{countText(r.count, 'customers', lang)}</span>
            </li>
          );
        })}
      </ul>
      {queues.length > 0 && (
        <>
          <h4>{t('dash.quality.queues')}</h4>
          <ul className="quality-queues">
            {queues.map((r) => {
              const queue = QUEUES[String(r.metric)];
              const n = num(r.count) ?? 0;
              return (
                <li key={String(r.metric)} data-testid="quality-queue" data-metric={String(r.metric)} data-count={n}>
                  <span className="quality-name">{label(r, String(r.metric))}</span>
                  <strong className={`tabular${n > 0 ? ' queue-waiting' : ''}`}>{countText(n, 'count', lang)}</strong>
                  {queue && can(queue.permission) && <Link to={queue.to} className="small" data-testid={`queue-link-${String(r.metric)}`}>{t('dash.quality.open')} →</Link>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}

export function Merges({ panel }: { panel: DashboardPanel }) {
  return <PanelTable panel={panel} />;
}
