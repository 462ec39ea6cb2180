/**
 * Ingestion of tracker batches (POST /api/v1/collect).
 *
 * Checks run cheapest first: size, JSON, write key (cached), origin, bot, Do-Not-Track, rate limit, then each event.
 * Accepted batches are written with group commit: while one group is being written, the batches of other requests
 * queue up and the next group writes them all in one statement (src/intake/tracker/tracker.repository.ts writeGroup).
 * Under load that turns hundreds of small requests a second into a few dozen statements; a request is answered only after its group
 * committed, so an answered event is stored. If a group fails, its batches are retried one by one, so one bad batch
 * cannot take others down with it.
 */
import type { Actor } from '../../core/context.ts';
import { describeError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { isBot } from '../../domain/tracker/bot.ts';
import { parseBatchText, type ParsedBatch, type RejectReason, type TrackerEvent } from '../../domain/tracker/events.ts';
import { originAllowed } from '../../domain/tracker/origin.ts';
import { TokenBuckets } from '../../domain/tracker/token-bucket.ts';
import { tokyoDay } from '../../domain/tracker/day.ts';
import { NO_UTM, pagePath, parsePageUrl, parseUtm } from '../../domain/tracker/utm.ts';
import * as repo from './tracker.repository.ts';
import { identifyVisitor, type IdentifyResult } from './identify.service.ts';

/** How long a write key's site (or its absence) is cached: a rotated key stops working in other processes within this. */
const SITE_CACHE_MS = 5_000;
const SITE_CACHE_MAX = 10_000;
/** identify runs identity resolution: a few per minute per visitor address is plenty for a person. */
const IDENTIFY_PER_MINUTE = 10;
/** Groups written at once (PostgreSQL overlaps them; PGlite has one connection and runs them in turn). */
const CONCURRENT_GROUPS = 4;
/** Page views + events per group; more wait for the next one. */
const GROUP_MAX_ROWS = 5_000;
const COUNTER_FLUSH_MS = 2_000;

export interface CollectInput {
  body: string;
  origin: string | null;
  userAgent: string | null;
  /** DNT: 1 or Sec-GPC: 1 on the request: the browser asks not to be tracked, whatever the page's script does. */
  doNotTrack: boolean;
  ip: string | null;
}

export type CollectOutcome =
  | { ok: true; site: repo.SiteRow; accepted: number; rejected: Array<{ index: number; reason: RejectReason }>; identified: IdentifyResult | null }
  | { ok: false; status: 400 | 403 | 413 | 429 | 503; reason: RejectReason | 'unavailable'; site: repo.SiteRow | null };

interface Pending { siteId: string; batch: ParsedBatch; resolve: () => void; reject: (e: unknown) => void }

class Collector {
  readonly buckets = new TokenBuckets();
  private readonly sites = new Map<string, { site: repo.SiteRow | null; until: number }>();
  private readonly counters = new Map<string, number>();
  private counterTimer: NodeJS.Timeout | null = null;
  private queue: Pending[] = [];
  private running = 0;

  constructor(private readonly db: Db) {}

  async site(writeKey: string): Promise<repo.SiteRow | null> {
    const now = Date.now();
    const cached = this.sites.get(writeKey);
    if (cached && cached.until > now) return cached.site;
    const site = (await repo.findSiteByKey(this.db, writeKey)) ?? null;
    if (this.sites.size >= SITE_CACHE_MAX) this.sites.clear();
    this.sites.set(writeKey, { site, until: now + SITE_CACHE_MS });
    return site;
  }

  forgetSites(): void {
    this.sites.clear();
  }

  count(siteId: string | null, reason: RejectReason, n: number): void {
    if (n <= 0) return;
    const key = `${siteId ?? ''}|${tokyoDay(new Date())}|${reason}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + n);
    if (!this.counterTimer) {
      this.counterTimer = setTimeout(() => { void this.flushCounters().catch((e: unknown) => console.error(`tracker: could not save rejection counts: ${describeError(e)}`)); }, COUNTER_FLUSH_MS);
      this.counterTimer.unref();
    }
  }

  async flushCounters(): Promise<void> {
    if (this.counterTimer) clearTimeout(this.counterTimer);
    this.counterTimer = null;
    if (this.counters.size === 0) return;
    const rows = [...this.counters.entries()].map(([key, count]) => {
      const [siteId, day, reason] = key.split('|') as [string, string, string];
      return { siteId: siteId || null, day, reason, count };
    });
    this.counters.clear();
    try {
      await repo.addRejections(this.db, rows);
    } catch (error) {
      for (const r of rows) this.counters.set(`${r.siteId ?? ''}|${r.day}|${r.reason}`, (this.counters.get(`${r.siteId ?? ''}|${r.day}|${r.reason}`) ?? 0) + r.count);
      throw error;
    }
  }

  /** Queues a batch for the next group; resolves once its group has committed. */
  write(siteId: string, batch: ParsedBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ siteId, batch, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.running < CONCURRENT_GROUPS && this.queue.length > 0) {
      let rows = 0;
      let take = 0;
      while (take < this.queue.length && (take === 0 || rows + this.queue[take]!.batch.events.length <= GROUP_MAX_ROWS)) {
        rows += this.queue[take]!.batch.events.length;
        take++;
      }
      const group = this.queue.splice(0, take);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.kick();
      });
    }
  }

  private async run(group: Pending[]): Promise<void> {
    try {
      await this.writeItems(group);
      for (const item of group) item.resolve();
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const item of group) {
        try {
          await this.writeItems([item]);
          item.resolve();
        } catch (single) {
          item.reject(single);
        }
      }
    }
  }

  /** One statement writes the group; the activities of identified visitors' page views follow (both idempotent). */
  private async writeItems(items: Pending[]): Promise<void> {
    const written = await repo.writeGroup(this.db, buildGroup(items));
    await repo.upsertPageViewActivities(this.db, { pageViews: written.identifiedViews }, true);
  }
}

const collectors = new WeakMap<Db, Collector>();

function collector(db: Db): Collector {
  let c = collectors.get(db);
  if (!c) {
    c = new Collector(db);
    collectors.set(db, c);
  }
  return c;
}

/** Drops cached sites after a site was edited or its key rotated (this process; others within SITE_CACHE_MS). */
export function forgetCachedSites(db: Db): void {
  collectors.get(db)?.forgetSites();
}

/** Counts a request refused before it could be parsed (e.g. a body over the size limit). */
export function countRejected(db: Db, siteId: string | null, reason: RejectReason): void {
  collector(db).count(siteId, reason, 1);
}

/** Writes the rejection counts gathered in memory (they are otherwise saved every few seconds). */
export async function flushRejectionCounts(db: Db): Promise<void> {
  await collectors.get(db)?.flushCounters();
}

export async function collect(db: Db, input: CollectInput, actor: Actor): Promise<CollectOutcome> {
  const c = collector(db);
  const parsed = parseBatchText(input.body, Date.now());
  if (!parsed.ok) {
    c.count(null, parsed.reason, 1);
    return { ok: false, status: parsed.reason === 'payload_too_large' ? 413 : parsed.reason === 'unknown_key' ? 403 : 400, reason: parsed.reason, site: null };
  }
  const { batch } = parsed;
  const size = batch.events.length + batch.rejected.length;
  const site = await c.site(batch.envelope.writeKey);
  if (!site) {
    c.count(null, 'unknown_key', size);
    return { ok: false, status: 403, reason: 'unknown_key', site: null };
  }
  const refuse = (status: 403 | 429, reason: RejectReason): CollectOutcome => {
    c.count(site.id, reason, size);
    return { ok: false, status, reason, site };
  };
  if (!site.active) return refuse(403, 'site_inactive');
  if (!originAllowed(input.origin, site.allowed_origins)) return refuse(403, 'origin_not_allowed');
  if (isBot(input.userAgent)) return refuse(403, 'bot');
  if (input.doNotTrack) return refuse(403, 'do_not_track');
  if (!c.buckets.take(`site:${site.id}`, site.rate_per_minute, size)) return refuse(429, 'rate_limited');
  if (!c.buckets.take(`ip:${site.id}:${input.ip ?? '-'}`, site.ip_rate_per_minute, size)) return refuse(429, 'rate_limited');

  for (const r of batch.rejected) c.count(site.id, r.reason, 1);
  const rejected = [...batch.rejected];
  if (batch.events.some((e) => e.type !== 'id')) {
    try {
      await c.write(site.id, batch);
    } catch (error) {
      console.error(`tracker: could not store a batch: ${describeError(error)}`);
      return { ok: false, status: 503, reason: 'unavailable', site };
    }
  }
  let identified: IdentifyResult | null = null;
  const identify = [...batch.events].reverse().find((e): e is Extract<TrackerEvent, { type: 'id' }> => e.type === 'id');
  if (identify) {
    const index = eventIndex(batch, identify);
    if (!c.buckets.take(`identify:${site.id}:${input.ip ?? '-'}`, IDENTIFY_PER_MINUTE, 1)) {
      rejected.push({ index, reason: 'rate_limited' });
      c.count(site.id, 'rate_limited', 1);
    } else {
      identified = await identifyVisitor(db, { siteId: site.id, visitorId: batch.envelope.visitorKey, traits: await campaignTraits(db, identify.traits), actor });
      if (!identified) {
        rejected.push({ index, reason: 'bad_traits' });
        c.count(site.id, 'bad_traits', 1);
      }
    }
  }
  // An identify refused after parsing (rate limit, nothing to identify by) counts as refused, not accepted.
  const refusedLate = rejected.length - batch.rejected.length;
  return { ok: true, site, accepted: batch.events.length - refusedLate, rejected: rejected.sort((a, b) => a.index - b.index), identified };
}

/**
 * A visitor who came through a campaign e-mail's tracked link: the snippet reports the link's `daicho_ct` as
 * `campaignToken`, and the message it names says who they are (the address it was sent to). An unknown token
 * identifies nobody. Other traits pass as they are.
 */
async function campaignTraits(db: Db, traits: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { campaignToken, ...rest } = traits;
  if (campaignToken === undefined) return traits;
  const address = typeof campaignToken === 'string' && /^[A-Za-z0-9_-]{8,128}$/u.test(campaignToken) ? await repo.campaignMessageAddress(db, campaignToken) : null;
  return address ? { ...rest, email: address } : rest;
}

/** Position of an accepted event in the request's original array (accepted and rejected interleave). */
function eventIndex(batch: ParsedBatch, event: TrackerEvent): number {
  const rejectedAt = new Set(batch.rejected.map((r) => r.index));
  let accepted = batch.events.indexOf(event);
  for (let i = 0; ; i++) {
    if (rejectedAt.has(i)) continue;
    if (accepted-- === 0) return i;
  }
}

/** Turns queued batches into rows merged per key (one row per visitor, visit, page view) in a stable lock order. */
function buildGroup(items: Pending[]): repo.GroupWrite {
  const visitors = new Map<string, repo.VisitorUpsert>();
  const visits = new Map<string, repo.VisitUpsert>();
  const pageViews = new Map<string, repo.PageViewUpsert>();
  const events = new Map<string, repo.EventInsert>();
  for (const { siteId, batch } of items) {
    const { visitorKey, visitKey, consentGranted } = batch.envelope;
    const vKey = `${siteId}|${visitorKey}`;
    const sKey = `${siteId}|${visitKey}`;
    for (const e of batch.events) {
      const visitor = visitors.get(vKey);
      if (!visitor) visitors.set(vKey, { siteId, visitorKey, firstSeenAt: e.at, lastSeenAt: e.at, consentGranted });
      else {
        if (e.at < visitor.firstSeenAt) visitor.firstSeenAt = e.at;
        if (e.at > visitor.lastSeenAt) visitor.lastSeenAt = e.at;
        visitor.consentGranted ||= consentGranted;
      }
      if (e.type === 'id') continue;
      const entry = e.type === 'pv' && e.entry ? e : null;
      const visit = visits.get(sKey);
      if (!visit) {
        visits.set(sKey, { siteId, visitKey, visitorKey, startedAt: e.at, lastSeenAt: e.at, landingUrl: entry?.url ?? null, referrer: entry?.referrer ?? null, utm: entry ? parseUtm(entry.url) : NO_UTM });
      } else {
        if (e.at < visit.startedAt) visit.startedAt = e.at;
        if (e.at > visit.lastSeenAt) visit.lastSeenAt = e.at;
        if (entry && !visit.landingUrl) Object.assign(visit, { landingUrl: entry.url, referrer: entry.referrer, utm: parseUtm(entry.url) });
      }
      if (e.type === 'ev') {
        events.set(`${siteId}|${e.key}`, { siteId, eventKey: e.key, visitorKey, visitKey, pageViewKey: e.pageViewKey, name: e.name, properties: e.properties, occurredAt: e.at });
        continue;
      }
      const pKey = `${siteId}|${e.key}`;
      const known = pageViews.get(pKey);
      if (known && known.visitorKey !== visitorKey) continue; // another browser's id: the database refuses it too
      const row = known ?? {
        siteId, viewKey: e.key, visitorKey, visitKey, url: e.url, path: pagePath(parsePageUrl(e.url)!), title: null, referrer: null,
        utm: parseUtm(e.url), startedAt: e.at, dwellMs: null,
      };
      if (e.type === 'pv') {
        row.url = e.url;
        row.path = pagePath(parsePageUrl(e.url)!);
        row.utm = parseUtm(e.url);
        row.title = e.title ?? row.title;
        row.referrer = e.referrer ?? row.referrer;
        if (!known || e.at < row.startedAt) row.startedAt = e.at;
      } else {
        row.dwellMs = Math.max(row.dwellMs ?? 0, e.dwellMs);
      }
      pageViews.set(pKey, row);
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);
  return { visitors: sorted(visitors), visits: sorted(visits), pageViews: sorted(pageViews), events: sorted(events) };
}
