/** Step 1 of the import wizards (customers, orders): choose a CSV / TSV / XLSX file and upload it for a preview. */
import type { FormEvent } from 'react';
import { useI18n } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner } from '../../components/ui.tsx';

/** What the step needs of a wizard's hook (useImportWizard, useOrderImportWizard). */
export interface UploadingWizard {
  state: { file: File | null; busy: string | null; error: unknown };
  chooseFile: (file: File | null) => void;
  submitUpload: () => Promise<void>;
}

const ACCEPT = '.csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function UploadStep({ wizard }: { wizard: UploadingWizard }) {
  const { t } = useI18n();
  const { file, busy, error } = wizard.state;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void wizard.submitUpload();
  };
  return (
    <section className="card" data-testid="import-upload">
      <div className="card-header"><h2>{t('import.step1')}</h2></div>
      <form onSubmit={submit}>
        <ErrorBanner error={error} />
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
          <input
            id="input-file"
            type="file"
            accept={ACCEPT}
            aria-label={t('import.choose')}
            onChange={(e) => wizard.chooseFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
          <Button type="submit" variant="primary" disabled={!file || busy !== null} data-testid="import-upload-button">
            {busy === 'upload' ? t('import.uploading') : t('import.upload')}
          </Button>
        </div>
        {busy === 'upload' && <progress style={{ width: '100%', marginTop: 12 }} aria-label={t('import.uploading')} />}
      </form>
    </section>
  );
}
