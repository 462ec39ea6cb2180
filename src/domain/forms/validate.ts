/**
 * Server-side validation of a form submission against its definition (pure, no I/O). Japanese conventions:
 * フリガナ in hiragana, katakana or half-width katakana is accepted and stored as full-width katakana; 〒 is 7 digits
 * with or without the hyphen, in any width; phones go through the normalisation library; dates may be 和暦.
 * Messages are Japanese and name the field, ready to show next to the input.
 */
import type { ImportField } from '../import/profile.ts';
import { parseBirthDate, parseDate } from '../normalize/date.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { normalizePhone } from '../normalize/phone.ts';
import { normalizePostalCode } from '../normalize/postal.ts';
import { PREFECTURES } from '../normalize/prefectures.ts';
import { nfkc, toKatakana } from '../normalize/text.ts';
import { CUSTOM_TARGET_PREFIX, GENDER_OPTIONS, HONEYPOT_FIELD, isCustomTarget, isImportTarget, type FormField } from './definition.ts';

/** What arrives from a browser: one string per input, several for checkboxes (URL-encoded or JSON). */
export type RawSubmission = Record<string, unknown>;

export interface SubmissionError { field: string; message: string }

export interface ValidatedSubmission {
  /** Per-field errors; empty when the submission can be accepted. */
  errors: SubmissionError[];
  /** Cleaned answers by field key (what the submissions list shows). */
  values: Record<string, string | string[]>;
  /** Answers that go to customer fields, in import field names (addresses split over inputs are joined). */
  fields: Partial<Record<ImportField, string>>;
  /** Answers kept as custom attributes of the customer. */
  attributes: Record<string, string>;
  consentGiven: boolean;
  /** The honeypot input was filled: a bot. */
  honeypot: boolean;
}

export const MAX_TEXT = 200;
export const MAX_TEXTAREA = 4000;

const KANA = /^[\p{Script=Katakana}ー・ 　]+$/u;
const TRUTHY = new Set(['on', 'true', '1', 'yes', 'agree', '同意する']);

function single(raw: unknown): string {
  if (Array.isArray(raw)) return single(raw[raw.length - 1]);
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return '';
}

function many(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(single).filter((v) => v.trim() !== '');
  const s = single(raw);
  return s.trim() === '' ? [] : [s];
}

export function isConsentGiven(raw: unknown): boolean {
  return TRUTHY.has(single(raw).trim().toLowerCase());
}

/** The choices a field offers (gender has built-in ones when none are configured). */
export function optionsOf(field: FormField): string[] {
  if (field.options && field.options.length > 0) return field.options;
  return field.target === 'gender' ? [...GENDER_OPTIONS] : [];
}

/**
 * @example validateSubmission({ fields: [kanaField], consentRequired: false }, { kana: 'さとう はなこ' }).values
 * // => { kana: 'サトウ ハナコ' }
 */
export function validateSubmission(form: { fields: FormField[]; consentRequired: boolean }, input: RawSubmission, options: { today?: string } = {}): ValidatedSubmission {
  const errors: SubmissionError[] = [];
  const values: Record<string, string | string[]> = {};
  const fields: Partial<Record<ImportField, string>> = {};
  const attributes: Record<string, string> = {};

  for (const field of form.fields) {
    const label = field.labelJa;
    const fail = (message: string) => errors.push({ field: field.key, message });
    let value: string | string[] | null = null;
    if (field.type === 'checkbox') {
      const chosen = many(input[field.key]).map((v) => nfkc(v));
      const allowed = optionsOf(field);
      const unknown = chosen.filter((v) => !allowed.includes(v));
      if (unknown.length) fail(`${label}の選択肢にない値が含まれています`);
      else if (chosen.length === 0) { if (field.required) fail(`${label}を選択してください`); }
      else value = [...new Set(chosen)];
    } else {
      const raw = single(input[field.key]);
      const text = field.type === 'textarea' ? raw.replace(/\r\n?/gu, '\n').trim() : nfkc(raw);
      if (text === '') {
        if (field.required) fail(field.type === 'select' || field.type === 'radio' || field.type === 'prefecture' ? `${label}を選択してください` : `${label}を入力してください`);
      } else {
        const checked = checkValue(field, text, options.today);
        if ('error' in checked) fail(checked.error);
        else value = checked.value;
      }
    }
    if (value === null) continue;
    values[field.key] = value;
    const flat = Array.isArray(value) ? value.join('、') : value;
    if (isCustomTarget(field.target)) {
      const name = field.target.slice(CUSTOM_TARGET_PREFIX.length);
      attributes[name] = attributes[name] ? `${attributes[name]} ${flat}` : flat;
    } else if (isImportTarget(field.target)) {
      const prev = fields[field.target];
      fields[field.target] = prev ? `${prev} ${flat}` : flat;
    }
  }
  const consentGiven = isConsentGiven(input.consent);
  if (form.consentRequired && !consentGiven) errors.push({ field: 'consent', message: '個人情報の取り扱いに同意してください' });
  const honeypot = single(input[HONEYPOT_FIELD]).trim() !== '';
  return { errors, values, fields, attributes, consentGiven, honeypot };
}

function checkValue(field: FormField, text: string, today: string | undefined): { value: string } | { error: string } {
  const label = field.labelJa;
  switch (field.type) {
    case 'text':
      return text.length > MAX_TEXT ? { error: `${label}は${MAX_TEXT}文字以内で入力してください` } : { value: text };
    case 'textarea':
      return text.length > MAX_TEXTAREA ? { error: `${label}は${MAX_TEXTAREA}文字以内で入力してください` } : { value: text };
    case 'email': {
      const e = normalizeEmail(text);
      return e.valid ? { value: e.value } : { error: `${label}の形式が正しくありません (例: taro@example.co.jp)` };
    }
    case 'tel': {
      const p = normalizePhone(text);
      if (p.valid && p.national) return { value: p.national };
      return { error: p.placeholder ? `${label}に実在しない番号が入力されています` : `${label}の形式が正しくありません (例: 03-1234-5678)` };
    }
    case 'postal_code': {
      const p = normalizePostalCode(text);
      if (p.valid && p.formatted) return { value: p.formatted };
      return { error: `${label}は7桁の数字で入力してください (例: 100-0001)` };
    }
    case 'prefecture': {
      const found = PREFECTURES.find((p) => p === text) ?? PREFECTURES.find((p) => p.replace(/[都府県]$/u, '') === text && p !== '北海道');
      return found ? { value: found } : { error: `${label}は都道府県名から選択してください` };
    }
    case 'kana': {
      const kana = toKatakana(text).replace(/[ 　]+/gu, ' ');
      if (!KANA.test(kana)) return { error: `${label}はカタカナまたはひらがなで入力してください` };
      return kana.length > MAX_TEXT ? { error: `${label}は${MAX_TEXT}文字以内で入力してください` } : { value: kana };
    }
    case 'date': {
      const d = field.target === 'birth_date' ? parseBirthDate(text, today ? { today } : {}) : parseDate(text);
      return d.valid ? { value: d.value } : { error: `${label}の日付が正しくありません (例: 1985-04-01 または 昭和60年4月1日)` };
    }
    case 'select':
    case 'radio':
      return optionsOf(field).includes(text) ? { value: text } : { error: `${label}は選択肢から選んでください` };
    case 'checkbox':
      return { value: text };
  }
}
