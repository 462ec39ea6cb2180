/**
 * キャンペーン: every campaign with its channel, status, audience and what was sent so far; 新規作成 for
 * campaigns:write, the 送信箱 (outbox) and (admins) 配信設定. While a campaign sends or waits for its time the list polls.
 */
import { campaignsApi, type CampaignListItem } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { usePolling } from '../../polling.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBanner, Loading, PageHeader, useLoad } from '../../components/ui.tsx';
import { isLive, progressOf } from './campaign-state.ts';
import { ChannelBadge, OutboxBanner, StatusBadge } from './parts.tsx';

const POLL_MS = 3_000;
const ORIGINS = ['user', 'trigger', 'all'] as const;
const n = (x: number) => x.toLocaleString('ja-JP');

export function CampaignListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  // Campaigns people made by default; the instances behaviour triggers create (one per pass that finds people) on demand.
  const origin = ORIGINS.find((o) => o === search.get('origin')) ?? 'user';
  const { data, error, loading, reload } = useLoad(() => campaignsApi.list(origin), [origin]);
  const live = data?.items.some((c) => isLive(c.status)) ?? false;
  usePolling(reload, POLL_MS, live);
  const outbox = data?.items.some((c) => c.channel === 'email' && c.delivery === 'outbox') ?? false;
  return (
    <div className="page" data-testid="campaigns-page">
      <PageHeader
        title={t('camp.title')}
        sub={t('camp.lead')}
        actions={
          <>
            <LinkButton to="/outbox" data-testid="campaigns-outbox">{t('nav.outbox')}</LinkButton>
            {can('messaging:settings') && <LinkButton to="/messaging-settings" data-testid="campaigns-settings">{t('msgset.title')}</LinkButton>}
            {can('campaigns:write') && <LinkButton to="/campaigns/new" variant="primary" data-testid="campaign-new">{t('camp.new')}</LinkButton>}
          </>
        }
      />
      {outbox && <OutboxBanner />}
      <div className="chips" role="group" aria-label={t('camp.origin.label')} data-testid="campaign-origin">
        <span className="muted small">{t('camp.origin.label')}</span>
        {ORIGINS.map((o) => (
          <button key={o} type="button" className={`chip${o === origin ? ' chip-on' : ''}`} aria-pressed={o === origin} data-testid={`campaign-origin-${o}`}
            onClick={() => navigate(o === 'user' ? '/campaigns' : `/campaigns?origin=${o}`, { replace: true })}>
            {t(`camp.origin.${o}`)}
          </button>
        ))}
      </div>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : (
        <DataTable<CampaignListItem>
          testId="campaigns-table"
          rows={data?.items}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ 'data-testid': 'campaign-row', 'data-name': c.name, 'data-status': c.status })}
          onRowClick={(c) => navigate(`/campaigns/${c.id}`)}
          empty={t(origin === 'trigger' ? 'camp.origin.emptyTrigger' : 'camp.empty')}
          emptyTestId="campaigns-empty"
          columns={[
            { key: 'name', header: t('camp.col.name'), cell: (c) => (
              <>
                <Link to={`/campaigns/${c.id}`} className="row-link strong" data-testid="campaign-link">{c.name}</Link>
                <div className="muted small">{[c.department, c.segments.length ? c.segments.map((s) => s.name).join('・') : t('camp.allCustomers')].filter(Boolean).join(' · ')}</div>
              </>
            ) },
            { key: 'channel', header: t('camp.col.channel'), cell: (c) => <ChannelBadge channel={c.channel} /> },
            { key: 'status', header: t('camp.col.status'), cell: (c) => <StatusBadge status={c.status} /> },
            { key: 'audience', header: t('camp.col.audience'), className: 'num', cellClassName: 'tabular', cell: (c) => (c.counts.considered ? n(c.counts.considered - c.counts.suppressed) : <span className="muted">—</span>) },
            { key: 'suppressed', header: t('camp.col.suppressed'), className: 'num', cellClassName: 'tabular', cell: (c) => (c.counts.considered ? n(c.counts.suppressed) : <span className="muted">—</span>) },
            { key: 'sent', header: t('camp.col.sent'), className: 'num', cellClassName: 'tabular', cell: (c) => <SentCell c={c} /> },
            { key: 'opened', header: t('camp.col.opened'), className: 'num', cellClassName: 'tabular', cell: (c) => (c.channel === 'email' && c.counts.sent ? n(c.counts.opened) : <span className="muted">—</span>) },
            { key: 'when', header: t('camp.col.when'), cellClassName: 'nowrap tabular small', cell: (c) => <WhenCell c={c} /> },
          ]}
        />
      )}
    </div>
  );
}

function SentCell({ c }: { c: CampaignListItem }) {
  const { t } = useI18n();
  if (!c.counts.considered) return <span className="muted">—</span>;
  const p = progressOf(c.counts);
  return (
    <span title={t('camp.progress.of', { done: n(p.done), total: n(p.total) })}>
      {n(c.counts.sent)}
      {c.counts.outbox > 0 && <span className="muted small"> + {t('camp.col.outboxN', { n: n(c.counts.outbox) })}</span>}
      {c.status === 'sending' && <span className="muted small"> ({Math.floor(p.fraction * 100)}%)</span>}
    </span>
  );
}

function WhenCell({ c }: { c: CampaignListItem }) {
  const { t } = useI18n();
  if (c.status === 'scheduled' && c.scheduledAt) return <>{t('camp.when.scheduled', { at: formatDateTime(c.scheduledAt) })}</>;
  if (c.finishedAt) return <>{t('camp.when.finished', { at: formatDateTime(c.finishedAt) })}</>;
  if (c.startedAt) return <>{t('camp.when.started', { at: formatDateTime(c.startedAt) })}</>;
  return <span className="muted">{t('camp.when.updated', { at: formatDateTime(c.updatedAt) })}</span>;
}
