/** データソース: the registry of where customer data comes from, with freshness; create for sources:write. */
import { useState } from 'react';
import { api, qualityApi, type RetentionJobBody, type RetentionPlanBody, type Source, type SourceRecompute } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.ts';
import { useI18n } from '../i18n.ts';
import { usePolling } from '../polling.ts';
import { sourceTexts } from '../system-labels.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { textOrNull } from '../components/form-values.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { ErrorBanner, FormField, Notice, PageHeader, useLoad } from '../components/ui.tsx';

const KINDS = ['file_import', 'form', 'api', 'tracker', 'integration'] as const;
const PARTIES = ['first', 'second', 'third'] as const;
/** The lawful bases for marketing e-mail a source can give its records (特定電子メール法; migration 0024). */
const EMAIL_BASES = ['opt_in_per_record', 'business_card', 'business_relationship', 'published_for_business', 'none'] as const;
type EmailBasis = (typeof EMAIL_BASES)[number];

export function SourcesPage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const writable = can('sources:write');
  const { data, error, reload } = useLoad(() => api.listSources(), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Source | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  const [inspecting, setInspecting] = useState<Source | null>(null);
  // A recompute runs in the background: while one does, the list is read again each second for its progress.
  const running = (data?.items ?? []).some((s) => s.recompute?.status === 'running');
  usePolling(reload, 1000, running);
  const retry = async (source: Source) => {
    setRetrying(source.id);
    setRetryError(null);
    try {
      await api.retrySourceRecompute(source.id);
    } catch (err) {
      setRetryError(err);
    } finally {
      setRetrying(null);
      void reload();
    }
  };
  return (
    <div className="page" data-testid="sources-page">
      <PageHeader
        title={t('sources.title')}
        sub={t('sources.lead')}
        actions={writable && !creating && (
          <Button variant="primary" onClick={() => { setCreating(true); setEditing(null); setCreated(null); setWarning(null); }} data-testid="source-new">{t('sources.new')}</Button>
        )}
      />
      {created && <Notice testId="notice"><Icon name="check" size={13} /> {created}</Notice>}
      {warning && <div className="alert alert-warning" role="alert" data-testid="recompute-warning"><Icon name="warn" size={13} /> {warning}</div>}
      <ErrorBanner error={retryError} />
      {creating && (
        <SourceForm
          onDone={(source) => {
            setCreating(false);
            if (source) {
              setCreated(source.label);
              void reload();
            }
          }}
        />
      )}
      {editing && (
        <SourceForm
          key={editing.id}
          source={editing}
          onDone={(source) => {
            const previous = editing.recompute?.startedAt;
            setEditing(null);
            if (source) {
              // A recompute that began with this save: done already (a small source), under way, or stopped.
              const r = source.recompute && source.recompute.startedAt !== previous ? source.recompute : null;
              const n = (v: number) => v.toLocaleString('ja-JP');
              if (r?.status === 'failed') {
                setCreated(null);
                setWarning(t('sources.recomputeFailedNotice', { label: source.label, error: r.error ?? '' }));
              } else {
                setWarning(null);
                setCreated(r?.status === 'completed' ? t('sources.recomputed', { label: source.label, n: n(r.done) })
                  : r?.status === 'running' ? t('sources.recomputeStarted', { label: source.label, total: n(r.total) })
                    : t('sources.updated', { label: source.label }));
              }
              void reload();
            }
          }}
        />
      )}
      <ErrorBanner error={error} />
      {inspecting && <SourceQualityPanel key={inspecting.id} source={inspecting} onClose={() => setInspecting(null)} />}
      <DataTable
        testId="sources-table"
        rows={data?.items}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-testid': 'source-row', 'data-name': s.name })}
        columns={[
          {
            key: 'label',
            header: t('sources.label'),
            cell: (s) => <>
              <div className="strong">{sourceTexts(s, t).label}</div>
              {sourceTexts(s, t).description && <div className="muted small">{sourceTexts(s, t).description}</div>}
            </>,
          },
          { key: 'name', header: t('sources.name'), cell: (s) => <code>{s.name}</code> },
          { key: 'kind', header: t('sources.kind'), cell: (s) => tOr(`kind.${s.kind}`, s.kind) },
          { key: 'party', header: t('sources.party'), cell: (s) => <span className={`badge party-${s.party}`}>{tOr(`party.${s.party}`, s.party)}</span> },
          { key: 'owningDepartment', header: t('sources.owningDepartment'), cell: (s) => s.owningDepartment },
          {
            key: 'emailBasis',
            header: t('sources.emailBasis'),
            cellProps: { 'data-testid': 'source-email-basis' },
            cell: (s) => <span className={`badge ${s.emailBasis === 'none' ? 'badge-off' : 'badge-ok'}`} title={t(`sources.emailBasisHint.${s.emailBasis}`)}>{t(`sources.emailBasis.${s.emailBasis}`)}</span>,
          },
          { key: 'priority', header: t('sources.priority'), className: 'num', cellClassName: 'tabular', cell: (s) => s.priority },
          {
            key: 'recompute',
            header: t('sources.recompute'),
            cellProps: { 'data-testid': 'source-recompute' },
            cell: (s) => s.recompute && <RecomputeCell recompute={s.recompute} onRetry={writable ? () => { void retry(s); } : null} busy={retrying === s.id} />,
          },
          { key: 'recordCount', header: t('sources.recordCount'), className: 'num', cellClassName: 'tabular', cell: (s) => s.recordCount.toLocaleString('ja-JP') },
          { key: 'lastReceived', header: t('sources.lastReceived'), cellClassName: 'nowrap tabular', cell: (s) => formatDateTime(s.lastReceivedAt) || <span className="muted">—</span> },
          { key: 'freshness', header: t('sources.freshness'), cell: (s) => <Freshness source={s} /> },
          {
            key: 'quality',
            header: null,
            cell: (s) => <Button small onClick={() => setInspecting(s)} data-testid="source-quality">{t('sources.quality')}</Button>,
          },
          writable && {
            key: 'edit',
            header: null,
            cell: (s) => s.name !== 'manual' && (
              <Button small onClick={() => { setEditing(s); setCreating(false); setCreated(null); setWarning(null); }} data-testid="source-edit">{t('common.edit')}</Button>
            ),
          },
        ]}
      />
    </div>
  );
}

