import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Utm } from '../../domain/tracker/utm.ts';

/** SQL of the website tracker: sites, the ingestion write, rejection counters, page-view activities, stats. */

const SITE_COLUMNS = ['id', 'name', 'write_key', 'allowed_origins', 'rate_per_minute', 'ip_rate_per_minute', 'source_id', 'active', 'created_by_user_id', 'key_rotated_at', 'created_at', 'updated_at'] as const;

// ── sites ──

export async function insertSite(db: Db, row: { name: string; writeKey: string; allowedOrigins: string[]; ratePerMinute?: number | undefined; ipRatePerMinute?: number | undefined; userId: string | null }) {
  return db.insertInto('tracker_sites').values({
    name: row.name,
    write_key: row.writeKey,
    allowed_origins: row.allowedOrigins,
    ...(row.ratePerMinute !== undefined ? { rate_per_minute: row.ratePerMinute } : {}),
    ...(row.ipRatePerMinute !== undefined ? { ip_rate_per_minute: row.ipRatePerMinute } : {}),
    created_by_user_id: row.userId,
  }).returning(SITE_COLUMNS).executeTakeFirstOrThrow();
}

export async function updateSite(db: Db, id: string, set: { name?: string; allowed_origins?: string[]; rate_per_minute?: number; ip_rate_per_minute?: number; active?: boolean; write_key?: string; key_rotated_at?: Date; source_id?: string }) {
  return db.updateTable('tracker_sites').set({ ...set, updated_at: new Date() }).where('id', '=', id).returning(SITE_COLUMNS).executeTakeFirst();
}

