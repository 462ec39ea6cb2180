/**
 * データ品質 card on the customer page: the score and its four parts, the values to update with their reasons
 * (会社メール未確認, 不達, 宛先不明, 転居・異動の可能性) and since when, the issues in words, and when each value was last
 * confirmed by which source. Computed live by the server; it holds no personal values, so every role sees it.
 */
import { qualityApi, type CustomerQuality } from '../api.ts';
import { formatDay } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { ErrorBanner, useLoad } from './ui.tsx';

const PARTS = ['completeness', 'validity', 'freshness', 'consistency'] as const;

/** A stale address is the whole block (〒, 都道府県, 住所), whichever member the server names. */
const ADDRESS_BLOCK = new Set(['postalCode', 'prefecture', 'address', 'building']);
export function staleFieldKey(field: string): string {
  return ADDRESS_BLOCK.has(field) ? 'field.address' : `field.${field}`;
}

export function scoreLook(score: number): string {
  return score >= 80 ? 'badge-ok' : score >= 60 ? 'badge-warn' : 'badge-danger';
}

export function QualityCard({ customerId }: { customerId: string }) {
  const { t, tOr } = useI18n();
  const { data, error } = useLoad(() => qualityApi.customer(customerId), [customerId]);
  if (!data) return error ? <section className="card" data-testid="card-quality"><ErrorBanner error={error} /></section> : null;
  const fieldLabel = (field: string) => tOr(`field.${field}`, field);
  return (
    <section className="card" data-testid="card-quality">
      <div className="card-header">
        <h2>{t('quality.title')}</h2>
        <span className={`badge ${scoreLook(data.score)}`} title={t('quality.howScored')} data-testid="quality-score">{t('quality.score')} {data.score}</span>
      </div>
      <div className="dq-parts" title={t('quality.howScored')}>
        {PARTS.map((p) => <QualityBar key={p} label={t(`quality.part.${p}`)} value={data.parts[p]} testId={`quality-part-${p}`} />)}
      </div>
      <h3 className="quality-subtitle">{t('quality.stale')}</h3>
      {data.stale.length === 0
        ? <p className="muted small" data-testid="quality-no-stale">{t('quality.noStale')}</p>
        : (
          <ul className="quality-list" data-testid="quality-stale">
            {data.stale.map((s) => (
              <li key={`${s.field}-${s.reason}`} data-testid="quality-stale-item" data-reason={s.reason}>
                <span className="badge badge-warn">{tOr(staleFieldKey(s.field), s.field)}</span> {t(`quality.reason.${s.reason}`)}
                <span className="muted small"> · {t('quality.since', { date: formatDay(s.since) })}</span>
              </li>
            ))}
          </ul>
        )}
      <h3 className="quality-subtitle">{t('quality.issues')}</h3>
      {data.issues.length === 0
        ? <p className="muted small">{t('quality.noIssues')}</p>
        : <ul className="quality-list small" data-testid="quality-issues">{data.issues.map((i) => <li key={i} data-issue={i}>{tOr(`quality.issue.${i}`, i)}</li>)}</ul>}
      <details className="quality-confirmed">
        <summary title={t('quality.confirmedHint')}>{t('quality.confirmed')}</summary>
        <dl className="kv small" data-testid="quality-confirmed">
          {confirmedRows(data).map(([field, c]) => (
            <div className="kv-row" key={field}>
              <dt>{fieldLabel(field)}</dt>
              <dd>{formatDay(c.at)} · {c.sourceLabel ?? c.source}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}

/** The confirmations of the fields a user recognises, in the order of the customer page. */
const SHOWN = ['familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'email', 'phone', 'postalCode', 'prefecture', 'address', 'companyName', 'department', 'title', 'birthDate'];
function confirmedRows(q: CustomerQuality): Array<[string, CustomerQuality['confirmations'][string]]> {
  return SHOWN.filter((f) => q.confirmations[f] !== undefined).map((f) => [f, q.confirmations[f]!]);
}

function QualityBar({ label, value, testId }: { label: string; value: number; testId: string }) {
  const pct = Math.round(value * 100);
  return (
    <div className="dq-bar" data-testid={testId} data-value={pct}>
      <span className="dq-bar-label small">{label}</span>
      <span className="dq-bar-track"><span className="dq-bar-fill" style={{ width: `${pct}%` }} /></span>
      <span className="dq-bar-pct small tabular">{pct}%</span>
    </div>
  );
}
