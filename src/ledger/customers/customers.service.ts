import { createHash, randomUUID } from 'node:crypto';
import type { Actor, AuthContext } from '../../core/context.ts';
import type { Config } from '../../config/config.ts';
import { cursorText, cursorTime, cursorUuid, decodeCursor, encodeCursor, invalidCursor } from '../../core/cursor.ts';
import { AppError, notFound, type FieldError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CustomerRow } from '../../db/schema.ts';
import { sendPending } from '../../db/send-pending.ts';
import { can } from '../../domain/auth/permissions.ts';
import { CUSTOM_PREFIX, displayNameOf } from '../../domain/customers/fields.ts';
import { computeGolden, diffValues, type SourceStatement } from '../../domain/customers/golden.ts';
import { maskEmail, maskPhone, maskSourceRecord, maskText } from '../../domain/customers/masking.ts';
import type { ImportField } from '../../domain/import/profile.ts';
import { blockingKeys, prepareMatchRecord } from '../../domain/match/index.ts';
import { normalizeEmail } from '../../domain/normalize/email.ts';
import { normalizePhone } from '../../domain/normalize/phone.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizePostalCode } from '../../domain/normalize/postal.ts';
import { nfkc, toKatakana } from '../../domain/normalize/text.ts';
import { insertActivity } from '../activities/activities.repository.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { hitRateLimit } from '../../platform/accounts/auth.repository.ts';
import { findCompanyRow } from '../companies/companies.repository.ts';
import { insertMatchKeys } from '../../intake/files/import.repository.ts';
import { keyHash } from '../../intake/files/key-hash.ts';
import { listCustomFieldDefinitions } from '../custom-fields/custom-fields.repository.ts';
import { validateCustomValues } from '../custom-fields/custom-fields.service.ts';
import { searchCustomerIds, searchDocumentColumns } from '../search/search.repository.ts';
import * as repo from './customers.repository.ts';
import type { Customer, CustomerInput } from './customers.schemas.ts';

const MANUAL_SOURCE = 'manual';

// ── writes ──

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
export async function updateCustomer(db: Db, id: string, input: CustomerInput, actor: Actor): Promise<Customer> {
  await db.transaction().execute(async (trx) => {
    const before = await repo.findCustomerRow(trx, id, { forUpdate: true });
    if (!before) throw notFound('Customer');
    const fields = await normalizeManualInput(trx, input, { creating: false });
    if (Object.keys(fields).length === 0) return;
    const beforeValues = (await loadGolden(trx, id)).values;
    const record = await recordManualStatement(trx, id, input, fields, actor);
    const after = await recomputeCustomer(trx, id);
    const changes = diffValues(beforeValues, after);
    if (changes.length === 0) return;
    await insertActivity(trx, {
      customerId: id,
      type: 'edit',
      occurredAt: record.received_at,
      title: 'プロフィールを編集',
      properties: { changes },
      sourceRecordId: record.id,
      actorUserId: actor.auth?.userId ?? null,
    });
    await audit(trx, actor, 'customer.update', { type: 'customer', id }, { fields: changes.map((c) => c.field) });
  });
  return getCustomer(db, id, actor, { audited: false });
}

/** Soft delete: the row and its source records stay (and the audit log says who and when). */
export async function deleteCustomer(db: Db, id: string, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await repo.findCustomerRow(trx, id);
    if (!row) throw notFound('Customer');
    await repo.softDeleteCustomer(trx, id, actor.auth?.userId ?? null);
    await audit(trx, actor, 'customer.delete', { type: 'customer', id }, { displayName: row.display_name });
  });
}

