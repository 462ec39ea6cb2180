/**
 * 「なぜこの人が一つなのか」: the customer's source records with the decisions that linked each, and (for
 * identity:resolve) a 分割 action that splits the chosen records out into a new customer.
 * Usage on the customer detail page: <ReviewIdentityPanel customerId={c.id} onSplit={(id) => navigate(`/customers/${id}`)} />
 */
import { useState } from 'react';
import { api } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { identityRuleText } from '../system-labels.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, useLoad } from '../components/ui.tsx';

export function ReviewIdentityPanel({ customerId, onSplit }: { customerId: string; onSplit?: (newCustomerId: string) => void }) {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const { data, error, reload } = useLoad(() => api.customerIdentity(customerId), [customerId]);
  const [chosen, setChosen] = useState<number[]>([]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const records = data?.records ?? [];
  const mayResolve = can('identity:resolve') && records.length > 1;

  async function split() {
    if (chosen.length === 0 || chosen.length >= records.length) return;
    if (!window.confirm(t('identity.splitConfirm'))) return;
    setBusy(true);
    setActionError(null);
    try {
      const result = await api.unmergeCustomer(customerId, chosen);
      setChosen([]);
      await reload();
      onSplit?.(result.newCustomerId);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" data-testid="identity-panel">
      <div className="card-header"><h2>{t('identity.title')}</h2></div>
      <ErrorBanner error={error ?? actionError} />
      <DataTable
        bare
        headless
        className="table"
        rows={data ? records : null}
        rowKey={(r) => r.id}
        rowTestId="identity-record"
        columns={[
          mayResolve && {
            key: 'choose',
            header: null,
            cell: (r) => (
              <input
                type="checkbox"
                aria-label={`${r.sourceLabel} ${r.externalId}`}
                checked={chosen.includes(r.id)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))}
              />
            ),
          },
          {
            key: 'record',
            header: null,
            cell: (r) => <>
              <div className="strong">{r.sourceLabel} <code className="small">{r.externalId}</code></div>
              <div className="muted small">{formatDateTime(r.receivedAt)}</div>
            </>,
          },
          {
            key: 'decisions',
            header: null,
            cell: (r) => (r.decisions.length === 0 ? <span className="muted small">—</span> : r.decisions.map((d) => (
              <div key={d.id} className="small">
                {tOr(`identity.kind.${d.kind}`, d.kind)}
                {d.rule ? <span className="muted" title={d.rule}>（{identityRuleText(d.rule, t, tOr)}）</span> : null}
                {d.score !== null ? <span className="tabular"> {d.score.toFixed(1)}</span> : null}
                <span className="muted"> {d.decidedBy ?? t('identity.automatic')} ・ {formatDateTime(d.decidedAt)}</span>
              </div>
            ))),
          },
        ]}
      />
      {mayResolve && (
        <div className="form-actions">
          <Button variant="danger-outline" small data-testid="unmerge" disabled={busy || chosen.length === 0 || chosen.length >= records.length} onClick={() => void split()}>
            {t('identity.split')}
          </Button>
        </div>
      )}
    </section>
  );
}
