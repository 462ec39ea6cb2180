import { z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { isConsentGiven, type RawSubmission } from '../../domain/forms/validate.ts';
import {
  FormCreate, FormFieldCatalogSchema, FormListQuery, FormListSchema, FormPatch, FormSchema, FormSubmissionPageSchema, PostalAreaSchema,
  PostalParam, PublicFormSchema, SlugParam, SubmissionBody, SubmissionListQuery, SubmissionResultSchema,
} from './forms.schemas.ts';
import { PAGE_TOKEN_FIELD, renderFormPage, renderMessagePage, renderThanksPage } from './forms.html.ts';
import { lookupPostalArea } from './postal-lookup.ts';
import * as repo from './forms.repository.ts';
import { refuseUnstorableInput } from '../../core/input-guard.ts';
import {
  archiveForm, createForm, fieldCatalog, getForm, listForms, listSubmissions, openPublicForm, originAllowed, pageTokenValid,
  submitForm, toPublicForm, updateForm, assertAccepting, VISITOR_ID,
} from './forms.service.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Largest submission body accepted (60 fields of free text fit comfortably). */
const MAX_BODY_BYTES = 256 * 1024;
const CLIENT_JS = fs.readFileSync(path.join(here, 'public', 'forms-client.js'), 'utf8');
const FORMS_CSS = fs.readFileSync(path.join(here, 'public', 'forms.css'), 'utf8');

/**
 * Our own origins: the host the request came to (either scheme: behind a TLS-terminating proxy the server sees http
 * while the browser says https), the forwarded host when the proxy is trusted, and DAICHO_PUBLIC_URL.
 */
function ownOrigins(c: Context<AppEnv>): string[] {
  const url = new URL(c.req.url);
  const own = [url.origin, `https://${url.host}`, `http://${url.host}`];
  const config = c.get('deps').config;
  if (config.trustProxy) {
    const proto = c.req.header('x-forwarded-proto');
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
    if (proto && host) own.push(`${proto.split(',')[0]!.trim()}://${host}`);
  }
  if (config.publicUrl) {
    try { own.push(new URL(config.publicUrl).origin); } catch { /* not a URL: ignored */ }
  }
  return own;
}

/**
 * CORS for a form's public endpoints: a page of an allowed origin may read the definition and post; a page of any
 * other origin gets no CORS headers (the browser blocks it) and its POSTs are refused, since a plain cross-site
 * form POST would otherwise go through without CORS. `Origin: null` is what the hosted page sends (no-referrer), but
 * also what any sandboxed page can send: it passes only with the form's page token, which the hosted page carries
 * (`form_token`, from the request body: `pageToken`).
 */
function corsFor(c: Context<AppEnv>, row: Parameters<typeof originAllowed>[0] & Parameters<typeof pageTokenValid>[0], pageToken?: unknown): void {
  const origin = c.req.header('origin');
  if (origin === 'null') {
    if (!pageTokenValid(row, pageToken)) throw new AppError('forbidden', 'このページからはフォームを送信できません。フォームのページを開き直してから送信してください (form page not recognised)');
    return;
  }
  if (!originAllowed(row, origin, ownOrigins(c))) {
    throw new AppError('forbidden', 'このサイトからはフォームを送信できません (origin not allowed)');
  }
  if (origin) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin');
  }
}

const crossOriginAsset: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  // Loaded by other sites' pages (the embed snippet): readable cross-origin, cached for an hour.
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
  c.header('Cache-Control', 'public, max-age=3600');
};

async function readBody(c: Context<AppEnv>): Promise<RawSubmission> {
  const body = await readSubmission(c);
  // Read here, not by a route validator: this is the door for text the database cannot store (input-guard.ts).
  refuseUnstorableInput('json', body);
  return body;
}

async function readSubmission(c: Context<AppEnv>): Promise<RawSubmission> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/json/i.test(type)) return (await c.req.json()) as RawSubmission;
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    const body = await c.req.parseBody({ all: true });
    const out: RawSubmission = {};
    for (const [k, v] of Object.entries(body)) {
      // Files are never accepted on forms: only text survives.
      out[k] = Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? v : '';
    }
    return out;
  }
  throw new AppError('bad_request', 'Send application/json or application/x-www-form-urlencoded');
}

function meta(c: Context<AppEnv>) {
  const actor = c.get('actor');
  return { ip: actor.ip, userAgent: actor.userAgent, pageUrl: c.req.header('referer') ?? null, onSubmitted: c.get('deps').onFormSubmitted };
}

