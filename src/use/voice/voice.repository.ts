import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { VoiceChannel, VoiceSentiment, VoiceStatus } from '../../db/schema.ts';
import { exactTimestamp } from '../../db/sql-fragments.ts';

/**
 * SQL of the voice-of-customer inbox: the one writer of voice_items, voice_item_tags, voice_groups, voice_comments,
 * voice_replies, voice_tag_rules, voice_routing_rules, voice_teams, voice_team_members and voice_digests.
 * An item reaches its customer through its source record (source_records.customer_id), so every read joins it and
 * hides items of deleted customers.
 */

export interface NewItem {
  sourceRecordId: number; channel: VoiceChannel; receivedAt: Date; dedupeKey: string | null; subject: string | null; text: string;
  sender: string | null; score: number | null; scoreKind: 'nps' | 'csat' | null; scoreMax: number | null; productSkus: string[];
  attachmentNames: string[]; language: 'ja' | 'en' | 'other'; sentiment: VoiceSentiment; sentimentScore: number; sentimentEvidence: unknown[];
  formSubmissionId: number | null; activityId: number | null; searchText: string; searchGrams: string[]; bands: string[]; createdBy: string | null;
}

/** Inserts an item; a second insert with its dedupe key inserts nothing and returns null. */
export async function insertItem(db: Db, v: NewItem): Promise<string | null> {
  const row = await db.insertInto('voice_items').values({
    source_record_id: v.sourceRecordId, channel: v.channel, received_at: v.receivedAt, dedupe_key: v.dedupeKey, subject: v.subject, text: v.text,
    sender: v.sender, score: v.score, score_kind: v.scoreKind, score_max: v.scoreMax, product_skus: v.productSkus, attachment_names: v.attachmentNames,
    language: v.language, sentiment: v.sentiment, sentiment_score: v.sentimentScore, sentiment_evidence: JSON.stringify(v.sentimentEvidence),
    form_submission_id: v.formSubmissionId, activity_id: v.activityId, search_text: v.searchText, search_grams: v.searchGrams, bands: v.bands,
    created_by: v.createdBy,
  }).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
  return row?.id ?? null;
}

export async function itemIdByDedupeKey(db: Db, key: string): Promise<string | null> {
  const row = await db.selectFrom('voice_items').select('id').where('dedupe_key', '=', key).executeTakeFirst();
  return row?.id ?? null;
}

export async function updateItem(db: Db, id: string, set: {
  status?: VoiceStatus; assigneeUserId?: string | null; teamId?: string | null; dueOn?: string | null; productSkus?: string[];
  groupId?: string | null; routingRuleId?: string | null; doneAt?: Date | null;
}): Promise<void> {
  const values: Record<string, unknown> = {};
  if (set.status !== undefined) values.status = set.status;
  if (set.assigneeUserId !== undefined) values.assignee_user_id = set.assigneeUserId;
  if (set.teamId !== undefined) values.team_id = set.teamId;
  if (set.dueOn !== undefined) values.due_on = set.dueOn;
  if (set.productSkus !== undefined) values.product_skus = set.productSkus;
  if (set.groupId !== undefined) values.group_id = set.groupId;
  if (set.routingRuleId !== undefined) values.routing_rule_id = set.routingRuleId;
  if (set.doneAt !== undefined) values.done_at = set.doneAt;
  if (Object.keys(values).length === 0) return;
  await db.updateTable('voice_items').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
}

// ── reads of items ──

export interface ItemRowDb {
  id: string; received_at: Date; received_cursor: string; channel: VoiceChannel; customer_id: string; display_name: string | null;
  subject: string | null; text: string; sender: string | null; score: number | null; score_kind: 'nps' | 'csat' | null; score_max: number | null;
  product_skus: string[]; language: 'ja' | 'en' | 'other'; sentiment: VoiceSentiment; sentiment_score: number; status: VoiceStatus;
  assignee_user_id: string | null; assignee_name: string | null; team_id: string | null; team_name: string | null; due_on: string | null;
  group_id: string | null;
}

