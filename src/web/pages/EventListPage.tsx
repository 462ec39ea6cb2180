/** イベント一覧: seminars, trade shows, webinars with registration and attendance counts; create (events:write). */
import { useState } from 'react';
import { eventsApi, type EventItem, type EventKind } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { textOrNull } from '../components/form-values.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { SearchBar } from '../components/SearchBar.tsx';
import { ErrorBanner, FormField, PageHeader, useLoad } from '../components/ui.tsx';

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
  const paging = useCursorPaging();
  const { cursor } = paging;
  const { data, error, loading } = useLoad(() => eventsApi.list({ limit: 50, ...(q ? { q } : {}), ...(kind ? { kind } : {}), ...(cursor ? { cursor } : {}) }), [q, kind, cursor]);
  return (
    <div className="page" data-testid="event-list-page">
      <PageHeader title={t('events.title')} actions={can('events:write') && !creating && (
        <Button variant="primary" onClick={() => setCreating(true)} data-testid="event-new">{t('events.new')}</Button>
      )} />
      {creating && <EventCreate onDone={(created) => { setCreating(false); if (created) navigate(`/events/${created.id}`); }} />}
      <SearchBar value={text} onChange={setText} onSearch={(query) => { paging.reset(); setQ(query); }} placeholder={t('events.search')} testId="event-search">
        <select value={kind} onChange={(e) => { paging.reset(); setKind(e.target.value); }} aria-label={t('events.kind')} data-testid="event-kind-filter">
          <option value="">{t('events.kind')}</option>
          {EVENT_KINDS.map((k) => <option key={k} value={k}>{t(`events.kind.${k}` as MessageKey)}</option>)}
        </select>
      </SearchBar>
      <ErrorBanner error={error} />
      <DataTable
        testId="event-table"
        rows={data?.items}
        loading={loading}
        rowKey={(ev) => ev.id}
        rowTestId="event-row"
        onRowClick={(ev) => navigate(`/events/${ev.id}`)}
        columns={[
          { key: 'name', header: t('events.name'), cell: (ev) => <Link to={`/events/${ev.id}`} className="row-link">{ev.name}</Link> },
          { key: 'kind', header: t('events.kind'), cell: (ev) => t(`events.kind.${ev.kind}` as MessageKey) },
          { key: 'startsAt', header: t('events.startsAt'), cellClassName: 'nowrap tabular', cell: (ev) => formatDateTime(ev.startsAt) },
          { key: 'venue', header: t('events.venue'), cell: (ev) => ev.venue },
          { key: 'registered', header: t('events.registered'), className: 'num', cellClassName: 'tabular', cell: (ev) => `${ev.registered}${ev.capacity !== null ? ` / ${ev.capacity}` : ''}` },
          { key: 'attended', header: t('events.attended'), className: 'num', cellClassName: 'tabular', cell: (ev) => ev.attended },
          { key: 'noShow', header: t('events.noShow'), className: 'num', cellClassName: 'tabular', cell: (ev) => ev.noShow },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} />}
      />
    </div>
  );
}

function EventCreate({ onDone }: { onDone: (created: EventItem | null) => void }) {
  const { t } = useI18n();
  const form = useFormValues({ name: '', kind: 'seminar' as EventKind, startsAt: '', endsAt: '', venue: '', capacity: '' });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('events.new')}
      testId="event-create"
      form={form}
      onSubmit={async (v) => onDone(await eventsApi.create({
        name: v.name.trim(), kind: v.kind, startsAt: localToIso(v.startsAt),
        ...(v.endsAt ? { endsAt: localToIso(v.endsAt) } : {}),
        venue: textOrNull(v.venue),
        capacity: v.capacity.trim() ? Number(v.capacity.normalize('NFKC')) : null,
      }))}
      submitTestId="event-create-submit"
      onCancel={() => onDone(null)}
    >
      <FormField label={t('events.name')} name="name" required error={errors.name}><input id="input-name" value={values.name} onChange={set('name')} placeholder="DX推進セミナー 2026春" /></FormField>
      <FormField label={t('events.kind')} name="kind" error={errors.kind}>
        <select id="input-kind" value={values.kind} onChange={set('kind')}>{EVENT_KINDS.map((k) => <option key={k} value={k}>{t(`events.kind.${k}` as MessageKey)}</option>)}</select>
      </FormField>
      <FormField label={t('events.startsAt')} name="startsAt" required error={errors.startsAt}><input id="input-startsAt" type="datetime-local" value={values.startsAt} onChange={set('startsAt')} /></FormField>
      <FormField label={t('events.endsAt')} name="endsAt" error={errors.endsAt}><input id="input-endsAt" type="datetime-local" value={values.endsAt} onChange={set('endsAt')} /></FormField>
      <FormField label={t('events.venue')} name="venue" error={errors.venue}><input id="input-venue" value={values.venue} onChange={set('venue')} /></FormField>
      <FormField label={t('events.capacity')} name="capacity" error={errors.capacity}><input id="input-capacity" value={values.capacity} onChange={set('capacity')} inputMode="numeric" /></FormField>
    </FormPanel>
  );
}
