/** イベント詳細: registrations with attendance (出席 / 欠席 set per row), add a registration, import an attendance CSV. */
import { useState } from 'react';
import { eventsApi, type RegistrationStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { filledValues } from '../components/form-values.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { ErrorBanner, FormField, Loading, useLoad } from '../components/ui.tsx';
import { DEFAULT_ATTENDANCE_PROFILE, OrderImportPanel } from './OrderImportPanel.tsx';

const STATUSES: RegistrationStatus[] = ['registered', 'attended', 'no_show', 'cancelled'];

export function EventDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const event = useLoad(() => eventsApi.get(id), [id]);
  const regs = useLoad(() => eventsApi.registrations(id), [id]);
  const [rowError, setRowError] = useState<unknown>(null);
  const [panel, setPanel] = useState<'none' | 'import' | 'add'>('none');
  const writable = can('events:write');
  const reload = () => { void event.reload(); void regs.reload(); };
  if (!event.data) return <div className="page"><Link to="/events" className="back-link">{t('events.back')}</Link>{event.loading ? <Loading /> : <ErrorBanner error={event.error} />}</div>;
  const ev = event.data;
  const setStatus = async (registrationId: string, status: RegistrationStatus) => {
    setRowError(null);
    try {
      await eventsApi.setStatus(id, registrationId, status);
      reload();
    } catch (e) {
      setRowError(e);
    }
  };
  return (
    <div className="page" data-testid="event-detail-page">
      <Link to="/events" className="back-link">{t('events.back')}</Link>
      <div className="detail-header">
        <div className="detail-title">
          <h1 data-testid="event-name">{ev.name}</h1>
          <div className="detail-subline">
            <span className="badge">{t(`events.kind.${ev.kind}` as MessageKey)}</span>
            <span>{formatDateTime(ev.startsAt)}{ev.endsAt ? ` – ${formatDateTime(ev.endsAt)}` : ''}</span>
            {ev.venue && <span>{ev.venue}</span>}
            <span data-testid="event-counts">{t('events.registered')} {ev.registered}{ev.capacity !== null ? ` / ${ev.capacity}` : ''} ・ {t('events.attended')} {ev.attended} ・ {t('events.noShow')} {ev.noShow}</span>
          </div>
        </div>
        {writable && (
          <div className="detail-actions">
            <Button onClick={() => setPanel(panel === 'add' ? 'none' : 'add')} data-testid="registration-add-open">{t('events.addRegistration')}</Button>
            <Button variant="primary" onClick={() => setPanel(panel === 'import' ? 'none' : 'import')} data-testid="attendance-import-open">{t('commerce.importAttendance')}</Button>
          </div>
        )}
      </div>
      {panel === 'import' && (
        <OrderImportPanel title={t('commerce.importAttendance')} defaultProfile={DEFAULT_ATTENDANCE_PROFILE} run={(file, profile) => eventsApi.importAttendance(file, profile, id)} onDone={reload} testId="attendance-import" />
      )}
      {panel === 'add' && <RegistrationAdd eventId={id} onDone={(added) => { setPanel('none'); if (added) reload(); }} />}
      <ErrorBanner error={regs.error ?? rowError} />
      <section className="card">
        <div className="card-header"><h2>{t('events.registrations')}</h2></div>
        <DataTable
          testId="registration-table"
          rows={regs.data?.items}
          rowKey={(r) => r.id}
          rowTestId="registration-row"
          empty={t('events.noRegistrations')}
          columns={[
            { key: 'person', header: t('events.person'), cell: (r) => (r.customerId ? <Link to={`/customers/${r.customerId}`}>{r.customerName || r.name || '—'}</Link> : (r.name ?? '')) },
            { key: 'company', header: t('events.company'), cell: (r) => r.companyName },
            { key: 'email', header: t('events.email'), cell: (r) => r.customerEmail },
            { key: 'registeredAt', header: t('events.registeredAt'), cellClassName: 'nowrap tabular', cell: (r) => formatDateTime(r.registeredAt) },
            {
              key: 'status',
              header: t('commerce.status'),
              cell: (r) => (writable ? (
                <select value={r.status} onChange={(e) => void setStatus(r.id, e.target.value as RegistrationStatus)} aria-label={t('commerce.status')} data-testid="registration-status">
                  {STATUSES.map((s) => <option key={s} value={s}>{t(`events.status.${s}` as MessageKey)}</option>)}
                </select>
              ) : t(`events.status.${r.status}` as MessageKey)),
            },
          ]}
        />
      </section>
    </div>
  );
}

function RegistrationAdd({ eventId, onDone }: { eventId: string; onDone: (added: boolean) => void }) {
  const { t } = useI18n();
  const form = useFormValues({ name: '', email: '', phone: '', companyName: '', status: 'registered' as RegistrationStatus });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('events.addRegistration')}
      testId="registration-add"
      form={form}
      onSubmit={async (v) => {
        await eventsApi.register(eventId, filledValues(v));
        onDone(true);
      }}
      submitTestId="registration-add-submit"
      onCancel={() => onDone(false)}
    >
      <FormField label={t('events.person')} name="name" error={errors.name}><input id="input-name" value={values.name} onChange={set('name')} /></FormField>
      <FormField label={t('events.email')} name="email" oneOf error={errors.email}><input id="input-email" type="email" value={values.email} onChange={set('email')} /></FormField>
      <FormField label={t('field.phone')} name="phone" oneOf error={errors.phone}><input id="input-phone" type="tel" value={values.phone} onChange={set('phone')} /></FormField>
      <FormField label={t('events.company')} name="companyName" error={errors.companyName}><input id="input-companyName" value={values.companyName} onChange={set('companyName')} /></FormField>
      <FormField label={t('commerce.status')} name="status">
        <select id="input-status" value={values.status} onChange={set('status')}>{STATUSES.map((s) => <option key={s} value={s}>{t(`events.status.${s}` as MessageKey)}</option>)}</select>
      </FormField>
    </FormPanel>
  );
}
