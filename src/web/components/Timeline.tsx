/**
 * A customer's timeline (GET /customers/:id/activities), newest first: filter chips by kind, web visits collapsed
 * into one entry with each page's dwell time, purchases with amounts, form submissions, event attendance, edits as
 * 「姓: 佐藤 → 鈴木」, imports, and sales notes with mentions of colleagues.
 */
import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { api, voiceApi, type Activity } from '../api.ts';
import { formatDate, formatDateTime, formatPhone, formatPostal, isMaskedValue } from '../format.ts';
import { useOwners, type OwnerOption } from '../hooks.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { dwellOf, formatDuration, groupTimeline, TYPE_FILTERS } from '../timeline-groups.ts';
import { Icon, type IconName } from './Icon.tsx';
import { Button } from './Button.tsx';
import { LoadMoreButton, useCursorList } from './Pager.tsx';
import { ErrorBanner } from './ui.tsx';

const ICONS: Record<string, IconName> = {
  edit: 'edit', note: 'note', customer_created: 'plus', merge: 'link', unmerge: 'link', import: 'inbox',
  form_submission: 'form', page_view: 'globe', purchase: 'cart', purchase_cancelled: 'cart', purchase_returned: 'cart',
  event_registration: 'calendar', event_attendance: 'calendar',
  email_sent: 'mail', email_opened: 'mail', email_clicked: 'link', email_unsubscribed: 'warn', email_bounced: 'warn', dm_mailed: 'inbox', dm_returned: 'warn',
  voice_received: 'speech', voice_reply: 'mail', voice_done: 'check', affiliation_change: 'building',
};

interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const yen = (amount: string | number, currency: string | null | undefined) =>
  currency && currency !== 'JPY' ? `${Number(amount).toLocaleString('ja-JP')} ${currency}` : `¥${Number(amount).toLocaleString('ja-JP')}`;

export function Timeline({ customerId, reloadKey, canWrite }: { customerId: string; reloadKey: number; canWrite: boolean }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const [noteKey, setNoteKey] = useState(0);
  const owners = useOwners();
  const ownerName = useCallback((id: string) => owners.find((o) => o.id === id)?.displayName ?? `${id.slice(0, 8)}…`, [owners]);
  const types = TYPE_FILTERS.find((f) => f.key === filter)?.types.join(',');
  const list = useCursorList(
    (cursor) => api.activities(customerId, { ...(types ? { types } : {}), ...(cursor ? { cursor } : {}), limit: 30 }),
    [customerId, types, reloadKey, noteKey],
  );
  const items = list.data?.items ?? [];
  const error = list.error ?? list.moreError;

  const entries = useMemo(() => groupTimeline(items), [items]);

  return (
    <section className="card timeline" data-testid="timeline">
      <div className="card-header">
        <h2>{t('detail.timeline')}</h2>
      </div>
      <div className="chips" role="group" aria-label={t('detail.typeFilter')} data-testid="timeline-filter">
        {[{ key: '' }, ...TYPE_FILTERS].map((f) => (
          <button key={f.key || 'all'} type="button" className={`chip${filter === f.key ? ' chip-on' : ''}`} aria-pressed={filter === f.key}
            onClick={() => setFilter(f.key)} data-testid={`timeline-filter-${f.key || 'all'}`}>
            {t(f.key ? (`timelineFilter.${f.key}` as 'timelineFilter.note') : 'activity.all')}
          </button>
        ))}
      </div>
      {canWrite && <NoteBox customerId={customerId} owners={owners} onAdded={() => setNoteKey((k) => k + 1)} />}
      <ErrorBanner error={error} />
      <ol className="timeline-list">
        {entries.map((e) => e.kind === 'visit'
          ? <VisitItem key={e.key} startedAt={e.startedAt} pages={e.pages} dwellMs={e.dwellMs} knownDwell={e.knownDwell} />
          : <ActivityItem key={e.key} activity={e.activity} ownerName={ownerName} />)}
      </ol>
      {!list.loading && items.length === 0 && !error && <div className="muted empty-note">{t('detail.timelineEmpty')}</div>}
      <LoadMoreButton list={list} label={t('detail.loadMore')} small block testId="timeline-more" />
    </section>
  );
}

