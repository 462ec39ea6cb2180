/**
 * 「おすすめ商品」 card on the customer page (issue 22): the customer's ranked cross-sell / up-sell candidates, each
 * with its kind and the sentence that says why, linking to the product page; the model's date; what to do when
 * nothing has been computed yet.
 */
import type { Candidate } from '../api.ts';
import { commerceApi, recommendApi } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { yen } from './TierBadge.tsx';
import { ErrorBanner, useLoad } from './ui.tsx';

/** クロスセル / アップセル / 人気商品 as a badge (its title says what the kind means). */
export function CandidateKindBadge({ kind }: { kind: Candidate['kind'] }) {
  const { t } = useI18n();
  return <span className={`badge reco-kind reco-kind-${kind}`} data-testid="candidate-kind" data-kind={kind} title={t(`reco.kindHint.${kind}`)}>{t(`reco.kind.${kind}`)}</span>;
}

/** 「2026/12/06 時点のモデル」 from the model's timestamp (Japan date). */
export function ModelAsOf({ at, testId = 'model-asof' }: { at: string; testId?: string }) {
  const { t } = useI18n();
  return <p className="muted small" data-testid={testId}>{t('reco.modelAsOf', { date: formatDateTime(at).slice(0, 10) })}</p>;
}

/** What to do before there is a model: who computes it and where. */
export function NoModelYet({ testId = 'reco-no-run' }: { testId?: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <div className="reco-empty" data-testid={testId}>
      <p>{t('reco.noRun')}</p>
      {can('segments:write')
        ? <p className="small">{t('reco.noRunAction')} <Link to="/products" data-testid="reco-go-products">{t('reco.openProducts')}</Link></p>
        : <p className="muted small">{t('reco.noRunAsk')}</p>}
    </div>
  );
}

export function CandidatesCard({ customerId }: { customerId: string }) {
  const { t, lang } = useI18n();
  const { data, error } = useLoad(() => recommendApi.customer(customerId, 10), [customerId]);
  const purchases = useLoad(() => commerceApi.summary(customerId), [customerId]);
  if (error) return <section className="card" data-testid="card-candidates"><div className="card-header"><h2>{t('reco.title')}</h2></div><ErrorBanner error={error} /></section>;
  if (!data) return null;
  const boughtNothing = purchases.data !== null && purchases.data.orderCount === 0;
  const onlyPopular = data.items.length > 0 && data.items.every((c) => c.kind === 'popular');
  return (
    <section className="card" data-testid="card-candidates">
      <div className="card-header"><h2>{t('reco.title')}</h2>{data.items.length > 0 && <span className="muted small">{t('reco.lead')}</span>}</div>
      {data.modelBuiltAt === null && <NoModelYet />}
      {data.modelBuiltAt !== null && data.items.length === 0 && (
        <p className="muted small" data-testid="candidates-none">{t(boughtNothing ? 'reco.noPurchase' : 'reco.none')}</p>
      )}
      {data.items.length > 0 && (
        <>
          {onlyPopular && <p className="muted small" data-testid="candidates-popular-note">{t(boughtNothing ? 'reco.popularNoPurchase' : 'reco.popularOnly')}</p>}
          <ol className="reco-list" data-testid="candidates">
            {data.items.map((c) => (
              <li key={c.productId} className="reco-item" data-testid="candidate" data-sku={c.sku} data-rank={c.rank}>
                <span className="reco-rank tabular" aria-label={t('reco.rankN', { n: c.rank })}>{c.rank}</span>
                <div className="reco-body">
                  <div className="reco-head">
                    <Link to={`/products/${c.productId}`} className="reco-name" data-testid="candidate-link">{c.name}</Link>
                    <CandidateKindBadge kind={c.kind} />
                  </div>
                  <div className="reco-meta muted small">
                    <span className="mono">{c.sku}</span>
                    {c.category && <span>{c.category}</span>}
                    <span className="tabular">{yen(c.price)}</span>
                  </div>
                  <p className="reco-reason" data-testid="candidate-reason" title={c.kind === 'cross_sell' ? t('product.liftHint') : undefined}>{lang === 'ja' ? c.reason.ja : c.reason.en}</p>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      {data.modelBuiltAt !== null && <ModelAsOf at={data.modelBuiltAt} />}
    </section>
  );
}
