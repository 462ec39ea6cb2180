/** CSV upload of orders or event attendance with its profile, and the per-row report (line, field, reason). */
import { useState, type FormEvent } from 'react';
import type { CommerceImportSummary } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorBanner, FormField } from '../components/ui.tsx';

export const DEFAULT_ORDER_PROFILE = {
  kind: 'orders', source: 'ec', order_id_column: '注文番号',
  fields: {
    ordered_at: '注文日', sku: '商品コード', product_name: '商品名', quantity: '数量', unit_price: '単価', amount: '金額',
    channel: 'チャネル', status: 'ステータス', customer_email: 'メールアドレス', customer_name: '氏名', customer_phone: '電話番号', member_id: '会員番号',
  },
};

export const DEFAULT_ATTENDANCE_PROFILE = {
  kind: 'event_attendance', source: 'event-tool', id_column: '受付ID',
  fields: { full_name: '氏名', email: 'メール', company_name: '会社名', status: '出欠' },
};

export function OrderImportPanel({ title, defaultProfile, run, onDone, testId }: {
  title: string;
  defaultProfile: unknown;
  run: (file: File, profile: unknown) => Promise<CommerceImportSummary>;
  onDone?: () => void;
  testId: string;
}) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [profileText, setProfileText] = useState(() => JSON.stringify(defaultProfile, null, 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<CommerceImportSummary | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let profile: unknown;
      try {
        profile = JSON.parse(profileText);
      } catch {
        throw new Error('プロファイルが JSON ではありません (profile is not JSON)');
      }
      setResult(await run(file, profile));
      onDone?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid={testId}>
      <div className="card-header"><h2>{title}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('commerce.file')} name={`${testId}-file`} required wide>
            <input id={`input-${testId}-file`} type="file" accept=".csv,.tsv,.txt,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid={`${testId}-file`} />
          </FormField>
          <FormField label={t('commerce.profile')} name={`${testId}-profile`} hint={t('commerce.profileHint')} wide>
            <textarea id={`input-${testId}-profile`} rows={8} className="mono" value={profileText} onChange={(e) => setProfileText(e.target.value)} data-testid={`${testId}-profile`} />
          </FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!file || busy} data-testid={`${testId}-run`}>{busy ? t('commerce.running') : t('commerce.run')}</button>
        </div>
      </form>
      {result && (
        <div className="import-result" data-testid={`${testId}-result`}>
          <p>{t('commerce.result', { read: result.read, created: result.created, updated: result.updated, unchanged: result.unchanged, rejected: result.rejectedRows })}</p>
          {result.problems.length === 0 ? <p className="muted small">{t('commerce.noProblems')}</p> : (
            <div className="table-wrap">
              <table className="table table-zebra" data-testid={`${testId}-problems`}>
                <caption className="muted small">{t('commerce.problems')}</caption>
                <thead><tr><th className="num">{t('commerce.line')}</th><th>{t('commerce.field')}</th><th>{t('commerce.reason')}</th><th>{t('commerce.value')}</th></tr></thead>
                <tbody>
                  {result.problems.map((p, i) => (
                    <tr key={`${p.line}-${i}`} data-testid="problem-row"><td className="num tabular">{p.line}</td><td>{p.field ?? ''}</td><td>{p.reason}</td><td>{p.value ?? ''}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** "12000.00" → "¥12,000" (JPY has no minor unit on screen). */
export function yen(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const n = Number(amount);
  if (!Number.isFinite(n)) return amount;
  return `¥${Math.round(n).toLocaleString('ja-JP')}`;
}
