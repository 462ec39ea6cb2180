import { createHash } from 'node:crypto';
import type { Config } from '../../config/config.ts';
import type { Actor, AuthContext } from '../../core/context.ts';
import { cursorTime, cursorUuid, decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { VoiceChannel, VoiceStatus } from '../../db/schema.ts';
import { can } from '../../domain/auth/permissions.ts';
import { MASK, maskEmail } from '../../domain/customers/masking.ts';
import { addSubstringGrams, foldValue, termGrams } from '../../domain/search/grams.ts';
import { RFM_TIERS } from '../../domain/value/rfm.ts';
import {
  applyTagRules, DEFAULT_TOPIC_RULES, detectLanguage, isNearDuplicate, scoreSentiment, textBands, TOPIC_TAGS, type TagRule,
} from '../../domain/voice/index.ts';
import { upsertKeyedActivity } from '../../ledger/activities/activities.repository.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { ingestRecords } from '../../resolution/staging.ts';
import { createMailer } from '../campaigns/mailer.ts';
import { getSettings } from '../campaigns/settings.service.ts';
import { insertTask } from '../triggers/triggers.repository.ts';
import * as repo from './voice.repository.ts';
import type {
  InboundEmail, VoiceItem, VoiceItemDetail, VoiceItemInput, VoiceItemPage, VoiceItemPatch, VoiceListFilter, VoiceReplyInput, VoiceGroup,
} from './voice.schemas.ts';
import { CHANNEL_LABELS, SENTIMENT_LABELS, STATUS_LABELS } from './voice.schemas.ts';

/**
 * The voice-of-customer inbox (issue 24). Every channel ends in `receive`: the item is scored (sentiment, language),
 * tagged by the stored rules, grouped with near-duplicates (shared LSH band keys, confirmed by Jaccard) or with items
 * of the same product and topic, routed by the first matching routing rule, and put on the customer's timeline; a
 * negative item of a valued customer (RFM tier loyal or stable, or an open deal) gives the customer's owner a task.
 * The customer is reached through the item's source record, so merges and unmerges move items with their records.
 */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const DAY = 86_400_000;
const JST = 9 * 3_600_000;
/** Items further apart than this never start or join a product + topic theme. */
const THEME_WINDOW_DAYS = 90;
const NEAR_DUPLICATE_CANDIDATES = 30;
const LIST_TEXT_CHARS = 200;
/** Tiers whose negative feedback notifies the customer's owner. */
export const VALUED_TIERS: readonly string[] = ['loyal', 'stable'];
const OPEN_DEAL_STAGE = 'opportunity';

export const personalFor = (auth: AuthContext | null): boolean => auth !== null && can(auth.role, 'customers:read_personal');
const jstDate = (at: Date, plusDays = 0): string => new Date(at.getTime() + JST + plusDays * DAY).toISOString().slice(0, 10);
/** The UTC instant a Japan date starts. */
const jstStart = (date: string): string => new Date(Date.parse(`${date}T00:00:00+09:00`)).toISOString();

// ── intake: the one door every channel goes through ──

export interface Arrival {
  sourceRecordId: number; customerId: string; channel: VoiceChannel; receivedAt: Date; dedupeKey: string | null;
  subject?: string | null | undefined; text: string; sender?: string | null | undefined;
  score?: number | null | undefined; scoreKind?: 'nps' | 'csat' | null | undefined; scoreMax?: number | null | undefined;
  productSkus?: string[] | undefined; attachmentNames?: string[] | undefined; formId?: string | null | undefined;
  formSubmissionId?: number | null | undefined; activityId?: number | null | undefined; tags?: string[] | undefined; createdBy: string | null;
}

export interface Received { id: string; duplicate: boolean }

/** Stores and processes one arrival in one transaction (see the module comment). Idempotent on its dedupe key. */
export async function receive(db: Db, a: Arrival, now = new Date()): Promise<Received> {
  if (a.dedupeKey) {
    const existing = await repo.itemIdByDedupeKey(db, a.dedupeKey);
    if (existing) return { id: existing, duplicate: true };
  }
  const rules = await tagRules(db);
  return db.transaction().execute(async (trx) => {
    const text = a.text.trim();
    const scored = scoreSentiment([a.subject ?? '', text].filter(Boolean).join('\n'));
    const folded = foldValue(text);
    const grams = new Set<string>();
    addSubstringGrams(folded, grams);
    const productSkus = [...new Set(a.productSkus ?? [])];
    const id = await repo.insertItem(trx, {
      sourceRecordId: a.sourceRecordId, channel: a.channel, receivedAt: a.receivedAt, dedupeKey: a.dedupeKey, subject: a.subject?.trim() || null, text,
      sender: a.sender ?? null, score: a.score ?? null, scoreKind: a.scoreKind ?? null, scoreMax: a.scoreKind === 'csat' ? a.scoreMax ?? 5 : a.scoreKind === 'nps' ? 10 : null,
      productSkus, attachmentNames: a.attachmentNames ?? [], language: detectLanguage(text), sentiment: scored.label,
      sentimentScore: scored.score, sentimentEvidence: scored.evidence, formSubmissionId: a.formSubmissionId ?? null, activityId: a.activityId ?? null,
      searchText: folded, searchGrams: [...grams], bands: textBands(text), createdBy: a.createdBy,
    });
    // A concurrent arrival with the same key won the insert: it is that item.
    if (id === null) return { id: (await repo.itemIdByDedupeKey(trx, a.dedupeKey!))!, duplicate: true };

    const matched = applyTagRules({ text, formId: a.formId ?? null, productSkus, channel: a.channel }, rules);
    const manual = (a.tags ?? []).filter((t) => !matched.some((m) => m.tag === t));
    await repo.insertTags(trx, id, [
      ...matched.map((m) => ({ tag: m.tag, origin: 'rule' as const, ruleId: m.ruleId ?? null, createdBy: null })),
      ...manual.map((tag) => ({ tag, origin: 'manual' as const, ruleId: null, createdBy: a.createdBy })),
    ]);
    const tags = [...matched.map((m) => m.tag), ...manual];
    await groupItem(trx, { id, text, productSkus, tags, at: a.receivedAt });
    const item = (await repo.findItem(trx, id))!;
    await route(trx, item, tags, now);
    await upsertKeyedActivity(trx, {
      dedupeKey: `voice:${id}:received`, customerId: item.customer_id, type: 'voice_received', occurredAt: a.receivedAt,
      title: `顧客の声 (${CHANNEL_LABELS[a.channel]}): ${SENTIMENT_LABELS[scored.label]}`,
      properties: { itemId: id, channel: a.channel, sentiment: scored.label, tags, productSkus, ...(a.score !== undefined && a.score !== null ? { score: a.score, scoreKind: a.scoreKind } : {}) },
      sourceId: item.source_id, sourceRecordId: item.source_record_id,
    });
    if (scored.label === 'negative') await notifyOwner(trx, item, now);
    return { id, duplicate: false };
  });
}

/** The stored tag rules (the default topic rules are stored on first use, then edited like any). */
async function tagRules(db: Db): Promise<TagRule[]> {
  await seedTagRules(db);
  return (await repo.listTagRules(db, true)).map((r) => ({
    id: r.id, tag: r.tag, ...(r.keywords.length ? { keywords: r.keywords } : {}), ...(r.form_id ? { formIds: [r.form_id] } : {}),
    ...(r.product_skus.length ? { productSkus: r.product_skus } : {}), ...(r.channel ? { channels: [r.channel] } : {}),
  }));
}

export async function seedTagRules(db: Db): Promise<void> {
  if ((await repo.countTagRulesEver(db)) > 0) return;
  await db.transaction().execute(async (trx) => {
    await repo.lockForSeeding(trx);
    if ((await repo.countTagRulesEver(trx)) > 0) return;
    await repo.insertTagRules(trx, DEFAULT_TOPIC_RULES.map((r) => ({
      tag: r.tag, keywords: r.keywords ?? [], formId: null, productSkus: r.productSkus ?? [], channel: null, enabled: true,
    })), true, null);
  });
}

/**
 * A theme for the new item: a near-duplicate of a recent item (its group, or a new one with both), else a product +
 * topic theme (the open one, or a new one when another recent item of the product has the topic).
 */
async function groupItem(db: Db, item: { id: string; text: string; productSkus: string[]; tags: string[]; at: Date }): Promise<void> {
  const candidates = await repo.bandCandidates(db, textBands(item.text), item.id, NEAR_DUPLICATE_CANDIDATES);
  const twin = candidates.find((c) => isNearDuplicate(c.text, item.text));
  if (twin) {
    const groupId = twin.group_id ?? await repo.insertGroup(db, { label: `${NEAR_DUPLICATE_LABEL}${excerpt(twin.text, 40)}`, productSku: null, topic: null, at: item.at });
    await repo.joinGroup(db, groupId, twin.group_id ? [item.id] : [twin.id, item.id]);
    return;
  }
  const since = new Date(item.at.getTime() - THEME_WINDOW_DAYS * DAY);
  const topics = item.tags.filter((t) => TOPIC_TAGS.includes(t)).concat(item.tags.filter((t) => !TOPIC_TAGS.includes(t)));
  for (const sku of item.productSkus) {
    for (const topic of topics) {
      const open = await repo.topicGroup(db, sku, topic, since);
      if (open) { await repo.joinGroup(db, open, [item.id]); return; }
      const peer = await repo.topicPeer(db, sku, topic, since, item.id);
      if (peer) {
        const groupId = await repo.insertGroup(db, { label: `${sku} × ${topic}`, productSku: sku, topic, at: item.at });
        await repo.joinGroup(db, groupId, [peer, item.id]);
        return;
      }
    }
  }
}

const excerpt = (text: string, chars: number): string => {
  const one = text.replace(/\s+/gu, ' ').trim();
  return Array.from(one).length > chars ? `${Array.from(one).slice(0, chars).join('')}…` : one;
};

/** The first enabled routing rule whose conditions all hold sets the team, assignee and due date. */
async function route(db: Db, item: repo.ItemDetailDb, tags: readonly string[], now: Date): Promise<void> {
  for (const rule of await repo.listRoutingRules(db, true)) {
    if (rule.tag !== null && !tags.includes(rule.tag)) continue;
    if (rule.product_sku !== null && !item.product_skus.includes(rule.product_sku)) continue;
    if (rule.sentiment !== null && rule.sentiment !== item.sentiment) continue;
    if (rule.customer_tier !== null && rule.customer_tier !== item.customer_tier) continue;
    await repo.updateItem(db, item.id, {
      teamId: rule.team_id, assigneeUserId: rule.assignee_user_id, routingRuleId: rule.id,
      dueOn: rule.due_in_days === null ? null : jstDate(now, rule.due_in_days),
    });
    return;
  }
}

/** Why a customer counts as valued (negative feedback from them notifies the owner), or null. */
export function valuedReason(c: { customer_tier: string | null; lifecycle_stage: string }): string | null {
  if (c.customer_tier !== null && VALUED_TIERS.includes(c.customer_tier)) {
    return `RFM ${RFM_TIERS[c.customer_tier as keyof typeof RFM_TIERS].ja}顧客`;
  }
  if (c.lifecycle_stage === OPEN_DEAL_STAGE) return '商談中の顧客';
  return null;
}

async function notifyOwner(db: Db, item: repo.ItemDetailDb, now: Date): Promise<void> {
  const why = valuedReason(item);
  if (!why || !item.owner_user_id || (await repo.activeUsers(db, [item.owner_user_id])).length === 0) return;
  const title = `否定的な顧客の声 (${why}): ${item.display_name ?? '顧客'}`;
  const dueOn = jstDate(now, 1);
  const taskId = await insertTask(db, { customerId: item.customer_id, assigneeUserId: item.owner_user_id, title, dueOn, now });
  await upsertKeyedActivity(db, {
    dedupeKey: `task:${taskId}:created`, customerId: item.customer_id, type: 'task_created', occurredAt: now, title: `タスク: ${title}`,
    properties: { taskId, voiceItemId: item.id, assigneeUserId: item.owner_user_id, dueOn, reason: `否定的な顧客の声、${why}` },
    sourceId: item.source_id, sourceRecordId: item.source_record_id,
  });
}

// ── channels ──

/** A person named by contact details becomes (or is found as) a customer through a source record of `source`. */
async function resolveSender(db: Db, source: { name: string; label: string; kind: 'api' | 'integration' | 'file_import' },
  who: { email?: string | undefined; phone?: string | undefined; name?: string | undefined; companyName?: string | undefined }, actor: Actor) {
  const fields: Record<string, string> = {};
  if (who.email) fields.email = who.email;
  if (who.phone) fields.phone = who.phone;
  if (who.name) fields.full_name = who.name;
  if (who.companyName) fields.company_name = who.companyName;
  // One record per person and source (like orders' buyers): keyed by the address, else the phone.
  const key = (who.email ?? who.phone ?? '').trim().toLowerCase();
  const [record] = await ingestRecords(db, { source, records: [{ externalId: key, fields }], actor });
  return record!;
}

async function recordOf(db: Db, customerId: string): Promise<{ recordId: number; customerId: string }> {
  const customer = await repo.liveCustomer(db, customerId);
  if (!customer) throw new AppError('validation_failed', '顧客が見つかりません (unknown customer)', [{ field: 'customerId', message: '顧客が見つかりません' }]);
  const recordId = await repo.recordForCustomer(db, customerId, customer.email);
  if (recordId === null) throw new AppError('conflict', 'この顧客にはソースレコードがありません (the customer has no source record)');
  return { recordId, customerId };
}

async function checkedSkus(db: Db, skus: readonly string[] | undefined, field = 'productSkus'): Promise<string[]> {
  const list = [...new Set(skus ?? [])];
  const known = new Set(await repo.productSkusExisting(db, list));
  const unknown = list.filter((s) => !known.has(s));
  if (unknown.length) throw new AppError('validation_failed', '商品が見つかりません (unknown product)', [{ field, message: `商品コードが見つかりません: ${unknown.join(', ')}` }]);
  return list;
}

export async function createFromApi(db: Db, input: VoiceItemInput, auth: AuthContext | null, actor: Actor): Promise<{ item: VoiceItemDetail; duplicate: boolean }> {
  const productSkus = await checkedSkus(db, input.productSkus);
  const who = input.customerId ? await recordOf(db, input.customerId)
    : await resolveSender(db, { name: 'voice-api', label: '顧客の声 (API)', kind: 'api' }, input, actor);
  const received = await receive(db, {
    sourceRecordId: who.recordId, customerId: who.customerId, channel: input.channel, receivedAt: input.receivedAt ? new Date(input.receivedAt) : new Date(),
    dedupeKey: input.externalId ? `api:${input.externalId}` : null, subject: input.subject ?? null, text: input.text,
    sender: input.email ?? input.phone ?? null, score: input.score ?? null, scoreKind: input.scoreKind ?? null, scoreMax: input.scoreMax ?? null,
    productSkus, attachmentNames: input.attachmentNames ?? [], tags: input.tags ?? [], createdBy: actor.auth?.userId ?? null,
  });
  if (!received.duplicate) await audit(db, actor, 'voice.create', { type: 'voice_item', id: received.id }, { channel: input.channel });
  return { item: await getItem(db, received.id, auth), duplicate: received.duplicate };
}

/** "山田 太郎 <taro@x.jp>", "taro@x.jp" or "<taro@x.jp>" → address and name. */
export function parseFrom(from: string): { address: string; name: string | null } | null {
  const angle = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/u.exec(from);
  if (angle) return { address: angle[2]!.toLowerCase(), name: angle[1]!.trim() || null };
  const bare = /^\s*([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)\s*$/u.exec(from);
  return bare ? { address: bare[1]!.toLowerCase(), name: null } : null;
}

/** An e-mail to the feedback address (the API or the built-in listener): the sender resolved like any record. */
export async function createFromEmail(db: Db, mail: InboundEmail, auth: AuthContext | null, actor: Actor): Promise<{ item: VoiceItemDetail | null; id: string; duplicate: boolean }> {
  const from = parseFrom(mail.from);
  if (!from) throw new AppError('validation_failed', '差出人のメールアドレスが読み取れません (unreadable From address)', [{ field: 'from', message: '差出人のメールアドレスが読み取れません' }]);
  const who = await resolveSender(db, { name: 'voice-email', label: '顧客の声 (メール)', kind: 'integration' }, { email: from.address, name: from.name ?? undefined }, actor);
  const key = mail.messageId ?? createHash('sha256').update(JSON.stringify([from.address, mail.subject, mail.text, mail.date ?? null])).digest('hex').slice(0, 40);
  const received = await receive(db, {
    sourceRecordId: who.recordId, customerId: who.customerId, channel: 'email', receivedAt: mail.date ? new Date(mail.date) : new Date(),
    dedupeKey: `email:${key}`, subject: mail.subject, text: mail.text, sender: mail.from, attachmentNames: mail.attachmentNames ?? [],
    createdBy: actor.auth?.userId ?? null,
  });
  if (!received.duplicate) await audit(db, actor, 'voice.create', { type: 'voice_item', id: received.id }, { channel: 'email' });
  return { id: received.id, item: auth ? await getItem(db, received.id, auth) : null, duplicate: received.duplicate };
}

/** What the forms intake tells the inbox about an accepted submission (wired by the app: intake never imports use). */
export interface FormSubmitted {
  formId: string; submissionId: number; sourceRecordId: number; customerId: string; submittedAt: Date; values: Record<string, string | string[]>;
}

/** A submission of a form with a field marked as the message becomes an item; other forms are none of the inbox's business. */
export async function createFromFormSubmission(db: Db, s: FormSubmitted): Promise<Received | null> {
  const form = await repo.formOf(db, s.formId);
  const fields = (form?.fields ?? []) as Array<{ key: string; voiceMessage?: boolean; target: string }>;
  const message = fields.find((f) => f.voiceMessage);
  const raw = message ? s.values[message.key] : undefined;
  const text = Array.isArray(raw) ? raw.join('\n') : raw;
  if (!form || !message || !text?.trim()) return null;
  return receive(db, {
    sourceRecordId: s.sourceRecordId, customerId: s.customerId, channel: 'form', receivedAt: s.submittedAt, dedupeKey: `form:${s.submissionId}`,
    subject: form.title, text, formId: form.id, formSubmissionId: s.submissionId, createdBy: null,
  });
}

/** A sales note marked as feedback: its text becomes an item of the note's customer. */
export async function createFromNote(db: Db, activityId: number, input: { productSkus?: string[] | undefined; tags?: string[] | undefined }, auth: AuthContext | null, actor: Actor) {
  const note = await repo.noteActivity(db, activityId);
  if (!note || note.type !== 'note') throw notFound('sales note');
  const body = (note.properties as { body?: unknown }).body;
  if (typeof body !== 'string' || !body.trim()) throw new AppError('conflict', 'このメモには本文がありません (the note has no text)');
  const productSkus = await checkedSkus(db, input.productSkus);
  const recordId = note.source_record_id ?? (await recordOf(db, note.customer_id)).recordId;
  const received = await receive(db, {
    sourceRecordId: recordId, customerId: note.customer_id, channel: 'note', receivedAt: new Date(note.occurred_at), dedupeKey: `note:${activityId}`,
    text: body, activityId, productSkus, tags: input.tags ?? [], createdBy: actor.auth?.userId ?? null,
  });
  if (!received.duplicate) await audit(db, actor, 'voice.create', { type: 'voice_item', id: received.id }, { channel: 'note', activityId });
  return { item: await getItem(db, received.id, auth), duplicate: received.duplicate };
}

// ── reads ──

function toItem(r: repo.ItemRowDb & { text: string }, tags: Awaited<ReturnType<typeof repo.tagsOf>>, personal: boolean): VoiceItem {
  return {
    id: r.id, receivedAt: iso(r.received_at)!, channel: r.channel, customerId: r.customer_id, customerName: r.display_name,
    subject: r.subject === null ? null : personal ? r.subject : MASK, text: personal ? r.text : MASK,
    sender: r.sender === null ? null : personal ? r.sender : MASK, score: r.score, scoreKind: r.score_kind, scoreMax: r.score_max,
    productSkus: r.product_skus, language: r.language, sentiment: r.sentiment, sentimentScore: Number(r.sentiment_score), status: r.status,
    assigneeUserId: r.assignee_user_id, assigneeName: r.assignee_name, teamId: r.team_id, teamName: r.team_name, dueOn: r.due_on, groupId: r.group_id,
    tags: tags.filter((t) => t.item_id === r.id).map((t) => ({ tag: t.tag, origin: t.origin, ruleId: t.rule_id, createdBy: t.created_by })),
    masked: !personal,
  };
}

/** The list's filters as the repository's, with Japan dates as instants and the search folded like customers'. */
export function itemFilterOf(q: VoiceListFilter, auth: AuthContext | null): repo.ItemFilter {
  const folded = q.q ? foldValue(q.q) : '';
  return {
    statuses: q.status, tag: q.tag, sentiment: q.sentiment, channel: q.channel, teamId: q.teamId, product: q.product, customerId: q.customerId,
    groupId: q.groupId, fromTime: q.from ? jstStart(q.from) : undefined,
    beforeTime: q.to ? jstStart(new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10)) : undefined,
    assignee: q.assigneeUserId === 'me' ? auth?.userId ?? '00000000-0000-0000-0000-000000000000' : q.assigneeUserId === 'none' ? 'none' : q.assigneeUserId,
    search: folded ? { folded, grams: termGrams(folded) } : undefined,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

export async function listItems(db: Db, q: VoiceListFilter, auth: AuthContext | null): Promise<VoiceItemPage> {
  if (q.assigneeUserId && q.assigneeUserId !== 'me' && q.assigneeUserId !== 'none' && !UUID.test(q.assigneeUserId)) {
    throw new AppError('validation_failed', 'The request has invalid fields', [{ field: 'assigneeUserId', message: '担当者はユーザー ID・me・none のいずれかです' }]);
  }
  const limit = q.limit ?? 50;
  const after = q.cursor ? (() => { const c = decodeCursor(q.cursor); return { time: cursorTime(c.t), id: cursorUuid(c.i) }; })() : null;
  const rows = await repo.listItems(db, itemFilterOf(q, auth), after, limit + 1, LIST_TEXT_CHARS);
  const page = rows.slice(0, limit);
  const tags = await repo.tagsOf(db, page.map((r) => r.id));
  const personal = personalFor(auth);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toItem(r, tags, personal)),
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.received_cursor, i: last.id }) : null,
    hasMore: rows.length > limit,
  };
}

