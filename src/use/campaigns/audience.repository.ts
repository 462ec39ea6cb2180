import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import { currentConsentStatesSql } from '../../ledger/consents/consents.repository.ts';
import type { SuppressionReason } from './campaigns.schemas.ts';

/**
 * Audience resolution: who of the people a campaign considers gets it, and why each other one does not. One SQL
 * statement per question over `customers c` (a live customer is one person: merged-away customers are soft-deleted),
 * so a 1M-customer audience never passes through JavaScript to be classified. The reasons, first that applies wins:
 *
 *   both channels first: use_stopped (利用停止: an APPI request stopped the use of the person's data);
 *   e-mail: no_address, invalid_address, opted_out (the person's current email_marketing consent is denied or
 *   withdrawn), no_basis (no opt-in and no source whose exception of 特定電子メール法 covers this very address),
 *   bounced (hard bounce or complaint, or 3 soft bounces in 30 days, at this address), frequency_cap, then
 *   duplicate_address (one message per address: the person with the strongest basis, then the oldest, keeps it);
 *   DM (opt-out based): no_address, invalid_address (〒 not 7 digits), opted_out (dm consent denied or withdrawn),
 *   bounced (post returned 宛先不明 at this household), frequency_cap, then duplicate_household (one piece per
 *   household: same normalised address and company).
 */

export type Channel = 'email' | 'dm';
/** The whole ledger: a campaign without segments. */
export const EVERYONE = sql<SqlBool>`TRUE`;
export interface AudienceSettings { capCount: number; capDays: number; now: Date }
export interface AudienceRowDb { customer_id: string; display_name: string; address: string | null; reason: SuppressionReason | null; household: string | null }

/** The household of a postal address: 〒, prefecture, address and building without spaces and dashes, and the company. */
export const HOUSEHOLD_KEY = sql`regexp_replace(lower(COALESCE(c.postal_code, '') || '|' || COALESCE(c.prefecture, '') || COALESCE(c.address, '') || COALESCE(c.building, '')), '[[:space:]　\\-‐－ー−]', '', 'g') || '|' || COALESCE(c.company_id::text, '')`;

/** What a person was sent on this channel within the cap's window, across every campaign (sent, or maybe sent). */
function recentSends(channel: Channel, s: AudienceSettings) {
  return sql`
    SELECT m.customer_id, count(*) AS n FROM campaign_messages m
    WHERE m.channel = ${channel} AND m.status IN ('sent', 'sending', 'unknown')
      AND COALESCE(m.sent_at, m.claimed_at) > ${s.now}::timestamptz - make_interval(days => ${s.capDays})
    GROUP BY m.customer_id`;
}