/** Whether the source sent data within its freshness SLA. */
function Freshness({ source: s }: { source: Source }) {
  const { t } = useI18n();
  if (s.freshnessSlaDays === null) return <span className="muted">{t('sources.noSla')}</span>;
  if (s.stale) return <span className="badge badge-warn" data-testid="stale"><Icon name="warn" size={11} /> {t('sources.stale')}（{s.freshnessSlaDays}日）</span>;
  return <span className="badge badge-ok">{t('sources.fresh')}（{s.freshnessSlaDays}日）</span>;
}

/** The latest recompute of a source's golden records: its progress, its outcome, or why it stopped (with a retry). */
function RecomputeCell({ recompute: r, onRetry, busy }: { recompute: SourceRecompute; onRetry: (() => void) | null; busy: boolean }) {
  const { t } = useI18n();
  const n = (v: number) => v.toLocaleString('ja-JP');
  if (r.status === 'running') {
    return (
      <div data-status="running">
        <progress max={Math.max(r.total, 1)} value={Math.min(r.done, r.total)} style={{ width: 120 }} aria-label={t('sources.recompute')} />
        <div className="muted small tabular">{t('sources.recomputeRunning', { done: n(r.done), total: n(r.total) })}</div>
      </div>
    );
  }
  if (r.status === 'failed') {
    return (
      <div data-status="failed">
        <span className="badge badge-warn" title={r.error ?? undefined}><Icon name="warn" size={11} /> {t('sources.recomputeFailed', { done: n(r.done), total: n(r.total) })}</span>
        {onRetry && (
          <div><Button small onClick={onRetry} disabled={busy} data-testid="recompute-retry">{t('sources.recomputeRetry')}</Button></div>
        )}
      </div>
    );
  }
  return (
    <div data-status="completed" className="muted small tabular" title={formatDateTime(r.finishedAt)}>
      {t('sources.recomputeDone', { n: n(r.done), from: r.priorityFrom, to: r.priorityTo })}
    </div>
  );
}