/** A near-duplicate theme's label quotes an item's text (personal data); a product × topic label does not. */
export const NEAR_DUPLICATE_LABEL = '類似: ';
export const groupLabel = (label: string, personal: boolean): string => (personal || !label.startsWith(NEAR_DUPLICATE_LABEL) ? label : `${NEAR_DUPLICATE_LABEL}${MASK}`);

function toGroup(g: repo.GroupRowDb, personal: boolean): VoiceGroup {
  return { id: g.id, label: groupLabel(g.label, personal), productSku: g.product_sku, topic: g.topic, itemCount: g.item_count, firstAt: iso(g.first_at)!, lastAt: iso(g.last_at)!, negative: g.negative };
}

export async function getItem(db: Db, id: string, auth: AuthContext | null): Promise<VoiceItemDetail> {
  const row = await repo.findItem(db, id);
  if (!row) throw notFound('voice item');
  const personal = personalFor(auth);
  const [tags, comments, replies, groups] = await Promise.all([
    repo.tagsOf(db, [id]), repo.commentsOf(db, id), repo.repliesOf(db, id), row.group_id ? repo.listGroups(db, { ids: [row.group_id], limit: 1 }) : [],
  ]);
  return {
    ...toItem(row, tags, personal),
    attachmentNames: personal ? row.attachment_names : row.attachment_names.map(() => MASK),
    sentimentEvidence: personal && Array.isArray(row.sentiment_evidence) ? row.sentiment_evidence : [],
    customerTier: row.customer_tier, routingRuleId: row.routing_rule_id, sourceRecordId: Number(row.source_record_id),
    formSubmissionId: row.form_submission_id === null ? null : Number(row.form_submission_id), formId: row.form_id,
    activityId: row.activity_id === null ? null : Number(row.activity_id),
    replyTo: personal ? replyAddress(row) : maskEmail(replyAddress(row)),
    group: groups[0] ? toGroup(groups[0], personal) : null,
    comments: comments.map((m) => ({ id: Number(m.id), authorUserId: m.author_user_id, authorName: m.author_name, body: personal ? m.body : MASK, createdAt: iso(m.created_at)! })),
    replies: replies.map((r) => ({
      id: Number(r.id), toAddress: personal ? r.to_address : maskEmail(r.to_address) ?? MASK, subject: personal ? r.subject : MASK, body: personal ? r.body : MASK,
      sentBy: r.sent_by, sentByName: r.sent_by_name, sentAt: iso(r.sent_at)!, transport: r.transport,
    })),
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, doneAt: iso(row.done_at),
  };
}

