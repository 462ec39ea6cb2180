/** セグメント: every saved segment with its members, mode, last refresh and owner; 新規作成 for segments:write. */
import { segmentsApi } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBanner, Loading, PageHeader, useLoad } from '../../components/ui.tsx';

export function ModeBadge({ mode }: { mode: 'dynamic' | 'snapshot' }) {
  const { t } = useI18n();
  return <span className={mode === 'dynamic' ? 'badge badge-ok' : 'badge badge-off'} data-testid="segment-mode-badge" data-mode={mode}>{t(`seg.mode.${mode}`)}</span>;
}

export function SegmentListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, loading } = useLoad(() => segmentsApi.list(), []);
  return (
    <div className="page" data-testid="segments-page">
      <PageHeader
        title={t('seg.title')}
        sub={t('seg.lead')}
        actions={can('segments:write') && <LinkButton to="/segments/new" variant="primary" data-testid="segment-new">{t('seg.new')}</LinkButton>}
      />
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : (
        <DataTable
          testId="segments-table"
          rows={data?.items}
          rowKey={(s) => s.id}
          rowProps={(s) => ({ 'data-testid': 'segment-row', 'data-name': s.name })}
          empty={t('seg.empty')}
          emptyTestId="segments-empty"
          columns={[
            { key: 'name', header: t('seg.col.name'), cell: (s) => (
              <>
                <Link to={`/segments/${s.id}`} className="row-link strong" data-testid="segment-link">{s.name}</Link>
                {s.description && <div className="muted small">{s.description}</div>}
              </>
            ) },
            { key: 'members', header: t('seg.col.members'), className: 'num', cellClassName: 'tabular', cell: (s) => (s.memberCount === null ? '—' : s.memberCount.toLocaleString('ja-JP')) },
            { key: 'mode', header: t('seg.col.mode'), cell: (s) => <ModeBadge mode={s.mode} /> },
            { key: 'refreshed', header: t('seg.col.refreshed'), cellClassName: 'nowrap tabular', cell: (s) => formatDateTime(s.refreshedAt) || <span className="muted">—</span> },
            { key: 'owner', header: t('seg.col.owner'), cell: (s) => s.ownerName ?? <span className="muted">—</span> },
          ]}
        />
      )}
    </div>
  );
}
