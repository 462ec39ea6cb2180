/** 名寄せレビュー: pairs the matcher would not merge on its own, side by side with the evidence; a person decides. */
import { useEffect, useState } from 'react';
import { api, type MatchEvidence, type QuarantinedRecord, type ReviewItem, type ReviewRecord } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, Notice, PageHeader, useLoad } from '../components/ui.tsx';

type Decision = 'accept' | 'reject' | 'never';

const TEXT = {
  ja: {
    lead: '取り込みで自動統合されなかった候補です。2件のレコードを比べて判断してください。',
    queue: 'レビュー待ち', empty: 'レビュー待ちの候補はありません', score: 'スコア', probability: '一致確率',
    field: '項目', evidence: '判定', weight: '重み', customer: '顧客', source: 'ソース',
    accept: '同一人物として統合', reject: '別人', never: '今後も統合しない',
    accepted: '統合しました', rejected: '別人として記録しました', nevered: '今後統合しない組み合わせとして記録しました',
    exact: '一致', close: '類似', disagree: '不一致', missing: '—', inName: '（氏名に含む）', more: 'さらに読み込む', rules: 'ルール',
    busy: '処理中…', confirmAccept: 'この2件の顧客を統合しますか？', openMerged: '統合後の顧客を開く',
    nameOnly: '氏名のみ', nameOnlyWarning: '氏名以外に一致する項目がありません。同姓同名の別人のこともあります。メール・電話・住所・生年月日・会社を確かめてから判断してください（一致確率は氏名だけから見積もったものです）。',
    quarantine: '名寄せできなかったレコード（保留中）',
    quarantineLead: 'このレコードは名寄せ中にエラーになったため、保留にしました（他のレコードの名寄せは続いています）。原因を直したあと「再試行」を押してください。取り込み元から内容の違う同じレコードが届いた場合も、自動で再試行します。',
    quarantinedAt: '保留日時', record: 'レコード', errorCol: 'エラー', retry: '再試行', retryAll: 'すべて再試行',
    retried: (r: { resolved: number; quarantined: number }) => `再試行しました: 名寄せ済み ${r.resolved} 件、再び保留 ${r.quarantined} 件`,
    unnamed: '（氏名なし）',
  },
  en: {
    lead: 'Candidates the import did not merge on its own. Compare the two records and decide.',
    queue: 'Open items', empty: 'Nothing to review', score: 'Score', probability: 'Match probability',
    field: 'Field', evidence: 'Evidence', weight: 'Weight', customer: 'Customer', source: 'Source',
    accept: 'Same person: merge', reject: 'Different people', never: 'Never merge',
    accepted: 'Merged', rejected: 'Recorded as different people', nevered: 'Recorded: never merge this pair',
    exact: 'Match', close: 'Similar', disagree: 'Mismatch', missing: '—', inName: '(part of name)', more: 'Load more', rules: 'Rules',
    busy: 'Working…', confirmAccept: 'Merge the customers of these two records?', openMerged: 'Open the merged customer',
    nameOnly: 'name only', nameOnlyWarning: 'Nothing but the name agrees: these may be two people with the same name. Check e-mail, phone, address, birth date and company before deciding (the match probability rests on the name alone).',
    quarantine: 'Records set aside (resolution failed)',
    quarantineLead: 'Identity resolution failed on these records, so they were set aside (everyone else\'s resolution goes on). Fix the cause, then press Retry. A record its source sends again with other content is retried by itself.',
    quarantinedAt: 'Set aside', record: 'Record', errorCol: 'Error', retry: 'Retry', retryAll: 'Retry all',
    retried: (r: { resolved: number; quarantined: number }) => `Retried: ${r.resolved} resolved, ${r.quarantined} set aside again`,
    unnamed: '(no name)',
  },
} as const;

