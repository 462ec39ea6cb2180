/** Small shared pieces: form fields with error slots, error banners, masks, provenance lines, loaders. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, type Provenance } from '../api.ts';
import { errorMessage } from '../error-message.ts';
import { formatDateTime } from '../format.ts';
import { localizeFieldMessage, useI18n, type Lang, type Translate } from '../i18n.ts';
import { Icon } from './Icon.tsx';

export function ErrorBanner({ error, testId = 'error-banner' }: { error: unknown; testId?: string }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  // Take the user to the problem: the first field with an error, else the banner itself.
  useEffect(() => {
    const banner = ref.current;
    if (!error || !banner) return;
    const scope = banner.closest('form, .card, .page, .auth-card') ?? document;
    const field = scope.querySelector<HTMLElement>('.has-error input, .has-error select, .has-error textarea');
    if (field) field.focus();
    else banner.scrollIntoView({ block: 'nearest' });
  }, [error]);
  if (!error) return null;
  // Every reason the API gave, not only the headline: a field error may name no input on the page (the file, the
  // profile), and then the banner is the only place it can be read.
  const reasons = error instanceof ApiError ? fieldReasons(error, lang) : [];
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} ref={ref}>
      {errorMessage(error, t, lang)}
      {reasons.length > 0 && (
        <ul className="field-reasons" data-testid={`${testId}-reasons`}>
          {reasons.map((r, i) => <li key={i}>{r}</li>)}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="alert alert-success" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

export function FormField({
  label,
  name,
  required,
  oneOf,
  error,
  hint,
  children,
  wide,
}: {
  label: string;
  name: string;
  required?: boolean;
  oneOf?: boolean;
  error?: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
  wide?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className={`form-field${error ? ' has-error' : ''}${wide ? ' wide' : ''}`} data-testid={`field-${name}`}>
      <label htmlFor={`input-${name}`}>
        <span>{label}</span>
        {required && <span className="req">{t('common.required')}</span>}
        {oneOf && <span className="req req-soft">{t('common.oneOf')}</span>}
      </label>
      {children}
      {hint && !error && <div className="hint">{hint}</div>}
      {error && (
        <div className="field-error" data-testid={`error-${name}`} role="alert">
          <Icon name="warn" size={12} /> {error}
        </div>
      )}
    </div>
  );
}

/** 🔒「マスク表示」 next to a value the API masked for this role. */
export function MaskBadge() {
  const { t } = useI18n();
  return (
    <span className="mask-badge" title={t('masked.title')} data-testid="mask-badge">
      <Icon name="lock" size={11} />
      {t('masked.short')}
    </span>
  );
}

export function MaskBanner() {
  const { t } = useI18n();
  return (
    <div className="alert alert-mask" data-testid="mask-banner">
      <Icon name="lock" size={14} /> <span>{t('masked.banner')}</span>
    </div>
  );
}

/** 「手入力 · 山田 · 2026/11/22 12:00」 */
export function provenanceText(p: Provenance, t: Translate): string {
  const source = p.source === 'manual' ? t('provenance.manual') : (p.sourceLabel ?? p.source);
  return [source, p.by, formatDateTime(p.at)].filter(Boolean).join(' · ');
}

export function ProvenanceLine({ p, testId }: { p: Provenance | undefined | null; testId?: string }) {
  const { t } = useI18n();
  if (!p) return null;
  return (
    <div className="provenance" title={t('detail.provenanceTitle')} data-testid={testId}>
      <Icon name="info" size={11} /> {provenanceText(p, t)}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" data-testid="loading">
      {t('common.loading')}
    </div>
  );
}

export function PageHeader({ title, actions, sub }: { title: ReactNode; actions?: ReactNode; sub?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {sub && <div className="page-sub">{sub}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** Loads data with an async function; reload() runs it again. Stale responses are ignored. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  // The caller lists what `load` depends on, like useEffect's dependency list.
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const result = await run();
      if (mine === seq.current) {
        setData(result);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

/** Field errors of an ApiError, keyed by field name, in the UI language where the message is known. */
/** The API's field errors as lines to read ("profile: 列「会員番号」がファイルにありません"), in the UI language, once each. */
export function fieldReasons(error: ApiError, lang: Lang): string[] {
  const lines = error.fieldErrors.map((e) => `${e.field}: ${localizeFieldMessage(e.message, lang)}`);
  return [...new Set(lines)];
}

export function useFieldErrors(error: unknown): Record<string, string> {
  const { lang } = useI18n();
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.byField())) out[field] = localizeFieldMessage(message, lang);
  return out;
}
