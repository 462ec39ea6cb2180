import { createHash } from 'node:crypto';
import type { ImportField } from '../import/profile.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { normalizePhone } from '../normalize/phone.ts';

/**
 * The key a buyer or attendee is known by in one source: the source's member id, else the e-mail, else the phone.
 * It is the external id of the person's source record, so every order of one buyer hangs off one record (a record
 * per order would soon exceed the blocking cap and stop matching). Placeholder e-mails and phones are not keys.
 * E-mail and phone keys are hashed: external ids are shown where contact details are masked (source-record lists,
 * registrations), and the record's own fields keep the value under the usual masking.
 */
export function customerKey(memberId: string | null | undefined, fields: Partial<Record<ImportField, string>>): string | null {
  const member = memberId?.normalize('NFKC').trim();
  if (member) return `member:${member}`;
  if (fields.email) {
    const e = normalizeEmail(fields.email);
    if (e.valid && !e.placeholder) return `email:${digest(e.value)}`;
  }
  if (fields.phone) {
    const p = normalizePhone(fields.phone);
    if (p.valid && p.e164) return `phone:${digest(p.e164)}`;
  }
  return null;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}