/** Registers a source, or edits `source` (its code name and kind stay; a new priority recomputes its customers). */
function SourceForm({ source, onDone }: { source?: Source; onDone: (source: Source | null) => void }) {
  const { t } = useI18n();
  const form = useFormValues(source
    ? {
      name: source.name, label: source.label, kind: source.kind, party: source.party as string, owningDepartment: source.owningDepartment ?? '',
      priority: String(source.priority), freshnessSlaDays: source.freshnessSlaDays === null ? '' : String(source.freshnessSlaDays), description: source.description ?? '',
      emailBasis: source.emailBasis as string, purposeOfUse: source.purposeOfUse ?? '', retentionDays: source.retentionDays === null ? '' : String(source.retentionDays),
    }
    : { name: '', label: '', kind: 'file_import', party: 'first', owningDepartment: '', priority: '100', freshnessSlaDays: '', description: '', emailBasis: 'none', purposeOfUse: '', retentionDays: '' });
  const { values, set, errors } = form;
  const save = async (v: typeof values) => {
    const priority = Number(v.priority);
    const sla = Number(v.freshnessSlaDays);
    const retention = Number(v.retentionDays);
    const fields = {
      label: v.label.trim(),
      party: v.party,
      owningDepartment: textOrNull(v.owningDepartment),
      ...(v.priority.trim() && Number.isFinite(priority) ? { priority } : {}),
      freshnessSlaDays: v.freshnessSlaDays.trim() && Number.isFinite(sla) ? sla : null,
      description: textOrNull(v.description),
      emailBasis: v.emailBasis as EmailBasis,
      purposeOfUse: textOrNull(v.purposeOfUse),
      retentionDays: v.retentionDays.trim() && Number.isFinite(retention) ? retention : null,
    };
    onDone(source
      ? await api.updateSource(source.id, fields)
      : await api.createSource({ ...fields, name: v.name.trim(), kind: v.kind }));
  };
  return (
    <FormPanel
      title={source ? t('sources.editTitle', { label: source.label }) : t('sources.createTitle')}
      testId={source ? 'source-edit-form' : 'source-create'}
      form={form}
      onSubmit={save}
      {...(source
        ? { submitLabel: t('common.save'), busyLabel: t('common.saving'), submitTestId: 'source-edit-submit' }
        : { submitTestId: 'source-create-submit' })}
      onCancel={() => onDone(null)}
    >
      <FormField label={t('sources.label')} name="label" required error={errors.label}>
        <input id="input-label" value={values.label} onChange={set('label')} placeholder="名刺管理" />
      </FormField>
      <FormField label={t('sources.name')} name="name" required error={errors.name} hint={t('sources.nameHint')}>
        <input id="input-name" className="mono" value={values.name} onChange={set('name')} placeholder="meishi" autoComplete="off" spellCheck={false} disabled={source !== undefined} />
      </FormField>
      <FormField label={t('sources.kind')} name="kind" required error={errors.kind}>
        <select id="input-kind" value={values.kind} onChange={set('kind')} disabled={source !== undefined}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
        </select>
      </FormField>
      <FormField label={t('sources.party')} name="party" required error={errors.party}>
        <select id="input-party" value={values.party} onChange={set('party')}>
          {PARTIES.map((p) => <option key={p} value={p}>{t(`party.${p}`)}</option>)}
        </select>
      </FormField>
      <FormField label={t('sources.owningDepartment')} name="owningDepartment" error={errors.owningDepartment}>
        <input id="input-owningDepartment" value={values.owningDepartment} onChange={set('owningDepartment')} placeholder="営業部" />
      </FormField>
      <FormField label={t('sources.priority')} name="priority" error={errors.priority} hint={source ? `${t('sources.priorityHint')} ${t('sources.priorityRecompute')}` : t('sources.priorityHint')}>
        <input id="input-priority" type="number" min={1} max={10000} value={values.priority} onChange={set('priority')} />
      </FormField>
      <FormField label={t('sources.sla')} name="freshnessSlaDays" error={errors.freshnessSlaDays}>
        <input id="input-freshnessSlaDays" type="number" min={1} max={3650} value={values.freshnessSlaDays} onChange={set('freshnessSlaDays')} />
      </FormField>
      <FormField label={t('sources.emailBasis')} name="emailBasis" error={errors.emailBasis} hint={t(`sources.emailBasisHint.${values.emailBasis as EmailBasis}`)} wide>
        <select id="input-emailBasis" value={values.emailBasis} onChange={set('emailBasis')} data-testid="source-email-basis-select">
          {EMAIL_BASES.map((b) => <option key={b} value={b}>{t(`sources.emailBasis.${b}`)}</option>)}
        </select>
      </FormField>
      <FormField label={t('sources.purposeOfUse')} name="purposeOfUse" error={errors.purposeOfUse} wide>
        <input id="input-purposeOfUse" value={values.purposeOfUse} onChange={set('purposeOfUse')} placeholder="営業活動・セミナー案内の送付" data-testid="source-purpose" />
      </FormField>
      <FormField label={t('sources.retentionDays')} name="retentionDays" error={errors.retentionDays} hint={t('sources.retentionHint')}>
        <input id="input-retentionDays" type="number" min={1} max={36500} value={values.retentionDays} onChange={set('retentionDays')} data-testid="source-retention" />
      </FormField>
      <FormField label={t('sources.description')} name="description" error={errors.description} wide>
        <input id="input-description" value={values.description} onChange={set('description')} />
      </FormField>
    </FormPanel>
  );
}

