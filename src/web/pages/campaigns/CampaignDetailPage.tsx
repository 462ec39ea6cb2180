/**
 * キャンペーン詳細: the status and what may be done now (今すぐ配信, 予約配信 in Japan time, 一時停止, 再開, 中止, each
 * confirmed), the sending progress (polled while it sends), 「送信結果不明」 for a person to decide (再送信 or 送信済み
 * にする, never re-sent by itself), the report (audience, suppressed by reason, sent, bounced, opened, clicked,
 * unsubscribed, orders within N days), the messages by status; for DM the mailing list (CP932 / UTF-8) and the label sheet.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { campaignsApi, type Campaign, type MessageRow, type ReturnedImportResult } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { usePolling } from '../../polling.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../../components/Pager.tsx';
import { ErrorBanner, Loading, Notice, PageHeader, useLoad } from '../../components/ui.tsx';
import {
  allowedActions, defaultScheduleLocal, isLive, japanLocalToIso, percent, preparationFraction, progressOf, scheduleProblem, suppressionRows, MESSAGE_STATUSES,
  type CampaignAction, type MessageStatus,
} from './campaign-state.ts';
import { AudiencePanel, ChannelBadge, OutboxBanner, StatusBadge } from './parts.tsx';

const POLL_MS = 2_000;
const REPORT_DAYS = [7, 14, 30, 60, 90] as const;
const n = (x: number) => x.toLocaleString('ja-JP');

type Confirm = 'start' | 'schedule' | 'pause' | 'resume' | 'cancel' | 'delete';

export function CampaignDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  const campaign = useLoad(() => campaignsApi.get(id), [id]);
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<string | null>(search.has('saved') ? t('camp.detail.saved') : null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [scheduleAt, setScheduleAt] = useState(() => defaultScheduleLocal(new Date()));
  const justSaved = search.has('saved');
  useEffect(() => {
    if (justSaved) navigate(`/campaigns/${id}`, { replace: true });
  }, [justSaved, id]);

  const c = campaign.data;
  const live = c ? isLive(c.status) : false;
  const { reload } = campaign;
  usePolling(() => {
    setTick((x) => x + 1);
    return reload();
  }, POLL_MS, live);
  // Once sending ends, the messages and the report read their final state once more (the last poll raced the end).
  const wasLive = useRef(false);
  useEffect(() => {
    if (wasLive.current && !live) setTick((x) => x + 1);
    wasLive.current = live;
  }, [live]);

  if (!c) {
    return (
      <div className="page">
        <Link to="/campaigns" className="back-link">{t('camp.back')}</Link>
        {campaign.loading ? <Loading /> : <ErrorBanner error={campaign.error} />}
      </div>
    );
  }
  const actions = allowedActions(c.status, can);
  const act = async (what: Confirm, run: () => Promise<Campaign | void>, done: string) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      const next = await run();
      if (what === 'delete') {
        navigate('/campaigns');
        return;
      }
      if (next) campaign.setData(next);
      setConfirm(null);
      setNotice(done);
      setTick((x) => x + 1);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const scheduleIssue = scheduleProblem(scheduleAt, new Date());
  const counts = c.counts;
  const started = c.status !== 'draft' && c.status !== 'scheduled';
  const button = (a: CampaignAction & Confirm, label: string, variant: 'primary' | 'default' | 'danger-outline' = 'default') => (
    actions.has(a) && <Button variant={variant} onClick={() => { setConfirm(a); setActionError(null); }} disabled={busy} data-testid={`campaign-${a}`}>{label}</Button>
  );

  return (
    <div className="page" data-testid="campaign-detail-page" data-status={c.status}>
      <Link to="/campaigns" className="back-link">{t('camp.back')}</Link>
      <PageHeader
        title={<span data-testid="campaign-title">{c.name}</span>}
        sub={
          <span className="seg-detail-sub">
            <StatusBadge status={c.status} />
            <ChannelBadge channel={c.channel} />
            {c.department && <span>{c.department}</span>}
            <span className="muted" data-testid="campaign-segments">{c.segments.length ? c.segments.map((s) => s.name).join('・') : t('camp.allCustomers')}</span>
            {c.status === 'scheduled' && c.scheduledAt && <span className="strong" data-testid="campaign-scheduled-at">{t('camp.when.scheduled', { at: formatDateTime(c.scheduledAt) })}</span>}
            {c.startedAt && <span className="muted">{t('camp.when.started', { at: formatDateTime(c.startedAt) })}</span>}
            {c.finishedAt && <span className="muted">{t('camp.when.finished', { at: formatDateTime(c.finishedAt) })}</span>}
          </span>
        }
        actions={
          <>
            {actions.has('edit') && <LinkButton to={`/campaigns/${c.id}/edit`} data-testid="campaign-edit">{t('common.edit')}</LinkButton>}
            {button('delete', t('common.delete'), 'danger-outline')}
            {button('schedule', t('camp.action.schedule'))}
            {button('start', t('camp.action.start'), 'primary')}
            {button('pause', t('camp.action.pause'))}
            {button('resume', t('camp.action.resume'), 'primary')}
            {button('cancel', t('camp.action.cancel'), 'danger-outline')}
          </>
        }
      />
      {c.channel === 'email' && c.delivery === 'outbox' && <OutboxBanner />}
      {confirm && (
        <ConfirmBox
          what={confirm}
          campaign={c}
          busy={busy}
          onNo={() => setConfirm(null)}
          scheduleAt={scheduleAt}
          onScheduleAt={setScheduleAt}
          scheduleIssue={scheduleIssue}
          onYes={() => {
            if (confirm === 'start') void act('start', () => campaignsApi.start(c.id), t('camp.done.start'));
            else if (confirm === 'schedule') {
              const iso = japanLocalToIso(scheduleAt);
              if (iso) void act('schedule', () => campaignsApi.start(c.id, iso), t('camp.done.schedule'));
            } else if (confirm === 'pause') void act('pause', () => campaignsApi.pause(c.id), t('camp.done.pause'));
            else if (confirm === 'resume') void act('resume', () => campaignsApi.resume(c.id), t('camp.done.resume'));
            else if (confirm === 'cancel') void act('cancel', () => campaignsApi.cancel(c.id), t('camp.done.cancel'));
            else void act('delete', () => campaignsApi.remove(c.id), '');
          }}
        />
      )}
      <ErrorBanner error={actionError} testId="campaign-action-error" />
      {notice && <Notice testId="notice">{notice}</Notice>}

      {c.status === 'preparing' && <PreparingCard campaign={c} />}
      {started && c.status !== 'preparing' && <ProgressCard campaign={c} />}
      {counts.unknown > 0 && <UnknownCard campaign={c} tick={tick} onDecided={(msg) => { setNotice(msg); void campaign.reload(); setTick((x) => x + 1); }} />}
      <div className="seg-layout">
        <div className="seg-main">
          {started && <ReportCard campaign={c} tick={tick} />}
          {c.channel === 'dm' && can('campaigns:send') && <DmCard campaign={c} onDownloaded={() => window.setTimeout(() => { void campaign.reload(); setTick((x) => x + 1); }, 1500)} />}
          {c.channel === 'dm' && can('campaigns:send') && <ReturnedUploadCard campaign={c} onRecorded={() => setTick((x) => x + 1)} />}
          {started && <MessagesCard campaign={c} tick={tick} />}
          <ContentCard campaign={c} />
        </div>
        <aside className="seg-side">
          {started && c.status !== 'preparing' ? <SuppressedCard campaign={c} /> : <StoredAudience campaign={c} />}
        </aside>
      </div>
    </div>
  );
}

function ConfirmBox({ what, campaign, busy, onYes, onNo, scheduleAt, onScheduleAt, scheduleIssue }: {
  what: Confirm;
  campaign: Campaign;
  busy: boolean;
  onYes: () => void;
  onNo: () => void;
  scheduleAt: string;
  onScheduleAt: (v: string) => void;
  scheduleIssue: 'invalid' | 'past' | null;
}) {
  const { t } = useI18n();
  // Starting: the audience as it would be now, so the person confirming sees whom it goes to.
  const audience = useLoad(
    () => (what === 'start' || what === 'schedule' ? campaignsApi.audience(campaign.id) : Promise.resolve(null)),
    [what, campaign.id],
  );
  const a = audience.data;
  const danger = what === 'cancel' || what === 'delete';
  let body: ReactNode = t(`camp.confirm.${what}`);
  if ((what === 'start' || what === 'schedule') && a) {
    body = (
      <>
        <span data-testid="confirm-audience">
          {t(what === 'start' ? 'camp.confirm.startN' : 'camp.confirm.scheduleN', {
            n: n(campaign.channel === 'dm' && a.pieces !== null ? a.pieces : a.send),
            unit: campaign.channel === 'dm' ? t('camp.unit.pieces') : t('camp.unit.people'),
            s: n(a.suppressed.reduce((x, r) => x + r.count, 0)),
          })}
        </span>
        {campaign.channel === 'email' && campaign.delivery === 'outbox' && <span className="camp-confirm-outbox"> {t('camp.confirm.outbox')}</span>}
        {campaign.channel === 'dm' && <span className="camp-confirm-outbox"> {t('camp.confirm.dm')}</span>}
      </>
    );
  }
  return (
    <div className={`alert ${danger ? 'alert-error' : 'alert-warning'} confirm camp-confirm`} role="alertdialog" data-testid="campaign-confirm" data-what={what}>
      <div>
        <div>{body}</div>
        {what === 'schedule' && (
          <div className="camp-schedule">
            <label className="seg-inline">
              {t('camp.schedule.at')}
              <input type="datetime-local" value={scheduleAt} onChange={(e) => onScheduleAt(e.target.value)} data-testid="schedule-at" />
              <span className="muted small">{t('camp.schedule.jst')}</span>
            </label>
            {scheduleIssue && <div className="field-error" data-testid="schedule-problem">{t(`camp.schedule.${scheduleIssue}`)}</div>}
          </div>
        )}
        {(what === 'start' || what === 'schedule') && <div className="muted small">{t('camp.confirm.resolved')}</div>}
      </div>
      <span className="confirm-actions">
        <Button variant={danger ? 'danger' : 'primary'} small onClick={onYes} disabled={busy || (what === 'schedule' && scheduleIssue !== null)} data-testid="confirm-yes">
          {t(`camp.confirm.yes.${what}`)}
        </Button>
        <Button small onClick={onNo} disabled={busy} data-testid="confirm-no">{t('common.cancel')}</Button>
      </span>
    </div>
  );
}

/** After the start: the audience is stored in the background (resolved, then stored in chunks), then sent. */
function PreparingCard({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const p = campaign.preparation;
  const fraction = preparationFraction(p);
  return (
    <section className="card camp-progress-card" data-testid="campaign-preparing">
      <div className="card-header">
        <h2>{t('camp.prepare.title')}</h2>
        <span className="muted small">{t('camp.status.preparing')}</span>
      </div>
      <div className="camp-progress">
        <progress max={Math.max(1, p?.total ?? 1)} value={p?.total === null || !p ? undefined : p.prepared} className="camp-bar" aria-label={t('camp.prepare.title')} />
        <span className="tabular strong" data-testid="preparing-text">
          {p === null || p.total === null ? t('camp.prepare.resolving') : `${t('camp.prepare.of', { prepared: n(p.prepared), total: n(p.total) })} (${Math.floor(fraction * 100)}%)`}
        </span>
      </div>
      <p className="muted small">{t('camp.prepare.note')}</p>
    </section>
  );
}

function ProgressCard({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const c = campaign.counts;
  const p = progressOf(c);
  const outbox = campaign.channel === 'email' && c.outbox > 0;
  return (
    <section className="card camp-progress-card" data-testid="campaign-progress">
      <div className="card-header">
        <h2>{t('camp.progress.title')}</h2>
        <span className="muted small">{campaign.status === 'sending' ? t('camp.progress.polling') : t(`camp.status.${campaign.status}`)}</span>
      </div>
      <div className="camp-progress">
        <progress max={Math.max(1, p.total)} value={p.done} className="camp-bar" data-testid="progress-bar" aria-label={t('camp.progress.title')} />
        <span className="tabular strong" data-testid="progress-text">{t('camp.progress.of', { done: n(p.done), total: n(p.total) })} ({Math.floor(p.fraction * 100)}%)</span>
      </div>
      <div className="camp-progress-counts small">
        <span>{t('camp.msg.sent')}: <strong className="tabular" data-testid="progress-sent">{n(c.sent)}</strong></span>
        {outbox && <span className="camp-outbox-count">{t('camp.msg.outbox')}: <strong className="tabular" data-testid="progress-outbox">{n(c.outbox)}</strong></span>}
        <span>{t('camp.progress.waiting')}: <strong className="tabular">{n(p.waiting)}</strong></span>
        {c.failed > 0 && <span className="text-danger">{t('camp.msg.failed')}: <strong className="tabular">{n(c.failed)}</strong></span>}
        {c.unknown > 0 && <span className="text-danger">{t('camp.msg.unknown')}: <strong className="tabular">{n(c.unknown)}</strong></span>}
        {c.skipped > 0 && <span>{t('camp.msg.skipped')}: <strong className="tabular">{n(c.skipped)}</strong></span>}
      </div>
    </section>
  );
}

function UnknownCard({ campaign, tick, onDecided }: { campaign: Campaign; tick: number; onDecided: (message: string) => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error } = useLoad(() => campaignsApi.messages(campaign.id, { status: 'unknown', limit: 200 }), [campaign.id, tick]);
  const [picked, setPicked] = useState<number[]>([]);
  const [confirm, setConfirm] = useState<'resend' | 'mark_sent' | null>(null);
  const [busy, setBusy] = useState(false);
  const [decideError, setDecideError] = useState<unknown>(null);
  const items = data?.items ?? [];
  const ids = picked.filter((x) => items.some((m) => m.id === x));
  const decide = async (action: 'resend' | 'mark_sent') => {
    setBusy(true);
    setDecideError(null);
    try {
      await campaignsApi.decideUnknown(campaign.id, action, ids.length ? ids : undefined);
      setPicked([]);
      setConfirm(null);
      onDecided(t(action === 'resend' ? 'camp.unknown.resent' : 'camp.unknown.marked', { n: ids.length || campaign.counts.unknown }));
    } catch (e) {
      setDecideError(e);
    } finally {
      setBusy(false);
    }
  };
  const mayDecide = can('campaigns:send');
  const howMany = ids.length || campaign.counts.unknown;
  return (
    <section className="card camp-unknown" data-testid="unknown-section">
      <div className="card-header"><h2>{t('camp.unknown.title')} <span className="badge badge-danger tabular">{n(campaign.counts.unknown)}</span></h2></div>
      <p className="small">{t('camp.unknown.lead')}</p>
      <ErrorBanner error={error ?? decideError} />
      <DataTable<MessageRow>
        rows={data ? items : null}
        loading={!data}
        rowKey={(m) => m.id}
        rowTestId="unknown-row"
        wrapStyle={{ maxHeight: 260 }}
        columns={[
          mayDecide && { key: 'pick', header: '', className: 'col-select', cell: (m) => (
            <input type="checkbox" checked={picked.includes(m.id)} onChange={() => setPicked((p) => (p.includes(m.id) ? p.filter((x) => x !== m.id) : [...p, m.id]))} aria-label={m.displayName} data-testid="unknown-pick" />
          ) },
          { key: 'name', header: t('field.name'), className: 'nowrap', cell: (m) => <Link to={`/customers/${m.customerId}`} className="row-link">{m.displayName || '—'}</Link> },
          { key: 'address', header: t('camp.col.address'), cell: (m) => m.address ?? '—' },
          { key: 'attempts', header: t('camp.col.attempts'), className: 'num', cell: (m) => m.attempts },
          { key: 'error', header: t('camp.col.error'), cell: (m) => m.error ?? <span className="muted">—</span> },
        ]}
      />
      {mayDecide && (
        confirm ? (
          <div className="alert alert-warning confirm" role="alertdialog" data-testid="unknown-confirm">
            <span>{t(confirm === 'resend' ? 'camp.unknown.confirmResend' : 'camp.unknown.confirmMark', { n: n(howMany) })}</span>
            <span className="confirm-actions">
              <Button variant="primary" small onClick={() => void decide(confirm)} disabled={busy} data-testid="unknown-yes">{t(confirm === 'resend' ? 'camp.unknown.resend' : 'camp.unknown.mark')}</Button>
              <Button small onClick={() => setConfirm(null)} disabled={busy}>{t('common.cancel')}</Button>
            </span>
          </div>
        ) : (
          <div className="camp-unknown-actions">
            <span className="muted small">{ids.length ? t('camp.unknown.picked', { n: ids.length }) : t('camp.unknown.all', { n: n(campaign.counts.unknown) })}</span>
            <Button small onClick={() => setConfirm('resend')} data-testid="unknown-resend">{t('camp.unknown.resend')}</Button>
            <Button small onClick={() => setConfirm('mark_sent')} data-testid="unknown-mark-sent">{t('camp.unknown.mark')}</Button>
          </div>
        )
      )}
    </section>
  );
}

function ReportCard({ campaign, tick }: { campaign: Campaign; tick: number }) {
  const { t } = useI18n();
  const [days, setDays] = useState<number>(30);
  const { data, error } = useLoad(() => campaignsApi.report(campaign.id, days), [campaign.id, days, tick]);
  const email = campaign.channel === 'email';
  const figure = (key: string, label: string, value: number, rate?: string, hint?: string) => (
    <div className="camp-stat" data-testid={`report-${key}`}>
      <div className="camp-stat-label">{label}</div>
      <div className="camp-stat-n tabular">{n(value)}</div>
      {rate !== undefined && <div className="camp-stat-rate tabular">{rate}</div>}
      {hint && <div className="muted small">{hint}</div>}
    </div>
  );
  return (
    <section className="card" data-testid="campaign-report">
      <div className="card-header"><h2>{t('camp.report.title')}</h2></div>
      <ErrorBanner error={error} />
      {!data ? <Loading /> : (
        <>
          <div className="camp-stats">
            {figure('considered', t('camp.report.considered'), data.counts.considered)}
            {figure('suppressed', t('camp.report.suppressed'), data.counts.suppressed)}
            {figure('sent', t('camp.report.sent'), data.counts.sent)}
            {email && data.counts.outbox > 0 && figure('outbox', t('camp.msg.outbox'), data.counts.outbox, undefined, t('camp.outbox.notSent'))}
            {data.counts.failed > 0 && figure('failed', t('camp.msg.failed'), data.counts.failed)}
            {figure('bounced', t('camp.report.bounced'), data.counts.bounced, percent(data.rates.bounceRate))}
            {email && figure('opened', t('camp.report.opened'), data.counts.opened, percent(data.rates.openRate))}
            {email && figure('clicked', t('camp.report.clicked'), data.counts.clicked, percent(data.rates.clickRate))}
            {email && figure('unsubscribed', t('camp.report.unsubscribed'), data.counts.unsubscribed, percent(data.rates.unsubscribeRate))}
          </div>
          <div className="camp-orders" data-testid="report-orders">
            <div className="camp-orders-head">
              <h3 className="camp-subtitle">{t('camp.report.orders')}</h3>
              <label className="seg-inline small">
                {t('camp.report.within')}
                <select className="select-small" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="report-days">
                  {REPORT_DAYS.map((d) => <option key={d} value={d}>{t('camp.report.days', { n: d })}</option>)}
                </select>
              </label>
            </div>
            <div className="camp-stats">
              {figure('order-count', t('camp.report.orderCount'), data.ordersAfter.orders)}
              {figure('buyers', t('camp.report.buyers'), data.ordersAfter.buyers)}
              <div className="camp-stat" data-testid="report-revenue">
                <div className="camp-stat-label">{t('camp.report.revenue')}</div>
                <div className="camp-stat-n tabular">¥{Math.round(data.ordersAfter.revenue).toLocaleString('ja-JP')}</div>
              </div>
            </div>
            <p className="muted small">{t('camp.report.ordersNote', { n: data.ordersAfter.days })}</p>
          </div>
        </>
      )}
    </section>
  );
}

function SuppressedCard({ campaign }: { campaign: Campaign }) {
  // After the start the audience is stored: the same panel, its counts from the stored rows, each reason's people listed.
  const { data, error } = useLoad(() => campaignsApi.audience(campaign.id), [campaign.id, campaign.status]);
  const { t } = useI18n();
  return <AudiencePanel summary={data} channel={campaign.channel} error={error} campaignId={campaign.id} title={t('camp.audience.storedTitle')} />;
}

function StoredAudience({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  const { data, error, loading } = useLoad(() => campaignsApi.audience(campaign.id), [campaign.id, campaign.updatedAt]);
  return <AudiencePanel summary={data} channel={campaign.channel} error={error} checking={loading && data !== null} campaignId={campaign.id} title={t('camp.audience.nowTitle')} />;
}

function MessagesCard({ campaign, tick }: { campaign: Campaign; tick: number }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [status, setStatus] = useState<MessageStatus | ''>('');
  const [marked, setMarked] = useState(0);
  const [markNotice, setMarkNotice] = useState<string | null>(null);
  const [markError, setMarkError] = useState<unknown>(null);
  const [confirmId, setConfirmId] = useState<number | null>(null);
  const paging = useCursorPaging(`${campaign.id}:${status}`);
  // While sending, the first page follows the progress; later pages stay put while they are read.
  const follow = paging.page === 1 ? tick : 0;
  const { data, error, loading } = useLoad(
    () => campaignsApi.messages(campaign.id, { ...(status ? { status } : {}), cursor: paging.cursor, limit: 50 }),
    [campaign.id, status, paging.cursor, follow, marked],
  );
  const email = campaign.channel === 'email';
  // 不達 / 返送 by hand (campaigns:send, as the API): an e-mail that bounced, a DM piece that came back (宛先不明).
  const mayMark = can('campaigns:send');
  // Only what went out can come back: an e-mail sent and not yet bounced, a DM piece mailed (list downloaded) and not yet returned.
  const markable = (m: MessageRow) => (email ? (m.status === 'sent' || m.status === 'outbox') && m.bouncedAt === null : m.status === 'sent' && m.returnedAt === null);
  const mark = async (m: MessageRow) => {
    setMarkError(null);
    try {
      if (email) await campaignsApi.markBounced(m.id);
      else await campaignsApi.markReturned(m.customerId, campaign.id);
      setConfirmId(null);
      setMarkNotice(t(email ? 'camp.mark.doneBounced' : 'camp.mark.doneReturned', { name: m.displayName }));
      setMarked((x) => x + 1);
    } catch (e) {
      setMarkError(e);
    }
  };
  const shown = MESSAGE_STATUSES.filter((s) => s !== 'claimed' && s !== 'sending' && (email || s !== 'outbox'));
  return (
    <section className="card" data-testid="campaign-messages">
      <div className="card-header"><h2>{t('camp.messages.title')}</h2></div>
      <div className="chips" data-testid="message-filter">
        <button type="button" className={`chip${status === '' ? ' chip-on' : ''}`} onClick={() => setStatus('')} data-testid="message-filter-all">{t('common.all')}</button>
        {shown.map((s) => (
          <button key={s} type="button" className={`chip${status === s ? ' chip-on' : ''}`} onClick={() => setStatus(s)} data-testid="message-filter-status" data-status={s}>{t(`camp.msg.${s}`)}</button>
        ))}
      </div>
      <ErrorBanner error={error ?? markError} />
      {markNotice && <Notice testId="mark-notice">{markNotice}</Notice>}
      <DataTable<MessageRow>
        testId="messages-table"
        rows={data?.items ?? (loading ? null : [])}
        loading={loading}
        rowKey={(m) => m.id}
        rowProps={(m) => ({ 'data-testid': 'message-row', 'data-status': m.status })}
        empty={t('camp.messages.empty')}
        columns={[
          { key: 'name', header: t('field.name'), className: 'nowrap', cell: (m) => <Link to={`/customers/${m.customerId}`} className="row-link">{m.displayName || '—'}</Link> },
          { key: 'address', header: t('camp.col.address'), cell: (m) => m.address ?? <span className="muted">—</span> },
          { key: 'status', header: t('camp.col.status'), cell: (m) => <MessageStatusBadge status={m.status} /> },
          { key: 'reason', header: t('camp.col.reason'), cell: (m) => (m.reason ? reasonText(m.reason, t) : <span className="muted">—</span>) },
          { key: 'sentAt', header: t('camp.col.sentAt'), cellClassName: 'nowrap tabular small', cell: (m) => formatDateTime(m.sentAt) || <span className="muted">—</span> },
          email && { key: 'events', header: t('camp.col.events'), cellClassName: 'small', cell: (m) => <MessageEvents m={m} /> },
          mayMark && { key: 'mark', header: '', cellClassName: 'nowrap', cell: (m) => (!email && m.returnedAt !== null ? (
            <span className="badge badge-warn" data-testid="message-returned" title={formatDateTime(m.returnedAt)}>{t('camp.mark.returnedDone')}</span>
          ) : !markable(m) ? null : confirmId === m.id ? (
            <span className="confirm-actions">
              <Button small variant="danger" onClick={() => void mark(m)} data-testid="mark-yes">{t(email ? 'camp.mark.yesBounced' : 'camp.mark.yesReturned')}</Button>
              <Button small onClick={() => setConfirmId(null)}>{t('common.cancel')}</Button>
            </span>
          ) : (
            <Button small variant="danger-outline" onClick={() => setConfirmId(m.id)} title={t(email ? 'camp.mark.hintBounced' : 'camp.mark.hintReturned')} data-testid="mark-message">
              {t(email ? 'camp.mark.bounced' : 'camp.mark.returned')}
            </Button>
          )) },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} summary={<span className="muted small">{t('common.page', { n: paging.page })}</span>} />}
      />
    </section>
  );
}

function reasonText(reason: string, t: ReturnType<typeof useI18n>['t']): string {
  const known = suppressionRows([{ reason, count: 1 }]);
  return known.length ? t(`camp.reason.${known[0]!.reason}`) : reason;
}

function MessageStatusBadge({ status }: { status: MessageStatus }) {
  const { t } = useI18n();
  const cls = status === 'sent' ? 'badge badge-ok'
    : status === 'outbox' ? 'badge badge-warn'
      : status === 'failed' || status === 'unknown' ? 'badge badge-danger'
        : 'badge badge-off';
  return <span className={cls} data-testid="message-status" data-status={status}>{t(`camp.msg.${status}`)}</span>;
}

function MessageEvents({ m }: { m: MessageRow }) {
  const { t } = useI18n();
  const parts = [
    m.openedAt && t('camp.event.opened'),
    m.clickedAt && t('camp.event.clicked'),
    m.unsubscribedAt && t('camp.event.unsubscribed'),
    m.bouncedAt && t('camp.event.bounced'),
  ].filter(Boolean);
  return parts.length ? <>{parts.join('・')}</> : <span className="muted">—</span>;
}

function DmCard({ campaign, onDownloaded }: { campaign: Campaign; onDownloaded: () => void }) {
  const { t } = useI18n();
  // The pieces are fixed when the campaign starts; downloading the list is the mailing (the pieces count as sent).
  const ready = campaign.status !== 'draft' && campaign.status !== 'scheduled' && campaign.status !== 'preparing' && campaign.status !== 'cancelled';
  return (
    <section className="card" data-testid="dm-downloads">
      <div className="card-header"><h2>{t('camp.dm.title')}</h2></div>
      <p className="small">{t('camp.dm.downloadLead')}</p>
      {ready ? (
        <>
          <div className="camp-dm-actions">
            <LinkButton href={campaignsApi.dmListUrl(campaign.id, 'cp932')} download variant="primary" onClick={onDownloaded} data-testid="dm-csv-cp932">{t('camp.dm.cp932')}</LinkButton>
            <LinkButton href={campaignsApi.dmListUrl(campaign.id, 'utf-8')} download onClick={onDownloaded} data-testid="dm-csv-utf8">{t('camp.dm.utf8')}</LinkButton>
            <LinkButton href={campaignsApi.labelsUrl(campaign.id, '12')} target="_blank" rel="noopener" data-testid="dm-labels-12">{t('camp.dm.labels12')}</LinkButton>
            <LinkButton href={campaignsApi.labelsUrl(campaign.id, '24')} target="_blank" rel="noopener" data-testid="dm-labels-24">{t('camp.dm.labels24')}</LinkButton>
          </div>
          {campaign.status !== 'done' && <p className="small strong" data-testid="dm-mailing-note">{t('camp.dm.mailingNote')}</p>}
          <p className="muted small">{t('camp.dm.note')}</p>
        </>
      ) : (
        <p className="muted small" data-testid="dm-not-started">{campaign.status === 'cancelled' ? t('camp.dm.cancelled') : campaign.status === 'preparing' ? t('camp.prepare.resolving') : t('camp.dm.startFirst')}</p>
      )}
    </section>
  );
}

/**
 * Returned DM (宛先不明) in bulk: the exported list's lines of the pieces that came back (or 〒 + 住所 + 氏名 as printed,
 * or just 顧客ID), each matched and marked like the row's 「返送」; every line of the file reported.
 */
function ReturnedUploadCard({ campaign, onRecorded }: { campaign: Campaign; onRecorded: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ReturnedImportResult | null>(null);
  // Nothing can come back before the list was downloaded (that is the mailing).
  if (campaign.counts.sent === 0) return null;
  const run = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await campaignsApi.uploadReturned(campaign.id, file);
      setResult(r);
      if (r.matched > 0) onRecorded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const problems = result?.lines.filter((l) => l.status !== 'matched') ?? [];
  return (
    <section className="card" data-testid="dm-returned-upload">
      <div className="card-header"><h2>{t('camp.returned.title')}</h2></div>
      <p className="small">{t('camp.returned.lead')}</p>
      <div className="camp-dm-actions">
        <input type="file" accept=".csv,.txt" aria-label={t('camp.returned.file')} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); }} data-testid="dm-returned-file" />
        <Button variant="primary" disabled={!file || busy} onClick={() => void run()} data-testid="dm-returned-submit">{busy ? t('camp.returned.running') : t('camp.returned.submit')}</Button>
      </div>
      <ErrorBanner error={error} />
      {result && (
        <>
          <Notice testId="dm-returned-result">{t('camp.returned.summary', { rows: result.rows, matched: result.matched, already: result.alreadyReturned, notFound: result.notFound })}</Notice>
          {problems.length > 0 && (
            <DataTable<ReturnedImportResult['lines'][number]>
              testId="dm-returned-lines"
              rows={problems}
              rowKey={(l) => l.line}
              rowProps={(l) => ({ 'data-testid': 'dm-returned-line', 'data-status': l.status })}
              empty=""
              columns={[
                { key: 'line', header: t('camp.returned.line'), cellClassName: 'tabular', cell: (l) => l.line },
                { key: 'status', header: t('camp.col.status'), cell: (l) => t(`camp.returned.status.${l.status}`) },
                { key: 'who', header: t('field.name'), cell: (l) => (l.customerId ? <Link to={`/customers/${l.customerId}`} className="row-link">{l.name || '—'}</Link> : <span className="muted">—</span>) },
                { key: 'message', header: t('camp.col.reason'), cellClassName: 'small', cell: (l) => l.message ?? '' },
              ]}
            />
          )}
        </>
      )}
    </section>
  );
}

function ContentCard({ campaign }: { campaign: Campaign }) {
  const { t } = useI18n();
  if (campaign.channel !== 'email') return null;
  return (
    <section className="card" data-testid="campaign-content-summary">
      <div className="card-header"><h2>{t('camp.section.content')}</h2></div>
      <dl className="camp-preview-head">
        <dt>{t('camp.field.subject')}</dt><dd className="strong">{campaign.subject || <span className="muted">—</span>}</dd>
        <dt>{t('camp.field.format')}</dt><dd>{campaign.bodyHtml !== null ? t('camp.field.formatHtml') : t('camp.field.formatText')}{campaign.blocks.length > 0 && ` · ${t('camp.field.blocksN', { n: campaign.blocks.length })}`}</dd>
      </dl>
      <details>
        <summary className="small">{t('camp.field.bodyText')}</summary>
        <pre className="camp-preview-text">{campaign.bodyText}</pre>
      </details>
    </section>
  );
}
