/**
 * 顧客の声の CSV 取り込み: survey answers (NPS / CSAT with a comment) and call-centre logs, one row per answer. The
 * page says which header names are read (Japanese first) and shows a sample; the file goes to the server as is
 * (UTF-8 or Shift_JIS, detected or chosen), each row is matched to a customer by e-mail or phone (an unknown person
 * becomes a prospect) and lands in the inbox; the result counts the rows and lists every refused line with its reason.
 */
import { useState, type FormEvent } from 'react';
import { voiceApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { Button, LinkButton } from '../../components/Button.tsx';
import { ErrorBanner, FormField, PageHeader } from '../../components/ui.tsx';
import { voiceInboxPath } from './voice-filters.ts';

type Result = Awaited<ReturnType<typeof voiceApi.importCsv>>;

/** The columns the server reads and the header names it accepts for each (src/use/voice/voice-reports.service.ts). */
const COLUMNS: Array<{ key: string; names: string; required?: boolean }> = [
  { key: 'email', names: 'メールアドレス / メール / email', required: true },
  { key: 'phone', names: '電話番号 / 電話 / phone / tel', required: true },
  { key: 'text', names: 'コメント / ご意見 / 内容 / 本文 / comment' },
  { key: 'score', names: 'スコア / 点数 / 評価 / score / nps / csat' },
  { key: 'kind', names: '種別 / スコア種別 / kind (nps / csat)' },
  { key: 'receivedAt', names: '回答日時 / 受付日時 / 日時 / 日付 / date' },
  { key: 'name', names: '氏名 / 名前 / お名前 / name' },
  { key: 'company', names: '会社名 / company' },
  { key: 'products', names: '商品コード / 商品 / sku' },
  { key: 'externalId', names: '回答ID / 通話ID / id' },
];
const SAMPLE = [
  '回答ID,回答日時,メールアドレス,電話番号,氏名,スコア,種別,コメント,商品コード',
  'A-1001,2026/11/02 10:15,hanako.sato@daicho-test.jp,,佐藤 花子,9,nps,いつも丁寧な対応で満足しています。,SKU-001',
  'C-2001,2026/11/02 14:40,,090-3456-7812,,2,csat,電話がつながるまで20分待ちました。,',
].join('\n');

export function VoiceImportPage() {
  const { t, tOr } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [defaultKind, setDefaultKind] = useState<'' | 'nps' | 'csat'>('');
  const [encoding, setEncoding] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Result | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await voiceApi.importCsv(file, { ...(defaultKind ? { defaultKind } : {}), ...(encoding ? { encoding } : {}) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page" data-testid="voice-import-page">
      <Link to="/voice" className="back-link">{t('voice.back')}</Link>
      <PageHeader title={t('voice.import.title')} sub={t('voice.import.lead')} />
      <div className="seg-layout">
        <div className="seg-main">
          <form className="card" onSubmit={(e) => void submit(e)} data-testid="voice-import-form">
            <div className="card-header"><h2>{t('voice.import.file')}</h2></div>
            <div className="form-grid">
              <FormField label={t('voice.import.file')} name="voice-file" required wide hint={t('voice.import.fileHint')}>
                <input id="input-voice-file" type="file" accept=".csv,.txt,text/csv" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); }} data-testid="voice-import-file" />
              </FormField>
              <FormField label={t('voice.import.defaultKind')} name="voice-kind">
                <select id="input-voice-kind" value={defaultKind} onChange={(e) => setDefaultKind(e.target.value as '' | 'nps' | 'csat')} data-testid="voice-import-kind">
                  <option value="">{t('voice.import.kindFromFile')}</option>
                  <option value="nps">NPS (0–10)</option>
                  <option value="csat">CSAT (1–5)</option>
                </select>
              </FormField>
              <FormField label={t('voice.import.encoding')} name="voice-encoding">
                <select id="input-voice-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value)} data-testid="voice-import-encoding">
                  <option value="">{t('voice.import.encodingAuto')}</option>
                  <option value="utf-8">UTF-8</option>
                  <option value="cp932">Shift_JIS (CP932)</option>
                </select>
              </FormField>
            </div>
            <ErrorBanner error={error} testId="voice-import-error" />
            <div className="form-actions">
              <Button type="submit" variant="primary" disabled={!file || busy} data-testid="voice-import-submit">
                {busy ? t('voice.import.running') : t('voice.import.submit')}
              </Button>
            </div>
          </form>
          {result && (
            <section className="card" data-testid="voice-import-result">
              <div className="card-header"><h2>{t('voice.import.result')}</h2></div>
              <p>
                <span data-testid="voice-import-created">{t('voice.import.counts', { rows: result.rows, created: result.created, duplicates: result.duplicates, errors: result.errors.length })}</span>
                {' '}{result.created > 0 && <Link to={voiceInboxPath({ channel: 'import' })} data-testid="voice-import-inbox">{t('voice.import.openInbox')}</Link>}
              </p>
              {result.errors.length > 0 && (
                <>
                  <p className="muted small">{t('voice.import.errorsLead')}</p>
                  <table className="table" data-testid="voice-import-errors">
                    <thead><tr><th>{t('voice.import.line')}</th><th>{t('voice.import.column')}</th><th>{t('voice.import.reason')}</th></tr></thead>
                    <tbody>
                      {result.errors.map((x, i) => (
                        <tr key={i} data-testid="voice-import-error-row"><td className="tabular">{x.line}</td><td>{x.field ? tOr(`voice.import.col.${x.field}`, x.field) : '—'}</td><td>{x.message}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </section>
          )}
        </div>
        <aside className="seg-side">
          <section className="card" data-testid="voice-import-columns">
            <div className="card-header"><h2>{t('voice.import.columns')}</h2></div>
            <p className="muted small">{t('voice.import.columnsLead')}</p>
            <dl className="kv">
              {COLUMNS.map((c) => (
                <div key={c.key}>
                  <dt>{tOr(`voice.import.col.${c.key}`, c.key)}{c.required && <span className="muted small"> {t('voice.import.oneOf')}</span>}</dt>
                  <dd className="small">{c.names}</dd>
                </div>
              ))}
            </dl>
            <p className="muted small">{t('voice.import.sample')}</p>
            <pre className="small mono" style={{ whiteSpace: 'pre-wrap', overflowX: 'auto' }} data-testid="voice-import-sample">{SAMPLE}</pre>
            <LinkButton small href={`data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${SAMPLE}\n`)}`} download="voice-sample.csv">{t('voice.import.downloadSample')}</LinkButton>
          </section>
        </aside>
      </div>
    </div>
  );
}
