import type { RawBuilder, SqlBool } from 'kysely';
import type { Actor, AuthContext } from '../../core/context.ts';
import { decodeCursor, encodeCursor, cursorUuid } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CampaignMessageStatus } from '../../db/schema.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskEmail, maskText } from '../../domain/customers/masking.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { wakeWorkers } from '../../platform/jobs/jobs.service.ts';
import * as segments from '../segments/segments.service.ts';
import * as compiler from '../segments/segment-sql.repository.ts';
import type { Block } from '../../domain/campaigns/content.ts';
import * as audience from './audience.repository.ts';
import { enqueuePreparation, enqueueSending } from './campaign-jobs.ts';
import { assertSendable } from './compose.service.ts';
import { getSettings } from './settings.service.ts';
import * as repo from './campaigns.repository.ts';
import * as messages from './messages.repository.ts';
import type {
  AudienceRow, AudienceSummary, Campaign, CampaignInput, CampaignList, CampaignPatch, CampaignReport, MessageCounts, MessageRow, SuppressionReason,
} from './campaigns.schemas.ts';
import { SUPPRESSION_REASONS } from './campaigns.schemas.ts';

/**
 * Campaigns: a segment audience, a channel and content. The audience is resolved when sending starts (one statement
 * into campaign_messages); before that, every view of it is computed live and nothing is stored.
 */

export type Delivery = 'smtp' | 'outbox';
const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

const EMPTY_COUNTS: MessageCounts = { considered: 0, queued: 0, sent: 0, outbox: 0, failed: 0, unknown: 0, suppressed: 0, skipped: 0, opened: 0, clicked: 0, unsubscribed: 0, bounced: 0 };

async function countsOf(db: Db, ids: readonly string[]): Promise<Map<string, MessageCounts>> {
  const out = new Map<string, MessageCounts>();
  for (const r of await messages.statusCounts(db, ids)) {
    const c = out.get(r.campaign_id) ?? { ...EMPTY_COUNTS };
    const n = Number(r.n);
    c.considered += n;
    // claimed and sending are still on their way: shown as queued.
    const key = (r.status === 'claimed' || r.status === 'sending' ? 'queued' : r.status) as keyof MessageCounts;
    c[key] += n;
    c.opened += Number(r.opened); c.clicked += Number(r.clicked); c.unsubscribed += Number(r.unsubscribed); c.bounced += Number(r.bounced);
    out.set(r.campaign_id, c);
  }
  return out;
}

function toCampaign(row: repo.CampaignRowDb, segs: Array<{ id: string; name: string }>, counts: MessageCounts, delivery: Delivery): Campaign {
  return {
    id: row.id, name: row.name, channel: row.channel, status: row.status, department: row.department, segments: segs,
    subject: row.subject, bodyText: row.body_text, bodyHtml: row.body_html,
    blocks: (Array.isArray(row.blocks) ? row.blocks : []) as Block[],
    scheduledAt: iso(row.scheduled_at), startedAt: iso(row.started_at), finishedAt: iso(row.finished_at),
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, createdBy: row.created_by, counts, delivery,
    triggerRuleId: row.trigger_rule_id,
    preparation: row.status === 'preparing' || row.audience_total !== null ? { total: row.audience_total, prepared: row.audience_prepared } : null,
  };
}

async function load(db: Db, id: string): Promise<repo.CampaignRowDb> {
  const row = await repo.findCampaign(db, id);
  if (!row) throw notFound('campaign');
  return row;
}

export async function getCampaign(db: Db, id: string, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  const segs = await repo.segmentsOf(db, [id]);
  return toCampaign(row, segs.map((s) => ({ id: s.id, name: s.name })), (await countsOf(db, [id])).get(id) ?? { ...EMPTY_COUNTS }, delivery);
}

