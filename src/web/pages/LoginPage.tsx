import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { ErrorBanner, FormField, useFieldErrors } from '../components/ui.tsx';
import { AuthFrame } from './AuthFrame.tsx';

export function LoginPage({ expired }: { expired: boolean }) {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api.login(email, password);
      await signedIn(me);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const errors = useFieldErrors(error);
  return (
    <AuthFrame title={t('login.title')} lead={t('login.lead')}>
      {expired && !error && <div className="alert alert-info" data-testid="session-expired">{t('error.sessionExpired')}</div>}
      {error instanceof ApiError && error.code === 'unauthenticated' ? (
        <div className="alert alert-error" role="alert" data-testid="login-error">{t('error.login')}</div>
      ) : (
        <ErrorBanner error={error} testId="login-error" />
      )}
      <form onSubmit={(e) => void submit(e)} className="stack" data-testid="login-form" noValidate>
        <FormField label={t('login.email')} name="email" error={errors.email}>
          <input id="input-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
        </FormField>
        <FormField label={t('login.password')} name="password" error={errors.password}>
          <input id="input-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </FormField>
        <Button type="submit" variant="primary" block disabled={busy} data-testid="login-submit">
          {busy ? t('login.busy') : t('login.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