/** Where a reply goes: the customer's e-mail, else the address the item came from. */
function replyAddress(row: repo.ItemDetailDb): string | null {
  if (row.customer_email) return row.customer_email;
  return row.sender ? parseFrom(row.sender)?.address ?? null : null;
}

async function load(db: Db, id: string): Promise<repo.ItemDetailDb> {
  const row = await repo.findItem(db, id);
  if (!row) throw notFound('voice item');
  return row;
}

// ── follow-up ──

export async function patchItem(db: Db, id: string, patch: VoiceItemPatch, auth: AuthContext | null, actor: Actor, now = new Date()): Promise<VoiceItemDetail> {
  const row = await load(db, id);
  if (patch.assigneeUserId && (await repo.activeUsers(db, [patch.assigneeUserId])).length === 0) {
    throw new AppError('validation_failed', 'The request has invalid fields', [{ field: 'assigneeUserId', message: 'ユーザーが見つかりません (unknown user)' }]);
  }
  if (patch.teamId && !(await repo.teamExists(db, patch.teamId))) {
    throw new AppError('validation_failed', 'The request has invalid fields', [{ field: 'teamId', message: 'チームが見つかりません (unknown team)' }]);
  }
  const productSkus = patch.productSkus === undefined ? undefined : await checkedSkus(db, patch.productSkus);
  const status = patch.status;
  await db.transaction().execute(async (trx) => {
    await repo.updateItem(trx, id, {
      status, assigneeUserId: patch.assigneeUserId, teamId: patch.teamId, dueOn: patch.dueOn, productSkus,
      ...(status === 'done' && row.status !== 'done' ? { doneAt: now } : status && status !== 'done' ? { doneAt: null } : {}),
    });
    if (status === 'done' && row.status !== 'done') {
      await upsertKeyedActivity(trx, {
        dedupeKey: `voice:${id}:done:${now.getTime()}`, customerId: row.customer_id, type: 'voice_done', occurredAt: now,
        title: `顧客の声を${STATUS_LABELS.done}にしました`, properties: { itemId: id, byUserId: actor.auth?.userId ?? null },
        sourceId: row.source_id, sourceRecordId: row.source_record_id,
      });
    }
    await audit(trx, actor, 'voice.update', { type: 'voice_item', id }, { fields: Object.keys(patch), ...(status ? { status } : {}) });
  });
  return getItem(db, id, auth);
}

