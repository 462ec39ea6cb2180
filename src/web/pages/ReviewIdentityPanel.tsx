/**
 * 「なぜこの人が一つなのか」: the customer's source records with the decisions that linked each, and (for
 * identity:resolve) a 分割 action that splits the chosen records out into a new customer.
 * Usage on the customer detail page: <ReviewIdentityPanel customerId={c.id} onSplit={(id) => navigate(`/customers/${id}`)} />
 */
import { useState } from 'react';
import { api } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, useLoad } from '../components/ui.tsx';

const KIND_JA: Record<string, string> = {
  new: '新規作成', merge: '自動統合', review: 'レビュー候補', accept: 'レビューで統合', reject: '別人と判断',
  never: '統合しないと判断', unmerge: '分割', manual_merge: '手動統合',
};

export function ReviewIdentityPanel({ customerId, onSplit }: { customerId: string; onSplit?: (newCustomerId: string) => void }) {
  const { lang } = useI18n();
  const en = lang === 'en';
  const { can } = useSession();
  const { data, error, reload } = useLoad(() => api.customerIdentity(customerId), [customerId]);
  const [chosen, setChosen] = useState<number[]>([]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const records = data?.records ?? [];
  const mayResolve = can('identity:resolve') && records.length > 1;

  async function split() {
    if (chosen.length === 0 || chosen.length >= records.length) return;
    if (!window.confirm(en ? 'Split the chosen records into a new customer?' : '選択したレコードを新しい顧客に分割しますか？')) return;
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
      <div className="card-header"><h2>{en ? 'Why this is one person' : 'なぜこの人が一つなのか'}</h2></div>
      <ErrorBanner error={error ?? actionError} />
      <table className="table">
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="identity-record">
              {mayResolve && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${r.sourceLabel} ${r.externalId}`}
                    checked={chosen.includes(r.id)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))}
                  />
                </td>
              )}
              <td>
                <div className="strong">{r.sourceLabel} <code className="small">{r.externalId}</code></div>
                <div className="muted small">{formatDateTime(r.receivedAt)}</div>
              </td>
              <td>
                {r.decisions.length === 0 ? <span className="muted small">—</span> : r.decisions.map((d) => (
                  <div key={d.id} className="small">
                    {en ? d.kind : KIND_JA[d.kind] ?? d.kind}
                    {d.rule ? <span className="muted">（{d.rule}）</span> : null}
                    {d.score !== null ? <span className="tabular"> {d.score.toFixed(1)}</span> : null}
                    <span className="muted"> {d.decidedBy ?? (en ? 'automatic' : '自動')} ・ {formatDateTime(d.decidedAt)}</span>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayResolve && (
        <div className="form-actions">
          <button type="button" className="btn btn-danger-outline btn-small" data-testid="unmerge"
            disabled={busy || chosen.length === 0 || chosen.length >= records.length} onClick={() => void split()}>
            {en ? 'Split' : '分割'}
          </button>
        </div>
      )}
    </section>
  );
}
