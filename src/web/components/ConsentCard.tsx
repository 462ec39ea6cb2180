/**
 * 同意・配信可否 card on the customer page: per purpose the current state (許諾 / 拒否 / 撤回 / 未取得) with when, how
 * and from which source; the lawful basis for marketing e-mail in words (「名刺交換 (展示会名刺) による送信可」); the
 * history, newest first; and, for customers:write, a small form to record what the person told staff.
 */
import { useState, type FormEvent } from 'react';
import { consentsApi, type ConsentEvent, type ConsentLedger, type ConsentPurposeCode, type ConsentStateCode, type EmailEligibility } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n, type Translate } from '../i18n.ts';
import { Button } from './Button.tsx';
import { ErrorBanner, useLoad } from './ui.tsx';

const PURPOSES: ConsentPurposeCode[] = ['email_marketing', 'dm', 'phone_marketing', 'profiling', 'third_party'];
const STATES: ConsentStateCode[] = ['granted', 'denied', 'withdrawn'];
/** Shown before the history opens; the rest behind 「すべて表示」. */
const HISTORY_SHOWN = 5;

function StateBadge({ state }: { state: ConsentStateCode | 'none' }) {
  const { t } = useI18n();
  const look = state === 'granted' ? 'badge-ok' : state === 'none' ? 'badge-off' : 'badge-danger';
  return <span className={`badge ${look}`} data-testid="consent-state" data-state={state}>{t(`consent.state.${state}`)}</span>;
}

/** 「2026/12/06 10:15 · 取り込み · 展示会名刺」 */
function how(e: ConsentEvent, t: Translate): string {
  return [formatDateTime(e.recordedAt), t(`consent.method.${e.method}`), e.source ?? e.actorName].filter(Boolean).join(' · ');
}

export function emailBasisText(email: EmailEligibility, t: Translate): string {
  const sources = email.basisSources.join('、');
  return t(`consent.basis.${email.status}`, { sources });
}

export function ConsentCard({ customerId, canWrite }: { customerId: string; canWrite: boolean }) {
  const { t } = useI18n();
  const { data, error, setData } = useLoad(() => consentsApi.ledger(customerId), [customerId]);
  const [allHistory, setAllHistory] = useState(false);
  if (!data) return error ? <section className="card" data-testid="card-consent"><ErrorBanner error={error} /></section> : null;
  const history = allHistory ? data.items : data.items.slice(0, HISTORY_SHOWN);
  return (
    <section className="card" data-testid="card-consent">
      <div className="card-header"><h2>{t('consent.title')}</h2></div>
      <p className={`consent-basis ${data.email.mayEmail ? 'consent-basis-ok' : 'consent-basis-ng'}`} data-testid="consent-email-basis" data-status={data.email.status}>
        <span className="consent-basis-label">{t('consent.emailBasis')}</span>
        {emailBasisText(data.email, t)}
      </p>
      <dl className="kv">
        {data.current.map((c) => (
          <div className="kv-row" key={c.purposeCode} data-testid={`consent-${c.purposeCode}`}>
            <dt>{t(`consent.purpose.${c.purposeCode}`)}</dt>
            <dd>
              <StateBadge state={c.state} />
              {c.event
                ? <div className="muted small" data-testid="consent-how">{how(c.event, t)}</div>
                : c.purposeCode === 'dm' && <div className="muted small">{t('consent.dmOptOut')}</div>}
            </dd>
          </div>
        ))}
      </dl>
      <h3 className="consent-history-title">{t('consent.history', { n: data.items.length })}</h3>
      {data.items.length === 0
        ? <p className="muted small" data-testid="consent-history-empty">{t('consent.historyEmpty')}</p>
        : (
          <ol className="consent-history" data-testid="consent-history">
            {history.map((e) => (
              <li key={e.id} data-testid="consent-event">
                <div className="consent-event-head">
                  <StateBadge state={e.state} />
                  <span className="consent-event-purpose">{e.purposeCode ? t(`consent.purpose.${e.purposeCode}`) : t('consent.formPurpose', { purpose: e.purpose })}</span>
                </div>
                <div className="muted small">{how(e, t)}{e.textVersion !== null && ` · ${t('consent.version', { n: e.textVersion })}`}</div>
                {e.textShown && <div className="consent-event-text small" title={e.textShown}>{e.method === 'import' ? t('consent.column', { column: e.textShown }) : e.textShown}</div>}
              </li>
            ))}
          </ol>
        )}
      {data.items.length > HISTORY_SHOWN && (
        <Button variant="link" small onClick={() => setAllHistory(!allHistory)} data-testid="consent-history-toggle">
          {allHistory ? t('consent.historyLess') : t('consent.historyAll', { n: data.items.length })}
        </Button>
      )}
      {canWrite && <StaffEntry customerId={customerId} onRecorded={setData} />}
    </section>
  );
}

function StaffEntry({ customerId, onRecorded }: { customerId: string; onRecorded: (ledger: ConsentLedger) => void }) {
  const { t } = useI18n();
  const [purposeCode, setPurpose] = useState<ConsentPurposeCode>('email_marketing');
  const [state, setState] = useState<ConsentStateCode>('withdrawn');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onRecorded(await consentsApi.record(customerId, { purposeCode, state, note: note.trim() || null }));
      setNote('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="consent-entry" onSubmit={(e) => void submit(e)} data-testid="consent-form">
      <h3>{t('consent.entry')}</h3>
      <div className="consent-entry-row">
        <select value={purposeCode} onChange={(e) => setPurpose(e.target.value as ConsentPurposeCode)} aria-label={t('consent.entryPurpose')} data-testid="consent-form-purpose">
          {PURPOSES.map((p) => <option key={p} value={p}>{t(`consent.purpose.${p}`)}</option>)}
        </select>
        <select value={state} onChange={(e) => setState(e.target.value as ConsentStateCode)} aria-label={t('consent.entryState')} data-testid="consent-form-state">
          {STATES.map((s) => <option key={s} value={s}>{t(`consent.state.${s}`)}</option>)}
        </select>
      </div>
      <input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('consent.entryNote')} aria-label={t('consent.entryNote')} maxLength={2000} data-testid="consent-form-note" />
      <Button type="submit" variant="primary" small disabled={busy} data-testid="consent-form-submit">{t('consent.entrySubmit')}</Button>
      {error !== null && <ErrorBanner error={error} />}
    </form>
  );
}
