import { createHash } from 'node:crypto';
import type { ImportField } from '../import/profile.ts';
import { isPlaceholderLocalPart, normalizeEmail } from '../normalize/email.ts';
import { normalizePhone } from '../normalize/phone.ts';

/**
 * The key a buyer or attendee is known by in one source: the source's member id, else the e-mail, else the phone.
 * It is the external id of the person's source record, so every order of one buyer hangs off one record (a record
 * per order would soon exceed the blocking cap and stop matching). E-mails that everyone without one shares
 * (noreply@shop.co.jp, test@…, 0000@…) are not keys: they would hang every guest's orders off one person. An address
 * at a reserved domain (taro@example.jp) still tells its owner apart and is a key, as is any address the mail check
 * accepts. E-mail and phone keys are hashed: external ids are shown where contact details are masked (source-record
 * lists, registrations), and the record's own fields keep the value under the usual masking.
 */
export function customerKey(memberId: string | null | undefined, fields: Partial<Record<ImportField, string>>): string | null {
  const member = memberId?.normalize('NFKC').trim();
  if (member) return `member:${member}`;
  const email = emailKey(fields.email);
  if (email) return email;
  if (fields.phone) {
    const p = normalizePhone(fields.phone);
    if (p.valid && p.e164) return `phone:${digest(p.e164)}`;
  }
  return null;
}

/**
 * Why a row has no customer key (customerKey gave null), for the person reading the import report: what was given and
 * why it does not identify anyone (Japanese, then English).
 */
export function missingKeyReason(fields: Partial<Record<ImportField, string>>): string {
  const given: string[] = [];
  if (fields.email?.trim()) {
    const e = normalizeEmail(fields.email);
    given.push(e.valid
      ? `メールアドレス「${fields.email.trim()}」は共用のダミー (test@, noreply@ など) で人を区別できません (a shared placeholder address)`
      : `メールアドレス「${fields.email.trim()}」の形が正しくありません (not a valid address: ${e.reason})`);
  }
  if (fields.phone?.trim()) given.push(`電話番号「${fields.phone.trim()}」が正しくありません (not a valid phone number)`);
  const none = '顧客を特定できません: メールアドレス・電話番号・会員番号のいずれかが必要です (no customer key: e-mail, phone or member id)';
  return given.length === 0 ? none : `顧客を特定できません (no customer key): ${given.join('; ')}`;
}

function emailKey(raw: string | undefined): string | null {
  if (!raw) return null;
  const e = normalizeEmail(raw);
  if (!e.valid) return null;
  const local = e.value.slice(0, e.value.lastIndexOf('@'));
  return isPlaceholderLocalPart(local) ? null : `email:${digest(e.value)}`;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}
