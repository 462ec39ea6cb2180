/**
 * Step 3 of the import wizard: the source code name (with its saved profile, if any), the id column, the encoding,
 * and which file column(s) feed each field.
 */
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { addColumn, canAddColumn, IMPORT_FIELDS, mappingFromProfile, removeColumnAt, setColumnAt, withColumns, type Mapping } from './mapping.ts';
import type { ImportWizard } from './useImportWizard.ts';

/** A file column, or 「（なし）」 (also the order wizard's). */
export function ColumnSelect({ id, headers, value, onChange }: { id?: string; headers: string[]; value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="column-select">
      <option value="">{t('import.none')}</option>
      {headers.map((h) => <option key={h} value={h}>{h}</option>)}
    </select>
  );
}

/** 文字コードの指定: what was detected, or Shift_JIS / UTF-8 named (also the order wizard's). */
export function EncodingField({ id, testId, detected, value, onChange }: { id: string; testId: string; detected: string | null; value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="form-field" data-testid={testId}>
      <label htmlFor={id}><span>{t('import.encodingOverride')}</span></label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="auto">{t('import.auto')}（{detected ?? '—'}）</option>
        <option value="cp932">Shift_JIS (CP932)</option>
        <option value="utf-8">UTF-8</option>
      </select>
    </div>
  );
}

export function MappingStep({ wizard, mapping }: { wizard: ImportWizard; mapping: Mapping }) {
  const { t, tOr } = useI18n();
  const { upload } = wizard.state;
  const { savedProfile: saved, setMapping } = wizard;
  if (!upload) return null;
  const headers = upload.preview.headers;
  // Columns whose sample values do not fit the field their header names (timestamps under Company): said beside that
  // field, so an empty suggestion is explained.
  const misfitsOf = (field: string) => upload.preview.suggestion.columns.filter((c) => c.misfit && c.misfit.fit.field === field);
  /** A saved profile whose header is on another line: the preview is read there first, then the profile applied. */
  const applySaved = async () => {
    if (!saved) return;
    const wanted = saved.profile.header_row ?? null;
    const preview = wanted !== null && wanted !== upload.preview.headerLine ? await wizard.setHeaderRow(wanted) : upload.preview;
    if (preview) setMapping(mappingFromProfile(saved.profile, preview.headers));
  };
  return (
    <section className="card" data-testid="import-mapping">
      <div className="card-header"><h2>{t('import.step3')}</h2></div>
      <p className="muted small">{t('import.mappingLead')}</p>
      <div className="form-grid" style={{ marginBottom: 12 }}>
        <div className="form-field" data-testid="field-source">
          <label htmlFor="input-source"><span>{t('import.source')}</span></label>
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
            {wizard.profiles.map((p) => <option key={p.source} value={p.source}>{p.sourceLabel}</option>)}
          </datalist>
          <div className="hint">{t('import.sourceHint')}</div>
          {saved && (
            <Button small style={{ marginTop: 6 }} onClick={() => void applySaved()} data-testid="import-use-saved">
              {t('import.savedProfile')}（{formatDateTime(saved.updatedAt)}）
            </Button>
          )}
        </div>
        <div className="form-field" data-testid="field-idColumn">
          <label htmlFor="input-idColumn"><span>{t('import.idColumn')}</span></label>
          <ColumnSelect id="input-idColumn" headers={headers} value={mapping.idColumn} onChange={(v) => setMapping({ ...mapping, idColumn: v })} />
          <div className="hint">{t('import.idHint')}</div>
        </div>
        {upload.preview.format !== 'xlsx' && (
          <EncodingField id="input-encoding" testId="field-encoding" detected={upload.preview.encoding} value={mapping.encoding} onChange={(encoding) => setMapping({ ...mapping, encoding })} />
        )}
      </div>
      <DataTable
        testId="import-mapping-table"
        className="table"
        rows={IMPORT_FIELDS}
        rowKey={(f) => f.key}
        rowProps={(f) => ({ 'data-testid': 'mapping-row', 'data-field': f.key })}
        columns={[
          {
            key: 'field',
            header: t('import.field'),
            cellClassName: 'nowrap',
            cell: (f) => <><div className="strong">{tOr(`import.fieldLabel.${f.key}`, f.key)}</div><div className="muted small mono">{f.key}</div></>,
          },
          {
            key: 'column',
            header: t('import.column'),
            cell: (f) => {
              const cols = mapping.fields[f.key] ?? [];
              const setCols = (next: string[]) => setMapping(withColumns(mapping, f.key, next));
              const misfits = misfitsOf(f.key).map((c) => (
                <div key={c.header} className="hint field-error small" data-testid="mapping-misfit">{t('import.misfit')}: {c.misfit!.message}</div>
              ));
              if (!f.multi) return <><ColumnSelect headers={headers} value={cols[0] ?? ''} onChange={(v) => setCols(v ? [v] : [])} />{misfits}</>;
              return (<>
                <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', alignItems: 'center' }}>
                  {(cols.length ? cols : ['']).map((col, i) => (
                    <span key={i} style={{ display: 'inline-flex', gap: 4 }}>
                      <ColumnSelect headers={headers} value={col} onChange={(v) => setCols(setColumnAt(cols, i, v))} />
                      {cols.length > 1 && <Button variant="ghost" small aria-label={t('import.remove')} onClick={() => setCols(removeColumnAt(cols, i))}>×</Button>}
                    </span>
                  ))}
                  {canAddColumn(cols) && (
                    <Button variant="ghost" small onClick={() => setCols(addColumn(cols))} data-testid="mapping-add-column">{t('import.addColumn')}</Button>
                  )}
                </div>
                {misfits}
              </>);
            },
          },
        ]}
      />
    </section>
  );
}