export function formRoutes(): Router {
  const app = createRouter();
  // ── management (signed in) ──
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/forms', access: 'forms:read', summary: 'List forms with submission counts', tags: ['forms'],
      request: { query: FormListQuery },
      responses: { 200: json(FormListSchema, 'Forms') } }),
    async (c) => c.json(await listForms(c.get('deps').db, c.req.valid('query')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/forms/field-catalog', access: 'forms:read', summary: 'Customer fields and custom fields a form field can fill', tags: ['forms'],
      responses: { 200: json(FormFieldCatalogSchema, 'Targets') } }),
    async (c) => c.json(await fieldCatalog(c.get('deps').db), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/forms', access: 'forms:write', summary: 'Create a form (and its data source form-<slug>)', tags: ['forms'],
      request: { body: { content: { 'application/json': { schema: FormCreate } }, required: true } },
      responses: { 201: json(FormSchema, 'Created'), 409: json(z.object({}), 'Slug taken') } }),
    async (c) => c.json(await createForm(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/forms/{id}', access: 'forms:read', summary: 'A form', tags: ['forms'],
      request: { params: IdParam }, responses: { 200: json(FormSchema, 'The form'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getForm(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/forms/{id}', access: 'forms:write', summary: 'Edit, publish or close a form', tags: ['forms'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: FormPatch } }, required: true } },
      responses: { 200: json(FormSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await updateForm(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'delete', path: '/api/v1/forms/{id}', access: 'forms:write', summary: 'Archive a form (its submissions and customers stay)', tags: ['forms'],
      request: { params: IdParam }, responses: { 204: { description: 'Archived' }, 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      await archiveForm(c.get('deps').db, c.req.valid('param').id, c.get('actor'));
      return c.body(null, 204);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/forms/{id}/submissions', access: 'forms:read', summary: 'Submissions, newest first (personal answers masked without customers:read_personal)', tags: ['forms'],
      request: { params: IdParam, query: SubmissionListQuery },
      responses: { 200: json(FormSubmissionPageSchema, 'Submissions'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await listSubmissions(c.get('deps').db, c.req.valid('param').id, c.req.valid('query'), c.get('auth')), 200),
  );

  // ── public: the form as JSON, submissions, 〒 lookup (CORS for the embed snippet) ──
  // A form's answers are short: anything bigger is not a person filling in a form.
  const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError('bad_request', '送信内容が大きすぎます (Request body too large)'); } });
  app.on('POST', ['/api/v1/public/forms/*', '/f/*'], limit);
  app.options('/api/v1/public/forms/:slug/*', preflight);
  app.options('/api/v1/public/forms/:slug', preflight);
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/public/forms/{slug}', access: 'public', summary: 'A published form for rendering (embed snippet)', tags: ['forms'],
      request: { params: SlugParam }, responses: { 200: json(PublicFormSchema, 'The form'), 404: json(z.object({}), 'No such published form') } }),
    async (c) => {
      const row = await openPublicForm(c.get('deps').db, c.req.valid('param').slug);
      corsFor(c, row);
      return c.json(toPublicForm(row), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/public/forms/{slug}/submissions', access: 'public', summary: 'Submit a form (JSON or URL-encoded); idempotent on submission_key', tags: ['forms'],
      request: { params: SlugParam, body: { content: { 'application/json': { schema: SubmissionBody }, 'application/x-www-form-urlencoded': { schema: SubmissionBody } }, required: false } },
      responses: {
        201: json(SubmissionResultSchema, 'Accepted'), 200: json(SubmissionResultSchema, 'Already accepted (same submission_key)'),
        404: json(z.object({}), 'No such published form'), 409: json(z.object({}), 'Form closed'), 429: json(z.object({}), 'Too many submissions'),
      } }),
    async (c) => {
      const db = c.get('deps').db;
      const row = await openPublicForm(db, c.req.valid('param').slug);
      const raw = await readBody(c);
      corsFor(c, row, raw[PAGE_TOKEN_FIELD]);
      const result = await submitForm(db, row, raw, meta(c));
      return c.json(result, result.duplicate ? 200 : 201);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/public/postal/{code}', access: 'public', summary: '〒 → prefecture, city and town (address autofill)', tags: ['forms'],
      request: { params: PostalParam },
      responses: { 200: json(PostalAreaSchema, 'The area'), 404: json(z.object({}), 'Unknown postal code') } }),
    (c) => {
      const area = lookupPostalArea(c.req.valid('param').code);
      if (!area) throw new AppError('not_found', '該当する住所が見つかりません (Unknown postal code)');
      // Public reference data, the same for everyone: any page may read it.
      c.header('Access-Control-Allow-Origin', '*');
      return c.json(area, 200);
    },
  );

  // ── public: scripts and the hosted page ──
  app.use('/f/form.js', crossOriginAsset);
  app.use('/f/embed.js', crossOriginAsset);
  app.use('/f/form.css', crossOriginAsset);
  for (const [p, summary] of [['/f/form.js', 'Hosted form page script (〒 autofill, checks)'], ['/f/embed.js', 'Embed snippet: <script src=".../f/embed.js" data-form="slug">']] as const) {
    app.openapi(
      secureRoute({ method: 'get', path: p, access: 'public', summary, tags: ['forms'], responses: { 200: { content: { 'text/javascript': { schema: z.string() } }, description: 'Script' } } }),
      (c) => c.body(CLIENT_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
    );
  }
  app.openapi(
    secureRoute({ method: 'get', path: '/f/form.css', access: 'public', summary: 'Form styles', tags: ['forms'], responses: { 200: { content: { 'text/css': { schema: z.string() } }, description: 'Styles' } } }),
    (c) => c.body(FORMS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/f/{slug}', access: 'public', summary: 'Hosted form page (works without JavaScript)', tags: ['forms'],
      request: { params: SlugParam }, responses: { 200: { content: { 'text/html': { schema: z.string() } }, description: 'The form' }, 404: { content: { 'text/html': { schema: z.string() } }, description: 'No such form' } } }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      const page = await hostedPage(c, c.req.valid('param').slug);
      if (typeof page === 'object') return c.html(page.html, page.status as 404);
      return c.html(page, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/f/{slug}', access: 'public', summary: 'Hosted form submission (URL-encoded): thanks page, redirect, or the form with messages', tags: ['forms'],
      request: { params: SlugParam, body: { content: { 'application/x-www-form-urlencoded': { schema: SubmissionBody } }, required: false } },
      responses: {
        200: { content: { 'text/html': { schema: z.string() } }, description: 'Thanks page or the form with messages (400)' },
        303: { description: 'Redirect to the form’s thank-you URL' },
      } }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      const db = c.get('deps').db;
      const slug = c.req.valid('param').slug;
      let row;
      let raw: RawSubmission;
      try {
        row = await openPublicForm(db, slug);
        raw = await readBody(c);
        corsFor(c, row, raw[PAGE_TOKEN_FIELD]);
      } catch (error) {
        if (error instanceof AppError) return c.html(renderMessagePage('フォーム', error.message), error.status as 404);
        throw error;
      }
      const form = toPublicForm(row);
      try {
        const result = await submitForm(db, row, raw, meta(c));
        if (result.redirectUrl) return c.redirect(result.redirectUrl, 303);
        return c.html(renderThanksPage(form, result.message), 200);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'validation_failed') {
          const key = typeof raw.submission_key === 'string' && /^[A-Za-z0-9_-]{8,100}$/.test(raw.submission_key) ? raw.submission_key : randomUUID();
          return c.html(renderFormPage(form, slug, { values: raw, errors: error.fieldErrors, submissionKey: key, pageToken: row.page_token, consentChecked: isConsentGiven(raw.consent) }), 400);
        }
        for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
        return c.html(renderMessagePage(form.title, error.message), error.status as 409);
      }
    },
  );
  return app;
}

