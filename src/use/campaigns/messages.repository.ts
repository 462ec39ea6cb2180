import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CampaignChannel, CampaignMessageStatus } from '../../db/schema.ts';
import { customerConsentStateSql } from '../../ledger/consents/consents.repository.ts';
import { HOUSEHOLD_KEY, type AudienceRowDb } from './audience.repository.ts';

/**
 * SQL of campaign messages: the one writer of campaign_messages. A message is one person of one campaign: its address,
 * its fate (queued → claimed → sending → sent, or suppressed/skipped with a reason; unknown when a process died in the
 * SMTP transaction) and what the person did with it (opened, clicked, unsubscribed, bounced).
 */

// ── the send loop's side: audience in, claims, fates ──

/** A random token (a version-4 UUID's 122 random bits), made by the database so an audience of a million is one statement. */
const TOKEN = sql`replace(gen_random_uuid()::text, '-', '')`;
/**
 * The token of the message with this id: the id in hex, then the random bits. The random part is what makes it
 * unguessable; the id in front makes a campaign's tokens arrive in the unique index in order, at its right edge, where
 * a million random keys went to a million random pages.
 */
const tokenOf = (id: RawBuilder<unknown>) => sql`lpad(to_hex(${id}), 12, '0') || ${TOKEN}`;

/**
 * Stores a small audience at once (a behaviour trigger's instance, in its run's transaction): the people to send as
 * queued messages, the suppressed as the campaign's audience rows with their reason. Returns the people stored.
 */
