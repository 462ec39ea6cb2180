/**
 * 「クロスセル提案の計算」 (issue 22): the last run of the cross-sell / up-sell computation — its status, phase
 * (モデル構築 → 候補計算), progress over the customers, seconds, error — and 「再計算」, which starts a run in the
 * background; while one runs, GET /recommendations/runs is read every 2 seconds.
 */
import { useEffect, useRef, useState } from 'react';
import { recommendApi, type RecommendRun } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { usePolling } from '../polling.ts';
import { Button } from './Button.tsx';
import { ErrorBanner, useLoad } from './ui.tsx';

const POLL_MS = 2000;

function RunProgress({ run }: { run: RecommendRun }) {
  const { t } = useI18n();
  const total = run.customersTotal;
  const known = total !== null && total > 0;
  const percent = known ? Math.min(100, Math.round((run.customersDone / total) * 100)) : null;
  return (
    <div className="reco-progress" data-testid="run-progress">
      <div className="reco-phases">
        {(['model', 'candidates'] as const).map((phase, i) => {
          const state = run.phase === phase ? 'now' : run.phase === 'done' || (phase === 'model' && run.phase === 'candidates') ? 'past' : 'next';
          return (
            <span key={phase} className={`reco-phase reco-phase-${state}`} data-testid="run-phase" data-phase={phase} data-state={state}>
              {state === 'past' ? '✓' : `${i + 1}.`} {t(`reco.run.phase.${phase}`)}
            </span>
          );
        })}
      </div>
      {/* An indeterminate bar while the model is built (the customers are not counted yet). */}
      <progress className="reco-bar" max={known ? total : undefined} value={known ? Math.min(run.customersDone, total) : undefined}
        aria-label={t('reco.run.title')} data-testid="run-bar" />
      <span className="muted small tabular" data-testid="run-count">
        {known ? t('reco.run.progress', { done: run.customersDone.toLocaleString('ja-JP'), total: total.toLocaleString('ja-JP'), percent: percent ?? 0 }) : t('reco.run.modelWorking')}
      </span>
    </div>
  );
}

/** `onDone`: called when a run this panel watched ends done (the page reads what the run made). */
export function RecommendRunPanel({ onDone }: { onDone?: () => void } = {}) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => recommendApi.runs(), []);
  const [busy, setBusy] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const [already, setAlready] = useState(false);
  const last = data?.items[0] ?? null;
  const running = last?.status === 'running';

  const watched = useRef(false);
  useEffect(() => {
    if (running) watched.current = true;
    else if (watched.current && last?.status === 'done') {
      watched.current = false;
      onDone?.();
    }
  }, [running, last, onDone]);

  usePolling(reload, POLL_MS, running);

  const start = async () => {
    setBusy(true);
    setStartError(null);
    setAlready(false);
    try {
      const answer = await recommendApi.start({});
      watched.current = true;
      setAlready(answer.alreadyRunning);
      await reload();
    } catch (e) {
      setStartError(e);
    } finally {
      setBusy(false);
    }
  };

  const number = (n: number) => n.toLocaleString('ja-JP');
  return (
    <section className="card reco-run" data-testid="recommend-run" data-status={last?.status ?? 'none'}>
      <div className="card-header">
        <h2>{t('reco.run.title')}</h2>
        <Button variant={last ? 'default' : 'primary'} small disabled={busy || running} onClick={() => void start()} data-testid="run-start">
          {busy ? t('reco.run.starting') : running ? t('reco.run.status.running') : last ? t('reco.run.restart') : t('reco.run.start')}
        </Button>
      </div>
      <p className="muted small">{t('reco.run.lead')}</p>
      <ErrorBanner error={error ?? startError} testId="run-request-error" />
      {already && <p className="small" data-testid="run-already">{t('reco.run.already')}</p>}
      {!last && data && <p className="small" data-testid="run-never">{t('reco.run.never')}</p>}
      {last && (
        <div className="reco-run-body">
          <div className="reco-run-status">
            <span className={`badge ${last.status === 'done' ? 'badge-ok' : last.status === 'failed' ? 'badge-danger' : 'badge-warn'}`} data-testid="run-status" data-status={last.status}>
              {t(`reco.run.status.${last.status}`)}
            </span>
            <span className="muted small">
              {t('reco.run.startedAt', { at: formatDateTime(last.startedAt) })}
              {last.seconds !== null && <> · <span data-testid="run-seconds">{t('reco.run.seconds', { s: last.seconds.toFixed(1) })}</span></>}
              {last.asOf && <> · {t('reco.run.asOf', { date: last.asOf.replaceAll('-', '/') })}</>}
            </span>
          </div>
          {last.status === 'running' && <RunProgress run={last} />}
          {last.status === 'done' && (
            <p className="small" data-testid="run-summary">
              {t('reco.run.done', {
                at: formatDateTime(last.finishedAt),
                customers: number(last.customersTotal ?? last.customersDone),
                buyers: number(last.buyers ?? 0),
                pairs: number(last.pairs ?? 0),
              })}
            </p>
          )}
          {last.status === 'failed' && (
            <div className="alert alert-error" role="alert" data-testid="run-error">
              {t('reco.run.failed', { at: formatDateTime(last.finishedAt ?? last.startedAt) })}
              {last.error && <div className="small mono">{last.error}</div>}
              <div className="small">{t('reco.run.failedHint')}</div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
