/**
 * 顧客一覧: one search box (name, フリガナ, company, e-mail, phone in any width), filters, sort, a column
 * chooser remembered in localStorage, and cursor paging. The search and filters live in the URL, so the
 * back button from a customer returns to the same list. With identity:resolve, rows can be selected (across searches
 * and pages) and merged into one customer: duplicates the import did not merge on its own.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type CustomerListItem, type CustomerListQuery } from '../api.ts';
import { useCompanies, useOwners, useSources } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button, buttonClass, LinkButton } from '../components/Button.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import type { SortDirection } from '../components/list-state.ts';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { SearchBar } from '../components/SearchBar.tsx';
import { ErrorBanner, MaskBanner, PageHeader, useLoad } from '../components/ui.tsx';
import { useCustomerCell, type CustomerColumnKey } from '../components/CustomerCells.tsx';
import { ExportMenu } from './ImportExportMenu.tsx';
import { listSummary, type ListTotal } from './customer-list-summary.ts';

type ColumnKey = CustomerColumnKey;

/** The list's sorts: by reading (フリガナ) A→Z, or newest first. */
const SORTS = { name: 'ascending', updated: 'descending', created: 'descending' } as const satisfies Record<string, SortDirection>;

const COLUMNS: Array<{ key: ColumnKey; label: MessageKey; sort?: keyof typeof SORTS; fixed?: boolean }> = [
  { key: 'name', label: 'field.name', sort: 'name', fixed: true },
  { key: 'kana', label: 'field.kana' },
  { key: 'company', label: 'field.company' },
  { key: 'department', label: 'field.department' },
  { key: 'title', label: 'field.title' },
  { key: 'email', label: 'field.email' },
  { key: 'phone', label: 'field.phone' },
  { key: 'prefecture', label: 'field.prefecture' },
  { key: 'stage', label: 'field.lifecycleStage' },
  { key: 'channel', label: 'field.acquisitionChannel' },
  { key: 'owner', label: 'field.owner' },
  { key: 'updatedAt', label: 'field.updatedAt', sort: 'updated' },
  { key: 'createdAt', label: 'field.createdAt', sort: 'created' },
];
const DEFAULT_COLUMNS: ColumnKey[] = ['name', 'kana', 'company', 'title', 'email', 'phone', 'prefecture', 'stage', 'owner', 'updatedAt'];
const COLUMNS_KEY = 'daicho.customers.columns';
const FILTER_KEYS = ['q', 'stage', 'source', 'owner', 'prefecture', 'company', 'sort'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;
const PAGE_SIZE = 50;

function loadColumns(): ColumnKey[] {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') as unknown;
    if (Array.isArray(saved)) {
      const valid = saved.filter((k): k is ColumnKey => COLUMNS.some((c) => c.key === k));
      if (valid.length) return valid.includes('name') ? valid : ['name', ...valid];
    }
  } catch {
    // fall back to the defaults
  }
  return DEFAULT_COLUMNS;
}