export async function insertAudience(db: Db, campaignId: string, channel: CampaignChannel, audience: RawBuilder<AudienceRowDb>): Promise<number> {
  const result = await sql<{ n: number | string }>`
    WITH a AS MATERIALIZED (SELECT customer_id, address, reason FROM (${audience}) x),
    suppressed AS (
      INSERT INTO campaign_audience (campaign_id, customer_id, address, reason)
      SELECT ${campaignId}::uuid, a.customer_id, a.address, a.reason FROM a WHERE a.reason IS NOT NULL ORDER BY a.customer_id
      RETURNING 1),
    queued AS (
      INSERT INTO campaign_messages (campaign_id, customer_id, channel, address, status, token)
      SELECT ${campaignId}::uuid, a.customer_id, ${channel}, a.address, 'queued', ${channel === 'email' ? TOKEN : sql`NULL`}
      FROM a WHERE a.reason IS NULL ORDER BY a.customer_id
      ON CONFLICT (campaign_id, customer_id) WHERE merged_from_customer_id IS NULL DO NOTHING
      RETURNING 1)
    SELECT (SELECT count(*) FROM suppressed) + (SELECT count(*) FROM queued) AS n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * A campaign's preparation, first step: its whole audience resolved by one statement into campaign_audience (no
 * tokens yet), each person under an id of the messages' sequence, in customer order: so the chunks store messages in
 * the order of every index on campaign_messages (id, token, campaign and person, person), not at random places. Returns the people considered. Runs in the step's
 * transaction, so it is all or nothing (a retry first drops what an earlier attempt left: nothing moved yet).
 */
export async function stageAudience(db: Db, campaignId: string, audience: RawBuilder<AudienceRowDb>): Promise<number> {
  await db.deleteFrom('campaign_audience').where('campaign_id', '=', campaignId).execute();
  const result = await sql`
    INSERT INTO campaign_audience (campaign_id, customer_id, address, reason)
    SELECT ${campaignId}::uuid, a.customer_id, a.address, a.reason FROM (${audience}) a ORDER BY a.customer_id`.execute(db);
  // A million new rows: the chunks' plans need statistics that know them (a table analysed empty got a chunk that
  // read it through once per row at 1M), and autovacuum may not have come by yet.
  await sql`ANALYZE campaign_audience`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The next step: the audience rows after id `after` (the last step's last; null at the start), up to `limit` of them:
 * the people to send among them become queued messages under the same id (with a token for e-mail) and leave
 * campaign_audience in the same statement; the suppressed stay there as the campaign's record of them. The caller
 * stores the step's last id with its progress in the step's transaction, so a step that commits moved its people once
 * and one that dies moved nobody; (campaign, person) is unique besides. Returns the people it went through (sent or
 * suppressed) and the last id.
 */
export async function moveStagedChunk(db: Db, campaignId: string, channel: CampaignChannel, limit: number, after: number | null = null): Promise<{ moved: number; last: number | null }> {
  const result = await sql<{ moved: number | string; last: number | string | null }>`
    WITH chunk AS MATERIALIZED (
      SELECT a.id, a.customer_id, a.address, a.reason FROM campaign_audience a
      WHERE a.campaign_id = ${campaignId}::uuid ${after === null ? sql`` : sql`AND a.id > ${after}`}
      ORDER BY a.id LIMIT ${limit}),
    stored AS (
      INSERT INTO campaign_messages (id, campaign_id, customer_id, channel, address, status, token) OVERRIDING SYSTEM VALUE
      SELECT k.id, ${campaignId}::uuid, k.customer_id, ${channel}, k.address, 'queued', ${channel === 'email' ? tokenOf(sql.ref('k.id')) : sql`NULL`}
      FROM chunk k WHERE k.reason IS NULL ORDER BY k.id
      ON CONFLICT (campaign_id, customer_id) WHERE merged_from_customer_id IS NULL DO NOTHING
      RETURNING 1),
    -- By the chunk's id range on the primary key: no join for the planner to get wrong on a table's stale statistics.
    gone AS (
      DELETE FROM campaign_audience a
      WHERE a.campaign_id = ${campaignId}::uuid ${after === null ? sql`` : sql`AND a.id > ${after}`}
        AND a.id <= (SELECT max(id) FROM chunk) AND a.reason IS NULL
      RETURNING 1)
    SELECT (SELECT count(*) FROM chunk) AS moved, (SELECT max(id) FROM chunk) AS last,
           (SELECT count(*) FROM stored) AS stored, (SELECT count(*) FROM gone) AS gone`.execute(db);
  const row = result.rows[0];
  return { moved: Number(row?.moved ?? 0), last: row?.last === null || row?.last === undefined ? null : Number(row.last) };
}

/** A cancelled campaign's people to send who were never stored as messages (its suppressed stay its record). */
export async function dropStaged(db: Db, campaignId: string): Promise<void> {
  await db.deleteFrom('campaign_audience').where('campaign_id', '=', campaignId).where('reason', 'is', null).execute();
}

/** Not yet on its way: a sender may still drop it (queued, or claimed and not yet in an SMTP transaction). */
const PENDING = sql.raw(`('queued', 'claimed')`);
/** On its way or sent: the SMTP transaction has begun (sending), ended (sent, outbox) or its fate is unknown. */
const COMMITTED = sql.raw(`('sending', 'sent', 'outbox', 'unknown')`);

export interface ClaimedMessage { id: number; customer_id: string; address: string | null; token: string }

/**
 * Claims up to `limit` queued messages of a campaign for this worker. SKIP LOCKED: several processes sending one
 * campaign take disjoint batches without waiting on each other.
 */
export async function claimBatch(db: Db, campaignId: string, worker: string, limit: number): Promise<ClaimedMessage[]> {
  const result = await sql<ClaimedMessage>`
    UPDATE campaign_messages SET status = 'claimed', claimed_by = ${worker}, claimed_at = now()
    WHERE id IN (SELECT id FROM campaign_messages WHERE campaign_id = ${campaignId}::uuid AND status = 'queued'
                 ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, customer_id, address, token`.execute(db);
  return result.rows.sort((a, b) => a.id - b.id);
}

/** Advisory locks of the frequency cap: a class of their own (the two-key form), one key per person. */
const CAP_LOCK_CLASS = 23023;

/**
 * Serialises the claim-time recheck per person across processes and campaigns: a transaction-level advisory lock on
 * each person, taken in one order (so two batches sharing people never deadlock) and held until the caller's
 * transaction ends, by which time the messages that passed count toward the cap (cap_checked_at).
 */
export async function lockCapOf(trx: Db, customerIds: readonly string[]): Promise<void> {
  const keys = [...new Set(customerIds)].sort();
  if (keys.length === 0) return;
  await sql`SELECT count(pg_advisory_xact_lock(${CAP_LOCK_CLASS}, hashtext(k))) FROM (SELECT k FROM unnest(${keys}::text[]) AS k ORDER BY k) ordered`.execute(trx);
}

/**
 * Why a claimed message should no longer go: the person's use stopped (利用停止), opted out (the consent ledger's
 * current state), bounced, or capped. The
 * cap counts every message of the person on the channel that was sent, may have been (sending, unknown) or is about
 * to be (claimed and past this recheck), in any campaign: run under lockCapOf, so concurrent campaigns see each other.
 */
export async function recheckClaimed(db: Db, ids: readonly number[], channel: CampaignChannel, s: { capCount: number; capDays: number }): Promise<Array<{ id: number; reason: string }>> {
  if (ids.length === 0) return [];
  const purpose = channel === 'email' ? 'email_marketing' : 'dm';
  const result = await sql<{ id: number; reason: string | null }>`
    SELECT m.id,
      CASE
        ${stoppedOrOptedOutSql(purpose)}
        WHEN ${channel} = 'email' AND EXISTS (SELECT 1 FROM contact_suppressions x WHERE x.channel = 'email' AND x.address_key = m.address
              AND x.reason IN ('hard_bounce', 'complaint', 'manual')) THEN 'bounced'
        WHEN ${otherOfPersonSql(true)} THEN 'duplicate_person'
        WHEN (SELECT count(*) FROM campaign_messages o WHERE o.customer_id = m.customer_id AND o.channel = m.channel AND o.id <> m.id
              AND (o.status IN ('sent', 'sending', 'unknown') OR (o.status = 'claimed' AND o.cap_checked_at IS NOT NULL))
              AND COALESCE(o.sent_at, o.claimed_at) > now() - make_interval(days => ${s.capDays})) >= ${s.capCount} THEN 'frequency_cap'
      END AS reason
    FROM campaign_messages m WHERE m.id IN (${sql.join(ids)})`.execute(db);
  return result.rows.filter((r): r is { id: number; reason: string } => r.reason !== null);
}

const useStoppedSql = sql<boolean>`EXISTS (SELECT 1 FROM customers c WHERE c.id = m.customer_id AND c.use_stopped_request_id IS NOT NULL)`;

/** A message of the same campaign for the same person (after a merge) that is on its way: sent or in an SMTP transaction, or (`claimedToo`) past its claim-time recheck. */
function otherOfPersonSql(claimedToo: boolean) {
  return sql<boolean>`EXISTS (SELECT 1 FROM campaign_messages o WHERE o.customer_id = m.customer_id AND o.channel = m.channel
    AND o.campaign_id = m.campaign_id AND o.id <> m.id
    AND (o.status IN ${COMMITTED}${claimedToo ? sql` OR (o.status = 'claimed' AND o.cap_checked_at IS NOT NULL)` : sql``}))`;
}

/** The first branches of both rechecks' CASE over `campaign_messages m`: use stopped (利用停止), then opted out. */
function stoppedOrOptedOutSql(purpose: 'email_marketing' | 'dm') {
  return sql`WHEN ${useStoppedSql} THEN 'use_stopped'
        WHEN ${customerConsentStateSql(sql.ref('m.customer_id'), purpose)} IN ('denied', 'withdrawn') THEN 'opted_out'`;
}

/**
 * The last look right before a window of messages goes to the SMTP server (a batch waits for the throttle between its
 * claim and its send): a person whose use was stopped (利用停止) or who opted out since the claim-time recheck is not
 * sent to, nor one who has another message of the campaign on its way (customers merged since the claim; the merge
 * itself drops one of two pending ones). Indexed lookups per message; the cap and bounces were settled at the claim
 * under the person's lock.
 */
export async function stopsBeforeSend(db: Db, ids: readonly number[], channel: CampaignChannel): Promise<Array<{ id: number; reason: string }>> {
  if (ids.length === 0) return [];
  const purpose = channel === 'email' ? 'email_marketing' : 'dm';
  const result = await sql<{ id: number; reason: string | null }>`
    SELECT m.id,
      CASE
        ${stoppedOrOptedOutSql(purpose)}
        WHEN ${otherOfPersonSql(false)} THEN 'duplicate_person'
      END AS reason
    FROM campaign_messages m WHERE m.id IN (${sql.join(ids)})`.execute(db);
  return result.rows.filter((r): r is { id: number; reason: string } => r.reason !== null).map((r) => ({ id: Number(r.id), reason: r.reason }));
}

/** The claimed messages that passed the recheck: from now on they count toward their person's cap. */
export async function markCapChecked(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('campaign_messages').set({ cap_checked_at: sql`now()` }).where('id', 'in', [...ids]).where('status', '=', 'claimed').execute();
}

export async function skipClaimed(db: Db, skipped: ReadonlyArray<{ id: number; reason: string }>): Promise<void> {
  for (const s of skipped) {
    await db.updateTable('campaign_messages').set({ status: 'skipped', reason: s.reason }).where('id', '=', s.id).where('status', '=', 'claimed').execute();
  }
}

/**
 * Just before the SMTP transactions of a window of messages sent side by side: from here on a crash leaves them
 * unknown, never silently re-sent. The ids it marked (still claimed by this worker).
 */
export async function markSendingMany(db: Db, ids: readonly number[], worker: string): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.updateTable('campaign_messages').set({ status: 'sending', attempts: sql`attempts + 1`, claimed_at: sql`now()` })
    .where('id', 'in', [...ids]).where('status', '=', 'claimed').where('claimed_by', '=', worker).returning('id').execute();
  return new Set(rows.map((r) => r.id));
}

/** What the SMTP server (or the outbox) took, in one statement per window. */
export async function markDeliveredMany(db: Db, rows: ReadonlyArray<{ id: number; smtpMessageId: string; smtpResponse: string }>, status: 'sent' | 'outbox', sentAt: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`UPDATE campaign_messages m SET status = ${status}, sent_at = ${sentAt}, smtp_message_id = v.mid, smtp_response = v.resp, error = NULL
    FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.smtpMessageId)}::text[], ${rows.map((r) => r.smtpResponse.slice(0, 500))}::text[]) AS v(id, mid, resp)
    WHERE m.id = v.id`.execute(db);
}

/** A permanent refusal (5xx) fails the message; a transient one puts it back in the queue until `maxAttempts`. */
export async function markNotDelivered(db: Db, id: number, error: string, permanent: boolean, maxAttempts: number): Promise<'failed' | 'queued'> {
  const row = await db.updateTable('campaign_messages').set({
    status: sql`CASE WHEN ${permanent} OR attempts >= ${maxAttempts} THEN 'failed' ELSE 'queued' END`,
    error: error.slice(0, 500), claimed_by: null, cap_checked_at: null,
  }).where('id', '=', id).returning('status').executeTakeFirst();
  return row?.status === 'failed' ? 'failed' : 'queued';
}

/** A paused or stopping worker gives back what it claimed but did not attempt. */
export async function releaseClaims(db: Db, worker: string, campaignId?: string): Promise<number> {
  let q = db.updateTable('campaign_messages').set({ status: 'queued', claimed_by: null, claimed_at: null, cap_checked_at: null })
    .where('status', '=', 'claimed').where('claimed_by', '=', worker);
  if (campaignId) q = q.where('campaign_id', '=', campaignId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A live worker's claims stay fresh; a dead one's go stale. */
export async function heartbeatClaims(db: Db, worker: string): Promise<void> {
  await db.updateTable('campaign_messages').set({ claimed_at: sql`now()` })
    .where('claimed_by', '=', worker).where('status', 'in', ['claimed', 'sending']).execute();
}

/**
 * The claims of workers that stopped beating (a killed process): claimed but never attempted → queued again;
 * sending (the process died inside the SMTP transaction, the server may have the message) → unknown.
 */
export async function recoverStaleClaims(db: Db, staleBefore: Date): Promise<{ requeued: number; unknown: number }> {
  const requeued = await db.updateTable('campaign_messages').set({ status: 'queued', claimed_by: null, claimed_at: null, cap_checked_at: null })
    .where('status', '=', 'claimed').where('claimed_at', '<', staleBefore).executeTakeFirst();
  const unknown = await db.updateTable('campaign_messages').set({ status: 'unknown', error: 'The sending process stopped during the SMTP transaction (送信中に処理が停止しました)' })
    .where('status', '=', 'sending').where('claimed_at', '<', staleBefore).executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), unknown: Number(unknown.numUpdatedRows) };
}

/** A person's decision on messages of unknown fate: send them again, or count them as sent. */
export async function decideUnknown(db: Db, campaignId: string, action: 'resend' | 'mark_sent', ids: readonly number[] | undefined): Promise<number> {
  let q = db.updateTable('campaign_messages')
    .set(action === 'resend'
      ? { status: 'queued', claimed_by: null, claimed_at: null, cap_checked_at: null }
      : { status: 'sent', sent_at: sql`COALESCE(claimed_at, now())`, smtp_response: 'marked as sent by a person' })
    .where('campaign_id', '=', campaignId).where('status', '=', 'unknown');
  if (ids !== undefined) q = q.where('id', 'in', ids.length ? [...ids] : [-1]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** DM: a mailing list was printed, so its pieces count as sent (and for the cap). */
export async function markDmMailed(db: Db, campaignId: string, at: Date): Promise<number> {
  const r = await db.updateTable('campaign_messages').set({ status: 'sent', sent_at: at })
    .where('campaign_id', '=', campaignId).where('status', '=', 'queued').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Messages per campaign and status with what came back, and the suppressed people (campaign_audience) as `suppressed`. */
export async function statusCounts(db: Db, campaignIds: readonly string[]) {
  if (campaignIds.length === 0) return [];
  const ids = sql.join(campaignIds.map((id) => sql`${id}::uuid`));
  const result = await sql<{ campaign_id: string; status: CampaignMessageStatus; n: number | string; opened: number | string; clicked: number | string; unsubscribed: number | string; bounced: number | string }>`
    SELECT campaign_id, status, count(*) AS n, count(opened_at) AS opened, count(clicked_at) AS clicked,
           count(unsubscribed_at) AS unsubscribed, count(bounced_at) AS bounced
    FROM campaign_messages WHERE campaign_id IN (${ids}) GROUP BY campaign_id, status
    UNION ALL
    SELECT campaign_id, 'suppressed', count(*), 0, 0, 0, 0
    FROM campaign_audience WHERE campaign_id IN (${ids}) AND reason IS NOT NULL GROUP BY campaign_id`.execute(db);
  return result.rows;
}

/** People left out per reason: suppressed when the audience was resolved, or skipped by the send loop. */
export async function reasonCounts(db: Db, campaignId: string) {
  const result = await sql<{ reason: string | null; n: number | string }>`
    SELECT reason, sum(n) AS n FROM (
      SELECT reason, count(*) AS n FROM campaign_audience WHERE campaign_id = ${campaignId}::uuid AND reason IS NOT NULL GROUP BY reason
      UNION ALL
      SELECT reason, count(*) FROM campaign_messages WHERE campaign_id = ${campaignId}::uuid AND status IN ('suppressed', 'skipped') GROUP BY reason) r
    GROUP BY reason ORDER BY reason`.execute(db);
  return result.rows;
}

/**
 * E-mail campaigns that are sending and have work for a sender: messages queued, or none left to go or in flight
 * (the sender marks it done). One whose remaining messages are all claimed by another process has none.
 */
export async function sendingCampaignsWithWork(db: Db): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT c.id FROM campaigns c
    WHERE c.status = 'sending' AND c.channel = 'email' AND c.deleted_at IS NULL
      AND (EXISTS (SELECT 1 FROM campaign_messages m WHERE m.campaign_id = c.id AND m.status = 'queued')
           OR NOT EXISTS (SELECT 1 FROM campaign_messages m WHERE m.campaign_id = c.id AND m.status IN ('queued', 'claimed', 'sending')))
    ORDER BY c.started_at`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Messages still to go or in flight: the campaign is done when none is left. */
