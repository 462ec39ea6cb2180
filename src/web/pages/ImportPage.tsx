/**
 * 取り込み: the import wizard. Upload a CSV/TSV/XLSX → see what was detected (encoding, delimiter, headers, first
 * rows) → check the suggested mapping of columns to fields (and the id column and source code) → validate (the whole
 * file is read as an import would, nothing is written) → run → summary with the per-row report; past runs below.
 * The steps are in pages/import/, their state in useImportWizard.
 */
import type { FormEvent } from 'react';
import { useI18n } from '../i18n.ts';
import { PageHeader } from '../components/ui.tsx';
import { ExportMenu } from './ImportExportMenu.tsx';
import { MappingStep } from './import/MappingStep.tsx';
import { PreviewStep } from './import/PreviewStep.tsx';
import { RunStep } from './import/RunStep.tsx';
import { RunsTable } from './import/RunsTable.tsx';
import { UploadStep } from './import/UploadStep.tsx';
import { useImportWizard } from './import/useImportWizard.ts';

export function ImportPage() {
  const { t } = useI18n();
  const wizard = useImportWizard();
  const { upload, mapping } = wizard.state;
  // Mapping and running are one form: Enter in a mapping field runs the import, as 「取り込む」 does.
  const submitRun = (event: FormEvent) => {
    event.preventDefault();
    void wizard.run();
  };
  return (
    <div className="page" data-testid="import-page">
      <PageHeader title={t('import.title')} sub={t('import.lead')} actions={<ExportMenu showLinks />} />
      {!upload && <UploadStep wizard={wizard} />}
      {upload && mapping && (
        <>
          <PreviewStep upload={upload} mapping={mapping} busy={wizard.state.busy !== null} onHeaderRow={(n) => void wizard.setHeaderRow(n)} />
          <form onSubmit={submitRun} noValidate>
            <MappingStep wizard={wizard} mapping={mapping} />
            <RunStep wizard={wizard} />
          </form>
        </>
      )}
      <RunsTable runs={wizard.runs.data?.items ?? null} error={wizard.runs.error} />
    </div>
  );
}
