/**
 * ジョブ: the background jobs (src/platform/jobs) for administrators: the dead-letter list (停止), those waiting for a
 * retry (再試行待ち), running, queued and done (kept 7 days, with what each did), each with its kind, attempts, last
 * error and times; 再実行 queues a dead or failed one again (jobs:manage, audited).
 */
import { useState } from 'react';
import { jobsApi, type JobListStatus } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useRowAction } from '../row-action.ts';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../components/ui.tsx';

const STATUSES: JobListStatus[] = ['dead', 'failed', 'running', 'queued', 'done'];
const KIND_LABELS = {
  'quality.pass': 'jobs.kind.quality.pass', 'backup.scheduled': 'jobs.kind.backup.scheduled',
  'segment.refresh': 'jobs.kind.segment.refresh', 'privacy.disclosure': 'jobs.kind.privacy.disclosure',
  'campaign.prepare': 'jobs.kind.campaign.prepare', 'campaign.send': 'jobs.kind.campaign.send',
  'import.run': 'jobs.kind.import.run', 'retention.delete': 'jobs.kind.retention.delete',
  'values.recompute': 'jobs.kind.values.recompute', 'recommend.run': 'jobs.kind.recommend.run', 'source.recompute': 'jobs.kind.source.recompute',
} as const;
const PHASE_LABELS = {
  values: 'jobs.phase.values', facts: 'jobs.phase.facts', record_rollups: 'jobs.phase.record_rollups', model: 'jobs.phase.model', candidates: 'jobs.phase.candidates',
} as const;
const phaseLabel = (phase: unknown) => (typeof phase === 'string' && phase in PHASE_LABELS ? PHASE_LABELS[phase as keyof typeof PHASE_LABELS] : null);

const count = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('ja-JP') : '0');
const kindLabel = (kind: string) => (kind in KIND_LABELS ? KIND_LABELS[kind as keyof typeof KIND_LABELS] : null);

export function JobsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<JobListStatus>('dead');
  const { data, error, loading, reload } = useLoad(() => jobsApi.list(status), [status]);
  const retry = useRowAction(jobsApi.retry, reload);
  return (
    <div className="page" data-testid="jobs-page">
      <PageHeader title={t('jobs.title')} sub={t('jobs.lead')} />
      <ErrorBanner error={error ?? retry.error} />
      <div className="toolbar" role="tablist">
        {STATUSES.map((s) => (
          <Button key={s} small {...(s === status ? { primary: true } : {})} onClick={() => setStatus(s)} data-testid={`jobs-tab-${s}`}>
            {t(`jobs.status.${s}`)}{s === 'done' ? null : ` (${data?.counts[s] ?? '…'})`}
          </Button>
        ))}
      </div>
      <DataTable
        testId="jobs-table"
        rows={data?.items}
        loading={loading}
        rowKey={(j) => j.id}
        rowProps={() => ({ 'data-testid': 'job-row' })}
        empty={t(`jobs.empty.${status}`)}
        columns={[
          { key: 'kind', header: t('jobs.kind'), cell: (j) => { const label = kindLabel(j.kind); return <span className="strong">{label ? t(label) : j.kind}<div className="muted small">{j.kind}</div></span>; } },
          { key: 'progress', header: t('jobs.progress'), cellClassName: 'small', cell: (j) => {
            // What a long job has done so far (a dead one: before it stopped); the result once it is done.
            const r = j.status === 'done' ? j.result : null;
            if (r) {
              if (r.upToDate === true) return <span data-testid="job-result">{t('jobs.result.upToDate')}</span>;
              if (j.kind === 'values.recompute') return <span data-testid="job-result">{t('jobs.result.values', { buyers: count(r.buyers), asOf: String(r.asOf) })}</span>;
              if (j.kind === 'recommend.run') return <span data-testid="job-result">{t('jobs.result.recommend', { buyers: count(r.buyers), run: String(r.runId) })}</span>;
              if (j.kind === 'source.recompute') return <span data-testid="job-result">{t('jobs.result.source', { done: count(r.done), total: count(r.total) })}</span>;
              if (j.kind === 'backup.scheduled') return <span data-testid="job-result">{t('jobs.result.backup', { file: String(r.file), bytes: count(r.bytes) })}</span>;
            }
            const p = j.progress;
            if (!p) return '—';
            const phase = phaseLabel(p.phase);
            if (j.kind === 'values.recompute' && phase) return <span data-testid="job-progress">{t(phase)}</span>;
            if (j.kind === 'recommend.run' && phase) return <span data-testid="job-progress">{t('jobs.progress.recommend', { phase: t(phase), done: count(p.customersDone), total: count(p.customersTotal) })}</span>;
            if (j.kind === 'source.recompute') return <span data-testid="job-progress">{t('jobs.progress.source', { done: count(p.done), total: count(p.total) })}</span>;
            if (j.kind === 'import.run') return <span data-testid="job-progress">{t('jobs.progress.import', { rows: count(p.rows), resolved: count(p.resolved) })}</span>;
            if (j.kind === 'retention.delete') return <span data-testid="job-progress">{t('jobs.progress.retention', { records: count(p.records), batches: count(p.batches) })}</span>;
            return '—';
          } },
          { key: 'attempts', header: t('jobs.attempts'), cellClassName: 'nowrap tabular', cell: (j) => `${j.attempts} / ${j.maxAttempts}` },
          { key: 'error', header: t('jobs.lastError'), cell: (j) => (
            // A done job's error is an earlier attempt's, mended by the retry: said so, so it does not read as a failure.
            <span className="muted small" data-testid="job-error">{j.lastError === null ? '—' : j.status === 'done' ? t('jobs.earlierError', { error: j.lastError }) : j.lastError}</span>
          ) },
          { key: 'times', header: t('jobs.times'), cellClassName: 'nowrap small', cell: (j) => (
            <>
              <div>{t('jobs.createdAt')} {formatDateTime(j.createdAt)}</div>
              {j.status === 'failed' || j.status === 'queued' ? <div>{t('jobs.runAt')} {formatDateTime(j.runAt)}</div> : null}
              {j.status === 'running' ? <div>{t('jobs.lockedBy')} {j.lockedBy}</div> : null}
              {j.finishedAt ? <div>{t('jobs.finishedAt')} {formatDateTime(j.finishedAt)}</div> : null}
            </>
          ) },
          { key: 'retry', header: '', cell: (j) => (j.status === 'dead' || j.status === 'failed'
            ? <Button small onClick={() => void retry.run(j.id)} disabled={retry.busy === j.id} data-testid="job-retry">{t('jobs.retry')}</Button>
            : null) },
        ]}
      />
    </div>
  );
}