async function recordManualStatement(db: Db, customerId: string, raw: CustomerInput, fields: Record<string, unknown>, actor: Actor) {
  const source = await repo.findSourceIdByName(db, MANUAL_SOURCE);
  if (!source) throw new Error('The manual source is missing: run the migrations');
  // What a user typed takes part in identity resolution like any source: a later form submission, order or
  // import with the same e-mail or phone finds this customer through the record's blocking keys.
  const matchRecord = prepareMatchRecord({ id: '', source: MANUAL_SOURCE, fields: manualMatchFields(fields) });
  const record = await repo.insertSourceRecord(db, {
    sourceId: source.id,
    externalId: `ui:${randomUUID()}`,
    customerId,
    raw,
    normalized: fields,
    contentHash: createHash('sha256').update(JSON.stringify(fields)).digest('hex'),
    userId: actor.auth?.userId ?? null,
    matchRecord,
  });
  await insertMatchKeys(db, blockingKeys({ ...matchRecord, id: String(record.id) }).map((key) => ({ keyHash: keyHash(key), recordId: record.id })));
  return record;
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
 * Recomputes a customer's golden record from all its source records (survivorship) and writes it,
 * with provenance, search columns and company link. Returns the new values. Import and merge use it too.
 */
export async function recomputeCustomer(db: Db, customerId: string): Promise<Record<string, unknown>> {
  return (await recomputeCustomers(db, [customerId])).get(customerId) ?? {};
}

/** Customers recomputed per round trip by recomputeCustomers. */
const RECOMPUTE_BATCH = 2000;

/**
 * recomputeCustomer for many customers at once: one query loads their statements, survivorship runs in memory,
 * one statement writes the golden columns and one the primary affiliations (per 2,000 customers). Returns each
 * customer's new values.
 */
export async function recomputeCustomers(db: Db, customerIds: Iterable<string>): Promise<Map<string, Record<string, unknown>>> {
  const ids = [...new Set(customerIds)];
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += RECOMPUTE_BATCH) {
    const batch = ids.slice(i, i + RECOMPUTE_BATCH);
    const statements = new Map<string, SourceStatement[]>(batch.map((id) => [id, []]));
    for (const r of await repo.listStatementsOfCustomers(db, batch)) {
      statements.get(r.customer_id!)!.push({ sourceRecordId: r.id, source: r.source, sourcePriority: r.source_priority, receivedAt: r.received_at, fields: r.normalized });
    }
    const rows = await goldenRows(db, [...statements].map(([id, list]) => ({ id, statements: list })));
    await repo.updateCustomersColumns(db, rows.map((r) => r.row));
    await repo.upsertPrimaryAffiliations(db, rows.map((r) => affiliationOf(r.row)));
    for (const r of rows) out.set(r.row.id, r.values);
  }
  return out;
}

/**
 * The next page of a source's customers (in id order, after `afterCustomerId`), their golden records recomputed in
 * the caller's transaction: after the source's priority changed, survivorship must pick again wherever the source
 * competes with another. Returns the page's customer ids; none when the walk is over. The walk itself, its cursor
 * and its progress are the sources feature's (sources/recompute.service.ts).
 */
export async function recomputeSourceCustomersPage(db: Db, sourceId: string, afterCustomerId: string | null, pageSize: number): Promise<string[]> {
  const page = await repo.listCustomersOfSource(db, sourceId, afterCustomerId, pageSize);
  if (page.length > 0) await recomputeCustomers(db, page);
  return page;
}

/**
 * Creates customers whose every statement the caller already holds (an import's new clusters): the golden record is
 * computed in memory and each customer is inserted once, complete. The caller links the records afterwards.
 */
export async function createCustomersFromStatements(db: Db, customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>): Promise<void> {
  // On PostgreSQL the database works beside this thread: each batch's golden records and search documents (the
  // JavaScript, ~14 s of a 100k-row import) are built while the previous batch's insert runs.
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; i < customers.length; i += RECOMPUTE_BATCH) {
    const built = buildGoldenRows(customers.slice(i, i + RECOMPUTE_BATCH));
    await writing;
    const rows = await withCompanies(db, built);
    writing = (async () => {
      await repo.insertCustomersWithColumns(db, rows.map((r) => r.row));
      await repo.upsertPrimaryAffiliations(db, rows.map((r) => affiliationOf(r.row)).filter((a) => a.company_id !== null));
    })();
    writing.catch(() => {}); // awaited on the next turn or below; a failure must not be "unhandled" meanwhile
    await sendPending();
  }
  await writing;
}

