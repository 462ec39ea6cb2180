/** 名寄せレビュー: pairs the matcher would not merge on its own, side by side with the evidence; a person decides. */
import { useEffect, useState } from 'react';
import { api, type MatchEvidence, type QuarantinedRecord, type ReviewItem, type ReviewRecord } from '../api.ts';
import { formatDateTime, formatProbability } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { identityRuleText } from '../system-labels.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button, LinkButton } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { LoadMoreButton, useCursorList } from '../components/Pager.tsx';
import { ErrorBanner, Notice, PageHeader, useLoad } from '../components/ui.tsx';

type Decision = 'accept' | 'reject' | 'never';

/**
 * The rows of the comparison: what each record says, and which evidence fields of the match speak to it.
 * `field` is the row's stable name (data-field), the label is i18n's.
 */
const ROWS: Array<{ field: string; label: MessageKey; value: (f: Record<string, unknown>) => string; evidence: string[] | null }> = [
  { field: 'Name', label: 'review.row.name', value: (f) => join(f.familyName, f.givenName), evidence: ['family', 'given'] },
  { field: 'Kana', label: 'review.row.kana', value: (f) => join(f.familyNameKana, f.givenNameKana), evidence: null },
  { field: 'E-mail', label: 'review.row.email', value: (f) => join(f.email), evidence: ['email'] },
  { field: 'Phone', label: 'review.row.phone', value: (f) => join(f.phone), evidence: ['phone'] },
  { field: 'Birth date', label: 'review.row.birthDate', value: (f) => join(f.birthDate), evidence: ['birth'] },
  { field: 'Address', label: 'review.row.address', value: (f) => join(f.postalCode ? `〒${String(f.postalCode)}` : null, f.prefecture, f.address, f.building), evidence: ['address'] },
  { field: 'Company', label: 'review.row.company', value: (f) => join(f.companyName, f.department, f.title), evidence: ['company'] },
];

function join(...values: unknown[]): string {
  return values.filter((v) => v !== null && v !== undefined && v !== '').map(String).join(' ');
}

function levelClass(level: string): 'exact' | 'close' | 'disagree' | 'missing' {
  if (level === 'exact' || level === 'agree' || level.startsWith('exact_')) return 'exact';
  if (level === 'close' || level === 'partial') return 'close';
  if (level === 'disagree') return 'disagree';
  return 'missing';
}

const BADGE = { exact: 'badge badge-ok', close: 'badge badge-warn', disagree: 'badge badge-off', missing: 'muted' } as const;

const DECIDED: Record<Decision, MessageKey> = { accept: 'review.accepted', reject: 'review.rejected', never: 'review.nevered' };

