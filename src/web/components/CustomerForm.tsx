/**
 * The customer form, for create (POST) and edit (PATCH). Edit sends only the fields the user changed,
 * '' becoming null (clear). Validation messages come from the API and are shown next to their fields.
 */
import { useState, type FormEvent } from 'react';
import type { Customer, CustomerInput } from '../api.ts';
import { formatPostal } from '../format.ts';
import { useCompanies, useOwners } from '../hooks.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Button } from './Button.tsx';
import { ErrorBanner, FormField, useFieldErrors } from './ui.tsx';

export const FORM_FIELDS = [
  'familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'email', 'phone', 'postalCode', 'prefecture', 'address',
  'building', 'birthDate', 'gender', 'companyName', 'department', 'title', 'lifecycleStage', 'acquisitionChannel', 'ownerUserId',
] as const;
export type FormFieldKey = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormFieldKey, string>;

const PERSONAL: ReadonlySet<FormFieldKey> = new Set(['email', 'phone', 'postalCode', 'address', 'building', 'birthDate']);
const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

export function valuesFromCustomer(c: Customer | null): FormValues {
  return {
    familyName: c?.familyName ?? '',
    givenName: c?.givenName ?? '',
    familyNameKana: c?.familyNameKana ?? '',
    givenNameKana: c?.givenNameKana ?? '',
    email: c?.email ?? '',
    phone: c?.phoneNational ?? c?.phone ?? '',
    postalCode: formatPostal(c?.postalCode),
    prefecture: c?.prefecture ?? '',
    address: c?.address ?? '',
    building: c?.building ?? '',
    birthDate: c?.birthDate ?? '',
    gender: c?.gender ?? '',
    companyName: c?.company?.name ?? '',
    department: c?.department ?? '',
    title: c?.title ?? '',
    lifecycleStage: c?.lifecycleStage ?? 'prospect',
    acquisitionChannel: c?.acquisitionChannel ?? '',
    ownerUserId: c?.owner?.id ?? '',
  };
}

/** Create: every filled field. Edit: only what changed ('' clears). */
export function toInput(values: FormValues, initial: FormValues | null): CustomerInput {
  const input: Record<string, string | null> = {};
  for (const key of FORM_FIELDS) {
    const value = values[key].trim();
    if (initial) {
      if (value !== initial[key].trim()) input[key] = value === '' ? null : value;
    } else if (value !== '') input[key] = value;
  }
  if (input.lifecycleStage === null) delete input.lifecycleStage;
  return input as CustomerInput;
}