/** Campaigns people made by default; `trigger` lists the instances behaviour triggers created, `all` both. */
export async function listCampaigns(db: Db, delivery: Delivery, origin: 'user' | 'trigger' | 'all' = 'user'): Promise<CampaignList> {
  const rows = await repo.listCampaigns(db, 500, origin);
  const ids = rows.map((r) => r.id);
  const segs = await repo.segmentsOf(db, ids);
  const counts = await countsOf(db, ids);
  return {
    items: rows.map((r) => {
      const { bodyText: _t, bodyHtml: _h, blocks: _b, ...rest } = toCampaign(r, segs.filter((s) => s.campaign_id === r.id).map((s) => ({ id: s.id, name: s.name })), counts.get(r.id) ?? { ...EMPTY_COUNTS }, delivery);
      return rest;
    }),
  };
}

async function checkSegments(db: Db, ids: readonly string[]): Promise<void> {
  const problems: Array<{ field: string; message: string }> = [];
  for (const [i, id] of ids.entries()) {
    try { await segments.getSegment(db, id); } catch { problems.push({ field: `segmentIds[${i}]`, message: 'セグメントが見つかりません (unknown segment)' }); }
  }
  if (problems.length) throw new AppError('validation_failed', 'Unknown segment (セグメントが見つかりません)', problems);
}

export async function createCampaign(db: Db, input: CampaignInput, actor: Actor, delivery: Delivery): Promise<Campaign> {
  await checkSegments(db, input.segmentIds);
  const id = await db.transaction().execute(async (trx) => {
    const id = await repo.insertCampaign(trx, {
      name: input.name, channel: input.channel, department: input.department ?? null, subject: input.subject, bodyText: input.bodyText,
      bodyHtml: input.bodyHtml ?? null, blocks: input.blocks, createdBy: actor.auth?.userId ?? null,
    });
    await repo.setCampaignSegments(trx, id, [...new Set(input.segmentIds)]);
    return id;
  });
  await audit(db, actor, 'campaign.create', { type: 'campaign', id }, { name: input.name, channel: input.channel });
  return getCampaign(db, id, delivery);
}

/** Content and audience can change until sending starts (a scheduled campaign too: its audience is resolved then). */
export async function updateCampaign(db: Db, id: string, patch: CampaignPatch, actor: Actor, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  if (row.status !== 'draft' && row.status !== 'scheduled') {
    throw new AppError('conflict', 'A campaign that has started cannot be edited (配信を開始したキャンペーンは編集できません)');
  }
  if (patch.segmentIds) await checkSegments(db, patch.segmentIds);
  await db.transaction().execute(async (trx) => {
    await repo.updateCampaignContent(trx, id, {
      name: patch.name, department: patch.department, subject: patch.subject, bodyText: patch.bodyText, bodyHtml: patch.bodyHtml, blocks: patch.blocks,
    });
    if (patch.segmentIds) await repo.setCampaignSegments(trx, id, [...new Set(patch.segmentIds)]);
  });
  await audit(db, actor, 'campaign.update', { type: 'campaign', id }, { fields: Object.keys(patch) });
  return getCampaign(db, id, delivery);
}

export async function deleteCampaign(db: Db, id: string, actor: Actor): Promise<void> {
  const row = await load(db, id);
  if (row.status !== 'draft' && row.status !== 'cancelled') {
    throw new AppError('conflict', 'Only a draft or cancelled campaign can be deleted (削除できるのは下書きか中止したキャンペーンです)');
  }
  await repo.softDeleteCampaign(db, id);
  await audit(db, actor, 'campaign.delete', { type: 'campaign', id }, { name: row.name });
}

// ── the audience ──

/** Members of any of the segments, compiled live (dynamic segments as they are now); none = the whole ledger. */
export async function segmentsPredicate(db: Db, segmentIds: readonly string[], now: Date): Promise<RawBuilder<SqlBool>> {
  if (segmentIds.length === 0) return audience.EVERYONE;
  const checked = await segments.checkDefinition(db, { type: 'or', conditions: segmentIds.map((segmentId) => ({ type: 'segment', segmentId })) }, { now });
  return compiler.compileNode(checked.node, checked.context);
}