export async function addTag(db: Db, id: string, tag: string, auth: AuthContext | null, actor: Actor): Promise<VoiceItemDetail> {
  await load(db, id);
  await repo.insertTags(db, id, [{ tag, origin: 'manual', ruleId: null, createdBy: actor.auth?.userId ?? null }]);
  await audit(db, actor, 'voice.tag', { type: 'voice_item', id }, { tag, added: true });
  return getItem(db, id, auth);
}

export async function removeTag(db: Db, id: string, tag: string, auth: AuthContext | null, actor: Actor): Promise<VoiceItemDetail> {
  await load(db, id);
  if (!(await repo.deleteTag(db, id, tag))) throw notFound('tag');
  await audit(db, actor, 'voice.tag', { type: 'voice_item', id }, { tag, added: false });
  return getItem(db, id, auth);
}

export async function addComment(db: Db, id: string, body: string, auth: AuthContext | null, actor: Actor): Promise<VoiceItemDetail> {
  await load(db, id);
  const commentId = await repo.insertComment(db, id, actor.auth?.userId ?? null, body);
  await audit(db, actor, 'voice.comment', { type: 'voice_item', id }, { commentId });
  return getItem(db, id, auth);
}

/** A reply by e-mail through the campaigns' mailer (SMTP when configured, else the outbox), on the customer's timeline. */
export async function reply(db: Db, config: Pick<Config, 'smtpUrl'>, id: string, input: VoiceReplyInput, auth: AuthContext | null, actor: Actor, now = new Date()): Promise<VoiceItemDetail> {
  const row = await load(db, id);
  const to = replyAddress(row);
  // Each refusal names what is missing (field): the inbox shows its own message for each, not a generic conflict.
  if (!to) throw new AppError('conflict', '返信先のメールアドレスがありません (the customer has no e-mail address)', [{ field: 'to', message: '返信先のメールアドレスがありません。顧客のメールアドレスを登録してください' }]);
  const settings = await getSettings(db);
  if (!settings.fromEmail) throw new AppError('conflict', '送信元のメールアドレスが未設定です。配信設定で設定してください (set the sender address in the messaging settings)', [{ field: 'fromEmail', message: '送信元のメールアドレスが未設定です。配信設定で設定してください' }]);
  const mailer = createMailer(db, config);
  let sent;
  try {
    sent = await mailer.send({
      from: { name: settings.senderName || settings.fromEmail, address: settings.fromEmail }, to, subject: input.subject, text: input.body,
      ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    }, {});
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('conflict', `メールを送信できませんでした (the mail server refused the reply): ${reason}`, [{ field: 'smtp', message: `メールサーバーの応答: ${reason}` }]);
  } finally {
    mailer.close();
  }
  await db.transaction().execute(async (trx) => {
    const replyId = await repo.insertReply(trx, {
      itemId: id, to, subject: input.subject, body: input.body, sentBy: actor.auth?.userId ?? null, transport: mailer.kind, smtpMessageId: sent.messageId, sentAt: now,
    });
    await upsertKeyedActivity(trx, {
      dedupeKey: `voice:${id}:reply:${replyId}`, customerId: row.customer_id, type: 'voice_reply', occurredAt: now,
      // The subject may quote the customer: the timeline (customers:read) says only that a reply went out.
      title: '顧客の声に返信しました', properties: { itemId: id, replyId, transport: mailer.kind, byUserId: actor.auth?.userId ?? null },
      sourceId: row.source_id, sourceRecordId: row.source_record_id,
    });
    const status: VoiceStatus = input.markDone ? 'done' : row.status === 'new' ? 'in_progress' : row.status;
    if (status !== row.status) {
      await repo.updateItem(trx, id, { status, ...(status === 'done' ? { doneAt: now } : {}) });
      if (status === 'done') {
        await upsertKeyedActivity(trx, {
          dedupeKey: `voice:${id}:done:${now.getTime()}`, customerId: row.customer_id, type: 'voice_done', occurredAt: now,
          title: `顧客の声を${STATUS_LABELS.done}にしました`, properties: { itemId: id, byUserId: actor.auth?.userId ?? null },
          sourceId: row.source_id, sourceRecordId: row.source_record_id,
        });
      }
    }
    await audit(trx, actor, 'voice.reply', { type: 'voice_item', id }, { replyId, transport: mailer.kind });
  });
  return getItem(db, id, auth);
}

