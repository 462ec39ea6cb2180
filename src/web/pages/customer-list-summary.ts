/**
 * Pure pieces of the customer list (no React): the line under the table that says how many customers match, and
 * the export links that carry the list's search and filters. Tested in test/web/customer-list-summary.test.ts.
 */
import type { MessageKey } from '../i18n.ts';

export interface ListTotal { count: number; exact: boolean }

/** 「1,234 件中 50 件を表示」, 「10,000 件以上のうち 50 件を表示」 past the server's bound, or just 「50 件を表示」 without a total. */
export function listSummary(total: ListTotal | undefined, shown: number): { key: MessageKey; params: Record<string, string> } {
  const n = shown.toLocaleString('ja-JP');
  if (!total) return { key: 'customers.shown', params: { n } };
  return { key: total.exact ? 'customers.shownOfTotal' : 'customers.shownOfAtLeast', params: { n, total: total.count.toLocaleString('ja-JP') } };
}

/** An export URL with the list's search, filters and sort added (empty ones left out; the URL's own parameters kept). */
export function exportUrlWith(url: string, filters: Record<string, string | undefined>): string {
  const [path, search = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