export async function pendingMessages(db: Db, campaignId: string): Promise<number> {
  const row = await db.selectFrom('campaign_messages').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId).where('status', 'in', ['queued', 'claimed', 'sending']).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A page of a campaign's messages in id order. The people left out when the audience was resolved have no message:
 * their campaign_audience rows are listed as `suppressed` under their id (the same sequence), with no attempts and no
 * fate, on their own (`suppressed`) or among the messages (no status).
 */
export async function listMessages(db: Db, campaignId: string, status: CampaignMessageStatus | undefined, afterId: number | null, limit: number) {
  let left = db.selectFrom('campaign_audience as a').innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select(['a.id', 'a.customer_id', 'c.display_name', 'a.address', sql<CampaignMessageStatus>`'suppressed'`.as('status'), 'a.reason',
      sql<number>`0`.as('attempts'), sql<Date | null>`NULL::timestamptz`.as('sent_at'), sql<Date | null>`NULL::timestamptz`.as('opened_at'),
      sql<Date | null>`NULL::timestamptz`.as('clicked_at'), sql<Date | null>`NULL::timestamptz`.as('unsubscribed_at'), sql<Date | null>`NULL::timestamptz`.as('bounced_at'),
      sql<string | null>`NULL::text`.as('error'), sql<Date | null>`NULL::timestamptz`.as('returned_at')])
    .where('a.campaign_id', '=', campaignId).where('a.reason', 'is not', null);
  if (afterId !== null) left = left.where('a.id', '>', afterId);
  if (status === 'suppressed') return left.orderBy('a.id').limit(limit).execute();
  let q = db.selectFrom('campaign_messages as m').innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['m.id', 'm.customer_id', 'c.display_name', 'm.address', 'm.status', 'm.reason', 'm.attempts', 'm.sent_at', 'm.opened_at',
      'm.clicked_at', 'm.unsubscribed_at', 'm.bounced_at', 'm.error'])
    // A DM piece recorded as come back (宛先不明): the UI offers no second 「返送」.
    .select((eb) => eb.selectFrom('contact_suppressions as x').select((x) => x.fn.min('x.recorded_at').as('r'))
      .whereRef('x.campaign_id', '=', 'm.campaign_id').whereRef('x.customer_id', '=', 'm.customer_id').where('x.reason', '=', 'returned_mail').as('returned_at'))
    .where('m.campaign_id', '=', campaignId);
  if (status) q = q.where('m.status', '=', status);
  if (afterId !== null) q = q.where('m.id', '>', afterId);
  if (status) return q.orderBy('m.id').limit(limit).execute();
  // Each side's first page, then the page of both.
  const both = await Promise.all([q.orderBy('m.id').limit(limit).execute(), left.orderBy('a.id').limit(limit).execute()]);
  return [...both[0], ...both[1]].sort((x, y) => Number(x.id) - Number(y.id)).slice(0, limit);
}

