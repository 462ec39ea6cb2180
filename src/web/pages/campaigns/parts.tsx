/**
 * Pieces the campaign pages share: the status and channel badges, the 「未送信 (SMTP 未設定)」 banner, the audience
 * panel (配信対象 N 人, 除外 per reason, the people of a reason), and the customer picker of the preview.
 */
import { useEffect, useRef, useState } from 'react';
import { api, campaignsApi, type AudienceList, type AudienceSummary, type CustomerListItem, type SuppressionReason } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Icon } from '../../components/Icon.tsx';
import { LoadMoreButton, useCursorList } from '../../components/Pager.tsx';
import { ErrorBanner } from '../../components/ui.tsx';
import { statusBadgeClass, suppressionRows, type CampaignStatus, type Channel } from './campaign-state.ts';

export function StatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useI18n();
  return <span className={statusBadgeClass(status)} data-testid="campaign-status" data-status={status}>{t(`camp.status.${status}`)}</span>;
}

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  return <span className={`badge camp-channel camp-channel-${channel}`} data-testid="campaign-channel" data-channel={channel}>{t(`camp.channel.${channel}`)}</span>;
}

/** Shown wherever e-mail would be sent while no SMTP server is configured: nothing leaves this server. */
export function OutboxBanner() {
  const { t } = useI18n();
  return (
    <div className="alert alert-warning camp-outbox-banner" data-testid="outbox-mode">
      <Icon name="warn" size={14} /> <strong>{t('camp.outbox.notSent')}</strong> <span>{t('camp.outbox.modeNote')}</span> <Link to="/outbox">{t('camp.outbox.open')}</Link>
    </div>
  );
}

const n = (x: number) => x.toLocaleString('ja-JP');

/**
 * 配信対象 N 人 and 除外 per reason. With `campaignId` each reason opens the list of its people (the campaign's stored
 * audience); the live check while editing has counts only.
 */
