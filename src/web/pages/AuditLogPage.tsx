/**
 * 監査ログ: who did what, to which record, when — filtered by user, action, customer and a date range (all in the
 * URL), paged by the API's cursor, and downloadable as CSV under the same filters (the server audits the download).
 */
import { useEffect, useMemo, useState } from 'react';
import { api, type AuditEntry } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button, LinkButton } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { SearchBar } from '../components/SearchBar.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../components/ui.tsx';
import { AUDIT_ACTIONS, AUDIT_FILTER_KEYS, auditFilterProblems, auditPagePath, auditQueryOf, filtersFromSearch, type AuditFilters } from './audit-filters.ts';

const PAGE_SIZE = 50;

export function AuditLogPage() {
  const { t, tOr } = useI18n();
  const { can } = useSession();
  const { search } = useLocation();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const filterKey = AUDIT_FILTER_KEYS.map((k) => filters[k]).join('\u0000');
  const paging = useCursorPaging(filterKey);
  const [customerText, setCustomerText] = useState(filters.customer);
  useEffect(() => setCustomerText(filters.customer), [filters.customer]);
  const users = useLoad(() => (can('users:read') ? api.listUsers() : Promise.resolve({ items: [] })), []);

  const setFilters = (patch: Partial<AuditFilters>) => navigate(auditPagePath({ ...filters, ...patch }), { replace: true });
  const query = auditQueryOf(filters);
  const problems = auditFilterProblems(filters);
  const { cursor } = paging;
  const { data, error, loading } = useLoad(
    () => api.listAuditLog({ ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
    [JSON.stringify(query), cursor],
  );
  const anyFilter = AUDIT_FILTER_KEYS.some((k) => filters[k]);
  const actionText = (action: string) => tOr(`audit.action.${action}`, action);

  return (
    <div className="page" data-testid="audit-log-page">
      <PageHeader
        title={t('audit.title')}
        sub={t('audit.lead')}
        actions={<LinkButton href={api.auditExportUrl(query)} download data-testid="audit-export">{t('audit.export')}</LinkButton>}
      />
      <SearchBar
        value={customerText}
        onChange={setCustomerText}
        onSearch={(id) => setFilters({ customer: id })}
        placeholder={t('audit.customerPlaceholder')}
        buttonLabel={t('audit.apply')}
        testId="audit-customer"
      />
      <div className="filterbar" data-testid="audit-filters">
        <select aria-label={t('audit.user')} value={filters.user} onChange={(e) => setFilters({ user: e.target.value })} data-testid="audit-filter-user">
          <option value="">{t('audit.user')}: {t('common.all')}</option>
          {filters.user && !users.data?.items.some((u) => u.id === filters.user) && <option value={filters.user}>{filters.user.slice(0, 8)}…</option>}
          {(users.data?.items ?? []).map((u) => <option key={u.id} value={u.id}>{u.displayName} ({u.email})</option>)}
        </select>
        <select aria-label={t('audit.action')} value={filters.action} onChange={(e) => setFilters({ action: e.target.value })} data-testid="audit-filter-action">
          <option value="">{t('audit.action')}: {t('common.all')}</option>
          {filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action) && <option value={filters.action}>{filters.action}</option>}
          {AUDIT_ACTIONS.map((a) => <option key={a} value={a}>{actionText(a)}</option>)}
        </select>
        <label className="inline-field">
          <span className="muted small">{t('audit.from')}</span>
          <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters({ from: e.target.value })} data-testid="audit-filter-from" />
        </label>
        <label className="inline-field">
          <span className="muted small">{t('audit.to')}</span>
          <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} data-testid="audit-filter-to" />
        </label>
        {anyFilter && (
          <Button variant="link" onClick={() => navigate('/audit-log', { replace: true })} data-testid="audit-filter-clear">{t('audit.clear')}</Button>
        )}
      </div>
      {problems.includes('customer') && <div className="alert alert-error" data-testid="audit-problem">{t('audit.badCustomer')}</div>}
      {problems.includes('range') && <div className="alert alert-error" data-testid="audit-problem">{t('audit.badRange')}</div>}
      <ErrorBanner error={error ?? users.error} />
      <DataTable
        testId="audit-table"
        rows={data?.items}
        loading={loading}
        rowKey={(e) => e.id}
        rowProps={(e) => ({ 'data-testid': 'audit-row', 'data-action': e.action })}
        empty={t('audit.empty')}
        columns={[
          { key: 'at', header: t('audit.at'), cellClassName: 'nowrap tabular', cell: (e) => formatDateTime(e.occurredAt) },
          {
            key: 'user',
            header: t('audit.user'),
            cell: (e) => <>
              {e.actorLabel ?? <span className="muted">{t('audit.system')}</span>}
              {e.via === 'api_key' && <span className="badge" style={{ marginLeft: 6 }}>{t('audit.viaApiKey')}</span>}
            </>,
          },
          { key: 'action', header: t('audit.action'), cell: (e) => <><div>{actionText(e.action)}</div><code className="muted small">{e.action}</code></> },
          { key: 'target', header: t('audit.target'), cell: (e) => <Target entry={e} onFilter={(id) => setFilters({ customer: id })} /> },
          { key: 'details', header: t('audit.details'), cell: (e) => <Details details={e.details} /> },
          { key: 'ip', header: t('audit.ip'), cellClassName: 'nowrap muted small', cell: (e) => e.ip },
        ]}
        pager={(
          <CursorPager
            paging={paging}
            data={data}
            loading={loading}
            summary={<span className="muted small">{data ? t('audit.shown', { n: data.items.length }) : ''}{paging.page > 1 && ` · ${t('common.page', { n: paging.page })}`}</span>}
          />
        )}
      />
    </div>
  );
}

/** The record an entry is about: a customer links to the customer and offers to filter by it; others show type and id. */
function Target({ entry, onFilter }: { entry: AuditEntry; onFilter: (customerId: string) => void }) {
  const { t, tOr } = useI18n();
  if (!entry.entityType) return <span className="muted">—</span>;
  const type = tOr(`audit.entity.${entry.entityType}`, entry.entityType);
  if (entry.entityType === 'customer' && entry.entityId) {
    const id = entry.entityId;
    return <>
      <Link to={`/customers/${id}`}>{type} <code className="small">{id.slice(0, 8)}</code></Link>{' '}
      <Button variant="link" small onClick={() => onFilter(id)} title={t('audit.filterCustomer')} data-testid="audit-filter-this">{t('audit.filterThis')}</Button>
    </>;
  }
  return <>{type} {entry.entityId && <code className="small">{entry.entityId.length > 12 ? `${entry.entityId.slice(0, 8)}…` : entry.entityId}</code>}</>;
}

/** The entry's details, compact: key: value pairs, each value as JSON when it is not text. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  const text = entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
  return <span className="small mono audit-details" title={text}>{text.length > 140 ? `${text.slice(0, 140)}…` : text}</span>;
}
