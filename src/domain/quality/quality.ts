/**
 * 鮮度と品質: which of a customer's values are stale and why, and a quality score a marketer can read.
 *
 * Staleness is evidence, never age alone for personal values: a mobile number or a birth date does not go bad with
 * time. The rules, each with a Japanese reason on screen:
 *  - company_email_unconfirmed: a company e-mail (an organisation's domain, not free-mail/carrier) that no source has
 *    repeated for COMPANY_EMAIL_MAX_AGE_DAYS (people change jobs; a two-year-old work address often bounces);
 *  - email_bounced: the address hard-bounced after it was last confirmed;
 *  - dm_returned: a postal piece came back 宛先不明 after the address was last confirmed;
 *  - moved: a record newer than the address's last confirmation states another address (survivorship kept the old
 *    one because its source ranks higher): the person has probably moved;
 *  - title_superseded: the newest 名刺 (a source whose e-mail basis is business_card) is newer than the title's last
 *    confirmation and states another title or company (人事異動).
 *
 * The score (0–100) weighs four parts, each 0–1, documented so a user can see why a customer scores low:
 *  completeness 30% (name, reading, e-mail, phone, postal address, company: the six things a sales or DM use needs),
 *  validity 25% (e-mail well-formed and not a placeholder, phone a valid number, 〒 agreeing with 都道府県),
 *  freshness 25% (share of held values not stale), consistency 20% (share of held groups no other source contradicts).
 */
import { emailOrganisationDomain } from '../companies/web-domain.ts';
import type { FieldConfirmation, OtherSourceValue, SourceStatement } from '../customers/golden.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { normalizePhone } from '../normalize/phone.ts';
import { prefectureFromPostal } from '../normalize/postal.ts';

export const COMPANY_EMAIL_MAX_AGE_DAYS = 730;
const DAY_MS = 86_400_000;

export const STALE_REASONS = ['company_email_unconfirmed', 'email_bounced', 'dm_returned', 'moved', 'title_superseded'] as const;
export type StaleReason = (typeof STALE_REASONS)[number];

export interface StaleField {
  /** The golden field (or the first field of its group: postalCode for the address block). */
  field: string;
  reason: StaleReason;
  /** When the evidence appeared (the bounce, the newer record…); for age-based reasons the last confirmation. */
  since: string;
  /** The source record that says so, when one does. */
  sourceRecordId?: number;
}

export interface StalenessInput {
  values: Record<string, unknown>;
  confirmations: Record<string, FieldConfirmation>;
  statements: readonly SourceStatement[];
  /** Names of the sources whose records are business cards (email_basis business_card). */
  businessCardSources: ReadonlySet<string>;
  /** The newest hard bounce of the customer's current e-mail, if any. */
  emailBouncedAt?: Date | null;
  /** The newest returned DM (宛先不明) to the customer, if any. */
  mailReturnedAt?: Date | null;
  asOf: Date;
}

const ADDRESS_ANCHORS = ['postalCode', 'prefecture', 'address'] as const;

const fold = (v: unknown): string => (typeof v === 'string' ? v.normalize('NFKC').replace(/[\s\u3000\-‐－ー−]/gu, '').toLowerCase() : JSON.stringify(v ?? null));

/** The stale values of one customer, each with its reason; an empty list when nothing is known to be out of date. */
export function staleFields(input: StalenessInput): StaleField[] {
  const { values, confirmations, asOf } = input;
  const out: StaleField[] = [];
  const confirmedAt = (field: string): number | null => {
    const c = confirmations[field];
    return c === undefined ? null : Date.parse(c.at);
  };

  const email = typeof values.email === 'string' ? values.email : null;
  if (email !== null) {
    const at = confirmedAt('email');
    if (input.emailBouncedAt && (at === null || input.emailBouncedAt.getTime() >= at)) {
      out.push({ field: 'email', reason: 'email_bounced', since: input.emailBouncedAt.toISOString() });
    } else if (at !== null && emailOrganisationDomain(email) !== null && asOf.getTime() - at > COMPANY_EMAIL_MAX_AGE_DAYS * DAY_MS) {
      out.push({ field: 'email', reason: 'company_email_unconfirmed', since: new Date(at).toISOString() });
    }
  }

  const addressField = ADDRESS_ANCHORS.find((f) => values[f] !== undefined && values[f] !== null && values[f] !== '');
  if (addressField !== undefined) {
    const at = Math.max(...ADDRESS_ANCHORS.map(confirmedAt).filter((x): x is number => x !== null), Number.NEGATIVE_INFINITY);
    const newer = [...input.statements]
      .filter((s) => s.receivedAt.getTime() > at && statesOtherAddress(s.fields, values))
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())[0];
    if (input.mailReturnedAt && input.mailReturnedAt.getTime() >= at) {
      out.push({ field: addressField, reason: 'dm_returned', since: input.mailReturnedAt.toISOString() });
    } else if (newer !== undefined) {
      out.push({ field: addressField, reason: 'moved', since: newer.receivedAt.toISOString(), sourceRecordId: newer.sourceRecordId });
    }
  }

  if (typeof values.title === 'string' && values.title !== '') {
    const at = confirmedAt('title') ?? Number.NEGATIVE_INFINITY;
    const card = [...input.statements]
      .filter((s) => input.businessCardSources.has(s.source) && s.receivedAt.getTime() > at)
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())[0];
    if (card !== undefined && (saysOther(card.fields.title, values.title) || saysOther(card.fields.companyName, values.companyName))) {
      out.push({ field: 'title', reason: 'title_superseded', since: card.receivedAt.toISOString(), sourceRecordId: card.sourceRecordId });
    }
  }
  return out;
}

