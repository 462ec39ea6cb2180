/**
 * Step 4 of the import wizard: validate (the whole file read as an import would, nothing written), run the import
 * with its progress, and its result with the per-row report. Validating first is the expected path; running straight
 * away stays possible (it checks the same).
 */
import { ApiError, importApi, type ImportJob, type ImportSummary } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { Button, LinkButton } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ErrorBanner, Notice } from '../../components/ui.tsx';
import { CountCards, type Count } from './CountCards.tsx';
import type { ImportWizard } from './useImportWizard.ts';
import { ValidateStep } from './ValidateStep.tsx';

export function RunStep({ wizard }: { wizard: ImportWizard }) {
  const { t } = useI18n();
  const { busy, error, summary, progress, validation, mapping } = wizard.state;
  const validated = validation !== null && !validation.stale;
  const noSource = !mapping?.source.trim();
  return (
    <section className="card" data-testid="import-run">
      <div className="card-header"><h2>{t('import.step4')}</h2></div>
      {!summary && <ErrorBanner error={error} />}
      {!summary && <ProblemList error={error} />}
      {busy === 'run' && <RunProgress progress={progress} />}
      <ValidateStep wizard={wizard} />
      {summary ? (
        <SummaryView summary={summary} onAgain={wizard.reset} />
      ) : (
        <div style={{ display: 'flex', gap: 8 }}>
          <Button variant={validated ? 'default' : 'primary'} disabled={busy !== null || noSource} onClick={() => void wizard.validate()} data-testid="import-validate-button">{t('import.validate')}</Button>
          <Button type="submit" variant={validated ? 'primary' : 'default'} disabled={busy !== null || noSource} data-testid="import-run-button">{t('import.run')}</Button>
          <Button variant="ghost" disabled={busy !== null} onClick={wizard.reset}>{t('import.again')}</Button>
        </div>
      )}
    </section>
  );
}

function RunProgress({ progress }: { progress: ImportJob['progress'] | null }) {
  const { t } = useI18n();
  const resolving = progress?.phase === 'resolving';
  return (
    <div className="alert alert-info" role="status" data-testid="import-running">
      <div>{resolving ? t('import.resolving') : t('import.running')}</div>
      {progress && progress.phase === 'reading' && progress.totalBytes > 0
        ? <progress style={{ width: '100%', marginTop: 8 }} max={progress.totalBytes} value={progress.bytesRead} aria-label={t('import.running')} data-testid="import-progress" />
        : progress && resolving && progress.pending > 0
          ? <progress style={{ width: '100%', marginTop: 8 }} max={progress.pending} value={progress.resolved} aria-label={t('import.resolving')} data-testid="import-progress" />
          : <progress style={{ width: '100%', marginTop: 8 }} aria-label={t('import.running')} data-testid="import-progress" />}
      {progress && resolving && progress.pending > 0 && (
        <div className="small muted">{t('import.resolved', { n: progress.resolved.toLocaleString(), m: progress.pending.toLocaleString() })}</div>
      )}
      {progress && progress.rows > 0 && <div className="small muted" data-testid="import-progress-rows">{t('import.rowsRead', { n: progress.rows.toLocaleString() })}</div>}
    </div>
  );
}

/** The profile's problems the API named by field (「設定に問題があります」). */
function ProblemList({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return null;
  return (
    <div className="alert alert-error" data-testid="import-problems">
      <div className="strong">{t('import.problems')}</div>
      <ul style={{ margin: '4px 0 0 18px' }}>
        {error.fieldErrors.map((e, i) => <li key={i}><code>{e.field.replace(/^profile\.?/u, '') || 'profile'}</code>: {e.message}</li>)}
      </ul>
    </div>
  );
}

/** The figures of a finished run, in the order the cards show them; 名寄せ保留 only when some were set aside. */
const SUMMARY_COUNTS: ReadonlyArray<['read' | 'new' | 'updated' | 'unchanged' | 'rejected' | 'flagged' | 'merged' | 'review' | 'customersCreated', MessageKey]> = [
  ['read', 'import.read'], ['new', 'import.new'], ['updated', 'import.updated'], ['unchanged', 'import.unchanged'],
  ['rejected', 'import.rejected'], ['flagged', 'import.flagged'], ['merged', 'import.merged'], ['review', 'import.review'],
  ['customersCreated', 'import.customersCreated'],
];

function SummaryView({ summary, onAgain }: { summary: ImportSummary; onAgain: () => void }) {
  const { t } = useI18n();
  const counts: Count[] = [
    ...SUMMARY_COUNTS.map(([key, label]) => ({ key, label: t(label), n: summary[key] })),
    ...(summary.quarantined > 0 ? [{ key: 'quarantined', label: t('import.quarantined'), n: summary.quarantined }] : []),
  ];
  return (
    <div data-testid="import-summary">
      <Notice testId="import-done"><Icon name="check" size={13} /> {t('import.done')}（{summary.source} / {summary.file}）</Notice>
      <CountCards counts={counts} testId="summary-count" style={{ margin: '8px 0 12px' }} />
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <LinkButton href={importApi.reportUrl(summary.runId)} download data-testid="import-report-link">{t('import.report')}</LinkButton>
        <span className="muted small">{t('import.seconds')}: {summary.seconds.toFixed(1)} s</span>
        <Button variant="ghost" onClick={onAgain}>{t('import.again')}</Button>
      </div>
    </div>
  );
}