/** A definition given as JSON (the CLI's --segment FILE.json), checked like a segment's. */
export async function definitionPredicate(db: Db, definition: unknown, now: Date): Promise<RawBuilder<SqlBool>> {
  const checked = await segments.checkDefinition(db, definition, { now });
  return compiler.compileNode(checked.node, checked.context);
}

export async function audienceSettings(db: Db, now: Date): Promise<audience.AudienceSettings> {
  const s = await getSettings(db);
  return { capCount: s.capCount, capDays: s.capDays, now };
}

function summarise(rows: Array<{ reason: SuppressionReason | null; n: number }>, channel: 'email' | 'dm', ms: number): AudienceSummary {
  const by = new Map(rows.map((r) => [r.reason, r.n]));
  const considered = rows.reduce((a, r) => a + r.n, 0);
  const send = by.get(null) ?? 0;
  return {
    considered, send,
    suppressed: SUPPRESSION_REASONS.filter((r) => (by.get(r) ?? 0) > 0).map((reason) => ({ reason, count: by.get(reason)! })),
    pieces: channel === 'dm' ? send : null,
    ms,
  };
}

/** Who would get a campaign of this channel for these segments if it were sent now (live; nothing stored). */
export async function previewAudience(db: Db, input: { channel: 'email' | 'dm'; segmentIds: readonly string[] }, now = new Date()): Promise<AudienceSummary> {
  const started = performance.now();
  await checkSegments(db, input.segmentIds);
  const predicate = await segmentsPredicate(db, input.segmentIds, now);
  const rows = await audience.audienceCounts(db, input.channel, predicate, await audienceSettings(db, now));
  return summarise(rows, input.channel, Math.round(performance.now() - started));
}

/** A campaign's audience: live until it is stored (draft, scheduled, preparing), then what was stored. */
export async function campaignAudience(db: Db, id: string, now = new Date()): Promise<AudienceSummary> {
  const row = await load(db, id);
  if (row.status === 'draft' || row.status === 'scheduled' || row.status === 'preparing') {
    const segs = await repo.segmentsOf(db, [id]);
    return previewAudience(db, { channel: row.channel, segmentIds: segs.map((s) => s.id) }, now);
  }
  const started = performance.now();
  const counts = (await countsOf(db, [id])).get(id) ?? { ...EMPTY_COUNTS };
  const reasons = await messages.reasonCounts(db, id);
  const rows: Array<{ reason: SuppressionReason | null; n: number }> = reasons.map((r) => ({ reason: r.reason as SuppressionReason, n: Number(r.n) }));
  rows.push({ reason: null, n: counts.considered - counts.suppressed - counts.skipped });
  return summarise(rows, row.channel, Math.round(performance.now() - started));
}

function maskAddress(channel: 'email' | 'dm', address: string | null, personal: boolean): string | null {
  if (personal || address === null) return address;
  return channel === 'email' ? maskEmail(address) : maskText(address);
}

export async function audienceList(db: Db, id: string, query: { status?: 'send' | 'suppressed' | undefined; reason?: SuppressionReason | undefined; cursor?: string | undefined; limit?: number | undefined }, auth: AuthContext | null, now = new Date()) {
  const row = await load(db, id);
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const limit = query.limit ?? 50;
  const after = query.cursor ? cursorUuid(decodeCursor(query.cursor).i) : null;
  const segs = await repo.segmentsOf(db, [id]);
  const predicate = await segmentsPredicate(db, segs.map((s) => s.id), now);
  const rows = await audience.audiencePage(db, row.channel, predicate, await audienceSettings(db, now), { status: query.status, reason: query.reason }, after, limit + 1);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const items: AudienceRow[] = page.map((r) => ({
    customerId: r.customer_id, displayName: r.display_name, address: maskAddress(row.channel, r.address, personal),
    status: r.reason === null ? 'send' : 'suppressed', reason: r.reason,
  }));
  return { items, hasMore, nextCursor: hasMore ? encodeCursor({ i: page[page.length - 1]!.customer_id }) : null };
}

