/**
 * APPI (個人情報保護法) data-subject requests: their kinds, statuses and labels, and the default due date. Pure.
 *
 * The law asks for a reply 「遅滞なく」 (without delay: arts. 33–35) and sets no number of days; 14 calendar days from
 * receipt is the common internal rule of Japanese companies (and the 2 weeks the PPC's Q&A uses as an example of a
 * reasonable period), so it is the default and every request's due date stays editable.
 */

export const REQUEST_KINDS = ['disclosure', 'correction', 'stop_use', 'erasure', 'stop_provision'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATUSES = ['open', 'in_progress', 'completed', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_KIND_LABELS: Record<RequestKind, { ja: string; en: string }> = {
  disclosure: { ja: '開示', en: 'Disclosure' },
  correction: { ja: '訂正', en: 'Correction' },
  stop_use: { ja: '利用停止', en: 'Stop use' },
  erasure: { ja: '消去', en: 'Erasure' },
  stop_provision: { ja: '第三者提供の停止', en: 'Stop third-party provision' },
};

export const DEFAULT_DUE_DAYS = 14;

/** received (YYYY-MM-DD) + days, as a calendar date (no time zone involved: both are dates). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function defaultDueOn(receivedOn: string): string {
  return addDays(receivedOn, DEFAULT_DUE_DAYS);
}

/** A real calendar date in YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/u.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
