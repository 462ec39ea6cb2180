/** 企業一覧: search by name, cursor paging, and a create form for companies:write. */
import { useState } from 'react';
import { api, type Company } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button, LinkButton } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { filledValues } from '../components/form-values.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { SearchBar } from '../components/SearchBar.tsx';
import { ErrorBanner, FormField, PageHeader, useLoad } from '../components/ui.tsx';

export function CompanyListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const paging = useCursorPaging();
  const [creating, setCreating] = useState(false);
  const { cursor } = paging;
  const { data: reviews } = useLoad(() => api.listCompanyReviews({ limit: 1 }), []);
  const { data, error, loading, reload } = useLoad(
    () => api.listCompanies({ limit: 50, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    [q, cursor],
  );

  return (
    <div className="page" data-testid="company-list-page">
      <PageHeader
        title={t('companies.title')}
        actions={<>
          <LinkButton to="/companies/review" data-testid="company-review-link">
            {reviews && reviews.total > 0 ? t('companyReview.linkCount', { n: reviews.total }) : t('companyReview.link')}
          </LinkButton>
          {can('companies:write') && !creating && (
            <Button variant="primary" onClick={() => setCreating(true)} data-testid="company-new">{t('companies.new')}</Button>
          )}
        </>}
      />
      {creating && <CompanyCreate onDone={(created) => { setCreating(false); if (created) navigate(`/companies/${created.id}`); else void reload(); }} />}
      <SearchBar value={text} onChange={setText} onSearch={(query) => { paging.reset(); setQ(query); }} debounceMs={300} placeholder={t('companies.search')} testId="company-search" />
      <ErrorBanner error={error} />
      <DataTable
        testId="company-table"
        rows={data?.items}
        loading={loading}
        rowKey={(c) => c.id}
        rowTestId="company-row"
        onRowClick={(c) => navigate(`/companies/${c.id}`)}
        columns={[
          { key: 'name', header: t('companies.name'), cell: (c) => <Link to={`/companies/${c.id}`} className="row-link">{c.name}</Link> },
          { key: 'nameKana', header: t('companies.nameKana'), cellClassName: 'kana', cell: (c) => c.nameKana },
          { key: 'industry', header: t('companies.industry'), cell: (c) => c.industry },
          { key: 'prefecture', header: t('field.prefecture'), cell: (c) => c.prefecture },
          { key: 'people', header: t('companies.peopleCount'), className: 'num', cellClassName: 'tabular', cell: (c) => c.peopleCount ?? '' },
          { key: 'updatedAt', header: t('field.updatedAt'), cellClassName: 'nowrap tabular', cell: (c) => formatDateTime(c.updatedAt) },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} summary={<span className="muted small">{data ? t('customers.shown', { n: data.items.length }) : ''}</span>} />}
      />
    </div>
  );
}

function CompanyCreate({ onDone }: { onDone: (created: Company | null) => void }) {
  const { t } = useI18n();
  const { reference } = useSession();
  const form = useFormValues({ name: '', nameKana: '', corporateNumber: '', industry: '', prefecture: '', website: '' });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('companies.createTitle')}
      testId="company-create"
      form={form}
      onSubmit={async (v) => onDone(await api.createCompany({ ...filledValues(v), name: v.name.trim() }))}
      submitTestId="company-create-submit"
      onCancel={() => onDone(null)}
    >
      <FormField label={t('companies.name')} name="name" required error={errors.name}>
        <input id="input-name" value={values.name} onChange={set('name')} placeholder="株式会社サンプル" />
      </FormField>
      <FormField label={t('companies.nameKana')} name="nameKana" error={errors.nameKana}>
        <input id="input-nameKana" value={values.nameKana} onChange={set('nameKana')} placeholder="サンプル" />
      </FormField>
      <FormField label={t('companies.corporateNumber')} name="corporateNumber" error={errors.corporateNumber} hint="13桁">
        <input id="input-corporateNumber" value={values.corporateNumber} onChange={set('corporateNumber')} inputMode="numeric" />
      </FormField>
      <FormField label={t('companies.industry')} name="industry" error={errors.industry}>
        <input id="input-industry" value={values.industry} onChange={set('industry')} />
      </FormField>
      <FormField label={t('field.prefecture')} name="prefecture" error={errors.prefecture}>
        <select id="input-prefecture" value={values.prefecture} onChange={set('prefecture')}>
          <option value="">{t('common.select')}</option>
          {(reference?.prefectures ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </FormField>
      <FormField label={t('companies.website')} name="website" error={errors.website}>
        <input id="input-website" value={values.website} onChange={set('website')} placeholder="https://" />
      </FormField>
    </FormPanel>
  );
}
