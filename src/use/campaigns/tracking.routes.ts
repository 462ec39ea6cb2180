import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../core/errors.ts';
import { createRouter, secureRoute, type Router } from '../../core/route.ts';
import { escapeHtml } from '../../domain/campaigns/html.ts';
import { recordClick, recordOpen, unsubscribe, unsubscribeView, type UnsubscribeView } from './tracking.service.ts';

/**
 * The public side of campaign e-mails (no sign-in; the message token is the credential): the open pixel, tracked
 * links, and the unsubscribe page (Japanese, no JavaScript) with its form post and RFC 8058 one-click POST.
 */
const TOKEN = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/u);
const html = (description: string) => ({ content: { 'text/html': { schema: z.string() } }, description });

/** A 1×1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function trackingRoutes(): Router {
  const app = createRouter();
  // An unsubscribe post is one field at most (RFC 8058's List-Unsubscribe=One-Click).
  app.on('POST', '/u/*', bodyLimit({ maxSize: 4096, onError: () => { throw new AppError('bad_request', '送信内容が大きすぎます (Request body too large)'); } }));
  app.openapi(
    secureRoute({ method: 'get', path: '/o/{pixel}', access: 'public', tags: ['campaigns'], summary: 'Open pixel of a campaign e-mail (/o/<token>.gif): records the first open',
      request: { params: z.object({ pixel: z.string().max(140) }) },
      responses: { 200: { content: { 'image/gif': { schema: z.string() } }, description: 'A 1×1 GIF (also for an unknown token)' } } }),
    async (c) => {
      const m = /^([A-Za-z0-9_-]{8,128})\.gif$/u.exec(c.req.valid('param').pixel);
      if (m) await recordOpen(c.get('deps').db, m[1]!);
      return c.body(new Uint8Array(PIXEL), 200, { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, private' });
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/c/{token}/{n}', access: 'public', tags: ['campaigns'],
      summary: 'Tracked link: 302 to link n of the campaign\'s stored content (never a URL from the request); records the click',
      request: { params: z.object({ token: z.string().max(140), n: z.string().max(6) }) },
      responses: { 302: { description: 'To the link' }, 404: html('Unknown link') } }),
    async (c) => {
      const { token, n } = c.req.valid('param');
      const index = /^\d{1,5}$/u.test(n) ? Number(n) : -1;
      const target = TOKEN.safeParse(token).success && index >= 0 ? await recordClick(c.get('deps').db, token, index) : null;
      c.header('Cache-Control', 'no-store, private');
      c.header('Referrer-Policy', 'no-referrer');
      if (!target) return c.html(page('リンクが見つかりません', '<p>このリンクは無効か、期限が切れています。</p>'), 404);
      return c.redirect(target, 302);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/u/{token}', access: 'public', tags: ['campaigns'],
      summary: 'Unsubscribe page (Japanese, works without JavaScript): what it stops and a button that posts the form',
      request: { params: z.object({ token: z.string().max(140) }) }, responses: { 200: html('The page'), 404: html('Unknown link') } }),
    async (c) => {
      const token = c.req.valid('param').token;
      const view = TOKEN.safeParse(token).success ? await unsubscribeView(c.get('deps').db, token) : null;
      c.header('Cache-Control', 'no-store, private');
      c.header('Referrer-Policy', 'no-referrer');
      if (!view) return c.html(unknownPage(), 404);
      return c.html(view.unsubscribed ? donePage(view) : confirmPage(view, token), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/u/{token}', access: 'public', tags: ['campaigns'],
      summary: 'Unsubscribe: the page\'s form or RFC 8058 one-click (List-Unsubscribe=One-Click); idempotent; withdraws e-mail consent for every campaign',
      request: { params: z.object({ token: z.string().max(140) }) }, responses: { 200: html('Unsubscribed'), 404: html('Unknown link') } }),
    async (c) => {
      const token = c.req.valid('param').token;
      const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
      const how = form['List-Unsubscribe'] === 'One-Click' ? 'one_click' : 'page';
      const view = TOKEN.safeParse(token).success ? await unsubscribe(c.get('deps').db, token, how) : null;
      c.header('Cache-Control', 'no-store, private');
      if (!view) return c.html(unknownPage(), 404);
      return c.html(donePage(view), 200);
    },
  );
  return app;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>`
    + `<style>body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.7;color:#222}`
    + `button{font-size:1em;padding:.6em 1.4em;border:0;border-radius:4px;background:#b3261e;color:#fff;cursor:pointer}.muted{color:#666;font-size:.9em}</style>`
    + `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const maskedAddress = (a: string | null) => {
  if (!a) return '';
  const at = a.indexOf('@');
  return at > 1 ? `${a[0]}${'＊'.repeat(Math.min(at - 1, 6))}${a.slice(at)}` : a;
};

function confirmPage(v: UnsubscribeView, token: string): string {
  return page('メール配信の停止', `<p>${v.address ? `<strong>${escapeHtml(maskedAddress(v.address))}</strong> への` : ''}`
    + `お知らせ・ご案内メール（「${escapeHtml(v.campaignName)}」を含む、すべてのメールマガジンとキャンペーンのメール）の配信を停止します。</p>`
    + `<p class="muted">ご注文・お問い合わせへの返信など、お取引に必要なご連絡は停止後も届きます。</p>`
    + `<form method="post" action="/u/${escapeHtml(token)}"><button type="submit" data-testid="unsubscribe">配信を停止する</button></form>`);
}

function donePage(v: UnsubscribeView): string {
  return page('配信を停止しました', `<p data-testid="unsubscribed">${v.address ? `${escapeHtml(maskedAddress(v.address))} への` : ''}`
    + 'お知らせ・ご案内メールの配信を停止しました。今後、キャンペーンのメールはお送りしません。</p>'
    + '<p class="muted">反映までに、すでに送信処理中のメールが届く場合があります。再び受け取りたい場合は、お問い合わせ窓口までご連絡ください。</p>');
}

function unknownPage(): string {
  return page('ページが見つかりません', '<p>この配信停止リンクは無効です。メールに記載のリンクをもう一度お確かめください。</p>');
}
