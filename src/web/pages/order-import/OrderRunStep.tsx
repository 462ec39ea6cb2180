/**
 * Step 4 of the order wizard: validate (the whole file read and checked as the import would, nothing written: every
 * row it would not take, with its line and reason), run, and the result with its counts and every rejected row.
 * Whatever the server refuses (a column the file lacks, a profile problem, a source that cannot receive orders) is
 * shown with every reason it gave.
 */
import type { OrderImportSummary, OrderValidation } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ErrorBanner, Notice } from '../../components/ui.tsx';
import { CountCards, type Count } from '../import/CountCards.tsx';
import { ValidationFrame } from '../import/ValidationFrame.tsx';
import { RowProblemTable } from './RowProblemTable.tsx';
import type { OrderImportWizard } from './useOrderImportWizard.ts';

const VALIDATION_COUNTS: ReadonlyArray<['read' | 'orders' | 'newOrders' | 'existingOrders' | 'rejectedRows', MessageKey]> = [
  ['read', 'orderImport.count.read'], ['orders', 'orderImport.count.orders'], ['newOrders', 'orderImport.count.newOrders'],
  ['existingOrders', 'orderImport.count.existingOrders'], ['rejectedRows', 'orderImport.count.rejectedRows'],
];
const SUMMARY_COUNTS: ReadonlyArray<['read' | 'orders' | 'created' | 'updated' | 'unchanged' | 'rejectedRows', MessageKey]> = [
  ['read', 'orderImport.count.read'], ['orders', 'orderImport.count.orders'], ['created', 'orderImport.count.created'],
  ['updated', 'orderImport.count.updated'], ['unchanged', 'orderImport.count.unchanged'], ['rejectedRows', 'orderImport.count.rejectedRows'],
];

export function OrderRunStep({ wizard }: { wizard: OrderImportWizard }) {
  const { t, tOr } = useI18n();
  const { busy, error, validation, summary } = wizard.state;
  const validated = validation !== null && !validation.stale;
  const blocked = busy !== null || wizard.missing.length > 0;
  return (
    <section className="card" data-testid="order-import-step4">
      <div className="card-header"><h2>{t('orderImport.step4')}</h2></div>
      <ErrorBanner error={error} testId="order-import-error" />
      {wizard.missing.length > 0 && !summary && (
        <div className="alert alert-warning small" data-testid="order-import-missing">
          {t('orderImport.missing')}: {wizard.missing.map((k) => tOr(`orderImport.required.${k}`, tOr(`orderImport.field.${k}`, k))).join(' ／ ')}
        </div>
      )}
      {busy === 'validate' && <div className="alert alert-info" role="status">{t('orderImport.validating')}<progress style={{ width: '100%', marginTop: 8 }} /></div>}
      {busy === 'run' && <div className="alert alert-info" role="status" data-testid="order-import-running">{t('orderImport.running')}<progress style={{ width: '100%', marginTop: 8 }} /></div>}
      {validation && !summary && <ValidationReport report={validation.report} stale={validation.stale} />}
      {summary ? (
        <SummaryView summary={summary} onAgain={wizard.reset} />
      ) : (
        <div style={{ display: 'flex', gap: 8 }}>
          <Button variant={validated ? 'default' : 'primary'} disabled={blocked} onClick={() => void wizard.validate()} data-testid="order-import-validate">{t('orderImport.validate')}</Button>
          <Button type="submit" variant={validated ? 'primary' : 'default'} disabled={blocked} data-testid="order-import-run-button">{t('orderImport.run')}</Button>
          <Button variant="ghost" disabled={busy !== null} onClick={wizard.reset}>{t('import.again')}</Button>
        </div>
      )}
    </section>
  );
}

function ValidationReport({ report, stale }: { report: OrderValidation; stale: boolean }) {
  const { t } = useI18n();
  const counts: Count[] = VALIDATION_COUNTS.map(([key, label]) => ({ key, label: t(label), n: report[key] }));
  return (
    <ValidationFrame testId="order-import-validation" staleTestId="order-validation-stale" stale={stale} title={t('orderImport.validation')} lead={t('orderImport.validationLead')}>
      <CountCards counts={counts} testId="order-validation-count" alert={['rejectedRows']} style={{ margin: '0 0 8px' }} />
      {report.problems.length === 0
        ? <Notice testId="order-validation-ok"><Icon name="check" size={13} /> {t('orderImport.validationOk')}</Notice>
        : <RowProblemTable problems={report.problems} testId="order-validation-problems" caption={t('orderImport.problemsBefore')} />}
    </ValidationFrame>
  );
}

function SummaryView({ summary, onAgain }: { summary: OrderImportSummary; onAgain: () => void }) {
  const { t } = useI18n();
  const counts: Count[] = SUMMARY_COUNTS.map(([key, label]) => ({ key, label: t(label), n: summary[key] }));
  return (
    <div data-testid="order-import-summary">
      <Notice testId="order-import-done"><Icon name="check" size={13} /> {t('orderImport.done')}（orders-{summary.source} / {summary.file}）</Notice>
      <CountCards counts={counts} testId="order-summary-count" alert={['rejectedRows']} style={{ margin: '8px 0 12px' }} />
      {summary.problems.length > 0 && <RowProblemTable problems={summary.problems} testId="order-import-problems" caption={t('orderImport.problemsAfter')} />}
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', marginTop: 8 }}>
        <span className="muted small">{t('import.seconds')}: {summary.seconds.toFixed(1)} s</span>
        <Button variant="ghost" onClick={onAgain} data-testid="order-import-again">{t('import.again')}</Button>
      </div>
    </div>
  );
}