export interface ItemFilter {
  statuses?: readonly string[] | undefined; tag?: string | undefined; sentiment?: string | undefined; channel?: string | undefined;
  teamId?: string | undefined; assignee?: string | 'none' | undefined; product?: string | undefined; customerId?: string | undefined;
  groupId?: string | undefined; fromTime?: string | undefined; beforeTime?: string | undefined;
  /** Folded text every match contains, and the grams that text has (the GIN index's part of the search). */
  search?: { folded: string; grams: readonly string[] } | undefined;
}

/** The filters on the item's own columns (everything but the customer, the search and the customer's deletion). */
function itemOwnParts(f: ItemFilter): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (f.statuses?.length) parts.push(sql`v.status IN (${sql.join([...f.statuses])})`);
  if (f.tag) parts.push(sql`EXISTS (SELECT 1 FROM voice_item_tags g WHERE g.item_id = v.id AND g.tag = ${f.tag})`);
  if (f.sentiment) parts.push(sql`v.sentiment = ${f.sentiment}`);
  if (f.channel) parts.push(sql`v.channel = ${f.channel}`);
  if (f.teamId) parts.push(sql`v.team_id = ${f.teamId}::uuid`);
  if (f.assignee === 'none') parts.push(sql`v.assignee_user_id IS NULL`);
  else if (f.assignee) parts.push(sql`v.assignee_user_id = ${f.assignee}::uuid`);
  if (f.product) parts.push(sql`v.product_skus @> ARRAY[${f.product}]::text[]`);
  if (f.groupId) parts.push(sql`v.group_id = ${f.groupId}::uuid`);
  if (f.fromTime) parts.push(sql`v.received_at >= ${f.fromTime}::timestamptz`);
  if (f.beforeTime) parts.push(sql`v.received_at < ${f.beforeTime}::timestamptz`);
  return parts;
}

/** Every filter; `own: false` leaves out the item's own ones (a probe's window has applied them). */
function filterSql(f: ItemFilter, { own = true } = {}): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`c.deleted_at IS NULL`, ...(own ? itemOwnParts(f) : [])];
  if (f.customerId) parts.push(sql`sr.customer_id = ${f.customerId}::uuid`);
  if (f.search) {
    if (f.search.grams.length) parts.push(sql`v.search_grams @> ${[...f.search.grams]}::text[]`);
    parts.push(sql`v.search_text LIKE ${`%${escapeLikeText(f.search.folded)}%`}`);
  }
  return sql.join(parts, sql` AND `);
}

function escapeLikeText(s: string): string {
  return s.replace(/[\\%_]/gu, (c) => `\\${c}`);
}

const ITEM_COLUMNS = sql`v.id, v.received_at, ${exactTimestamp('v.received_at')} AS received_cursor, v.channel, sr.customer_id, c.display_name,
  v.subject, v.sender, v.score, v.score_kind, v.score_max, v.product_skus, v.language, v.sentiment, v.sentiment_score, v.status,
  v.assignee_user_id, u.display_name AS assignee_name, v.team_id, t.name AS team_name, to_char(v.due_on, 'YYYY-MM-DD') AS due_on, v.group_id`;
const ITEM_FROM = sql`voice_items v JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
  LEFT JOIN users u ON u.id = v.assignee_user_id LEFT JOIN voice_teams t ON t.id = v.team_id`;

type After = { time: string; id: string } | null;

const keysetSql = (after: After) => (after ? sql`AND (v.received_at, v.id) < (${after.time}::timestamptz, ${after.id}::uuid)` : sql``);

/**
 * A page of the inbox, newest first, keyset on (received_at, id); `textChars` bounds the text sent (the list's excerpt).
 *
 * A search for a term of three or more characters looks up several grams, and the planner, multiplying their
 * frequencies although they come together (吸引, 引力, 力が, が落, 落ち are in the same ~1% of items), expects one
 * match: it fetches every item the GIN index finds, joins each to its customer and sorts them all (9,500 items and
 * ~1 s for 「吸引力が落ち」 at 1M). Such a search first probes the newest items in order, which stops at the page's
 * end: PROBE_FIRST_ROWS of them; if none matches, the term is rare and the index lookup answers; if some do, their
 * density says how far to read (up to PROBE_MAX_ROWS) and only a page still short after that goes to the index.
 * Whichever step answers, the page is the same (the newest matches after the cursor).
 */
