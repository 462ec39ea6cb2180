/**
 * 商品詳細 (issue 22): the product's facts; 「一緒に購入されている商品」 (what its buyers also bought, with share, lift
 * and the reason) and the basket rules about it ({A, B} ⇒ C); 「この商品を勧める顧客」, the customers with it among
 * their first N candidates, best placed first, and 「この条件でセグメントを作成」, which opens the segment builder with
 * the candidate condition for this SKU.
 */
import { useState } from 'react';
import { commerceApi, recommendApi, type ProductAffinity, type ProductCandidateCustomers } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { CandidateKindBadge, ModelAsOf, NoModelYet } from '../components/CandidatesCard.tsx';
import { RecommendRunPanel } from '../components/RecommendRunPanel.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { yen } from '../components/TierBadge.tsx';
import { ErrorBanner, Loading, useLoad } from '../components/ui.tsx';
import { VoiceTrendCard } from './voice/VoiceCards.tsx';

const RANK_CHOICES = [3, 5, 10, 20, 50] as const;
const PAGE = 25;

type Ref = ProductAffinity['product'];
type Neighbour = ProductAffinity['neighbours'][number];
type Rule = ProductAffinity['rules'][number];
type Target = ProductCandidateCustomers['items'][number];

const percent = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
/** Lift to one decimal, as the reason sentences write it. */
const lift = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** The builder's URL for 「商品 SKU の提案で上位 N 位以内」, with a name to start from. */
export function candidateSegmentUrl(sku: string, maxRank: number, name: string): string {
  const definition = { type: 'and', conditions: [{ type: 'candidate', sku, maxRank }] };
  return `/segments/new?definition=${encodeURIComponent(JSON.stringify(definition))}&name=${encodeURIComponent(name)}`;
}

function ProductName({ p, self }: { p: Ref; self: string }) {
  return p.id === self
    ? <strong className="reco-self">{p.name}</strong>
    : <Link to={`/products/${p.id}`} data-testid="product-link">{p.name}</Link>;
}

export function ProductDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const product = useLoad(() => commerceApi.product(id), [id]);
  const affinity = useLoad(() => recommendApi.affinity(id), [id]);
  const p = product.data;
  if (!p) {
    return (
      <div className="page">
        <Link to="/products" className="back-link">{t('product.back')}</Link>
        {product.loading ? <Loading /> : <ErrorBanner error={product.error} />}
      </div>
    );
  }
  const a = affinity.data;
  const noModel = a !== null && a.modelBuiltAt === null;
  return (
    <div className="page" data-testid="product-detail-page">
      <Link to="/products" className="back-link">{t('product.back')}</Link>
      <div className="detail-header">
        <div className="detail-title">
          <div className="detail-kana mono" data-testid="product-sku">{p.sku}</div>
          <h1 data-testid="product-name">{p.name}</h1>
          <div className="detail-subline">
            {p.category && <span data-testid="product-category">{p.category}</span>}
            <span className="tabular" data-testid="product-price">{yen(p.price)}</span>
            <span className={`badge ${p.active ? 'badge-ok' : 'badge-off'}`}>{p.active ? t('commerce.active') : t('commerce.inactive')}</span>
            {a && a.buyers !== null && <span data-testid="product-buyers">{t('product.buyers', { n: a.buyers.toLocaleString('ja-JP') })}</span>}
          </div>
        </div>
      </div>
      {/* Before the first run: the run itself for those who may start it (the page fills in when it is done), else who to ask. */}
      {noModel && (can('segments:write')
        ? <RecommendRunPanel onDone={() => void affinity.reload()} />
        : <section className="card"><NoModelYet /></section>)}
      <div className="detail-grid reco-product-grid">
        <div className="detail-main">
          {can('customers:read') && <TargetCustomers key={a?.modelBuiltAt ?? 'none'} productId={id} sku={p.sku} name={p.name} hasModel={a ? a.modelBuiltAt !== null : null} />}
          {a && <Rules affinity={a} />}
          {can('voice:read') && <VoiceTrendCard sku={p.sku} />}
        </div>
        <div className="detail-side">
          <ErrorBanner error={affinity.error} />
          {a && <Neighbours affinity={a} />}
        </div>
      </div>
    </div>
  );
}

