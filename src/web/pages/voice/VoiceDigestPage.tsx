/**
 * 週次ダイジェスト: one team's (or everyone's) week of feedback, Monday to Sunday in Japan: how many, by sentiment
 * and by tag (with the negative share), the themes that appeared that week and the most negative items. The team and
 * the week are in the URL; the same digest goes by e-mail to the team when SMTP is configured.
 */
import { voiceApi } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, Loading, PageHeader, useLoad } from '../../components/ui.tsx';
import { SentimentBadge, useVoiceChoices } from './parts.tsx';
import { shiftDay, voiceInboxPath, VOICE_SENTIMENT_CODES } from './voice-filters.ts';

const n = (x: number) => x.toLocaleString('ja-JP');

function digestPath(teamId: string, week: string): string {
  const params = new URLSearchParams();
  if (teamId) params.set('teamId', teamId);
  if (week) params.set('week', week);
  const qs = params.toString();
  return `/voice/digest${qs ? `?${qs}` : ''}`;
}

export function VoiceDigestPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const teamId = search.get('teamId') ?? '';
  const week = search.get('week') ?? '';
  const { teams } = useVoiceChoices();
  const digest = useLoad(() => voiceApi.digest({ ...(teamId ? { teamId } : {}), ...(week ? { week } : {}) }), [teamId, week]);
  const d = digest.data;
  const c = d?.content;
  const maxTag = Math.max(1, ...(c?.byTag.map((x) => x.count) ?? []));
  const inWeek = c ? { from: c.weekStart, to: c.weekEnd, ...(teamId ? { teamId } : {}) } : {};
  return (
    <div className="page" data-testid="voice-digest-page">
      <Link to="/voice" className="back-link">{t('voice.back')}</Link>
      <PageHeader title={t('voice.digestTitle')} sub={t('voice.digestLead')} />
      <div className="filterbar">
        <select aria-label={t('voice.digestTeam')} value={teamId} onChange={(e) => navigate(digestPath(e.target.value, week))} data-testid="digest-team">
          <option value="">{t('voice.digestAllTeams')}</option>
          {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
        </select>
        {c && (
          <>
            <Button small onClick={() => navigate(digestPath(teamId, shiftDay(c.weekStart, -7)))} data-testid="digest-prev">{t('voice.digestPrev')}</Button>
            <strong className="tabular" data-testid="digest-range">{t('voice.digestRange', { from: formatDate(c.weekStart), to: formatDate(c.weekEnd) })}</strong>
            <Button small onClick={() => navigate(digestPath(teamId, shiftDay(c.weekStart, 7)))} data-testid="digest-next">{t('voice.digestNext')}</Button>
          </>
        )}
        {d && <span className="muted small">{d.emailedAt ? t('voice.digestEmailed', { at: formatDateTime(d.emailedAt) }) : t('voice.digestComputed', { at: formatDateTime(d.computedAt) })}</span>}
      </div>
      <ErrorBanner error={digest.error} />
      {!c ? (digest.loading && <Loading />) : (
        <>
          <section className="card" data-testid="digest-summary">
            <div className="voice-digest-figures">
              <div><div className="small muted">{t('voice.digestTotal')}</div><div className="figure tabular" data-testid="digest-total">{n(c.total)}</div></div>
              {VOICE_SENTIMENT_CODES.map((s) => (
                <Link key={s} to={voiceInboxPath({ ...inWeek, sentiment: s })} data-testid={`digest-sentiment-${s}`}>
                  <SentimentBadge sentiment={s} /> <span className="tabular strong">{n(c.bySentiment[s])}</span>
                </Link>
              ))}
            </div>
            {c.total === 0 && <p className="muted small" data-testid="digest-empty">{t('voice.digestEmpty')}</p>}
          </section>
          <div className="voice-digest-grid">
            <section className="card" data-testid="digest-by-tag">
              <div className="card-header"><h2>{t('voice.digestByTag')}</h2></div>
              {c.byTag.length === 0 ? <p className="muted small">—</p> : (
                <table className="table">
                  <tbody>
                    {c.byTag.map((x) => (
                      <tr key={x.tag} data-testid="digest-tag" data-tag={x.tag}>
                        <td><Link to={voiceInboxPath({ ...inWeek, tag: x.tag })}><span className="badge voice-tag">{x.tag}</span></Link></td>
                        <td className="num tabular">{n(x.count)}</td>
                        <td style={{ width: '40%' }}>
                          <div className="voice-bar" title={`${t('voice.digestNegativeOf')} ${n(x.negative)}`}>
                            <span className="neg" style={{ width: `${(x.negative / maxTag) * 100}%` }} />
                            <span className="neu" style={{ width: `${((x.count - x.negative) / maxTag) * 100}%` }} />
                          </div>
                        </td>
                        <td className="num small muted tabular nowrap">{t('voice.digestNegativeOf')} {n(x.negative)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section className="card" data-testid="digest-themes">
              <div className="card-header"><h2>{t('voice.digestNewThemes')}</h2></div>
              {c.newGroups.length === 0 ? <p className="muted small">{t('voice.digestNoThemes')}</p> : (
                <ul className="voice-similar">
                  {c.newGroups.map((g) => (
                    <li key={g.id} data-testid="digest-theme">
                      <Link to={voiceInboxPath({ groupId: g.id })}>{g.label}</Link> <span className="muted small tabular">{t('common.count', { n: n(g.itemCount) })}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          <section className="card" data-testid="digest-negative">
            <div className="card-header"><h2>{t('voice.digestMostNegative')}</h2></div>
            {c.mostNegative.length === 0 ? <p className="muted small">{t('voice.digestNoNegative')}</p> : (
              <ul className="voice-similar">
                {c.mostNegative.map((x) => (
                  <li key={x.id} data-testid="digest-negative-item">
                    <span className="badge badge-danger tabular">{x.sentimentScore.toFixed(2)}</span>{' '}
                    <Link to={`/voice/${x.id}`} className={d.masked ? 'masked-value' : undefined}>{x.text.slice(0, 120)}{x.text.length > 120 ? '…' : ''}</Link>
                    <div className="muted small">{[x.customerName, formatDateTime(x.receivedAt)].filter(Boolean).join(' · ')}</div>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
