/** フォーム: every form with its kind, status and submission counts; create for forms:write. */
import { formsApi, type FormStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { LinkButton } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, Loading, PageHeader, useLoad } from '../components/ui.tsx';

export function FormStatusBadge({ status }: { status: FormStatus }) {
  const { tOr } = useI18n();
  const cls = status === 'published' ? 'badge badge-ok' : status === 'closed' ? 'badge badge-off' : 'badge badge-warn';
  return <span className={cls} data-testid="form-status" data-status={status}>{tOr(`forms.status.${status}`, status)}</span>;
}

export function FormListPage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const { data, error, loading } = useLoad(() => formsApi.list(), []);
  return (
    <div className="page" data-testid="forms-page">
      <PageHeader
        title={t('forms.title')}
        sub={t('forms.lead')}
        actions={can('forms:write') && <LinkButton to="/forms/new" variant="primary" data-testid="form-new">{t('forms.new')}</LinkButton>}
      />
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : (
        <DataTable
          testId="forms-table"
          rows={data?.items}
          rowKey={(f) => f.id}
          rowProps={(f) => ({ 'data-testid': 'form-row', 'data-slug': f.slug })}
          empty={t('forms.empty')}
          emptyTestId="forms-empty"
          columns={[
            { key: 'title', header: t('forms.col.title'), cell: (f) => <Link to={`/forms/${f.id}`} className="row-link strong" data-testid="form-link">{f.title}</Link> },
            { key: 'kind', header: t('forms.col.kind'), cell: (f) => tOr(`forms.kind.${f.kind}`, f.kindLabel) },
            { key: 'status', header: t('forms.col.status'), cell: (f) => <FormStatusBadge status={f.status} /> },
            { key: 'submissions', header: t('forms.col.submissions'), className: 'num', cellClassName: 'tabular', cell: (f) => (f.submissionCount ?? 0).toLocaleString('ja-JP') },
            { key: 'spam', header: t('forms.col.spam'), className: 'num', cellClassName: 'tabular muted', cell: (f) => (f.spamCount ?? 0).toLocaleString('ja-JP') },
            { key: 'last', header: t('forms.col.last'), cellClassName: 'nowrap tabular', cell: (f) => formatDateTime(f.lastSubmittedAt) || <span className="muted">—</span> },
            { key: 'hostedUrl', header: t('forms.hostedUrl'), cell: (f) => <code>{f.hostedPath}</code> },
          ]}
        />
      )}
    </div>
  );
}
