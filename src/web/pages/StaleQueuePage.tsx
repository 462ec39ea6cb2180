/**
 * 要更新: customers whose values may be out of date (a company e-mail nobody confirmed for two years, a bounce, a
 * returned DM, a newer record with another address, a newer 名刺 with another title), most valuable first, filtered by
 * owner (mine by default). As of the daily quality pass; sources:write can run it now.
 */
import { useState } from 'react';
import { qualityApi } from '../api.ts';
import { formatDateTime, formatDay } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { usePolling } from '../polling.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { LoadMoreButton, useCursorList } from '../components/Pager.tsx';
import { scoreLook, staleFieldKey } from '../components/QualityCard.tsx';
import { ErrorBanner, PageHeader } from '../components/ui.tsx';
import { yenShort } from './dashboards/dashboard-data.ts';

const OWNERS = ['me', 'none', 'all'] as const;
type OwnerFilter = (typeof OWNERS)[number];

export function StaleQueuePage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const [owner, setOwner] = useState<OwnerFilter>('me');
  const [running, setRunning] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const list = useCursorList(
    (cursor) => qualityApi.stale({ ...(owner === 'all' ? {} : { owner }), limit: 50, ...(cursor ? { cursor } : {}) }),
    [owner],
  );
  // While a pass runs, poll it; when it finishes, show its result.
  usePolling(() => qualityApi.run().then(async (r) => {
    if (!r.running) {
      setRunning(false);
      await list.reload();
    }
  }, (e: unknown) => { setRunning(false); setFailed(e); }), 2000, running);
  const runNow = async () => {
    setFailed(null);
    try {
      await qualityApi.startRun();
      setRunning(true);
    } catch (e) {
      setFailed(e);
    }
  };
  return (
    <div className="page" data-testid="stale-page">
      <PageHeader
        title={t('stale.title')}
        sub={t('stale.lead')}
        actions={can('sources:write') && (
          <Button onClick={() => void runNow()} disabled={running} data-testid="stale-run">{running ? t('common.loading') : t('stale.runNow')}</Button>
        )}
      />
      <ErrorBanner error={list.error ?? list.moreError ?? failed} />
      <div className="reco-toolbar">
        <label className="small">{t('stale.owner')}{' '}
          <select value={owner} onChange={(e) => setOwner(e.target.value as OwnerFilter)} data-testid="stale-owner">
            {OWNERS.map((o) => <option key={o} value={o}>{t(`stale.owner.${o}`)}</option>)}
          </select>
        </label>
        <span className="muted small" data-testid="stale-computed">
          {running ? t('stale.running') : list.data?.computedAt ? t('stale.computedAt', { at: formatDateTime(list.data.computedAt) }) : t('stale.never')}
        </span>
      </div>
      <DataTable
        testId="stale-table"
        rows={list.data?.items}
        loading={list.loading}
        rowKey={(x) => x.customerId}
        rowProps={() => ({ 'data-testid': 'stale-row' })}
        empty={t('stale.empty')}
        columns={[
          { key: 'customer', header: t('stale.col.customer'), cell: (x) => <Link to={`/customers/${x.customerId}`} className="row-link strong">{x.name}</Link> },
          { key: 'company', header: t('stale.col.company'), cell: (x) => x.companyName ?? <span className="muted">—</span> },
          {
            key: 'items', header: t('stale.col.items'),
            cell: (x) => (
              <div className="stale-reasons">
                {x.stale.map((s) => (
                  <span key={`${s.field}-${s.reason}`} className="badge badge-warn" title={`${t(`quality.reason.${s.reason}`)} · ${t('quality.since', { date: formatDay(s.since) })}`} data-reason={s.reason}>
                    {tOr(staleFieldKey(s.field), s.field)}: {t(`quality.reasonShort.${s.reason}`)}
                  </span>
                ))}
              </div>
            ),
          },
          { key: 'score', header: t('stale.col.score'), className: 'num', cell: (x) => <span className={`badge ${scoreLook(x.score)}`}>{x.score}</span> },
          { key: 'value', header: t('stale.col.value'), className: 'num', cellClassName: 'tabular', cell: (x) => yenShort(Number(x.value)) },
        ]}
      />
      <LoadMoreButton list={list} label={t('stale.more')} testId="stale-more" />
    </div>
  );
}