export function ReviewPage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const queue = useCursorList((cursor) => api.listReviewItems({ status: 'open', limit: 50, ...(cursor ? { cursor } : {}) }), []);
  const { data, error, reload, setData } = queue;
  const [selected, setSelected] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The customer an accepted pair became (the other one is merged into it), to check the result at once. */
  const [merged, setMerged] = useState<string | null>(null);
  const items = data?.items ?? [];
  const current = items.find((i) => i.id === selected) ?? items[0] ?? null;

  useEffect(() => {
    if (selected === null && items[0]) setSelected(items[0].id);
  }, [items, selected]);

  async function decide(item: ReviewItem, decision: Decision) {
    if (decision === 'accept' && !window.confirm(t('review.confirmAccept'))) return;
    setBusy(true);
    setActionError(null);
    try {
      const result = await api.decideReviewItem(item.id, decision);
      setMerged(decision === 'accept' ? result.customerId : null);
      const rest = items.filter((i) => i.id !== item.id);
      const index = items.findIndex((i) => i.id === item.id);
      setData(data ? { ...data, items: rest } : data);
      setSelected(rest[Math.min(index, rest.length - 1)]?.id ?? null);
      setNotice(t(DECIDED[decision]));
      if (rest.length === 0 && data?.hasMore) void reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  async function decidePattern(item: ReviewItem, decision: 'accept' | 'reject') {
    const open = item.learning?.open ?? 0;
    if (!window.confirm(t(decision === 'accept' ? 'review.pattern.confirmAccept' : 'review.pattern.confirmReject', { n: open }))) return;
    setBusy(true);
    setActionError(null);
    try {
      const result = await api.decideReviewPattern(item.id, decision);
      setMerged(null);
      setSelected(null);
      setNotice(t('review.pattern.decided', { decided: result.decided, skipped: result.skipped }));
      await reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page" data-testid="review-page">
      <PageHeader
        title={t('review.title')}
        sub={t('review.lead')}
        actions={can('companies:read') && <LinkButton to="/companies/review" small data-testid="company-review-link">{t('companyReview.link')}</LinkButton>}
      />
      {notice && (
        <Notice testId="notice">
          {notice}
          {merged && <> ・ <Link to={`/customers/${merged}`} data-testid="merged-customer-link">{t('review.openMerged')}</Link></>}
        </Notice>
      )}
      <ErrorBanner error={error ?? actionError ?? queue.moreError} />
      {can('identity:resolve') && <QuarantineSection />}
      <div className="review-layout">
        <section className="card review-queue" data-testid="review-queue">
          <div className="card-header"><h2>{t('review.queue')}（{items.length}{data?.hasMore ? '+' : ''}）</h2></div>
          {items.length === 0 ? (
            <p className="empty-note">{t('review.empty')}</p>
          ) : (
            <DataTable
              bare
              className="table table-hover"
              rows={items}
              rowKey={(item) => item.id}
              rowProps={(item) => ({
                className: 'row-link',
                'data-testid': 'review-item',
                'aria-selected': current?.id === item.id,
                style: current?.id === item.id ? { background: 'var(--accent-soft, #eef4ff)' } : undefined,
                onClick: () => { setSelected(item.id); setNotice(null); setMerged(null); },
              })}
              columns={[
                {
                  key: 'pair',
                  header: null,
                  cell: (item) => <>
                    <div className="strong">{item.a.customerName || '—'} / {item.b.customerName || '—'}</div>
                    <div className="muted small">{item.a.sourceLabel} ↔ {item.b.sourceLabel}</div>
                  </>,
                },
                {
                  key: 'probability',
                  header: null,
                  className: 'num',
                  cellClassName: 'tabular',
                  cell: (item) => <>
                    <span title={t('review.probabilityHelp')}>{formatProbability(item.probability)}</span>
                    {item.nameOnly && <div><span className="badge badge-warn small" data-testid="name-only-badge">{t('review.nameOnly')}</span></div>}
                  </>,
                },
              ]}
              headless
            />
          )}
          <LoadMoreButton list={queue} label={t('review.more')} small variant="ghost" />
        </section>
        {current && (
          <section className="card review-detail" data-testid="review-detail">
            <div className="card-header">
              <h2>
                {t('review.score')} <span className="tabular">{current.score.toFixed(1)}</span>
                <span className="muted small" title={t('review.probabilityHelp')} data-testid="review-probability"> ・ {t('review.probability')} {formatProbability(current.probability)}</span>
              </h2>
              {current.rules.length > 0 && <div className="muted small">{t('review.rules')}: {current.rules.map((r) => identityRuleText(r, t, tOr)).join('、')}</div>}
            </div>
            {current.nameOnly && <div className="alert alert-warning small" role="note" data-testid="name-only-warning">{t('review.nameOnlyWarning')}</div>}
            {current.learning && (
              <PatternNote
                item={current}
                busy={busy}
                canDecide={can('identity:resolve')}
                onDecide={(decision) => void decidePattern(current, decision)}
              />
            )}
            <Comparison item={current} />
            <div className="form-actions">
              <Button variant="primary" disabled={busy} data-testid="decide-accept" onClick={() => void decide(current, 'accept')}>{busy ? t('review.busy') : t('review.accept')}</Button>
              <Button disabled={busy} data-testid="decide-reject" onClick={() => void decide(current, 'reject')}>{t('review.reject')}</Button>
              <Button variant="danger-outline" disabled={busy} data-testid="decide-never" onClick={() => void decide(current, 'never')}>{t('review.never')}</Button>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}

/**
 * What the reviewers decided on pairs like this one (the same level on every field, the same rules, about the same
 * probability and name rarity): their tally, whether it is settled (new pairs of the pattern are then decided so at
 * import), and a decision for every open pair of the pattern at once.
 */
function PatternNote({ item, busy, canDecide, onDecide }: {
  item: ReviewItem; busy: boolean; canDecide: boolean; onDecide: (decision: 'accept' | 'reject') => void;
}) {
  const { t } = useI18n();
  const l = item.learning!;
  return (
    <div className="muted small review-pattern" data-testid="review-pattern">
      <div>
        {t('review.pattern.tally', { open: l.open, accepted: l.accepted, rejected: l.rejected })}
        {l.verdict && <> ・ <span className={l.verdict === 'merge' ? 'badge badge-ok' : 'badge badge-off'} data-testid="review-pattern-verdict">{t(l.verdict === 'merge' ? 'review.pattern.settledMerge' : 'review.pattern.settledDistinct')}</span></>}
      </div>
      <div>{t('review.pattern.why')}</div>
      {canDecide && l.open > 1 && (
        <div className="form-actions">
          <Button small disabled={busy} data-testid="pattern-accept" onClick={() => onDecide('accept')}>{t('review.pattern.accept', { n: l.open })}</Button>
          <Button small disabled={busy} data-testid="pattern-reject" onClick={() => onDecide('reject')}>{t('review.pattern.reject', { n: l.open })}</Button>
        </div>
      )}
    </div>
  );
}

/** The two records field by field, with the evidence the matcher weighed for each. */
function Comparison({ item }: { item: ReviewItem }) {
  const { t } = useI18n();
  // A comparison is read across a row: a row header, not a list cell, so no DataTable here.
  return (
    <div className="table-wrap">
      <table className="table table-zebra review-compare" data-testid="review-compare">
        <thead>
          <tr>
            <th>{t('review.field')}</th>
            <SideHeader side={item.a} />
            <SideHeader side={item.b} />
            <th>{t('review.evidence')}</th>
            <th className="num">{t('review.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => {
            const evidence = row.evidence ? item.evidence.filter((e) => row.evidence!.includes(e.field)) : [];
            return (
              <tr key={row.field} data-testid="review-row" data-field={row.field}>
                <th scope="row" className="nowrap">{t(row.label)}</th>
                <td>{row.value(item.a.fields) || <span className="muted">—</span>}</td>
                <td>{row.value(item.b.fields) || <span className="muted">—</span>}</td>
                <td>{row.evidence === null ? <span className="muted small">{t('review.inName')}</span> : <EvidenceCell evidence={evidence} />}</td>
                <td className="num tabular">{evidence.length ? formatWeight(evidence.reduce((s, e) => s + e.weight, 0)) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Records whose resolution failed on their own (quarantine): shown only while there are some, with a retry. */
function QuarantineSection() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.listQuarantine(), []);
  const [busy, setBusy] = useState(false);
  const [retryError, setRetryError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  async function retry(records?: QuarantinedRecord[]) {
    setBusy(true);
    setRetryError(null);
    try {
      const result = await api.retryQuarantined(records?.map((r) => r.recordId));
      setNotice(t('review.retried', { resolved: result.resolved, quarantined: result.quarantined }));
      await reload();
    } catch (e) {
      setRetryError(e);
    } finally {
      setBusy(false);
    }
  }
  if (!data || (data.total === 0 && !notice)) return <ErrorBanner error={error} />;
  return (
    <section className="card" data-testid="quarantine" style={{ marginBottom: '1rem' }}>
      <div className="card-header">
        <h2>{t('review.quarantine')}（{data.total}）</h2>
        {data.total > 1 && <Button small disabled={busy} data-testid="quarantine-retry-all" onClick={() => void retry()}>{t('review.retryAll')}</Button>}
      </div>
      {notice && <Notice testId="quarantine-notice">{notice}</Notice>}
      <ErrorBanner error={error ?? retryError} />
      {data.total > 0 && <p className="muted small">{t('review.quarantineLead')}</p>}
      {data.items.length > 0 && (
        <DataTable
          className="table"
          rows={data.items}
          rowKey={(r) => r.recordId}
          rowTestId="quarantined-record"
          columns={[
            { key: 'record', header: t('review.record'), cell: (r) => <><div className="strong">{r.name ?? t('review.unnamed')}</div><div className="muted small mono">{r.externalId}</div></> },
            { key: 'source', header: t('review.source'), cell: (r) => r.sourceLabel },
            { key: 'error', header: t('review.errorCol'), cellClassName: 'small', cellProps: { style: { maxWidth: '32rem', overflowWrap: 'anywhere' } }, cell: (r) => r.error },
            { key: 'at', header: t('review.quarantinedAt'), cellClassName: 'nowrap small', cell: (r) => formatDateTime(r.quarantinedAt) },
            { key: 'retry', header: null, cell: (r) => <Button small disabled={busy} data-testid="quarantine-retry" onClick={() => void retry([r])}>{t('review.retry')}</Button> },
          ]}
        />
      )}
    </section>
  );
}

function SideHeader({ side }: { side: ReviewRecord }) {
  const { t } = useI18n();
  return (
    <th>
      <div>{side.sourceLabel} <code className="small">{side.externalId}</code></div>
      <div className="small">
        {t('review.customer')}: {side.customerId ? <Link to={`/customers/${side.customerId}`}>{side.customerName || side.customerId.slice(0, 8)}</Link> : '—'}
      </div>
    </th>
  );
}

const PART: Record<string, MessageKey> = { family: 'review.part.family', given: 'review.part.given' };

function EvidenceCell({ evidence }: { evidence: MatchEvidence[] }) {
  const { t } = useI18n();
  if (evidence.length === 0) return <span className="muted">{t('review.level.missing')}</span>;
  return (
    <span className="badge-list">
      {evidence.map((e) => {
        const k = levelClass(e.level);
        const part = PART[e.field];
        return (
          <span key={e.field} className={BADGE[k]} title={e.detail ?? undefined} data-testid="evidence" data-level={k}>
            {part ? `${t(part)} ` : ''}{t(`review.level.${k}`)}
          </span>
        );
      })}
    </span>
  );
}

function formatWeight(w: number): string {
  return `${w > 0 ? '+' : ''}${w.toFixed(1)}`;
}
