import { CUSTOM_PREFIX } from '../customers/fields.ts';
import { parseAddress } from '../normalize/address.ts';
import { parseBirthDate } from '../normalize/date.ts';
import { normalizeCorporateNumber } from '../companies/corporate-number.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { reconcileNameParts } from '../normalize/name.ts';
import { normalizePhone } from '../normalize/phone.ts';
import { normalizePostalCode } from '../normalize/postal.ts';
import { hasUnstorable, stripUnstorable } from '../normalize/storable.ts';
import { nfkc, toKatakana } from '../normalize/text.ts';
import type { ImportField } from './profile.ts';

/**
 * A value that could not be normalised: kept raw in the source record, left out of the golden record. `field` is an
 * import field, or `custom.<column>` for an unmapped column.
 */
export interface FlaggedValue { field: ImportField | `${typeof CUSTOM_PREFIX}${string}`; reason: string; value: string }

export interface MappedValues {
  externalId: string | null;
  fields: Partial<Record<ImportField, string>>;
  attributes: Record<string, string>;
}

/**
 * A mapped row with what PostgreSQL cannot store (NUL, lone surrogates) removed from its id, its values and its
 * column names, and a flag (`unstorable_text`, with the value as kept) for each value that held some. Every record
 * goes through it before it is keyed, hashed or stated (staging and its dry run alike), so one stray byte in a file
 * or a payload costs a flag, never the row nor the resolution of every record after it.
 */
export function storableValues<T extends MappedValues>(row: T): { row: T; flagged: FlaggedValue[] } {
  const flagged: FlaggedValue[] = [];
  let changed = row.externalId !== null && hasUnstorable(row.externalId);
  const clean = <K extends string>(values: Partial<Record<K, string>>, flagAs: (key: string) => FlaggedValue['field']) => {
    let out: Partial<Record<K, string>> | null = null;
    for (const [key, value] of Object.entries(values) as Array<[K, string | undefined]>) {
      if (value === undefined || (!hasUnstorable(value) && !hasUnstorable(key))) continue;
      out ??= { ...values };
      delete out[key];
      const kept = stripUnstorable(value);
      out[stripUnstorable(key) as K] = kept;
      if (hasUnstorable(value)) flagged.push({ field: flagAs(stripUnstorable(key)), reason: 'unstorable_text', value: kept });
    }
    if (out) changed = true;
    return out ?? values;
  };
  const fields = clean(row.fields, (key) => key as ImportField);
  const attributes = clean(row.attributes, (key) => `${CUSTOM_PREFIX}${key}` as const) as Record<string, string>;
  if (!changed) return { row, flagged };
  return { row: { ...row, externalId: row.externalId === null ? null : stripUnstorable(row.externalId), fields, attributes }, flagged };
}

/**
 * Turns one mapped import row into the statement it makes about a customer (the `normalized` side of its source
 * record, in the golden record's field names), plus the values it could not use. Never throws; an invalid value
 * (an e-mail without @, an impossible date) is flagged and does not block the row.
 *
 * @example toStatement({ full_name: '山田　太郎', phone: '０３-１２３４-９８７６' }, { 会員ランク: 'ゴールド' })
 * // → { statement: { familyName: '山田', givenName: '太郎', phone: '+81312349876', 'custom.会員ランク': 'ゴールド' }, flagged: [] }
 */