/** Survivorship for each customer, then the golden columns (companies named for the first time are registered). */
async function goldenRows(db: Db, customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>) {
  return withCompanies(db, buildGoldenRows(customers));
}

/** The golden values and columns of each customer, in memory (the company link comes from withCompanies). */
function buildGoldenRows(customers: ReadonlyArray<{ id: string; statements: SourceStatement[] }>) {
  return customers.map((c) => {
    const { values, provenance } = computeGolden(c.statements);
    return { values, row: goldenRow(c.id, values, provenance, null) };
  });
}

/** Sets each row's company (companies named for the first time are registered). */
async function withCompanies(db: Db, rows: Array<{ values: Record<string, unknown>; row: repo.GoldenRow }>) {
  const companies = await resolveCompanies(db, rows.map((r) => str(r.values.companyName)));
  for (const r of rows) {
    const name = str(r.values.companyName);
    r.row.company_id = name ? companies.get(name)! : null;
  }
  return rows;
}

function goldenRow(id: string, values: Record<string, unknown>, provenance: Record<string, unknown>, companyId: string | null): repo.GoldenRow {
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) if (key.startsWith(CUSTOM_PREFIX)) custom[key.slice(CUSTOM_PREFIX.length)] = value;
  const displayName = displayNameOf(values);
  return {
    id,
    kind: values.kind === 'organization' ? 'organization' : 'person',
    family_name: str(values.familyName),
    given_name: str(values.givenName),
    family_name_kana: str(values.familyNameKana),
    given_name_kana: str(values.givenNameKana),
    display_name: displayName,
    email: str(values.email),
    phone: str(values.phone),
    postal_code: str(values.postalCode),
    prefecture: str(values.prefecture),
    address: str(values.address),
    building: str(values.building),
    birth_date: str(values.birthDate),
    gender: str(values.gender),
    company_id: companyId,
    department: str(values.department),
    title: str(values.title),
    lifecycle_stage: str(values.lifecycleStage) ?? 'prospect',
    acquisition_channel: str(values.acquisitionChannel),
    owner_user_id: str(values.ownerUserId),
    custom_fields: custom,
    provenance,
    ...searchDocumentColumns({
      familyName: str(values.familyName) ?? undefined,
      givenName: str(values.givenName) ?? undefined,
      familyNameKana: str(values.familyNameKana) ?? undefined,
      givenNameKana: str(values.givenNameKana) ?? undefined,
      displayName,
      companyName: str(values.companyName) ?? undefined,
      email: str(values.email) ?? undefined,
      phone: str(values.phone) ?? undefined,
    }),
  };
}

function affiliationOf(row: repo.GoldenRow) {
  return { customer_id: row.id, company_id: row.company_id, department: row.department, title: row.title };
}

async function loadGolden(db: Db, customerId: string) {
  const statements: SourceStatement[] = (await repo.listStatements(db, customerId)).map((r) => ({
    sourceRecordId: r.id,
    source: r.source,
    sourcePriority: r.source_priority,
    receivedAt: r.received_at,
    fields: r.normalized,
  }));
  return computeGolden(statements);
}

/** The company of each name: an existing one with that exact name, or a new one. */
async function resolveCompanies(db: Db, names: Array<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(names.filter((n): n is string => n !== null))];
  const found = await repo.findCompaniesByNames(db, wanted);
  const missing = wanted.filter((n) => !found.has(n));
  for (const [name, id] of await repo.insertCompaniesNamed(db, missing)) found.set(name, id);
  return found;
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

