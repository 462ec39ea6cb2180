import { CUSTOM_PREFIX, PERSONAL_FIELDS } from './fields.ts';

/**
 * Masking of personal data for roles that may see a customer but not their contact details.
 * The shape stays the same (strings stay strings) so the UI renders masked values where the real ones would be.
 */
export const MASK = '＊＊＊';

export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.indexOf('@');
  if (at < 1) return MASK;
  return `${email[0]}***@***`;
}

/** Keeps the last two digits so a caller can tell numbers apart without learning them. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return `***-****-**${digits.slice(-2)}`;
}

export function maskText(value: string | null): string | null {
  return value ? MASK : value;
}

/**
 * What a timeline entry may show a role without customers:read_personal: an edit's before/after values of personal
 * fields, and a sales note's text (free text written about the person: a phone number, a family matter), are masked;
 * who was mentioned is about colleagues, not the customer, and stays.
 */
export function maskActivityProperties(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  if (type === 'note') return typeof properties.body === 'string' ? { ...properties, body: maskText(properties.body) } : properties;
  const changes = properties.changes;
  if (!Array.isArray(changes)) return properties;
  return {
    ...properties,
    changes: changes.map((c: { field: string; from: unknown; to: unknown }) =>
      PERSONAL_FIELDS.has(c.field) || c.field.startsWith(CUSTOM_PREFIX) ? { field: c.field, from: c.from === null ? null : MASK, to: c.to === null ? null : MASK } : c,
    ),
  };
}