// ── sending: start, schedule, pause, resume, cancel ──

/**
 * Starts a campaign now or schedules it. Starting returns at once: the campaign is `preparing` and a
 * `campaign.prepare` job is queued with it (campaign-jobs.ts): a server's job worker stores its audience as messages
 * (prepare.service.ts, with its progress), then a `campaign.send` job sends it.
 */
export async function startCampaign(db: Db, id: string, input: { scheduledAt?: string | undefined }, actor: Actor | null, delivery: Delivery, now = new Date()): Promise<Campaign> {
  const row = await load(db, id);
  if (row.channel === 'email' && (row.subject.trim() === '' || row.body_text.trim() === '')) {
    throw new AppError('validation_failed', 'Subject and body are required (件名と本文を入力してください)', [
      ...(row.subject.trim() === '' ? [{ field: 'subject', message: '件名を入力してください (subject is required)' }] : []),
      ...(row.body_text.trim() === '' ? [{ field: 'bodyText', message: '本文を入力してください (body is required)' }] : []),
    ]);
  }
  // Content and sender that cannot be sent (an unknown merge field, no sender address) are a 400 now, not a stop later.
  if (row.channel === 'email') {
    assertSendable({ subject: row.subject, bodyText: row.body_text, bodyHtml: row.body_html, blocks: (Array.isArray(row.blocks) ? row.blocks : []) as Block[] }, await getSettings(db));
  }
  const at = input.scheduledAt ? new Date(input.scheduledAt) : null;
  if (at !== null && at.getTime() > now.getTime()) {
    if (!(await repo.transitionCampaign(db, id, ['draft', 'scheduled'], 'scheduled', { scheduledAt: at }))) throw conflictState(row.status);
    if (actor) await audit(db, actor, 'campaign.schedule', { type: 'campaign', id }, { scheduledAt: at.toISOString() });
    return getCampaign(db, id, delivery);
  }
  const started = await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionCampaign(trx, id, ['draft', 'scheduled'], 'preparing', { started: true }))) return false;
    await enqueuePreparation(trx, id);
    return true;
  });
  if (!started) throw conflictState(row.status);
  wakeWorkers();
  if (actor) await audit(db, actor, 'campaign.start', { type: 'campaign', id }, {});
  return getCampaign(db, id, delivery);
}

function conflictState(status: string) {
  return new AppError('conflict', `The campaign is ${status} (この操作は現在の状態ではできません)`);
}

export async function pauseCampaign(db: Db, id: string, actor: Actor, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  if (!(await repo.transitionCampaign(db, id, ['sending'], 'paused'))) throw conflictState(row.status);
  await audit(db, actor, 'campaign.pause', { type: 'campaign', id }, {});
  return getCampaign(db, id, delivery);
}

export async function resumeCampaign(db: Db, id: string, actor: Actor, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  const resumed = await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionCampaign(trx, id, ['paused'], 'sending'))) return false;
    if (row.channel === 'email') await enqueueSending(trx, id);
    return true;
  });
  if (!resumed) throw conflictState(row.status);
  wakeWorkers();
  await audit(db, actor, 'campaign.resume', { type: 'campaign', id }, {});
  return getCampaign(db, id, delivery);
}

/** Stops a campaign for good: what was not sent stays unsent (shown as queued/suppressed in its report). */
export async function cancelCampaign(db: Db, id: string, actor: Actor, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  if (!(await repo.transitionCampaign(db, id, ['draft', 'scheduled', 'preparing', 'sending', 'paused'], 'cancelled', { finished: true }))) throw conflictState(row.status);
  // After the transition: a preparation step in flight has committed (it held the row) and the next one finds it cancelled.
  await messages.dropStaged(db, id);
  await audit(db, actor, 'campaign.cancel', { type: 'campaign', id }, {});
  return getCampaign(db, id, delivery);
}

