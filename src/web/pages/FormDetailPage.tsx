/** A form: status actions, hosted URL and embed code to copy, and its submissions with links to the customers. */
import { useState } from 'react';
import { formsApi, type FormStatus, type FormSubmission } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, Loading, MaskBanner, PageHeader, useLoad } from '../components/ui.tsx';
import { FormStatusBadge } from './FormListPage.tsx';

/** How many answer columns the submissions table shows (the rest is in the customer's source record). */
const ANSWER_COLUMNS = 5;

export function FormDetailPage({ id }: { id: string }) {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const { data: form, error, reload } = useLoad(() => formsApi.get(id), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!form) return <div className="page"><ErrorBanner error={error} />{!error && <Loading />}</div>;

  const setStatus = async (status: FormStatus) => {
    setBusy(true);
    setActionError(null);
    try {
      await formsApi.update(id, { status });
      await reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const archive = async () => {
    if (!window.confirm(t('forms.archiveConfirm'))) return;
    try {
      await formsApi.archive(id);
      navigate('/forms');
    } catch (err) {
      setActionError(err);
    }
  };
  const origin = window.location.origin;
  const hostedUrl = `${origin}${form.hostedPath}`;
  const embedCode = `<script src="${origin}/f/embed.js" data-form="${form.slug}" async></script>`;
  const write = can('forms:write');

  return (
    <div className="page" data-testid="form-detail" data-slug={form.slug}>
      <PageHeader
        title={<>{form.title} <FormStatusBadge status={form.status} /></>}
        sub={`${tOr(`forms.kind.${form.kind}`, form.kindLabel)} · ${t('forms.col.submissions')} ${(form.submissionCount ?? 0).toLocaleString('ja-JP')} · ${t('forms.col.spam')} ${(form.spamCount ?? 0).toLocaleString('ja-JP')}`}
        actions={write && (
          <>
            <Link to={`/forms/${id}/edit`} className="btn" data-testid="form-edit">{t('common.edit')}</Link>
            {form.status === 'draft' && <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void setStatus('published')} data-testid="form-publish">{t('forms.publish')}</button>}
            {form.status === 'published' && <button type="button" className="btn" disabled={busy} onClick={() => void setStatus('closed')} data-testid="form-close">{t('forms.close')}</button>}
            {form.status === 'closed' && <button type="button" className="btn" disabled={busy} onClick={() => void setStatus('published')} data-testid="form-reopen">{t('forms.reopen')}</button>}
            <button type="button" className="btn btn-ghost" onClick={() => void archive()} data-testid="form-archive">{t('forms.archive')}</button>
          </>
        )}
      />
      <ErrorBanner error={actionError} />
      <section className="card" data-testid="form-share">
        {form.status === 'draft' && <p className="muted small" data-testid="form-draft-hint">{t('forms.draftHint')}</p>}
        <CopyRow label={t('forms.hostedUrl')} value={hostedUrl} testId="form-hosted-url" link={form.status !== 'draft'} />
        <CopyRow label={t('forms.embedCode')} value={embedCode} testId="form-embed-code" />
        <p className="muted small">{t('forms.embedHint')}</p>
        {form.allowedOrigins.length > 0 && <p className="small"><Icon name="globe" size={12} /> {form.allowedOrigins.join(', ')}</p>}
      </section>
      <Submissions formId={id} />
    </div>
  );
}

function CopyRow({ label, value, testId, link }: { label: string; value: string; testId: string; link?: boolean }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(value).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="copy-row">
      <div className="small strong">{label}</div>
      <div className="copy-row-value">
        <input readOnly value={value} className="mono" data-testid={testId} onFocus={(e) => e.target.select()} />
        <button type="button" className="btn btn-small" onClick={copy} data-testid={`${testId}-copy`}>{copied ? <><Icon name="check" size={12} /> {t('forms.copied')}</> : t('forms.copy')}</button>
        {link && <a className="btn btn-small btn-ghost" href={value} target="_blank" rel="noopener noreferrer" data-testid={`${testId}-open`}>{t('forms.open')}</a>}
      </div>
    </div>
  );
}

function Submissions({ formId }: { formId: string }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<'accepted' | 'spam'>('accepted');
  const [extra, setExtra] = useState<FormSubmission[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const { data, error, loading } = useLoad(async () => {
    const page = await formsApi.submissions(formId, { status, limit: 50 });
    setExtra([]);
    setCursor(page.nextCursor);
    return page;
  }, [formId, status]);
  const more = async () => {
    if (!cursor) return;
    try {
      const page = await formsApi.submissions(formId, { status, limit: 50, cursor });
      setExtra((items) => [...items, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setMoreError(err);
    }
  };
  const columns = (data?.fields ?? []).slice(0, ANSWER_COLUMNS);
  const items = [...(data?.items ?? []), ...extra];
  const show = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('、') : v ?? '');
  return (
    <section className="card" data-testid="form-submissions">
      <div className="card-header">
        <h2>{t('forms.submissions')}</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setStatus(status === 'accepted' ? 'spam' : 'accepted')} data-testid="submissions-toggle-spam">
          {status === 'accepted' ? t('forms.showSpam') : t('forms.showAccepted')}
        </button>
      </div>
      {data?.masked && <MaskBanner />}
      <ErrorBanner error={error ?? moreError} />
      {loading && !data ? <Loading /> : (
        <div className="table-wrap">
          <table className="table table-zebra" data-testid="submissions-table">
            <thead>
              <tr>
                <th>{t('forms.sentAt')}</th>
                <th>{t('forms.customer')}</th>
                {columns.map((c) => <th key={c.key}>{lang === 'en' && c.labelEn ? c.labelEn : c.labelJa}</th>)}
                <th>{t('forms.consent')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid="submission-row" data-id={s.id}>
                  <td className="nowrap tabular">{formatDateTime(s.createdAt)}</td>
                  <td>{s.customerId ? <Link to={`/customers/${s.customerId}`} className="row-link" data-testid="submission-customer">{s.customerName || '—'}</Link> : <span className="muted">—</span>}</td>
                  {columns.map((c) => <td key={c.key} className="ellipsis">{show(s.values[c.key])}</td>)}
                  <td>{s.consentGiven === null ? <span className="muted">—</span> : s.consentGiven ? t('forms.consentYes') : t('forms.consentNo')}</td>
                </tr>
              ))}
              {data && items.length === 0 && <tr><td colSpan={columns.length + 3} className="muted" data-testid="submissions-empty">{t('forms.noSubmissions')}</td></tr>}
            </tbody>
          </table>
        </div>
      )}
      {cursor && <div className="form-actions"><button type="button" className="btn btn-small" onClick={() => void more()} data-testid="submissions-more">{t('forms.more')}</button></div>}
    </section>
  );
}
