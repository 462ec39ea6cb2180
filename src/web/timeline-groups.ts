/**
 * Shapes a timeline page for display (pure, so it is unit-tested without a browser): page views of one visit
 * collapse into one entry with its pages in the order they were read and the visit's total dwell time; everything
 * else stays one entry per activity. Input and output are newest first.
 */
export interface TimelineActivity {
  id: number;
  type: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}

export type TimelineEntry<A extends TimelineActivity> =
  | { kind: 'activity'; key: string; activity: A }
  | { kind: 'visit'; key: string; visitId: string; startedAt: string; pages: A[]; dwellMs: number; knownDwell: boolean };

/** The type filter as the user sees it: one chip may stand for several activity types. */
export const TYPE_FILTERS: ReadonlyArray<{ key: string; types: string[] }> = [
  { key: 'page_view', types: ['page_view'] },
  { key: 'purchase', types: ['purchase', 'purchase_cancelled', 'purchase_returned'] },
  { key: 'form_submission', types: ['form_submission'] },
  { key: 'event', types: ['event_registration', 'event_attendance'] },
  { key: 'campaign', types: ['email_sent', 'email_opened', 'email_clicked', 'email_unsubscribed', 'email_bounced', 'dm_mailed', 'dm_returned'] },
  { key: 'voice', types: ['voice_received', 'voice_reply', 'voice_done'] },
  { key: 'affiliation', types: ['affiliation_change'] },
  { key: 'note', types: ['note', 'task_created'] },
  { key: 'edit', types: ['edit', 'customer_created'] },
  { key: 'import', types: ['import', 'merge', 'unmerge'] },
];

export function dwellOf(a: TimelineActivity): number | null {
  const d = a.properties.dwellMs;
  return typeof d === 'number' && Number.isFinite(d) && d >= 0 ? d : null;
}

/** The visit a page view belongs to (the tracker sends its id as a number or a string). */
function visitOf(a: TimelineActivity): string | null {
  const v = a.properties.visitId;
  if (a.type !== 'page_view') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * Groups runs of page views that share a visit id. A visit split by a page boundary (more pages on the next page)
 * shows as two entries with the same visit id; keys stay unique because they carry the first activity's id.
 */
export function groupTimeline<A extends TimelineActivity>(items: readonly A[]): Array<TimelineEntry<A>> {
  const out: Array<TimelineEntry<A>> = [];
  for (const a of items) {
    const visitId = visitOf(a);
    const last = out[out.length - 1];
    if (visitId !== null && last?.kind === 'visit' && last.visitId === visitId) {
      last.pages.unshift(a); // newest first in, oldest first out
      last.startedAt = a.occurredAt;
      const d = dwellOf(a);
      if (d === null) last.knownDwell = false;
      else last.dwellMs += d;
      continue;
    }
    if (visitId !== null) {
      const d = dwellOf(a);
      out.push({ kind: 'visit', key: `visit-${a.id}`, visitId, startedAt: a.occurredAt, pages: [a], dwellMs: d ?? 0, knownDwell: d !== null });
    } else {
      out.push({ kind: 'activity', key: `a-${a.id}`, activity: a });
    }
  }
  return out;
}

/** 「1分05秒」 / 「45秒」 / 「1時間02分」 — how Japanese UIs write a duration; English: 1 min 05 s. */
export function formatDuration(ms: number, lang: 'ja' | 'en'): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (lang === 'ja') {
    if (h > 0) return `${h}時間${two(m)}分`;
    if (m > 0) return `${m}分${two(s)}秒`;
    return `${s}秒`;
  }
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(s)} s`;
  return `${s} s`;
}
