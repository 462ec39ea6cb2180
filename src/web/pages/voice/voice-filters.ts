/**
 * The inbox's filters, pure (no React, no fetch): what the URL holds, so a filtered inbox is a link one can save or
 * share, and the API query it becomes. Tested in test/web/voice-filters.test.ts.
 */
import type { VoiceQuery } from '../../api.ts';

/** The URL keys are the API's own (GET /voice/items). */
export const VOICE_FILTER_KEYS = ['status', 'tag', 'sentiment', 'channel', 'teamId', 'assigneeUserId', 'product', 'customerId', 'groupId', 'from', 'to', 'q'] as const;
export type VoiceFilterKey = (typeof VOICE_FILTER_KEYS)[number];
export type VoiceFilters = Record<VoiceFilterKey, string>;

export const VOICE_STATUS_CODES = ['new', 'in_progress', 'done'] as const;
export const VOICE_SENTIMENT_CODES = ['positive', 'neutral', 'negative'] as const;
export const VOICE_CHANNEL_CODES = ['form', 'email', 'import', 'note', 'api'] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/u;

export function emptyVoiceFilters(): VoiceFilters {
  return Object.fromEntries(VOICE_FILTER_KEYS.map((k) => [k, ''])) as VoiceFilters;
}

export function voiceFiltersFromSearch(search: URLSearchParams): VoiceFilters {
  const f = emptyVoiceFilters();
  for (const key of VOICE_FILTER_KEYS) f[key] = search.get(key)?.trim() ?? '';
  return f;
}

/** The inbox URL showing these filters (empty ones left out, in a fixed order so equal filters give one URL). */
export function voiceInboxPath(filters: Partial<VoiceFilters>): string {
  const params = new URLSearchParams();
  for (const key of VOICE_FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  const qs = params.toString();
  return `/voice${qs ? `?${qs}` : ''}`;
}

/** The statuses ticked in the filter (a comma-separated list in the URL), known ones only, in their usual order. */
export function statusesOf(filters: Pick<VoiceFilters, 'status'>): string[] {
  const given = new Set(filters.status.split(',').map((s) => s.trim()));
  return VOICE_STATUS_CODES.filter((s) => given.has(s));
}

/** The status filter with one status ticked or unticked. */
export function toggleStatus(filters: VoiceFilters, status: string): VoiceFilters {
  const on = new Set(statusesOf(filters));
  if (on.has(status)) on.delete(status);
  else on.add(status);
  return { ...filters, status: VOICE_STATUS_CODES.filter((s) => on.has(s)).join(',') };
}

/**
 * The API query of the filters. Values the API would refuse with a 400 (a malformed date, an unknown status) are
 * left out rather than sent: a hand-edited URL shows the inbox with that filter off, not an error.
 */
export function voiceQueryOf(filters: VoiceFilters): VoiceQuery {
  const query: VoiceQuery = {};
  for (const key of VOICE_FILTER_KEYS) {
    const value = filters[key].trim();
    if (!value) continue;
    if (key === 'status') {
      const statuses = statusesOf(filters);
      if (statuses.length) query.status = statuses.join(',');
    } else if (key === 'from' || key === 'to') {
      if (DATE.test(value)) query[key] = value;
    } else if (key === 'sentiment') {
      if ((VOICE_SENTIMENT_CODES as readonly string[]).includes(value)) query.sentiment = value;
    } else if (key === 'channel') {
      if ((VOICE_CHANNEL_CODES as readonly string[]).includes(value)) query.channel = value;
    } else {
      query[key] = value;
    }
  }
  if (query.from && query.to && query.from > query.to) delete query.to;
  return query;
}

/** How many filters are set (the badge on 「絞り込み」), the text search not counted. */
export function activeFilterCount(filters: VoiceFilters): number {
  return VOICE_FILTER_KEYS.filter((k) => k !== 'q' && filters[k].trim() !== '').length;
}

/** Today in Japan (YYYY-MM-DD): due dates are Japan calendar days. */
export function todayInJapan(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** Overdue: a due date before today (Japan) on an item not done. */
export function isOverdue(item: { dueOn: string | null; status: string }, today: string): boolean {
  return item.status !== 'done' && item.dueOn !== null && item.dueOn < today;
}

/** A calendar day (YYYY-MM-DD) moved by `days` (the digest's previous / next week); a malformed day stays as it is. */
export function shiftDay(day: string, days: number): string {
  if (!DATE.test(day)) return day;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
