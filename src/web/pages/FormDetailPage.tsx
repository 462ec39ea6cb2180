/** A form: status actions, hosted URL and embed code to copy, and its submissions with links to the customers. */
import { useState } from 'react';
import { formsApi, type FormStatus, type FormSubmission } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { Button, LinkButton } from '../components/Button.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { LoadMoreButton, useCursorList } from '../components/Pager.tsx';
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
            <LinkButton to={`/forms/${id}/edit`} data-testid="form-edit">{t('common.edit')}</LinkButton>
            {form.status === 'draft' && <Button variant="primary" disabled={busy} onClick={() => void setStatus('published')} data-testid="form-publish">{t('forms.publish')}</Button>}
            {form.status === 'published' && <Button disabled={busy} onClick={() => void setStatus('closed')} data-testid="form-close">{t('forms.close')}</Button>}
            {form.status === 'closed' && <Button disabled={busy} onClick={() => void setStatus('published')} data-testid="form-reopen">{t('forms.reopen')}</Button>}
            <Button variant="ghost" onClick={() => void archive()} data-testid="form-archive">{t('forms.archive')}</Button>
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
        <Button small onClick={copy} data-testid={`${testId}-copy`}>{copied ? <><Icon name="check" size={12} /> {t('forms.copied')}</> : t('forms.copy')}</Button>
        {link && <LinkButton small variant="ghost" href={value} target="_blank" rel="noopener noreferrer" data-testid={`${testId}-open`}>{t('forms.open')}</LinkButton>}
      </div>
    </div>
  );
}

function Submissions({ formId }: { formId: string }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<'accepted' | 'spam'>('accepted');
  const list = useCursorList((cursor) => formsApi.submissions(formId, { status, limit: 50, ...(cursor ? { cursor } : {}) }), [formId, status]);
  const { data, error, loading } = list;
  const columns = (data?.fields ?? []).slice(0, ANSWER_COLUMNS);
  const show = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('、') : v ?? '');
  return (
    <section className="card" data-testid="form-submissions">
      <div className="card-header">
        <h2>{t('forms.submissions')}</h2>
        <Button small variant="ghost" onClick={() => setStatus(status === 'accepted' ? 'spam' : 'accepted')} data-testid="submissions-toggle-spam">
          {status === 'accepted' ? t('forms.showSpam') : t('forms.showAccepted')}
        </Button>
      </div>
      {data?.masked && <MaskBanner />}
      <ErrorBanner error={error ?? list.moreError} />
      {loading && !data ? <Loading /> : (
        <DataTable
          testId="submissions-table"
          rows={data?.items}
          rowKey={(s) => s.id}
          rowProps={(s) => ({ 'data-testid': 'submission-row', 'data-id': s.id })}
          empty={t('forms.noSubmissions')}
          emptyTestId="submissions-empty"
          columns={[
            { key: 'sentAt', header: t('forms.sentAt'), cellClassName: 'nowrap tabular', cell: (s) => formatDateTime(s.createdAt) },
            {
              key: 'customer',
              header: t('forms.customer'),
              cell: (s) => (s.customerId ? <Link to={`/customers/${s.customerId}`} className="row-link" data-testid="submission-customer">{s.customerName || '—'}</Link> : <span className="muted">—</span>),
            },
            ...columns.map((c): Column<FormSubmission> => ({
              key: `answer-${c.key}`,
              header: lang === 'en' && c.labelEn ? c.labelEn : c.labelJa,
              cellClassName: 'ellipsis',
              cell: (s) => show(s.values[c.key]),
            })),
            {
              key: 'consent',
              header: t('forms.consent'),
              cell: (s) => (s.consentGiven === null ? <span className="muted">—</span> : s.consentGiven ? t('forms.consentYes') : t('forms.consentNo')),
            },
          ]}
          pager={list.nextCursor && <div className="form-actions"><LoadMoreButton list={list} label={t('forms.more')} small testId="submissions-more" /></div>}
        />
      )}
    </section>
  );
}
