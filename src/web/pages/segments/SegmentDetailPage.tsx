/**
 * セグメント詳細: the members as of the last refresh (paged like the customer list), the size at each refresh, the
 * distribution, and 更新 / ランクで分割 / CSV エクスポート (UTF-8, Excel 用 CP932) / 編集 / アーカイブ by permission.
 */
import { useEffect, useState } from 'react';
import { segmentsApi, type CustomerListItem, type Segment } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../../components/Pager.tsx';
import { StageBadge } from '../../components/StageBadge.tsx';
import { ErrorBanner, Loading, MaskBanner, Notice, PageHeader, useLoad } from '../../components/ui.tsx';
import { DistributionPanel } from './DistributionPanel.tsx';
import { ModeBadge } from './SegmentListPage.tsx';

const PAGE_SIZE = 50;

export function SegmentDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  const segment = useLoad(() => segmentsApi.get(id), [id]);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(search.has('saved') ? t('seg.detail.saved') : null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [split, setSplit] = useState<Segment[] | null>(null);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const justSaved = search.has('saved');
  useEffect(() => {
    if (justSaved) navigate(`/segments/${id}`, { replace: true });
  }, [justSaved, id]);

  if (!segment.data) {
    return (
      <div className="page">
        <Link to="/segments" className="back-link">{t('seg.back')}</Link>
        {segment.loading ? <Loading /> : <ErrorBanner error={segment.error} />}
      </div>
    );
  }
  const s = segment.data;
  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setActionError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };
  const refresh = () => run('refresh', async () => {
    segment.setData(await segmentsApi.refresh(s.id));
    setVersion((v) => v + 1);
    setNotice(t('seg.detail.refreshed'));
  });
  const splitByTier = () => run('split', async () => {
    const result = await segmentsApi.split(s.id);
    setSplit(result.items);
    setNotice(t('seg.detail.splitDone', { n: result.items.length }));
  });
  const archive = () => run('archive', async () => {
    await segmentsApi.archive(s.id);
    navigate('/segments');
  });

  return (
    <div className="page" data-testid="segment-detail-page">
      <Link to="/segments" className="back-link">{t('seg.back')}</Link>
      <PageHeader
        title={<span data-testid="segment-title">{s.name}</span>}
        sub={
          <span className="seg-detail-sub">
            <ModeBadge mode={s.mode} />
            <span data-testid="segment-member-count">{t('seg.detail.members', { n: (s.memberCount ?? 0).toLocaleString('ja-JP') })}</span>
            <span className="muted">{t('seg.detail.refreshedAt', { at: formatDateTime(s.refreshedAt) || '—' })}</span>
            {s.ownerName && <span className="muted">{t('seg.col.owner')}: {s.ownerName}</span>}
            {s.mode === 'dynamic' && <span className="muted">{t('seg.detail.every', { every: s.refreshMinutes ? refreshText(s.refreshMinutes, t) : t('seg.refresh.manual') })}</span>}
          </span>
        }
        actions={
          <>
            {can('segments:write') && s.mode === 'dynamic' && (
              <Button onClick={() => void refresh()} disabled={busy !== null} data-testid="segment-refresh-now">{busy === 'refresh' ? t('seg.detail.refreshing') : t('seg.detail.refresh')}</Button>
            )}
            {can('segments:write') && (
              <Button onClick={() => void splitByTier()} disabled={busy !== null} title={t('seg.detail.splitTitle')} data-testid="segment-split">{busy === 'split' ? t('seg.detail.splitting') : t('seg.detail.split')}</Button>
            )}
            {can('customers:export') && (
              <span className="seg-export" data-testid="segment-export" title={t('seg.detail.exportNote')}>
                <LinkButton href={segmentsApi.exportUrl(s.id, 'utf-8')} download data-testid="segment-export-utf8">{t('seg.detail.exportUtf8')}</LinkButton>
                <LinkButton href={segmentsApi.exportUrl(s.id, 'cp932')} download data-testid="segment-export-cp932">{t('seg.detail.exportCp932')}</LinkButton>
              </span>
            )}
            {can('segments:write') && <LinkButton to={`/segments/${s.id}/edit`} variant="primary" data-testid="segment-edit">{t('common.edit')}</LinkButton>}
            {can('segments:write') && <Button variant="danger-outline" onClick={() => setConfirmArchive(true)} disabled={busy !== null} data-testid="segment-archive">{t('seg.detail.archive')}</Button>}
          </>
        }
      />
      {s.description && <p className="seg-description">{s.description}</p>}
      {confirmArchive && (
        <div className="alert alert-warning confirm" role="alertdialog" data-testid="archive-confirm">
          <span>{t('seg.detail.archiveConfirm')}</span>
          <span className="confirm-actions">
            <Button variant="danger" small onClick={() => { setConfirmArchive(false); void archive(); }} data-testid="archive-yes">{t('seg.detail.archive')}</Button>
            <Button small onClick={() => setConfirmArchive(false)}>{t('common.cancel')}</Button>
          </span>
        </div>
      )}
      <ErrorBanner error={actionError} />
      {notice && <Notice testId="notice">{notice}</Notice>}
      {split && (
        <section className="card" data-testid="split-result">
          <div className="card-header"><h2>{t('seg.detail.splitResult')}</h2></div>
          <ul className="seg-split-list">
            {split.map((x) => (
              <li key={x.id} data-testid="split-segment">
                <Link to={`/segments/${x.id}`}>{x.name}</Link> <span className="muted tabular">{t('seg.detail.members', { n: (x.memberCount ?? 0).toLocaleString('ja-JP') })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="seg-layout">
        <div className="seg-main">
          <Members id={s.id} version={version} />
        </div>
        <aside className="seg-side">
          <Sizes id={s.id} version={version} />
          <Distribution id={s.id} version={version} />
        </aside>
      </div>
    </div>
  );
}

function refreshText(minutes: number, t: ReturnType<typeof useI18n>['t']): string {
  if ([60, 360, 1440, 10_080].includes(minutes)) return t(`seg.refresh.${minutes as 60 | 360 | 1440 | 10_080}`);
  if (minutes % 1440 === 0) return t('seg.every.days', { n: minutes / 1440 });
  if (minutes % 60 === 0) return t('seg.every.hours', { n: minutes / 60 });
  return t('seg.every.minutes', { n: minutes });
}

function Members({ id, version }: { id: string; version: number }) {
  const { t, label } = useI18n();
  const { reference } = useSession();
  const paging = useCursorPaging(`${id}:${version}`);
  const { data, error, loading } = useLoad(() => segmentsApi.members(id, { cursor: paging.cursor, limit: PAGE_SIZE }), [id, version, paging.cursor]);
  const masked = data?.items.some((c) => c.masked) ?? false;
  return (
    <section className="card" data-testid="segment-members">
      <div className="card-header"><h2>{t('seg.detail.membersTitle')}</h2></div>
      {masked && <MaskBanner />}
      <ErrorBanner error={error} />
      <DataTable<CustomerListItem>
        testId="segment-members-table"
        rows={data?.items ?? (loading ? null : [])}
        loading={loading}
        rowKey={(c) => c.id}
        rowTestId="member-row"
        onRowClick={(c) => navigate(`/customers/${c.id}`)}
        empty={t('seg.detail.noMembers')}
        columns={[
          { key: 'name', header: t('field.name'), cell: (c) => <Link to={`/customers/${c.id}`} className="row-link strong">{c.displayName || c.email || '—'}</Link> },
          { key: 'company', header: t('field.company'), cell: (c) => c.company?.name ?? <span className="muted">—</span> },
          { key: 'email', header: t('field.email'), cell: (c) => c.email ?? <span className="muted">—</span> },
          { key: 'prefecture', header: t('field.prefecture'), cell: (c) => c.prefecture ?? <span className="muted">—</span> },
          { key: 'stage', header: t('field.lifecycleStage'), cell: (c) => <StageBadge code={c.lifecycleStage} label={label(reference?.lifecycleStages.find((x) => x.code === c.lifecycleStage), c.lifecycleStage)} /> },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} summary={<span className="muted small">{t('common.page', { n: paging.page })}</span>} />}
      />
    </section>
  );
}

function Sizes({ id, version }: { id: string; version: number }) {
  const { t } = useI18n();
  const { data } = useLoad(() => segmentsApi.sizes(id), [id, version]);
  if (!data) return null;
  const items = data.items.slice(0, 30);
  const max = Math.max(1, ...items.map((x) => x.memberCount));
  return (
    <section className="card" data-testid="segment-sizes">
      <div className="card-header"><h2>{t('seg.detail.sizes')}</h2></div>
      {items.length === 0 ? <p className="muted small">{t('seg.detail.noSizes')}</p> : (
        <>
          <div className="seg-spark" aria-hidden="true">
            {[...items].reverse().map((x) => <span key={x.measuredAt} style={{ height: `${Math.max(4, (x.memberCount / max) * 100)}%` }} title={`${formatDateTime(x.measuredAt)}: ${x.memberCount}`} />)}
          </div>
          <table className="table seg-sizes-table">
            <thead><tr><th>{t('seg.detail.measuredAt')}</th><th className="num">{t('seg.col.members')}</th><th className="num">{t('seg.detail.added')}</th><th className="num">{t('seg.detail.removed')}</th></tr></thead>
            <tbody>
              {items.slice(0, 8).map((x) => (
                <tr key={x.measuredAt} data-testid="size-row">
                  <td className="tabular nowrap">{formatDateTime(x.measuredAt)}</td>
                  <td className="num tabular">{x.memberCount.toLocaleString('ja-JP')}</td>
                  <td className="num tabular">+{x.added}</td>
                  <td className="num tabular">−{x.removed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Distribution({ id, version }: { id: string; version: number }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => segmentsApi.distribution(id), [id, version]);
  return (
    <section className="card">
      <div className="card-header"><h2>{t('seg.dist.title')}</h2></div>
      <ErrorBanner error={error} />
      {data ? <DistributionPanel distribution={data} /> : !error && <Loading />}
    </section>
  );
}