export function toStatement(
  fields: Partial<Record<ImportField, string>>,
  attributes: Record<string, string>,
): { statement: Record<string, unknown>; flagged: FlaggedValue[] } {
  const out: Record<string, unknown> = {};
  const flagged: FlaggedValue[] = [];
  const value = (f: ImportField) => {
    const v = fields[f];
    return v === undefined || v.trim() === '' ? null : nfkc(v);
  };

  // Names and their readings alike: split columns win; a whole name typed into 姓 (セイ) is split like a full name,
  // and a whole name beside one part gives the other (reconcileNameParts).
  const { family, given } = reconcileNameParts(value('family_name'), value('given_name'), value('full_name'));
  if (family) out.familyName = family;
  if (given) out.givenName = given;

  const { family: familyKana, given: givenKana } = reconcileNameParts(value('family_name_kana'), value('given_name_kana'), value('full_name_kana'));
  for (const [key, kana] of [['familyNameKana', familyKana], ['givenNameKana', givenKana]] as const) {
    if (!kana) continue;
    const katakana = toKatakana(kana);
    if (/^[\p{Script=Katakana}ー・\s]+$/u.test(katakana)) out[key] = katakana;
    else flagged.push({ field: key === 'familyNameKana' ? 'family_name_kana' : 'given_name_kana', reason: 'not_kana', value: kana });
  }

  const email = value('email');
  if (email) {
    const e = normalizeEmail(email);
    if (e.valid && !e.placeholder) out.email = e.value;
    else flagged.push({ field: 'email', reason: e.placeholder ? 'placeholder' : e.reason ?? 'invalid', value: email });
    // A placeholder (mail@example.com, test@…) is kept apart: shown with its flag, never the customer's e-mail, so it
    // neither competes with a real address in survivorship nor is used for sending (the matcher ignores it too).
    if (e.valid && e.placeholder) out.emailPlaceholder = e.value;
  }
  const phone = value('phone');
  if (phone) {
    const p = normalizePhone(phone);
    if (p.valid && p.e164) out.phone = p.e164;
    else flagged.push({ field: 'phone', reason: p.reason ?? 'invalid', value: phone });
  }
  const birth = value('birth_date');
  if (birth) {
    const d = parseBirthDate(birth);
    if (d.valid) out.birthDate = d.value;
    else flagged.push({ field: 'birth_date', reason: d.reason ?? 'invalid', value: birth });
  }
  const gender = value('gender');
  if (gender) {
    const g = genderOf(gender);
    if (g) out.gender = g;
    else flagged.push({ field: 'gender', reason: 'unknown_value', value: gender });
  }
  const postalRaw = value('postal_code');
  let postal: string | null = null;
  if (postalRaw) {
    const p = normalizePostalCode(postalRaw);
    if (p.valid) out.postalCode = postal = p.value;
    else flagged.push({ field: 'postal_code', reason: p.reason ?? 'invalid', value: postalRaw });
  }
  const prefecture = value('prefecture');
  const address = value('address');
  if (address || prefecture) {
    const parsed = parseAddress([prefecture && !address?.startsWith(prefecture) ? prefecture : '', address ?? ''].join(''), postal);
    if (parsed.prefecture) out.prefecture = parsed.prefecture;
    if (parsed.rest) out.address = parsed.rest;
    if (parsed.building) out.building = parsed.building;
    if (!postal && parsed.postalCode) out.postalCode = parsed.postalCode;
    if (prefecture && !parsed.prefecture) flagged.push({ field: 'prefecture', reason: 'unknown_prefecture', value: prefecture });
  }
  const company = value('company_name');
  if (company) out.companyName = company;
  const department = value('department');
  if (department) out.department = department;
  const title = value('title');
  if (title) out.title = title;
  companyFacts(value, out, flagged);
  for (const [header, v] of Object.entries(attributes)) {
    if (v.trim() !== '') out[`${CUSTOM_PREFIX}${header}`] = v.trim();
  }
  return { statement: out, flagged };
}


/**
 * The company's own facts (法人番号, 業種, 従業員数, 資本金, 売上規模, URL, 代表電話, 会社住所): kept as written (NFKC)
 * except the 法人番号 (13 digits, check digit verified) and the phone (E.164); the company record parses sizes and
 * classifies the industry when it takes them.
 */
function companyFacts(value: (f: ImportField) => string | null, out: Record<string, unknown>, flagged: FlaggedValue[]): void {
  const number = value('company_corporate_number');
  if (number) {
    const n = normalizeCorporateNumber(number);
    if (n.valid) out.companyCorporateNumber = n.value;
    else flagged.push({ field: 'company_corporate_number', reason: n.reason ?? 'invalid', value: number });
  }
  const phone = value('company_phone');
  if (phone) {
    const p = normalizePhone(phone);
    if (p.valid && p.e164) out.companyPhone = p.e164;
    else flagged.push({ field: 'company_phone', reason: p.reason ?? 'invalid', value: phone });
  }
  const text: ReadonlyArray<readonly [ImportField, string]> = [
    ['company_industry', 'companyIndustry'],
    ['company_employees', 'companyEmployees'],
    ['company_capital', 'companyCapital'],
    ['company_revenue', 'companyRevenue'],
    ['company_website', 'companyWebsite'],
    ['company_address', 'companyAddress'],
  ];
  for (const [field, key] of text) {
    const v = value(field);
    if (v) out[key] = v.trim();
  }
}

/** 男/男性/M/male/1 → male, 女/女性/F/female/2 → female (ISO/IEC 5218 and JIS X 0303 codes: 0 unknown, 9 not applicable). */
export function genderOf(raw: string): 'male' | 'female' | 'other' | 'unknown' | null {
  const v = nfkc(raw).toLowerCase();
  if (['男', '男性', 'm', 'male', '1', 'man'].includes(v)) return 'male';
  if (['女', '女性', 'f', 'female', '2', 'woman'].includes(v)) return 'female';
  if (['その他', 'other', 'x'].includes(v)) return 'other';
  if (['0', '9', '不明', '回答しない', 'unknown'].includes(v)) return 'unknown';
  return null;
}
