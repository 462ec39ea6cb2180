/** 企業詳細: the company's registered facts and the people (customers) who belong to it. */
import { useState, type ReactNode } from 'react';
import { api, type CompanyDetail } from '../api.ts';
import { formatDate, formatDateTime, formatPhone, formatPostal } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { StageBadge } from '../components/StageBadge.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, Loading, Notice, useLoad } from '../components/ui.tsx';
import { SmeSummary } from './CompanyEditPage.tsx';
import { Button, LinkButton } from '../components/Button.tsx';
import { SearchBar } from '../components/SearchBar.tsx';

export function CompanyDetailPage({ id }: { id: string }) {
  const { t, label } = useI18n();
  const { reference, can } = useSession();
  const { data: company, error, loading, reload } = useLoad(() => api.getCompany(id), [id]);
  const [merging, setMerging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
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
  const mayWrite = can('companies:write');
  async function unmerge(c: CompanyDetail) {
    if (!window.confirm(t('companyMerge.unmergeConfirm', { name: c.name }))) return;
    setBusy(true);
    setActionError(null);
    try {
      await api.unmergeCompany(c.id);
      // The notice appears once the page shows the undone state, not before.
      await reload();
      setNotice(t('companyMerge.unmerged'));
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="page" data-testid="company-detail-page">
      <Link to="/companies" className="back-link">{t('companies.back')}</Link>
      {notice && <Notice testId="notice">{notice}</Notice>}
      <ErrorBanner error={actionError} />
      {company.mergedInto && (
        <div className="alert alert-warning" role="note" data-testid="company-merged-into">
          {t('companyMerge.mergedInto', { name: company.mergedInto.name })}{' '}
          <Link to={`/companies/${company.mergedInto.id}`} data-testid="company-survivor-link">{t('companyMerge.openSurvivor')}</Link>
          {mayWrite && (
            <div style={{ marginTop: '0.5rem' }}>
              <Button small variant="danger-outline" disabled={busy} data-testid="company-unmerge" onClick={() => void unmerge(company)}>{t('companyMerge.unmerge')}</Button>
            </div>
          )}
        </div>
      )}
      <div className="detail-header">
        <div className="detail-title">
          {company.nameKana && <div className="detail-kana">{company.nameKana}</div>}
          <h1 data-testid="company-name">{company.name}</h1>
          <div className="detail-subline">
            {company.industry && <span>{company.industry}</span>}
            {company.prefecture && <span>{company.prefecture}</span>}
          </div>
        </div>
        {mayWrite && !company.mergedInto && (
          <div className="page-actions">
            <Button data-testid="company-merge-open" onClick={() => setMerging(!merging)}>{t('companyMerge.action')}</Button>
            <LinkButton to={`/companies/${company.id}/edit`} data-testid="company-edit-link">{t('common.edit')}</LinkButton>
          </div>
        )}
      </div>
      {merging && !company.mergedInto && (
        <MergePanel
          company={company}
          onMerged={(name) => { setMerging(false); setNotice(t('companyMerge.done', { other: name })); void reload(); }}
          onCancel={() => setMerging(false)}
        />
      )}
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
              {row('companies.phone', formatPhone(company.phone))}
              {row('field.postalCode', company.postalCode && `〒${formatPostal(company.postalCode)}`)}
              {row('field.address', [company.prefecture, company.address].filter(Boolean).join(' '))}
              {row('field.updatedAt', formatDateTime(company.updatedAt))}
            </dl>
          </section>
          <section className="card">
            <div className="card-header"><h2>{t('companies.sme')}</h2></div>
            <SmeSummary company={company} />
          </section>
          {company.mergedCompanies.length > 0 && (
            <section className="card" data-testid="company-merged-companies">
              <div className="card-header"><h2>{t('companyMerge.mergedCompanies')}（{company.mergedCompanies.length}）</h2></div>
              <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
                {company.mergedCompanies.map((m) => <li key={m.id}><Link to={`/companies/${m.id}`} data-testid="company-merged-link">{m.name}</Link></li>)}
              </ul>
            </section>
          )}
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
          <FormerPeopleCard companyId={company.id} />
        </div>
      </div>
    </div>
  );
}

/** 過去の所属者 (元社員): people whose records name this company, now elsewhere — where they went (転職先) and when. */
function FormerPeopleCard({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const { data, error, loading } = useLoad(() => api.companyFormerPeople(companyId), [companyId]);
  const items = data?.items ?? null;
  return (
    <section className="card" data-testid="company-former-people">
      <div className="card-header"><h2>{t('companies.formerPeople')}{items ? `（${items.length}）` : ''}</h2></div>
      <ErrorBanner error={error} />
      {items && items.length === 0 ? (
        <div className="muted empty-note">{t('companies.formerEmpty')}</div>
      ) : (
        <DataTable
          bare
          rows={items}
          loading={loading}
          rowKey={(p) => p.id}
          rowTestId="company-former-person"
          onRowClick={(p) => navigate(`/customers/${p.id}`)}
          columns={[
            { key: 'name', header: t('field.name'), cell: (p) => <Link to={`/customers/${p.id}`} className="row-link">{p.displayName}</Link> },
            { key: 'here', header: t('companies.formerHere'), cell: (p) => <>
              {[p.department, p.title].filter(Boolean).join(' ') || <span className="muted">—</span>}
              {p.endedOn && <div className="small muted">{t('companies.lastSeenHere')} {formatDate(p.endedOn)}</div>}
            </> },
            { key: 'movedTo', header: t('companies.movedTo'), cell: (p) => p.movedTo === null ? <span className="muted">{t('companies.movedUnknown')}</span> : <>
              <Link to={`/companies/${p.movedTo.companyId}`} data-testid="former-moved-to">{p.movedTo.companyName}</Link>
              {(p.movedTo.department || p.movedTo.title) && <div className="small">{[p.movedTo.department, p.movedTo.title].filter(Boolean).join(' ')}</div>}
              {p.movedTo.since && <div className="small muted">{t('companies.movedSince')} {formatDate(p.movedTo.since)}</div>}
            </> },
          ]}
        />
      )}
      <p className="muted small">{t('companies.formerLead')}</p>
    </section>
  );
}

/** 「統合」: find another company by name and merge it into this one (this one stays). */
function MergePanel({ company, onMerged, onCancel }: { company: CompanyDetail; onMerged: (name: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { data, loading, error: loadError } = useLoad(() => (q ? api.listCompanies({ q, limit: 20 }) : Promise.resolve(null)), [q]);
  const others = (data?.items ?? []).filter((c) => c.id !== company.id);
  async function merge(otherId: string, otherName: string) {
    if (!window.confirm(t('companyMerge.confirm', { other: otherName, survivor: company.name }))) return;
    setBusy(true);
    setError(null);
    try {
      await api.mergeCompany(company.id, otherId);
      onMerged(otherName);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" data-testid="company-merge-panel" style={{ marginBottom: '1rem' }}>
      <div className="card-header">
        <h2>{t('companyMerge.title')}</h2>
        <Button small variant="ghost" onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
      <p className="muted small">{t('companyMerge.lead')}</p>
      <SearchBar value={text} onChange={setText} onSearch={setQ} debounceMs={300} placeholder={t('companyMerge.search')} testId="company-merge-search" />
      <ErrorBanner error={error ?? loadError} />
      {q && (
        <DataTable
          bare
          rows={data ? others : null}
          loading={loading}
          rowKey={(c) => c.id}
          rowTestId="company-merge-candidate"
          empty={t('companyMerge.none')}
          columns={[
            { key: 'name', header: t('companies.name'), cell: (c) => <Link to={`/companies/${c.id}`}>{c.name}</Link> },
            { key: 'prefecture', header: t('field.prefecture'), cell: (c) => [c.prefecture, c.address].filter(Boolean).join(' ') },
            { key: 'people', header: t('companies.peopleCount'), className: 'num', cellClassName: 'tabular', cell: (c) => c.peopleCount ?? '' },
            { key: 'merge', header: null, cell: (c) => <Button small variant="primary" disabled={busy} data-testid="company-merge-into" onClick={() => void merge(c.id, c.name)}>{t('companyMerge.into')}</Button> },
          ]}
        />
      )}
    </section>
  );
}
