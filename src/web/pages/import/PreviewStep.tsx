/** Step 2 of the import wizard: what was detected in the file (format, encoding, delimiter) and its first rows. */
import type { ImportUpload } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Icon } from '../../components/Icon.tsx';

export function PreviewStep({ upload }: { upload: ImportUpload }) {
  const { t } = useI18n();
  const p = upload.preview;
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
      {p.warnings.map((w, i) => <div key={i} className="alert alert-warning small">{w}</div>)}
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
                <td className="num tabular muted">{r.line}</td>
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
