/** データソース: the registry of where customer data comes from, with freshness; create for sources:write. */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Source, type SourceRecompute } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, FormField, Notice, PageHeader, useFieldErrors, useLoad } from '../components/ui.tsx';

const KINDS = ['file_import', 'form', 'api', 'tracker', 'integration'] as const;
const PARTIES = ['first', 'second', 'third'] as const;

export function SourcesPage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
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
        actions={can('sources:write') && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => { setCreating(true); setEditing(null); setCreated(null); setWarning(null); }} data-testid="source-new">{t('sources.new')}</button>
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
      <div className="table-wrap">
        <table className="table table-zebra" data-testid="sources-table">
          <thead>
            <tr>
              <th>{t('sources.label')}</th>
              <th>{t('sources.name')}</th>
              <th>{t('sources.kind')}</th>
              <th>{t('sources.party')}</th>
              <th>{t('sources.owningDepartment')}</th>
              <th className="num">{t('sources.priority')}</th>
              <th>{t('sources.recompute')}</th>
              <th className="num">{t('sources.recordCount')}</th>
              <th>{t('sources.lastReceived')}</th>
              <th>{t('sources.freshness')}</th>
              {can('sources:write') && <th />}
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((s) => (
              <tr key={s.id} data-testid="source-row" data-name={s.name}>
                <td>
                  <div className="strong">{s.name === 'manual' ? t('provenance.manual') : s.label}</div>
                  {s.description && <div className="muted small">{s.description}</div>}
                </td>
                <td><code>{s.name}</code></td>
                <td>{tOr(`kind.${s.kind}`, s.kind)}</td>
                <td><span className={`badge party-${s.party}`}>{tOr(`party.${s.party}`, s.party)}</span></td>
                <td>{s.owningDepartment}</td>
                <td className="num tabular">{s.priority}</td>
                <td data-testid="source-recompute">
                  {s.recompute && (
                    <RecomputeCell
                      recompute={s.recompute}
                      onRetry={can('sources:write') ? () => { void retry(s); } : null}
                      busy={retrying === s.id}
                    />
                  )}
                </td>
                <td className="num tabular">{s.recordCount.toLocaleString('ja-JP')}</td>
                <td className="nowrap tabular">{formatDateTime(s.lastReceivedAt) || <span className="muted">—</span>}</td>
                <td>
                  {s.freshnessSlaDays === null ? (
                    <span className="muted">{t('sources.noSla')}</span>
                  ) : s.stale ? (
                    <span className="badge badge-warn" data-testid="stale"><Icon name="warn" size={11} /> {t('sources.stale')}（{s.freshnessSlaDays}日）</span>
                  ) : (
                    <span className="badge badge-ok">{t('sources.fresh')}（{s.freshnessSlaDays}日）</span>
                  )}
                </td>
                {can('sources:write') && (
                  <td>
                    {s.name !== 'manual' && (
                      <button type="button" className="btn btn-small" onClick={() => { setEditing(s); setCreating(false); setCreated(null); setWarning(null); }} data-testid="source-edit">{t('common.edit')}</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
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
          <div><button type="button" className="btn btn-small" onClick={onRetry} disabled={busy} data-testid="recompute-retry">{t('sources.recomputeRetry')}</button></div>
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
  const [form, setForm] = useState(source
    ? {
      name: source.name, label: source.label, kind: source.kind, party: source.party as string, owningDepartment: source.owningDepartment ?? '',
      priority: String(source.priority), freshnessSlaDays: source.freshnessSlaDays === null ? '' : String(source.freshnessSlaDays), description: source.description ?? '',
    }
    : { name: '', label: '', kind: 'file_import', party: 'first', owningDepartment: '', priority: '100', freshnessSlaDays: '', description: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const errors = useFieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const priority = Number(form.priority);
      const sla = Number(form.freshnessSlaDays);
      const fields = {
        label: form.label.trim(),
        party: form.party,
        owningDepartment: form.owningDepartment.trim() || null,
        ...(form.priority.trim() && Number.isFinite(priority) ? { priority } : {}),
        freshnessSlaDays: form.freshnessSlaDays.trim() && Number.isFinite(sla) ? sla : null,
        description: form.description.trim() || null,
      };
      onDone(source
        ? await api.updateSource(source.id, fields)
        : await api.createSource({ ...fields, name: form.name.trim(), kind: form.kind }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid={source ? 'source-edit-form' : 'source-create'}>
      <div className="card-header"><h2>{source ? t('sources.editTitle', { label: source.label }) : t('sources.createTitle')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('sources.label')} name="label" required error={errors.label}>
            <input id="input-label" value={form.label} onChange={set('label')} placeholder="名刺管理" />
          </FormField>
          <FormField label={t('sources.name')} name="name" required error={errors.name} hint={t('sources.nameHint')}>
            <input id="input-name" className="mono" value={form.name} onChange={set('name')} placeholder="meishi" autoComplete="off" spellCheck={false} disabled={source !== undefined} />
          </FormField>
          <FormField label={t('sources.kind')} name="kind" required error={errors.kind}>
            <select id="input-kind" value={form.kind} onChange={set('kind')} disabled={source !== undefined}>
              {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
            </select>
          </FormField>
          <FormField label={t('sources.party')} name="party" required error={errors.party}>
            <select id="input-party" value={form.party} onChange={set('party')}>
              {PARTIES.map((p) => <option key={p} value={p}>{t(`party.${p}`)}</option>)}
            </select>
          </FormField>
          <FormField label={t('sources.owningDepartment')} name="owningDepartment" error={errors.owningDepartment}>
            <input id="input-owningDepartment" value={form.owningDepartment} onChange={set('owningDepartment')} placeholder="営業部" />
          </FormField>
          <FormField label={t('sources.priority')} name="priority" error={errors.priority} hint={source ? `${t('sources.priorityHint')} ${t('sources.priorityRecompute')}` : t('sources.priorityHint')}>
            <input id="input-priority" type="number" min={1} max={10000} value={form.priority} onChange={set('priority')} />
          </FormField>
          <FormField label={t('sources.sla')} name="freshnessSlaDays" error={errors.freshnessSlaDays}>
            <input id="input-freshnessSlaDays" type="number" min={1} max={3650} value={form.freshnessSlaDays} onChange={set('freshnessSlaDays')} />
          </FormField>
          <FormField label={t('sources.description')} name="description" error={errors.description} wide>
            <input id="input-description" value={form.description} onChange={set('description')} />
          </FormField>
        </div>
        <div className="form-actions">
          {source
            ? <button type="submit" className="btn btn-primary" disabled={busy} data-testid="source-edit-submit">{busy ? t('common.saving') : t('common.save')}</button>
            : <button type="submit" className="btn btn-primary" disabled={busy} data-testid="source-create-submit">{busy ? t('common.creating') : t('common.create')}</button>}
          <button type="button" className="btn" onClick={() => onDone(null)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