function Neighbours({ affinity }: { affinity: ProductAffinity }) {
  const { t, lang } = useI18n();
  const self = affinity.product.id;
  return (
    <section className="card" data-testid="card-neighbours">
      <div className="card-header"><h2>{t('product.neighbours')}</h2></div>
      {affinity.modelBuiltAt === null ? <p className="muted small" data-testid="neighbours-no-run">{t('product.afterRun')}</p> : affinity.neighbours.length === 0 ? (
        <p className="muted small" data-testid="neighbours-none">{t('product.noNeighbours')}</p>
      ) : (
        <>
          <p className="muted small">{t('product.neighboursHint')}</p>
          <ol className="reco-list" data-testid="neighbours">
            {affinity.neighbours.map((n: Neighbour) => (
              <li key={n.product.id} className="reco-item" data-testid="neighbour" data-sku={n.product.sku}>
                <div className="reco-body">
                  <div className="reco-head">
                    <ProductName p={n.product} self={self} />
                    <span className="muted small mono">{n.product.sku}</span>
                  </div>
                  <div className="reco-stats small">
                    <span title={t('product.shareHint')}>{t('product.share')} <strong className="tabular" data-testid="neighbour-share">{percent(n.confidence)}</strong></span>
                    <span title={t('product.liftHint')}>{t('product.lift')} <strong className="tabular" data-testid="neighbour-lift">{t('product.liftValue', { x: lift(n.lift) })}</strong></span>
                    <span>{t('product.coCustomers', { n: n.coCustomers.toLocaleString('ja-JP') })}</span>
                  </div>
                  <p className="reco-reason" data-testid="neighbour-reason">{lang === 'ja' ? n.reason.ja : n.reason.en}</p>
                </div>
              </li>
            ))}
          </ol>
          <p className="muted small">{t('product.liftHint')}</p>
        </>
      )}
      {affinity.modelBuiltAt !== null && <ModelAsOf at={affinity.modelBuiltAt} testId="neighbours-asof" />}
    </section>
  );
}

function Rules({ affinity }: { affinity: ProductAffinity }) {
  const { t } = useI18n();
  const self = affinity.product.id;
  if (affinity.modelBuiltAt === null) return null;
  return (
    <section className="card" data-testid="card-rules">
      <div className="card-header"><h2>{t('product.rules')}</h2></div>
      {affinity.rules.length === 0 ? <p className="muted small" data-testid="rules-none">{t('product.noRules')}</p> : (
        <>
          <DataTable
            testId="rules"
            bare
            rows={affinity.rules}
            rowKey={(r: Rule) => `${r.antecedent.map((x) => x.id).join('+')}>${r.consequent.id}`}
            rowTestId="rule"
            rowProps={(r: Rule) => ({ 'data-antecedent': r.antecedent.map((x) => x.sku).sort().join(','), 'data-consequent': r.consequent.sku })}
            columns={[
              {
                key: 'antecedent',
                header: t('product.ruleIf'),
                cell: (r: Rule) => (
                  <span className="reco-rule-set">
                    {r.antecedent.map((x, i) => <span key={x.id}>{i > 0 && <span className="reco-plus"> ＋ </span>}<ProductName p={x} self={self} /></span>)}
                  </span>
                ),
              },
              {
                key: 'consequent',
                header: t('product.ruleThen'),
                cell: (r: Rule) => <span className="reco-rule-set"><span className="reco-arrow" aria-hidden="true">⇒ </span><ProductName p={r.consequent} self={self} /></span>,
              },
              { key: 'support', header: t('product.support'), className: 'num', cellClassName: 'tabular', cell: (r: Rule) => percent(r.support) },
              { key: 'confidence', header: t('product.confidence'), className: 'num', cellClassName: 'tabular', cell: (r: Rule) => percent(r.confidence) },
              { key: 'lift', header: t('product.lift'), className: 'num', cellClassName: 'tabular', cell: (r: Rule) => t('product.liftValue', { x: lift(r.lift) }) },
              { key: 'baskets', header: t('product.baskets'), className: 'num', cellClassName: 'tabular', cell: (r: Rule) => r.baskets.toLocaleString('ja-JP') },
            ]}
          />
          <p className="muted small">{t('product.rulesHint')}</p>
        </>
      )}
    </section>
  );
}

