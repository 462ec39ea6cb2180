/**
 * 配信設定 (admins): the sender the law asks every marketing e-mail to name (特定電子メール法: 氏名又は名称, 住所,
 * 問い合わせ先), the From and Reply-To addresses, the one frequency cap across all campaigns and departments, the
 * sending rate, and how a DM piece for a household is addressed. Says whether mail goes out (SMTP) or to the outbox.
 */
import { useEffect, useState } from 'react';
import { messagingApi, type MessagingSettings, type MessagingSettingsUpdate } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { localizeFieldMessage, useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, FormField, Loading, Notice, PageHeader, useFieldErrors, useLoad } from '../../components/ui.tsx';
import { OutboxBanner } from './parts.tsx';

interface Values {
  senderName: string;
  senderAddress: string;
  senderContact: string;
  fromEmail: string;
  replyTo: string;
  capCount: string;
  capDays: string;
  sendRate: string;
  dmHouseholdAddressing: 'primary' | 'family';
}

function valuesOf(s: MessagingSettings): Values {
  return {
    senderName: s.senderName, senderAddress: s.senderAddress, senderContact: s.senderContact, fromEmail: s.fromEmail, replyTo: s.replyTo ?? '',
    capCount: String(s.capCount), capDays: String(s.capDays), sendRate: String(s.sendRate), dmHouseholdAddressing: s.dmHouseholdAddressing,
  };
}

/** What PUT receives: the text as typed (the server trims and checks), numbers as numbers, an empty Reply-To as null. */
function updateOf(v: Values): MessagingSettingsUpdate {
  const num = (x: string) => (x.trim() === '' ? Number.NaN : Number(x));
  return {
    senderName: v.senderName, senderAddress: v.senderAddress, senderContact: v.senderContact, fromEmail: v.fromEmail,
    replyTo: v.replyTo.trim() || null, capCount: num(v.capCount), capDays: num(v.capDays), sendRate: num(v.sendRate),
    dmHouseholdAddressing: v.dmHouseholdAddressing,
  };
}

export function MessagingSettingsPage() {
  const { t, lang } = useI18n();
  const loaded = useLoad(() => messagingApi.settings(), []);
  const [values, setValues] = useState<Values | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errors = useFieldErrors(error);
  useEffect(() => {
    if (loaded.data && !values) setValues(valuesOf(loaded.data));
  }, [loaded.data, values]);
  if (!loaded.data || !values) {
    return <div className="page page-narrow">{loaded.loading ? <Loading /> : <ErrorBanner error={loaded.error} />}</div>;
  }
  const s = loaded.data;
  const set = (key: keyof Values) => (e: { target: { value: string } }) => { setValues({ ...values, [key]: e.target.value }); setSaved(false); };
  const save = async () => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const next = await messagingApi.updateSettings(updateOf(values));
      loaded.setData(next);
      setValues(valuesOf(next));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="page page-narrow" data-testid="messaging-settings-page">
      <Link to="/campaigns" className="back-link">{t('camp.back')}</Link>
      <PageHeader title={t('msgset.title')} sub={t('msgset.lead')} />
      {s.delivery === 'outbox' ? <OutboxBanner /> : <div className="alert alert-info" data-testid="smtp-mode">{t('msgset.smtp')}</div>}
      {s.missing.length > 0 && (
        <div className="alert alert-warning" data-testid="settings-missing">
          <strong>{t('msgset.missing')}</strong>
          <ul className="field-reasons">{s.missing.map((m, i) => <li key={i}>{localizeFieldMessage(m.message, lang)}</li>)}</ul>
        </div>
      )}
      <ErrorBanner error={error} />
      {saved && <Notice testId="settings-saved">{t('msgset.saved')}</Notice>}
      <form className="card" onSubmit={(e) => { e.preventDefault(); void save(); }} noValidate data-testid="settings-form">
        <h2 className="camp-subtitle">{t('msgset.sender')}</h2>
        <p className="muted small">{t('msgset.senderLead')}</p>
        <div className="form-grid">
          <FormField label={t('msgset.senderName')} name="senderName" required error={errors.senderName}>
            <input id="input-senderName" value={values.senderName} onChange={set('senderName')} data-testid="settings-senderName" />
          </FormField>
          <FormField label={t('msgset.senderContact')} name="senderContact" required error={errors.senderContact} hint={t('msgset.senderContactHint')}>
            <input id="input-senderContact" value={values.senderContact} onChange={set('senderContact')} data-testid="settings-senderContact" />
          </FormField>
          <FormField label={t('msgset.senderAddress')} name="senderAddress" required wide error={errors.senderAddress}>
            <input id="input-senderAddress" value={values.senderAddress} onChange={set('senderAddress')} data-testid="settings-senderAddress" />
          </FormField>
          <FormField label={t('msgset.fromEmail')} name="fromEmail" required error={errors.fromEmail}>
            <input id="input-fromEmail" type="email" value={values.fromEmail} onChange={set('fromEmail')} data-testid="settings-fromEmail" />
          </FormField>
          <FormField label={t('msgset.replyTo')} name="replyTo" error={errors.replyTo}>
            <input id="input-replyTo" type="email" value={values.replyTo} onChange={set('replyTo')} data-testid="settings-replyTo" />
          </FormField>
        </div>
        <h2 className="camp-subtitle">{t('msgset.cap')}</h2>
        <p className="muted small">{t('msgset.capLead')}</p>
        <div className="camp-cap" data-testid="settings-cap">
          <input type="number" min={1} max={365} value={values.capDays} onChange={set('capDays')} className="seg-num camp-days" aria-label={t('msgset.capDays')} data-testid="settings-capDays" />
          <span>{t('msgset.capDaysUnit')}</span>
          <input type="number" min={1} max={100} value={values.capCount} onChange={set('capCount')} className="seg-num camp-days" aria-label={t('msgset.capCount')} data-testid="settings-capCount" />
          <span>{t('msgset.capCountUnit')}</span>
        </div>
        {(errors.capDays || errors.capCount) && <div className="field-error">{errors.capDays ?? errors.capCount}</div>}
        <h2 className="camp-subtitle">{t('msgset.rate')}</h2>
        <div className="camp-cap">
          <input type="number" min={1} max={1000} value={values.sendRate} onChange={set('sendRate')} className="seg-num camp-days" aria-label={t('msgset.rate')} data-testid="settings-sendRate" />
          <span>{t('msgset.rateUnit')}</span>
        </div>
        {errors.sendRate && <div className="field-error">{errors.sendRate}</div>}
        <h2 className="camp-subtitle">{t('msgset.household')}</h2>
        <div className="camp-radios">
          {(['primary', 'family'] as const).map((h) => (
            <label key={h} className="checkbox">
              <input type="radio" name="household" checked={values.dmHouseholdAddressing === h} onChange={() => { setValues({ ...values, dmHouseholdAddressing: h }); setSaved(false); }} data-testid={`settings-household-${h}`} />
              {t(`msgset.household.${h}`)}
            </label>
          ))}
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={saving} data-testid="settings-save">{saving ? t('common.saving') : t('common.save')}</Button>
          <span className="muted small">{t('msgset.updatedAt', { at: formatDateTime(s.updatedAt) })}</span>
        </div>
      </form>
    </div>
  );
}