export async function getCustomer(db: Db, id: string, actor: Actor, options: { audited: boolean } = { audited: true }): Promise<Customer> {
  const row = await repo.findCustomerRow(db, id);
  if (!row) throw notFound('Customer');
  const [companies, users, records] = await Promise.all([
    repo.loadCompanyNames(db, row.company_id ? [row.company_id] : []),
    repo.loadUserNames(db, row.owner_user_id ? [row.owner_user_id] : []),
    repo.listSourceRecordsOfCustomer(db, id),
  ]);
  const byRecord = new Map(records.map((r) => [r.id, r]));
  const customer = toCustomer(row, companies, users, actor.auth);
  for (const [field, p] of Object.entries(row.provenance)) {
    const record = byRecord.get(p.sourceRecordId);
    customer.provenance[field] = { ...p, sourceLabel: record?.source_label ?? null, by: record?.created_by ?? null };
  }
  if (options.audited) await audit(db, actor, 'customer.view', { type: 'customer', id }, { masked: customer.masked });
  return customer;
}

/**
 * Counts one search by the caller against their limit, and refuses it past the limit (429 with Retry-After). Per
 * user (an API key counts as its user), in the database like the login's, so every server process shares it: a
 * search is the one read that a script can ask over and over to learn what a row holds.
 */
export async function countSearch(db: Db, limit: Config['searchRateLimit'], auth: AuthContext | null): Promise<void> {
  if (limit.maxPerWindow === 0 || !auth) return;
  const { hits, windowStart } = await hitRateLimit(db, `search:user:${auth.userId}`, limit.windowSeconds);
  if (hits <= limit.maxPerWindow) return;
  const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + limit.windowSeconds * 1000 - Date.now()) / 1000));
  throw new AppError('too_many_requests', `検索の回数が上限を超えました。${retryAfter} 秒後にもう一度お試しください (too many searches: ${limit.maxPerWindow} a minute)`, [], { 'Retry-After': String(retryAfter) });
}

export interface ListResult { items: Omit<Customer, 'provenance'>[]; nextCursor: string | null; hasMore: boolean }

export async function listCustomers(
  db: Db,
  query: { q?: string | undefined; stage?: string | undefined; source?: string | undefined; owner?: string | undefined; prefecture?: string | undefined; companyId?: string | undefined; email?: string | undefined; sort?: repo.CustomerSort | undefined; cursor?: string | undefined; limit?: number | undefined },
  auth: AuthContext | null,
): Promise<ListResult> {
  const limit = query.limit ?? 50;
  const filter: repo.CustomerListFilter = {
    lifecycleStage: query.stage,
    source: query.source,
    ownerUserId: query.owner,
    prefecture: query.prefecture,
    companyId: query.companyId,
    email: query.email ? normalizeEmail(query.email).value : undefined,
  };
  let rows: Array<CustomerRow & { created_cursor?: string; updated_cursor?: string }>;
  let hasMore: boolean;
  let nextCursor: string | null = null;
  if (query.q && query.q.trim()) {
    // Search ranks by match tier (exact, prefix, contains); paging is by offset within the ranked list.
    const offset = query.cursor ? decodeOffsetCursor(query.cursor) : 0;
    const hasFilters = Object.values(filter).some((v) => v !== undefined);
    const searchLimit = hasFilters ? Math.min(1000, (offset + limit) * 10) : limit;
    const personal = auth !== null && can(auth.role, 'customers:read_personal');
    const result = await searchCustomerIds(db, query.q, { limit: searchLimit, offset: hasFilters ? 0 : offset, personal });
    const ids = result.hits.map((h) => h.id);
    const found = await repo.listCustomerRows(db, { ...filter, ids }, 'updated', null, ids.length || 1);
    const byId = new Map(found.map((r) => [r.id, r]));
    const ranked = ids.map((i) => byId.get(i)).filter((r) => r !== undefined);
    rows = hasFilters ? ranked.slice(offset, offset + limit) : ranked;
    hasMore = hasFilters ? ranked.length > offset + limit : result.hasMore;
    if (hasMore) nextCursor = encodeCursor({ o: offset + limit });
  } else {
    const sort = query.sort ?? 'updated';
    const after = query.cursor ? decodeKeyCursor(query.cursor, sort) : null;
    const found = await repo.listCustomerRows(db, filter, sort, after, limit + 1);
    hasMore = found.length > limit;
    rows = found.slice(0, limit);
    const last = rows[rows.length - 1];
    if (hasMore && last) nextCursor = encodeCursor({ v: sort === 'name' ? last.sort_key : sort === 'created' ? last.created_cursor : last.updated_cursor, i: last.id });
  }
  const [companies, users] = await Promise.all([
    repo.loadCompanyNames(db, unique(rows.map((r) => r.company_id))),
    repo.loadUserNames(db, unique(rows.map((r) => r.owner_user_id))),
  ]);
  const items = rows.map((r) => {
    const { provenance: _provenance, ...rest } = toCustomer(r, companies, users, auth);
    return rest;
  });
  return { items, nextCursor, hasMore };
}

