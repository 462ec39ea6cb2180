/**
 * The create panel of the list pages (a card above the list with a title, the fields in a grid, 「登録」 and
 * 「キャンセル」) and useFormValues, which holds its values, its busy state and the API's field errors.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { Button } from './Button.tsx';
import { withValue } from './form-values.ts';
import { ErrorBanner, useFieldErrors } from './ui.tsx';

export interface FormValues<V> {
  values: V;
  /** An onChange handler for the input of `key`. */
  set: (key: keyof V) => (event: { target: { value: string } }) => void;
  setValue: <K extends keyof V>(key: K, value: V[K]) => void;
  busy: boolean;
  error: unknown;
  /** The API's field errors by field name, in the UI language. */
  errors: Record<string, string>;
  /** A submit handler running `action` with the values: busy meanwhile, its error shown (and by field) if it fails. */
  submit: (action: (values: V) => Promise<void>) => (event: FormEvent) => void;
}

export function useFormValues<V extends object>(initial: V | (() => V)): FormValues<V> {
  const [values, setValues] = useState<V>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);
  return {
    values,
    set: (key) => (event) => setValues((v) => withValue(v, key, event.target.value as V[typeof key])),
    setValue: (key, value) => setValues((v) => withValue(v, key, value)),
    busy,
    error,
    errors,
    submit: (action) => (event) => {
      event.preventDefault();
      setBusy(true);
      setError(null);
      action(values).catch(setError).finally(() => setBusy(false));
    },
  };
}

export function FormPanel<V>({ title, testId, form, onSubmit, submitLabel, busyLabel, submitTestId, submitDisabled, onCancel, children, after }: {
  title: ReactNode;
  testId: string;
  form: Pick<FormValues<V>, 'busy' | 'error' | 'submit'>;
  onSubmit: (values: V) => Promise<void>;
  /** 「登録」 / 「登録中…」 unless said otherwise. */
  submitLabel?: string;
  busyLabel?: string;
  submitTestId: string;
  submitDisabled?: boolean;
  /** Shows 「キャンセル」. */
  onCancel?: () => void;
  /** The fields (FormField), laid out in the form grid. */
  children: ReactNode;
  /** Below the form, inside the card (a result). */
  after?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="card form-card" data-testid={testId}>
      <div className="card-header"><h2>{title}</h2></div>
      <form onSubmit={form.submit(onSubmit)} noValidate>
        <ErrorBanner error={form.error} />
        <div className="form-grid">{children}</div>
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={form.busy || submitDisabled} data-testid={submitTestId}>
            {form.busy ? busyLabel ?? t('common.creating') : submitLabel ?? t('common.create')}
          </Button>
          {onCancel && <Button onClick={onCancel} disabled={form.busy}>{t('common.cancel')}</Button>}
        </div>
      </form>
      {after}
    </section>
  );
}
