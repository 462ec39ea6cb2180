/**
 * The pure state of the campaign screens (キャンペーン): what the editor holds and sends, merge fields inserted at the
 * caret, which actions a status and a role allow, the sending progress, Japan time for the schedule, report rates,
 * the audience's suppressions in a fixed order. No React here: tested without a browser in test/web/campaign-state.test.ts.
 */
import type { Campaign, CampaignInput, CampaignPatch, MessageCounts, MessageRow, SuppressionReason } from '../../../use/campaigns/campaigns.schemas.ts';
import type { BlockInput } from '../../../use/campaigns/content.schemas.ts';

export type CampaignStatus = Campaign['status'];
export type MessageStatus = MessageRow['status'];
export type Channel = Campaign['channel'];

/*
 * The schema's code lists, repeated here because campaigns.schemas.ts brings zod with it and the browser bundle takes
 * the server's types only; test/web/campaign-state.test.ts holds them equal to the schema's.
 */
export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled', 'preparing', 'sending', 'paused', 'done', 'cancelled'];
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'claimed', 'sending', 'sent', 'outbox', 'failed', 'unknown', 'suppressed', 'skipped'];
export const SUPPRESSION_REASONS: readonly SuppressionReason[] = [
  'use_stopped', 'no_basis', 'opted_out', 'no_address', 'invalid_address', 'bounced', 'frequency_cap', 'duplicate_address', 'duplicate_household', 'duplicate_person',
];

// ── merge fields (差し込み項目) ──

/** What the inserter offers, in the order office staff look for them; each is inserted as {{name}}. */
export const MERGE_FIELDS = ['宛名', '姓', '名', '氏名', '会社名', '部署', '役職', '担当者', 'おすすめ商品'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export function mergeTag(field: string): string {
  return `{{${field}}}`;
}

export function blockTag(key: string): string {
  return `{{block:${key}}}`;
}

/**
 * `token` put into `text` in place of the selection [start, end) (the caret when they are equal), and where the caret
 * goes after it. Out-of-range positions are clamped, so a stale selection never loses text.
 */
export function insertAt(text: string, start: number, end: number, token: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + token + text.slice(b), caret: a + token.length };
}

// ── behaviour blocks ──

/** A block as the server checks it (content.schemas.ts BlockSchema). */
export type Block = BlockInput;
export type BlockWhen = Block['when'];

/** A new block whose key is not yet used (block1, block2, …). */
export function newBlock(existing: readonly Block[]): Block {
  const used = new Set(existing.map((b) => b.key));
  let n = existing.length + 1;
  while (used.has(`block${n}`)) n += 1;
  return { key: `block${n}`, when: { type: 'viewed_url', pattern: '', days: 30 }, text: '' };
}

/** The condition of a block switched to another kind, keeping the days where both have them. */
export function switchWhen(when: BlockWhen, type: BlockWhen['type']): BlockWhen {
  const days = 'days' in when ? when.days : 30;
  if (type === 'always') return { type };
  if (type === 'viewed_url') return { type, pattern: when.type === 'viewed_url' ? when.pattern : '', days };
  return { type, category: when.type === 'bought_category' ? when.category : '', days };
}

/** The blocks as stored in a campaign (JSON objects) read back; anything that is not a block is left out. */
export function blocksOf(raw: ReadonlyArray<Record<string, unknown>>): Block[] {
  const out: Block[] = [];
  for (const b of raw) {
    const when = b.when as Record<string, unknown> | undefined;
    if (typeof b.key !== 'string' || !when || typeof when.type !== 'string') continue;
    const days = typeof when.days === 'number' ? when.days : 30;
    let w: BlockWhen;
    if (when.type === 'viewed_url') w = { type: 'viewed_url', pattern: String(when.pattern ?? ''), days };
    else if (when.type === 'bought_category') w = { type: 'bought_category', category: String(when.category ?? ''), days };
    else if (when.type === 'always') w = { type: 'always' };
    else continue;
    out.push({ key: b.key, when: w, text: typeof b.text === 'string' ? b.text : '', ...(typeof b.html === 'string' ? { html: b.html } : {}) });
  }
  return out;
}

