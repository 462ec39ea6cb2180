/**
 * The fields of a customer's golden record that sources make statements about.
 * Custom fields travel as `custom.<key>`.
 */
export const PROFILE_FIELDS = [
  'kind',
  'familyName',
  'givenName',
  'familyNameKana',
  'givenNameKana',
  'email',
  'phone',
  'postalCode',
  'prefecture',
  'address',
  'building',
  'birthDate',
  'gender',
  'companyName',
  'department',
  'title',
  // The company's own facts as this source states them: survivorship per field (source priority, then the latest);
  // the company record takes them from its people (src/ledger/companies/companies.service.ts resolveCompanies).
  'companyCorporateNumber',
  'companyIndustry',
  'companyEmployees',
  'companyCapital',
  'companyRevenue',
  'companyWebsite',
  'companyPhone',
  'companyAddress',
  'lifecycleStage',
  'acquisitionChannel',
  'ownerUserId',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/**
 * Fields that are parts of one fact, so survivorship takes each group from one source record (golden.ts) instead
 * of assembling it field by field: a 〒 from one record beside a 都道府県 from another can contradict each other
 * although each record is coherent. `address` holds the 市区町村 and 番地 (the rest after the prefecture).
 */
export const FIELD_GROUPS = {
  name: ['familyName', 'givenName'],
  reading: ['familyNameKana', 'givenNameKana'],
  address: ['postalCode', 'prefecture', 'address', 'building'],
  affiliation: ['companyName', 'department', 'title'],
} as const satisfies Record<string, readonly ProfileField[]>;
export type FieldGroup = keyof typeof FIELD_GROUPS;

const GROUP_OF: ReadonlyMap<string, FieldGroup> = new Map(
  (Object.entries(FIELD_GROUPS) as Array<[FieldGroup, readonly string[]]>).flatMap(([group, fields]) => fields.map((f) => [f, group] as const)),
);

/** The group a field belongs to, or null for a field that stands alone (e-mail, phone, custom fields…). */
export function groupOfField(field: string): FieldGroup | null {
  return GROUP_OF.get(field) ?? null;
}

/** Personal data: masked for roles without customers:read_personal. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set(['email', 'emailPlaceholder', 'phone', 'postalCode', 'address', 'building', 'birthDate']);

/**
 * An e-mail a source gave that looks like a placeholder (mail@example.com, test@…): kept in the statement under its
 * own key, so the customer page shows it with 「ダミーの可能性」, but never as `email` (not sent to, not matched on).
 */
export const EMAIL_PLACEHOLDER_FIELD = 'emailPlaceholder';

export const CUSTOM_PREFIX = 'custom.';

export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県',
  '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県', '岐阜県', '静岡県', '愛知県', '三重県',
  '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県', '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県',
  '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
] as const;
export type Prefecture = (typeof PREFECTURES)[number];

export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

/**
 * 姓 名 for people (Japanese order, full-width space avoided for search friendliness), never their company; the company
 * for organisations.
 * Never the e-mail: every role that sees a customer sees their display name (lists, orders, registrations, the review
 * queue, timeline titles), so a person known by an e-mail alone has none, and screens show the (masked) e-mail instead.
 */
export function displayNameOf(values: Record<string, unknown>): string {
  const family = str(values.familyName);
  const given = str(values.givenName);
  const name = [family, given].filter(Boolean).join(' ');
  if (values.kind === 'organization') return str(values.companyName) || name;
  // A person known by an e-mail and a company alone has no name: the company is where they work, not who they are
  // (an event registrant shown as 「株式会社山田商事」 read as a second company, not a person).
  return name;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}
