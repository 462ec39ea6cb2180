/** 企業詳細: the company's registered facts and the people (customers) who belong to it. */
import type { ReactNode } from 'react';
import { api } from '../api.ts';
import { formatDateTime, formatPostal } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { StageBadge } from '../components/StageBadge.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, Loading, useLoad } from '../components/ui.tsx';
import { SmeSummary } from './CompanyEditPage.tsx';
import { LinkButton } from '../components/Button.tsx';

export function CompanyDetailPage({ id }: { id: string }) {
  const { t, label } = useI18n();
  const { reference, can } = useSession();
  const { data: company, error, loading } = useLoad(() => api.getCompany(id), [id]);
  if (!company) {
    return (
      <div className="page">
        <Link to="/companies" className="back-link">{t('companies.back')}</Link>
        {loading ? <Loading /> : <ErrorBanner error={error} />}
      </div>
    );
  }
  const row = (name: MessageKey, text: ReactNode) => (
    <div className="kv-row" data-testid={`row-${name}`}>
      <dt>{t(name)}</dt>
      <dd><div className="kv-value">{text === null || text === undefined || text === '' ? <span className="muted">—</span> : text}</div></dd>
    </div>
  );
  return (
    <div className="page" data-testid="company-detail-page">
      <Link to="/companies" className="back-link">{t('companies.back')}</Link>
      <div className="detail-header">
        <div className="detail-title">
          {company.nameKana && <div className="detail-kana">{company.nameKana}</div>}
          <h1 data-testid="company-name">{company.name}</h1>
          <div className="detail-subline">
            {company.industry && <span>{company.industry}</span>}
            {company.prefecture && <span>{company.prefecture}</span>}
          </div>
        </div>
        {can('companies:write') && <LinkButton to={`/companies/${company.id}/edit`} data-testid="company-edit-link">{t('common.edit')}</LinkButton>}
      </div>
      <div className="detail-grid">
        <div className="detail-main">
          <section className="card">
            <div className="card-header"><h2>{t('detail.profile')}</h2></div>
            <dl className="kv">
              {row('companies.legalForm', company.legalForm)}
              {row('companies.corporateNumber', company.corporateNumber && <span className="tabular">{company.corporateNumber}</span>)}
              {row('companies.industry', company.industry)}
              {row('companies.employeeCount', company.employeeCount !== null ? company.employeeCount.toLocaleString('ja-JP') : company.employeesText)}
              {row('companies.capital', company.capitalText ?? (company.capitalYen !== null ? `${company.capitalYen.toLocaleString('ja-JP')}円` : null))}
              {row('companies.revenueBand', company.revenueBand)}
              {row('companies.website', company.website && /^https?:\/\//.test(company.website) ? <a href={company.website} target="_blank" rel="noreferrer noopener">{company.website}</a> : company.website)}
              {row('companies.phone', company.phone)}
              {row('field.postalCode', company.postalCode && `〒${formatPostal(company.postalCode)}`)}
              {row('field.address', [company.prefecture, company.address].filter(Boolean).join(' '))}
              {row('field.updatedAt', formatDateTime(company.updatedAt))}
            </dl>
          </section>
          <section className="card">
            <div className="card-header"><h2>{t('companies.sme')}</h2></div>
            <SmeSummary company={company} />
          </section>
        </div>
        <div className="detail-side">
          <section className="card" data-testid="company-people">
            <div className="card-header">
              <h2>{t('companies.people')}（{company.people.length}）</h2>
              {can('customers:read') && company.people.length > 0 && (
                <Link to={`/customers?company=${company.id}`} className="small">{t('nav.customers')} →</Link>
              )}
            </div>
            {company.people.length === 0 ? (
              <div className="muted empty-note">{t('companies.noPeople')}</div>
            ) : (
              <DataTable
                bare
                rows={company.people}
                rowKey={(p) => p.id}
                rowTestId="company-person"
                onRowClick={(p) => navigate(`/customers/${p.id}`)}
                columns={[
                  {
                    key: 'name',
                    header: t('field.name'),
                    cell: (p) => <>
                      <Link to={`/customers/${p.id}`} className="row-link">{p.displayName}</Link>
                      {p.isPrimary && <span className="tag-soft">{t('companies.primary')}</span>}
                    </>,
                  },
                  { key: 'department', header: t('field.department'), cell: (p) => p.department },
                  { key: 'title', header: t('field.title'), cell: (p) => p.title },
                  { key: 'stage', header: t('field.lifecycleStage'), cell: (p) => <StageBadge code={p.lifecycleStage} label={label(reference?.lifecycleStages.find((s) => s.code === p.lifecycleStage), p.lifecycleStage)} /> },
                ]}
              />
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
