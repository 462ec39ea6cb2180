/**
 * A campaign e-mail for one recipient: the checked content (subject, text, HTML, behaviour blocks), its link table,
 * the rendering with tracked links and open pixel, and the footer 特定電子メール法 requires of every marketing mail.
 */
import { escapeHtml, unescapeHref } from './html.ts';
import { parseTemplate, render, type RenderContext, type TemplateError, type Token } from './template.ts';

export type BlockWhen =
  | { type: 'viewed_url'; pattern: string; days: number }
  | { type: 'bought_category'; category: string; days: number }
  | { type: 'always' };

export interface Block { key: string; when: BlockWhen; text: string; html?: string | null | undefined }

export interface CampaignContent {
  subject: string;
  bodyText: string;
  bodyHtml: string | null;
  blocks: readonly Block[];
}

/** The sender identity the law asks for (messaging_settings). */
export interface Sender {
  senderName: string;
  senderAddress: string;
  senderContact: string;
  fromEmail: string;
  replyTo: string | null;
}

export interface CompiledContent {
  subject: Token[];
  text: Token[];
  html: Token[] | null;
  blocks: ReadonlyMap<string, { block: Block; text: Token[]; html: Token[] }>;
  /** Every http(s) link of the content, in order, each once: /c/<token>/<n> redirects to links[n]. */
  links: string[];
}

