/**
 * The validation part of step 4: while the whole file is read (progress, 「検証を中止」), a stopped validation, and
 * the report — counts, flagged values by field, the first problem rows — dimmed once the mapping has changed.
 */
import type { ImportValidation } from '../../api.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Icon } from '../../components/Icon.tsx';
import { sortRows } from '../../components/list-state.ts';
import { Notice } from '../../components/ui.tsx';
import { CountCards, type Count } from './CountCards.tsx';
import { ValidationFrame } from './ValidationFrame.tsx';
import type { ImportWizard } from './useImportWizard.ts';

/** The figures of a validation, in the order the cards show them. */
const VALIDATION_COUNTS: ReadonlyArray<['read' | 'rejected' | 'flagged' | 'new' | 'updated' | 'unchanged' | 'duplicateIds' | 'blankIds', MessageKey]> = [
  ['read', 'import.read'], ['rejected', 'import.rejected'], ['flagged', 'import.flagged'], ['new', 'import.new'],
  ['updated', 'import.updated'], ['unchanged', 'import.unchanged'], ['duplicateIds', 'import.duplicateIds'], ['blankIds', 'import.blankIds'],
];

export function ValidateStep({ wizard }: { wizard: ImportWizard }) {
  const { t } = useI18n();
  const { busy, validating, validation, validationStopped, summary } = wizard.state;
  return (
    <>
      {busy === 'validate' && (
        <div className="alert alert-info" role="status" data-testid="import-validating">
          <div>{t('import.validating')}</div>
          {validating && validating.progress.totalBytes > 0
            ? <progress style={{ width: '100%', marginTop: 8 }} max={validating.progress.totalBytes} value={validating.progress.bytesRead} aria-label={t('import.validating')} data-testid="import-validating-progress" />
            : <progress style={{ width: '100%', marginTop: 8 }} aria-label={t('import.validating')} data-testid="import-validating-progress" />}
          {validating && validating.progress.rows > 0 && <div className="small muted">{t('import.rowsRead', { n: validating.progress.rows.toLocaleString() })}</div>}
          <Button small style={{ marginTop: 8 }} onClick={wizard.stopValidation} disabled={!validating} data-testid="import-validate-stop">{t('import.stopValidation')}</Button>
        </div>
      )}
      {validationStopped && !validation && busy !== 'validate' && <div className="alert alert-warning" role="status" data-testid="import-validation-stopped">{t('import.validationStopped')}</div>}
      {validation && !summary && <ValidationReport validation={validation.report} stale={validation.stale} />}
    </>
  );
}

function ValidationReport({ validation: v, stale }: { validation: ImportValidation; stale: boolean }) {
  const { t, tOr } = useI18n();
  const fieldLabel = (key: string) => tOr(`import.fieldLabel.${key}`, key);
  const counts: Count[] = VALIDATION_COUNTS.map(([key, label]) => ({ key, label: t(label), n: v[key] }));
  const byField = sortRows(Object.entries(v.flaggedByField), ([, n]) => n, 'descending');
  return (
    <ValidationFrame testId="import-validation" staleTestId="validation-stale" stale={stale} title={t('import.validation')} lead={t('import.validationLead')}>
      <CountCards counts={counts} testId="validation-count" alert={['rejected', 'flagged']} style={{ margin: '0 0 8px' }} />
      {byField.length > 0 && (
        <p className="small" data-testid="validation-by-field">
          {t('import.byField')}: {byField.map(([field, n]) => `${fieldLabel(field)} ${n.toLocaleString('ja-JP')}`).join(' ／ ')}
        </p>
      )}
      {v.issues.length === 0 ? (
        <Notice testId="validation-ok"><Icon name="check" size={13} /> {t('import.validationOk')}</Notice>
      ) : (
        <>
          <div className="muted small" style={{ marginBottom: 4 }}>{t('import.issues')}{v.issuesTruncated && `: ${t('import.issuesFirst', { n: v.issues.length })}`}</div>
          <DataTable
            testId="validation-issues"
            className="table table-zebra small"
            wrapStyle={{ maxHeight: 320, overflow: 'auto' }}
            rows={v.issues}
            rowKey={(i, k) => `${i.line}-${k}`}
            rowProps={(i) => ({ 'data-testid': 'validation-issue', 'data-line': i.line, 'data-severity': i.severity, 'data-field': i.field ?? '' })}
            columns={[
              { key: 'line', header: t('import.line'), className: 'num', cellClassName: 'tabular', cell: (i) => i.line },
              {
                key: 'severity',
                header: t('import.severity'),
                cell: (i) => <span className={`badge ${i.severity === 'rejected' ? 'badge-warn' : ''}`}>{i.severity === 'rejected' ? t('import.severity.rejected') : t('import.severity.flagged')}</span>,
              },
              { key: 'field', header: t('import.field'), cell: (i) => (i.field ? fieldLabel(i.field) : '') },
              { key: 'reason', header: t('import.reason'), cell: (i) => tOr(`import.reason.${i.reason}`, i.reason) },
              { key: 'value', header: t('import.value'), cellClassName: 'mono', cell: (i) => i.value ?? '' },
            ]}
          />
        </>
      )}
    </ValidationFrame>
  );
}