async function hostedPage(c: Context<AppEnv>, slug: string): Promise<string | { html: string; status: number }> {
  const row = await repo.findFormBySlug(c.get('deps').db, slug);
  if (!row || row.status === 'draft') return { html: renderMessagePage('フォーム', 'フォームが見つかりません。URLをご確認ください。'), status: 404 };
  const form = toPublicForm(row);
  try {
    assertAccepting(row);
  } catch (error) {
    if (error instanceof AppError) return { html: renderMessagePage(form.title, 'このフォームの受付は終了しました。'), status: 200 };
    throw error;
  }
  // A fresh key per page view: submitting this page twice (double click, back + resubmit) is one submission.
  // A link from a tracked website may carry the visitor id (?vid=…), so the visitor becomes known on submission.
  const vid = c.req.query('vid');
  return renderFormPage(form, slug, { submissionKey: randomUUID(), pageToken: row.page_token, values: vid && VISITOR_ID.test(vid) ? { visitor_id: vid } : {} });
}

const preflight: MiddlewareHandler<AppEnv> = async (c) => {
  const slug = c.req.param('slug') ?? '';
  const row = /^[a-z0-9][a-z0-9-]{1,62}$/.test(slug) ? await repo.findFormBySlug(c.get('deps').db, slug) : undefined;
  const origin = c.req.header('origin');
  if (!row || row.status === 'draft' || !origin || !originAllowed(row, origin, ownOrigins(c))) return c.body(null, 403);
  return c.body(null, 204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST',
    'Access-Control-Allow-Headers': 'content-type, accept',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  });
};
