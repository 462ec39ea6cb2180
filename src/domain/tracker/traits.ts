/**
 * What daicho.identify({…}) may say about a person, mapped to the import field names identity resolution reads.
 * Anything else is ignored (reported back as `ignored`): a public endpoint must not write arbitrary attributes.
 */
import { COMPANY_FACT_FIELDS, IMPORT_FIELDS, type ImportField } from '../import/profile.ts';

const ALIASES: Record<string, ImportField> = {
  email: 'email', name: 'full_name', fullName: 'full_name', familyName: 'family_name', givenName: 'given_name',
  nameKana: 'full_name_kana', fullNameKana: 'full_name_kana', familyNameKana: 'family_name_kana', givenNameKana: 'given_name_kana',
  phone: 'phone', company: 'company_name', companyName: 'company_name', department: 'department', title: 'title',
  postalCode: 'postal_code', prefecture: 'prefecture', address: 'address',
};
// Not the company's own facts (法人番号, 業種, 代表電話…): an anonymous page must not rewrite a company record.
const IMPORT_NAMES: ReadonlySet<string> = new Set(IMPORT_FIELDS.filter((f) => !(COMPANY_FACT_FIELDS as readonly string[]).includes(f)));
const MAX_VALUE = 300;

export function traitsToFields(traits: Record<string, unknown>): { fields: Partial<Record<ImportField, string>>; ignored: string[] } {
  const fields: Partial<Record<ImportField, string>> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(traits)) {
    const field = ALIASES[key] ?? (IMPORT_NAMES.has(key) ? (key as ImportField) : undefined);
    if (!field || (typeof value !== 'string' && typeof value !== 'number')) {
      ignored.push(key);
      continue;
    }
    const text = String(value).trim().slice(0, MAX_VALUE);
    if (text) fields[field] = text;
  }
  return { fields, ignored };
}

/** Lower-cased e-mail, the identity key that says whether a second identify on one browser is another person. */
export function identityEmail(fields: Partial<Record<ImportField, string>>): string | null {
  return fields.email ? fields.email.trim().toLowerCase() : null;
}
