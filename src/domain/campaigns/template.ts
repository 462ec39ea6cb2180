/**
 * A campaign's text: merge fields (差し込み項目) and behaviour blocks in the subject, the text body and the HTML body.
 * Pure: the caller loads what a recipient's fields, blocks and recommendations are; this file parses, checks and renders.
 *
 *   {{姓}} {{名}} {{氏名}} {{会社名}} {{部署}} {{役職}} {{担当者}} {{宛名}}   a field; {{姓|お客}}: a fallback when empty
 *   {{block:key}}                                                       a block shown by behaviour (campaigns.blocks)
 *   {{おすすめ商品}}                                                     the customer's top cross-sell candidates
 */
import { escapeHtml } from './html.ts';

export const MERGE_FIELDS = ['姓', '名', '氏名', '会社名', '部署', '役職', '担当者', '宛名'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export const RECOMMENDATIONS_FIELD = 'おすすめ商品';

export type Token =
  | { type: 'text'; value: string }
  | { type: 'field'; name: MergeField; fallback: string | null }
  | { type: 'block'; key: string }
  | { type: 'recommendations' };

export interface TemplateError { field: string; message: string }

/** What a recipient's fields are made of (the golden record, the company's name, the owner's display name). */
export interface Recipient {
  kind: 'person' | 'organization';
  familyName: string | null;
  givenName: string | null;
  companyName: string | null;
  department: string | null;
  title: string | null;
  ownerName: string | null;
}

export interface Recommendation { name: string; reason: string }

/** What one recipient sees: their fields, the blocks shown to them (key → text/html) and their recommendations. */
export interface RenderContext {
  recipient: Recipient;
  blocks: ReadonlyMap<string, { text: string; html: string }>;
  recommendations: readonly Recommendation[];
}

const TAG = /\{\{([^{}]*)\}\}/gu;
const BLOCK_KEY = /^[A-Za-z0-9_-]{1,40}$/u;

/** The template as tokens, and the problems in it (unknown fields, malformed tags), each with `where` as its field. */
export function parseTemplate(template: string, where: string): { tokens: Token[]; errors: TemplateError[] } {
  const tokens: Token[] = [];
  const errors: TemplateError[] = [];
  let last = 0;
  for (const m of template.matchAll(TAG)) {
    if (m.index > last) tokens.push({ type: 'text', value: template.slice(last, m.index) });
    last = m.index + m[0].length;
    const inner = m[1]!.trim();
    if (inner.startsWith('block:')) {
      const key = inner.slice(6).trim();
      if (!BLOCK_KEY.test(key)) errors.push({ field: where, message: `ブロック名「${key}」が正しくありません（英数字・_・- で40文字まで）` });
      else tokens.push({ type: 'block', key });
      continue;
    }
    if (inner === RECOMMENDATIONS_FIELD) {
      tokens.push({ type: 'recommendations' });
      continue;
    }
    const bar = inner.indexOf('|');
    const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    const fallback = bar < 0 ? null : inner.slice(bar + 1).trim();
    if (!(MERGE_FIELDS as readonly string[]).includes(name)) {
      errors.push({ field: where, message: `不明な差し込み項目「{{${inner}}}」があります。使える項目: ${[...MERGE_FIELDS, RECOMMENDATIONS_FIELD].map((f) => `{{${f}}}`).join(' ')}` });
      continue;
    }
    tokens.push({ type: 'field', name: name as MergeField, fallback });
  }
  if (last < template.length) tokens.push({ type: 'text', value: template.slice(last) });
  for (const t of tokens) {
    if (t.type === 'text' && (t.value.includes('{{') || t.value.includes('}}'))) {
      errors.push({ field: where, message: '「{{」と「}}」の対応が取れていない差し込みがあります' });
      break;
    }
  }
  return { tokens, errors };
}

const join = (...parts: Array<string | null>) => parts.map((p) => p?.trim() ?? '').filter((p) => p !== '').join(' ');

/** A field's value for a recipient ('' when empty). */
export function fieldValue(name: MergeField, r: Recipient): string {
  switch (name) {
    case '姓': return r.familyName?.trim() ?? '';
    case '名': return r.givenName?.trim() ?? '';
    case '氏名': return join(r.familyName, r.givenName);
    case '会社名': return r.companyName?.trim() ?? '';
    case '部署': return r.department?.trim() ?? '';
    case '役職': return r.title?.trim() ?? '';
    case '担当者': return r.ownerName?.trim() ?? '';
    case '宛名': return addressee(r);
  }
}

/**
 * 宛名: 「会社名 部署 氏名 様」 for a person with a company, 「姓 名 様」 otherwise, 「会社名 御中」 for an organization;
 * '' when there is no name to address (the template's fallback, or 「お客様」, is used then).
 */
export function addressee(r: Recipient): string {
  if (r.kind === 'organization') return r.companyName?.trim() ? `${r.companyName.trim()} 御中` : '';
  const name = join(r.familyName, r.givenName);
  if (r.companyName?.trim()) return name ? `${join(r.companyName, r.department, name)} 様` : `${r.companyName.trim()} 御中`;
  return name ? `${name} 様` : '';
}

export type Mode = 'text' | 'html';

/**
 * Renders tokens for one recipient. `text` maps each piece of the template's own text (never a merged value, so a
 * customer's data can never become a link) — the link rewriter. Values are HTML-escaped in HTML.
 */
export function render(tokens: readonly Token[], ctx: RenderContext, mode: Mode, text: (s: string) => string = (s) => s): string {
  const esc = mode === 'html' ? escapeHtml : (s: string) => s;
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'text': out += text(t.value); break;
      case 'field': {
        const value = fieldValue(t.name, ctx.recipient);
        out += esc(value !== '' ? value : t.fallback ?? (t.name === '宛名' ? 'お客様' : ''));
        break;
      }
      case 'block': {
        const block = ctx.blocks.get(t.key);
        if (block) out += mode === 'html' ? block.html : block.text;
        break;
      }
      case 'recommendations': out += recommendations(ctx.recommendations, mode); break;
    }
  }
  return out;
}

function recommendations(items: readonly Recommendation[], mode: Mode): string {
  if (items.length === 0) return '';
  if (mode === 'text') return items.map((r) => `・${r.name}（${r.reason}）`).join('\n');
  return `<ul>${items.map((r) => `<li><strong>${escapeHtml(r.name)}</strong> — ${escapeHtml(r.reason)}</li>`).join('')}</ul>`;
}
