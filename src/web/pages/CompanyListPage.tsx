/** 企業一覧: search by name, cursor paging, and a create form for companies:write. */
import { useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { api, type Company } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, FormField, PageHeader, useFieldErrors, useLoad, CursorPager, TableStatusRows } from '../components/ui.tsx';

export function CompanyListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading, reload } = useLoad(
    () => api.listCompanies({ limit: 50, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }),
    [q, cursor],
  );
  const typing = useRef<number | undefined>(undefined);
  const onType = (value: string) => {
    setText(value);
    window.clearTimeout(typing.current);
    typing.current = window.setTimeout(() => { setCursors([]); setQ(value.trim()); }, 300);
  };
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    window.clearTimeout(typing.current);
    setCursors([]);
    setQ(text.trim());
  };
  const openRow = (event: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    navigate(`/companies/${id}`);
  };

  return (
    <div className="page" data-testid="company-list-page">
      <PageHeader
        title={t('companies.title')}
        actions={can('companies:write') && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="company-new">{t('companies.new')}</button>
        )}
      />
      {creating && <CompanyCreate onDone={(created) => { setCreating(false); if (created) navigate(`/companies/${created.id}`); else void reload(); }} />}
      <form className="searchbar" onSubmit={onSearch} role="search">
        <input type="search" className="search-input" placeholder={t('companies.search')} aria-label={t('companies.search')} value={text} onChange={(e) => onType(e.target.value)} data-testid="company-search" />
        <button type="submit" className="btn">{t('common.search')}</button>
      </form>
      <ErrorBanner error={error} />
      <div className="table-wrap">
        <table className="table table-zebra table-hover" data-testid="company-table">
          <thead>
            <tr>
              <th>{t('companies.name')}</th>
              <th>{t('companies.nameKana')}</th>
              <th>{t('companies.industry')}</th>
              <th>{t('field.prefecture')}</th>
              <th className="num">{t('companies.peopleCount')}</th>
              <th>{t('field.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((c) => (
              <tr key={c.id} onClick={(e) => openRow(e, c.id)} data-testid="company-row">
                <td><Link to={`/companies/${c.id}`} className="row-link">{c.name}</Link></td>
                <td className="kana">{c.nameKana}</td>
                <td>{c.industry}</td>
                <td>{c.prefecture}</td>
                <td className="num tabular">{c.peopleCount ?? ''}</td>
                <td className="nowrap tabular">{formatDateTime(c.updatedAt)}</td>
              </tr>
            ))}
            <TableStatusRows data={data} loading={loading} colSpan={6} />
          </tbody>
        </table>
      </div>
      <CursorPager data={data} loading={loading} cursors={cursors} setCursors={setCursors} summary={<span className="muted small">{data ? t('customers.shown', { n: data.items.length }) : ''}</span>} />
    </div>
  );
}

function CompanyCreate({ onDone }: { onDone: (created: Company | null) => void }) {
  const { t } = useI18n();
  const { reference } = useSession();
  const [form, setForm] = useState({ name: '', nameKana: '', corporateNumber: '', industry: '', prefecture: '', website: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const errors = useFieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input: Record<string, string> = {};
      for (const [k, v] of Object.entries(form)) if (v.trim()) input[k] = v.trim();
      onDone(await api.createCompany({ ...input, name: form.name.trim() }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="company-create">
      <div className="card-header"><h2>{t('companies.createTitle')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('companies.name')} name="name" required error={errors.name}>
            <input id="input-name" value={form.name} onChange={set('name')} placeholder="株式会社サンプル" />
          </FormField>
          <FormField label={t('companies.nameKana')} name="nameKana" error={errors.nameKana}>
            <input id="input-nameKana" value={form.nameKana} onChange={set('nameKana')} placeholder="サンプル" />
          </FormField>
          <FormField label={t('companies.corporateNumber')} name="corporateNumber" error={errors.corporateNumber} hint="13桁">
            <input id="input-corporateNumber" value={form.corporateNumber} onChange={set('corporateNumber')} inputMode="numeric" />
          </FormField>
          <FormField label={t('companies.industry')} name="industry" error={errors.industry}>
            <input id="input-industry" value={form.industry} onChange={set('industry')} />
          </FormField>
          <FormField label={t('field.prefecture')} name="prefecture" error={errors.prefecture}>
            <select id="input-prefecture" value={form.prefecture} onChange={set('prefecture')}>
              <option value="">{t('common.select')}</option>
              {(reference?.prefectures ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </FormField>
          <FormField label={t('companies.website')} name="website" error={errors.website}>
            <input id="input-website" value={form.website} onChange={set('website')} placeholder="https://" />
          </FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="company-create-submit">{busy ? t('common.creating') : t('common.create')}</button>
          <button type="button" className="btn" onClick={() => onDone(null)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
