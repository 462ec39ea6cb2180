/** イベント詳細: registrations with attendance (出席 / 欠席 set per row), add a registration, import an attendance CSV. */
import { useState, type FormEvent } from 'react';
import { eventsApi, type RegistrationStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, FormField, Loading, useFieldErrors, useLoad } from '../components/ui.tsx';
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
            <button type="button" className="btn" onClick={() => setPanel(panel === 'add' ? 'none' : 'add')} data-testid="registration-add-open">{t('events.addRegistration')}</button>
            <button type="button" className="btn btn-primary" onClick={() => setPanel(panel === 'import' ? 'none' : 'import')} data-testid="attendance-import-open">{t('commerce.importAttendance')}</button>
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
        <div className="table-wrap">
          <table className="table table-zebra" data-testid="registration-table">
            <thead><tr><th>{t('events.person')}</th><th>{t('events.company')}</th><th>{t('events.email')}</th><th>{t('events.registeredAt')}</th><th>{t('commerce.status')}</th></tr></thead>
            <tbody>
              {(regs.data?.items ?? []).map((r) => (
                <tr key={r.id} data-testid="registration-row">
                  <td>{r.customerId ? <Link to={`/customers/${r.customerId}`}>{r.customerName || r.name || '—'}</Link> : (r.name ?? '')}</td>
                  <td>{r.companyName}</td>
                  <td>{r.customerEmail}</td>
                  <td className="nowrap tabular">{formatDateTime(r.registeredAt)}</td>
                  <td>
                    {writable ? (
                      <select value={r.status} onChange={(e) => void setStatus(r.id, e.target.value as RegistrationStatus)} aria-label={t('commerce.status')} data-testid="registration-status">
                        {STATUSES.map((s) => <option key={s} value={s}>{t(`events.status.${s}` as MessageKey)}</option>)}
                      </select>
                    ) : t(`events.status.${r.status}` as MessageKey)}
                  </td>
                </tr>
              ))}
              {regs.data && regs.data.items.length === 0 && <tr className="empty-row"><td colSpan={5}>{t('events.noRegistrations')}</td></tr>}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function RegistrationAdd({ eventId, onDone }: { eventId: string; onDone: (added: boolean) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: '', email: '', phone: '', companyName: '', status: 'registered' as RegistrationStatus });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input: Record<string, string> = {};
      for (const [k, v] of Object.entries(form)) if (v.trim()) input[k] = v.trim();
      await eventsApi.register(eventId, input);
      onDone(true);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="registration-add">
      <div className="card-header"><h2>{t('events.addRegistration')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('events.person')} name="name" error={errors.name}><input id="input-name" value={form.name} onChange={set('name')} /></FormField>
          <FormField label={t('events.email')} name="email" oneOf error={errors.email}><input id="input-email" type="email" value={form.email} onChange={set('email')} /></FormField>
          <FormField label={t('field.phone')} name="phone" oneOf error={errors.phone}><input id="input-phone" type="tel" value={form.phone} onChange={set('phone')} /></FormField>
          <FormField label={t('events.company')} name="companyName" error={errors.companyName}><input id="input-companyName" value={form.companyName} onChange={set('companyName')} /></FormField>
          <FormField label={t('commerce.status')} name="status">
            <select id="input-status" value={form.status} onChange={set('status')}>{STATUSES.map((s) => <option key={s} value={s}>{t(`events.status.${s}` as MessageKey)}</option>)}</select>
          </FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="registration-add-submit">{busy ? t('common.creating') : t('common.create')}</button>
          <button type="button" className="btn" onClick={() => onDone(false)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
