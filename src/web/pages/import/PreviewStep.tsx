/**
 * Step 2 of the import wizards (customers, orders): what was detected in the file (format, encoding, delimiter, the header line) and its
 * first rows. The header line can be changed (a number, or 「見出しにする」 on a row): the preview is read again.
 */
import { useEffect, useState } from 'react';
import type { ImportUpload } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';

export function PreviewStep({ upload, mapping, busy, onHeaderRow }: {
  upload: ImportUpload;
  /** The mapping's header line (customers' or orders'): null when it is the first. */
  mapping: { headerRow: number | null };
  busy: boolean;
  onHeaderRow: (line: number | null) => void;
}) {
  const { t } = useI18n();
  const p = upload.preview;
  const [line, setLine] = useState(String(p.headerLine ?? 1));
  useEffect(() => setLine(String(p.headerLine ?? 1)), [p.headerLine]);
  const asked = Number(line);
  const canApply = Number.isInteger(asked) && asked >= 1 && asked <= 1000 && asked !== p.headerLine;
  const delimiter = p.delimiter === '\t' ? 'TAB' : p.delimiter === ',' ? ', (comma)' : p.delimiter ?? '—';
  return (
    <section className="card" data-testid="import-preview">
      <div className="card-header">
        <h2>{t('import.step2')}: <span className="mono">{upload.fileName}</span></h2>
        <span className="muted small">{(upload.size / 1024).toLocaleString('ja-JP', { maximumFractionDigits: 1 })} KB</span>
      </div>
      <p className="small">
        {t('import.detected')}: {t('import.format')} <span className="badge" data-testid="preview-format">{p.format.toUpperCase()}</span>{' '}
        {p.encoding && <>{t('import.encoding')} <span className="badge" data-testid="preview-encoding">{p.encoding === 'cp932' ? 'Shift_JIS (CP932)' : p.encoding.toUpperCase()}</span>{' '}</>}
        {p.format !== 'xlsx' && <>{t('import.delimiter')} <span className="badge" data-testid="preview-delimiter">{delimiter}</span></>}
      </p>
      <div className="form-field" data-testid="field-headerRow" style={{ marginBottom: 8 }}>
        <label htmlFor="input-headerRow"><span>{t('import.headerRow')}</span></label>
        <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
          <input id="input-headerRow" type="number" min={1} max={1000} style={{ width: 90 }} value={line} onChange={(e) => setLine(e.target.value)} data-testid="header-row-input" />
          <span className="small">{t('import.headerRowUnit')}</span>
          <Button small disabled={busy || !canApply} onClick={() => onHeaderRow(asked)} data-testid="header-row-apply">{t('import.headerRowApply')}</Button>
          {mapping.headerRow !== null && p.headerReason === null && (
            <Button variant="ghost" small disabled={busy} onClick={() => onHeaderRow(null)} data-testid="header-row-detect">{t('import.headerRowDetect')}</Button>
          )}
        </span>
        <div className="hint" data-testid="header-row-reason">{p.headerReason ?? t('import.headerRowChosen', { n: p.headerLine ?? 1 })}</div>
      </div>
      {/* The reader's note on the header row ("8行目を見出しとしました: …") repeats the reason shown under 見出し行. */}
      {p.warnings.filter((w) => !(p.headerReason && w.endsWith(p.headerReason))).map((w, i) => <div key={i} className="alert alert-warning small">{w}</div>)}
      <div className="muted small" style={{ marginBottom: 6 }}>{t('import.rowsShown', { n: p.rows.length })} {p.more && t('import.more')}</div>
      {/* The file's own columns: a raw grid, not a list of records, so no DataTable. */}
      <div className="table-wrap" style={{ maxHeight: 360, overflow: 'auto' }}>
        <table className="table table-zebra small" data-testid="preview-table">
          <thead>
            <tr>
              <th className="num">{t('import.line')}</th>
              {p.headers.map((h) => <th key={h} className="nowrap">{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.line} data-testid="preview-row">
                <td className="num tabular muted nowrap">
                  {r.line}
                  <Button variant="ghost" small disabled={busy} title={t('import.headerRowPick')} aria-label={t('import.headerRowPick')} onClick={() => onHeaderRow(r.line)} data-testid="header-row-pick">↑</Button>
                </td>
                {r.error !== undefined ? (
                  <td colSpan={p.headers.length} className="field-error"><Icon name="warn" size={12} /> {t('import.badRow')}: {r.error}</td>
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