// ── the editor's values ──

export interface CampaignDraft {
  name: string;
  channel: Channel;
  department: string;
  segmentIds: string[];
  subject: string;
  bodyText: string;
  /** The HTML body is optional: off, the campaign sends text only. */
  htmlOn: boolean;
  bodyHtml: string;
  blocks: Block[];
}

export function emptyDraft(channel: Channel = 'email'): CampaignDraft {
  return { name: '', channel, department: '', segmentIds: [], subject: '', bodyText: '', htmlOn: false, bodyHtml: '', blocks: [] };
}

export function draftOf(c: Campaign): CampaignDraft {
  return {
    name: c.name,
    channel: c.channel,
    department: c.department ?? '',
    segmentIds: c.segments.map((s) => s.id),
    subject: c.subject,
    bodyText: c.bodyText,
    htmlOn: c.bodyHtml !== null,
    bodyHtml: c.bodyHtml ?? '',
    blocks: blocksOf(c.blocks),
  };
}

/** What POST /campaigns receives. DM has no subject or body of its own (the piece is printed elsewhere). */
export function inputOf(d: CampaignDraft): CampaignInput {
  const email = d.channel === 'email';
  return {
    name: d.name.trim(),
    channel: d.channel,
    department: d.department.trim() || null,
    segmentIds: [...d.segmentIds],
    subject: email ? d.subject : '',
    bodyText: email ? d.bodyText : '',
    bodyHtml: email && d.htmlOn ? d.bodyHtml : null,
    blocks: email ? d.blocks.map((b) => ({ ...b })) : [],
  };
}

/** What PATCH /campaigns/{id} receives: only what differs from the campaign as loaded (the channel never changes). */
export function patchOf(original: Campaign, d: CampaignDraft): CampaignPatch {
  const next = inputOf({ ...d, channel: original.channel });
  const before = inputOf(draftOf(original));
  const patch: CampaignPatch = {};
  if (next.name !== before.name) patch.name = next.name;
  if (next.department !== before.department) patch.department = next.department;
  if (JSON.stringify([...next.segmentIds].sort()) !== JSON.stringify([...before.segmentIds].sort())) patch.segmentIds = next.segmentIds;
  if (next.subject !== before.subject) patch.subject = next.subject;
  if (next.bodyText !== before.bodyText) patch.bodyText = next.bodyText;
  if (next.bodyHtml !== before.bodyHtml) patch.bodyHtml = next.bodyHtml;
  if (JSON.stringify(next.blocks) !== JSON.stringify(before.blocks)) patch.blocks = next.blocks;
  return patch;
}

export function isDirty(original: Campaign | null, d: CampaignDraft): boolean {
  if (!original) return JSON.stringify(d) !== JSON.stringify(emptyDraft(d.channel));
  return Object.keys(patchOf(original, d)).length > 0;
}

/** The key of an audience question: the same channel and set of segments asks the same, in any order. */
export function audienceKey(channel: Channel, segmentIds: readonly string[]): string {
  return `${channel}:${[...new Set(segmentIds)].sort().join(',')}`;
}

/** The segment added to or taken from the picked ones. */
export function toggleId(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
}

// ── what may be done ──

export type CampaignAction = 'edit' | 'delete' | 'start' | 'schedule' | 'pause' | 'resume' | 'cancel' | 'unschedule';

/**
 * The actions of a campaign in `status` for someone with `can`'s permissions. A draft is edited, deleted, started
 * or scheduled; a scheduled one can be cancelled or edited until it starts; sending pauses, paused resumes; either
 * can be cancelled (the rest of the audience is not sent). Done and cancelled campaigns are history.
 */
export function allowedActions(status: CampaignStatus, can: (permission: string) => boolean): Set<CampaignAction> {
  const out = new Set<CampaignAction>();
  const write = can('campaigns:write');
  const send = can('campaigns:send');
  if (status === 'draft') {
    if (write) out.add('edit').add('delete');
    if (send) out.add('start').add('schedule');
  } else if (status === 'scheduled') {
    if (write) out.add('edit');
    if (send) out.add('start').add('cancel');
  } else if (status === 'preparing') {
    if (send) out.add('cancel');
  } else if (status === 'sending') {
    if (send) out.add('pause').add('cancel');
  } else if (status === 'paused') {
    if (send) out.add('resume').add('cancel');
  }
  return out;
}