const ROWS: Array<{ ja: string; en: string; value: (f: Record<string, unknown>) => string; evidence: string[] | null }> = [
  { ja: '氏名', en: 'Name', value: (f) => join(f.familyName, f.givenName), evidence: ['family', 'given'] },
  { ja: 'フリガナ', en: 'Kana', value: (f) => join(f.familyNameKana, f.givenNameKana), evidence: null },
  { ja: 'メール', en: 'E-mail', value: (f) => join(f.email), evidence: ['email'] },
  { ja: '電話', en: 'Phone', value: (f) => join(f.phone), evidence: ['phone'] },
  { ja: '生年月日', en: 'Birth date', value: (f) => join(f.birthDate), evidence: ['birth'] },
  { ja: '住所', en: 'Address', value: (f) => join(f.postalCode ? `〒${String(f.postalCode)}` : null, f.prefecture, f.address, f.building), evidence: ['address'] },
  { ja: '会社', en: 'Company', value: (f) => join(f.companyName, f.department, f.title), evidence: ['company'] },
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

export function ReviewPage() {
  const { lang } = useI18n();
  const { can } = useSession();
  const tx = TEXT[lang === 'en' ? 'en' : 'ja'];
  const { data, error, reload, setData } = useLoad(() => api.listReviewItems({ status: 'open', limit: 50 }), []);
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
    if (decision === 'accept' && !window.confirm(tx.confirmAccept)) return;
    setBusy(true);
    setActionError(null);
    try {
      const result = await api.decideReviewItem(item.id, decision);
      setMerged(decision === 'accept' ? result.customerId : null);
      const rest = items.filter((i) => i.id !== item.id);
      const index = items.findIndex((i) => i.id === item.id);
      setData(data ? { ...data, items: rest } : data);
      setSelected(rest[Math.min(index, rest.length - 1)]?.id ?? null);
      setNotice(decision === 'accept' ? tx.accepted : decision === 'reject' ? tx.rejected : tx.nevered);
      if (rest.length === 0 && data?.hasMore) void reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  async function loadMore() {
    if (!data?.nextCursor) return;
    try {
      const next = await api.listReviewItems({ status: 'open', limit: 50, cursor: data.nextCursor });
      setData({ items: [...data.items, ...next.items], nextCursor: next.nextCursor, hasMore: next.hasMore });
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <div className="page" data-testid="review-page">
      <PageHeader title={lang === 'en' ? 'Identity review' : '名寄せレビュー'} sub={tx.lead} />
      {notice && (
        <Notice testId="notice">
          {notice}
          {merged && <> ・ <Link to={`/customers/${merged}`} data-testid="merged-customer-link">{tx.openMerged}</Link></>}
        </Notice>
      )}
      <ErrorBanner error={error ?? actionError} />
      {can('identity:resolve') && <QuarantineSection tx={tx} />}
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(14rem, 18rem) 1fr', gap: '1rem', alignItems: 'start' }}>
        <section className="card" data-testid="review-queue">
          <div className="card-header"><h2>{tx.queue}（{items.length}{data?.hasMore ? '+' : ''}）</h2></div>
          {items.length === 0 ? (
            <p className="empty-note">{tx.empty}</p>
          ) : (
            <table className="table table-hover">
              <tbody>
                {items.map((item) => (
                  <tr
                    key={item.id}
                    className="row-link"
                    data-testid="review-item"
                    aria-selected={current?.id === item.id}
                    style={current?.id === item.id ? { background: 'var(--accent-soft, #eef4ff)' } : undefined}
                    onClick={() => { setSelected(item.id); setNotice(null); setMerged(null); }}
                  >
                    <td>
                      <div className="strong">{item.a.customerName || '—'} / {item.b.customerName || '—'}</div>
                      <div className="muted small">{item.a.sourceLabel} ↔ {item.b.sourceLabel}</div>
                    </td>
                    <td className="num tabular">
                      {(item.probability * 100).toFixed(0)}%
                      {item.nameOnly && <div><span className="badge badge-warn small" data-testid="name-only-badge">{tx.nameOnly}</span></div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data?.hasMore && <button type="button" className="btn btn-small btn-ghost" onClick={() => void loadMore()}>{tx.more}</button>}
        </section>
        {current && (
          <section className="card" data-testid="review-detail">
            <div className="card-header">
              <h2>
                {tx.score} <span className="tabular">{current.score.toFixed(1)}</span>
                <span className="muted small"> ・ {tx.probability} {(current.probability * 100).toFixed(1)}%</span>
              </h2>
              {current.rules.length > 0 && <div className="muted small">{tx.rules}: {current.rules.join(', ')}</div>}
            </div>
            {current.nameOnly && <div className="alert alert-warning small" role="note" data-testid="name-only-warning">{tx.nameOnlyWarning}</div>}
            <div className="table-wrap">
              <table className="table table-zebra" data-testid="review-compare">
                <thead>
                  <tr>
                    <th>{tx.field}</th>
                    <SideHeader side={current.a} label={tx} />
                    <SideHeader side={current.b} label={tx} />
                    <th>{tx.evidence}</th>
                    <th className="num">{tx.weight}</th>
                  </tr>
                </thead>
                <tbody>
                  {ROWS.map((row) => {
                    const evidence = row.evidence ? current.evidence.filter((e) => row.evidence!.includes(e.field)) : [];
                    return (
                      <tr key={row.ja} data-testid="review-row" data-field={row.en}>
                        <th scope="row" className="nowrap">{lang === 'en' ? row.en : row.ja}</th>
                        <td>{row.value(current.a.fields) || <span className="muted">—</span>}</td>
                        <td>{row.value(current.b.fields) || <span className="muted">—</span>}</td>
                        <td>{row.evidence === null ? <span className="muted small">{tx.inName}</span> : <EvidenceCell evidence={evidence} tx={tx} lang={lang === 'en' ? 'en' : 'ja'} />}</td>
                        <td className="num tabular">{evidence.length ? formatWeight(evidence.reduce((s, e) => s + e.weight, 0)) : ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn-primary" disabled={busy} data-testid="decide-accept" onClick={() => void decide(current, 'accept')}>{busy ? tx.busy : tx.accept}</button>
              <button type="button" className="btn" disabled={busy} data-testid="decide-reject" onClick={() => void decide(current, 'reject')}>{tx.reject}</button>
              <button type="button" className="btn btn-danger-outline" disabled={busy} data-testid="decide-never" onClick={() => void decide(current, 'never')}>{tx.never}</button>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}

/** Records whose resolution failed on their own (quarantine): shown only while there are some, with a retry. */
function QuarantineSection({ tx }: { tx: (typeof TEXT)['ja' | 'en'] }) {
  const { data, error, reload } = useLoad(() => api.listQuarantine(), []);
  const [busy, setBusy] = useState(false);
  const [retryError, setRetryError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  async function retry(records?: QuarantinedRecord[]) {
    setBusy(true);
    setRetryError(null);
    try {
      setNotice(tx.retried(await api.retryQuarantined(records?.map((r) => r.recordId))));
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
        <h2>{tx.quarantine}（{data.total}）</h2>
        {data.total > 1 && <button type="button" className="btn btn-small" disabled={busy} data-testid="quarantine-retry-all" onClick={() => void retry()}>{tx.retryAll}</button>}
      </div>
      {notice && <Notice testId="quarantine-notice">{notice}</Notice>}
      <ErrorBanner error={error ?? retryError} />
      {data.total > 0 && <p className="muted small">{tx.quarantineLead}</p>}
      {data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>{tx.record}</th><th>{tx.source}</th><th>{tx.errorCol}</th><th>{tx.quarantinedAt}</th><th /></tr></thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.recordId} data-testid="quarantined-record">
                  <td><div className="strong">{r.name ?? tx.unnamed}</div><div className="muted small mono">{r.externalId}</div></td>
                  <td>{r.sourceLabel}</td>
                  <td className="small" style={{ maxWidth: '32rem', overflowWrap: 'anywhere' }}>{r.error}</td>
                  <td className="nowrap small">{formatDateTime(r.quarantinedAt)}</td>
                  <td><button type="button" className="btn btn-small" disabled={busy} data-testid="quarantine-retry" onClick={() => void retry([r])}>{tx.retry}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SideHeader({ side, label }: { side: ReviewRecord; label: (typeof TEXT)['ja' | 'en'] }) {
  return (
    <th>
      <div>{side.sourceLabel} <code className="small">{side.externalId}</code></div>
      <div className="small">
        {label.customer}: {side.customerId ? <Link to={`/customers/${side.customerId}`}>{side.customerName || side.customerId.slice(0, 8)}</Link> : '—'}
      </div>
    </th>
  );
}

const PART: Record<string, { ja: string; en: string }> = { family: { ja: '姓', en: 'Family' }, given: { ja: '名', en: 'Given' } };

function EvidenceCell({ evidence, tx, lang }: { evidence: MatchEvidence[]; tx: (typeof TEXT)['ja' | 'en']; lang: 'ja' | 'en' }) {
  if (evidence.length === 0) return <span className="muted">{tx.missing}</span>;
  return (
    <span className="stack">
      {evidence.map((e) => {
        const k = levelClass(e.level);
        return (
          <span key={e.field} className={BADGE[k]} title={e.detail ?? undefined} data-testid="evidence" data-level={k} style={{ marginRight: '.25rem' }}>
            {PART[e.field] ? `${PART[e.field]![lang]} ` : ''}{tx[k]}
          </span>
        );
      })}
    </span>
  );
}

function formatWeight(w: number): string {
  return `${w > 0 ? '+' : ''}${w.toFixed(1)}`;
}