export async function listItems(
  db: Db, f: ItemFilter, after: After, limit: number, textChars: number | null,
  /** The probe's windows (tests use small ones; first 0: no probe). */
  probe: { first: number; max: number } = { first: PROBE_FIRST_ROWS, max: PROBE_MAX_ROWS },
): Promise<ItemRowDb[]> {
  if ((f.search?.grams.length ?? 0) >= 2 && limit <= PROBE_MAX_LIMIT && probe.first > 0) {
    const first = await listInWindow(db, f, after, limit, textChars, probe.first);
    if (first.length >= limit) return first;
    // Expect the page within 1.5× the rows the first window's density says; none found: a rare term, the index's case.
    const rows = first.length === 0 ? 0 : Math.min(probe.max, Math.ceil((1.5 * limit * probe.first) / first.length));
    if (rows > probe.first) {
      const more = await listInWindow(db, f, after, limit, textChars, rows);
      if (more.length >= limit) return more;
    }
  }
  const text = textChars === null ? sql`v.text` : sql`left(v.text, ${textChars}) AS text`;
  const result = await sql<ItemRowDb>`SELECT ${ITEM_COLUMNS}, ${text} FROM ${ITEM_FROM}
    WHERE ${filterSql(f)} ${keysetSql(after)}
    ORDER BY v.received_at DESC, v.id DESC LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** How many of the newest items (after the cursor, of the item's own filters) a multi-gram search reads first, and at most. */
export const PROBE_FIRST_ROWS = 1000;
export const PROBE_MAX_ROWS = 30_000;
/** Pages (up to 200 + 1) probe; the CSV export's batches of 1,000 read every match anyway, best through the index. */
const PROBE_MAX_LIMIT = 201;

/** The matches among the newest `rows` items that pass the item's own filters: an ordered scan stopping at `limit`. */
async function listInWindow(db: Db, f: ItemFilter, after: After, limit: number, textChars: number | null, rows: number): Promise<ItemRowDb[]> {
  const text = textChars === null ? sql`v.text` : sql`left(v.text, ${textChars}) AS text`;
  const own = itemOwnParts(f);
  const window = sql`(SELECT * FROM voice_items v WHERE ${own.length ? sql.join(own, sql` AND `) : sql`true`} ${keysetSql(after)}
    ORDER BY v.received_at DESC, v.id DESC LIMIT ${rows}) v`;
  const from = sql`${window} JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
    LEFT JOIN users u ON u.id = v.assignee_user_id LEFT JOIN voice_teams t ON t.id = v.team_id`;
  const result = await sql<ItemRowDb>`SELECT ${ITEM_COLUMNS}, ${text} FROM ${from}
    WHERE ${filterSql(f, { own: false })} ORDER BY v.received_at DESC, v.id DESC LIMIT ${limit}`.execute(db);
  return result.rows;
}

export interface ItemDetailDb extends ItemRowDb {
  attachment_names: string[]; sentiment_evidence: unknown; routing_rule_id: string | null; source_record_id: number; source_id: string;
  form_submission_id: number | null; form_id: string | null; activity_id: number | null; created_at: Date; updated_at: Date; done_at: Date | null;
  customer_email: string | null; customer_tier: string | null; owner_user_id: string | null; lifecycle_stage: string; text: string;
}

/** One item of a live customer, with what the detail and routing need. */
export async function findItem(db: Db, id: string): Promise<ItemDetailDb | undefined> {
  const result = await sql<ItemDetailDb>`SELECT ${ITEM_COLUMNS}, v.text, v.attachment_names, v.sentiment_evidence, v.routing_rule_id, v.source_record_id,
      sr.source_id, v.form_submission_id, fs.form_id, v.activity_id, v.created_at, v.updated_at, v.done_at, c.email AS customer_email, cv.tier AS customer_tier,
      c.owner_user_id, c.lifecycle_stage
    FROM ${ITEM_FROM} LEFT JOIN customer_values cv ON cv.customer_id = sr.customer_id LEFT JOIN form_submissions fs ON fs.id = v.form_submission_id
    WHERE v.id = ${id}::uuid AND c.deleted_at IS NULL`.execute(db);
  return result.rows[0];
}

export async function tagsOf(db: Db, itemIds: readonly string[]): Promise<Array<{ item_id: string; tag: string; origin: 'rule' | 'manual'; rule_id: string | null; created_by: string | null }>> {
  if (itemIds.length === 0) return [];
  return db.selectFrom('voice_item_tags').select(['item_id', 'tag', 'origin', 'rule_id', 'created_by'])
    .where('item_id', 'in', [...itemIds]).orderBy('created_at').orderBy('tag').execute();
}

export async function insertTags(db: Db, itemId: string, tags: ReadonlyArray<{ tag: string; origin: 'rule' | 'manual'; ruleId: string | null; createdBy: string | null }>): Promise<void> {
  if (tags.length === 0) return;
  await db.insertInto('voice_item_tags')
    .values(tags.map((t) => ({ item_id: itemId, tag: t.tag, origin: t.origin, rule_id: t.ruleId, created_by: t.createdBy })))
    .onConflict((oc) => oc.columns(['item_id', 'tag']).doNothing()).execute();
}

export async function deleteTag(db: Db, itemId: string, tag: string): Promise<boolean> {
  const result = await db.deleteFrom('voice_item_tags').where('item_id', '=', itemId).where('tag', '=', tag).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Tags in use with their counts (live customers' items). */
export async function tagCounts(db: Db): Promise<Array<{ tag: string; count: number }>> {
  const result = await sql<{ tag: string; count: number | string }>`SELECT g.tag, count(*) AS count FROM voice_item_tags g
    GROUP BY g.tag ORDER BY count(*) DESC, g.tag LIMIT 500`.execute(db);
  return result.rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}

// ── comments and replies ──

export async function insertComment(db: Db, itemId: string, authorUserId: string | null, body: string): Promise<number> {
  const row = await db.insertInto('voice_comments').values({ item_id: itemId, author_user_id: authorUserId, body }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function commentsOf(db: Db, itemId: string) {
  return db.selectFrom('voice_comments as m').leftJoin('users as u', 'u.id', 'm.author_user_id')
    .select(['m.id', 'm.author_user_id', 'u.display_name as author_name', 'm.body', 'm.created_at'])
    .where('m.item_id', '=', itemId).orderBy('m.id').execute();
}

export async function insertReply(db: Db, r: { itemId: string; to: string; subject: string; body: string; sentBy: string | null; transport: 'smtp' | 'outbox'; smtpMessageId: string | null; sentAt: Date }): Promise<number> {
  const row = await db.insertInto('voice_replies').values({
    item_id: r.itemId, to_address: r.to, subject: r.subject, body: r.body, sent_by: r.sentBy, transport: r.transport, smtp_message_id: r.smtpMessageId, sent_at: r.sentAt,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function repliesOf(db: Db, itemId: string) {
  return db.selectFrom('voice_replies as r').leftJoin('users as u', 'u.id', 'r.sent_by')
    .select(['r.id', 'r.to_address', 'r.subject', 'r.body', 'r.sent_by', 'u.display_name as sent_by_name', 'r.sent_at', 'r.transport'])
    .where('r.item_id', '=', itemId).orderBy('r.id').execute();
}

// ── groups ──

/** Recent items sharing a band key with the new one (near-duplicate candidates), newest first. */
export async function bandCandidates(db: Db, bands: readonly string[], excludeId: string, limit: number): Promise<Array<{ id: string; text: string; group_id: string | null }>> {
  if (bands.length === 0) return [];
  const result = await sql<{ id: string; text: string; group_id: string | null }>`SELECT v.id, v.text, v.group_id FROM voice_items v
    WHERE v.bands && ${[...bands]}::text[] AND v.id <> ${excludeId}::uuid ORDER BY v.received_at DESC LIMIT ${limit}`.execute(db);
  return result.rows;
}

export async function topicGroup(db: Db, sku: string, topic: string, since: Date): Promise<string | null> {
  const row = await db.selectFrom('voice_groups').select('id').where('product_sku', '=', sku).where('topic', '=', topic)
    .where('last_at', '>=', since).orderBy('last_at', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/** An ungrouped recent item of the same product with the same topic tag (the pair that starts a theme). */
export async function topicPeer(db: Db, sku: string, topic: string, since: Date, excludeId: string): Promise<string | null> {
  const result = await sql<{ id: string }>`SELECT v.id FROM voice_items v JOIN voice_item_tags g ON g.item_id = v.id AND g.tag = ${topic}
    WHERE v.product_skus @> ARRAY[${sku}]::text[] AND v.group_id IS NULL AND v.received_at >= ${since} AND v.id <> ${excludeId}::uuid
    ORDER BY v.received_at DESC LIMIT 1`.execute(db);
  return result.rows[0]?.id ?? null;
}

export async function insertGroup(db: Db, g: { label: string; productSku: string | null; topic: string | null; at: Date }): Promise<string> {
  const row = await db.insertInto('voice_groups').values({ label: g.label, product_sku: g.productSku, topic: g.topic, first_at: g.at, last_at: g.at })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Puts items into a group and recounts it. */
export async function joinGroup(db: Db, groupId: string, itemIds: readonly string[]): Promise<void> {
  await db.updateTable('voice_items').set({ group_id: groupId }).where('id', 'in', [...itemIds]).execute();
  await sql`UPDATE voice_groups g SET item_count = s.n, first_at = s.first_at, last_at = s.last_at
    FROM (SELECT count(*) AS n, min(received_at) AS first_at, max(received_at) AS last_at FROM voice_items WHERE group_id = ${groupId}::uuid) s
    WHERE g.id = ${groupId}::uuid`.execute(db);
}

export interface GroupRowDb { id: string; label: string; product_sku: string | null; topic: string | null; item_count: number; first_at: Date; last_at: Date; created_at: Date; negative: number }

export async function listGroups(db: Db, q: { ids?: readonly string[]; since?: Date; limit: number }): Promise<GroupRowDb[]> {
  if (q.ids && q.ids.length === 0) return [];
  const result = await sql<GroupRowDb>`SELECT g.id, g.label, g.product_sku, g.topic, g.item_count, g.first_at, g.last_at, g.created_at,
      (SELECT count(*) FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
        WHERE v.group_id = g.id AND v.sentiment = 'negative' AND c.deleted_at IS NULL) AS negative
    FROM voice_groups g WHERE g.item_count >= 2 ${q.ids ? sql`AND g.id IN (${sql.join(q.ids.map((i) => sql`${i}::uuid`))})` : sql``}
    ${q.since ? sql`AND g.created_at >= ${q.since}` : sql``}
    ORDER BY g.last_at DESC, g.id DESC LIMIT ${q.limit}`.execute(db);
  return result.rows.map((r) => ({ ...r, negative: Number(r.negative), item_count: Number(r.item_count) }));
}

// ── aggregates ──

/** Items per Japan month and sentiment (live customers), optionally of one product, received in [from, before). */
export async function monthlySentiment(db: Db, q: { product?: string | undefined; fromTime?: string | undefined; beforeTime?: string | undefined }) {
  const result = await sql<{ month: string; sentiment: VoiceSentiment; n: number | string; score_sum: number | string }>`
    SELECT to_char(v.received_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') AS month, v.sentiment, count(*) AS n, sum(v.sentiment_score) AS score_sum
    FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
    WHERE ${filterSql({ product: q.product, fromTime: q.fromTime, beforeTime: q.beforeTime })}
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return result.rows.map((r) => ({ month: r.month, sentiment: r.sentiment, n: Number(r.n), scoreSum: Number(r.score_sum) }));
}

/** Counts of each score per kind (and CSAT scale) of live customers' items. */
export async function scoreCounts(db: Db, f: ItemFilter) {
  const result = await sql<{ score_kind: 'nps' | 'csat'; score: number; score_max: number | null; n: number | string }>`
    SELECT v.score_kind, v.score, v.score_max, count(*) AS n FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id
    JOIN customers c ON c.id = sr.customer_id WHERE v.score IS NOT NULL AND ${filterSql(f)} GROUP BY 1, 2, 3`.execute(db);
  return result.rows.map((r) => ({ kind: r.score_kind, score: Number(r.score), max: r.score_max === null ? null : Number(r.score_max), n: Number(r.n) }));
}

/** A week's counts for a digest: by sentiment, by tag (with negatives), the themes whose first item came in it, the most negative items. */
export async function digestCounts(db: Db, f: ItemFilter) {
  const bySentiment = await sql<{ sentiment: VoiceSentiment; n: number | string }>`SELECT v.sentiment, count(*) AS n FROM voice_items v
    JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id WHERE ${filterSql(f)} GROUP BY 1`.execute(db);
  const byTag = await sql<{ tag: string; n: number | string; negative: number | string }>`SELECT g.tag, count(*) AS n,
      count(*) FILTER (WHERE v.sentiment = 'negative') AS negative
    FROM voice_items v JOIN voice_item_tags g ON g.item_id = v.id JOIN source_records sr ON sr.id = v.source_record_id
    JOIN customers c ON c.id = sr.customer_id WHERE ${filterSql(f)} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30`.execute(db);
  const groups = await sql<{ id: string; label: string; item_count: number | string }>`SELECT DISTINCT g.id, g.label, g.item_count, g.created_at FROM voice_groups g
    JOIN voice_items v ON v.group_id = g.id JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
    WHERE ${filterSql(f)} AND g.item_count >= 2 AND g.first_at >= ${f.fromTime ?? '1970-01-01T00:00:00Z'}::timestamptz
    ORDER BY g.item_count DESC, g.created_at DESC, g.id LIMIT 10`.execute(db);
  const negative = await sql<{ id: string; received_at: Date; display_name: string | null; text: string; sentiment_score: number }>`
    SELECT v.id, v.received_at, c.display_name, left(v.text, 300) AS text, v.sentiment_score FROM voice_items v
    JOIN source_records sr ON sr.id = v.source_record_id JOIN customers c ON c.id = sr.customer_id
    WHERE ${filterSql(f)} AND v.sentiment = 'negative' ORDER BY v.sentiment_score, v.received_at DESC, v.id LIMIT 5`.execute(db);
  return {
    bySentiment: bySentiment.rows.map((r) => ({ sentiment: r.sentiment, n: Number(r.n) })),
    byTag: byTag.rows.map((r) => ({ tag: r.tag, count: Number(r.n), negative: Number(r.negative) })),
    newGroups: groups.rows.map((r) => ({ id: r.id, label: r.label, itemCount: Number(r.item_count) })),
    mostNegative: negative.rows,
  };
}

// ── rules ──

export async function listTagRules(db: Db, enabledOnly: boolean) {
  return db.selectFrom('voice_tag_rules').selectAll().where('deleted_at', 'is', null)
    .$if(enabledOnly, (q) => q.where('enabled', '=', true)).orderBy('seeded', 'desc').orderBy('created_at').orderBy('id').execute();
}

/** Serialises the first use's seeding of the default rules (transaction-scoped advisory lock). */
export async function lockForSeeding(db: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('daicho:voice_tag_rules:seed'))`.execute(db);
}

export async function countTagRulesEver(db: Db): Promise<number> {
  const row = await db.selectFrom('voice_tag_rules').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TagRuleValues { tag: string; keywords: string[]; formId: string | null; productSkus: string[]; channel: VoiceChannel | null; enabled: boolean }

export async function insertTagRules(db: Db, rules: readonly TagRuleValues[], seeded: boolean, createdBy: string | null): Promise<string[]> {
  if (rules.length === 0) return [];
  const rows = await db.insertInto('voice_tag_rules').values(rules.map((r) => ({
    tag: r.tag, keywords: r.keywords, form_id: r.formId, product_skus: r.productSkus, channel: r.channel, enabled: r.enabled, seeded, created_by: createdBy,
  }))).returning('id').execute();
  return rows.map((r) => r.id);
}

export async function findTagRule(db: Db, id: string) {
  return db.selectFrom('voice_tag_rules').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function updateTagRule(db: Db, id: string, r: TagRuleValues): Promise<void> {
  await db.updateTable('voice_tag_rules').set({
    tag: r.tag, keywords: r.keywords, form_id: r.formId, product_skus: r.productSkus, channel: r.channel, enabled: r.enabled, updated_at: new Date(),
  }).where('id', '=', id).execute();
}

export async function softDeleteTagRule(db: Db, id: string): Promise<void> {
  await db.updateTable('voice_tag_rules').set({ deleted_at: new Date(), enabled: false, updated_at: new Date() }).where('id', '=', id).execute();
}

export interface RoutingRuleValues {
  name: string; position: number; enabled: boolean; tag: string | null; productSku: string | null; sentiment: VoiceSentiment | null;
  customerTier: string | null; teamId: string | null; assigneeUserId: string | null; dueInDays: number | null;
}

const routingColumns = (r: RoutingRuleValues) => ({
  name: r.name, position: r.position, enabled: r.enabled, tag: r.tag, product_sku: r.productSku, sentiment: r.sentiment,
  customer_tier: r.customerTier, team_id: r.teamId, assignee_user_id: r.assigneeUserId, due_in_days: r.dueInDays,
});

export async function listRoutingRules(db: Db, enabledOnly: boolean) {
  return db.selectFrom('voice_routing_rules as r').leftJoin('voice_teams as t', 't.id', 'r.team_id').leftJoin('users as u', 'u.id', 'r.assignee_user_id')
    .selectAll('r').select(['t.name as team_name', 'u.display_name as assignee_name'])
    .where('r.deleted_at', 'is', null).$if(enabledOnly, (q) => q.where('r.enabled', '=', true))
    .orderBy('r.position').orderBy('r.created_at').orderBy('r.id').execute();
}

export async function insertRoutingRule(db: Db, r: RoutingRuleValues, createdBy: string | null): Promise<string> {
  const row = await db.insertInto('voice_routing_rules').values({ ...routingColumns(r), created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRoutingRule(db: Db, id: string, r: RoutingRuleValues): Promise<void> {
  await db.updateTable('voice_routing_rules').set({ ...routingColumns(r), updated_at: new Date() }).where('id', '=', id).execute();
}

export async function softDeleteRoutingRule(db: Db, id: string): Promise<void> {
  await db.updateTable('voice_routing_rules').set({ deleted_at: new Date(), enabled: false, updated_at: new Date() }).where('id', '=', id).execute();
}

// ── teams ──

export async function listTeams(db: Db) {
  const teams = await db.selectFrom('voice_teams').select(['id', 'name', 'email', 'created_at']).where('deleted_at', 'is', null).orderBy('name').execute();
  const members = teams.length === 0 ? [] : await db.selectFrom('voice_team_members as m').innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.team_id', 'm.user_id', 'u.display_name', 'u.email', 'u.disabled_at']).where('m.team_id', 'in', teams.map((t) => t.id)).orderBy('u.display_name').execute();
  return teams.map((t) => ({ ...t, members: members.filter((m) => m.team_id === t.id) }));
}

export async function insertTeam(db: Db, t: { name: string; email: string | null }): Promise<string> {
  const row = await db.insertInto('voice_teams').values({ name: t.name, email: t.email }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTeam(db: Db, id: string, t: { name: string; email: string | null }): Promise<void> {
  await db.updateTable('voice_teams').set({ name: t.name, email: t.email, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function softDeleteTeam(db: Db, id: string): Promise<void> {
  await db.updateTable('voice_teams').set({ deleted_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
}

export async function setTeamMembers(db: Db, teamId: string, userIds: readonly string[]): Promise<void> {
  await db.deleteFrom('voice_team_members').where('team_id', '=', teamId).execute();
  if (userIds.length) await db.insertInto('voice_team_members').values(userIds.map((u) => ({ team_id: teamId, user_id: u }))).execute();
}

export async function teamExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('voice_teams').select('id').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()) !== undefined;
}

export async function activeUsers(db: Db, ids: readonly string[]): Promise<Array<{ id: string; email: string; display_name: string }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email', 'display_name']).where('id', 'in', [...ids]).where('disabled_at', 'is', null).execute();
}

// ── customers, records, notes ──

export async function liveCustomer(db: Db, id: string) {
  return db.selectFrom('customers').select(['id', 'display_name', 'email']).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/** The record an item about a chosen customer hangs off: the one holding the customer's e-mail, else their first. */
export async function recordForCustomer(db: Db, customerId: string, email: string | null): Promise<number | null> {
  const result = await sql<{ id: number | string }>`SELECT sr.id FROM source_records sr WHERE sr.customer_id = ${customerId}::uuid
    ORDER BY (lower(sr.normalized->>'email') = ${email?.toLowerCase() ?? null}) IS TRUE DESC, sr.id LIMIT 1`.execute(db);
  const id = result.rows[0]?.id;
  return id === undefined ? null : Number(id);
}

export async function noteActivity(db: Db, id: number) {
  return db.selectFrom('activities as a').innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select(['a.id', 'a.customer_id', 'a.type', 'a.occurred_at', 'a.properties', 'a.source_record_id', 'a.actor_user_id', 'c.email'])
    .where('a.id', '=', id).where('c.deleted_at', 'is', null).executeTakeFirst();
}

export async function productSkusExisting(db: Db, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.selectFrom('products').select('sku').where('sku', 'in', [...skus]).execute();
  return rows.map((r) => r.sku);
}

/** A form's definition and kind, read when one of its submissions arrives. */
export async function formOf(db: Db, id: string) {
  return db.selectFrom('forms').select(['id', 'slug', 'title', 'kind', 'fields']).where('id', '=', id).executeTakeFirst();
}

// ── digests ──

export async function upsertDigest(db: Db, d: { teamId: string | null; weekStart: string; content: unknown; computedAt: Date }): Promise<string> {
  const existing = await db.selectFrom('voice_digests').select('id').where('week_start', '=', d.weekStart)
    .where((eb) => (d.teamId === null ? eb('team_id', 'is', null) : eb('team_id', '=', d.teamId))).executeTakeFirst();
  if (existing) {
    await db.updateTable('voice_digests').set({ content: JSON.stringify(d.content), computed_at: d.computedAt }).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const row = await db.insertInto('voice_digests').values({ team_id: d.teamId, week_start: d.weekStart, content: JSON.stringify(d.content), computed_at: d.computedAt })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function markDigestEmailed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('voice_digests').set({ emailed_at: at }).where('id', '=', id).execute();
}

export async function listDigests(db: Db, teamId: string | null | undefined, limit: number) {
  return db.selectFrom('voice_digests as d').leftJoin('voice_teams as t', 't.id', 'd.team_id')
    .select(['d.id', 'd.team_id', 't.name as team_name', sql<string>`to_char(d.week_start, 'YYYY-MM-DD')`.as('week_start'), 'd.content', 'd.computed_at', 'd.emailed_at'])
    .$if(teamId !== undefined, (q) => q.where((eb) => (teamId === null ? eb('d.team_id', 'is', null) : eb('d.team_id', '=', teamId!))))
    .orderBy('d.week_start', 'desc').orderBy('d.id').limit(limit).execute();
}

export async function digestExists(db: Db, teamId: string | null, weekStart: string): Promise<boolean> {
  const row = await db.selectFrom('voice_digests').select('id').where('week_start', '=', weekStart)
    .where((eb) => (teamId === null ? eb('team_id', 'is', null) : eb('team_id', '=', teamId))).executeTakeFirst();
  return row !== undefined;
}

/**
 * 消去 (src/ledger/privacy): the person's voice items (their text, sender, comments, replies and tags go with them) and
 * every stored weekly digest that quotes one of those items (a digest is recomputed from the items on demand).
 */
export async function eraseVoiceOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const items = await db.selectFrom('voice_items').select('id').where('source_record_id', 'in', recordIds).execute();
  if (items.length === 0) return 0;
  const ids = items.map((i) => i.id);
  for (const id of ids) await db.deleteFrom('voice_digests').where(sql<boolean>`content::text LIKE ${`%${id}%`}`).execute();
  const r = await db.deleteFrom('voice_items').where('id', 'in', ids).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * The segment condition 「N 日以内に否定的な声」: customers with a negative voice item received since `since` (the
 * segments compiler embeds it; an item belongs to the customer holding its source record, so merges follow).
 */
export function negativeFeedbackCustomersSql(since: Date): RawBuilder<unknown> {
  return sql`SELECT sr.customer_id FROM voice_items v JOIN source_records sr ON sr.id = v.source_record_id
    WHERE v.sentiment = 'negative' AND v.received_at >= ${since} AND sr.customer_id IS NOT NULL`;
}
