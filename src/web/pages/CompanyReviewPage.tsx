/**
 * 法人の重複確認: pairs of companies the matcher would not merge on its own (same name in two prefectures, 株式会社
 * vs 有限会社…), side by side with the reasons; a person keeps one (統合する) or records them as two (別の法人).
 */
import { useEffect, useState } from 'react';
import { api, type Company, type CompanyReview } from '../api.ts';
import { formatPhone, formatPostal } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { LoadMoreButton, useCursorList } from '../components/Pager.tsx';
import { ErrorBanner, Notice, PageHeader } from '../components/ui.tsx';

/** The rows of the comparison (data-field is the row's stable name; the label is i18n's). */
const ROWS: Array<{ field: string; label: MessageKey; value: (c: Company) => string }> = [
  { field: 'name', label: 'companyReview.row.name', value: (c) => c.name },
  { field: 'legalForm', label: 'companyReview.row.legalForm', value: (c) => c.legalForm ?? '' },
  { field: 'corporateNumber', label: 'companyReview.row.corporateNumber', value: (c) => c.corporateNumber ?? '' },
  { field: 'address', label: 'companyReview.row.address', value: (c) => join(c.postalCode ? `〒${formatPostal(c.postalCode)}` : null, c.prefecture, c.address) },
  { field: 'phone', label: 'companyReview.row.phone', value: (c) => formatPhone(c.phone) },
  { field: 'domain', label: 'companyReview.row.domain', value: (c) => c.domain ?? '' },
  { field: 'industry', label: 'companyReview.row.industry', value: (c) => c.industry ?? '' },
  { field: 'people', label: 'companyReview.row.people', value: (c) => String(c.peopleCount ?? 0) },
];

function join(...values: unknown[]): string {
  return values.filter((v) => v !== null && v !== undefined && v !== '').map(String).join(' ');
}

/** The company kept by default: the one holding the 法人番号, else the one with more people, else the first. */
function defaultSurvivor(pair: CompanyReview): string {
  if ((pair.a.corporateNumber === null) !== (pair.b.corporateNumber === null)) return pair.a.corporateNumber !== null ? pair.a.id : pair.b.id;
  return (pair.b.peopleCount ?? 0) > (pair.a.peopleCount ?? 0) ? pair.b.id : pair.a.id;
}

