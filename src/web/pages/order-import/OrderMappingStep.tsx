/**
 * Step 3 of the order wizard: the source the order numbers belong to, the encoding, a channel for files without one,
 * and which column is the order number, the date, the buyer's key, the SKU, the quantity, the price… Each starts as
 * the server suggested (headers and values); a column whose values did not fit is named with the reason.
 */
import { useI18n, type MessageKey } from '../../i18n.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ColumnSelect, EncodingField } from '../import/MappingStep.tsx';
import type { OrderMapping } from './order-mapping.ts';
import type { OrderImportWizard } from './useOrderImportWizard.ts';

export function OrderMappingStep({ wizard, mapping }: { wizard: OrderImportWizard; mapping: OrderMapping }) {
  const { t, tOr } = useI18n();
  const { upload } = wizard.state;
  if (!upload) return null;
  const { headers } = upload.preview;
  const { targets, columns } = upload.suggestion;
  const set = (patch: Partial<OrderMapping>) => wizard.setMapping({ ...mapping, ...patch });
  const misfitsOf = (key: string) => columns.filter((c) => c.misfit && c.kind === key);
  return (
    <section className="card" data-testid="order-import-mapping">
      <div className="card-header"><h2>{t('orderImport.step3')}</h2></div>
      <p className="muted small">{t('orderImport.mappingLead')}</p>
      <div className="form-grid" style={{ marginBottom: 12 }}>
        <div className="form-field" data-testid="field-order-source">
          <label htmlFor="input-order-source"><span>{t('orderImport.source')}</span></label>
          <input id="input-order-source" className="mono" value={mapping.source} onChange={(e) => set({ source: e.target.value })} placeholder="ec" autoComplete="off" spellCheck={false} />
          <div className="hint">{t('orderImport.sourceHint', { name: `orders-${mapping.source.trim() || '…'}` })}</div>
        </div>
        <div className="form-field" data-testid="field-order-channel">
          <label htmlFor="input-order-channel"><span>{t('orderImport.channel')}</span></label>
          <input id="input-order-channel" value={mapping.channel} onChange={(e) => set({ channel: e.target.value })} placeholder="EC" autoComplete="off" />
          <div className="hint">{t('orderImport.channelHint')}</div>
        </div>
        {upload.preview.format !== 'xlsx' && (
          <EncodingField id="input-order-encoding" testId="field-order-encoding" detected={upload.preview.encoding} value={mapping.encoding} onChange={(encoding) => set({ encoding })} />
        )}
      </div>
      <DataTable
        testId="order-mapping-table"
        className="table"
        rows={targets}
        rowKey={(f) => f.key}
        rowProps={(f) => ({ 'data-testid': 'order-mapping-row', 'data-field': f.key })}
        columns={[
          {
            key: 'field',
            header: t('import.field'),
            cellClassName: 'nowrap',
            cell: (f) => (
              <>
                <div className="strong">{tOr(`orderImport.field.${f.key}`, f.key)}</div>
                <div className="muted small">
                  <span className="mono">{f.key}</span>
                  {f.required && <> · <span className="badge badge-warn" data-testid="order-mapping-required">{t(`orderImport.required.${f.required}` as MessageKey)}</span></>}
                </div>
              </>
            ),
          },
          {
            key: 'column',
            header: t('import.column'),
            cell: (f) => (
              <>
                <ColumnSelect headers={headers} value={mapping.columns[f.key] ?? ''} onChange={(v) => set({ columns: { ...mapping.columns, [f.key]: v } })} />
                {misfitsOf(f.key).map((c) => (
                  <div key={c.header} className="hint field-error small" data-testid="order-mapping-misfit">{t('import.misfit')}: {c.misfit!.message}</div>
                ))}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
