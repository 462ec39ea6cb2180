import { z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { AppEnv } from '../../core/context.ts';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { LIMITS } from '../../domain/tracker/events.ts';
import { originAllowed } from '../../domain/tracker/origin.ts';
import { collect, countRejected } from './collect.service.ts';
import {
  CollectBody, CollectResultSchema, TrackerSiteCreate, TrackerSiteListSchema, TrackerSitePatch, TrackerSiteSchema, TrackerSiteWithStatsSchema,
} from './tracker.schemas.ts';
import { createSite, getSite, listSites, rotateWriteKey, updateSite } from './tracker.service.ts';

/** The snippet as served: full-line comments and indentation dropped (the file stays readable, the wire stays small). */
export function servedSnippet(): string {
  const source = fs.readFileSync(new URL('./snippet.js', import.meta.url), 'utf8');
  return source.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('//')).join('\n') + '\n';
}

const SNIPPET = servedSnippet();
const SNIPPET_GZ = gzipSync(SNIPPET, { level: 9 });
const SNIPPET_ETAG = `"${createHash('sha256').update(SNIPPET).digest('base64url').slice(0, 16)}"`;

const notFound = json(z.object({}), 'Not found');

export function trackerRoutes(): Router {
  const app = createRouter();
  // Outside /api: other sites load it, so it is cacheable and may be used cross-origin (no `no-store`, CORP cross-origin).
  app.get('/t.js', (c) => {
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=86400, stale-while-revalidate=604800',
      ETag: SNIPPET_ETAG,
      Vary: 'Accept-Encoding',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Access-Control-Allow-Origin': '*',
    };
    if (c.req.header('if-none-match') === SNIPPET_ETAG) return c.body(null, 304, headers);
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(SNIPPET_GZ), 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(SNIPPET, 200, headers);
  });

  app.openapi(
    secureRoute({ method: 'options', path: '/api/v1/collect', access: 'public', tags: ['tracker'],
      summary: 'CORS preflight for collect (the snippet itself posts text/plain, which needs none); the POST checks the origin against the site',
      responses: { 204: { description: 'Preflight answered' } } }),
    (c) => {
      const origin = c.req.header('origin');
      if (origin) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Vary', 'Origin');
      }
      c.header('Access-Control-Allow-Methods', 'POST');
      c.header('Access-Control-Allow-Headers', 'Content-Type');
      c.header('Access-Control-Max-Age', '86400');
      return c.body(null, 204);
    },
  );

  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/collect', access: 'public', tags: ['tracker'],
      summary: 'Tracker ingestion: one batch of page views, page leaves (dwell time), custom events and identify from one browser',
      description: 'Body (text/plain or application/json, at most 64 KB, 100 events): see docs/TRACKER.md. Checked: write key, the request Origin against the site\'s allowed origins, bot user agents, DNT / Sec-GPC, per-site and per-address rate limits; each event is validated on its own. Refusals are problem details whose `code` is the reason, and are counted per site and day.',
      request: { body: { content: { 'text/plain': { schema: CollectBody } } } },
      responses: { 200: json(CollectResultSchema, 'Stored (each refused event is listed with its reason)') } }),
    async (c) => {
      const { db } = c.get('deps');
      const actor = c.get('actor');
      const origin = c.req.header('origin') ?? null;
      c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      const body = await readCapped(c.req.raw, LIMITS.bodyBytes);
      if (body === null) {
        countRejected(db, null, 'payload_too_large');
        return refuse(c, 413, 'payload_too_large') as never;
      }
      const outcome = await collect(db, {
        body,
        origin,
        userAgent: c.req.header('user-agent') ?? null,
        doNotTrack: c.req.header('dnt') === '1' || c.req.header('sec-gpc') === '1',
        ip: actor.ip,
      }, actor);
      // Only the site's own pages may read the answer (a beacon never does; fetch callers and tests can).
      if (outcome.site && originAllowed(origin, outcome.site.allowed_origins)) {
        c.header('Access-Control-Allow-Origin', origin!);
        c.header('Vary', 'Origin');
      }
      if (!outcome.ok) return refuse(c, outcome.status, outcome.reason) as never;
      return c.json({ accepted: outcome.accepted, rejected: outcome.rejected, identified: outcome.identified !== null }, 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sites', access: 'sites:read', tags: ['tracker'],
      summary: 'Tracked websites with today\'s page views, visitors and rejected events by reason (day in Japan)',
      responses: { 200: json(TrackerSiteListSchema, 'Sites') } }),
    async (c) => c.json(await listSites(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sites', access: 'sites:write', tags: ['tracker'], summary: 'Register a website to track (a write key is issued)',
      request: { body: { content: { 'application/json': { schema: TrackerSiteCreate } }, required: true } },
      responses: { 201: json(TrackerSiteSchema, 'Created') } }),
    async (c) => c.json(await createSite(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/sites/{id}', access: 'sites:read', tags: ['tracker'], summary: 'A tracked website with today\'s counts',
      request: { params: IdParam }, responses: { 200: json(TrackerSiteWithStatsSchema, 'The site'), 404: notFound } }),
    async (c) => c.json(await getSite(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/sites/{id}', access: 'sites:write', tags: ['tracker'], summary: 'Rename, change allowed origins or rate limits, pause or resume a site',
      request: { params: IdParam, body: { content: { 'application/json': { schema: TrackerSitePatch } }, required: true } },
      responses: { 200: json(TrackerSiteSchema, 'Updated'), 404: notFound } }),
    async (c) => c.json(await updateSite(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/sites/{id}/rotate-key', access: 'sites:write', tags: ['tracker'],
      summary: 'Issue a new write key; the old one stops working at once (update the script tag)',
      request: { params: IdParam }, responses: { 200: json(TrackerSiteSchema, 'The site with its new key'), 404: notFound } }),
    async (c) => c.json(await rotateWriteKey(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  return app;
}

const MESSAGES: Record<string, string> = {
  malformed_json: '本文が JSON ではありません (body is not JSON)',
  bad_envelope: 'バッチの形式が正しくありません (v, s, e are required)',
  unknown_key: '書き込みキーが不明です (unknown write key)',
  site_inactive: 'このサイトの計測は停止中です (site paused)',
  origin_not_allowed: 'このオリジンは許可されていません (origin not allowed for this site)',
  bot: 'ボットと判定されました (bot user agent)',
  do_not_track: 'Do-Not-Track / GPC が指定されています (browser asked not to be tracked)',
  payload_too_large: `本文が大きすぎます (body over ${LIMITS.bodyBytes} bytes)`,
  too_many_events: `イベントが多すぎます (over ${LIMITS.eventsPerBatch} events)`,
  rate_limited: '送信が多すぎます (rate limited)',
  unavailable: '一時的に保存できません (storage unavailable, retry later)',
};

function refuse(c: Context<AppEnv>, status: 400 | 403 | 413 | 429 | 503, reason: string): Response {
  if (status === 429) c.header('Retry-After', '60');
  return c.body(JSON.stringify({ type: `https://daicho.dev/problems/tracker/${reason}`, title: MESSAGES[reason] ?? reason, status, code: reason }), status,
    { 'Content-Type': 'application/problem+json; charset=utf-8' });
}

/** The body as text, or null once it passes `max` bytes (reading stops there: a huge body is never buffered). */
async function readCapped(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
