/**
 * 送信トレイ: the messages kept on this server because no SMTP server is configured (the embedded default), and the
 * test sends. Labelled 「未送信 (SMTP 未設定)」 throughout: nothing here reached anyone. A row opens the message as it
 * would have been sent (its MIME source; personal data only for customers:read_personal).
 */
import { useState } from 'react';
import { messagingApi, type OutboxItem, type OutboxPage as OutboxPageData } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Icon } from '../../components/Icon.tsx';
import { CursorPager, useCursorPaging } from '../../components/Pager.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../../components/ui.tsx';

export function OutboxPage() {
  const { t } = useI18n();
  const paging = useCursorPaging();
  const { data, error, loading } = useLoad<OutboxPageData>(() => messagingApi.outbox({ cursor: paging.cursor, limit: 50 }), [paging.cursor]);
  const [open, setOpen] = useState<number | null>(null);
  const opened = data?.items.find((m) => m.id === open) ?? null;
  return (
    <div className="page" data-testid="outbox-page">
      <Link to="/campaigns" className="back-link">{t('camp.back')}</Link>
      <PageHeader title={<>{t('outbox.title')} <span className="badge badge-warn camp-not-sent" data-testid="outbox-not-sent">{t('outbox.notSent')}</span></>} sub={t('outbox.lead')} />
      <div className="alert alert-warning camp-outbox-banner" data-testid="outbox-label">
        <Icon name="warn" size={14} /> <strong>{t('outbox.notSent')}</strong> {t('outbox.pageNote')}
      </div>
      <ErrorBanner error={error} />
      <DataTable<OutboxItem>
        testId="outbox-table"
        rows={data?.items ?? (loading ? null : [])}
        loading={loading}
        rowKey={(m) => m.id}
        rowProps={(m) => ({ 'data-testid': 'outbox-row', 'aria-expanded': open === m.id })}
        onRowClick={(m) => setOpen(open === m.id ? null : m.id)}
        empty={t('outbox.empty')}
        emptyTestId="outbox-empty"
        columns={[
          { key: 'at', header: t('outbox.col.at'), cellClassName: 'nowrap tabular small', cell: (m) => formatDateTime(m.createdAt) },
          { key: 'to', header: t('outbox.col.to'), cell: (m) => m.to },
          { key: 'subject', header: t('outbox.col.subject'), cell: (m) => <span className="strong">{m.subject}</span> },
          { key: 'kind', header: t('outbox.col.kind'), cell: (m) => (m.isTest ? <span className="badge">{t('outbox.test')}</span> : m.campaignId ? <Link to={`/campaigns/${m.campaignId}`}>{t('outbox.campaign')}</Link> : '—') },
          { key: 'state', header: t('outbox.col.state'), cell: () => <span className="badge badge-warn">{t('outbox.notSentShort')}</span> },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} summary={<span className="muted small">{t('common.page', { n: paging.page })}</span>} />}
      />
      {opened && (
        <section className="card camp-raw" data-testid="outbox-message">
          <div className="card-header"><h2>{opened.subject}</h2><span className="badge badge-warn">{t('outbox.notSent')}</span></div>
          {opened.raw === null ? <p className="muted small">{t('outbox.rawMasked')}</p> : <pre className="camp-preview-text" data-testid="outbox-raw">{opened.raw}</pre>}
        </section>
      )}
    </div>
  );
}
