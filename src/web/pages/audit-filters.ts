/**
 * The audit log page's filters, pure (no React, no fetch): what the URL holds (user, action, customer, a date range
 * in the browser's calendar) and the API query they become. Tested in test/web/audit-filters.test.ts.
 */
import type { AuditQuery } from '../api.ts';

export const AUDIT_FILTER_KEYS = ['user', 'action', 'customer', 'from', 'to'] as const;
export type AuditFilters = Record<(typeof AUDIT_FILTER_KEYS)[number], string>;

/** The actions the services record (src/**: audit(db, actor, '<action>', …)), for the action filter's choices. */
export const AUDIT_ACTIONS = [
  'customer.view', 'customer.create', 'customer.update', 'customer.delete', 'customer.note', 'consent.record',
  'export.customers', 'export.links', 'export.segment', 'export.rfm', 'audit.export',
  'segment.create', 'segment.update', 'segment.delete', 'segment.refresh', 'recommend.run', 'export.recommendations',
  'campaign.create', 'campaign.update', 'campaign.delete', 'campaign.schedule', 'campaign.start', 'campaign.pause', 'campaign.resume',
  'campaign.cancel', 'campaign.unknown_decided', 'campaign.returned_mail', 'campaign.returned_mail_import', 'export.dm_list', 'export.dm_labels', 'export.campaign_audience',
  'trigger.create', 'trigger.update', 'trigger.delete', 'trigger.run', 'task.done',
  'privacy.request.create', 'privacy.request.update', 'privacy.use_stop', 'privacy.use_resume', 'privacy.provision_stop', 'privacy.erase', 'privacy.disclosure.generate', 'privacy.disclosure.download', 'privacy.tombstone_match.dismiss', 'export.provision',
  'voice.create', 'voice.update', 'voice.tag', 'voice.comment', 'voice.reply', 'voice.import', 'voice.export', 'voice.settings',
  'identity.merge', 'identity.auto_merge', 'identity.unmerge', 'identity.quarantine_retry',
  'import.run', 'order.import', 'order.put', 'event.import', 'event.create', 'event.update', 'event.register', 'event.attendance',
  'company.create', 'company.update', 'company.merge', 'company.unmerge', 'company.review.distinct', 'company.retire', 'custom_field.create', 'custom_field.update',
  'source.create', 'source.update', 'source.recompute', 'source.recompute_retry', 'source.retention_delete', 'quality.recompute',
  'form.create', 'form.update', 'form.archive', 'product.create', 'product.update',
  'messaging.settings', 'campaign.test_send', 'campaign.bounce',
  'tracker.identify', 'tracker_site.create', 'tracker_site.update', 'tracker_site.rotate_key',
  'backup.create', 'backup.restore', 'job.retry',
  'user.create', 'user.update', 'user.role_change', 'api_key.create', 'api_key.revoke',
  'auth.setup', 'auth.setup_failed', 'auth.login', 'auth.logout', 'auth.login_failed', 'auth.login_lockout', 'auth.login_rate_limited',
] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const f = {} as AuditFilters;
  for (const key of AUDIT_FILTER_KEYS) f[key] = search.get(key)?.trim() ?? '';
  return f;
}

/** The URL of the page showing these filters (empty ones left out). */
export function auditPagePath(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  const qs = params.toString();
  return `/audit-log${qs ? `?${qs}` : ''}`;
}

/** Midnight at the start of a calendar day (YYYY-MM-DD) in the browser's time zone, `days` later, as an ISO instant. */
function startOfDay(date: string, days = 0): string | undefined {
  if (!DATE.test(date)) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(y, m - 1, d);
  // 2026-02-30 would roll over into March: not a date.
  if (day.getFullYear() !== y || day.getMonth() !== m - 1 || day.getDate() !== d) return undefined;
  return new Date(y, m - 1, d + days).toISOString();
}

/**
 * The API query of the filters: a customer as the target (entityType customer), and the dates as a half-open range
 * of instants, from the start of the first day to the start of the day after the last one, both days included as
 * the person reads them in their own time zone. A malformed date or customer id is left out rather than sent.
 */
export function auditQueryOf(filters: AuditFilters): AuditQuery {
  const from = filters.from ? startOfDay(filters.from) : undefined;
  const to = filters.to ? startOfDay(filters.to, 1) : undefined;
  const customer = UUID.test(filters.customer) ? filters.customer.toLowerCase() : undefined;
  return {
    ...(filters.user ? { actorUserId: filters.user } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(customer ? { entityType: 'customer', entityId: customer } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** Whether the filters ask for something the query cannot say: a customer id or dates that are not one, an empty range. */
export function auditFilterProblems(filters: AuditFilters): Array<'customer' | 'range'> {
  const problems: Array<'customer' | 'range'> = [];
  if (filters.customer && !UUID.test(filters.customer)) problems.push('customer');
  if (filters.from && filters.to && DATE.test(filters.from) && DATE.test(filters.to) && filters.from > filters.to) problems.push('range');
  return problems;
}