/** A source's data quality: its customers' average score, imports by month (rejected, flagged, merged), freshness
 * against its SLA, and the records past its retention period (listed, not deleted: the dry run). */
function SourceQualityPanel({ source, onClose }: { source: Source; onClose: () => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, reload } = useLoad(() => qualityApi.source(source.id), [source.id]);
  const n = (v: number) => v.toLocaleString('ja-JP');
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <section className="card" data-testid="source-quality-panel">
      <div className="card-header">
        <h2>{t('sourceQuality.title', { label: sourceTexts(source, t).label })}</h2>
        <Button small variant="link" onClick={onClose}>{t('common.close')}</Button>
      </div>
      <ErrorBanner error={error} />
      {data && (
        <>
          <dl className="source-quality-stats">
            <div><dt>{t('sourceQuality.records')}</dt><dd className="tabular">{n(data.records)}</dd></div>
            <div><dt>{t('sourceQuality.customers')}</dt><dd className="tabular">{n(data.customers)}</dd></div>
            <div><dt>{t('sourceQuality.averageScore')}</dt><dd className="tabular" data-testid="source-quality-score">{data.averageScore ?? '—'}</dd></div>
            <div><dt>{t('sourceQuality.withStale')}</dt><dd className="tabular">{n(data.customersWithStale)}</dd></div>
            <div><dt>{t('sourceQuality.rejectedShare')}</dt><dd className="tabular">{pct(data.rejectedShare)}</dd></div>
            <div><dt>{t('sourceQuality.invalidShare')}</dt><dd className="tabular">{pct(data.invalidShare)}</dd></div>
            <div><dt>{t('sourceQuality.duplicateShare')}</dt><dd className="tabular">{pct(data.duplicateShare)}</dd></div>
            <div>
              <dt>{t('sourceQuality.freshness')}</dt>
              <dd>{data.freshness.met === null ? <span className="badge badge-off">{t('sourceQuality.noSla')}</span>
                : data.freshness.met ? <span className="badge badge-ok">{t('sourceQuality.slaMet')}</span>
                  : <span className="badge badge-warn">{t('sourceQuality.slaMissed')}</span>}</dd>
            </div>
          </dl>
          <h3 className="quality-subtitle">{t('sourceQuality.imports')}</h3>
          <DataTable
            testId="source-quality-imports"
            rows={data.imports}
            rowKey={(m) => m.month}
            empty={t('sourceQuality.noImports')}
            columns={[
              { key: 'month', header: t('sourceQuality.month'), cellClassName: 'tabular', cell: (m) => m.month },
              { key: 'runs', header: t('sourceQuality.runs'), className: 'num', cellClassName: 'tabular', cell: (m) => n(m.runs) },
              { key: 'rows', header: t('sourceQuality.rows'), className: 'num', cellClassName: 'tabular', cell: (m) => n(m.rows) },
              { key: 'rejected', header: t('sourceQuality.rejected'), className: 'num', cellClassName: 'tabular', cell: (m) => n(m.rejected) },
              { key: 'flagged', header: t('sourceQuality.flagged'), className: 'num', cellClassName: 'tabular', cell: (m) => n(m.flagged) },
              { key: 'merged', header: t('sourceQuality.merged'), className: 'num', cellClassName: 'tabular', cell: (m) => n(m.merged) },
            ]}
          />
          <h3 className="quality-subtitle">{t('sourceQuality.retention')}</h3>
          {data.retention.days === null
            ? <p className="muted small">{t('sourceQuality.noRetention')}</p>
            : (
              <>
                <p data-testid="source-retention-overdue" data-count={data.retention.overdue}>
                  {data.retention.overdue > 0
                    ? <span className="badge badge-warn">{t('sourceQuality.overdue', { days: data.retention.days, n: n(data.retention.overdue) })}</span>
                    : t('sourceQuality.overdueNone', { days: data.retention.days })}
                </p>
                {can('sources:retention') && <RetentionDelete source={source} overdue={data.retention.overdue} onDeleted={reload} />}
                {data.retention.oldest.length > 0 && (
                  <>
                    <p className="muted small">{t('sourceQuality.dryRun')}</p>
                    <DataTable
                      testId="source-retention-oldest"
                      rows={data.retention.oldest}
                      rowKey={(r) => String(r.sourceRecordId)}
                      columns={[
                        { key: 'received', header: t('sourceQuality.receivedAt'), cellClassName: 'nowrap tabular', cell: (r) => formatDateTime(r.receivedAt) },
                        { key: 'external', header: t('sourceQuality.externalId'), cell: (r) => r.externalId ?? '—' },
                        { key: 'customer', header: t('sourceQuality.customer'), cell: (r) => (r.customerId ? <Link to={`/customers/${r.customerId}`} className="row-link">{t('sourceQuality.openCustomer')}</Link> : '—') },
                      ]}
                    />
                  </>
                )}
              </>
            )}
        </>
      )}
    </section>
  );
}

