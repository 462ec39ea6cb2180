/** 取り込み履歴: the past runs under the wizard, with their counts and per-row reports. */
import { importApi, type ImportRun } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { ErrorBanner } from '../../components/ui.tsx';

const COUNT_COLUMNS: ReadonlyArray<[string, MessageKey]> = [
  ['read', 'import.read'], ['new', 'import.new'], ['updated', 'import.updated'], ['unchanged', 'import.unchanged'],
  ['rejected', 'import.rejected'], ['flagged', 'import.flagged'],
];

const STATUS_BADGE: Record<ImportRun['status'], string> = { running: 'badge', completed: 'badge badge-ok', failed: 'badge badge-warn', interrupted: 'badge badge-warn' };

export function RunsTable({ runs, error }: { runs: ImportRun[] | null; error: unknown }) {
  const { t } = useI18n();
  const columns: Array<Column<ImportRun>> = [
    { key: 'started', header: t('import.started'), cellClassName: 'nowrap tabular', cell: (r) => formatDateTime(r.startedAt) },
    { key: 'source', header: t('import.sourceCol'), cell: (r) => (r.sourceLabel !== r.source ? <>{r.sourceLabel} <code>{r.source}</code></> : <code>{r.source}</code>) },
    { key: 'file', header: t('import.file'), cellClassName: 'mono small', cell: (r) => r.fileName },
    {
      key: 'status',
      header: t('import.status'),
      cell: (r) => (
        <span className={STATUS_BADGE[r.status]} title={r.status === 'interrupted' ? t('import.interruptedHint') : r.error ?? undefined} data-testid="run-status" data-status={r.status}>
          {t(`import.status.${r.status}`)}
        </span>
      ),
    },
    ...COUNT_COLUMNS.map(([k, label]): Column<ImportRun> => ({
      key: k, header: t(label), className: 'num', cellClassName: 'tabular', cell: (r) => (r.counts[k] ?? 0).toLocaleString('ja-JP'),
    })),
    { key: 'by', header: t('import.by'), cellClassName: 'small', cell: (r) => r.startedBy ?? '' },
    {
      key: 'report',
      header: null,
      cellClassName: 'nowrap',
      cell: (r) => r.reportAvailable && <a href={importApi.reportUrl(r.id)} download className="small">{t('import.report')}</a>,
    },
  ];
  return (
    <section className="card" data-testid="import-runs">
      <div className="card-header"><h2>{t('import.runs')}</h2></div>
      <ErrorBanner error={error} />
      {runs && runs.length === 0 && <div className="muted">{t('import.noRuns')}</div>}
      {runs && runs.length > 0 && <DataTable rows={runs} rowKey={(r) => r.id} rowTestId="import-run-row" columns={columns} />}
    </section>
  );
}