export function CustomerForm({
  customer,
  onSubmit,
  onCancel,
  submitLabel,
  testId = 'customer-form',
}: {
  customer: Customer | null;
  onSubmit: (input: CustomerInput) => Promise<void>;
  onCancel?: () => void;
  submitLabel: string;
  testId?: string;
}) {
  const { t, label } = useI18n();
  const { reference, me } = useSession();
  const owners = useOwners();
  const companies = useCompanies();
  const [initial] = useState<FormValues | null>(() => (customer ? valuesFromCustomer(customer) : null));
  // A new customer is yours unless you pick someone else.
  const [values, setValues] = useState<FormValues>(() => ({ ...valuesFromCustomer(customer), ...(customer ? {} : { ownerUserId: me?.user.id ?? '' }) }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nothing, setNothing] = useState(false);

  const raw = useFieldErrors(error);
  const errors: Record<string, string | undefined> = { ...raw, companyName: raw.companyName ?? raw.companyId };
  const masked = customer?.masked ?? false;
  const set = (key: FormFieldKey) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setNothing(false);
  };
  const disabled = (key: FormFieldKey) => busy || (masked && PERSONAL.has(key));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = toInput(values, initial);
    if (initial && Object.keys(input).length === 0) {
      setNothing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(input);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const text = (key: FormFieldKey, opts: { required?: boolean; oneOf?: boolean; placeholder?: string; type?: string; wide?: boolean; autoComplete?: string; list?: string; inputMode?: 'tel' | 'email' | 'numeric' } = {}) => (
    <FormField label={t(`field.${key}`)} name={key} error={errors[key]} required={opts.required} oneOf={opts.oneOf} wide={opts.wide}>
      <input
        id={`input-${key}`}
        name={key}
        type={opts.type ?? 'text'}
        value={values[key]}
        onChange={set(key)}
        placeholder={opts.placeholder}
        autoComplete={opts.autoComplete ?? 'off'}
        list={opts.list}
        inputMode={opts.inputMode}
        disabled={disabled(key)}
        aria-invalid={errors[key] ? true : undefined}
      />
    </FormField>
  );

  return (
    <form className="customer-form" onSubmit={(e) => void submit(e)} data-testid={testId} noValidate>
      <ErrorBanner error={error} testId="form-error" />
      {nothing && <div className="alert alert-info">{t('detail.noChanges')}</div>}
      <fieldset>
        <legend>{t('new.sectionName')}</legend>
        <div className="form-grid">
          {text('familyName', { oneOf: true, autoComplete: 'family-name' })}
          {text('givenName', { autoComplete: 'given-name' })}
          {text('familyNameKana', { placeholder: 'サトウ' })}
          {text('givenNameKana', { placeholder: 'ハナコ' })}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('new.sectionContact')}</legend>
        <div className="form-grid">
          {text('email', { oneOf: true, type: 'email', placeholder: t('new.emailPlaceholder'), inputMode: 'email' })}
          {text('phone', { type: 'tel', placeholder: t('new.phonePlaceholder'), inputMode: 'tel' })}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('new.sectionAddress')}</legend>
        <div className="form-grid">
          {text('postalCode', { placeholder: t('new.postalPlaceholder'), inputMode: 'numeric' })}
          <FormField label={t('field.prefecture')} name="prefecture" error={errors.prefecture}>
            <select id="input-prefecture" name="prefecture" value={values.prefecture} onChange={set('prefecture')} disabled={busy}>
              <option value="">{t('common.select')}</option>
              {(reference?.prefectures ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </FormField>
          {text('address', { wide: true })}
          {text('building', { wide: true })}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('new.sectionWork')}</legend>
        <div className="form-grid">
          {text('companyName', { oneOf: true, placeholder: t('new.companyPlaceholder'), list: 'company-names', wide: true })}
          <datalist id="company-names">
            {companies.map((c) => <option key={c.id} value={c.name} />)}
          </datalist>
          {text('department')}
          {text('title')}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('new.sectionManage')}</legend>
        <div className="form-grid">
          <FormField label={t('field.lifecycleStage')} name="lifecycleStage" error={errors.lifecycleStage} required>
            <select id="input-lifecycleStage" name="lifecycleStage" value={values.lifecycleStage} onChange={set('lifecycleStage')} disabled={busy}>
              {(reference?.lifecycleStages ?? [{ code: 'prospect', labelJa: '見込み客', labelEn: 'Prospect' }]).map((s) => (
                <option key={s.code} value={s.code}>{label(s)}</option>
              ))}
            </select>
          </FormField>
          <FormField label={t('field.acquisitionChannel')} name="acquisitionChannel" error={errors.acquisitionChannel}>
            <select id="input-acquisitionChannel" name="acquisitionChannel" value={values.acquisitionChannel} onChange={set('acquisitionChannel')} disabled={busy}>
              <option value="">{t('common.unset')}</option>
              {(reference?.acquisitionChannels ?? []).map((s) => <option key={s.code} value={s.code}>{label(s)}</option>)}
            </select>
          </FormField>
          <FormField label={t('field.ownerUserId')} name="ownerUserId" error={errors.ownerUserId}>
            <select id="input-ownerUserId" name="ownerUserId" value={values.ownerUserId} onChange={set('ownerUserId')} disabled={busy}>
              <option value="">{t('common.unset')}</option>
              {customer?.owner && !owners.some((o) => o.id === customer.owner?.id) && (
                <option value={customer.owner.id}>{customer.owner.displayName}</option>
              )}
              {owners.filter((o) => !o.disabled || o.id === values.ownerUserId).map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
            </select>
          </FormField>
          {text('birthDate', { type: 'date' })}
          <FormField label={t('field.gender')} name="gender" error={errors.gender}>
            <select id="input-gender" name="gender" value={values.gender} onChange={set('gender')} disabled={busy}>
              <option value="">{t('common.unset')}</option>
              {GENDERS.map((g) => <option key={g} value={g}>{t(`gender.${g}`)}</option>)}
            </select>
          </FormField>
        </div>
      </fieldset>
      <div className="form-actions">
        <Button type="submit" variant="primary" disabled={busy} data-testid="customer-form-submit">
          {busy ? t('common.saving') : submitLabel}
        </Button>
        {onCancel && (
          <Button onClick={onCancel} disabled={busy} data-testid="customer-form-cancel">
            {t('common.cancel')}
          </Button>
        )}
      </div>
    </form>
  );
}