/** A statement about the address that the golden address does not hold (another 〒, 都道府県 or 市区町村・番地). */
function statesOtherAddress(fields: Record<string, unknown>, golden: Record<string, unknown>): boolean {
  for (const f of ADDRESS_ANCHORS) {
    const v = fields[f];
    if (v === undefined || v === null || v === '') continue;
    const g = golden[f];
    if (g === undefined || g === null) continue;
    const gv = fold(g);
    const sv = fold(v);
    // The golden value said in more detail (or less) is the same address.
    if (!(gv.startsWith(sv) || sv.startsWith(gv))) return true;
  }
  return false;
}

const saysOther = (stated: unknown, held: unknown): boolean =>
  stated !== undefined && stated !== null && stated !== '' && held !== undefined && held !== null && fold(stated) !== fold(held);

// ── the score ──

export interface QualityParts { completeness: number; validity: number; freshness: number; consistency: number }
export type QualityIssue =
  | 'missing_name' | 'missing_reading' | 'missing_email' | 'missing_phone' | 'missing_address' | 'missing_company'
  | 'invalid_email' | 'placeholder_email' | 'invalid_phone' | 'postal_prefecture_mismatch' | 'conflicting_sources';

export interface CustomerQuality {
  score: number;
  parts: QualityParts;
  issues: QualityIssue[];
  stale: StaleField[];
}

const WEIGHTS: Readonly<QualityParts> = { completeness: 0.3, validity: 0.25, freshness: 0.25, consistency: 0.2 };
/** The groups and fields whose contradiction by another source counts against consistency. */
const CONSISTENCY_KEYS = ['name', 'reading', 'address', 'affiliation', 'email', 'phone', 'birthDate'] as const;
const GROUP_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  name: ['familyName', 'givenName'], reading: ['familyNameKana', 'givenNameKana'],
  address: ['postalCode', 'prefecture', 'address'], affiliation: ['companyName'],
};

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export function customerQuality(input: {
  values: Record<string, unknown>;
  otherValues: Record<string, readonly OtherSourceValue[]>;
  stale: StaleField[];
  /** A placeholder e-mail kept apart from `email` (dummy@…): counts as missing and invalid. */
  emailPlaceholder?: string | null;
}): CustomerQuality {
  const { values } = input;
  const issues: QualityIssue[] = [];
  const has = (key: string): boolean => (GROUP_MEMBERS[key] ?? [key]).some((f) => present(values[f]));

  const wanted: Array<[string, QualityIssue]> = [
    ['name', 'missing_name'], ['reading', 'missing_reading'], ['email', 'missing_email'],
    ['phone', 'missing_phone'], ['address', 'missing_address'], ['affiliation', 'missing_company'],
  ];
  let complete = 0;
  for (const [key, issue] of wanted) if (has(key)) complete += 1; else issues.push(issue);

  let checked = 0;
  let valid = 0;
  if (present(values.email)) {
    checked += 1;
    const e = normalizeEmail(String(values.email));
    if (e.valid && !e.placeholder) valid += 1; else issues.push('invalid_email');
  } else if (present(input.emailPlaceholder)) {
    checked += 1;
    issues.push('placeholder_email');
  }
  if (present(values.phone)) {
    checked += 1;
    if (normalizePhone(String(values.phone)).valid) valid += 1; else issues.push('invalid_phone');
  }
  if (present(values.postalCode) && present(values.prefecture)) {
    checked += 1;
    const expected = prefectureFromPostal(String(values.postalCode));
    if (expected === null || expected === values.prefecture) valid += 1; else issues.push('postal_prefecture_mismatch');
  }

  const heldKeys = CONSISTENCY_KEYS.filter(has);
  const conflicting = heldKeys.filter((k) => (input.otherValues[k]?.length ?? 0) > 0);
  if (conflicting.length > 0) issues.push('conflicting_sources');
  const staleKeys = new Set(input.stale.map((s) => s.field));

  const parts: QualityParts = {
    completeness: complete / wanted.length,
    validity: checked === 0 ? 1 : valid / checked,
    freshness: heldKeys.length === 0 ? 1 : 1 - Math.min(staleKeys.size, heldKeys.length) / heldKeys.length,
    consistency: heldKeys.length === 0 ? 1 : 1 - conflicting.length / heldKeys.length,
  };
  const score = Math.round(100 * (Object.keys(WEIGHTS) as Array<keyof QualityParts>).reduce((s, k) => s + WEIGHTS[k] * parts[k], 0));
  return { score, parts, issues, stale: input.stale };
}
