/** イベント一覧: seminars, trade shows, webinars with registration and attendance counts; create (events:write). */
import { useState, type FormEvent } from 'react';
import { eventsApi, type EventItem, type EventKind } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, FormField, PageHeader, useFieldErrors, useLoad, CursorPager, TableStatusRows } from '../components/ui.tsx';

export const EVENT_KINDS: EventKind[] = ['seminar', 'trade_show', 'webinar', 'workshop', 'briefing', 'other'];

/** "2026-05-20T14:00" typed in a datetime-local input (Japan time) → ISO with +09:00. */
export function localToIso(value: string): string {
  return value ? `${value.length === 16 ? `${value}:00` : value}+09:00` : '';
}

export function EventListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const [kind, setKind] = useState('');
  const [creating, setCreating] = useState(false);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, loading } = useLoad(() => eventsApi.list({ limit: 50, ...(q ? { q } : {}), ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) }), [q, kind, cursor]);
  return (
    <div className="page" data-testid="event-list-page">
      <PageHeader title={t('events.title')} actions={can('events:write') && !creating && (
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="event-new">{t('events.new')}</button>
      )} />
      {creating && <EventCreate onDone={(created) => { setCreating(false); if (created) navigate(`/events/${created.id}`); }} />}
      <form className="searchbar" role="search" onSubmit={(e) => { e.preventDefault(); setCursors([]); setQ(text.trim()); }}>
        <input type="search" className="search-input" placeholder={t('events.search')} aria-label={t('events.search')} value={text} onChange={(e) => setText(e.target.value)} data-testid="event-search" />
        <select value={kind} onChange={(e) => { setCursors([]); setKind(e.target.value); }} aria-label={t('events.kind')} data-testid="event-kind-filter">
          <option value="">{t('events.kind')}</option>
          {EVENT_KINDS.map((k) => <option key={k} value={k}>{t(`events.kind.${k}` as MessageKey)}</option>)}
        </select>
        <button type="submit" className="btn">{t('common.search')}</button>
      </form>
      <ErrorBanner error={error} />
      <div className="table-wrap">
        <table className="table table-zebra table-hover" data-testid="event-table">
          <thead>
            <tr>
              <th>{t('events.name')}</th><th>{t('events.kind')}</th><th>{t('events.startsAt')}</th><th>{t('events.venue')}</th>
              <th className="num">{t('events.registered')}</th><th className="num">{t('events.attended')}</th><th className="num">{t('events.noShow')}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((ev) => (
              <tr key={ev.id} data-testid="event-row" onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(`/events/${ev.id}`); }}>
                <td><Link to={`/events/${ev.id}`} className="row-link">{ev.name}</Link></td>
                <td>{t(`events.kind.${ev.kind}` as MessageKey)}</td>
                <td className="nowrap tabular">{formatDateTime(ev.startsAt)}</td>
                <td>{ev.venue}</td>
                <td className="num tabular">{ev.registered}{ev.capacity !== null ? ` / ${ev.capacity}` : ''}</td>
                <td className="num tabular">{ev.attended}</td>
                <td className="num tabular">{ev.noShow}</td>
              </tr>
            ))}
            <TableStatusRows data={data} loading={loading} colSpan={7} />
          </tbody>
        </table>
      </div>
      <CursorPager data={data} loading={loading} cursors={cursors} setCursors={setCursors} />
    </div>
  );
}

function EventCreate({ onDone }: { onDone: (created: EventItem | null) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: '', kind: 'seminar' as EventKind, startsAt: '', endsAt: '', venue: '', capacity: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await eventsApi.create({
        name: form.name.trim(), kind: form.kind, startsAt: localToIso(form.startsAt),
        ...(form.endsAt ? { endsAt: localToIso(form.endsAt) } : {}),
        venue: form.venue.trim() || null,
        capacity: form.capacity.trim() ? Number(form.capacity.normalize('NFKC')) : null,
      }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="event-create">
      <div className="card-header"><h2>{t('events.new')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('events.name')} name="name" required error={errors.name}><input id="input-name" value={form.name} onChange={set('name')} placeholder="DX推進セミナー 2026春" /></FormField>
          <FormField label={t('events.kind')} name="kind" error={errors.kind}>
            <select id="input-kind" value={form.kind} onChange={set('kind')}>{EVENT_KINDS.map((k) => <option key={k} value={k}>{t(`events.kind.${k}` as MessageKey)}</option>)}</select>
          </FormField>
          <FormField label={t('events.startsAt')} name="startsAt" required error={errors.startsAt}><input id="input-startsAt" type="datetime-local" value={form.startsAt} onChange={set('startsAt')} /></FormField>
          <FormField label={t('events.endsAt')} name="endsAt" error={errors.endsAt}><input id="input-endsAt" type="datetime-local" value={form.endsAt} onChange={set('endsAt')} /></FormField>
          <FormField label={t('events.venue')} name="venue" error={errors.venue}><input id="input-venue" value={form.venue} onChange={set('venue')} /></FormField>
          <FormField label={t('events.capacity')} name="capacity" error={errors.capacity}><input id="input-capacity" value={form.capacity} onChange={set('capacity')} inputMode="numeric" /></FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="event-create-submit">{busy ? t('common.creating') : t('common.create')}</button>
          <button type="button" className="btn" onClick={() => onDone(null)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
