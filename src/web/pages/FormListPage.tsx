/** フォーム: every form with its kind, status and submission counts; create for forms:write. */
import { formsApi, type FormStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
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
        actions={can('forms:write') && <Link to="/forms/new" className="btn btn-primary" data-testid="form-new">{t('forms.new')}</Link>}
      />
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : (
        <div className="table-wrap">
          <table className="table table-zebra" data-testid="forms-table">
            <thead>
              <tr>
                <th>{t('forms.col.title')}</th>
                <th>{t('forms.col.kind')}</th>
                <th>{t('forms.col.status')}</th>
                <th className="num">{t('forms.col.submissions')}</th>
                <th className="num">{t('forms.col.spam')}</th>
                <th>{t('forms.col.last')}</th>
                <th>{t('forms.hostedUrl')}</th>
              </tr>
            </thead>
            <tbody>
              {(data?.items ?? []).map((f) => (
                <tr key={f.id} data-testid="form-row" data-slug={f.slug}>
                  <td><Link to={`/forms/${f.id}`} className="row-link strong" data-testid="form-link">{f.title}</Link></td>
                  <td>{tOr(`forms.kind.${f.kind}`, f.kindLabel)}</td>
                  <td><FormStatusBadge status={f.status} /></td>
                  <td className="num tabular">{(f.submissionCount ?? 0).toLocaleString('ja-JP')}</td>
                  <td className="num tabular muted">{(f.spamCount ?? 0).toLocaleString('ja-JP')}</td>
                  <td className="nowrap tabular">{formatDateTime(f.lastSubmittedAt) || <span className="muted">—</span>}</td>
                  <td><code>{f.hostedPath}</code></td>
                </tr>
              ))}
              {data && data.items.length === 0 && (
                <tr><td colSpan={7} className="muted" data-testid="forms-empty">{t('forms.empty')}</td></tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