/**
 * 保存期間切れの削除 (sources:retention): the dry run first (records, customers removed because nothing else is left,
 * customers whose golden record is recomputed from their other records), then the delete, confirmed by typing the
 * source's name. The server queues it as a job that deletes in batches (each its own transaction) and records the
 * totals in the audit log once; the panel follows the job's totals until it is done.
 */
function RetentionDelete({ source, overdue, onDeleted }: { source: Source; overdue: number; onDeleted: () => Promise<unknown> | void }) {
  const { t } = useI18n();
  const [plan, setPlan] = useState<RetentionPlanBody | null>(null);
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const [job, setJob] = useState<RetentionJobBody | null>(null);
  const totals = job?.progress ?? null;
  const n = (v: number) => v.toLocaleString('ja-JP');
  const dryRun = async () => {
    setFailed(null);
    setJob(null);
    try {
      setPlan(await qualityApi.retentionPlan(source.id));
    } catch (error) {
      setFailed(error);
    }
  };
  const remove = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const result = await qualityApi.deletePastRetention(source.id, confirm);
      setPlan(null);
      setConfirm('');
      let current = result.job;
      setJob(current);
      // Batches commit one by one: follow the totals until the delete is done (or gave up: the ジョブ page retries it).
      while (current.status !== 'done' && current.status !== 'dead') {
        await new Promise((resolve) => setTimeout(resolve, 700));
        current = await qualityApi.retentionJob(source.id, current.id);
        setJob(current);
      }
      await onDeleted();
    } catch (error) {
      setFailed(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="retention-delete" data-testid="retention-delete">
      <ErrorBanner error={failed} />
      {job && job.status === 'done' && totals && (
        <Notice testId="retention-deleted">
          {t('retention.deleted', { records: n(totals.records), removed: n(totals.customersRemoved), recomputed: n(totals.customersRecomputed) })}
        </Notice>
      )}
      {job && job.status !== 'done' && job.status !== 'dead' && (
        <p className="muted" data-testid="retention-deleting">
          {t('retention.deleting', { records: n(totals?.records ?? 0), batches: n(totals?.batches ?? 0) })}
          {job.status === 'failed' && job.lastError ? ` ${t('retention.retrying', { error: job.lastError })}` : ''}
        </p>
      )}
      {job && job.status === 'dead' && (
        <p className="alert alert-error" data-testid="retention-dead">{t('retention.dead', { records: n(totals?.records ?? 0), error: job.lastError ?? '' })}</p>
      )}
      {/* Kept mounted after a delete (nothing is overdue then) so that its totals stay shown. */}
      {!plan && overdue > 0 && <Button small onClick={() => void dryRun()} data-testid="retention-dry-run">{t('retention.dryRun')}</Button>}
      {plan && (
        <>
          <dl className="source-quality-stats" data-testid="retention-plan">
            <div><dt>{t('retention.records')}</dt><dd className="tabular" data-testid="retention-plan-records">{n(plan.records)}</dd></div>
            <div><dt>{t('retention.customersRemoved')}</dt><dd className="tabular" data-testid="retention-plan-removed">{n(plan.customersRemoved)}</dd></div>
            <div><dt>{t('retention.customersRecomputed')}</dt><dd className="tabular" data-testid="retention-plan-recomputed">{n(plan.customersRecomputed)}</dd></div>
            <div><dt>{t('retention.unlinked')}</dt><dd className="tabular">{n(plan.unlinkedRecords)}</dd></div>
            <div><dt>{t('retention.cutoff')}</dt><dd className="tabular">{formatDateTime(plan.cutoff)}</dd></div>
          </dl>
          <p className="alert alert-error">{t('retention.warning')}</p>
          <div className="retention-confirm">
            <label>{t('retention.typeToConfirm', { name: plan.sourceName })}{' '}
              <input value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="retention-confirm" /></label>{' '}
            <Button variant="danger" disabled={busy || confirm.trim() !== plan.sourceName || plan.records === 0} onClick={() => void remove()} data-testid="retention-delete-button">
              {t('retention.delete', { n: n(plan.records) })}
            </Button>{' '}
            <Button variant="link" small onClick={() => { setPlan(null); setConfirm(''); }}>{t('common.cancel')}</Button>
          </div>
        </>
      )}
    </div>
  );
}
