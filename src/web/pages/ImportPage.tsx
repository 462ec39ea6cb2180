/**
 * 取り込み: the import wizard. Upload a CSV/TSV/XLSX → see what was detected (encoding, delimiter, headers, first
 * rows) → check the suggested mapping of columns to fields (and the id column and source code) → validate (the whole
 * file is read as an import would, nothing is written) → run → summary with the per-row report; past runs below. The import runs as a background job whose progress the page polls.
 */
import { useMemo, useState, type CSSProperties, type FormEvent } from 'react';
import {
  ApiError, importApi, type ImportJob, type ImportPreview, type ImportProfileJson, type ImportSummary, type ImportUpload, type ImportValidation, type ImportValidationJob,
} from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type Lang } from '../i18n.ts';
import { ErrorBanner, Notice, PageHeader, useLoad } from '../components/ui.tsx';
import { Icon } from '../components/Icon.tsx';
import { ExportMenu } from './ImportExportMenu.tsx';

/** The profile fields in the order the mapping table shows them (src/domain/import/profile.ts IMPORT_FIELDS). */
const FIELDS: Array<{ key: string; ja: string; en: string; multi?: boolean }> = [
  { key: 'full_name', ja: '氏名', en: 'Full name' },
  { key: 'family_name', ja: '姓', en: 'Family name' },
  { key: 'given_name', ja: '名', en: 'Given name' },
  { key: 'full_name_kana', ja: 'フリガナ（氏名）', en: 'Name reading (kana)' },
  { key: 'family_name_kana', ja: 'フリガナ（姓）', en: 'Family name reading' },
  { key: 'given_name_kana', ja: 'フリガナ（名）', en: 'Given name reading' },
  { key: 'email', ja: 'メール', en: 'E-mail' },
  { key: 'phone', ja: '電話', en: 'Phone' },
  { key: 'postal_code', ja: '郵便番号', en: 'Postal code' },
  { key: 'prefecture', ja: '都道府県', en: 'Prefecture' },
  { key: 'address', ja: '住所', en: 'Address', multi: true },
  { key: 'company_name', ja: '会社名', en: 'Company' },
  { key: 'company_name_kana', ja: '会社名フリガナ', en: 'Company reading' },
  { key: 'department', ja: '部署', en: 'Department' },
  { key: 'title', ja: '役職', en: 'Title' },
  { key: 'birth_date', ja: '生年月日', en: 'Birth date' },
  { key: 'gender', ja: '性別', en: 'Gender' },
];