export async function decideUnknown(db: Db, id: string, input: { action: 'resend' | 'mark_sent'; messageIds?: number[] | undefined }, actor: Actor, delivery: Delivery): Promise<Campaign> {
  const row = await load(db, id);
  const n = await messages.decideUnknown(db, id, input.action, input.messageIds);
  // Resending reopens a finished campaign so the senders pick the messages up again.
  if (input.action === 'resend' && n > 0 && row.status === 'done') await repo.transitionCampaign(db, id, ['done'], 'sending');
  if (input.action === 'resend' && n > 0 && row.channel === 'email') await enqueueSending(db, id);
  await audit(db, actor, 'campaign.unknown_decided', { type: 'campaign', id }, { action: input.action, messages: n });
  return getCampaign(db, id, delivery);
}

export async function listMessages(db: Db, id: string, query: { status?: CampaignMessageStatus | undefined; cursor?: string | undefined; limit?: number | undefined }, auth: AuthContext | null) {
  const row = await load(db, id);
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const limit = query.limit ?? 50;
  const after = query.cursor ? Number(decodeCursor(query.cursor).i) : null;
  if (after !== null && !Number.isSafeInteger(after)) throw new AppError('validation_failed', 'Bad cursor (カーソルが不正です)');
  const rows = await messages.listMessages(db, id, query.status, after, limit + 1);
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const items: MessageRow[] = page.map((m) => ({
    id: m.id, customerId: m.customer_id, displayName: m.display_name, address: maskAddress(row.channel, m.address, personal), status: m.status,
    reason: m.reason, attempts: m.attempts, sentAt: iso(m.sent_at), openedAt: iso(m.opened_at), clickedAt: iso(m.clicked_at),
    unsubscribedAt: iso(m.unsubscribed_at), bouncedAt: iso(m.bounced_at), returnedAt: iso(m.returned_at), error: m.error,
  }));
  return { items, hasMore, nextCursor: hasMore ? encodeCursor({ i: String(page[page.length - 1]!.id) }) : null };
}

export async function campaignReport(db: Db, id: string, days: number): Promise<CampaignReport> {
  await load(db, id);
  const counts = (await countsOf(db, [id])).get(id) ?? { ...EMPTY_COUNTS };
  const reasons = await messages.reasonCounts(db, id);
  const orders = await messages.ordersAfter(db, id, days);
  const delivered = counts.sent;
  const rate = (n: number) => (delivered > 0 ? n / delivered : null);
  return {
    counts,
    suppressed: reasons.map((r) => ({ reason: r.reason ?? 'unknown', count: Number(r.n) })),
    ordersAfter: { days, ...orders },
    rates: { openRate: rate(counts.opened), clickRate: rate(counts.clicked), bounceRate: rate(counts.bounced), unsubscribeRate: rate(counts.unsubscribed) },
  };
}

/**
 * The audit file of `daicho campaign audience`: one row per customer considered (customer_id, address, status,
 * reason), streamed from one statement through a cursor. Returns the counts per reason for the summary.
 */
export async function writeAudience(db: Db, input: { channel: 'email' | 'dm'; definition?: unknown }, writeRow: (cells: string[]) => Promise<void>, now = new Date()): Promise<AudienceSummary> {
  const started = performance.now();
  const predicate = input.definition === undefined ? audience.EVERYONE : await definitionPredicate(db, input.definition, now);
  const settings = await audienceSettings(db, now);
  const tally = new Map<SuppressionReason | null, number>();
  await db.transaction().execute(async (trx) => {
    for await (const page of audience.audienceCursor(trx, input.channel, predicate, settings)) {
      for (const r of page) {
        tally.set(r.reason, (tally.get(r.reason) ?? 0) + 1);
        await writeRow([r.customer_id, r.address ?? '', r.reason === null ? 'send' : 'suppressed', r.reason ?? '']);
      }
    }
  });
  return summarise([...tally].map(([reason, n]) => ({ reason, n })), input.channel, Math.round(performance.now() - started));
}
