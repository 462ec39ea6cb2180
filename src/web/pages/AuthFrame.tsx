import type { ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { Button } from '../components/Button.tsx';

/** The centred card used by the sign-in and first-run pages, with the language switch. */
export function AuthFrame({ title, lead, children }: { title: string; lead: string; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="brand-mark" aria-hidden="true">台</span>
          <div>
            <div className="auth-brand-name">{t('app.name')}</div>
            <div className="auth-brand-sub">{t('app.sub')}</div>
          </div>
          <Button variant="link" className="lang-toggle" data-testid="lang-toggle" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>
            {t('header.lang')}
          </Button>
        </div>
        <h1>{title}</h1>
        <p className="auth-lead">{lead}</p>
        {children}
      </div>
    </div>
  );
}
