import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { ErrorBanner, FormField, useFieldErrors } from '../components/ui.tsx';
import { AuthFrame } from './AuthFrame.tsx';

/** First run: the console's one-time token plus the administrator account; then signs straight in. */
export function SetupPage() {
  const { t } = useI18n();
  const { signedIn, reload } = useSession();
  const [form, setForm] = useState({ token: '', displayName: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.setup({ token: form.token.trim(), email: form.email, password: form.password, ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}) });
    } catch (e) {
      setError(e);
      setBusy(false);
      if (e && typeof e === 'object' && 'code' in e && e.code === 'setup_closed') void reload();
      return;
    }
    try {
      await signedIn(await api.login(form.email, form.password));
    } catch {
      await reload();
    }
  };

  const errors = useFieldErrors(error);
  return (
    <AuthFrame title={t('setup.title')} lead={t('setup.lead')}>
      <ErrorBanner error={error} testId="setup-error" />
      <form onSubmit={(e) => void submit(e)} className="stack" data-testid="setup-form" noValidate>
        <FormField label={t('setup.token')} name="token" required error={errors.token} hint={t('setup.tokenHint')}>
          <input id="input-token" className="mono" autoComplete="off" spellCheck={false} value={form.token} onChange={set('token')} autoFocus />
        </FormField>
        <FormField label={t('setup.displayName')} name="displayName" error={errors.displayName} hint={t('setup.displayNameHint')}>
          <input id="input-displayName" autoComplete="name" value={form.displayName} onChange={set('displayName')} />
        </FormField>
        <FormField label={t('setup.email')} name="email" required error={errors.email}>
          <input id="input-email" type="email" autoComplete="username" value={form.email} onChange={set('email')} />
        </FormField>
        <FormField label={t('setup.password')} name="password" required error={errors.password} hint={t('setup.passwordHint')}>
          <input id="input-password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />
        </FormField>
        <Button type="submit" variant="primary" block disabled={busy} data-testid="setup-submit">
          {busy ? t('setup.busy') : t('setup.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