export async function listCustomerSourceRecords(db: Db, id: string, auth: AuthContext | null) {
  const row = await repo.findCustomerRow(db, id);
  if (!row) throw notFound('Customer');
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  return (await repo.listSourceRecordsOfCustomer(db, id)).map((r) => {
    const seen = { externalId: r.external_id, raw: r.raw, normalized: r.normalized };
    const { externalId, raw, normalized } = personal ? seen : maskSourceRecord(seen);
    return {
      id: r.id,
      source: r.source,
      sourceLabel: r.source_label,
      externalId,
      raw,
      normalized,
      receivedAt: r.received_at.toISOString(),
      createdBy: r.created_by,
    };
  });
}

function toCustomer(row: CustomerRow, companies: Map<string, string>, users: Map<string, string>, auth: AuthContext | null): Customer {
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const phoneNational = row.phone ? parsePhoneNumberFromString(row.phone)?.formatNational() ?? row.phone : null;
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    familyName: row.family_name,
    givenName: row.given_name,
    familyNameKana: row.family_name_kana,
    givenNameKana: row.given_name_kana,
    email: personal ? row.email : maskEmail(row.email),
    phone: personal ? row.phone : maskPhone(row.phone),
    phoneNational: personal ? phoneNational : maskPhone(phoneNational),
    postalCode: personal ? row.postal_code : maskText(row.postal_code),
    prefecture: row.prefecture,
    address: personal ? row.address : maskText(row.address),
    building: personal ? row.building : maskText(row.building),
    birthDate: personal ? row.birth_date : maskText(row.birth_date),
    gender: row.gender,
    company: row.company_id ? { id: row.company_id, name: companies.get(row.company_id) ?? '' } : null,
    department: row.department,
    title: row.title,
    lifecycleStage: row.lifecycle_stage,
    acquisitionChannel: row.acquisition_channel,
    owner: row.owner_user_id ? { id: row.owner_user_id, displayName: users.get(row.owner_user_id) ?? '' } : null,
    customFields: personal ? row.custom_fields : maskCustom(row.custom_fields),
    provenance: {},
    masked: !personal,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// Without the definitions at hand, every custom value is treated as potentially personal for masked roles.
function maskCustom(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(values).map((k) => [k, maskText('x')]));
}

// ── helpers ──

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

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function nfkcKeepSpace(value: string): string {
  return nfkc(value);
}


function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && d.getUTCFullYear() >= 1900 && d <= new Date();
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}

/** The (sort value, id) of the last row: a name's sort key, or the exact time of a time sort. */
function decodeKeyCursor(cursor: string, sort: 'name' | 'created' | 'updated'): { value: string; id: string } {
  const parsed = decodeCursor(cursor);
  return { value: sort === 'name' ? cursorText(parsed.v) : cursorTime(parsed.v), id: cursorUuid(parsed.i) };
}

function decodeOffsetCursor(cursor: string): number {
  const parsed = decodeCursor(cursor);
  if (typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0 || parsed.o > 1000) throw invalidCursor();
  return parsed.o;
}
