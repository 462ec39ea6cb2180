import { foldForSearch } from '../normalize/text.ts';
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

/**
 * A statement in golden-record field names (a source record's `normalized` side) for a masked role: its keys are
 * Daicho's own field names, so they say what each value is; personal fields and every custom value are masked.
 */
export function maskStatement(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = isMaskedField(k) ? maskText(v === null || v === undefined ? null : String(v)) : v;
  }
  return out;
}

function isMaskedField(key: string): boolean {
  return PERSONAL_FIELDS.has(key) || key.startsWith(CUSTOM_PREFIX) || key === 'customFields';
}

/** What a masked role sees of one source record: its external id, its raw side and its statement. */
export interface RecordForMasking {
  externalId: string;
  raw: Record<string, unknown>;
  normalized: Record<string, unknown>;
}

/**
 * A source record as a role without customers:read_personal may see it.
 *
 * The raw side is keyed by whatever the source called its columns (a file's own headers, a form's question keys, a
 * tracker's traits), so a key says nothing reliable about what its value is, and a column the profile did not map
 * says nothing at all. A raw value therefore stays in clear only when it tells nothing the masked statement does not
 * show already: it equals, folded like search (width, kana, case, spaces), one of the statement's non-personal values
 * (names, フリガナ, company, department, title, prefecture…), the whole name, or the shown external id. Every other
 * value — mapped personal fields, unmapped columns, free-text answers — is masked.
 *
 * The external id is masked when it is one of the record's personal values (a file keyed by its e-mail column).
 */
export function maskSourceRecord(record: RecordForMasking): RecordForMasking {
  const visible = new Set<string>();
  for (const [k, v] of Object.entries(record.normalized)) {
    if ((typeof v === 'string' || typeof v === 'number') && !isMaskedField(k)) visible.add(fold(v));
  }
  const n = record.normalized;
  for (const [a, b] of [[n.familyName, n.givenName], [n.givenName, n.familyName], [n.familyNameKana, n.givenNameKana], [n.givenNameKana, n.familyNameKana]]) {
    if (typeof a === 'string' && typeof b === 'string') visible.add(fold(a + b));
  }
  const externalId = maskExternalId(record.externalId, record.normalized);
  if (externalId !== MASK) visible.add(fold(externalId));
  visible.delete('');
  const shown = (v: unknown): unknown => {
    if (v === null || v === undefined || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map(shown);
    if (typeof v === 'string' && v.trim() === '') return v;
    if ((typeof v === 'string' || typeof v === 'number') && visible.has(fold(v))) return v;
    return MASK;
  };
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.raw)) raw[k] = shown(v);
  return { externalId, raw, normalized: maskStatement(record.normalized) };
}

/** A record's external id for a masked role: masked when it is one of the record's personal values (a file keyed by e-mail). */
export function maskExternalId(externalId: string, normalized: Record<string, unknown>): string {
  const id = fold(externalId);
  for (const [k, v] of Object.entries(normalized)) {
    if ((typeof v !== 'string' && typeof v !== 'number') || !isMaskedField(k)) continue;
    // A phone is stored in E.164 (+819012345678); an id column holds it as typed (090-1234-5678).
    if (fold(v) === id || (k === 'phone' && typeof v === 'string' && v.startsWith('+81') && `0${v.slice(3)}` === id)) return MASK;
  }
  return externalId;
}

function fold(value: string | number): string {
  return foldForSearch(String(value));
}
