import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { refuseUnstorableUrl } from '../core/input-guard.ts';
import type { AppDeps, AppEnv } from '../core/context.ts';
import { AppError, describeError, sqlState, PG_DATA_EXCEPTION_CLASS } from '../core/errors.ts';
import { createRouter, type Router } from '../core/route.ts';
import { identify } from '../platform/accounts/auth.middleware.ts';
import { authRoutes } from '../platform/accounts/auth.routes.ts';
import { userRoutes } from '../platform/accounts/users.routes.ts';
import { auditRoutes } from '../platform/audit/audit.routes.ts';
import { jobRoutes } from '../platform/jobs/jobs.routes.ts';
import { customerRoutes, searchRoutes } from '../ledger/customers/customers.routes.ts';
import { activityRoutes } from '../ledger/activities/activities.routes.ts';
import { manualRoutes } from '../intake/manual/manual.routes.ts';
import { companyRoutes } from '../ledger/companies/companies.routes.ts';
import { companyMergeRoutes } from '../ledger/customers/company-merge.routes.ts';
import { sourceRoutes } from '../ledger/sources/sources.routes.ts';
import { qualityRoutes } from '../ledger/quality/quality.routes.ts';
import { customFieldRoutes } from '../ledger/custom-fields/custom-fields.routes.ts';
import { referenceRoutes } from '../ledger/reference/reference.routes.ts';
import { importRoutes } from '../intake/files/import.routes.ts';
import { identityRoutes } from '../resolution/identity/identity.routes.ts';
import { trackerRoutes } from '../intake/tracker/tracker.routes.ts';
import { formRoutes } from '../intake/forms/forms.routes.ts';
import { consentRoutes } from '../ledger/consents/consents.routes.ts';
import { orderRoutes } from '../intake/orders/orders.routes.ts';
import { eventRoutes } from '../intake/events/events.routes.ts';
import { valueRoutes } from '../ledger/values/values.routes.ts';
import { dashboardRoutes } from '../use/dashboards/dashboards.routes.ts';
import { segmentRoutes } from '../use/segments/segments.routes.ts';
import { recommendRoutes } from '../use/recommend/recommend.routes.ts';
import { campaignRoutes } from '../use/campaigns/campaigns.routes.ts';
import { triggerRoutes } from '../use/triggers/triggers.routes.ts';
import { messagingRoutes } from '../use/campaigns/compose.routes.ts';
import { trackingRoutes } from '../use/campaigns/tracking.routes.ts';
import { log } from '../core/logger.ts';
import { health, measureRequests, metrics } from './operations.ts';
import { privacyRoutes } from '../ledger/privacy/privacy.routes.ts';
import { wireMergeListeners } from './merge-listeners.ts';
import { setJobThreadSetup } from '../intake/files/job-thread.ts';
import { privacyParts } from './privacy-parts.ts';
import { voiceRoutes } from '../use/voice/voice.routes.ts';
import { createFromFormSubmission } from '../use/voice/voice.service.ts';


export type App = Router;

