/**
 * 顧客の声 (issue 24): the inbox of every channel's feedback, newest first, with its filters in the URL (a filtered
 * inbox is a link to save or share): status 新規 / 対応中 / 完了, tag, sentiment, channel, team, owner, product, the
 * received dates and a text search. Each row shows the sentiment, the tags, the customer (masked as the API answers
 * for roles without personal data), the team / owner and the due date. CSV 出力 under the same filters (audited by
 * the server); 週次ダイジェスト and (voice:settings) 設定.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { voiceApi, type VoiceItem } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useOwners } from '../../hooks.ts';
import { useI18n } from '../../i18n.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button, LinkButton } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { CursorPager, useCursorPaging } from '../../components/Pager.tsx';
import { SearchBar } from '../../components/SearchBar.tsx';
import { ErrorBanner, MaskBanner, PageHeader, useLoad } from '../../components/ui.tsx';
import { ChannelLabel, SentimentBadge, TagChips, VoiceStatusBadge, useVoiceChoices } from './parts.tsx';
import {
  activeFilterCount, emptyVoiceFilters, isOverdue, statusesOf, todayInJapan, toggleStatus, voiceFiltersFromSearch, voiceInboxPath, voiceQueryOf,
  VOICE_CHANNEL_CODES, VOICE_FILTER_KEYS, VOICE_SENTIMENT_CODES, VOICE_STATUS_CODES, type VoiceFilters,
} from './voice-filters.ts';

const PAGE_SIZE = 50;

export function VoiceInboxPage() {
  const { t } = useI18n();
  const { can, me } = useSession();
  const { search } = useLocation();
  const filters = useMemo(() => voiceFiltersFromSearch(search), [search]);
  const filterKey = VOICE_FILTER_KEYS.map((k) => filters[k]).join('\u0000');
  const paging = useCursorPaging(filterKey);
  const owners = useOwners();
  const { teams, tags } = useVoiceChoices();
  const [text, setText] = useState(filters.q);

  const setFilters = (next: VoiceFilters, replace = false) => navigate(voiceInboxPath(next), { replace });
  const setFilter = (key: keyof VoiceFilters, value: string) => setFilters({ ...filters, [key]: value });

  // The query the box last pushed to the URL: another one there (back button, 「条件をクリア」) is shown in the box.
  const pushed = useRef(filters.q);
  useEffect(() => {
    if (filters.q !== pushed.current) {
      pushed.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);

  const query = voiceQueryOf(filters);
  const { cursor } = paging;
  const { data, error, loading } = useLoad(() => voiceApi.list({ ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }), [JSON.stringify(query), cursor]);
  const today = todayInJapan();
  const statuses = statusesOf(filters);
  const anyFilter = activeFilterCount(filters) > 0 || filters.q !== '';
  const masked = !can('customers:read_personal');
  const customerFilterName = filters.customerId ? data?.items.find((x) => x.customerId === filters.customerId)?.customerName : null;

  return (
    <div className="page" data-testid="voice-inbox-page">
      <PageHeader
        title={t('voice.title')}
        sub={t('voice.lead')}
        actions={
          <>
            <LinkButton to="/voice/digest" data-testid="voice-digest-link">{t('voice.digest')}</LinkButton>
            {can('voice:write') && <LinkButton to="/voice/import" data-testid="voice-import-link">{t('voice.import.link')}</LinkButton>}
            {can('voice:settings') && <LinkButton to="/voice/settings" data-testid="voice-settings-link">{t('voice.settings')}</LinkButton>}
            {can('voice:export') && (
              <LinkButton href={voiceApi.exportUrl(query)} title={t('voice.exportTitle')} data-testid="voice-export" download>{t('voice.export')}</LinkButton>
            )}
          </>
        }
      />
      {masked && <MaskBanner />}
      <SearchBar
        value={text}
        onChange={setText}
        onSearch={(q) => { pushed.current = q; setFilters({ ...filters, q }, true); }}
        debounceMs={400}
        placeholder={t('voice.search')}
        testId="voice-search"
      />
      <div className="filterbar voice-filters" data-testid="voice-filters">
        <span className="voice-status-filter" role="group" aria-label={t('voice.f.status')}>
          {VOICE_STATUS_CODES.map((s) => (
            <button key={s} type="button" className={`chip${statuses.includes(s) ? ' chip-on' : ''}`} aria-pressed={statuses.includes(s)}
              onClick={() => setFilters(toggleStatus(filters, s))} data-testid={`filter-status-${s}`}>
              {t(`voice.status.${s}`)}
            </button>
          ))}
        </span>
        <select aria-label={t('voice.f.sentiment')} value={filters.sentiment} onChange={(e) => setFilter('sentiment', e.target.value)} data-testid="filter-sentiment">
          <option value="">{t('voice.f.sentiment')}: {t('voice.f.any')}</option>
          {VOICE_SENTIMENT_CODES.map((s) => <option key={s} value={s}>{t(`voice.sentiment.${s}`)}</option>)}
        </select>
        <select aria-label={t('voice.f.tag')} value={filters.tag} onChange={(e) => setFilter('tag', e.target.value)} data-testid="filter-tag">
          <option value="">{t('voice.f.tag')}: {t('voice.f.any')}</option>
          {[...new Set([...tags, ...(filters.tag ? [filters.tag] : [])])].map((x) => <option key={x} value={x}>{x}</option>)}
        </select>
        <select aria-label={t('voice.f.channel')} value={filters.channel} onChange={(e) => setFilter('channel', e.target.value)} data-testid="filter-channel">
          <option value="">{t('voice.f.channel')}: {t('voice.f.any')}</option>
          {VOICE_CHANNEL_CODES.map((c) => <option key={c} value={c}>{t(`voice.channel.${c}`)}</option>)}
        </select>
        <select aria-label={t('voice.f.team')} value={filters.teamId} onChange={(e) => setFilter('teamId', e.target.value)} data-testid="filter-team">
          <option value="">{t('voice.f.team')}: {t('voice.f.any')}</option>
          {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
        </select>
        <select aria-label={t('voice.f.assignee')} value={filters.assigneeUserId} onChange={(e) => setFilter('assigneeUserId', e.target.value)} data-testid="filter-assignee">
          <option value="">{t('voice.f.assignee')}: {t('voice.f.any')}</option>
          {me && <option value="me">{t('voice.f.assigneeMe')}</option>}
          <option value="none">{t('voice.f.assigneeNone')}</option>
          {owners.filter((o) => o.id !== me?.user.id).map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
        </select>
        <input className="voice-sku-filter" placeholder={t('voice.f.product')} aria-label={t('voice.f.product')} defaultValue={filters.product} key={`sku-${filters.product}`}
          onBlur={(e) => { if (e.target.value.trim() !== filters.product) setFilter('product', e.target.value.trim()); }}
          onKeyDown={(e) => { if (e.key === 'Enter') setFilter('product', e.currentTarget.value.trim()); }} data-testid="filter-product" />
        <label className="inline-field">
          <span className="small muted">{t('voice.f.from')}</span>
          <input type="date" value={filters.from} onChange={(e) => setFilter('from', e.target.value)} data-testid="filter-from" />
        </label>
        <label className="inline-field">
          <span className="small muted">{t('voice.f.to')}</span>
          <input type="date" value={filters.to} onChange={(e) => setFilter('to', e.target.value)} data-testid="filter-to" />
        </label>
        {anyFilter && <Button small variant="ghost" onClick={() => setFilters(emptyVoiceFilters())} data-testid="voice-clear-filters">{t('voice.clearFilters')}</Button>}
      </div>
      {(filters.customerId || filters.groupId) && (
        <div className="chips" data-testid="voice-scoped">
          {filters.customerId && (
            <button type="button" className="chip chip-on" onClick={() => setFilter('customerId', '')}>
              {t('voice.f.customer')}{customerFilterName ? `: ${customerFilterName}` : ''} ×
            </button>
          )}
          {filters.groupId && <button type="button" className="chip chip-on" onClick={() => setFilter('groupId', '')}>{t('voice.f.group')} ×</button>}
        </div>
      )}
      <ErrorBanner error={error} />
      <DataTable<VoiceItem>
        testId="voice-table"
        rows={data?.items}
        loading={loading}
        rowKey={(x) => x.id}
        rowProps={(x) => ({ 'data-testid': 'voice-row', 'data-id': x.id, 'data-status': x.status, 'data-sentiment': x.sentiment })}
        onRowClick={(x) => navigate(`/voice/${x.id}`)}
        empty={anyFilter ? t('voice.empty') : t('voice.emptyAll')}
        emptyTestId="voice-empty"
        pager={<CursorPager paging={paging} data={data} loading={loading} summary={data ? <span className="muted small">{t('voice.shown', { n: data.items.length })} · {t('common.page', { n: paging.page })}</span> : undefined} />}
        columns={[
          { key: 'received', header: t('voice.col.received'), cellClassName: 'nowrap tabular small', cell: (x) => (
            <>
              <div>{formatDateTime(x.receivedAt)}</div>
              <ChannelLabel channel={x.channel} />
            </>
          ) },
          { key: 'customer', header: t('voice.col.customer'), className: 'voice-col-customer', cell: (x) => (
            <Link to={`/customers/${x.customerId}`} className="row-link" onClick={(e) => e.stopPropagation()} data-testid="voice-customer">
              <span className={x.masked ? 'masked-value' : undefined}>{x.customerName ?? t('voice.unknownCustomer')}</span>
            </Link>
          ) },
          { key: 'text', header: t('voice.col.text'), className: 'voice-col-text', cell: (x) => (
            <Link to={`/voice/${x.id}`} className="row-link voice-text-cell" data-testid="voice-link">
              {x.subject && <strong className={x.masked ? 'masked-value' : undefined}>{x.subject} </strong>}
              <span className={x.masked ? 'masked-value' : undefined}>{x.text}</span>
            </Link>
          ) },
          { key: 'sentiment', header: t('voice.col.sentiment'), cell: (x) => <SentimentBadge sentiment={x.sentiment} score={x.sentimentScore} /> },
          { key: 'tags', header: t('voice.col.tags'), className: 'voice-col-tags', cell: (x) => <TagChips tags={x.tags} /> },
          { key: 'status', header: t('voice.col.status'), cell: (x) => <VoiceStatusBadge status={x.status} /> },
          { key: 'owner', header: t('voice.col.owner'), cellClassName: 'small', cell: (x) => (
            x.teamName || x.assigneeName
              ? <><div data-testid="voice-team">{x.teamName}</div><div className="muted" data-testid="voice-assignee">{x.assigneeName}</div></>
              : <span className="muted">{t('voice.unassigned')}</span>
          ) },
          { key: 'due', header: t('voice.col.due'), cellClassName: 'nowrap tabular small', cell: (x) => (
            x.dueOn
              ? <>{formatDate(x.dueOn)}{isOverdue(x, today) && <div><span className="badge badge-danger" data-testid="voice-overdue">{t('voice.overdue')}</span></div>}</>
              : <span className="muted">—</span>
          ) },
        ]}
      />
    </div>
  );
}