export function CompanyReviewPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const queue = useCursorList((cursor) => api.listCompanyReviews({ limit: 50, ...(cursor ? { cursor } : {}) }), []);
  const { data, error, reload, setData } = queue;
  const [selected, setSelected] = useState<number | null>(null);
  const [survivor, setSurvivor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [mergedInto, setMergedInto] = useState<string | null>(null);
  const items = data?.items ?? [];
  const current = items.find((i) => i.id === selected) ?? items[0] ?? null;
  const keep = current && (survivor === current.a.id || survivor === current.b.id) ? survivor : current ? defaultSurvivor(current) : null;
  const mayDecide = can('companies:write');

  useEffect(() => {
    if (selected === null && items[0]) setSelected(items[0].id);
  }, [items, selected]);

  function select(id: number) {
    setSelected(id);
    setSurvivor(null);
    setNotice(null);
    setMergedInto(null);
  }

  async function decide(pair: CompanyReview, decision: 'merge' | 'distinct') {
    if (decision === 'merge') {
      const kept = keep === pair.a.id ? pair.a : pair.b;
      const other = kept === pair.a ? pair.b : pair.a;
      if (!window.confirm(t('companyReview.confirmMerge', { survivor: kept.name, other: other.name }))) return;
    }
    setBusy(true);
    setActionError(null);
    try {
      const result = await api.decideCompanyReview(pair.id, decision === 'merge' ? { decision, survivorId: keep! } : { decision });
      setMergedInto(result.merge?.survivor.id ?? null);
      const index = items.findIndex((i) => i.id === pair.id);
      // A merged company leaves every other pair it was in (they come back if the merge is undone).
      const gone = result.merge ? result.merge.mergedId : null;
      const rest = items.filter((i) => i.id !== pair.id && i.a.id !== gone && i.b.id !== gone);
      setData(data ? { ...data, items: rest, total: Math.max(0, data.total - (items.length - rest.length)) } : data);
      setSelected(rest[Math.min(index, rest.length - 1)]?.id ?? null);
      setSurvivor(null);
      setNotice(t(decision === 'merge' ? 'companyReview.merged' : 'companyReview.distincted'));
      if (rest.length === 0 && data?.hasMore) void reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page" data-testid="company-review-page">
      <Link to="/companies" className="back-link">{t('companies.back')}</Link>
      <PageHeader title={t('companyReview.title')} sub={t('companyReview.lead')} />
      {notice && (
        <Notice testId="notice">
          {notice}
          {mergedInto && <> ・ <Link to={`/companies/${mergedInto}`} data-testid="survivor-link">{t('companyReview.openSurvivor')}</Link></>}
        </Notice>
      )}
      <ErrorBanner error={error ?? actionError ?? queue.moreError} />
      <div className="review-layout">
        <section className="card review-queue" data-testid="company-review-queue">
          <div className="card-header"><h2>{t('companyReview.queue')}（{data?.total ?? items.length}）</h2></div>
          {items.length === 0 ? (
            <p className="empty-note" data-testid="company-review-empty">{data ? t('companyReview.empty') : ''}</p>
          ) : (
            <DataTable
              bare
              headless
              className="table table-hover"
              rows={items}
              rowKey={(item) => item.id}
              rowProps={(item) => ({
                className: 'row-link',
                'data-testid': 'company-review-item',
                'aria-selected': current?.id === item.id,
                style: current?.id === item.id ? { background: 'var(--accent-soft, #eef4ff)' } : undefined,
                onClick: () => select(item.id),
              })}
              columns={[
                {
                  key: 'pair',
                  header: null,
                  cellProps: { style: { minWidth: 0, overflowWrap: 'anywhere' } },
                  cell: (item) => <>
                    <div className="strong">{item.a.name}</div>
                    <div className="strong">{item.b.name}</div>
                    <div className="muted small">{join(item.a.prefecture) || '—'} ↔ {join(item.b.prefecture) || '—'}</div>
                  </>,
                },
              ]}
            />
          )}
          <LoadMoreButton list={queue} label={t('companyReview.more')} small variant="ghost" />
        </section>
        {current && (
          <section className="card review-detail" data-testid="company-review-detail">
            <div className="card-header"><h2>{t('companyReview.reasons')}</h2></div>
            <div className="badge-list" data-testid="company-review-reasons" style={{ marginBottom: '0.75rem' }}>
              {current.reasons.map((r) => <span key={r.code} className="badge" title={r.label} data-code={r.code}>{r.label}</span>)}
            </div>
            <Comparison pair={current} keep={keep} onKeep={mayDecide ? setSurvivor : null} />
            {mayDecide && (
              <>
                <p className="muted small">{t('companyReview.keepHelp')}</p>
                <div className="form-actions">
                  <Button variant="primary" disabled={busy} data-testid="company-decide-merge" onClick={() => void decide(current, 'merge')}>
                    {busy ? t('companyReview.busy') : t('companyReview.merge')}
                  </Button>
                  <Button disabled={busy} data-testid="company-decide-distinct" onClick={() => void decide(current, 'distinct')}>{t('companyReview.distinct')}</Button>
                </div>
              </>
            )}
          </section>
        )}
      </div>
    </div>
  );
}

/** The two companies fact by fact; a row whose facts both exist says whether they agree. */
function Comparison({ pair, keep, onKeep }: { pair: CompanyReview; keep: string | null; onKeep: ((id: string) => void) | null }) {
  const { t } = useI18n();
  const side = (c: Company) => (
    <th key={c.id} data-testid="company-review-side">
      <Link to={`/companies/${c.id}`}>{c.name}</Link>
      {onKeep && (
        <label className="check small">
          <input type="radio" name={`keep-${pair.id}`} checked={keep === c.id} onChange={() => onKeep(c.id)} data-testid="company-keep" />
          {t('companyReview.keep')}
        </label>
      )}
    </th>
  );
  return (
    <div className="table-wrap">
      <table className="table table-zebra review-compare" data-testid="company-review-compare">
        <thead>
          <tr>
            <th>{t('companyReview.field')}</th>
            {side(pair.a)}
            {side(pair.b)}
            <th />
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => {
            const a = row.value(pair.a);
            const b = row.value(pair.b);
            return (
              <tr key={row.field} data-testid="company-review-row" data-field={row.field}>
                <th scope="row" className="nowrap">{t(row.label)}</th>
                <td>{a || <span className="muted">—</span>}</td>
                <td>{b || <span className="muted">—</span>}</td>
                <td>
                  {row.field !== 'people' && a !== '' && b !== '' && (
                    <span className={a === b ? 'badge badge-ok' : 'badge badge-off'} data-level={a === b ? 'same' : 'differs'}>
                      {t(a === b ? 'companyReview.same' : 'companyReview.differs')}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