/** Builds the whole HTTP app. It never listens: src/cli/serve.ts does, tests call app.request(). */
export function createApp(given: AppDeps): App {
  const app = createRouter();
  // What follows a customer merge or unmerge (consents, 利用停止, trigger firings and tasks), here and in the job
  // thread an import runs in (it may merge two existing customers).
  wireMergeListeners();
  setJobThreadSetup(new URL('./job-thread-setup.ts', import.meta.url));
  // Form submissions reach the voice-of-customer inbox through the deps (intake never imports use).
  const deps: AppDeps = { ...given, onFormSubmitted: given.onFormSubmitted ?? createFromFormSubmission };

  app.use('*', measureRequests);
  app.use('*', secureHeaders({
    // A route that sets one of these headers itself keeps it (scripts other sites load: Cross-Origin-Resource-Policy).
    overwrite: false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('auth', null);
    c.set('actor', { auth: null, ip: clientIp(c, deps.config.trustedProxyHops), userAgent: c.req.header('user-agent') ?? null });
    await next();
  });
  app.use('*', refuseUnstorableUrl);
  app.use('/api/v1/*', identify);
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.route('/', authRoutes());
  app.route('/', userRoutes());
  app.route('/', auditRoutes());
  app.route('/', jobRoutes());
  app.route('/', customerRoutes());
  app.route('/', manualRoutes());
  app.route('/', activityRoutes());
  app.route('/', searchRoutes());
  app.route('/', companyRoutes());
  app.route('/', companyMergeRoutes());
  app.route('/', sourceRoutes());
  app.route('/', qualityRoutes());
  app.route('/', customFieldRoutes());
  app.route('/', referenceRoutes());
  app.route('/', importRoutes());
  app.route('/', identityRoutes());
  app.route('/', trackerRoutes());
  app.route('/', formRoutes());
  app.route('/', consentRoutes());
  app.route('/', orderRoutes());
  app.route('/', eventRoutes());
  app.route('/', valueRoutes());
  app.route('/', segmentRoutes());
  app.route('/', recommendRoutes());
  app.route('/', dashboardRoutes());
  app.route('/', campaignRoutes());
  app.route('/', triggerRoutes());
  app.route('/', messagingRoutes());
  app.route('/', trackingRoutes());
  app.route('/', privacyRoutes(privacyParts()));
  app.route('/', voiceRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: 'daicho_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'API key: dk_…' });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Daicho API',
      version: '1',
      description: 'Daicho (台帳) customer ledger. Cookie sessions need an X-CSRF-Token header on writes; API keys go in Authorization: Bearer.',
    },
    'x-permission': 'public',
  } as Parameters<App['doc31']>[1]);
  app.get('/api/docs', (c) => c.html(docsPage()));
  app.get('/api/docs.js', (c) => c.body(DOCS_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/api/health', health);
  app.get('/metrics', metrics);
  app.all('/api/*', () => { throw new AppError('not_found', 'No such API endpoint'); });

  if (deps.webDir && fs.existsSync(path.join(deps.webDir, 'index.html'))) {
    const root = path.relative(process.cwd(), deps.webDir) || '.';
    app.use('/assets/*', serveStatic({ root }));
    app.use('/favicon.svg', serveStatic({ root }));
    const indexHtml = fs.readFileSync(path.join(deps.webDir, 'index.html'), 'utf8');
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('/', (c) => c.text('Daicho API is running. The web UI is not built: run `npm run build:web`.'));
  }

  app.onError((error, c) => renderError(error, c));
  return app;
}

/** RFC 9457 problem details for every error; unexpected ones are logged and shown without internals. */
function renderError(error: Error, c: Context<AppEnv>): Response {
  let appError: AppError;
  if (error instanceof AppError) appError = error;
  else if (error instanceof HTTPException) {
    appError = new AppError(error.status === 413 ? 'bad_request' : error.status >= 500 ? 'internal' : 'bad_request', error.message || 'Bad request');
  } else if (error instanceof SyntaxError) appError = new AppError('bad_request', 'Malformed JSON body');
  else if (sqlState(error)?.startsWith(PG_DATA_EXCEPTION_CLASS)) {
    // A value the database refused: the request's fault, but one a route's validation should have caught.
    log.warn('a value the database refused', { method: c.req.method, route: c.req.routePath, status: 400, error: describeError(error) });
    appError = new AppError('bad_request', 'A value has the wrong format');
  } else {
    log.error('request failed', { method: c.req.method, route: c.req.routePath, status: 500, error: describeError(error) });
    appError = new AppError('internal', 'Internal server error');
  }
  for (const [name, value] of Object.entries(appError.headers)) c.header(name, value);
  return c.body(
    JSON.stringify({
      type: `https://daicho.dev/problems/${appError.code}`,
      title: appError.message,
      status: appError.status,
      code: appError.code,
      ...(appError.fieldErrors.length ? { errors: appError.fieldErrors } : {}),
    }),
    appError.status as 400,
    { 'Content-Type': 'application/problem+json; charset=utf-8' },
  );
}

/**
 * The client's address: the socket's, or behind trusted proxies the X-Forwarded-For entry the outermost of them
 * appended (counted from the right; what stands left of it the client wrote itself, so a client could otherwise pick
 * its own address and escape the per-address rate limits).
 */
export function clientIp(c: Context<AppEnv>, trustedProxyHops: number): string | null {
  if (trustedProxyHops > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    const forwarded = entries[Math.max(0, entries.length - trustedProxyHops)];
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

const DOCS_SCRIPT = `fetch('/api/openapi.json').then(r => r.json()).then(doc => {
  const body = document.querySelector('#ops tbody');
  for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) {
    const tr = document.createElement('tr');
    for (const text of [method.toUpperCase(), path, op.summary || '', op['x-permission'] || '']) {
      const td = document.createElement('td'); td.textContent = text; tr.appendChild(td);
    }
    body.appendChild(tr);
  }
});`;

function docsPage(): string {
  // A dependency-free page: the OpenAPI document rendered as a table of operations, linking to the raw JSON.
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Daicho API</title>
<style>body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;margin:2rem;max-width:72rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}code{font-size:.9em}</style>
</head><body><h1>Daicho API v1</h1><p><a href="/api/openapi.json">openapi.json</a></p><table id="ops"><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Permission</th></tr></thead><tbody></tbody></table>
<script src="/api/docs.js"></script></body></html>`;
}
