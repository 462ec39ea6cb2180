/**
 * 自動配信ルール: behaviour rules with their conditions in words, action, cool-down, last run and firing counts;
 * 有効/無効 and 今すぐ実行 (campaigns:write / campaigns:send), and the latest firings of the one opened.
 */
import { useState } from 'react';
import { triggersApi } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../../components/ui.tsx';

export function TriggerListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, loading, reload } = useLoad(() => triggersApi.list(), []);
  const [failed, setFailed] = useState<unknown>(null);
  const [ran, setRan] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const firings = useLoad(() => (open ? triggersApi.firings(open, { limit: 50 }) : Promise.resolve(null)), [open]);
  const act = async (work: () => Promise<unknown>) => {
    setFailed(null);
    try { await work(); await reload(); } catch (e) { setFailed(e); }
  };
  return (
    <div className="page" data-testid="triggers-page">
      <PageHeader title={t('trg.title')} sub={t('trg.lead')}
        actions={can('campaigns:write') && <LinkButton to="/triggers/new" variant="primary" data-testid="trigger-new">{t('trg.new')}</LinkButton>} />
      <ErrorBanner error={error ?? failed} />
      {ran && <div className="alert alert-success" role="status" data-testid="trigger-ran">{ran}</div>}
      <DataTable
        testId="triggers-table"
        rows={data?.items}
        loading={loading}
        rowKey={(r) => r.id}
        rowProps={() => ({ 'data-testid': 'trigger-row' })}
        empty={t('trg.empty')}
        columns={[
          {
            key: 'name', header: t('trg.name'),
            cell: (r) => (can('campaigns:write')
              ? <Link to={`/triggers/${r.id}/edit`} className="row-link strong" data-testid="trigger-link">{r.name}</Link>
              : <span className="strong">{r.name}</span>),
          },
          { key: 'when', header: t('trg.conditions'), cell: (r) => <span className="small">{r.description}</span> },
          { key: 'action', header: t('trg.action'), cellClassName: 'nowrap', cell: (r) => t(r.action === 'email' ? 'trg.action.email' : 'trg.action.task') },
          { key: 'cooldown', header: t('trg.cooldown'), cellClassName: 'nowrap tabular', cell: (r) => t('trg.days', { n: r.cooldownDays }) },
          { key: 'enabled', header: t('trg.enabled'), cellClassName: 'nowrap', cell: (r) => <span className="badge" data-testid="trigger-enabled">{t(r.enabled ? 'trg.on' : 'trg.off')}</span> },
          { key: 'last', header: t('trg.lastRun'), cellClassName: 'nowrap tabular', cell: (r) => formatDateTime(r.lastRunAt) },
          {
            key: 'fired', header: t('trg.fired'), cellClassName: 'nowrap tabular',
            cell: (r) => <Button small variant="link" onClick={() => setOpen(open === r.id ? null : r.id)} data-testid="trigger-firings">{t('trg.firedCounts', { sent: r.firings.sent, task: r.firings.task, suppressed: r.firings.suppressed })}</Button>,
          },
          {
            key: 'ops', header: '', cellClassName: 'nowrap',
            cell: (r) => (
              <>
                {can('campaigns:write') && <Button small onClick={() => void act(() => triggersApi.update(r.id, { enabled: !r.enabled }))} data-testid="trigger-toggle">{t(r.enabled ? 'trg.disable' : 'trg.enable')}</Button>}{' '}
                {can('campaigns:send') && r.enabled && (
                  <Button small onClick={() => void act(async () => { const x = await triggersApi.run(r.id); setRan(t('trg.ranResult', { name: r.name, matched: x.matched, sent: x.sent, suppressed: x.suppressed, tasks: x.tasks })); })} data-testid="trigger-run">{t('trg.runNow')}</Button>
                )}
              </>
            ),
          },
        ]}
      />
      {open && (
        <section className="card" data-testid="trigger-firings-list">
          <div className="card-header"><h2>{t('trg.firings')}</h2></div>
          <ErrorBanner error={firings.error} />
          <DataTable
            rows={firings.data?.items}
            loading={firings.loading}
            rowKey={(f) => f.id}
            empty={t('trg.noFirings')}
            columns={[
              { key: 'at', header: t('trg.firedAt'), cellClassName: 'nowrap tabular', cell: (f) => formatDateTime(f.firedAt) },
              { key: 'who', header: t('tasks.customer'), cell: (f) => <Link to={`/customers/${f.customerId}`}>{f.displayName ?? f.customerId}</Link> },
              { key: 'outcome', header: t('trg.outcome'), cellClassName: 'nowrap', cell: (f) => <>{t(({ sent: 'trg.outcome.sent', task: 'trg.outcome.task', suppressed: 'trg.outcome.suppressed' } as const)[f.outcome])}{f.suppressionReason && <span className="muted small"> ({f.suppressionReason})</span>}</> },
              { key: 'why', header: t('trg.why'), cell: (f) => <span className="small">{f.reason}</span> },
            ]}
          />
        </section>
      )}
    </div>
  );
}
