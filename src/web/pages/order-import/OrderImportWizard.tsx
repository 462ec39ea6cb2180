/**
 * 注文の取り込み: the order wizard, the same steps as the customer import — upload a CSV/TSV/XLSX (Shift_JIS or UTF-8)
 * → what was detected and the first rows → the suggested mapping, editable → validate (every problem row with its
 * line and reason, nothing written) → run → counts and every rejected row. For profiles kept as JSON, 「詳細設定」
 * still takes one as text.
 */
import type { FormEvent } from 'react';
import { commerceApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { PreviewStep } from '../import/PreviewStep.tsx';
import { UploadStep } from '../import/UploadStep.tsx';
import { DEFAULT_ORDER_PROFILE, OrderImportPanel } from '../OrderImportPanel.tsx';
import { OrderMappingStep } from './OrderMappingStep.tsx';
import { OrderRunStep } from './OrderRunStep.tsx';
import { useOrderImportWizard } from './useOrderImportWizard.ts';

export function OrderImportWizard({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const wizard = useOrderImportWizard(onImported);
  const { upload, mapping, busy } = wizard.state;
  // Mapping and running are one form: Enter in a mapping field runs the import, as 「取り込む」 does.
  const submitRun = (event: FormEvent) => {
    event.preventDefault();
    if (wizard.missing.length === 0) void wizard.run();
  };
  return (
    <div data-testid="order-import-wizard">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <p className="muted small" style={{ margin: '0 0 8px' }}>{t('orderImport.lead')}</p>
        <Button variant="ghost" small onClick={onClose} data-testid="order-import-close">{t('orderImport.close')}</Button>
      </div>
      {!upload && <UploadStep wizard={wizard} />}
      {upload && mapping && (
        <>
          <PreviewStep upload={upload} mapping={mapping} busy={busy !== null} onHeaderRow={(n) => void wizard.setHeaderRow(n)} />
          <form onSubmit={submitRun} noValidate>
            <OrderMappingStep wizard={wizard} mapping={mapping} />
            <OrderRunStep wizard={wizard} />
          </form>
        </>
      )}
      <details className="card" data-testid="order-import-advanced">
        <summary className="small">{t('orderImport.advanced')}</summary>
        <OrderImportPanel title={t('orderImport.advancedTitle')} defaultProfile={DEFAULT_ORDER_PROFILE} run={commerceApi.importOrders} onDone={onImported} testId="order-import" />
      </details>
    </div>
  );
}