function TargetCustomers({ productId, sku, name, hasModel }: { productId: string; sku: string; name: string; hasModel: boolean | null }) {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const [maxRank, setMaxRank] = useState(10);
  const paging = useCursorPaging(String(maxRank));
  const { cursor } = paging;
  const { data, error, loading } = useLoad(
    () => recommendApi.productCustomers(productId, { maxRank, limit: PAGE, ...(cursor ? { cursor } : {}) }),
    [productId, maxRank, cursor],
  );
  return (
    <section className="card" data-testid="card-targets">
      <div className="card-header">
        <h2>{t('product.targets')}{data && <span className="reco-total tabular" data-testid="targets-total"> {t('product.people', { n: data.total.toLocaleString('ja-JP') })}</span>}</h2>
        {can('segments:read') && (
          <Button small variant="primary" data-testid="targets-segment" disabled={!data || data.total === 0}
            onClick={() => navigate(candidateSegmentUrl(sku, maxRank, t('product.segmentName', { name, n: maxRank })))}>
            {t('product.makeSegment')}
          </Button>
        )}
      </div>
      <div className="reco-toolbar">
        <label className="small" htmlFor="targets-max-rank">{t('product.maxRank')}</label>
        <select id="targets-max-rank" className="input" value={maxRank} data-testid="targets-max-rank" onChange={(e) => setMaxRank(Number(e.target.value))}>
          {RANK_CHOICES.map((n) => <option key={n} value={n}>{t('product.maxRankOption', { n })}</option>)}
        </select>
        <span className="muted small">{t('product.targetsHint', { n: maxRank })}</span>
      </div>
      <ErrorBanner error={error} />
      {hasModel === false ? <p className="muted small" data-testid="targets-no-run">{t('product.afterRun')}</p> : <DataTable
        testId="targets"
        rows={data?.items}
        loading={loading}
        rowKey={(r: Target) => r.customer.id}
        rowTestId="target"
        rowProps={(r: Target) => ({ 'data-rank': r.rank, 'data-customer': r.customer.id })}
        empty={t('product.noTargets')}
        emptyTestId="targets-none"
        columns={[
          { key: 'rank', header: t('reco.rank'), className: 'num nowrap', cellClassName: 'tabular', cell: (r: Target) => t('reco.rankN', { n: r.rank }) },
          {
            key: 'customer',
            header: t('product.customer'),
            className: 'col-name',
            cell: (r: Target) => (
              <>
                <Link to={`/customers/${r.customer.id}`} data-testid="target-link">{r.customer.displayName || r.customer.email || '—'}</Link>
                {r.customer.company && <div className="muted small">{r.customer.company.name}</div>}
              </>
            ),
          },
          { key: 'kind', header: t('product.kind'), className: 'nowrap', cell: (r: Target) => <CandidateKindBadge kind={r.kind} /> },
          { key: 'reason', header: t('product.reason'), cell: (r: Target) => <span className="small" data-testid="target-reason">{lang === 'ja' ? r.reason.ja : r.reason.en}</span> },
        ]}
        pager={data && (data.nextCursor || paging.page > 1) ? <CursorPager paging={paging} data={data} loading={loading} summary={<span className="muted small">{t('common.page', { n: paging.page })}</span>} /> : null}
      />}
    </section>
  );
}
