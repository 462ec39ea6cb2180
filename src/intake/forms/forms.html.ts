import { PREFECTURES } from '../../domain/normalize/prefectures.ts';
import { HONEYPOT_FIELD } from '../../domain/forms/definition.ts';
import type { SubmissionError } from '../../domain/forms/validate.ts';
import type { PublicForm } from './forms.service.ts';

/**
 * The hosted form page (/f/<slug>): server-rendered HTML that works without JavaScript (a plain POST back to the
 * same address), with no inline script or style so it runs under a strict CSP. /f/form.js adds 〒 autofill and
 * checks as you type; the embed script builds the same markup (same names, classes and data-testid) in other pages.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/gu, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const e = escapeHtml;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${e(title)}</title><link rel="stylesheet" href="/f/form.css"></head>
<body class="daicho-form-page"><main class="daicho-form-main">${body}</main><script src="/f/form.js" defer></script></body></html>`;
}

/** The hidden field that carries a form's page token (forms.page_token): the hosted page posts with `Origin: null`. */
export const PAGE_TOKEN_FIELD = 'form_token';

export interface RenderState {
  values?: Record<string, unknown>;
  errors?: SubmissionError[];
  submissionKey: string;
  /** The form's page token, sent back with the post so the server knows its own page (see PAGE_TOKEN_FIELD). */
  pageToken: string;
  consentChecked?: boolean;
  message?: string | null;
}

function str(v: unknown): string {
  if (Array.isArray(v)) return str(v[v.length - 1]);
  return typeof v === 'string' ? v : '';
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : typeof v === 'string' ? [v] : [];
}