export async function findSite(db: Db, id: string) {
  return db.selectFrom('tracker_sites').select(SITE_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findSiteByKey(db: Db, writeKey: string) {
  return db.selectFrom('tracker_sites').select(SITE_COLUMNS).where('write_key', '=', writeKey).executeTakeFirst();
}

export async function listSites(db: Db) {
  return db.selectFrom('tracker_sites').select(SITE_COLUMNS).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

export type SiteRow = NonNullable<Awaited<ReturnType<typeof findSite>>>;

// ── ingestion ──

export interface VisitorUpsert { siteId: string; visitorKey: string; firstSeenAt: Date; lastSeenAt: Date; consentGranted: boolean }
export interface VisitUpsert { siteId: string; visitKey: string; visitorKey: string; startedAt: Date; lastSeenAt: Date; landingUrl: string | null; referrer: string | null; utm: Utm }
export interface PageViewUpsert {
  siteId: string; viewKey: string; visitorKey: string; visitKey: string; url: string; path: string; title: string | null;
  referrer: string | null; utm: Utm; startedAt: Date; dwellMs: number | null;
}
export interface EventInsert { siteId: string; eventKey: string; visitorKey: string; visitKey: string; pageViewKey: string | null; name: string; properties: Record<string, unknown>; occurredAt: Date }

/** A page view is named by its site and the id the browser gave it. */
export interface PageViewKey { siteId: string; viewKey: string }

export interface GroupWrite { visitors: VisitorUpsert[]; visits: VisitUpsert[]; pageViews: PageViewUpsert[]; events: EventInsert[] }

/**
 * Writes one group of batches (possibly from many requests) in a single statement: the rows travel as four JSON
 * parameters and data-modifying CTEs upsert visitors, then visits and page views (which need the visitors' and visits'
 * ids), then insert events. One round trip and one commit per group, whatever its size; rows are merged per key and
 * sorted by the caller, so concurrent groups lock rows in the same order. Returns the ids of the page views written
 * for identified visitors (their activities are due).
 */
export async function writeGroup(db: Db, group: GroupWrite): Promise<{ identifiedViews: PageViewKey[] }> {
  const iso = (d: Date) => d.toISOString();
  const visitors = group.visitors.map((v) => ({ site_id: v.siteId, visitor_key: v.visitorKey, first_seen_at: iso(v.firstSeenAt), last_seen_at: iso(v.lastSeenAt), consent: v.consentGranted ? 'granted' : 'implied' }));
  const visits = group.visits.map((v) => ({
    site_id: v.siteId, visit_key: v.visitKey, visitor_key: v.visitorKey, started_at: iso(v.startedAt), last_seen_at: iso(v.lastSeenAt),
    landing_url: v.landingUrl, referrer: v.referrer, utm_source: v.utm.source, utm_medium: v.utm.medium, utm_campaign: v.utm.campaign, utm_term: v.utm.term, utm_content: v.utm.content,
  }));
  const views = group.pageViews.map((p) => ({
    site_id: p.siteId, view_key: p.viewKey, visitor_key: p.visitorKey, visit_key: p.visitKey, url: p.url, path: p.path, title: p.title, referrer: p.referrer,
    utm_source: p.utm.source, utm_medium: p.utm.medium, utm_campaign: p.utm.campaign, utm_term: p.utm.term, utm_content: p.utm.content,
    started_at: iso(p.startedAt), dwell_ms: p.dwellMs,
  }));
  const events = group.events.map((e) => ({
    site_id: e.siteId, event_key: e.eventKey, visitor_key: e.visitorKey, visit_key: e.visitKey, page_view_key: e.pageViewKey, name: e.name, properties: e.properties, occurred_at: iso(e.occurredAt),
  }));
  const result = await sql<{ site_id: string; view_key: string }>`
    WITH
    vin AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(visitors)}::jsonb)
      AS x(site_id uuid, visitor_key text, first_seen_at timestamptz, last_seen_at timestamptz, consent text)),
    v AS (
      INSERT INTO web_visitors (site_id, visitor_key, first_seen_at, last_seen_at, consent)
      SELECT site_id, visitor_key, first_seen_at, last_seen_at, consent FROM vin ORDER BY site_id, visitor_key
      ON CONFLICT (site_id, visitor_key) DO UPDATE SET
        last_seen_at = GREATEST(web_visitors.last_seen_at, excluded.last_seen_at),
        consent = CASE WHEN excluded.consent = 'granted' THEN 'granted' ELSE web_visitors.consent END
      RETURNING id, site_id, visitor_key, source_record_id),
    sin AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(visits)}::jsonb)
      AS x(site_id uuid, visit_key text, visitor_key text, started_at timestamptz, last_seen_at timestamptz, landing_url text, referrer text,
           utm_source text, utm_medium text, utm_campaign text, utm_term text, utm_content text)),
    s AS (
      INSERT INTO web_visits (site_id, visit_key, visitor_id, started_at, last_seen_at, landing_url, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
      SELECT sin.site_id, sin.visit_key, v.id, sin.started_at, sin.last_seen_at, sin.landing_url, sin.referrer,
             sin.utm_source, sin.utm_medium, sin.utm_campaign, sin.utm_term, sin.utm_content
      FROM sin JOIN v ON v.site_id = sin.site_id AND v.visitor_key = sin.visitor_key
      ORDER BY sin.site_id, sin.visit_key
      ON CONFLICT (site_id, visit_key) DO UPDATE SET
        last_seen_at = GREATEST(web_visits.last_seen_at, excluded.last_seen_at),
        started_at = LEAST(web_visits.started_at, excluded.started_at),
        -- Landing page, referrer and campaign come from the visit's first page view (flagged by the snippet).
        landing_url = COALESCE(web_visits.landing_url, excluded.landing_url),
        referrer = COALESCE(web_visits.referrer, excluded.referrer),
        utm_source = COALESCE(web_visits.utm_source, excluded.utm_source),
        utm_medium = COALESCE(web_visits.utm_medium, excluded.utm_medium),
        utm_campaign = COALESCE(web_visits.utm_campaign, excluded.utm_campaign),
        utm_term = COALESCE(web_visits.utm_term, excluded.utm_term),
        utm_content = COALESCE(web_visits.utm_content, excluded.utm_content)
      RETURNING id, site_id, visit_key),
    pin AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(views)}::jsonb)
      AS x(site_id uuid, view_key text, visitor_key text, visit_key text, url text, path text, title text, referrer text,
           utm_source text, utm_medium text, utm_campaign text, utm_term text, utm_content text, started_at timestamptz, dwell_ms integer)),
    p AS (
      INSERT INTO page_views (site_id, view_key, visitor_id, visit_id, url, path, title, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, started_at, dwell_ms)
      SELECT pin.site_id, pin.view_key, v.id, s.id, pin.url, pin.path, pin.title, pin.referrer,
             pin.utm_source, pin.utm_medium, pin.utm_campaign, pin.utm_term, pin.utm_content, pin.started_at, pin.dwell_ms
      FROM pin
      JOIN v ON v.site_id = pin.site_id AND v.visitor_key = pin.visitor_key
      JOIN s ON s.site_id = pin.site_id AND s.visit_key = pin.visit_key
      ORDER BY pin.site_id, pin.view_key
      ON CONFLICT (site_id, view_key) DO UPDATE SET
        -- A page-leave beacon may arrive before its page view (two requests in flight): each fills what it knows.
        dwell_ms = GREATEST(page_views.dwell_ms, excluded.dwell_ms),
        title = COALESCE(page_views.title, excluded.title),
        referrer = COALESCE(page_views.referrer, excluded.referrer),
        started_at = LEAST(page_views.started_at, excluded.started_at)
      -- Only the browser that created a page view may update it (the id is the browser's; a guessed one changes nothing).
      WHERE page_views.visitor_id = excluded.visitor_id
      RETURNING site_id, view_key, visitor_id),
    ein AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
      AS x(site_id uuid, event_key text, visitor_key text, visit_key text, page_view_key text, name text, properties jsonb, occurred_at timestamptz)),
    e AS (
      INSERT INTO web_events (site_id, event_key, visitor_id, visit_id, page_view_key, name, properties, occurred_at)
      SELECT ein.site_id, ein.event_key, v.id, s.id, ein.page_view_key, ein.name, ein.properties, ein.occurred_at
      FROM ein
      JOIN v ON v.site_id = ein.site_id AND v.visitor_key = ein.visitor_key
      JOIN s ON s.site_id = ein.site_id AND s.visit_key = ein.visit_key
      ORDER BY ein.site_id, ein.event_key
      ON CONFLICT (site_id, event_key) DO NOTHING
      RETURNING 1)
    SELECT p.site_id, p.view_key FROM p JOIN v ON v.id = p.visitor_id WHERE v.source_record_id IS NOT NULL`.execute(db);
  return { identifiedViews: result.rows.map((r) => ({ siteId: r.site_id, viewKey: r.view_key })) };
}

/**
 * Writes (or refreshes) the `page_view` activity of each given page view of an identified visitor, on the customer
 * of the visitor's source record and hanging off that record, so merge and unmerge move it with the record.
 * `refresh` updates existing ones (dwell time grew); back-fill leaves them alone. Returns how many were written.
 */
export async function upsertPageViewActivities(db: Db, filter: { pageViews: PageViewKey[] } | { visitorId: number }, refresh: boolean): Promise<number> {
  if ('pageViews' in filter && filter.pageViews.length === 0) return 0;
  const where = 'pageViews' in filter
    ? sql`(pv.site_id, pv.view_key) IN (${sql.join(filter.pageViews.map((p) => sql`(${p.siteId}::uuid, ${p.viewKey})`))})`
    : sql`pv.visitor_id = ${filter.visitorId}`;
  const conflict = refresh
    ? sql`DO UPDATE SET properties = excluded.properties, title = excluded.title, updated_at = now()`
    : sql`DO NOTHING`;
  const result = await sql`
    INSERT INTO activities (customer_id, type, occurred_at, title, properties, source_id, source_record_id, dedupe_key, updated_at)
    SELECT sr.customer_id, 'page_view', pv.started_at, COALESCE(pv.title, pv.path),
      jsonb_build_object(
        'visitId', pv.visit_id, 'url', pv.url, 'path', pv.path, 'title', pv.title, 'referrer', pv.referrer, 'dwellMs', pv.dwell_ms,
        'utm', CASE WHEN COALESCE(pv.utm_source, pv.utm_medium, pv.utm_campaign, pv.utm_term, pv.utm_content) IS NULL THEN NULL
          ELSE jsonb_build_object('source', pv.utm_source, 'medium', pv.utm_medium, 'campaign', pv.utm_campaign, 'term', pv.utm_term, 'content', pv.utm_content) END),
      sr.source_id, sr.id, 'pv:' || pv.site_id || ':' || pv.view_key, now()
    FROM page_views pv
    JOIN web_visitors v ON v.id = pv.visitor_id
    JOIN source_records sr ON sr.id = v.source_record_id
    WHERE ${where} AND sr.customer_id IS NOT NULL
    ORDER BY pv.site_id, pv.view_key
    ON CONFLICT (dedupe_key) ${conflict}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

// ── visitors (identify) ──

/** The visitor row, created when identify comes before any page view. */
export async function ensureVisitor(db: Db, siteId: string, visitorKey: string) {
  const now = new Date();
  await db.insertInto('web_visitors').values({ site_id: siteId, visitor_key: visitorKey, first_seen_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['site_id', 'visitor_key']).doNothing()).execute();
  return db.selectFrom('web_visitors').select(['id', 'site_id', 'visitor_key', 'source_record_id', 'traits', 'identity_seq'])
    .where('site_id', '=', siteId).where('visitor_key', '=', visitorKey).executeTakeFirstOrThrow();
}

export async function setVisitorIdentity(db: Db, id: number, set: { sourceRecordId: number; traits: Record<string, unknown>; identitySeq: number }): Promise<void> {
  await db.updateTable('web_visitors').set({
    source_record_id: set.sourceRecordId, traits: JSON.stringify(set.traits), identity_seq: set.identitySeq, identified_at: new Date(),
  }).where('id', '=', id).execute();
}

/** Sites where this visitor id has been seen, most recent first (a form knows the visitor id, not the site). */
export async function findSitesOfVisitor(db: Db, visitorKey: string) {
  return db.selectFrom('web_visitors').select(['site_id']).where('visitor_key', '=', visitorKey).orderBy('last_seen_at', 'desc').execute();
}

// ── rejections ──

export async function addRejections(db: Db, rows: Array<{ siteId: string | null; day: string; reason: string; count: number }>): Promise<void> {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) => `${a.siteId}|${a.day}|${a.reason}`.localeCompare(`${b.siteId}|${b.day}|${b.reason}`));
  await db.insertInto('tracker_rejections').values(sorted.map((r) => ({ site_id: r.siteId, day: r.day, reason: r.reason, count: r.count })))
    .onConflict((oc) => oc.columns(['site_id', 'day', 'reason']).doUpdateSet({ count: sql`tracker_rejections.count + excluded.count` }))
    .execute();
}

export async function listRejections(db: Db, since: string) {
  return db.selectFrom('tracker_rejections').select(['site_id', 'day', 'reason', 'count']).where('day', '>=', since).execute();
}

// ── stats ──

/** Page views, visitors and identified visitors since `since`, per site. */
export async function siteTraffic(db: Db, since: Date) {
  return db.selectFrom('page_views')
    .innerJoin('web_visitors', 'web_visitors.id', 'page_views.visitor_id')
    .select((eb) => [
      'page_views.site_id',
      eb.fn.countAll<number>().as('page_views'),
      sql<number>`count(DISTINCT page_views.visitor_id)`.as('visitors'),
      sql<number>`count(DISTINCT page_views.visitor_id) FILTER (WHERE web_visitors.source_record_id IS NOT NULL)`.as('identified'),
    ])
    .where('page_views.received_at', '>=', since)
    .groupBy('page_views.site_id')
    .execute();
}

/** The e-mail address a campaign message was sent to, by its token (a tracked link's visitor join); null when unknown. */
export async function campaignMessageAddress(db: Db, token: string): Promise<string | null> {
  const row = await db.selectFrom('campaign_messages').select('address').where('token', '=', token).where('channel', '=', 'email').executeTakeFirst();
  return row?.address ?? null;
}

/** 消去 (src/ledger/privacy): the identified visitors of these records, with their visits, page views and events. */
export async function eraseVisitorsOf(db: Db, recordIds: readonly number[]): Promise<number> {
  if (recordIds.length === 0) return 0;
  const visitors = db.selectFrom('web_visitors').select('id').where('source_record_id', 'in', recordIds);
  await db.deleteFrom('web_events').where('visitor_id', 'in', visitors).execute();
  await db.deleteFrom('page_views').where('visitor_id', 'in', visitors).execute();
  await db.deleteFrom('web_visits').where('visitor_id', 'in', visitors).execute();
  const r = await db.deleteFrom('web_visitors').where('source_record_id', 'in', recordIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