const TEXT = {
  ja: {
    title: '取り込み',
    lead: '部署ごとのエクスポート（CSV・TSV・Excel .xlsx、Shift_JIS / UTF-8 自動判定）を台帳に取り込みます。同じファイルを再度取り込んでも重複しません。',
    step1: '1. ファイルを選ぶ',
    choose: 'ファイル',
    upload: 'アップロードして確認',
    uploading: 'アップロード中…',
    step2: '2. 内容の確認',
    detected: '判定結果',
    format: '形式',
    encoding: '文字コード',
    delimiter: '区切り文字',
    rowsShown: '先頭 {n} 行',
    more: '（以降省略）',
    badRow: '読めない行',
    line: '行',
    step3: '3. 項目の対応付け',
    mappingLead: '各項目に対応するファイルの列を選んでください（候補を自動で選んでいます）。対応付けない列は「カスタム項目」として保存されます。',
    field: '台帳の項目',
    column: 'ファイルの列',
    none: '（なし）',
    addColumn: '＋ 列を追加',
    remove: '削除',
    idColumn: 'ID列（取込元での一意なID）',
    idHint: 'ID がない場合は内容のハッシュで識別します',
    source: 'データソースのコード名',
    sourceHint: '半角英小文字・数字・-・_（例：meishi）。同じコード名の取り込みは同じデータソースとして扱います',
    savedProfile: '保存済みの設定を使う',
    encodingOverride: '文字コードの指定',
    auto: '自動判定',
    step4: '4. 検証と取り込み',
    validate: '検証する',
    validating: 'ファイル全体を確認しています（書き込みはしません）。大きなファイルでは時間がかかります…',
    stopValidation: '検証を中止',
    validationStopped: '検証を中止しました。設定を直してもう一度検証できます。',
    validation: '検証結果',
    validationLead: 'ファイル全体をこの設定で読んだ結果です（台帳にはまだ何も書き込んでいません）。',
    validationOk: '問題は見つかりませんでした。',
    validationStale: '設定を変えたので、もう一度検証してください。',
    duplicateIds: 'ID重複の行',
    blankIds: 'ID空欄の行',
    byField: '要確認の内訳',
    issues: '問題のある行',
    issuesFirst: '先頭 {n} 件を表示しています（すべての件数は上の集計のとおり）',
    severity: '種類',
    reason: '理由',
    value: '値',
    severity_rejected: '取込不可',
    severity_flagged: '要確認',
    run: '取り込む',
    running: '取り込み中です。大きなファイルでは数分かかることがあります…',
    resolving: '読み込み完了。名寄せ（同一人物の判定）と顧客の更新を行っています…',
    rowsRead: '{n} 行を読み込みました',
    resolved: '名寄せ済み {n} / {m} 件',
    done: '取り込みが完了しました',
    summary: '結果',
    read: '読んだ行',
    new: '新規',
    updated: '更新',
    unchanged: '変更なし',
    rejected: '取込不可の行',
    flagged: '要確認の値',
    merged: '既存顧客へ統合',
    review: 'レビュー待ち',
    customersCreated: '新しい顧客',
    quarantined: '名寄せ保留（エラー）',
    seconds: '所要時間',
    report: '行ごとのレポート（CSV）',
    again: '別のファイルを取り込む',
    runs: '取り込み履歴',
    started: '開始',
    sourceCol: 'データソース',
    file: 'ファイル',
    status: '状態',
    by: '実行者',
    status_running: '実行中',
    status_completed: '完了',
    status_failed: '失敗',
    status_interrupted: '中断',
    interruptedHint: '処理中のプロセスが止まりました。確定したバッチまでの行は台帳にあります。同じファイルをもう一度取り込むと、中断しなかった場合と同じ台帳になります',
    noRuns: 'まだ取り込みはありません',
    problems: '設定に問題があります',
  },
  en: {
    title: 'Import',
    lead: "Import a department's export (CSV, TSV or Excel .xlsx; Shift_JIS / UTF-8 detected). Importing the same file again creates no duplicates.",
    step1: '1. Choose a file',
    choose: 'File',
    upload: 'Upload and preview',
    uploading: 'Uploading…',
    step2: '2. Check the file',
    detected: 'Detected',
    format: 'Format',
    encoding: 'Encoding',
    delimiter: 'Delimiter',
    rowsShown: 'First {n} rows',
    more: '(more follow)',
    badRow: 'Unreadable row',
    line: 'Line',
    step3: '3. Map the columns',
    mappingLead: 'Choose the file column for each field (suggestions are pre-selected). Columns left unmapped are kept as custom attributes.',
    field: 'Field',
    column: 'File column',
    none: '(none)',
    addColumn: '+ Add column',
    remove: 'Remove',
    idColumn: 'ID column (unique id in the source)',
    idHint: 'Without an id, records are identified by a hash of their content',
    source: 'Source code name',
    sourceHint: 'Lower-case letters, digits, - and _ (e.g. meishi). Imports with the same code belong to the same source',
    savedProfile: 'Use the saved mapping',
    encodingOverride: 'Encoding',
    auto: 'Detect',
    step4: '4. Validate and run',
    validate: 'Validate',
    validating: 'Reading the whole file (nothing is written). Large files take a while…',
    stopValidation: 'Stop validating',
    validationStopped: 'Validation stopped. Adjust the settings and validate again.',
    validation: 'Validation',
    validationLead: 'The whole file read with these settings (nothing has been written to the ledger yet).',
    validationOk: 'No problems found.',
    validationStale: 'The settings changed: validate again.',
    duplicateIds: 'Repeated ids',
    blankIds: 'Blank ids',
    byField: 'Flagged by field',
    issues: 'Rows with problems',
    issuesFirst: 'The first {n} are listed (the counts above are complete)',
    severity: 'Kind',
    reason: 'Reason',
    value: 'Value',
    severity_rejected: 'Rejected',
    severity_flagged: 'Flagged',
    run: 'Import',
    running: 'Importing. Large files can take a few minutes…',
    resolving: 'File read. Matching identities and updating customers…',
    rowsRead: '{n} rows read',
    resolved: '{n} of {m} records resolved',
    done: 'Import finished',
    summary: 'Result',
    read: 'Rows read',
    new: 'New',
    updated: 'Updated',
    unchanged: 'Unchanged',
    rejected: 'Rejected rows',
    flagged: 'Flagged values',
    merged: 'Merged into customers',
    review: 'Sent to review',
    customersCreated: 'New customers',
    quarantined: 'Set aside (resolution failed)',
    seconds: 'Time',
    report: 'Per-row report (CSV)',
    again: 'Import another file',
    runs: 'Import history',
    started: 'Started',
    sourceCol: 'Source',
    file: 'File',
    status: 'Status',
    by: 'By',
    status_running: 'Running',
    status_completed: 'Completed',
    status_failed: 'Failed',
    status_interrupted: 'Interrupted',
    interruptedHint: 'The process running it stopped. Rows up to its last committed batch are in the ledger; importing the same file again gives the ledger an uninterrupted run would have',
    noRuns: 'No imports yet',
    problems: 'The mapping has problems',
  },
} satisfies Record<Lang, Record<string, string>>;