function emailAudience(predicate: RawBuilder<SqlBool>, s: AudienceSettings) {
  return sql<AudienceRowDb>`
    WITH considered AS MATERIALIZED (
      SELECT c.id, c.display_name, c.email, lower(btrim(c.email)) AS addr, c.created_at, c.use_stopped_request_id
      FROM customers c WHERE c.deleted_at IS NULL AND ${predicate}),
    cs AS (${currentConsentStatesSql('email_marketing')}),
    basis AS (
      SELECT sr.customer_id, max(CASE s.email_basis WHEN 'business_relationship' THEN 3 WHEN 'business_card' THEN 2 ELSE 1 END) AS strength,
             lower(btrim(sr.normalized->>'email')) AS addr
      FROM sources s JOIN source_records sr ON sr.source_id = s.id
      WHERE s.email_basis IN ('business_relationship', 'business_card', 'published_for_business') AND sr.customer_id IS NOT NULL
      GROUP BY sr.customer_id, lower(btrim(sr.normalized->>'email'))),
    bounced AS (
      SELECT address_key FROM contact_suppressions WHERE channel = 'email' GROUP BY address_key
      HAVING bool_or(reason IN ('hard_bounce', 'complaint', 'manual'))
          OR count(*) FILTER (WHERE reason = 'soft_bounce' AND recorded_at > ${s.now}::timestamptz - interval '30 days') >= 3),
    recent AS (${recentSends('email', s)}),
    classified AS (
      SELECT c.id, c.display_name, c.addr, c.created_at,
        CASE
          WHEN c.use_stopped_request_id IS NOT NULL THEN 'use_stopped'
          WHEN c.addr IS NULL OR c.addr = '' THEN 'no_address'
          WHEN c.addr !~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$' THEN 'invalid_address'
          WHEN cs.state IN ('denied', 'withdrawn') THEN 'opted_out'
          WHEN cs.state IS NULL AND b.strength IS NULL THEN 'no_basis'
          WHEN bo.address_key IS NOT NULL THEN 'bounced'
          WHEN r.n >= ${s.capCount} THEN 'frequency_cap'
        END AS reason,
        CASE WHEN cs.state = 'granted' THEN 4 ELSE COALESCE(b.strength, 0) END AS strength
      FROM considered c
      LEFT JOIN cs ON cs.customer_id = c.id
      LEFT JOIN basis b ON b.customer_id = c.id AND b.addr = c.addr
      LEFT JOIN bounced bo ON bo.address_key = c.addr
      LEFT JOIN recent r ON r.customer_id = c.id),
    -- One message per address: only addresses two sendable people share are ranked (a hash, not a sort of everyone).
    shared AS (SELECT addr FROM classified WHERE reason IS NULL GROUP BY addr HAVING count(*) > 1),
    losers AS (
      SELECT id FROM (
        SELECT k.id, row_number() OVER (PARTITION BY k.addr ORDER BY k.strength DESC, k.created_at, k.id) AS rn
        FROM classified k JOIN shared USING (addr) WHERE k.reason IS NULL) ranked
      WHERE rn > 1)
    SELECT k.id AS customer_id, k.display_name, k.addr AS address, NULL::text AS household,
      CASE WHEN l.id IS NOT NULL THEN 'duplicate_address' ELSE k.reason END AS reason
    FROM classified k LEFT JOIN losers l ON l.id = k.id`;
}

function dmAudience(predicate: RawBuilder<SqlBool>, s: AudienceSettings) {
  return sql<AudienceRowDb>`
    WITH considered AS MATERIALIZED (
      SELECT c.id, c.display_name, c.created_at, c.postal_code, c.address, c.use_stopped_request_id,
        NULLIF(concat_ws(' ', CASE WHEN c.postal_code IS NOT NULL THEN '〒' || c.postal_code END,
                         NULLIF(COALESCE(c.prefecture, '') || COALESCE(c.address, ''), ''), c.building), '') AS line,
        ${HOUSEHOLD_KEY} AS household
      FROM customers c WHERE c.deleted_at IS NULL AND ${predicate}),
    cs AS (${currentConsentStatesSql('dm')}),
    returned AS (SELECT DISTINCT address_key FROM contact_suppressions WHERE channel = 'dm'),
    recent AS (${recentSends('dm', s)}),
    classified AS (
      SELECT c.id, c.display_name, c.line, c.household, c.created_at,
        CASE
          WHEN c.use_stopped_request_id IS NOT NULL THEN 'use_stopped'
          WHEN c.postal_code IS NULL OR c.address IS NULL OR btrim(c.address) = '' THEN 'no_address'
          WHEN c.postal_code !~ '^[0-9]{3}-?[0-9]{4}$' THEN 'invalid_address'
          WHEN cs.state IN ('denied', 'withdrawn') THEN 'opted_out'
          WHEN rt.address_key IS NOT NULL THEN 'bounced'
          WHEN r.n >= ${s.capCount} THEN 'frequency_cap'
        END AS reason
      FROM considered c
      LEFT JOIN cs ON cs.customer_id = c.id
      LEFT JOIN returned rt ON rt.address_key = c.household
      LEFT JOIN recent r ON r.customer_id = c.id),
    shared AS (SELECT household FROM classified WHERE reason IS NULL GROUP BY household HAVING count(*) > 1),
    losers AS (
      SELECT id FROM (
        SELECT k.id, row_number() OVER (PARTITION BY k.household ORDER BY k.created_at, k.id) AS rn
        FROM classified k JOIN shared USING (household) WHERE k.reason IS NULL) ranked
      WHERE rn > 1)
    SELECT k.id AS customer_id, k.display_name, k.line AS address, k.household,
      CASE WHEN l.id IS NOT NULL THEN 'duplicate_household' ELSE k.reason END AS reason
    FROM classified k LEFT JOIN losers l ON l.id = k.id`;
}