/** Statuses whose numbers change by themselves: the pages poll them. */
export function isLive(status: CampaignStatus): boolean {
  return status === 'sending' || status === 'scheduled' || status === 'preparing';
}

/** Storing the audience after the start: the share stored so far (0 while the audience is still being resolved). */
export function preparationFraction(p: Campaign['preparation']): number {
  if (!p || p.total === null) return 0;
  return p.total === 0 ? 1 : Math.min(1, p.prepared / p.total);
}

export function statusBadgeClass(status: CampaignStatus): string {
  switch (status) {
    case 'draft': return 'badge badge-off';
    case 'scheduled': return 'badge camp-badge-scheduled';
    case 'preparing':
    case 'sending': return 'badge camp-badge-sending';
    case 'paused': return 'badge badge-warn';
    case 'done': return 'badge badge-ok';
    case 'cancelled': return 'badge badge-danger';
  }
}

// ── progress and report ──

export interface Progress {
  /** Messages to deliver (everyone considered but the suppressed). */
  total: number;
  /** Handled so far: sent, to the outbox, failed, skipped or of unknown fate. */
  done: number;
  /** 0 … 1 (1 when there is nothing to send). */
  fraction: number;
  waiting: number;
}

export function progressOf(c: Pick<MessageCounts, 'considered' | 'suppressed' | 'sent' | 'outbox' | 'failed' | 'unknown' | 'skipped' | 'queued'>): Progress {
  const total = Math.max(0, c.considered - c.suppressed);
  const done = c.sent + c.outbox + c.failed + c.unknown + c.skipped;
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  return { total, done, fraction, waiting: Math.max(0, total - done) };
}

/** 0.1234 → 「12.3%」; null (nothing to divide by) → 「—」. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const p = rate * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(p === 0 ? 0 : 1) : p.toFixed(1)}%`;
}

/** Suppressions in the reasons' fixed order (the order the law and the sending check them), zeros left out. */
export function suppressionRows(rows: ReadonlyArray<{ reason: string; count: number }>): Array<{ reason: SuppressionReason; count: number }> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.reason, (counts.get(r.reason) ?? 0) + r.count);
  return SUPPRESSION_REASONS.filter((r) => (counts.get(r) ?? 0) > 0).map((reason) => ({ reason, count: counts.get(reason)! }));
}

export function isSuppressionReason(value: string | null | undefined): value is SuppressionReason {
  return typeof value === 'string' && (SUPPRESSION_REASONS as readonly string[]).includes(value);
}

// ── Japan time for the schedule (datetime-local) ──

const JST_OFFSET_MS = 9 * 3_600_000;

/** 「2026-12-07T09:30」 read as Japan time → ISO 8601 with +09:00; null when it is not a date-time. */
export function japanLocalToIso(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi) - JST_OFFSET_MS;
  const check = new Date(utc + JST_OFFSET_MS);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h) return null;
  return `${local.trim()}:00+09:00`;
}

/** An instant → its Japan time as a datetime-local value (「2026-12-07T09:30」). */
export function isoToJapanLocal(iso: string | Date): string {
  const t = (typeof iso === 'string' ? new Date(iso) : iso).getTime();
  if (Number.isNaN(t)) return '';
  return new Date(t + JST_OFFSET_MS).toISOString().slice(0, 16);
}

/** The default of the schedule input: the next whole hour in Japan, at least 10 minutes ahead. */
export function defaultScheduleLocal(now: Date): string {
  const next = new Date(Math.ceil((now.getTime() + 10 * 60_000) / 3_600_000) * 3_600_000);
  return isoToJapanLocal(next);
}

/** Why a schedule cannot be used: not a date-time, or not in the future. */
export function scheduleProblem(local: string, now: Date): 'invalid' | 'past' | null {
  const iso = japanLocalToIso(local);
  if (!iso) return 'invalid';
  return new Date(iso).getTime() <= now.getTime() ? 'past' : null;
}