type Texts = (typeof TEXT)['ja'];

interface Mapping {
  source: string;
  idColumn: string;
  encoding: string;
  fields: Record<string, string[]>;
}

function mappingFrom(upload: ImportUpload): Mapping {
  const s = upload.preview.suggestion;
  const fields: Record<string, string[]> = {};
  for (const f of FIELDS) {
    const v = s.fields[f.key];
    fields[f.key] = v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
  }
  return { source: sourceFromFileName(upload.fileName), idColumn: s.idColumn ?? '', encoding: 'auto', fields };
}

function mappingFromProfile(profile: ImportProfileJson, headers: string[]): Mapping {
  const has = (c: string) => headers.includes(c);
  const fields: Record<string, string[]> = {};
  for (const f of FIELDS) {
    const v = profile.fields[f.key];
    fields[f.key] = (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(has);
  }
  return {
    source: profile.source,
    idColumn: profile.id_column && has(profile.id_column) ? profile.id_column : '',
    encoding: profile.encoding ?? 'auto',
    fields,
  };
}

/** 「meishi_2026-11.csv」→「meishi」: a starting point for the source code name. */
function sourceFromFileName(name: string): string {
  const base = name.replace(/\.[^.]+$/u, '').toLowerCase();
  const code = base.replace(/[^a-z0-9_-]+/gu, '_').replace(/^[_-]+|[_-]+$/gu, '').replace(/[_-]?\d{4,}.*$/u, '');
  return /^[a-z0-9]/u.test(code) ? code.slice(0, 60) : '';
}

function toProfile(m: Mapping): ImportProfileJson {
  const fields: Record<string, string | string[]> = {};
  for (const f of FIELDS) {
    const cols = (m.fields[f.key] ?? []).filter(Boolean);
    if (cols.length === 1) fields[f.key] = cols[0]!;
    else if (cols.length > 1) fields[f.key] = cols;
  }
  return {
    source: m.source.trim(),
    ...(m.idColumn ? { id_column: m.idColumn } : {}),
    ...(m.encoding !== 'auto' ? { encoding: m.encoding } : {}),
    fields,
  };
}

export function ImportPage() {
  const { lang } = useI18n();
  const T = TEXT[lang];
  const runs = useLoad(() => importApi.runs(), []);
  const profiles = useLoad(() => importApi.profiles(), []);
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<ImportUpload | null>(null);
  const [mapping, setMappingState] = useState<Mapping | null>(null);
  const [busy, setBusy] = useState<'upload' | 'validate' | 'run' | null>(null);
  /** The last validation, and whether the mapping changed since (its figures are then those of other settings). */
  const [validation, setValidation] = useState<{ report: ImportValidation; stale: boolean } | null>(null);
  /** The validation running in the background (its id, to stop it) and how far it has read; whether the last one was stopped. */
  const [validating, setValidating] = useState<ImportValidationJob | null>(null);
  const [validationStopped, setValidationStopped] = useState(false);
  const setMapping = (next: Mapping | null) => {
    setMappingState(next);
    setValidation((v) => (v ? { ...v, stale: true } : v));
  };
  const [progress, setProgress] = useState<ImportJob['progress'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);

  const reset = () => {
    setFile(null);
    setUpload(null);
    setMapping(null);
    setSummary(null);
    setError(null);
    setValidation(null);
    setValidationStopped(false);
  };

  const submitUpload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy('upload');
    setError(null);
    setSummary(null);
    try {
      const result = await importApi.upload(file);
      setUpload(result);
      setMappingState(mappingFrom(result));
      setValidation(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const submitValidate = async () => {
    if (!upload || !mapping) return;
    setBusy('validate');
    setError(null);
    setValidationStopped(false);
    try {
      // A background job (a million rows take minutes): poll how far it has read until it ends.
      const job = await pollJob(await importApi.startValidation(upload.uploadId, toProfile(mapping)), importApi.validation, setValidating, 400);
      if (job.status === 'cancelled') {
        setValidation(null);
        setValidationStopped(true);
      } else if (job.status === 'failed' || !job.report) {
        throw jobFailure(job, 'Validation failed');
      } else {
        setValidation({ report: job.report, stale: false });
      }
    } catch (err) {
      setValidation(null);
      setError(err);
    } finally {
      setValidating(null);
      setBusy(null);
    }
  };

  /** Stops the running validation; the poll above sees it end as cancelled. */
  const stopValidate = () => {
    if (validating) void importApi.stopValidation(validating.id).catch(setError);
  };

  const submitRun = async (e: FormEvent) => {
    e.preventDefault();
    if (!upload || !mapping) return;
    setBusy('run');
    setError(null);
    setProgress(null);
    try {
      // A background job: poll its progress (rows read, share of the file) until it finishes.
      const job = await pollJob(await importApi.startJob(upload.uploadId, toProfile(mapping)), importApi.job, (j) => setProgress(j.progress), 500);
      if (job.status === 'failed' || !job.summary) throw jobFailure(job, 'Import failed');
      setSummary(job.summary);
      void runs.reload();
      void profiles.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const saved = upload && mapping ? profiles.data?.items.find((p) => p.source === mapping.source.trim()) : undefined;

  return (
    <div className="page" data-testid="import-page">
      <PageHeader title={T.title} sub={T.lead} actions={<ExportMenu showLinks />} />

      {!upload && (
        <section className="card" data-testid="import-upload">
          <div className="card-header"><h2>{T.step1}</h2></div>
          <form onSubmit={submitUpload}>
            <ErrorBanner error={error} />
            <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
              <input
                id="input-file"
                type="file"
                accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-label={T.choose}
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                data-testid="import-file"
              />
              <button type="submit" className="btn btn-primary" disabled={!file || busy !== null} data-testid="import-upload-button">
                {busy === 'upload' ? T.uploading : T.upload}
              </button>
            </div>
            {busy === 'upload' && <progress style={{ width: '100%', marginTop: 12 }} aria-label={T.uploading} />}
          </form>
        </section>
      )}

      {upload && mapping && (
        <>
          <PreviewCard upload={upload} T={T} />
          <form onSubmit={submitRun} noValidate>
            <section className="card" data-testid="import-mapping">
              <div className="card-header"><h2>{T.step3}</h2></div>
              <p className="muted small">{T.mappingLead}</p>
              <div className="form-grid" style={{ marginBottom: 12 }}>
                <div className="form-field" data-testid="field-source">
                  <label htmlFor="input-source"><span>{T.source}</span></label>
                  <input
                    id="input-source"
                    className="mono"
                    value={mapping.source}
                    onChange={(e) => setMapping({ ...mapping, source: e.target.value })}
                    placeholder="meishi"
                    autoComplete="off"
                    spellCheck={false}
                    list="import-sources"
                  />
                  <datalist id="import-sources">
                    {(profiles.data?.items ?? []).map((p) => <option key={p.source} value={p.source}>{p.sourceLabel}</option>)}
                  </datalist>
                  <div className="hint">{T.sourceHint}</div>
                  {saved && (
                    <button type="button" className="btn btn-small" style={{ marginTop: 6 }} onClick={() => setMapping(mappingFromProfile(saved.profile, upload.preview.headers))} data-testid="import-use-saved">
                      {T.savedProfile}（{formatDateTime(saved.updatedAt)}）
                    </button>
                  )}
                </div>
                <div className="form-field" data-testid="field-idColumn">
                  <label htmlFor="input-idColumn"><span>{T.idColumn}</span></label>
                  <ColumnSelect id="input-idColumn" headers={upload.preview.headers} value={mapping.idColumn} none={T.none} onChange={(v) => setMapping({ ...mapping, idColumn: v })} />
                  <div className="hint">{T.idHint}</div>
                </div>
                {upload.preview.format !== 'xlsx' && (
                  <div className="form-field" data-testid="field-encoding">
                    <label htmlFor="input-encoding"><span>{T.encodingOverride}</span></label>
                    <select id="input-encoding" value={mapping.encoding} onChange={(e) => setMapping({ ...mapping, encoding: e.target.value })}>
                      <option value="auto">{T.auto}（{upload.preview.encoding ?? '—'}）</option>
                      <option value="cp932">Shift_JIS (CP932)</option>
                      <option value="utf-8">UTF-8</option>
                    </select>
                  </div>
                )}
              </div>
              <div className="table-wrap">
                <table className="table" data-testid="import-mapping-table">
                  <thead>
                    <tr><th>{T.field}</th><th>{T.column}</th></tr>
                  </thead>
                  <tbody>
                    {FIELDS.map((f) => {
                      const cols = mapping.fields[f.key] ?? [];
                      const setCols = (next: string[]) => setMapping({ ...mapping, fields: { ...mapping.fields, [f.key]: next } });
                      return (
                        <tr key={f.key} data-testid="mapping-row" data-field={f.key}>
                          <td className="nowrap">
                            <div className="strong">{lang === 'ja' ? f.ja : f.en}</div>
                            <div className="muted small mono">{f.key}</div>
                          </td>
                          <td>
                            {f.multi ? (
                              <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', alignItems: 'center' }}>
                                {(cols.length ? cols : ['']).map((col, i) => (
                                  <span key={i} style={{ display: 'inline-flex', gap: 4 }}>
                                    <ColumnSelect
                                      headers={upload.preview.headers}
                                      value={col}
                                      none={T.none}
                                      onChange={(v) => {
                                        const next = (cols.length ? cols : ['']).map((c, j) => (j === i ? v : c));
                                        setCols(!v && next.length > 1 ? next.filter((_, j) => j !== i) : next.filter(Boolean));
                                      }}
                                    />
                                    {cols.length > 1 && (
                                      <button type="button" className="btn btn-ghost btn-small" aria-label={T.remove} onClick={() => setCols(cols.filter((_, j) => j !== i))}>×</button>
                                    )}
                                  </span>
                                ))}
                                {cols.length > 0 && cols.every(Boolean) && (
                                  <button type="button" className="btn btn-ghost btn-small" onClick={() => setCols([...cols, ''])} data-testid="mapping-add-column">{T.addColumn}</button>
                                )}
                              </div>
                            ) : (
                              <ColumnSelect headers={upload.preview.headers} value={cols[0] ?? ''} none={T.none} onChange={(v) => setCols(v ? [v] : [])} />
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>

            <section className="card" data-testid="import-run">
              <div className="card-header"><h2>{T.step4}</h2></div>
              {!summary && <ErrorBanner error={error} />}
              {!summary && <ProblemList error={error} title={T.problems} />}
              {busy === 'run' && (
                <div className="alert alert-info" role="status" data-testid="import-running">
                  <div>{progress?.phase === 'resolving' ? T.resolving : T.running}</div>
                  {progress && progress.phase === 'reading' && progress.totalBytes > 0
                    ? <progress style={{ width: '100%', marginTop: 8 }} max={progress.totalBytes} value={progress.bytesRead} aria-label={T.running} data-testid="import-progress" />
                    : progress && progress.phase === 'resolving' && progress.pending > 0
                      ? <progress style={{ width: '100%', marginTop: 8 }} max={progress.pending} value={progress.resolved} aria-label={T.resolving} data-testid="import-progress" />
                      : <progress style={{ width: '100%', marginTop: 8 }} aria-label={T.running} data-testid="import-progress" />}
                  {progress && progress.phase === 'resolving' && progress.pending > 0 && (
                    <div className="small muted">{T.resolved.replace('{n}', progress.resolved.toLocaleString()).replace('{m}', progress.pending.toLocaleString())}</div>
                  )}
                  {progress && progress.rows > 0 && <div className="small muted" data-testid="import-progress-rows">{T.rowsRead.replace('{n}', progress.rows.toLocaleString())}</div>}
                </div>
              )}
              {busy === 'validate' && (
                <div className="alert alert-info" role="status" data-testid="import-validating">
                  <div>{T.validating}</div>
                  {validating && validating.progress.totalBytes > 0
                    ? <progress style={{ width: '100%', marginTop: 8 }} max={validating.progress.totalBytes} value={validating.progress.bytesRead} aria-label={T.validating} data-testid="import-validating-progress" />
                    : <progress style={{ width: '100%', marginTop: 8 }} aria-label={T.validating} data-testid="import-validating-progress" />}
                  {validating && validating.progress.rows > 0 && <div className="small muted">{T.rowsRead.replace('{n}', validating.progress.rows.toLocaleString())}</div>}
                  <button type="button" className="btn btn-small" style={{ marginTop: 8 }} onClick={stopValidate} disabled={!validating} data-testid="import-validate-stop">{T.stopValidation}</button>
                </div>
              )}
              {validationStopped && !validation && busy !== 'validate' && <div className="alert alert-warning" role="status" data-testid="import-validation-stopped">{T.validationStopped}</div>}
              {validation && !summary && <ValidationView validation={validation.report} stale={validation.stale} T={T} lang={lang} />}
              {summary ? (
                <SummaryView summary={summary} T={T} onAgain={reset} />
              ) : (
                <div style={{ display: 'flex', gap: 8 }}>
                  {/* Validating first is the expected path; running straight away stays possible (it checks the same). */}
                  <button type="button" className={`btn ${validation && !validation.stale ? '' : 'btn-primary'}`} disabled={busy !== null || !mapping.source.trim()} onClick={() => void submitValidate()} data-testid="import-validate-button">{T.validate}</button>
                  <button type="submit" className={`btn ${validation && !validation.stale ? 'btn-primary' : ''}`} disabled={busy !== null || !mapping.source.trim()} data-testid="import-run-button">{T.run}</button>
                  <button type="button" className="btn btn-ghost" disabled={busy !== null} onClick={reset}>{T.again}</button>
                </div>
              )}
            </section>
          </form>
        </>
      )}

      <RunsTable runs={runs.data?.items ?? null} error={runs.error} T={T} />
    </div>
  );
}

function ColumnSelect({ id, headers, value, none, onChange }: { id?: string; headers: string[]; value: string; none: string; onChange: (value: string) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="column-select">
      <option value="">{none}</option>
      {headers.map((h) => <option key={h} value={h}>{h}</option>)}
    </select>
  );
}

function PreviewCard({ upload, T }: { upload: ImportUpload; T: Texts }) {
  const p: ImportPreview = upload.preview;
  const delimiter = p.delimiter === '\t' ? 'TAB' : p.delimiter === ',' ? ', (comma)' : p.delimiter ?? '—';
  return (
    <section className="card" data-testid="import-preview">
      <div className="card-header">
        <h2>{T.step2}: <span className="mono">{upload.fileName}</span></h2>
        <span className="muted small">{(upload.size / 1024).toLocaleString('ja-JP', { maximumFractionDigits: 1 })} KB</span>
      </div>
      <p className="small">
        {T.detected}: {T.format} <span className="badge" data-testid="preview-format">{p.format.toUpperCase()}</span>{' '}
        {p.encoding && <>{T.encoding} <span className="badge" data-testid="preview-encoding">{p.encoding === 'cp932' ? 'Shift_JIS (CP932)' : p.encoding.toUpperCase()}</span>{' '}</>}
        {p.format !== 'xlsx' && <>{T.delimiter} <span className="badge" data-testid="preview-delimiter">{delimiter}</span></>}
      </p>
      {p.warnings.map((w, i) => <div key={i} className="alert alert-warning small">{w}</div>)}
      <div className="muted small" style={{ marginBottom: 6 }}>{T.rowsShown.replace('{n}', String(p.rows.length))} {p.more && T.more}</div>
      <div className="table-wrap" style={{ maxHeight: 360, overflow: 'auto' }}>
        <table className="table table-zebra small" data-testid="preview-table">
          <thead>
            <tr>
              <th className="num">{T.line}</th>
              {p.headers.map((h) => <th key={h} className="nowrap">{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.line} data-testid="preview-row">
                <td className="num tabular muted">{r.line}</td>
                {r.error !== undefined ? (
                  <td colSpan={p.headers.length} className="field-error"><Icon name="warn" size={12} /> {T.badRow}: {r.error}</td>
                ) : (
                  p.headers.map((h) => <td key={h} className="nowrap">{r.values?.[h] ?? ''}</td>)
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ProblemList({ error, title }: { error: unknown; title: string }) {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return null;
  return (
    <div className="alert alert-error" data-testid="import-problems">
      <div className="strong">{title}</div>
      <ul style={{ margin: '4px 0 0 18px' }}>
        {error.fieldErrors.map((e, i) => <li key={i}><code>{e.field.replace(/^profile\.?/u, '') || 'profile'}</code>: {e.message}</li>)}
      </ul>
    </div>
  );
}

/** Field labels of the flagged values, in the wizard's language. */
function fieldLabel(key: string | null, lang: Lang): string {
  const f = FIELDS.find((x) => x.key === key);
  return f ? (lang === 'ja' ? f.ja : f.en) : key ?? '';
}

/** Why a value was flagged (the normalisers' reason codes); a reader's message for a rejected row is shown as it is. */
const REASONS: Record<string, { ja: string; en: string }> = {
  placeholder: { ja: 'ダミー値（例: test@、000-0000-0000）', en: 'placeholder (test@, 000-0000-0000…)' },
  invalid: { ja: '形式が正しくありません', en: 'invalid' },
  missing_at: { ja: '@ がありません', en: 'no @' },
  multiple_at: { ja: '@ が複数あります', en: 'more than one @' },
  invalid_local: { ja: '@ の前が正しくありません', en: 'invalid local part' },
  invalid_domain: { ja: 'ドメインが正しくありません', en: 'invalid domain' },
  too_long: { ja: '長すぎます', en: 'too long' },
  too_short: { ja: '桁数が足りません', en: 'too short' },
  unparseable: { ja: '電話番号として読めません', en: 'not a phone number' },
  invalid_number: { ja: '存在しない番号です', en: 'not a valid number' },
  unrecognized: { ja: '日付として読めません', en: 'not a date' },
  incomplete: { ja: '日付が不完全です', en: 'incomplete date' },
  invalid_date: { ja: '存在しない日付です', en: 'no such date' },
  before_era_start: { ja: '元号の始まりより前です', en: 'before the era began' },
  out_of_range: { ja: '範囲外の日付です', en: 'out of range' },
  future: { ja: '未来の日付です', en: 'in the future' },
  wrong_length: { ja: '7桁ではありません', en: 'not 7 digits' },
  not_digits: { ja: '数字以外が含まれます', en: 'not digits' },
  not_kana: { ja: 'カナではありません', en: 'not kana' },
  unknown_value: { ja: '判別できない値です', en: 'unknown value' },
  unstorable_text: { ja: '保存できない文字 (NUL など) を除きました', en: 'characters that cannot be stored (NUL) removed' },
  unknown_prefecture: { ja: '都道府県名ではありません', en: 'not a prefecture' },
};

function ValidationView({ validation: v, stale, T, lang }: { validation: ImportValidation; stale: boolean; T: Texts; lang: Lang }) {
  const counts: Array<[string, number, string]> = [
    [T.read, v.read, 'read'], [T.rejected, v.rejected, 'rejected'], [T.flagged, v.flagged, 'flagged'], [T.new, v.new, 'new'],
    [T.updated, v.updated, 'updated'], [T.unchanged, v.unchanged, 'unchanged'], [T.duplicateIds, v.duplicateIds, 'duplicateIds'], [T.blankIds, v.blankIds, 'blankIds'],
  ];
  const byField = Object.entries(v.flaggedByField).sort((a, b) => b[1] - a[1]);
  return (
    <div data-testid="import-validation" data-stale={stale ? 'true' : 'false'} style={{ marginBottom: 12, opacity: stale ? 0.55 : 1 }}>
      <h3 style={{ margin: '0 0 4px' }}>{T.validation}</h3>
      {stale ? <div className="alert alert-warning small" data-testid="validation-stale">{T.validationStale}</div> : <p className="muted small" style={{ margin: '0 0 8px' }}>{T.validationLead}</p>}
      <CountCards counts={counts} testId="validation-count" alert={['rejected', 'flagged']} style={{ margin: '0 0 8px' }} />
      {byField.length > 0 && (
        <p className="small" data-testid="validation-by-field">
          {T.byField}: {byField.map(([field, n]) => `${fieldLabel(field, lang)} ${n.toLocaleString('ja-JP')}`).join(' ／ ')}
        </p>
      )}
      {v.issues.length === 0 ? (
        <Notice testId="validation-ok"><Icon name="check" size={13} /> {T.validationOk}</Notice>
      ) : (
        <>
          <div className="muted small" style={{ marginBottom: 4 }}>{T.issues}{v.issuesTruncated && `: ${T.issuesFirst.replace('{n}', String(v.issues.length))}`}</div>
          <div className="table-wrap" style={{ maxHeight: 320, overflow: 'auto' }}>
            <table className="table table-zebra small" data-testid="validation-issues">
              <thead><tr><th className="num">{T.line}</th><th>{T.severity}</th><th>{T.field}</th><th>{T.reason}</th><th>{T.value}</th></tr></thead>
              <tbody>
                {v.issues.map((i, k) => (
                  <tr key={`${i.line}-${k}`} data-testid="validation-issue" data-line={i.line} data-severity={i.severity} data-field={i.field ?? ''}>
                    <td className="num tabular">{i.line}</td>
                    <td><span className={`badge ${i.severity === 'rejected' ? 'badge-warn' : ''}`}>{i.severity === 'rejected' ? T.severity_rejected : T.severity_flagged}</span></td>
                    <td>{i.field ? fieldLabel(i.field, lang) : ''}</td>
                    <td>{REASONS[i.reason]?.[lang] ?? i.reason}</td>
                    <td className="mono">{i.value ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** Polls a background job (import or validation) every `ms` until it stops running; `onUpdate` sees every state. */
async function pollJob<J extends { id: string; status: string }>(started: J, get: (id: string) => Promise<J>, onUpdate: (job: J) => void, ms: number): Promise<J> {
  let job = started;
  onUpdate(job);
  while (job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, ms));
    job = await get(job.id);
    onUpdate(job);
  }
  return job;
}

/** A failed job's error as the page shows errors: a profile problem (field errors) as a 400, anything else as a 500. */
function jobFailure(job: { error: ImportJob['error'] }, fallback: string): ApiError {
  return new ApiError(job.error?.code === 'validation_failed' ? 400 : 500, job.error?.code ?? 'internal', job.error?.message ?? fallback, job.error?.errors ?? []);
}

/** A run's or a validation's figures as a grid of small cards ([label, count, key]); `alert` keys are red when above 0. */
function CountCards({ counts, testId, alert = [], style }: { counts: Array<[string, number, string]>; testId: string; alert?: string[]; style: CSSProperties }) {
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))', gap: 8, ...style }}>
      {counts.map(([label, n, key]) => (
        <div key={key} className="card" style={{ margin: 0, padding: '8px 12px' }} data-testid={testId} data-key={key}>
          <div className="muted small">{label}</div>
          <div className={`strong tabular${alert.includes(key) && n > 0 ? ' field-error' : ''}`} style={{ fontSize: 18 }}>{n.toLocaleString('ja-JP')}</div>
        </div>
      ))}
    </div>
  );
}

function SummaryView({ summary, T, onAgain }: { summary: ImportSummary; T: Texts; onAgain: () => void }) {
  const counts: Array<[string, number, string]> = [
    [T.read, summary.read, 'read'], [T.new, summary.new, 'new'], [T.updated, summary.updated, 'updated'], [T.unchanged, summary.unchanged, 'unchanged'],
    [T.rejected, summary.rejected, 'rejected'], [T.flagged, summary.flagged, 'flagged'], [T.merged, summary.merged, 'merged'], [T.review, summary.review, 'review'],
    [T.customersCreated, summary.customersCreated, 'customersCreated'],
    ...(summary.quarantined > 0 ? [[T.quarantined, summary.quarantined, 'quarantined'] as [string, number, string]] : []),
  ];
  return (
    <div data-testid="import-summary">
      <Notice testId="import-done"><Icon name="check" size={13} /> {T.done}（{summary.source} / {summary.file}）</Notice>
      <CountCards counts={counts} testId="summary-count" style={{ margin: '8px 0 12px' }} />
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <a className="btn" href={importApi.reportUrl(summary.runId)} download data-testid="import-report-link">{T.report}</a>
        <span className="muted small">{T.seconds}: {summary.seconds.toFixed(1)} s</span>
        <button type="button" className="btn btn-ghost" onClick={onAgain}>{T.again}</button>
      </div>
    </div>
  );
}

function RunsTable({ runs, error, T }: { runs: Awaited<ReturnType<typeof importApi.runs>>['items'] | null; error: unknown; T: Texts }) {
  const statusLabel = useMemo(() => ({ running: T.status_running, completed: T.status_completed, failed: T.status_failed, interrupted: T.status_interrupted }), [T]);
  return (
    <section className="card" data-testid="import-runs">
      <div className="card-header"><h2>{T.runs}</h2></div>
      <ErrorBanner error={error} />
      {runs && runs.length === 0 && <div className="muted">{T.noRuns}</div>}
      {runs && runs.length > 0 && (
        <div className="table-wrap">
          <table className="table table-zebra">
            <thead>
              <tr>
                <th>{T.started}</th><th>{T.sourceCol}</th><th>{T.file}</th><th>{T.status}</th>
                <th className="num">{T.read}</th><th className="num">{T.new}</th><th className="num">{T.updated}</th><th className="num">{T.unchanged}</th>
                <th className="num">{T.rejected}</th><th className="num">{T.flagged}</th><th>{T.by}</th><th />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="import-run-row">
                  <td className="nowrap tabular">{formatDateTime(r.startedAt)}</td>
                  <td>{r.sourceLabel !== r.source ? <>{r.sourceLabel} <code>{r.source}</code></> : <code>{r.source}</code>}</td>
                  <td className="mono small">{r.fileName}</td>
                  <td>
                    <span className={`badge ${r.status === 'completed' ? 'badge-ok' : r.status === 'failed' || r.status === 'interrupted' ? 'badge-warn' : ''}`} title={r.status === 'interrupted' ? T.interruptedHint : r.error ?? undefined} data-testid="run-status" data-status={r.status}>{statusLabel[r.status]}</span>
                  </td>
                  {(['read', 'new', 'updated', 'unchanged', 'rejected', 'flagged'] as const).map((k) => (
                    <td key={k} className="num tabular">{(r.counts[k] ?? 0).toLocaleString('ja-JP')}</td>
                  ))}
                  <td className="small">{r.startedBy ?? ''}</td>
                  <td className="nowrap">{r.reportAvailable && <a href={importApi.reportUrl(r.id)} download className="small">{T.report}</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
