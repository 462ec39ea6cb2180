/**
 * What a form is made of, and the rules a form definition must satisfy before it is saved (pure, no I/O).
 * A field says where its answer goes: a customer field (the import field names of src/domain/import/profile.ts,
 * so a submission runs through the same mapping and identity resolution as a file import) or a custom attribute
 * (`custom.<name>`, kept on the customer like an unmapped import column).
 */
import { IMPORT_FIELDS, type ImportField } from '../import/profile.ts';

export const FORM_KINDS = ['brochure_request', 'event_registration', 'contact', 'other'] as const;
export type FormKind = (typeof FORM_KINDS)[number];
export const FORM_KIND_LABELS: Readonly<Record<FormKind, string>> = {
  brochure_request: '資料請求',
  event_registration: 'イベント申込',
  contact: 'お問い合わせ',
  other: 'その他',
};

export const FORM_STATUSES = ['draft', 'published', 'closed'] as const;
export type FormStatus = (typeof FORM_STATUSES)[number];

export const FIELD_TYPES = ['text', 'textarea', 'email', 'tel', 'postal_code', 'prefecture', 'kana', 'date', 'select', 'radio', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const CUSTOM_TARGET_PREFIX = 'custom.';

export interface FormField {
  /** The input's name in the HTML form and the key of its answer: [a-z][a-z0-9_]*. */
  key: string;
  /** An import field name (email, full_name_kana, …) or `custom.<name>`. */
  target: string;
  labelJa: string;
  labelEn?: string | null | undefined;
  type: FieldType;
  required: boolean;
  /** Choices of select / radio / checkbox. */
  options?: string[] | undefined;
  placeholder?: string | null | undefined;
  helpText?: string | null | undefined;
  /** The customer's message (お問い合わせ内容): each submission becomes an item of the voice-of-customer inbox. */
  voiceMessage?: boolean | undefined;
}

/** The honeypot input's name: a field people never see and bots fill in. No form field may use it. */
export const HONEYPOT_FIELD = 'homepage';
/** Hidden inputs the hosted page and the embed script send along with the answers. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([HONEYPOT_FIELD, 'consent', 'submission_key', 'visitor_id', 'page_url']);

/** The natural input type of each customer field (the builder proposes it; the server validates by it). */
export const DEFAULT_TYPE: Readonly<Record<ImportField, FieldType>> = {
  full_name: 'text',
  family_name: 'text',
  given_name: 'text',
  full_name_kana: 'kana',
  family_name_kana: 'kana',
  given_name_kana: 'kana',
  email: 'email',
  phone: 'tel',
  birth_date: 'date',
  gender: 'select',
  postal_code: 'postal_code',
  prefecture: 'prefecture',
  address: 'text',
  company_name: 'text',
  company_name_kana: 'kana',
  department: 'text',
  title: 'text',
  company_corporate_number: 'text',
  company_industry: 'text',
  company_employees: 'text',
  company_capital: 'text',
  company_revenue: 'text',
  company_website: 'text',
  company_phone: 'tel',
  company_address: 'text',
};

/** Labels the builder proposes for customer fields. */
export const TARGET_LABELS: Readonly<Record<ImportField, { ja: string; en: string }>> = {
  full_name: { ja: 'お名前', en: 'Name' },
  family_name: { ja: '姓', en: 'Family name' },
  given_name: { ja: '名', en: 'Given name' },
  full_name_kana: { ja: 'フリガナ', en: 'Name (kana)' },
  family_name_kana: { ja: 'セイ', en: 'Family name (kana)' },
  given_name_kana: { ja: 'メイ', en: 'Given name (kana)' },
  email: { ja: 'メールアドレス', en: 'E-mail' },
  phone: { ja: '電話番号', en: 'Phone' },
  birth_date: { ja: '生年月日', en: 'Date of birth' },
  gender: { ja: '性別', en: 'Gender' },
  postal_code: { ja: '郵便番号', en: 'Postal code' },
  prefecture: { ja: '都道府県', en: 'Prefecture' },
  address: { ja: '住所', en: 'Address' },
  company_name: { ja: '会社名', en: 'Company' },
  company_name_kana: { ja: '会社名フリガナ', en: 'Company (kana)' },
  department: { ja: '部署', en: 'Department' },
  title: { ja: '役職', en: 'Title' },
  company_corporate_number: { ja: '法人番号', en: 'Corporate number' },
  company_industry: { ja: '業種', en: 'Industry' },
  company_employees: { ja: '従業員数', en: 'Employees' },
  company_capital: { ja: '資本金', en: 'Capital' },
  company_revenue: { ja: '売上規模', en: 'Revenue' },
  company_website: { ja: 'ホームページ', en: 'Website' },
  company_phone: { ja: '代表電話', en: 'Main phone' },
  company_address: { ja: '会社住所', en: 'Company address' },
};

export const GENDER_OPTIONS = ['女性', '男性', 'その他', '回答しない'] as const;

const KEY = /^[a-z][a-z0-9_]{0,39}$/u;
const CUSTOM_NAME = /^[^\s.][^\n\r\t]{0,59}$/u;
const IMPORT_FIELD_SET: ReadonlySet<string> = new Set(IMPORT_FIELDS);

export function isCustomTarget(target: string): boolean {
  return target.startsWith(CUSTOM_TARGET_PREFIX);
}

export function isImportTarget(target: string): target is ImportField {
  return IMPORT_FIELD_SET.has(target);
}

/** Types a target accepts: a customer field keeps its natural type (text fields may also be textareas). */
function typeAllowed(target: string, type: FieldType): boolean {
  if (isCustomTarget(target)) return true;
  if (!isImportTarget(target)) return false;
  const natural = DEFAULT_TYPE[target];
  if (natural === type) return true;
  if (target === 'gender') return type === 'radio';
  if (natural === 'text') return type === 'textarea';
  if (target === 'birth_date') return type === 'text';
  return false;
}

export interface DefinitionIssue { field: string; message: string }

/**
 * Checks a form's fields and consent settings. Returns the problems in Japanese with the path they concern
 * (`fields.2.key`), empty when the definition can be saved.
 *
 * @example checkDefinition({ fields: [{ key: 'email', target: 'email', labelJa: 'メール', type: 'email', required: true }] }) // => []
 */
export function checkDefinition(input: {
  fields: FormField[];
  consentRequired?: boolean | undefined;
  consentText?: string | null | undefined;
  consentPurpose?: string | null | undefined;
  allowedOrigins?: string[] | undefined;
  redirectUrl?: string | null | undefined;
}): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const keys = new Set<string>();
  const targets = new Map<string, number>();
  input.fields.forEach((f, i) => {
    const at = `fields.${i}`;
    if (!KEY.test(f.key)) issues.push({ field: `${at}.key`, message: `項目キー「${f.key}」は半角英小文字で始まる英数字と _ (40文字まで) にしてください` });
    else if (RESERVED_KEYS.has(f.key)) issues.push({ field: `${at}.key`, message: `項目キー「${f.key}」は予約されています` });
    else if (keys.has(f.key)) issues.push({ field: `${at}.key`, message: `項目キー「${f.key}」が重複しています` });
    keys.add(f.key);
    if (isCustomTarget(f.target)) {
      const name = f.target.slice(CUSTOM_TARGET_PREFIX.length);
      if (!CUSTOM_NAME.test(name)) issues.push({ field: `${at}.target`, message: 'カスタム項目名を入力してください (60文字まで)' });
    } else if (!isImportTarget(f.target)) {
      issues.push({ field: `${at}.target`, message: `保存先「${f.target}」は顧客項目ではありません` });
    } else if (f.target !== 'address') {
      // address may be split over several inputs (市区町村・番地 / 建物名); they are joined in order.
      if (targets.has(f.target)) issues.push({ field: `${at}.target`, message: `保存先「${TARGET_LABELS[f.target].ja}」は一つの項目にしか使えません` });
      targets.set(f.target, i);
    }
    if (!(FIELD_TYPES as readonly string[]).includes(f.type)) issues.push({ field: `${at}.type`, message: `入力形式「${f.type}」は使えません` });
    else if (!typeAllowed(f.target, f.type)) issues.push({ field: `${at}.type`, message: `「${f.labelJa}」の入力形式「${f.type}」は保存先に合いません` });
    if (!f.labelJa.trim()) issues.push({ field: `${at}.labelJa`, message: '項目名 (日本語) を入力してください' });
    const choice = f.type === 'select' || f.type === 'radio' || f.type === 'checkbox';
    if (choice && f.target !== 'gender' && (!f.options || f.options.filter((o) => o.trim()).length === 0)) {
      issues.push({ field: `${at}.options`, message: `「${f.labelJa}」の選択肢を入力してください` });
    }
    if (choice && f.options && new Set(f.options).size !== f.options.length) issues.push({ field: `${at}.options`, message: `「${f.labelJa}」の選択肢が重複しています` });
    if (f.voiceMessage && f.type !== 'text' && f.type !== 'textarea') issues.push({ field: `${at}.voiceMessage`, message: `顧客の声の本文にできるのはテキスト項目だけです (「${f.labelJa}」)` });
  });
  if (input.fields.filter((f) => f.voiceMessage).length > 1) issues.push({ field: 'fields', message: '顧客の声の本文にできる項目は一つだけです (only one message field)' });
  const identifies = input.fields.some((f) => ['email', 'phone', 'full_name', 'family_name'].includes(f.target));
  if (input.fields.length > 0 && !identifies) {
    issues.push({ field: 'fields', message: 'お名前・メールアドレス・電話番号のいずれかの項目が必要です (顧客を特定するため)' });
  }
  if (input.consentRequired && !input.consentText?.trim()) issues.push({ field: 'consentText', message: '同意を必須にする場合は利用目的の文言を入力してください' });
  if (input.consentText?.trim() && !input.consentPurpose?.trim()) issues.push({ field: 'consentPurpose', message: '同意の目的 (例: marketing) を入力してください' });
  (input.allowedOrigins ?? []).forEach((o, i) => {
    if (normalizeOrigin(o) === null) issues.push({ field: `allowedOrigins.${i}`, message: `「${o}」はオリジン (https://www.example.co.jp の形) ではありません` });
  });
  if (input.redirectUrl && !/^https?:\/\/[^\s]+$/iu.test(input.redirectUrl)) issues.push({ field: 'redirectUrl', message: '送信後の移動先は http(s):// で始まる URL にしてください' });
  return issues;
}

/**
 * An origin as browsers send it in the Origin header (scheme://host[:port], lower case, no path), or null.
 *
 * @example normalizeOrigin('https://WWW.Example.co.jp/') // => 'https://www.example.co.jp'
 */
export function normalizeOrigin(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) return null;
  return url.origin;
}
