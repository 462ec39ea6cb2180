/**
 * CSV upload of event attendance (and, under 「詳細設定」, of orders) with a profile in JSON, and the per-row report
 * (line, field, reason). Orders are imported with the wizard (order-import/OrderImportWizard.tsx).
 */
import { useState } from 'react';
import type { CommerceImportSummary } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { FormField } from '../components/ui.tsx';
import { RowProblemTable } from './order-import/RowProblemTable.tsx';

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
  const form = useFormValues({ file: null as File | null, profileText: JSON.stringify(defaultProfile, null, 2) });
  const { values, set, setValue } = form;
  const [result, setResult] = useState<CommerceImportSummary | null>(null);
  const submit = async ({ file, profileText }: typeof values) => {
    if (!file) return;
    setResult(null);
    let profile: unknown;
    try {
      profile = JSON.parse(profileText);
    } catch {
      throw new Error('プロファイルが JSON ではありません (profile is not JSON)');
    }
    setResult(await run(file, profile));
    onDone?.();
  };
  return (
    <FormPanel
      title={title}
      testId={testId}
      form={form}
      onSubmit={submit}
      submitLabel={t('commerce.run')}
      busyLabel={t('commerce.running')}
      submitTestId={`${testId}-run`}
      submitDisabled={!values.file}
      after={result && <ImportResult result={result} testId={testId} />}
    >
      <FormField label={t('commerce.file')} name={`${testId}-file`} required wide>
        <input id={`input-${testId}-file`} type="file" accept=".csv,.tsv,.txt,.xlsx" onChange={(e) => setValue('file', e.target.files?.[0] ?? null)} data-testid={`${testId}-file`} />
      </FormField>
      <FormField label={t('commerce.profile')} name={`${testId}-profile`} hint={t('commerce.profileHint')} wide>
        <textarea id={`input-${testId}-profile`} rows={8} className="mono" value={values.profileText} onChange={set('profileText')} data-testid={`${testId}-profile`} />
      </FormField>
    </FormPanel>
  );
}

/** What an order or attendance import did, with its per-row problems. */
function ImportResult({ result, testId }: { result: CommerceImportSummary; testId: string }) {
  const { t } = useI18n();
  return (
    <div className="import-result" data-testid={`${testId}-result`}>
      <p>{t('commerce.result', { read: result.read, created: result.created, updated: result.updated, unchanged: result.unchanged, rejected: result.rejectedRows })}</p>
      {result.problems.length === 0
        ? <p className="muted small">{t('commerce.noProblems')}</p>
        : <RowProblemTable problems={result.problems} testId={`${testId}-problems`} caption={t('commerce.problems')} />}
    </div>
  );
}

/** "12000.00" → "¥12,000" (JPY has no minor unit on screen). */
export function yen(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const n = Number(amount);
  if (!Number.isFinite(n)) return amount;
  return `¥${Math.round(n).toLocaleString('ja-JP')}`;
}
