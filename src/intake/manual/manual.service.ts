/**
 * Manual intake: what a user types in the UI or sends through the API about a customer becomes a source record of
 * source `manual` (so nothing a department sent is overwritten), and the golden record is recomputed from it.
 */
import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Actor } from '../../core/context.ts';
import { AppError, notFound, type FieldError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { diffValues } from '../../domain/customers/golden.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { normalizeEmail } from '../../domain/normalize/email.ts';
import { normalizePhone } from '../../domain/normalize/phone.ts';
import { normalizePostalCode } from '../../domain/normalize/postal.ts';
import { reconcileNameParts } from '../../domain/normalize/name.ts';
import { nfkc, toKatakana } from '../../domain/normalize/text.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { insertActivity } from '../../ledger/activities/activities.repository.ts';
import { findCompanyRow } from '../../ledger/companies/companies.repository.ts';
import { listCustomFieldDefinitions } from '../../ledger/custom-fields/custom-fields.repository.ts';
import { validateCustomValues } from '../../ledger/custom-fields/custom-fields.service.ts';
import * as repo from '../../ledger/customers/customers.repository.ts';
import type { Customer, CustomerInput } from '../../ledger/customers/customers.schemas.ts';
import { getCustomer } from '../../ledger/customers/customers.service.ts';
import { loadGolden, recomputeCustomer } from '../../ledger/customers/golden.service.ts';
import { stageLinkedRecord } from '../../resolution/staging.ts';
import { loadRequest, requestConcerns } from '../../ledger/privacy/privacy.service.ts';
import { CUSTOM_PREFIX } from '../../domain/customers/fields.ts';

const MANUAL_SOURCE = 'manual';

/** Creates a customer from a user's input: the input becomes a source record of source `manual`. */
export async function createCustomer(db: Db, input: CustomerInput, actor: Actor): Promise<Customer> {
  const id = await db.transaction().execute(async (trx) => {
    const fields = await normalizeManualInput(trx, input, { creating: true });
    const customerId = await repo.insertEmptyCustomer(trx);
    const record = await recordManualStatement(trx, customerId, input, fields, actor);
    await recomputeCustomer(trx, customerId);
    await insertActivity(trx, {
      customerId,
      type: 'customer_created',
      occurredAt: record.received_at,
      title: '顧客を登録',
      properties: { source: MANUAL_SOURCE },
      sourceRecordId: record.id,
      actorUserId: actor.auth?.userId ?? null,
    });
    await audit(trx, actor, 'customer.create', { type: 'customer', id: customerId });
    return customerId;
  });
  return getCustomer(db, id, actor, { audited: false });
}

/**
 * A user's edit: stored as a new `manual` source record (so nothing a department sent is overwritten),
 * then the golden record is recomputed and the change goes on the customer's timeline.
 */
export async function updateCustomer(
  db: Db, id: string, input: CustomerInput, actor: Actor,
  /** 訂正: the APPI request the edit answers (kept with the record, the timeline entry and the audit entry). */
  reason?: { privacyRequestId: string },
): Promise<Customer> {
  await db.transaction().execute(async (trx) => {
    const before = await repo.findCustomerRow(trx, id, { forUpdate: true });
    if (!before) throw notFound('Customer');
    const fields = await normalizeManualInput(trx, input, { creating: false });
    if (Object.keys(fields).length === 0) return;
    const beforeValues = (await loadGolden(trx, id)).values;
    const record = await recordManualStatement(trx, id, reason ? { ...input, _reason: reason } : input, fields, actor);
    const after = await recomputeCustomer(trx, id);
    const changes = diffValues(beforeValues, after);
    if (changes.length === 0) return;
    await insertActivity(trx, {
      customerId: id,
      type: 'edit',
      occurredAt: record.received_at,
      title: reason ? '本人の請求により訂正' : 'プロフィールを編集',
      properties: reason ? { changes, privacyRequestId: reason.privacyRequestId } : { changes },
      sourceRecordId: record.id,
      actorUserId: actor.auth?.userId ?? null,
    });
    await audit(trx, actor, 'customer.update', { type: 'customer', id }, { fields: changes.map((c) => c.field), ...(reason ?? {}) });
  });
  return getCustomer(db, id, actor, { audited: false });
}

/** 訂正 (APPI art. 34): a correction request's edit of one of its customers, recorded as any manual edit with the request as reason. */
export async function correctForRequest(db: Db, requestId: string, customerId: string, input: CustomerInput, actor: Actor): Promise<Customer> {
  const request = await loadRequest(db, requestId);
  if (request.kind !== 'correction') throw new AppError('conflict', '訂正は種類が「訂正」の請求でだけ記録できます (only a correction request corrects)');
  if (!(await requestConcerns(db, requestId, customerId))) throw notFound('Customer of this request');
  return updateCustomer(db, customerId, input, actor, { privacyRequestId: requestId });
}

async function recordManualStatement(db: Db, customerId: string, raw: CustomerInput & { _reason?: { privacyRequestId: string } }, fields: Record<string, unknown>, actor: Actor) {
  return stageLinkedRecord(db, {
    sourceName: MANUAL_SOURCE,
    externalId: `ui:${randomUUID()}`,
    customerId,
    raw,
    normalized: fields,
    matchFields: manualMatchFields(fields),
    userId: actor.auth?.userId ?? null,
  });
}

/** Golden-record field names → the import field names the matcher prepares from (cleared fields say nothing). */
const MATCH_FIELD_OF: Readonly<Record<string, ImportField>> = {
  familyName: 'family_name', givenName: 'given_name', familyNameKana: 'family_name_kana', givenNameKana: 'given_name_kana',
  email: 'email', phone: 'phone', postalCode: 'postal_code', prefecture: 'prefecture', address: 'address',
  birthDate: 'birth_date', gender: 'gender', companyName: 'company_name', department: 'department', title: 'title',
};

function manualMatchFields(fields: Record<string, unknown>): Partial<Record<ImportField, string>> {
  const out: Partial<Record<ImportField, string>> = {};
  for (const [field, value] of Object.entries(fields)) {
    const target = MATCH_FIELD_OF[field];
    if (target && typeof value === 'string' && value.trim() !== '') out[target] = value;
  }
  return out;
}

/**
 * Validates and normalises what a user typed. Raw input is kept in the source record; this is the `normalized`
 * side. Keys absent from the input are absent here; an explicit null or '' clears the field.
 */
async function normalizeManualInput(db: Db, input: CustomerInput, options: { creating: boolean }): Promise<Record<string, unknown>> {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => { out[field] = value === '' ? null : value; };

  for (const field of ['familyName', 'givenName', 'address', 'building', 'department', 'title'] as const) {
    if (input[field] !== undefined) set(field, input[field] === null ? null : nfkcKeepSpace(input[field]));
  }
  if (input.kind !== undefined) set('kind', input.kind);
  for (const field of ['familyNameKana', 'givenNameKana'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null || value.trim() === '') { set(field, null); continue; }
    const kana = toKatakana(nfkc(value));
    if (!/^[\p{Script=Katakana}ー・\s]+$/u.test(kana)) errors.push({ field, message: 'フリガナはカタカナかひらがなで入力してください (kana only)' });
    else set(field, kana);
  }
  // A whole reading typed into セイ (「タワラ ヨシヒコ」) is split as an import splits it, so the メイ is not said twice.
  if (typeof out.familyNameKana === 'string' && /\s/u.test(out.familyNameKana)) {
    const split = reconcileNameParts(out.familyNameKana, typeof out.givenNameKana === 'string' ? out.givenNameKana : null, null);
    if (split.family !== null && split.family !== out.familyNameKana) {
      set('familyNameKana', split.family);
      if (split.given !== null) set('givenNameKana', split.given);
    }
  }
  if (input.email !== undefined) {
    if (!input.email) set('email', null);
    else {
      const email = normalizeEmail(input.email);
      if (!email.valid) errors.push({ field: 'email', message: `メールアドレスの形式が正しくありません (${email.reason})` });
      else set('email', email.value);
    }
  }
  if (input.phone !== undefined) {
    if (!input.phone) set('phone', null);
    else {
      const e164 = manualPhone(input.phone);
      if (!e164) errors.push({ field: 'phone', message: '電話番号の形式が正しくありません (not a valid phone number)' });
      else set('phone', e164);
    }
  }
  if (input.postalCode !== undefined) {
    if (!input.postalCode) set('postalCode', null);
    else {
      const postal = normalizePostalCode(input.postalCode);
      if (!postal.valid) errors.push({ field: 'postalCode', message: '郵便番号は7桁で入力してください (7 digits)' });
      else set('postalCode', postal.value);
    }
  }
  if (input.prefecture !== undefined) set('prefecture', input.prefecture);
  if (input.birthDate !== undefined) {
    if (input.birthDate && !isRealDate(input.birthDate)) errors.push({ field: 'birthDate', message: '存在しない日付です (not a real date)' });
    else set('birthDate', input.birthDate);
  }
  if (input.gender !== undefined) set('gender', input.gender);
  if (input.companyId !== undefined && input.companyId !== null) {
    const company = await findCompanyRow(db, input.companyId);
    if (!company) errors.push({ field: 'companyId', message: 'No such company' });
    else set('companyName', company.name);
  } else if (input.companyName !== undefined) set('companyName', input.companyName === null ? null : nfkcKeepSpace(input.companyName));
  else if (input.companyId === null) set('companyName', null);
  if (input.lifecycleStage !== undefined) {
    if (!(await repo.lifecycleStageExists(db, input.lifecycleStage))) errors.push({ field: 'lifecycleStage', message: 'Unknown lifecycle stage' });
    else set('lifecycleStage', input.lifecycleStage);
  } else if (options.creating) set('lifecycleStage', 'prospect');
  if (input.acquisitionChannel !== undefined) {
    if (input.acquisitionChannel && !(await repo.acquisitionChannelExists(db, input.acquisitionChannel))) {
      errors.push({ field: 'acquisitionChannel', message: 'Unknown acquisition channel' });
    } else set('acquisitionChannel', input.acquisitionChannel);
  }
  if (input.ownerUserId !== undefined) {
    if (input.ownerUserId && !(await repo.userExists(db, input.ownerUserId))) errors.push({ field: 'ownerUserId', message: 'No such user' });
    else set('ownerUserId', input.ownerUserId);
  }
  if (input.customFields) {
    const definitions = await listCustomFieldDefinitions(db, 'customer');
    const { values, errors: customErrors } = validateCustomValues(definitions, input.customFields);
    errors.push(...customErrors);
    for (const [key, value] of Object.entries(values)) set(`${CUSTOM_PREFIX}${key}`, value);
  }
  if (options.creating) {
    const hasName = [out.familyName, out.givenName, out.companyName, out.email].some((v) => typeof v === 'string' && v !== '');
    if (!hasName) errors.push({ field: 'familyName', message: '姓・会社名・メールアドレスのいずれかを入力してください (a name, company or e-mail is required)' });
  }
  if (errors.length) throw new AppError('validation_failed', 'The customer has invalid fields', errors);
  return out;
}

// ── reads ──

/**
 * A number a person typed is kept when it is a real number, even if it looks like a textbook placeholder
 * (090-1234-5678): the placeholder flag matters for matching, not for what a user chose to store.
 */
function manualPhone(raw: string): string | null {
  const phone = normalizePhone(raw);
  if (phone.e164) return phone.e164;
  if (!phone.placeholder) return null;
  const parsed = parsePhoneNumberFromString(nfkc(raw).replace(/[‐－―ー−]/g, '-'), 'JP');
  return parsed?.isValid() ? parsed.number : null;
}

function nfkcKeepSpace(value: string): string {
  return nfkc(value);
}

function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && d.getUTCFullYear() >= 1900 && d <= new Date();
}