/** Orders by the campaign's recipients within `days` days after their message (not cancelled; yen, net of returns). */
export async function ordersAfter(db: Db, campaignId: string, days: number): Promise<{ orders: number; buyers: number; revenue: number }> {
  const result = await sql<{ orders: number | string; buyers: number | string; revenue: string | null }>`
    SELECT count(DISTINCT o.id) AS orders, count(DISTINCT m.customer_id) AS buyers,
           COALESCE(sum(o.total_amount - o.returned_amount) FILTER (WHERE o.currency = 'JPY'), 0) AS revenue
    FROM campaign_messages m
    JOIN source_records sr ON sr.customer_id = m.customer_id
    JOIN orders o ON o.source_record_id = sr.id
    WHERE m.campaign_id = ${campaignId}::uuid AND m.status = 'sent' AND m.sent_at IS NOT NULL AND o.status <> 'cancelled'
      AND o.ordered_at >= m.sent_at AND o.ordered_at < m.sent_at + make_interval(days => ${days})`.execute(db);
  const row = result.rows[0];
  return { orders: Number(row?.orders ?? 0), buyers: Number(row?.buyers ?? 0), revenue: Number(row?.revenue ?? 0) };
}

/** Whether the campaign's DM piece to this customer was mailed (the list was exported after it was stored). */
export async function dmMailedTo(db: Db, campaignId: string, customerId: string): Promise<boolean> {
  const row = await db.selectFrom('campaign_messages').select('id').where('campaign_id', '=', campaignId).where('customer_id', '=', customerId)
    .where('channel', '=', 'dm').where('status', '=', 'sent').executeTakeFirst();
  return row !== undefined;
}