export function CustomerListPage() {
  const { t, label } = useI18n();
  const { me, reference, can } = useSession();
  const { search } = useLocation();
  const filters = useMemo(() => {
    const f = {} as Filters;
    for (const key of FILTER_KEYS) f[key] = search.get(key) ?? '';
    return f;
  }, [search]);
  const filterKey = FILTER_KEYS.map((k) => filters[k]).join('\u0000');

  const [text, setText] = useState(filters.q);
  // The pages belong to one search, so a new search starts at page 1.
  const paging = useCursorPaging(filterKey);
  const [columns, setColumns] = useState<ColumnKey[]>(loadColumns);
  const owners = useOwners();
  const sources = useSources();
  const companies = useCompanies();
  // Customers chosen for a manual merge, in the order chosen (the first is kept); names kept for the bar and dialog.
  const [selected, setSelected] = useState<Array<{ id: string; name: string }>>([]);
  const [merging, setMerging] = useState(false);
  const [mergeError, setMergeError] = useState<unknown>(null);
  const mayMerge = can('identity:resolve');
  const toggleSelected = (c: CustomerListItem) =>
    setSelected((list) => (list.some((x) => x.id === c.id) ? list.filter((x) => x.id !== c.id) : [...list, { id: c.id, name: c.displayName || '—' }]));
  const mergeSelected = async () => {
    if (selected.length < 2) return;
    const [target] = selected;
    const ok = window.confirm(t('customers.mergeConfirm', { n: selected.length, target: target!.name, names: selected.map((x) => `・${x.name}`).join('\n') }));
    if (!ok) return;
    setMerging(true);
    setMergeError(null);
    try {
      const result = await api.mergeCustomers(selected.map((x) => x.id));
      setSelected([]);
      navigate(`/customers/${result.customerId}`);
    } catch (e) {
      setMergeError(e);
    } finally {
      setMerging(false);
    }
  };


  const setFilters = (patch: Partial<Filters>, replace = false) => {
    const next = { ...filters, ...patch };
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (next[key]) params.set(key, next[key]);
    const qs = params.toString();
    navigate(`/customers${qs ? `?${qs}` : ''}`, { replace });
  };

  // The query the box last pushed to the URL: another one there (back button, "clear") is shown in the box.
  const pushed = useRef(filters.q);
  const pushQuery = (query: string) => {
    pushed.current = query;
    setFilters({ q: query }, true);
  };
  useEffect(() => {
    if (filters.q !== pushed.current) {
      pushed.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);

  // The column chooser closes on a click anywhere else.
  const chooser = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (event: globalThis.MouseEvent) => {
      if (chooser.current?.open && !chooser.current.contains(event.target as Node)) chooser.current.open = false;
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);

  const { cursor } = paging;
  const query: CustomerListQuery = {
    limit: PAGE_SIZE,
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.stage ? { stage: filters.stage } : {}),
    ...(filters.source ? { source: filters.source } : {}),
    ...(filters.owner ? { owner: filters.owner } : {}),
    ...(filters.prefecture ? { prefecture: filters.prefecture } : {}),
    ...(filters.company ? { companyId: filters.company } : {}),
    ...(filters.sort === 'name' || filters.sort === 'created' || filters.sort === 'updated' ? { sort: filters.sort } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const { data, error, loading } = useLoad(
    async () => ({ ...(await api.listCustomers(query)), loadedQuery: filters.q, loadedKey: filterKey }),
    [JSON.stringify(query)],
  );
  // The first page brings the total; the later pages of the same search show the one it brought.
  const totals = useRef(new Map<string, ListTotal>());
  if (data?.total && data.loadedKey === filterKey) totals.current.set(filterKey, data.total);
  const total = totals.current.get(filterKey);
  const summary = data ? listSummary(total, data.items.length) : null;
  const { cursor: _cursor, limit: _limit, ...exportFilters } = query;

  const toggleColumn = (key: ColumnKey) => {
    const next = columns.includes(key) ? columns.filter((c) => c !== key) : COLUMNS.map((c) => c.key).filter((k) => k === key || columns.includes(k));
    setColumns(next);
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
    } catch {
      // ignore
    }
  };

  const shown = COLUMNS.filter((c) => columns.includes(c.key));
  const sort = filters.sort || 'updated';
  const ranked = Boolean(filters.q);
  const anyFilter = FILTER_KEYS.some((k) => k !== 'sort' && filters[k]);
  const masked = !can('customers:read_personal');
  const cell = useCustomerCell();

  const tableColumns: Array<Column<CustomerListItem> | false> = [
    mayMerge && {
      key: 'select',
      header: null,
      className: 'col-select',
      headerProps: { 'aria-label': t('customers.select') },
      cell: (c) => (
        <input type="checkbox" aria-label={`${t('customers.select')}: ${c.displayName}`} checked={selected.some((x) => x.id === c.id)}
          onChange={() => toggleSelected(c)} data-testid="customer-select" />
      ),
    },
    ...shown.map((col): Column<CustomerListItem> => ({
      key: col.key,
      header: t(col.label),
      className: `col-${col.key}`,
      ...(col.sort ? { sort: { key: col.sort, direction: SORTS[col.sort] } } : {}),
      cell: (c) => cell(c, col.key),
    })),
  ];

  return (
    <div className="page" data-testid="customer-list-page">
      <PageHeader
        title={t('customers.title')}
        actions={<>
          <ExportMenu filters={exportFilters} />
          {can('customers:write') && <LinkButton to="/customers/new" variant="primary" data-testid="customer-new">{t('customers.new')}</LinkButton>}
        </>}
      />
      {masked && <MaskBanner />}
      <SearchBar
        value={text}
        onChange={setText}
        onSearch={pushQuery}
        debounceMs={300}
        placeholder={t('customers.search')}
        buttonLabel={t('customers.searchButton')}
        testId="customer-search"
      />
      <div className="filterbar" data-testid="customer-filters">
        <select aria-label={t('field.lifecycleStage')} value={filters.stage} onChange={(e) => setFilters({ stage: e.target.value })} data-testid="filter-stage">
          <option value="">{t('field.lifecycleStage')}: {t('common.all')}</option>
          {(reference?.lifecycleStages ?? []).map((s) => <option key={s.code} value={s.code}>{label(s)}</option>)}
        </select>
        {sources.length > 0 && (
          <select aria-label={t('field.source')} value={filters.source} onChange={(e) => setFilters({ source: e.target.value })} data-testid="filter-source">
            <option value="">{t('field.source')}: {t('common.all')}</option>
            {sources.map((s) => <option key={s.id} value={s.name}>{s.name === 'manual' ? t('provenance.manual') : s.label}</option>)}
          </select>
        )}
        <select aria-label={t('field.owner')} value={filters.owner} onChange={(e) => setFilters({ owner: e.target.value })} data-testid="filter-owner">
          <option value="">{t('field.owner')}: {t('common.all')}</option>
          {me && <option value={me.user.id}>{t('customers.ownerMe')}</option>}
          {owners.filter((o) => o.id !== me?.user.id).map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
        </select>
        <select aria-label={t('field.prefecture')} value={filters.prefecture} onChange={(e) => setFilters({ prefecture: e.target.value })} data-testid="filter-prefecture">
          <option value="">{t('field.prefecture')}: {t('common.all')}</option>
          {(reference?.prefectures ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <select aria-label={t('field.company')} value={filters.company} onChange={(e) => setFilters({ company: e.target.value })} data-testid="filter-company">
          <option value="">{t('field.company')}: {t('common.all')}</option>
          {filters.company && !companies.some((c) => c.id === filters.company) && <option value={filters.company}>{filters.company.slice(0, 8)}…</option>}
          {companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <select aria-label={t('customers.sort')} value={sort} onChange={(e) => setFilters({ sort: e.target.value === 'updated' ? '' : e.target.value })} disabled={ranked} data-testid="sort">
          <option value="updated">{t('customers.sort.updated')}</option>
          <option value="created">{t('customers.sort.created')}</option>
          <option value="name">{t('customers.sort.name')}</option>
        </select>
        {anyFilter && (
          <Button variant="link" onClick={() => { setText(''); navigate('/customers'); }} data-testid="filter-clear">
            {t('customers.clear')}
          </Button>
        )}
        <details className="dropdown column-chooser" data-testid="column-chooser" ref={chooser}>
          <summary className={buttonClass({ small: true })}>{t('customers.columns')} ▾</summary>
          <div className="dropdown-panel">
            {COLUMNS.map((c) => (
              <label key={c.key} className="check">
                <input type="checkbox" checked={columns.includes(c.key)} disabled={c.fixed} onChange={() => toggleColumn(c.key)} data-testid={`column-toggle-${c.key}`} />
                {t(c.label)}
              </label>
            ))}
          </div>
        </details>
      </div>
      {ranked && <div className="muted small ranked-note">{t('customers.rankedNote')}</div>}
      <ErrorBanner error={error ?? mergeError} />
      {mayMerge && selected.length > 0 && (
        <div className="alert alert-info merge-bar" role="region" aria-label={t('customers.merge')} data-testid="merge-bar">
          <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
            <strong data-testid="merge-count">{t('customers.selected', { n: selected.length })}</strong>
            <span className="small">
              {t('customers.mergeInto')}: <Link to={`/customers/${selected[0]!.id}`}>{selected[0]!.name}</Link>
              {selected.length > 1 && <span className="muted"> ← {selected.slice(1).map((x) => x.name).join('、')}</span>}
            </span>
            <span style={{ marginLeft: 'auto', display: 'flex', gap: 8 }}>
              <Button variant="primary" small disabled={selected.length < 2 || merging} onClick={() => void mergeSelected()} data-testid="merge-selected">
                {t('customers.merge')}
              </Button>
              <Button variant="ghost" small disabled={merging} onClick={() => setSelected([])} data-testid="merge-clear">{t('customers.clearSelection')}</Button>
            </span>
          </div>
          <div className="muted small" style={{ marginTop: 4 }}>{t('customers.mergeHint')}</div>
        </div>
      )}
      <DataTable
        testId="customer-table"
        className="table table-zebra table-hover"
        tableProps={{ 'data-loaded-q': data?.loadedQuery ?? '', 'aria-busy': loading }}
        rows={data?.items}
        loading={loading}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-testid': 'customer-row', 'data-id': c.id })}
        onRowClick={(c) => navigate(`/customers/${c.id}`)}
        empty={t('customers.empty')}
        emptyTestId="customer-empty"
        columns={tableColumns}
        sort={ranked ? undefined : { active: sort, onSort: (key) => setFilters({ sort: key === 'updated' ? '' : key }) }}
        pager={(
          <CursorPager
            paging={paging}
            data={data}
            loading={loading}
            summary={(
              <span className="muted small">
                <span data-testid="customer-total">{summary ? t(summary.key, summary.params) : ''}</span>
                {paging.page > 1 && ` · ${t('common.page', { n: paging.page })}`}
                {loading && data && ` · ${t('common.loading')}`}
              </span>
            )}
          />
        )}
      />
    </div>
  );
}
