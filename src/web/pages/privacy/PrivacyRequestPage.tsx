/**
 * One request (本人からの請求): its requester, identity check, due date and customers, and the action its type calls
 * for — 開示 (generate a report in the background, then download HTML or JSON), 訂正 (edit a field of a customer as
 * a manual record with the request as reason), 利用停止, 第三者提供の停止, 消去 (typing 消去する first). After an
 * erasure: the tombstone's counts and the backups that still hold the data until they expire.
 */
import { useState } from 'react';
import { api, privacyApi } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { usePolling } from '../../polling.ts';
import { Link } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, Notice, PageHeader, useLoad } from '../../components/ui.tsx';

const ERASE_WORD = '消去する';
const STATUSES = ['open', 'in_progress', 'completed', 'rejected'] as const;

export function PrivacyRequestPage({ id }: { id: string }) {
  const { t } = useI18n();
  const request = useLoad(() => privacyApi.get(id), [id]);
  const reports = useLoad(() => privacyApi.disclosures(id), [id]);
  const [failed, setFailed] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirm, setConfirm] = useState('');
  const [correction, setCorrection] = useState({ customerId: '', field: 'email', value: '' });
  const running = reports.data?.items.some((r) => r.status === 'running') ?? false;
  usePolling(reports.reload, 1000, running);
  const act = async (work: () => Promise<unknown>, message: string, ask?: string) => {
    if (ask && !window.confirm(ask)) return;
    setFailed(null);
    setDone(null);
    try {
      await work();
      setDone(message);
      await Promise.all([request.reload(), reports.reload()]);
    } catch (error) {
      setFailed(error);
    }
  };
  const r = request.data;
  if (!r) return <div className="page"><ErrorBanner error={request.error} /></div>;
  const live = r.customers.filter((c) => !c.erased);
  return (
    <div className="page" data-testid="privacy-request-page">
      <PageHeader title={`${t(`privacy.kind.${r.kind}` as MessageKey)} — ${r.requesterName}`} sub={<Link to="/privacy">{t('privacy.back')}</Link>} />
      <ErrorBanner error={failed} />
      {done && <Notice testId="privacy-done">{done}</Notice>}
      <section className="card">
        <dl className="kv">
          <dt>{t('privacy.receivedOn')}</dt><dd>{formatDate(r.receivedOn)}</dd>
          <dt>{t('privacy.dueOn')}</dt><dd>{formatDate(r.dueOn)}{r.overdue && <span className="badge badge-warn" style={{ marginLeft: 6 }}>{t('privacy.overdue')}</span>}</dd>
          <dt>{t('privacy.requester')}</dt><dd>{r.requesterName}{r.requesterContact ? `（${r.requesterContact}）` : ''}</dd>
          <dt>{t('privacy.identity')}</dt>
          <dd>{r.identityVerifiedAt ? `${formatDateTime(r.identityVerifiedAt)} ${r.identityVerifiedByName ?? ''} ${r.identityMethod ?? ''}` : t('privacy.identityNotYet')}</dd>
          <dt>{t('privacy.status')}</dt>
          <dd>
            <select className="select-small" value={r.status} data-testid="privacy-status"
              onChange={(e) => void act(() => privacyApi.update(id, { status: e.target.value }), t('privacy.saved'))}>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`privacy.status.${s}` as MessageKey)}</option>)}
            </select>
          </dd>
          {r.notes && <><dt>{t('privacy.notes')}</dt><dd>{r.notes}</dd></>}
        </dl>
      </section>
      <section className="card" data-testid="privacy-customers">
        <h2>{t('privacy.customers')}</h2>
        {r.customers.length === 0 && <p className="muted">{t('privacy.noCustomers')}</p>}
        <ul>
          {r.customers.map((c) => (
            <li key={c.customerId}>
              {c.erased ? <span className="muted">{t('privacy.erasedCustomer')}</span> : <Link to={`/customers/${c.customerId}`}>{c.displayName}</Link>}
              {c.useStopped && <span className="badge badge-warn" style={{ marginLeft: 6 }}>{t('privacy.useStopped')}</span>}
            </li>
          ))}
        </ul>
        {!r.erasedAt && <CustomerPicker onPick={(customerId) => void act(() => privacyApi.update(id, { customerIds: [...r.customers.map((c) => c.customerId), customerId] }), t('privacy.saved'))} />}
      </section>
      {!r.erasedAt && live.length > 0 && (
        <section className="card" data-testid="privacy-actions">
          <h2>{t('privacy.actions')}</h2>
          {r.kind === 'disclosure' && (
            <>
              <Button onClick={() => void act(() => privacyApi.startDisclosure(id), t('privacy.disclosureStarted'), t('privacy.confirmDisclosure'))} data-testid="privacy-disclose">
                {t('privacy.generate')}
              </Button>
              <ul data-testid="privacy-reports">
                {reports.data?.items.map((rep) => (
                  <li key={rep.id} data-testid="privacy-report">
                    {formatDateTime(rep.createdAt)} — {t(`privacy.report.${rep.status}` as MessageKey)} ({rep.sectionsDone}/{rep.sectionsTotal})
                    {rep.status === 'ready' && <> <a href={privacyApi.reportUrl(rep.id, 'html')} target="_blank" rel="noreferrer" data-testid="privacy-report-html">HTML</a>
                      {' '}<a href={privacyApi.reportUrl(rep.id, 'json')} data-testid="privacy-report-json">JSON</a></>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {r.kind === 'correction' && (
            <div className="form-grid">
              <label>{t('privacy.customer')}<select value={correction.customerId} onChange={(e) => setCorrection({ ...correction, customerId: e.target.value })}>
                <option value="">—</option>
                {live.map((c) => <option key={c.customerId} value={c.customerId}>{c.displayName}</option>)}
              </select></label>
              <label>{t('privacy.field')}<select value={correction.field} onChange={(e) => setCorrection({ ...correction, field: e.target.value })}>
                {['familyName', 'givenName', 'email', 'phone', 'postalCode', 'prefecture', 'address', 'building', 'birthDate', 'department', 'title'].map((f) => <option key={f} value={f}>{f}</option>)}
              </select></label>
              <label className="wide">{t('privacy.newValue')}<input value={correction.value} onChange={(e) => setCorrection({ ...correction, value: e.target.value })} /></label>
              <div><Button disabled={!correction.customerId} onClick={() => void act(() => privacyApi.correct(id, correction.customerId, { [correction.field]: correction.value || null }), t('privacy.corrected'), t('privacy.confirmCorrection'))}>
                {t('privacy.recordCorrection')}
              </Button></div>
            </div>
          )}
          {r.kind === 'stop_use' && (
            <>
              <Button onClick={() => void act(() => privacyApi.stopUse(id), t('privacy.stopped'), t('privacy.confirmStop'))} data-testid="privacy-stop">{t('privacy.stopUse')}</Button>{' '}
              <Button onClick={() => void act(() => privacyApi.resumeUse(id), t('privacy.resumed'), t('privacy.confirmResume'))}>{t('privacy.resumeUse')}</Button>
            </>
          )}
          {r.kind === 'stop_provision' && (
            <Button onClick={() => void act(() => privacyApi.stopProvision(id), t('privacy.provisionStopped'), t('privacy.confirmProvisionStop'))}>{t('privacy.stopProvision')}</Button>
          )}
          {r.kind === 'erasure' && (
            <div data-testid="privacy-erase">
              <p className="alert alert-error">{t('privacy.eraseWarning')}</p>
              <label>{t('privacy.typeToConfirm', { word: ERASE_WORD })}
                <input value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="privacy-erase-confirm" /></label>{' '}
              <Button disabled={confirm !== ERASE_WORD} onClick={() => void act(() => privacyApi.erase(id, confirm), t('privacy.erased'))} data-testid="privacy-erase-button">
                {t('privacy.erase')}
              </Button>
            </div>
          )}
        </section>
      )}
      {r.tombstone && (
        <section className="card" data-testid="privacy-tombstone">
          <h2>{t('privacy.tombstone')}</h2>
          <p>{t('privacy.tombstoneLead', { at: formatDateTime(r.tombstone.erasedAt), customers: r.tombstone.customerCount, records: r.tombstone.recordCount })}</p>
          <ul className="small">{Object.entries(r.tombstone.deleted).filter(([, n]) => n > 0).map(([table, n]) => <li key={table}><code>{table}</code>: {n}</li>)}</ul>
          <h3>{t('privacy.backups')}</h3>
          {!r.backupsHoldingData.known
            ? <p className="muted" data-testid="privacy-backups-unknown">{t('privacy.backupsUnknown')}</p>
            : r.backupsHoldingData.items.length === 0
              ? <p className="muted">{t('privacy.backupsNone')}</p>
              : <ul>{r.backupsHoldingData.items.map((b) => <li key={b.id}>{formatDateTime(b.takenAt)} → {b.expiresAt ? formatDate(b.expiresAt) : '—'} {b.location ?? ''}</li>)}</ul>}
        </section>
      )}
    </div>
  );
}

/** Picks a customer of the ledger by search (the customer list's search API). */
function CustomerPicker({ onPick }: { onPick: (customerId: string) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Array<{ id: string; displayName: string }>>([]);
  const search = async () => {
    const list = await api.listCustomers({ q, limit: 10 });
    setHits(list.items.map((c) => ({ id: c.id, displayName: c.displayName })));
  };
  return (
    <div data-testid="privacy-picker">
      <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('privacy.pickCustomer')} data-testid="privacy-picker-q" />{' '}
      <Button small onClick={() => void search()} data-testid="privacy-picker-search">{t('privacy.search')}</Button>
      <ul>{hits.map((h) => <li key={h.id}><Button small onClick={() => onPick(h.id)} data-testid="privacy-picker-hit">{t('privacy.add')}</Button> {h.displayName}</li>)}</ul>
    </div>
  );
}