/** The DM mailing list: the campaign's pieces with what a 宛名 label needs and how many people share the household. */
export async function dmPieces(db: Db, campaignId: string) {
  const result = await sql<{ message_id: number; customer_id: string; postal_code: string | null; prefecture: string | null; address: string | null; building: string | null;
    company_name: string | null; department: string | null; title: string | null; family_name: string | null; given_name: string | null; display_name: string; kind: string;
    household_size: number | string; status: string }>`
    WITH pieces AS (
      SELECT m.id, m.customer_id, m.status, NULL::text AS reason, ${HOUSEHOLD_KEY} AS household
      FROM campaign_messages m JOIN customers c ON c.id = m.customer_id
      WHERE m.campaign_id = ${campaignId}::uuid AND m.status IN ('queued', 'sent')
      UNION ALL
      -- The people a piece stands for besides its addressee: left out of the audience as the household's others.
      SELECT a.id, a.customer_id, 'suppressed', a.reason, ${HOUSEHOLD_KEY}
      FROM campaign_audience a JOIN customers c ON c.id = a.customer_id
      WHERE a.campaign_id = ${campaignId}::uuid AND a.reason = 'duplicate_household'),
    sizes AS (SELECT household, count(*) FILTER (WHERE reason = 'duplicate_household') AS duplicates FROM pieces GROUP BY household)
    SELECT p.id AS message_id, p.customer_id, c.postal_code, c.prefecture, c.address, c.building, co.name AS company_name, c.department, c.title,
           c.family_name, c.given_name, c.display_name, c.kind, p.status,
           z.duplicates + 1 AS household_size
    FROM pieces p JOIN sizes z ON z.household = p.household
    JOIN customers c ON c.id = p.customer_id LEFT JOIN companies co ON co.id = c.company_id
    WHERE p.status IN ('queued', 'sent')
    ORDER BY c.postal_code, p.id`.execute(db);
  return result.rows;
}

