/**
 * 本人からの請求 (APPI): the request inbox (open ones first by due date; overdue marked), recording a new request,
 * the records flagged as matching an erased person, and the third-party provision records. privacy:manage.
 */
import { useState, type FormEvent } from 'react';
import { privacyApi } from '../../api.ts';
import { formatDate } from '../../format.ts';
import { useI18n, type MessageKey } from '../../i18n.ts';
import { Link, navigate } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../../components/ui.tsx';

const KINDS = ['disclosure', 'correction', 'stop_use', 'erasure', 'stop_provision'] as const;
const todayJst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

export function PrivacyPage() {
  const { t } = useI18n();
  const requests = useLoad(() => privacyApi.list(), []);
  const matches = useLoad(() => privacyApi.matches(), []);
  const provisions = useLoad(() => privacyApi.provisions(), []);
  const [failed, setFailed] = useState<unknown>(null);
  const [form, setForm] = useState({ kind: 'disclosure', receivedOn: todayJst(), requesterName: '', requesterContact: '', identityMethod: '', notes: '' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailed(null);
    try {
      const created = await privacyApi.create({
        kind: form.kind as (typeof KINDS)[number], receivedOn: form.receivedOn, requesterName: form.requesterName,
        requesterContact: form.requesterContact || null, identityMethod: form.identityMethod || null, notes: form.notes || null,
      });
      navigate(`/privacy/requests/${created.id}`);
    } catch (error) {
      setFailed(error);
    }
  };
  const dismiss = async (id: number) => {
    try {
      await privacyApi.dismissMatch(id);
      await matches.reload();
    } catch (error) {
      setFailed(error);
    }
  };
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });
  return (
    <div className="page" data-testid="privacy-page">
      <PageHeader title={t('privacy.title')} sub={t('privacy.lead')} />
      <ErrorBanner error={requests.error ?? failed} />
      <section className="card" data-testid="privacy-new">
        <h2>{t('privacy.new')}</h2>
        <form onSubmit={(e) => void submit(e)} className="form-grid">
          <label>{t('privacy.kind')}<select {...field('kind')} data-testid="privacy-kind">
            {KINDS.map((k) => <option key={k} value={k}>{t(`privacy.kind.${k}` as MessageKey)}</option>)}
          </select></label>
          <label>{t('privacy.receivedOn')}<input type="date" required {...field('receivedOn')} data-testid="privacy-received" /></label>
          <label>{t('privacy.requester')}<input required {...field('requesterName')} data-testid="privacy-requester" /></label>
          <label>{t('privacy.contact')}<input {...field('requesterContact')} data-testid="privacy-contact" /></label>
          <label>{t('privacy.identityMethod')}<input {...field('identityMethod')} placeholder={t('privacy.identityMethodHint')} data-testid="privacy-identity" /></label>
          <label>{t('privacy.notes')}<input {...field('notes')} /></label>
          <p className="muted small">{t('privacy.dueHint')}</p>
          <div><Button type="submit" data-testid="privacy-create">{t('privacy.create')}</Button></div>
        </form>
      </section>
      <h2>{t('privacy.inbox')}</h2>
      <DataTable
        testId="privacy-requests"
        rows={requests.data?.items}
        loading={requests.loading}
        rowKey={(r) => r.id}
        rowProps={() => ({ 'data-testid': 'privacy-request-row' })}
        empty={t('privacy.empty')}
        columns={[
          { key: 'received', header: t('privacy.receivedOn'), cellClassName: 'nowrap tabular', cell: (r) => formatDate(r.receivedOn) },
          { key: 'kind', header: t('privacy.kind'), cell: (r) => <Link to={`/privacy/requests/${r.id}`} className="row-link">{t(`privacy.kind.${r.kind}` as MessageKey)}</Link> },
          { key: 'requester', header: t('privacy.requester'), cell: (r) => r.requesterName },
          { key: 'customers', header: t('privacy.customers'), cellClassName: 'tabular', cell: (r) => r.customerCount },
          { key: 'status', header: t('privacy.status'), cell: (r) => <span className="badge">{t(`privacy.status.${r.status}` as MessageKey)}</span> },
          { key: 'due', header: t('privacy.dueOn'), cellClassName: 'nowrap tabular',
            cell: (r) => <>{formatDate(r.dueOn)}{r.overdue && <span className="badge badge-warn" style={{ marginLeft: 6 }}>{t('privacy.overdue')}</span>}</> },
        ]}
      />
      <h2>{t('privacy.matches')}</h2>
      <p className="muted small">{t('privacy.matchesLead')}</p>
      <DataTable
        testId="privacy-matches"
        rows={matches.data?.items}
        loading={matches.loading}
        rowKey={(m) => String(m.id)}
        rowProps={() => ({ 'data-testid': 'privacy-match-row' })}
        empty={t('privacy.matchesEmpty')}
        columns={[
          { key: 'at', header: t('privacy.matchedAt'), cellClassName: 'nowrap tabular', cell: (m) => formatDate(m.matchedAt) },
          { key: 'flag', header: '', cell: () => <span className="badge badge-warn">{t('import.reason.erased_person')}</span> },
          { key: 'source', header: t('privacy.source'), cell: (m) => m.sourceLabel },
          { key: 'kinds', header: t('privacy.matchedOn'), cell: (m) => m.kinds.map((k) => t(`privacy.idKind.${k}` as MessageKey)).join('・') },
          { key: 'customer', header: t('privacy.customerNow'), cell: (m) => (m.customerId ? <Link to={`/customers/${m.customerId}`}>{t('privacy.open')}</Link> : '—') },
          { key: 'request', header: t('privacy.erasedBy'), cell: (m) => <Link to={`/privacy/requests/${m.requestId}`}>{formatDate(m.erasedAt)}</Link> },
          { key: 'dismiss', header: '', cell: (m) => <Button small onClick={() => void dismiss(m.id)}>{t('privacy.dismiss')}</Button> },
        ]}
      />
      <h2>{t('privacy.provisions')}</h2>
      <p className="muted small">{t('privacy.provisionsLead')}</p>
      <DataTable
        testId="privacy-provisions"
        rows={provisions.data?.items}
        loading={provisions.loading}
        rowKey={(p) => p.id}
        empty={t('privacy.provisionsEmpty')}
        columns={[
          { key: 'at', header: t('privacy.providedAt'), cellClassName: 'nowrap tabular', cell: (p) => formatDate(p.providedAt) },
          { key: 'to', header: t('privacy.recipient'), cell: (p) => <span className="strong">{p.recipient}</span> },
          { key: 'purpose', header: t('privacy.purpose'), cell: (p) => p.purpose ?? '—' },
          { key: 'items', header: t('privacy.items'), cell: (p) => <span className="small">{p.items.join('、')}</span> },
          { key: 'n', header: t('privacy.provided'), cellClassName: 'tabular', cell: (p) => t('privacy.providedCounts', { n: p.customerCount, refused: p.refusedCount }) },
          { key: 'by', header: t('privacy.by'), cell: (p) => p.providedByName ?? '—' },
        ]}
      />
    </div>
  );
}
