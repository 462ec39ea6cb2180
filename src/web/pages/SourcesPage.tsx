/** データソース: the registry of where customer data comes from, with freshness; create for sources:write. */
import { useEffect, useState } from 'react';
import { api, type Source, type SourceRecompute } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
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
  // A recompute runs in the background: while one does, the list is read again each second for its progress.
  const running = (data?.items ?? []).some((s) => s.recompute?.status === 'running');
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => { void reload(); }, 1000);
    return () => clearInterval(timer);
  }, [running, reload]);
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
      emailBasis: source.emailBasis as string,
    }
    : { name: '', label: '', kind: 'file_import', party: 'first', owningDepartment: '', priority: '100', freshnessSlaDays: '', description: '', emailBasis: 'none' });
  const { values, set, errors } = form;
  const save = async (v: typeof values) => {
    const priority = Number(v.priority);
    const sla = Number(v.freshnessSlaDays);
    const fields = {
      label: v.label.trim(),
      party: v.party,
      owningDepartment: textOrNull(v.owningDepartment),
      ...(v.priority.trim() && Number.isFinite(priority) ? { priority } : {}),
      freshnessSlaDays: v.freshnessSlaDays.trim() && Number.isFinite(sla) ? sla : null,
      description: textOrNull(v.description),
      emailBasis: v.emailBasis as EmailBasis,
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
      <FormField label={t('sources.description')} name="description" error={errors.description} wide>
        <input id="input-description" value={values.description} onChange={set('description')} />
      </FormField>
    </FormPanel>
  );
}