export interface MessageByToken {
  id: number;
  campaignId: string;
  customerId: string;
  channel: 'email' | 'dm';
  address: string | null;
  status: string;
}

// ── what comes back: opens, clicks, unsubscribes, bounces (the message's own timestamps; the first one counts) ──

export interface TrackedMessage extends MessageByToken {
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  bouncedAt: Date | null;
  bounceKind: 'hard' | 'soft' | null;
  campaignName: string;
  content: { subject: string; bodyText: string; bodyHtml: string | null; blocks: unknown };
}

const TRACKED = ['m.id', 'm.campaign_id', 'm.customer_id', 'm.channel', 'm.address', 'm.status', 'm.sent_at', 'm.opened_at', 'm.clicked_at',
  'm.unsubscribed_at', 'm.bounced_at', 'm.bounce_kind', 'c.name', 'c.subject', 'c.body_text', 'c.body_html', 'c.blocks'] as const;

type TrackedRow = {
  id: number; campaign_id: string; customer_id: string; channel: 'email' | 'dm'; address: string | null; status: string;
  sent_at: Date | string | null; opened_at: Date | string | null; clicked_at: Date | string | null; unsubscribed_at: Date | string | null;
  bounced_at: Date | string | null; bounce_kind: 'hard' | 'soft' | null; name: string; subject: string; body_text: string; body_html: string | null; blocks: unknown;
};

