/**
 * 送信箱: campaign e-mails kept, not sent, because no SMTP server is configured (DAICHO_SMTP_URL). Newest first,
 * paged; the whole message (as it would have gone out) only for roles that may see personal data.
 */
import { useState } from 'react';
import { api } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../components/ui.tsx';

const PAGE_SIZE = 50;

export function OutboxPage() {
  const { t } = useI18n();
  const paging = useCursorPaging();
  const { cursor } = paging;
  const { data, error, loading } = useLoad(() => api.listOutbox({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }), [cursor]);
  const settings = useLoad(() => api.messagingSettings(), []);
  const [open, setOpen] = useState<number | null>(null);
  const shown = data?.items.find((m) => m.id === open) ?? null;
  return (
    <div className="page" data-testid="outbox-page">
      <PageHeader title={t('outbox.title')} sub={t('outbox.lead')} />
      <div className="alert alert-warning" role="status" data-testid="outbox-not-sent">
        <strong>{t('outbox.notSent')}</strong>{' '}
        {settings.data?.delivery === 'smtp' ? t('outbox.smtpNow') : t('outbox.noSmtp')}
      </div>
      <ErrorBanner error={error} />
      <DataTable
        testId="outbox-table"
        rows={data?.items}
        loading={loading}
        rowKey={(m) => m.id}
        rowProps={() => ({ 'data-testid': 'outbox-row' })}
        empty={t('outbox.empty')}
        columns={[
          { key: 'at', header: t('outbox.at'), cellClassName: 'nowrap tabular', cell: (m) => formatDateTime(m.createdAt) },
          { key: 'to', header: t('outbox.to'), cell: (m) => <span className="mono small">{m.to}</span> },
          {
            key: 'subject',
            header: t('outbox.subject'),
            cell: (m) => <>{m.isTest && <span className="badge" style={{ marginRight: 6 }}>{t('outbox.test')}</span>}{m.subject}</>,
          },
          { key: 'status', header: t('outbox.status'), cellClassName: 'nowrap', cell: () => <span className="badge">{t('outbox.unsent')}</span> },
          {
            key: 'raw',
            header: '',
            cell: (m) => (m.raw === null ? <span className="muted small">{t('outbox.rawHidden')}</span>
              : <Button small variant="link" onClick={() => setOpen(open === m.id ? null : m.id)} data-testid="outbox-show">{open === m.id ? t('outbox.hide') : t('outbox.show')}</Button>),
          },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} />}
      />
      {shown?.raw && (
        <div className="card" data-testid="outbox-message">
          <pre className="small" data-testid="outbox-text" style={{ whiteSpace: 'pre-wrap' }}>{shown.text}</pre>
          <details>
            <summary className="small">{t('outbox.raw')}</summary>
            <pre className="small mono" data-testid="outbox-raw" style={{ whiteSpace: 'pre-wrap', maxHeight: '60vh', overflow: 'auto' }}>{shown.raw}</pre>
          </details>
        </div>
      )}
    </div>
  );
}