/**
 * Planner settings for an audience statement, local to the caller's transaction: its sorts and hashes (a million
 * addresses, consent events and records) fit in memory instead of spilling at the default 4 MB, and no JIT (its
 * compile time is a second of a statement that runs once).
 */
export async function tuneForAudience(trx: Db): Promise<void> {
  await sql`SELECT set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`.execute(trx);
}

export function audienceSql(channel: Channel, predicate: RawBuilder<SqlBool>, s: AudienceSettings) {
  return channel === 'email' ? emailAudience(predicate, s) : dmAudience(predicate, s);
}

export async function audienceCounts(db: Db, channel: Channel, predicate: RawBuilder<SqlBool>, s: AudienceSettings): Promise<Array<{ reason: SuppressionReason | null; n: number }>> {
  const result = await db.transaction().execute(async (trx) => {
    await tuneForAudience(trx);
    return sql<{ reason: SuppressionReason | null; n: number | string }>`
      SELECT a.reason, count(*) AS n FROM (${audienceSql(channel, predicate, s)}) a GROUP BY a.reason`.execute(trx);
  });
  return result.rows.map((r) => ({ reason: r.reason, n: Number(r.n) }));
}

/** One page of the audience in customer-id order, optionally only those sent to or suppressed (for one reason). */
export async function audiencePage(db: Db, channel: Channel, predicate: RawBuilder<SqlBool>, s: AudienceSettings,
  filter: { status?: 'send' | 'suppressed' | undefined; reason?: SuppressionReason | undefined }, after: string | null, limit: number): Promise<AudienceRowDb[]> {
  const result = await db.transaction().execute(async (trx) => {
    await tuneForAudience(trx);
    return sql<AudienceRowDb>`
    SELECT a.* FROM (${audienceSql(channel, predicate, s)}) a
    WHERE TRUE
      ${filter.status === 'send' ? sql`AND a.reason IS NULL` : filter.status === 'suppressed' ? sql`AND a.reason IS NOT NULL` : sql``}
      ${filter.reason ? sql`AND a.reason = ${filter.reason}` : sql``}
      ${after ? sql`AND a.customer_id > ${after}::uuid` : sql``}
    ORDER BY a.customer_id LIMIT ${limit}`.execute(trx);
  });
  return result.rows;
}

/**
 * Streams the whole audience in customer-id order through a server-side cursor (one statement, read in pages), for
 * the CLI's audit file. Runs in a transaction: the caller passes one.
 */
export async function* audienceCursor(trx: Db, channel: Channel, predicate: RawBuilder<SqlBool>, s: AudienceSettings, pageSize = 5000): AsyncGenerator<AudienceRowDb[]> {
  await tuneForAudience(trx);
  await sql`DECLARE audience_cursor NO SCROLL CURSOR FOR SELECT a.* FROM (${audienceSql(channel, predicate, s)}) a ORDER BY a.customer_id`.execute(trx);
  try {
    for (;;) {
      const page = await sql<AudienceRowDb>`FETCH FORWARD ${sql.raw(String(pageSize))} FROM audience_cursor`.execute(trx);
      if (page.rows.length === 0) break;
      yield page.rows;
      if (page.rows.length < pageSize) break;
    }
  } finally {
    await sql`CLOSE audience_cursor`.execute(trx);
  }
}

/** A live customer's household key (as the DM audience computes it) and whether they have a postal address at all. */
export async function householdOf(db: Db, customerId: string): Promise<{ household: string; hasAddress: boolean } | null> {
  const result = await sql<{ household: string; has_address: boolean }>`
    SELECT ${HOUSEHOLD_KEY} AS household, (c.postal_code IS NOT NULL AND c.address IS NOT NULL) AS has_address
    FROM customers c WHERE c.id = ${customerId}::uuid AND c.deleted_at IS NULL`.execute(db);
  const row = result.rows[0];
  return row ? { household: row.household, hasAddress: row.has_address } : null;
}