// ── aggregates ──

export async function tagCatalog(db: Db) {
  return { topics: [...TOPIC_TAGS], items: await repo.tagCounts(db) };
}

export async function listGroups(db: Db, q: { since?: string | undefined; limit?: number | undefined }, auth: AuthContext | null) {
  const rows = await repo.listGroups(db, { ...(q.since ? { since: new Date(jstStart(q.since)) } : {}), limit: q.limit ?? 50 });
  const personal = personalFor(auth);
  return { items: rows.map((g) => toGroup(g, personal)) };
}

export async function trend(db: Db, q: { product?: string | undefined; from?: string | undefined; to?: string | undefined }) {
  const rows = await repo.monthlySentiment(db, {
    product: q.product, fromTime: q.from ? jstStart(q.from) : undefined,
    beforeTime: q.to ? jstStart(new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10)) : undefined,
  });
  const months = new Map<string, { month: string; total: number; positive: number; neutral: number; negative: number; sum: number }>();
  for (const r of rows) {
    const m = months.get(r.month) ?? { month: r.month, total: 0, positive: 0, neutral: 0, negative: 0, sum: 0 };
    m[r.sentiment] += r.n;
    m.total += r.n;
    m.sum += r.scoreSum;
    months.set(r.month, m);
  }
  return {
    productSku: q.product ?? null,
    months: [...months.values()].map(({ sum, ...m }) => ({ ...m, averageSentiment: m.total ? Math.round((sum / m.total) * 1000) / 1000 : null })),
  };
}