const when = (v: Date | string | null) => (v === null ? null : new Date(v));
function trackedOf(r: TrackedRow): TrackedMessage {
  return {
    id: r.id, campaignId: r.campaign_id, customerId: r.customer_id, channel: r.channel, address: r.address, status: r.status,
    sentAt: when(r.sent_at), openedAt: when(r.opened_at), clickedAt: when(r.clicked_at), unsubscribedAt: when(r.unsubscribed_at),
    bouncedAt: when(r.bounced_at), bounceKind: r.bounce_kind, campaignName: r.name,
    content: { subject: r.subject, bodyText: r.body_text, bodyHtml: r.body_html, blocks: r.blocks },
  };
}

/** A message by its token with its campaign's stored content (what a tracked link's target is read from). */
export async function trackedMessageByToken(db: Db, token: string): Promise<TrackedMessage | null> {
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(TRACKED).where('m.token', '=', token).executeTakeFirst();
  return row === undefined ? null : trackedOf(row as TrackedRow);
}

/** A message by its id, with its campaign's stored content. */
export async function trackedMessageById(db: Db, id: number): Promise<TrackedMessage | null> {
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(TRACKED).where('m.id', '=', id).executeTakeFirst();
  return row === undefined ? null : trackedOf(row as TrackedRow);
}

/** The last message sent to an e-mail address (a bounce reported by address). */
export async function lastSentMessageTo(db: Db, address: string): Promise<TrackedMessage | null> {
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select(TRACKED).where((eb) => eb(eb.fn('lower', ['m.address']), '=', address.trim().toLowerCase())).where('m.channel', '=', 'email')
    .where('m.sent_at', 'is not', null).orderBy('m.sent_at', 'desc').orderBy('m.id', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? null : trackedOf(row as TrackedRow);
}

/** First open (a click is an open too): true when this call set it. */
export async function markOpened(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ opened_at: at }).where('id', '=', id).where('opened_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** First click (and the open it implies): true when this call set the click. */
export async function markClicked(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set((eb) => ({ clicked_at: at, opened_at: eb.fn.coalesce('opened_at', eb.val(at)) }))
    .where('id', '=', id).where('clicked_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** The unsubscribe through this message: true when this call set it (a repeat changes nothing). */
export async function markUnsubscribed(db: Db, id: number, at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ unsubscribed_at: at }).where('id', '=', id).where('unsubscribed_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

/** A bounce: the first one sets it, a hard one after a soft one upgrades it; true when this call changed the row. */
export async function markBounced(db: Db, id: number, kind: 'hard' | 'soft', at: Date): Promise<boolean> {
  const rows = await db.updateTable('campaign_messages').set({ bounced_at: at, bounce_kind: kind })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('bounced_at', 'is', null), ...(kind === 'hard' ? [eb('bounce_kind', '=', 'soft')] : [])]))
    .returning('id').execute();
  return rows.length > 0;
}