const TEXT_URL = /https?:\/\/[^\s<>"'{}\u3000-\uffff]+/gu;
const TRAILING = /[.,;:!?)\]]+$/u;
const HREF = /(\bhref\s*=\s*)(["'])(https?:\/\/[^"']*)\2/giu;
const OPEN_HREF = /\bhref\s*=\s*["']https?:\/\/[^"']*$/iu;

/** The http(s) links of a piece of template text: bare URLs in text, href attributes in HTML. */
export function linksIn(text: string, mode: 'text' | 'html'): string[] {
  if (mode === 'html') return [...text.matchAll(HREF)].map((m) => unescapeHref(m[3]!));
  return [...text.matchAll(TEXT_URL)].map((m) => m[0].replace(TRAILING, ''));
}

function rewrite(text: string, mode: 'text' | 'html', url: (link: string) => string): string {
  if (mode === 'html') return text.replace(HREF, (_, head: string, q: string, link: string) => `${head}${q}${escapeHtml(url(unescapeHref(link)))}${q}`);
  return text.replace(TEXT_URL, (m) => {
    const link = m.replace(TRAILING, '');
    return url(link) + m.slice(link.length);
  });
}

/** Checks and parses the whole content; errors name their JSON path (subject, bodyText, bodyHtml, blocks.0.text, …). */
export function compileContent(content: CampaignContent): { compiled: CompiledContent; errors: TemplateError[] } {
  const errors: TemplateError[] = [];
  const parse = (template: string, where: string, mode: 'text' | 'html', allowBlocks: boolean): Token[] => {
    const p = parseTemplate(template, where);
    errors.push(...p.errors);
    p.tokens.forEach((t, i) => {
      if (!allowBlocks && (t.type === 'block' || t.type === 'recommendations')) errors.push({ field: where, message: 'ブロックの中に別のブロックやおすすめ商品は置けません' });
      const next = p.tokens[i + 1];
      if (t.type === 'text' && next && next.type !== 'text') {
        const open = mode === 'html' ? OPEN_HREF.test(t.value) : /https?:\/\/[^\s<>"'{}\u3000-\uffff]*$/u.test(t.value);
        if (open) errors.push({ field: where, message: 'リンクのURLの中に差し込み項目は使えません（リンクは計測用URLに置き換わります）' });
      }
    });
    return p.tokens;
  };
  if (/[\r\n]/u.test(content.subject)) errors.push({ field: 'subject', message: '件名に改行は使えません' });
  if (content.subject.trim() === '') errors.push({ field: 'subject', message: '件名を入力してください' });
  if (content.bodyText.trim() === '') errors.push({ field: 'bodyText', message: 'テキスト本文を入力してください' });
  const subject = parse(content.subject, 'subject', 'text', false);
  const text = parse(content.bodyText, 'bodyText', 'text', true);
  const html = content.bodyHtml === null || content.bodyHtml.trim() === '' ? null : parse(content.bodyHtml, 'bodyHtml', 'html', true);
  const blocks = new Map<string, { block: Block; text: Token[]; html: Token[] }>();
  content.blocks.forEach((block, i) => {
    if (blocks.has(block.key)) errors.push({ field: `blocks.${i}.key`, message: `ブロック名「${block.key}」が重複しています` });
    blocks.set(block.key, {
      block,
      text: parse(block.text, `blocks.${i}.text`, 'text', false),
      html: parse(block.html ?? '', `blocks.${i}.html`, 'html', false),
    });
  });
  const used = new Set<string>();
  for (const [tokens, where] of [[text, 'bodyText'], [html ?? [], 'bodyHtml']] as const) {
    for (const t of tokens) {
      if (t.type !== 'block') continue;
      used.add(t.key);
      if (!blocks.has(t.key)) errors.push({ field: where, message: `ブロック「{{block:${t.key}}}」は定義されていません` });
    }
  }
  const links: string[] = [];
  const add = (tokens: readonly Token[], mode: 'text' | 'html') => {
    for (const t of tokens) if (t.type === 'text') for (const l of linksIn(t.value, mode)) if (!links.includes(l)) links.push(l);
  };
  add(html ?? [], 'html');
  add(text, 'text');
  for (const b of blocks.values()) {
    add(b.html, 'html');
    add(b.text, 'text');
  }
  return { compiled: { subject, text, html, blocks, links }, errors };
}

/** The link table of stored content: what /c/<token>/<n> redirects to (never a URL taken from the request). */
export function contentLinks(content: CampaignContent): string[] {
  return compileContent(content).compiled.links;
}

/** What the sender settings lack for a lawful marketing mail (特定電子メール法), as field errors. */
export function checkSender(sender: Sender): TemplateError[] {
  const errors: TemplateError[] = [];
  if (!sender.senderName.trim()) errors.push({ field: 'senderName', message: '送信者の氏名または名称が設定されていません（配信設定）' });
  if (!sender.senderAddress.trim()) errors.push({ field: 'senderAddress', message: '送信者の住所が設定されていません（配信設定）' });
  if (!sender.senderContact.trim()) errors.push({ field: 'senderContact', message: '苦情・問い合わせ先が設定されていません（配信設定）' });
  if (!sender.fromEmail.trim()) errors.push({ field: 'fromEmail', message: '送信元メールアドレスが設定されていません（配信設定）' });
  return errors;
}

export interface RenderOptions {
  /** Where link n goes in this message (a tracked URL), or the link itself (previews, test sends). */
  linkUrl: (n: number, link: string) => string;
  openPixelUrl: string | null;
  unsubscribeUrl: string;
  sender: Sender;
  /** Blocks shown to this recipient (their `when` held). */
  shownBlocks: ReadonlySet<string>;
}

export interface RenderedMessage { subject: string; text: string; html: string | null }

/** One recipient's message: merged fields, their blocks, tracked links, the open pixel and the law footer. */
export function renderMessage(compiled: CompiledContent, ctx: Omit<RenderContext, 'blocks'>, options: RenderOptions): RenderedMessage {
  const index = new Map(compiled.links.map((l, i) => [l, i]));
  const track = (link: string) => {
    const n = index.get(link);
    return n === undefined ? link : options.linkUrl(n, link);
  };
  const blocks = new Map<string, { text: string; html: string }>();
  const base: RenderContext = { ...ctx, blocks: new Map() };
  for (const [key, b] of compiled.blocks) {
    if (!options.shownBlocks.has(key)) continue;
    blocks.set(key, {
      text: render(b.text, base, 'text', (s) => rewrite(s, 'text', track)),
      // A block without HTML shows its text: escaped, links tracked, lines kept.
      html: b.html.length ? render(b.html, base, 'html', (s) => rewrite(s, 'html', track))
        : render(b.text, base, 'html', (s) => escapeHtml(rewrite(s, 'text', track))).replace(/\n/gu, '<br>'),
    });
  }
  const full: RenderContext = { ...ctx, blocks };
  const subject = render(compiled.subject, full, 'text').replace(/\s+/gu, ' ').trim();
  const text = `${render(compiled.text, full, 'text', (s) => rewrite(s, 'text', track)).trimEnd()}\n\n${footerText(options.sender, options.unsubscribeUrl)}`;
  let html: string | null = null;
  if (compiled.html) {
    html = render(compiled.html, full, 'html', (s) => rewrite(s, 'html', track));
    html = beforeBodyEnd(html, footerHtml(options.sender, options.unsubscribeUrl)
      + (options.openPixelUrl ? `<img src="${escapeHtml(options.openPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">` : ''));
  }
  return { subject, text, html };
}

function beforeBodyEnd(html: string, insert: string): string {
  const at = html.toLowerCase().lastIndexOf('</body>');
  return at < 0 ? `${html}\n${insert}` : `${html.slice(0, at)}${insert}\n${html.slice(at)}`;
}

/** The footer of the text part: sender, address, contact and the unsubscribe URL. */
export function footerText(sender: Sender, unsubscribeUrl: string): string {
  return [
    '────────────────────',
    `送信者: ${sender.senderName}`,
    `所在地: ${sender.senderAddress}`,
    `お問い合わせ: ${sender.senderContact}`,
    `配信停止: ${unsubscribeUrl}`,
    '（このメールの配信を停止するには上記URLを開いてください）',
  ].join('\n');
}

export function footerHtml(sender: Sender, unsubscribeUrl: string): string {
  const e = escapeHtml;
  return `<hr style="margin-top:2em"><p style="font-size:12px;color:#555;line-height:1.6">`
    + `送信者: ${e(sender.senderName)}<br>所在地: ${e(sender.senderAddress)}<br>お問い合わせ: ${e(sender.senderContact)}<br>`
    + `配信停止: <a href="${e(unsubscribeUrl)}">${e(unsubscribeUrl)}</a></p>`;
}

/** The VERP return path of a message: bounce+<token>@<the From address's domain>. */
export function verpAddress(token: string, fromEmail: string): string {
  const at = fromEmail.lastIndexOf('@');
  return `bounce+${token}@${at < 0 ? 'localhost' : fromEmail.slice(at + 1)}`;
}

/** The message token a return path names (bounce+<token>@…), or null. */
export function tokenOfVerp(address: string): string | null {
  const m = /^bounce\+([A-Za-z0-9_-]{8,128})@/iu.exec(address.trim());
  return m ? m[1]! : null;
}

/** Glob of a viewed_url block (`/pricing*`: a path prefix; a full URL compares with the URL) → a LIKE pattern. */
export function urlGlobToLike(pattern: string, escapeLike: (s: string) => string): { column: 'path' | 'url'; like: string } {
  const column = pattern.startsWith('/') ? 'path' : 'url';
  if (!pattern.includes('*')) return { column, like: column === 'path' ? escapeLike(pattern) : `%${escapeLike(pattern)}%` };
  return { column, like: pattern.split('*').map(escapeLike).join('%') };
}