export function AudiencePanel({ summary, channel, checking, error, campaignId, title, listHint }: {
  summary: AudienceSummary | null;
  channel: Channel;
  checking?: boolean;
  error?: unknown;
  campaignId?: string | undefined;
  title?: string;
  /** Without `campaignId`: why there are no lists (the campaign is not saved as shown). */
  listHint?: string;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<SuppressionReason | 'send' | null>(null);
  const rows = summary ? suppressionRows(summary.suppressed) : [];
  const suppressed = rows.reduce((sum, r) => sum + r.count, 0);
  return (
    <section className="card camp-audience" data-testid="audience-panel">
      <div className="card-header"><h2>{title ?? t('camp.audience.title')}</h2>{checking && <span className="muted small" data-testid="audience-checking">{t('camp.audience.checking')}</span>}</div>
      <ErrorBanner error={error} testId="audience-error" />
      {summary && (
        <div className={checking ? 'seg-stale' : undefined} data-testid="audience-summary" data-state={checking ? 'checking' : 'ok'}>
          <div className="camp-audience-head">
            <div className="camp-figure">
              <div className="camp-figure-label">{t('camp.audience.send')}</div>
              <div className="camp-figure-n"><span data-testid="audience-send">{n(summary.send)}</span><span className="seg-count-unit">{t('camp.unit.people')}</span></div>
              {channel === 'dm' && summary.pieces !== null && (
                <div className="muted small" data-testid="audience-pieces">{t('camp.audience.pieces', { n: n(summary.pieces) })}</div>
              )}
            </div>
            <div className="camp-figure">
              <div className="camp-figure-label">{t('camp.audience.suppressed')}</div>
              <div className="camp-figure-n camp-figure-sub"><span data-testid="audience-suppressed">{n(suppressed)}</span><span className="seg-count-unit">{t('camp.unit.people')}</span></div>
              <div className="muted small">{t('camp.audience.considered', { n: n(summary.considered) })}</div>
            </div>
          </div>
          {rows.length === 0 ? <p className="muted small" data-testid="audience-no-suppressions">{t('camp.audience.none')}</p> : (
            <table className="table camp-reasons" data-testid="audience-reasons">
              <thead><tr><th>{t('camp.audience.reason')}</th><th className="num">{t('camp.audience.people')}</th>{campaignId && <th />}</tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.reason} data-testid="audience-reason" data-reason={r.reason}>
                    <td>
                      <div>{t(`camp.reason.${r.reason}`)}</div>
                      <div className="muted small">{t(`camp.reasonHint.${r.reason}`)}</div>
                    </td>
                    <td className="num tabular" data-testid="audience-reason-count">{n(r.count)}</td>
                    {campaignId && (
                      <td className="actions">
                        <Button variant="link" small onClick={() => setOpen(open === r.reason ? null : r.reason)} aria-expanded={open === r.reason} data-testid="audience-reason-toggle">
                          {open === r.reason ? t('camp.audience.hideList') : t('camp.audience.showList')}
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {campaignId && summary.send > 0 && (
            <div className="camp-audience-send-list">
              <Button variant="link" small onClick={() => setOpen(open === 'send' ? null : 'send')} aria-expanded={open === 'send'} data-testid="audience-send-toggle">
                {open === 'send' ? t('camp.audience.hideList') : t('camp.audience.showSendList')}
              </Button>
            </div>
          )}
          {campaignId && open && <AudiencePeople campaignId={campaignId} which={open} />}
          {!campaignId && listHint && rows.length > 0 && <p className="muted small" data-testid="audience-list-hint">{listHint}</p>}
          <p className="muted small camp-audience-note">{t(channel === 'email' ? 'camp.audience.noteEmail' : 'camp.audience.noteDm')}</p>
        </div>
      )}
      {!summary && !error && <p className="muted small">{t('common.loading')}</p>}
    </section>
  );
}

function AudiencePeople({ campaignId, which }: { campaignId: string; which: SuppressionReason | 'send' }) {
  const { t } = useI18n();
  const list = useCursorList<AudienceList>(
    (cursor) => campaignsApi.audienceList(campaignId, which === 'send' ? { status: 'send', cursor, limit: 50 } : { status: 'suppressed', reason: which, cursor, limit: 50 }),
    [campaignId, which],
  );
  return (
    <div className="camp-people" data-testid="audience-people" data-which={which}>
      <h3 className="camp-subtitle">{which === 'send' ? t('camp.audience.sendList') : t(`camp.reason.${which}`)}</h3>
      <ErrorBanner error={list.error} />
      <DataTable
        rows={list.data?.items ?? (list.loading ? null : [])}
        loading={list.loading}
        rowKey={(r) => r.customerId}
        rowTestId="audience-person"
        wrapStyle={{ maxHeight: 320 }}
        columns={[
          { key: 'name', header: t('field.name'), className: 'nowrap', cell: (r) => <Link to={`/customers/${r.customerId}`} className="row-link">{r.displayName || '—'}</Link> },
          { key: 'address', header: t('camp.col.address'), cell: (r) => r.address ?? <span className="muted">—</span> },
        ]}
        pager={<LoadMoreButton list={list} label={t('camp.more')} small testId="audience-more" />}
      />
    </div>
  );
}

/** Picks a customer by name, e-mail, company or phone (GET /customers?q=), for the preview 「この顧客として表示」. */
export function CustomerPicker({ value, onChange }: { value: CustomerListItem | null; onChange: (c: CustomerListItem | null) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [answer, setAnswer] = useState<{ q: string; items: CustomerListItem[] } | null>(null);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const q = text.trim();
  useEffect(() => {
    const mine = ++seq.current;
    if (!q) return;
    const timer = window.setTimeout(() => {
      api.listCustomers({ q, limit: 8 })
        .then((page) => { if (mine === seq.current) { setAnswer({ q, items: page.items }); setActive(0); } })
        .catch(() => { if (mine === seq.current) setAnswer({ q, items: [] }); });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [q]);
  const matches = q && answer?.q === q ? answer.items : null;
  const shown = open && matches !== null;
  const pick = (c: CustomerListItem) => {
    onChange(c);
    setText('');
    setOpen(false);
  };
  if (value) {
    return (
      <div className="camp-picked" data-testid="preview-customer">
        <span className="strong">{value.displayName || value.email || '—'}</span>
        {value.company && <span className="muted small">{value.company.name}</span>}
        {value.email && <span className="muted small">{value.email}</span>}
        <Button variant="link" small onClick={() => onChange(null)} data-testid="preview-customer-clear">{t('camp.preview.change')}</Button>
      </div>
    );
  }
  return (
    <span className="product-picker camp-customer-picker" data-testid="customer-picker">
      <input
        value={text} placeholder={t('camp.preview.search')} aria-label={t('camp.preview.as')} data-testid="preview-customer-search"
        role="combobox" aria-expanded={shown} aria-autocomplete="list" autoComplete="off"
        onChange={(e) => { setText(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') { setOpen(false); return; }
          if (!matches?.length) return;
          if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((i) => Math.min(i + 1, matches.length - 1)); }
          if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
          if (e.key === 'Enter' && shown) { e.preventDefault(); const c = matches[active]; if (c) pick(c); }
        }}
      />
      {shown && (
        <ul className="product-picker-list camp-customer-list" role="listbox" data-testid="customer-options">
          {matches.length === 0 && <li className="muted small product-picker-empty">{t('camp.preview.noMatch')}</li>}
          {matches.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} data-testid="customer-option"
              onMouseDown={(e) => { e.preventDefault(); pick(c); }}>
              <span className="strong">{c.displayName || '—'}</span>
              <span className="muted small">{[c.company?.name, c.email].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
