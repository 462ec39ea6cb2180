/**
 * 所属履歴 card on the customer page: 現職 and 前職 as the person's records say them (GET /customers/:id/affiliations),
 * newest first, each with its period (first → last seen), the change from the period before (転職, 異動・昇進) and
 * the sources; a registered company links to its page. Company, department and title are not personal data.
 */
import { api, type AffiliationHistory } from '../api.ts';
import { formatDay } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { ErrorBanner, useLoad } from './ui.tsx';

type Period = AffiliationHistory['items'][number];

export function AffiliationCard({ customerId, reloadKey }: { customerId: string; reloadKey: number }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => api.customerAffiliations(customerId), [customerId, reloadKey]);
  if (!data) return error ? <section className="card" data-testid="card-affiliations"><ErrorBanner error={error} /></section> : null;
  return (
    <section className="card" data-testid="card-affiliations">
      <div className="card-header"><h2>{t('affiliations.title')}</h2></div>
      {data.items.length === 0
        ? <p className="muted small" data-testid="affiliations-empty">{t('affiliations.empty')}</p>
        : (
          <ol className="affiliation-list">
            {data.items.map((p, i) => <PeriodItem key={`${p.companyName}-${p.firstSeen ?? 'x'}-${i}`} period={p} />)}
          </ol>
        )}
      <p className="muted small">{t('affiliations.lead')}</p>
    </section>
  );
}

function PeriodItem({ period: p }: { period: Period }) {
  const { t } = useI18n();
  const current = p.status === 'current';
  const from = p.firstSeen === null ? null : formatDay(p.firstSeen);
  const to = current ? '' : p.lastSeen === null ? null : formatDay(p.lastSeen);
  return (
    <li className={`affiliation-item${current ? ' is-current' : ''}`} data-testid="affiliation-period" data-status={p.status}>
      <div className="affiliation-head">
        <span className={`badge ${current ? 'badge-ok' : 'badge-off'}`}>{t(current ? 'affiliations.current' : 'affiliations.former')}</span>
        {p.companyId
          ? <Link to={`/companies/${p.companyId}`} data-testid="affiliation-company" title={p.writtenAs !== p.companyName ? p.writtenAs : undefined}>{p.companyName}</Link>
          : <span data-testid="affiliation-company">{p.companyName}</span>}
        {p.change && <span className="tag-soft" data-testid="affiliation-change">{t(p.change === 'job_change' ? 'affiliations.jobChange' : 'affiliations.internal')}</span>}
      </div>
      {(p.department || p.title) && <div className="small">{[p.department, p.title].filter(Boolean).join(' ')}</div>}
      <div className="small muted">
        {from === null ? t('affiliations.undated') : t('affiliations.period', { from, to: to ?? '' })}
        {' · '}{t('affiliations.sources')}: {[...new Set(p.sources.map((s) => s.label || s.source))].join('、')}
      </div>
    </li>
  );
}
