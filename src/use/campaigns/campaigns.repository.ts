import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CampaignStatus, CampaignChannel } from '../../db/schema.ts';

/** SQL of campaigns and their segments: the one writer of campaigns and campaign_segments. */

export interface CampaignRowDb {
  id: string; name: string; channel: CampaignChannel; status: CampaignStatus; department: string | null;
  subject: string; body_text: string; body_html: string | null; blocks: unknown;
  scheduled_at: Date | null; started_at: Date | null; finished_at: Date | null;
  created_by: string | null; created_at: Date; updated_at: Date;
  trigger_rule_id: string | null; audience_total: number | null; audience_prepared: number;
  /** The last audience id the preparation moved (0044). */
  prepared_through: number | string | null;
}

const COLUMNS = ['id', 'name', 'channel', 'status', 'department', 'subject', 'body_text', 'body_html', 'blocks', 'scheduled_at',
  'started_at', 'finished_at', 'created_by', 'created_at', 'updated_at', 'trigger_rule_id', 'audience_total', 'audience_prepared', 'prepared_through'] as const;

export async function insertCampaign(db: Db, v: { name: string; channel: CampaignChannel; department: string | null; subject: string; bodyText: string; bodyHtml: string | null; blocks: unknown; createdBy: string | null; triggerRuleId?: string }): Promise<string> {
  const row = await db.insertInto('campaigns').values({
    name: v.name, channel: v.channel, department: v.department, subject: v.subject, body_text: v.bodyText, body_html: v.bodyHtml,
    blocks: JSON.stringify(v.blocks), created_by: v.createdBy, trigger_rule_id: v.triggerRuleId ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCampaignContent(db: Db, id: string, v: { name?: string; department?: string | null; subject?: string; bodyText?: string; bodyHtml?: string | null; blocks?: unknown }): Promise<void> {
  await db.updateTable('campaigns').set({
    ...(v.name !== undefined ? { name: v.name } : {}),
    ...(v.department !== undefined ? { department: v.department } : {}),
    ...(v.subject !== undefined ? { subject: v.subject } : {}),
    ...(v.bodyText !== undefined ? { body_text: v.bodyText } : {}),
    ...(v.bodyHtml !== undefined ? { body_html: v.bodyHtml } : {}),
    ...(v.blocks !== undefined ? { blocks: JSON.stringify(v.blocks) } : {}),
    updated_at: sql`now()`,
  }).where('id', '=', id).execute();
}

export async function setCampaignSegments(db: Db, id: string, segmentIds: readonly string[]): Promise<void> {
  await db.deleteFrom('campaign_segments').where('campaign_id', '=', id).execute();
  if (segmentIds.length) await db.insertInto('campaign_segments').values(segmentIds.map((s) => ({ campaign_id: id, segment_id: s }))).execute();
}

export async function softDeleteCampaign(db: Db, id: string): Promise<void> {
  await db.updateTable('campaigns').set({ deleted_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function findCampaign(db: Db, id: string): Promise<CampaignRowDb | undefined> {
  return await db.selectFrom('campaigns').select(COLUMNS).where('id', '=', id).where('deleted_at', 'is', null)
    .executeTakeFirst() as CampaignRowDb | undefined;
}

/** Campaigns newest first: those people made (`user`), the instances behaviour triggers created (`trigger`), or all. */
export async function listCampaigns(db: Db, limit: number, origin: 'user' | 'trigger' | 'all' = 'all'): Promise<CampaignRowDb[]> {
  let q = db.selectFrom('campaigns').select(COLUMNS).where('deleted_at', 'is', null);
  if (origin === 'user') q = q.where('trigger_rule_id', 'is', null);
  if (origin === 'trigger') q = q.where('trigger_rule_id', 'is not', null);
  return await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute() as CampaignRowDb[];
}

export async function segmentsOf(db: Db, campaignIds: readonly string[]): Promise<Array<{ campaign_id: string; id: string; name: string }>> {
  if (campaignIds.length === 0) return [];
  return db.selectFrom('campaign_segments as cs').innerJoin('segments as s', 's.id', 'cs.segment_id')
    .select(['cs.campaign_id', 's.id', 's.name']).where('cs.campaign_id', 'in', campaignIds).orderBy('s.name').execute();
}

/**
 * Moves a campaign from one of `from` to `to` (compare-and-set: two servers or two clicks cannot both start it);
 * false when it was in none of them.
 */
export async function transitionCampaign(db: Db, id: string, from: readonly CampaignStatus[], to: CampaignStatus, extra: { scheduledAt?: Date | null; started?: boolean; finished?: boolean } = {}): Promise<boolean> {
  const result = await db.updateTable('campaigns').set({
    status: to,
    ...(extra.scheduledAt !== undefined ? { scheduled_at: extra.scheduledAt } : {}),
    ...(extra.started ? { started_at: sql`COALESCE(started_at, now())` } : {}),
    ...(extra.finished ? { finished_at: sql`now()` } : {}),
    updated_at: sql`now()`,
  }).where('id', '=', id).where('status', 'in', [...from]).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Scheduled campaigns whose time has come. */
export async function dueScheduled(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('campaigns').select('id').where('status', '=', 'scheduled').where('scheduled_at', '<=', now)
    .where('deleted_at', 'is', null).orderBy('scheduled_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

// ── the audience's preparation in the background (0033): one process at a time, by a claim that beats ──

export async function campaignsPreparing(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('campaigns').select('id').where('status', '=', 'preparing').where('deleted_at', 'is', null)
    .orderBy('started_at').execute();
  return rows.map((r) => r.id);
}

/** Claims a preparing campaign for `worker`: unclaimed, already its own, or its claimer stopped beating before `staleBefore`. */
export async function claimPreparation(db: Db, id: string, worker: string, staleBefore: Date): Promise<boolean> {
  const result = await db.updateTable('campaigns').set({ prepared_by: worker, prepare_beat_at: sql`clock_timestamp()` })
    .where('id', '=', id).where('status', '=', 'preparing').where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('prepared_by', 'is', null), eb('prepared_by', '=', worker), eb('prepare_beat_at', '<', staleBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The claim's heartbeat, first statement of each step's transaction: it locks the campaign row until the step commits
 * (a process taking over waits, then sees the fresh beat) and says whether `worker` still holds a preparing campaign.
 * `prepared` adds the people the step went through and `through` is its last audience id (where the next step goes on);
 * `total` sets the audience's size once it is resolved.
 */
export async function beatPreparation(db: Db, id: string, worker: string, progress: { prepared?: number; through?: number; total?: number } = {}): Promise<boolean> {
  const result = await db.updateTable('campaigns').set({
    prepare_beat_at: sql`clock_timestamp()`,
    ...(progress.prepared ? { audience_prepared: sql`audience_prepared + ${progress.prepared}` } : {}),
    ...(progress.through !== undefined ? { prepared_through: progress.through } : {}),
    ...(progress.total !== undefined ? { audience_total: progress.total, audience_prepared: 0, prepared_through: null } : {}),
  }).where('id', '=', id).where('status', '=', 'preparing').where('prepared_by', '=', worker).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives a claim back (a stopping process), so another can go on at once. */
export async function releasePreparation(db: Db, worker: string): Promise<void> {
  await db.updateTable('campaigns').set({ prepared_by: null, prepare_beat_at: null }).where('prepared_by', '=', worker).where('status', '=', 'preparing').execute();
}

/** PGlite at start: its folder is this process's alone, so every earlier claim is stale. */
export async function releaseAllPreparations(db: Db): Promise<void> {
  await db.updateTable('campaigns').set({ prepared_by: null, prepare_beat_at: null }).where('status', '=', 'preparing').where('prepared_by', 'is not', null).execute();
}

/** The audience is stored: the senders take it from here. */
export async function finishPreparation(db: Db, id: string, worker: string): Promise<boolean> {
  const result = await db.updateTable('campaigns').set({ status: 'sending', prepared_by: null, prepare_beat_at: null, updated_at: sql`now()` })
    .where('id', '=', id).where('status', '=', 'preparing').where('prepared_by', '=', worker).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function campaignsSending(db: Db): Promise<Array<{ id: string; channel: CampaignChannel }>> {
  return db.selectFrom('campaigns').select(['id', 'channel']).where('status', '=', 'sending').where('deleted_at', 'is', null).execute();
}
