import { randomBytes } from 'node:crypto';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { startOfTokyoDay, tokyoDay } from '../../domain/tracker/day.ts';
import { normalizeOrigin } from '../../domain/tracker/origin.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { ensureSource } from '../../ledger/sources/sources.service.ts';
import { flushRejectionCounts, forgetCachedSites } from './collect.service.ts';
import * as repo from './tracker.repository.ts';
import type { SiteStats, TrackerSite, TrackerSiteList, TrackerSiteWithStats } from './tracker.schemas.ts';
import { sourceLabel, sourceName } from './site-source.ts';

function toSite(row: repo.SiteRow): TrackerSite {
  return {
    id: row.id,
    name: row.name,
    writeKey: row.write_key,
    allowedOrigins: row.allowed_origins,
    ratePerMinute: row.rate_per_minute,
    ipRatePerMinute: row.ip_rate_per_minute,
    active: row.active,
    sourceId: row.source_id,
    keyRotatedAt: row.key_rotated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Write keys are public (they are in the page's HTML): unique and unguessable enough to name a site, not secrets. */
export function newWriteKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let key = 'dt_';
  for (const b of bytes) key += alphabet[b % alphabet.length];
  return key;
}

function origins(list: string[]): string[] {
  const out: string[] = [];
  const errors: Array<{ field: string; message: string }> = [];
  list.forEach((o, i) => {
    const n = normalizeOrigin(o);
    if (!n) errors.push({ field: `allowedOrigins.${i}`, message: `オリジンの形式が正しくありません (not an origin: https://www.example.co.jp or https://*.example.co.jp): ${o}` });
    else if (!out.includes(n)) out.push(n);
  });
  if (errors.length) throw new AppError('validation_failed', 'Some allowed origins are not origins', errors);
  return out;
}

export interface SiteInput {
  name?: string | undefined;
  allowedOrigins?: string[] | undefined;
  ratePerMinute?: number | undefined;
  ipRatePerMinute?: number | undefined;
  active?: boolean | undefined;
}

export async function createSite(db: Db, input: SiteInput & { name: string }, actor: Actor): Promise<TrackerSite> {
  const allowedOrigins = origins(input.allowedOrigins ?? []);
  const site = await db.transaction().execute(async (trx) => {
    const row = await repo.insertSite(trx, { name: input.name, writeKey: newWriteKey(), allowedOrigins, ratePerMinute: input.ratePerMinute, ipRatePerMinute: input.ipRatePerMinute, userId: actor.auth?.userId ?? null });
    const source = await ensureSource(trx, sourceName(row.id), sourceLabel(row.name), 'tracker');
    const updated = await repo.updateSite(trx, row.id, { source_id: source.id });
    await audit(trx, actor, 'tracker_site.create', { type: 'tracker_site', id: row.id }, { name: row.name, allowedOrigins });
    return updated!;
  });
  return toSite(site);
}

export async function updateSite(db: Db, id: string, input: SiteInput, actor: Actor): Promise<TrackerSite> {
  const row = await repo.updateSite(db, id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.allowedOrigins !== undefined ? { allowed_origins: origins(input.allowedOrigins) } : {}),
    ...(input.ratePerMinute !== undefined ? { rate_per_minute: input.ratePerMinute } : {}),
    ...(input.ipRatePerMinute !== undefined ? { ip_rate_per_minute: input.ipRatePerMinute } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  });
  if (!row) throw notFound('Site');
  forgetCachedSites(db);
  await audit(db, actor, 'tracker_site.update', { type: 'tracker_site', id }, { fields: Object.keys(input) });
  return toSite(row);
}

/** A new write key; the old one stops working at once (within seconds in other processes). */
export async function rotateWriteKey(db: Db, id: string, actor: Actor): Promise<TrackerSite> {
  const row = await repo.updateSite(db, id, { write_key: newWriteKey(), key_rotated_at: new Date() });
  if (!row) throw notFound('Site');
  forgetCachedSites(db);
  await audit(db, actor, 'tracker_site.rotate_key', { type: 'tracker_site', id }, {});
  return toSite(row);
}

export async function getSite(db: Db, id: string): Promise<TrackerSiteWithStats> {
  const row = await repo.findSite(db, id);
  if (!row) throw notFound('Site');
  const stats = await statsOf(db);
  return { ...toSite(row), stats: stats.get(id) ?? emptyStats() };
}

export async function listSites(db: Db): Promise<TrackerSiteList> {
  const rows = await repo.listSites(db);
  const stats = await statsOf(db);
  return { items: rows.map((r) => ({ ...toSite(r), stats: stats.get(r.id) ?? emptyStats() })), unknownKeyRejectedToday: Object.values(stats.get('')?.rejectedToday ?? {}).reduce((a, b) => a + b, 0) };
}

function emptyStats(): SiteStats {
  return { pageViewsToday: 0, visitorsToday: 0, identifiedToday: 0, rejectedToday: {}, rejected7d: 0 };
}

/** Today's traffic and rejections (today = the calendar day in Japan) per site; key '' holds unknown write keys. */
async function statsOf(db: Db): Promise<Map<string, SiteStats>> {
  await flushRejectionCounts(db);
  const now = new Date();
  const today = tokyoDay(now);
  const weekAgo = tokyoDay(new Date(now.getTime() - 6 * 86_400_000));
  const out = new Map<string, SiteStats>();
  const of = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = emptyStats()));
    return s;
  };
  for (const t of await repo.siteTraffic(db, startOfTokyoDay(now))) {
    Object.assign(of(t.site_id), { pageViewsToday: Number(t.page_views), visitorsToday: Number(t.visitors), identifiedToday: Number(t.identified) });
  }
  for (const r of await repo.listRejections(db, weekAgo)) {
    const s = of(r.site_id ?? '');
    s.rejected7d += Number(r.count);
    if (r.day === today) s.rejectedToday[r.reason] = (s.rejectedToday[r.reason] ?? 0) + Number(r.count);
  }
  return out;
}

// ── identify ──
