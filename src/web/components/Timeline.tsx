/**
 * A customer's timeline (GET /customers/:id/activities), newest first, with a type filter, edit entries as
 * 「姓: 佐藤 → 鈴木」 and a box to add a sales note.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type Activity } from '../api.ts';
import { formatDate, formatDateTime, formatPhone, formatPostal, isMaskedValue } from '../format.ts';
import { useOwners } from '../hooks.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Icon, type IconName } from './Icon.tsx';
import { ErrorBanner } from './ui.tsx';

const KNOWN_TYPES = ['edit', 'note', 'customer_created'];
const ICONS: Record<string, IconName> = { edit: 'edit', note: 'note', customer_created: 'plus', merge: 'link', import: 'inbox', form_submission: 'inbox' };

interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export function Timeline({ customerId, reloadKey, canWrite }: { customerId: string; reloadKey: number; canWrite: boolean }) {
  const { t, tOr } = useI18n();
  const [type, setType] = useState('');
  const [items, setItems] = useState<Activity[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [seenTypes, setSeenTypes] = useState<string[]>(KNOWN_TYPES);
  const [noteKey, setNoteKey] = useState(0);
  const seq = useRef(0);
  const owners = useOwners();
  const ownerName = (id: string) => owners.find((o) => o.id === id)?.displayName ?? `${id.slice(0, 8)}…`;

  const load = useCallback(async (append: string | null) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api.activities(customerId, { ...(type ? { types: type } : {}), ...(append ? { cursor: append } : {}), limit: 30 });
      if (mine !== seq.current) return;
      setItems((prev) => (append ? [...prev, ...page.items] : page.items));
      setCursor(page.hasMore ? page.nextCursor : null);
      setSeenTypes((prev) => [...new Set([...prev, ...page.items.map((a) => a.type)])]);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [customerId, type]);

  useEffect(() => {
    void load(null);
  }, [load, reloadKey, noteKey]);

  return (
    <section className="card timeline" data-testid="timeline">
      <div className="card-header">
        <h2>{t('detail.timeline')}</h2>
        <select aria-label={t('detail.typeFilter')} value={type} onChange={(e) => setType(e.target.value)} className="select-small" data-testid="timeline-type">
          <option value="">{t('activity.all')}</option>
          {seenTypes.map((ty) => <option key={ty} value={ty}>{tOr(`activity.${ty}`, ty)}</option>)}
        </select>
      </div>
      {canWrite && <NoteBox customerId={customerId} onAdded={() => setNoteKey((k) => k + 1)} />}
      <ErrorBanner error={error} />
      <ol className="timeline-list">
        {items.map((a) => <ActivityItem key={a.id} activity={a} ownerName={ownerName} />)}
      </ol>
      {!loading && items.length === 0 && !error && <div className="muted empty-note">{t('detail.timelineEmpty')}</div>}
      {cursor && (
        <button type="button" className="btn btn-small btn-block" disabled={loading} onClick={() => void load(cursor)} data-testid="timeline-more">
          {loading ? t('common.loading') : t('detail.loadMore')}
        </button>
      )}
    </section>
  );
}

function NoteBox({ customerId, onAdded }: { customerId: string; onAdded: () => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await api.addNote(customerId, body.trim());
      setBody('');
      onAdded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="note-box" onSubmit={submit} data-testid="note-form">
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
        <button type="submit" className="btn btn-primary btn-small" disabled={busy || !body.trim()} data-testid="note-submit">
          {t('detail.addNote')}
        </button>
      </div>
    </form>
  );
}

type OwnerName = (id: string) => string;

function ActivityItem({ activity: a, ownerName }: { activity: Activity; ownerName: OwnerName }) {
  const { t, tOr } = useI18n();
  const typeLabel = tOr(`activity.${a.type}`, a.title ?? a.type);
  const changes = Array.isArray(a.properties.changes) ? (a.properties.changes as Change[]) : null;
  const body = typeof a.properties.body === 'string' ? a.properties.body : null;
  return (
    <li className={`timeline-item type-${a.type}`} data-testid="activity" data-type={a.type}>
      <span className="timeline-icon"><Icon name={ICONS[a.type] ?? 'dot'} size={13} /></span>
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-type">{typeLabel}</span>
          <span className="timeline-meta">
            {[a.actor, a.source && a.source !== 'manual' ? a.source : null, formatDateTime(a.occurredAt)].filter(Boolean).join(' · ')}
          </span>
        </div>
        {changes && (
          <ul className="changes" data-testid="changes">
            {changes.map((c) => <ChangeLine key={c.field} change={c} ownerName={ownerName} />)}
          </ul>
        )}
        {body && <p className="note-body">{body}</p>}
        {a.amount && <div className="small">{Number(a.amount).toLocaleString('ja-JP')} {a.currency ?? ''}</div>}
        {!changes && !body && a.type !== 'customer_created' && <Properties properties={a.properties} />}
      </div>
    </li>
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

function Properties({ properties }: { properties: Record<string, unknown> }) {
  const entries = Object.entries(properties).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)).slice(0, 6);
  if (!entries.length) return null;
  return (
    <dl className="props small">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