/** Campaign messages waiting to be sent or in a sender's hands (queued, claimed, sending): the send queue's depth. */
export async function countPendingMessages(db: Db): Promise<number> {
  // Only started campaigns hold unsent messages: their claim index answers without reading the others' rows.
  const row = await db.selectFrom('campaign_messages as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.status', 'in', ['sending', 'paused'])
    .where('m.status', 'in', ['queued', 'claimed', 'sending']).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * 消去 (src/ledger/privacy): the customers' campaign messages (address, token, SMTP answers) and their rows in
 * campaigns' audiences (address, reason left out); the campaigns' counts shrink. campaign_audience has no index by
 * customer (it is written a million rows at a time): an erasure reads it through, which is rare and takes a second.
 */
export async function eraseMessagesOf(db: Db, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await db.deleteFrom('campaign_messages').where('customer_id', 'in', customerIds).executeTakeFirst();
  const a = await db.deleteFrom('campaign_audience').where('customer_id', 'in', customerIds).executeTakeFirst();
  return Number(r.numDeletedRows) + Number(a.numDeletedRows);
}

// ── customer merges (src/app/merge-listeners.ts, migration 0038) ──

/**
 * A merge: the merged-away customer's messages go to the survivor, each recording the customer it came from, so the
 * survivor's frequency cap counts what was sent to either. In a campaign both have a message in, the person gets it
 * once: a message not yet on its way (queued, or claimed by a sender that has not begun its SMTP transaction) is
 * skipped (`duplicate_person`) when the other is on its way or sent, and of two not yet on their way the merged-away
 * customer's. Both people's messages are locked first (FOR UPDATE): a sender's mark `sending` in flight is waited
 * for and then seen by the statements after the lock (each reads anew), and one that comes later waits for the merge
 * and finds its message skipped (it marks only claimed ones). So no message is dropped on a stale view of the other:
 * only two sent before the merge stay both (the person did get two). Returns the messages moved.
 */
export async function moveMessagesOnMerge(db: Db, mergedId: string, survivorId: string): Promise<number> {
  await sql`SELECT count(*) FROM (SELECT id FROM campaign_messages WHERE customer_id IN (${mergedId}::uuid, ${survivorId}::uuid) ORDER BY id FOR UPDATE) locked`.execute(db);
  const pairs = sql`FROM campaign_messages o WHERE o.campaign_id = m.campaign_id AND o.id <> m.id`;
  await sql`
    UPDATE campaign_messages m SET status = 'skipped', reason = 'duplicate_person', cap_checked_at = NULL
    WHERE m.status IN ${PENDING} AND (
      (m.customer_id = ${mergedId}::uuid AND EXISTS (SELECT 1 ${pairs} AND o.customer_id = ${survivorId}::uuid AND (o.status IN ${PENDING} OR o.status IN ${COMMITTED})))
      OR (m.customer_id = ${survivorId}::uuid AND EXISTS (SELECT 1 ${pairs} AND o.customer_id = ${mergedId}::uuid AND o.status IN ${COMMITTED})))`.execute(db);
  const moved = await db.updateTable('campaign_messages').set({ customer_id: survivorId, merged_from_customer_id: mergedId })
    .where('customer_id', '=', mergedId).executeTakeFirst();
  return Number(moved.numUpdatedRows);
}

/**
 * An unmerge that gave back every record of customers merged in earlier (`returned`): the messages that came with
 * them go to the customer split off. Several returned together may each have one in a campaign: the first becomes
 * that customer's own, the others keep their origin (one message per person and campaign holds for the own ones).
 * Messages of customers only partly split out stay: a message does not say which of the person's records it was for.
 * A message either side lost as the other's duplicate (`duplicate_person`) is queued again while its campaign sends.
 */
export async function returnMessagesOnSplit(db: Db, fromId: string, toId: string, returned: readonly string[]): Promise<number> {
  if (returned.length === 0) return 0;
  const from = sql.join(returned.map((r) => sql`${r}::uuid`));
  const result = await sql`
    UPDATE campaign_messages m SET customer_id = ${toId}::uuid,
      merged_from_customer_id = CASE WHEN m.id = (SELECT min(o.id) FROM campaign_messages o WHERE o.customer_id = ${fromId}::uuid
        AND o.campaign_id = m.campaign_id AND o.merged_from_customer_id IN (${from})) THEN NULL ELSE m.merged_from_customer_id END
    WHERE m.customer_id = ${fromId}::uuid AND m.merged_from_customer_id IN (${from})`.execute(db);
  // Two people again: a message dropped as the other's duplicate goes back to the queue of a campaign still sending
  // (its first one, when the person has no other message in it).
  await sql`
    UPDATE campaign_messages m SET status = 'queued', reason = NULL, claimed_by = NULL, claimed_at = NULL, cap_checked_at = NULL
    WHERE m.customer_id IN (${fromId}::uuid, ${toId}::uuid) AND m.status = 'skipped' AND m.reason = 'duplicate_person'
      AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = m.campaign_id AND c.status IN ('sending', 'paused'))
      AND NOT EXISTS (SELECT 1 FROM campaign_messages o WHERE o.campaign_id = m.campaign_id AND o.customer_id = m.customer_id
                      AND o.id <> m.id AND (o.status IN ${PENDING} OR o.status IN ${COMMITTED}))
      AND m.id = (SELECT min(o.id) FROM campaign_messages o WHERE o.campaign_id = m.campaign_id AND o.customer_id = m.customer_id
                  AND o.status = 'skipped' AND o.reason = 'duplicate_person')`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