function NoteBox({ customerId, owners, onAdded }: { customerId: string; owners: OwnerOption[]; onAdded: () => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [mentions, setMentions] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await api.addNote(customerId, body.trim(), mentions);
      setBody('');
      setMentions([]);
      onAdded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const candidates = owners.filter((o) => !mentions.includes(o.id));
  return (
    <form className="note-box" onSubmit={(e) => void submit(e)} data-testid="note-form">
      <textarea
        value={body}
        onChange={(e) => setBody(e.target.value)}
        placeholder={t('detail.notePlaceholder')}
        rows={3}
        aria-label={t('detail.addNote')}
        data-testid="note-input"
      />
      <ErrorBanner error={error} />
      <div className="note-actions">
        <span className="mentions" data-testid="note-mentions">
          {mentions.map((id) => (
            <button key={id} type="button" className="chip chip-on" title={t('timeline.removeMention')} onClick={() => setMentions(mentions.filter((m) => m !== id))}>
              @{owners.find((o) => o.id === id)?.displayName ?? id.slice(0, 8)} ×
            </button>
          ))}
          {candidates.length > 0 && (
            <select className="select-small" value="" aria-label={t('timeline.mention')} data-testid="note-mention"
              onChange={(e) => { if (e.target.value) setMentions([...mentions, e.target.value]); }}>
              <option value="">{t('timeline.mention')}</option>
              {candidates.map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
            </select>
          )}
        </span>
        <Button type="submit" variant="primary" small disabled={busy || !body.trim()} data-testid="note-submit">
          {t('detail.addNote')}
        </Button>
      </div>
    </form>
  );
}

/** One web visit: when it began, how many pages, the visible time on each page and in all. */
function VisitItem({ startedAt, pages, dwellMs, knownDwell }: { startedAt: string; pages: Activity[]; dwellMs: number; knownDwell: boolean }) {
  const { t, lang } = useI18n();
  const first = pages[0]!;
  const referrer = str(first.properties.referrer);
  const utm = first.properties.utm && typeof first.properties.utm === 'object' ? (first.properties.utm as Record<string, unknown>) : null;
  const campaign = utm ? [str(utm.source), str(utm.medium), str(utm.campaign)].filter(Boolean).join(' / ') : '';
  return (
    <li className="timeline-item type-page_view" data-testid="visit" data-pages={pages.length}>
      <span className="timeline-icon"><Icon name="globe" size={13} /></span>
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-type">{t('timeline.visit', { n: pages.length })}</span>
          <span className="timeline-meta">
            {[formatDateTime(startedAt), `${t('timeline.dwellTotal')} ${formatDuration(dwellMs, lang)}${knownDwell ? '' : '+'}`].join(' · ')}
          </span>
        </div>
        {(referrer || campaign) && <div className="small muted">{[referrer && `${t('timeline.referrer')}: ${referrer}`, campaign && `UTM: ${campaign}`].filter(Boolean).join(' · ')}</div>}
        <ol className="visit-pages">
          {pages.map((p) => {
            const d = dwellOf(p);
            const url = str(p.properties.url) ?? '';
            return (
              <li key={p.id} data-testid="page-view" data-activity-id={p.id}>
                <span className="visit-page-title" title={url}>{str(p.title) ?? str(p.properties.title) ?? url}</span>
                <span className="visit-page-url muted">{shortUrl(url)}</span>
                <span className="visit-dwell" data-testid="dwell" data-ms={d ?? ''}>{d === null ? t('timeline.dwellUnknown') : formatDuration(d, lang)}</span>
              </li>
            );
          })}
        </ol>
      </div>
    </li>
  );
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

type OwnerName = (id: string) => string;

function ActivityItem({ activity: a, ownerName }: { activity: Activity; ownerName: OwnerName }) {
  const { tOr } = useI18n();
  // 人事異動 and 異動・昇進 are one type: the change it records names it.
  const typeLabel = a.type === 'affiliation_change'
    ? tOr(`activity.affiliation_change.${str(a.properties.change) ?? 'job_change'}`, a.title ?? a.type)
    : tOr(`activity.${a.type}`, a.title ?? a.type);
  const changes = Array.isArray(a.properties.changes) ? (a.properties.changes as Change[]) : null;
  const body = typeof a.properties.body === 'string' ? a.properties.body : null;
  const mentions = Array.isArray(a.properties.mentions) ? (a.properties.mentions as unknown[]).filter((m): m is string => typeof m === 'string') : [];
  const detail = <Detail activity={a} />;
  return (
    <li className={`timeline-item type-${a.type}`} data-testid="activity" data-type={a.type}>
      <span className="timeline-icon"><Icon name={ICONS[a.type] ?? 'dot'} size={13} /></span>
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-type">{typeLabel}</span>
          {a.amount && <span className="timeline-amount" data-testid="amount">{yen(a.amount, a.currency)}</span>}
          <span className="timeline-meta">
            {[a.actor, a.source && a.source !== 'manual' ? a.sourceLabel ?? a.source : null, formatDateTime(a.occurredAt)].filter(Boolean).join(' · ')}
          </span>
        </div>
        {changes && (
          <ul className="changes" data-testid="changes">
            {changes.map((c) => <ChangeLine key={c.field} change={c} ownerName={ownerName} />)}
          </ul>
        )}
        {body && <p className="note-body">{body}</p>}
        {mentions.length > 0 && <div className="small mentions">{mentions.map((m) => `@${ownerName(m)}`).join(' ')}</div>}
        {a.type === 'note' && body && <NoteToVoice activityId={a.id} />}
        {detail}
      </div>
    </li>
  );
}

/** 「顧客の声に登録」 on a sales note (voice:write): the note becomes an inbox item of the customer (once: again says so). */
function NoteToVoice({ activityId }: { activityId: number }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ id: string; duplicate: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!can('voice:write')) return null;
  if (done) {
    return (
      <div className="small" role="status" data-testid="note-voice-done" data-duplicate={done.duplicate}>
        <Icon name="speech" size={12} /> {t(done.duplicate ? 'voice.fromNoteAlready' : 'voice.fromNoteDone')} · <Link to={`/voice/${done.id}`}>{t('voice.fromNoteOpen')}</Link>
      </div>
    );
  }
  return (
    <div className="note-voice">
      <Button small variant="ghost" disabled={busy} title={t('voice.fromNoteTitle')} data-testid="note-to-voice" onClick={() => {
        setBusy(true);
        setError(null);
        voiceApi.fromNote(activityId).then((r) => setDone({ id: r.item.id, duplicate: r.duplicate }), setError).finally(() => setBusy(false));
      }}>
        <Icon name="speech" size={12} /> {t('voice.fromNote')}
      </Button>
      <ErrorBanner error={error} testId="note-voice-error" />
    </div>
  );
}

/** What a behavioural activity says, in the words of its type; other types list their properties. */
function Detail({ activity: a }: { activity: Activity }) {
  const { t, tOr } = useI18n();
  const p = a.properties;
  switch (a.type) {
    case 'note':
    case 'edit':
    case 'customer_created':
      return null;
    case 'purchase':
    case 'purchase_cancelled':
    case 'purchase_returned': {
      const lines = Array.isArray(p.lines) ? (p.lines as Array<Record<string, unknown>>) : [];
      return (
        <div className="small">
          {[str(p.orderId) && `${t('timeline.order')} ${str(p.orderId)}`, str(p.channel)].filter(Boolean).join(' · ')}
          {lines.length > 0 && (
            <ul className="purchase-lines">
              {lines.slice(0, 10).map((l, i) => (
                <li key={i}>
                  {str(l.name) ?? str(l.productName) ?? str(l.sku)} × {str(l.qty) ?? str(l.quantity) ?? '1'}
                  {str(l.amount) && <span className="muted"> {yen(str(l.amount)!, a.currency)}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      );
    }
    case 'form_submission': {
      const form = str(p.formTitle) ?? str(p.form) ?? a.title;
      // The form's own questions (ご検討時期…): the answers the timeline may show every reader (choices only).
      const answers = Array.isArray(p.answers) ? (p.answers as Array<{ key?: unknown; label?: unknown; value?: unknown }>) : [];
      return (
        <div className="small">
          {form}{p.consent === true && <span className="muted"> · {t('timeline.consented')}</span>}
          {answers.length > 0 && (
            <dl className="props answers" data-testid="form-answers">
              {answers.map((ans, i) => (
                <div key={str(ans.key) ?? i} data-testid="form-answer">
                  <dt>{str(ans.label) ?? str(ans.key)}</dt>
                  <dd>{Array.isArray(ans.value) ? ans.value.map(String).join('、') : str(ans.value)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      );
    }
    case 'affiliation_change': {
      const side = (v: unknown) => {
        const s = (v ?? {}) as Record<string, unknown>;
        const name = str(s.companyName) ?? '';
        const id = str(s.companyId);
        return <>{id ? <Link to={`/companies/${id}`}>{name}</Link> : name} {[str(s.department), str(s.title)].filter(Boolean).join(' ')}</>;
      };
      return (
        <div className="small" data-testid="affiliation-activity">
          {p.change === 'job_change' && <span className="muted">{t('timeline.affiliationFrom')} </span>}{side(p.from)}
          {' → '}
          {p.change === 'job_change' && <span className="muted">{t('timeline.affiliationTo')} </span>}{side(p.to)}
        </div>
      );
    }
    case 'import': {
      // The file and how many of its records joined this customer; the run id is for support, behind 「詳細」.
      const file = str(p.fileName);
      const records = typeof p.records === 'number' ? p.records : null;
      return (
        <div className="small" data-testid="import-activity">
          {[file && t('timeline.importFile', { name: file }), records !== null && t('timeline.records', { n: records })].filter(Boolean).join(' · ')}
          <InternalIds properties={p} keys={['runId']} />
        </div>
      );
    }
    case 'event_registration':
    case 'event_attendance': {
      const status = str(p.status);
      return (
        <div className="small">
          {str(p.eventName) ?? str(p.event) ?? a.title}
          {status && <span className="badge" data-testid="attendance"> {tOr(`attendance.${status}`, status)}</span>}
        </div>
      );
    }
    case 'email_sent':
    case 'email_opened':
    case 'email_clicked':
    case 'email_unsubscribed':
    case 'email_bounced':
    case 'dm_mailed':
    case 'dm_returned': {
      // The campaign, and what the person did: the link clicked, how they unsubscribed, the bounce's kind.
      const url = str(p.url);
      const kind = str(p.kind);
      const how = str(p.how);
      return (
        <div className="small" data-testid="campaign-activity">
          {str(p.campaignName)}
          {str(p.detail) && <span className="muted">{str(p.detail)}</span>}
          {url && <> · <a href={url} target="_blank" rel="noreferrer noopener">{shortUrl(url)}</a></>}
          {kind && <span className="muted"> · {tOr(`timeline.bounce.${kind}`, kind)}</span>}
          {how && <span className="muted"> · {tOr(`timeline.unsubscribe.${how}`, how)}</span>}
          {str(p.delivery) === 'outbox' && <span className="muted"> · {t('timeline.outbox')}</span>}
        </div>
      );
    }
    case 'voice_received':
    case 'voice_reply':
    case 'voice_done':
      return <VoiceDetail activity={a} />;
    case 'merge':
      // The merged customer no longer exists on its own: its name only.
      return <div className="small" data-testid="identity-activity">{a.title}{typeof p.records === 'number' && <span className="muted"> · {t('timeline.records').replace('{n}', String(p.records))}</span>}</div>;
    case 'unmerge': {
      const other = str(p.newCustomerId) ?? str(p.fromCustomerId);
      const otherName = str(p.newName) ?? str(p.fromName);
      return (
        <div className="small" data-testid="identity-activity">
          {a.title}
          {other && <> · <Link to={`/customers/${other}`} data-testid="identity-activity-link">{otherName || t('timeline.otherCustomer')}</Link></>}
        </div>
      );
    }
    default:
      return <Properties properties={p} />;
  }
}

/** A customer-voice entry: its sentiment, channel, tags and score (never the text: that is on the item's page). */
function VoiceDetail({ activity: a }: { activity: Activity }) {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const p = a.properties;
  const itemId = str(p.itemId);
  const sentiment = str(p.sentiment);
  const tags = Array.isArray(p.tags) ? p.tags.filter((x): x is string => typeof x === 'string') : [];
  const score = typeof p.score === 'number' ? `${p.scoreKind === 'csat' ? 'CSAT' : 'NPS'} ${p.score}` : null;
  return (
    <div className="small" data-testid="voice-activity">
      {sentiment && <span className={`badge ${sentiment === 'negative' ? 'badge-danger' : sentiment === 'positive' ? 'badge-ok' : 'badge-off'}`} data-testid="voice-activity-sentiment">{tOr(`voice.sentiment.${sentiment}`, sentiment)}</span>}
      {str(p.channel) && <span className="muted"> {tOr(`voice.channel.${str(p.channel)!}`, str(p.channel)!)}</span>}
      {tags.length > 0 && <span> · {tags.map((x) => <span key={x} className="badge voice-tag">{x}</span>)}</span>}
      {score && <span className="muted"> · {score}</span>}
      {str(p.transport) === 'outbox' && <span className="muted"> · {t('voice.timelineReplyOutbox')}</span>}
      {itemId && can('voice:read') && <> · <Link to={`/voice/${itemId}`} data-testid="voice-activity-link">{t('voice.timelineOpen')}</Link></>}
    </div>
  );
}

function ChangeLine({ change, ownerName }: { change: Change; ownerName: OwnerName }) {
  const { tOr } = useI18n();
  const name = change.field.startsWith('custom.') ? change.field.slice('custom.'.length) : tOr(`field.${change.field}`, change.field);
  return (
    <li data-testid="change" data-field={change.field}>
      <span className="change-field">{name}</span>
      <span className="change-sep">: </span>
      <ChangeValue field={change.field} value={change.from} ownerName={ownerName} />
      <span className="change-arrow"> → </span>
      <ChangeValue field={change.field} value={change.to} ownerName={ownerName} strong />
    </li>
  );
}

function ChangeValue({ field, value, strong, ownerName }: { field: string; value: unknown; strong?: boolean; ownerName: OwnerName }) {
  const { t, label, tOr } = useI18n();
  const { reference } = useSession();
  if (value === null || value === undefined || value === '') return <span className="muted">{t('common.unset')}</span>;
  if (isMaskedValue(value)) return <span className="masked-value"><Icon name="lock" size={12} className="lock" />{String(value)}</span>;
  let text: string;
  switch (field) {
    case 'phone':
      text = formatPhone(String(value));
      break;
    case 'postalCode':
      text = `〒${formatPostal(String(value))}`;
      break;
    case 'birthDate':
      text = formatDate(String(value));
      break;
    case 'lifecycleStage':
      text = label(reference?.lifecycleStages.find((s) => s.code === value), String(value));
      break;
    case 'acquisitionChannel':
      text = label(reference?.acquisitionChannels.find((s) => s.code === value), String(value));
      break;
    case 'ownerUserId':
      text = ownerName(String(value));
      break;
    case 'gender':
      text = tOr(`gender.${String(value)}`, String(value));
      break;
    default:
      text = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return strong ? <strong className="change-to">{text}</strong> : <span className="change-from">{text}</span>;
}

/** An internal id (a uuid, a record's sha256 key, `…Id`): for support, not for reading at a glance. */
function isInternalId(key: string, value: unknown): boolean {
  if (/(^id|Id|_id)$/u.test(key)) return true;
  return typeof value === 'string' && (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu.test(value) || /^(sha256[:-]|h-)?[0-9a-f]{32,}$/iu.test(value));
}

function Properties({ properties }: { properties: Record<string, unknown> }) {
  const shown = Object.entries(properties).filter(([k, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0) && !isInternalId(k, v));
  const entries = shown.slice(0, 6);
  return (
    <>
      {entries.length > 0 && (
        <dl className="props small">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      <InternalIds properties={properties} keys={Object.keys(properties).filter((k) => isInternalId(k, properties[k]))} />
    </>
  );
}

/** Internal ids behind a 「詳細」 toggle: there for a support question, out of the way of the entry. */
function InternalIds({ properties, keys }: { properties: Record<string, unknown>; keys: readonly string[] }) {
  const { t } = useI18n();
  const ids = keys.filter((k) => str(properties[k]) !== null);
  if (ids.length === 0) return null;
  return (
    <details className="timeline-details" data-testid="activity-details">
      <summary>{t('timeline.details')}</summary>
      <dl className="props small">
        {ids.map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="tabular">{str(properties[k])}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