export function renderFormPage(form: PublicForm, slug: string, state: RenderState): string {
  const errors = new Map<string, string>();
  for (const err of state.errors ?? []) if (!errors.has(err.field)) errors.set(err.field, err.message);
  const values = state.values ?? {};
  const errorFor = (key: string) => {
    const message = errors.get(key);
    return message ? `<p class="daicho-error" id="err-${e(key)}" data-testid="form-error-${e(key)}" role="alert">${e(message)}</p>` : `<p class="daicho-error" id="err-${e(key)}" data-testid="form-error-${e(key)}" hidden></p>`;
  };
  const rows = form.fields.map((f) => {
    const id = `f-${f.key}`;
    const req = f.required ? ' required aria-required="true"' : '';
    const invalid = errors.has(f.key) ? ' aria-invalid="true"' : '';
    const describedBy = ` aria-describedby="err-${e(f.key)}${f.helpText ? ` help-${e(f.key)}` : ''}"`;
    const common = `id="${id}" name="${e(f.key)}" data-testid="form-field-${e(f.key)}" data-type="${f.type}"${req}${invalid}${describedBy}`;
    const placeholder = f.placeholder ? ` placeholder="${e(f.placeholder)}"` : '';
    const v = str(values[f.key]);
    let input: string;
    switch (f.type) {
      case 'textarea':
        input = `<textarea ${common} rows="5" maxlength="4000"${placeholder}>${e(v)}</textarea>`;
        break;
      case 'prefecture':
        input = `<select ${common} autocomplete="address-level1"><option value="">選択してください</option>${PREFECTURES.map((p) => `<option${p === v ? ' selected' : ''}>${p}</option>`).join('')}</select>`;
        break;
      case 'select':
        input = `<select ${common}><option value="">選択してください</option>${f.options.map((o) => `<option value="${e(o)}"${o === v ? ' selected' : ''}>${e(o)}</option>`).join('')}</select>`;
        break;
      case 'radio':
      case 'checkbox': {
        const chosen = f.type === 'checkbox' ? list(values[f.key]) : [v];
        input = `<div class="daicho-choices" role="group" aria-labelledby="label-${e(f.key)}"${describedBy}>${f.options.map((o, i) =>
          `<label class="daicho-choice"><input type="${f.type}" name="${e(f.key)}" value="${e(o)}" data-testid="form-field-${e(f.key)}-${i}"${chosen.includes(o) ? ' checked' : ''}${f.type === 'radio' && f.required ? ' required' : ''}> ${e(o)}</label>`).join('')}</div>`;
        break;
      }
      default: {
        const attrs: Record<string, string> = {
          text: `type="text" maxlength="200"${autocomplete(f.target)}`,
          email: 'type="email" inputmode="email" autocomplete="email" maxlength="254"',
          tel: 'type="tel" inputmode="tel" autocomplete="tel" maxlength="30"',
          postal_code: 'type="text" inputmode="numeric" autocomplete="postal-code" maxlength="10" data-postal="1"',
          kana: 'type="text" maxlength="200" data-kana="1"',
          date: 'type="date"',
        };
        input = `<input ${attrs[f.type] ?? 'type="text"'} ${common} value="${e(v)}"${placeholder}>`;
      }
    }
    const labelTag = f.type === 'radio' || f.type === 'checkbox' ? `<span class="daicho-label" id="label-${e(f.key)}">` : `<label class="daicho-label" id="label-${e(f.key)}" for="${id}">`;
    const labelEnd = f.type === 'radio' || f.type === 'checkbox' ? '</span>' : '</label>';
    return `<div class="daicho-row" data-key="${e(f.key)}" data-target="${e(f.target)}"${f.required ? ' data-required="1"' : ''}>${labelTag}${e(f.labelJa)}${f.required ? '<span class="daicho-required">必須</span>' : '<span class="daicho-optional">任意</span>'}${labelEnd}
${input}${f.helpText ? `<p class="daicho-help" id="help-${e(f.key)}">${e(f.helpText)}</p>` : ''}${errorFor(f.key)}</div>`;
  }).join('\n');
  const consent = form.consent ? `<div class="daicho-row daicho-consent"><div class="daicho-consent-text" data-testid="form-consent-text">${e(form.consent.text).replace(/\n/gu, '<br>')}</div>
<label class="daicho-choice"><input type="checkbox" name="consent" value="on" data-testid="form-consent"${state.consentChecked ? ' checked' : ''}${form.consent.required ? ' required' : ''}> 上記に同意する${form.consent.required ? '<span class="daicho-required">必須</span>' : ''}</label>${errorFor('consent')}</div>` : '';
  const summary = (state.errors?.length ?? 0) > 0 ? `<div class="daicho-summary" role="alert" data-testid="form-error-summary">入力内容を確認してください (${state.errors!.length}件)</div>` : '';
  const body = `<h1 class="daicho-title">${e(form.title)}</h1>${form.description ? `<p class="daicho-description">${e(form.description).replace(/\n/gu, '<br>')}</p>` : ''}
${state.message ? `<div class="daicho-summary" role="alert">${e(state.message)}</div>` : ''}${summary}
<form class="daicho-form" method="post" action="/f/${e(slug)}" data-daicho-form="${e(slug)}" data-testid="daicho-form" novalidate accept-charset="utf-8">
<input type="hidden" name="submission_key" value="${e(state.submissionKey)}">
<input type="hidden" name="${PAGE_TOKEN_FIELD}" value="${e(state.pageToken)}">
<input type="hidden" name="visitor_id" value="${e(str(values.visitor_id))}">
<div class="daicho-hp" aria-hidden="true"><label>ホームページ<input type="text" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off" value=""></label></div>
${rows}
${consent}
<div class="daicho-actions"><button type="submit" class="daicho-submit" data-testid="form-submit">送信する</button></div>
</form>`;
  return page(form.title, body);
}

function autocomplete(target: string): string {
  const map: Record<string, string> = {
    full_name: 'name', family_name: 'family-name', given_name: 'given-name', company_name: 'organization',
    title: 'organization-title', address: 'street-address',
  };
  return map[target] ? ` autocomplete="${map[target]}"` : '';
}

export function renderThanksPage(form: PublicForm, message: string): string {
  return page(form.title, `<h1 class="daicho-title">${e(form.title)}</h1><div class="daicho-thanks" data-testid="form-thanks" role="status">${e(message).replace(/\n/gu, '<br>')}</div>`);
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1 class="daicho-title">${e(title)}</h1><p class="daicho-description" data-testid="form-unavailable">${e(message)}</p>`);
}
