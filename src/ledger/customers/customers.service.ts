import type { Expression, SqlBool } from 'kysely';
import type { Actor, AuthContext } from '../../core/context.ts';
import type { Config } from '../../config/config.ts';
import { cursorText, cursorTime, cursorUuid, decodeCursor, encodeCursor, invalidCursor } from '../../core/cursor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CustomerRow } from '../../db/schema.ts';
import { can } from '../../domain/auth/permissions.ts';
import { CUSTOM_PREFIX, EMAIL_PLACEHOLDER_FIELD } from '../../domain/customers/fields.ts';
import { otherSourceValues } from '../../domain/customers/golden.ts';
import { maskEmail, maskPhone, maskSourceRecord, maskStatement, maskText } from '../../domain/customers/masking.ts';
import { normalizeEmail } from '../../domain/normalize/email.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { audit } from '../../platform/audit/audit.service.ts';
import { hitRateLimit } from '../../platform/accounts/auth.repository.ts';
import { searchCustomerIds } from '../search/search.repository.ts';
import * as repo from './customers.repository.ts';
import { customerAffiliationHistory } from './affiliation-history.service.ts';
import type { AffiliationHistory, Customer, CustomerList, CustomerListItem, CustomerSourceValues, SourceRecord } from './customers.schemas.ts';
import { refreshOrderRollups } from '../values/values.service.ts';


/**
 * The dashboards' narrow copy of every customer (customer_facts) rewritten from the customers table: the daily pass
 * puts right whatever a path missed, and a bulk load that wrote customers with its own SQL calls it once.
 */
export async function rebuildCustomerFacts(db: Db): Promise<void> {
  await repo.rebuildCustomerFacts(db);
}

/**
 * Each live customer's first arrival at each funnel stage (customer_funnel) rewritten from the stage history: the
 * daily pass puts right whatever a path missed, and a load that wrote history with its own SQL calls it once.
 */
export async function rebuildCustomerFunnel(db: Db): Promise<void> {
  await repo.rebuildCustomerFunnel(db);
}

/** Soft delete: the row and its source records stay (and the audit log says who and when). */
export async function deleteCustomer(db: Db, id: string, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await repo.findCustomerRow(trx, id);
    if (!row) throw notFound('Customer');
    await repo.softDeleteCustomer(trx, id, actor.auth?.userId ?? null);
    // A deleted customer leaves the dashboards' order rollups.
    await refreshOrderRollups(trx, [id]);
    await audit(trx, actor, 'customer.delete', { type: 'customer', id }, { displayName: row.display_name });
  });
}

/** 所属履歴 (GET /customers/{id}/affiliations): derived from the records on every read, each period with its sources. */
export async function customerAffiliations(db: Db, id: string): Promise<AffiliationHistory> {
  if (!(await repo.findCustomerRow(db, id))) throw notFound('Customer');
  const [periods, records] = await Promise.all([customerAffiliationHistory(db, id), repo.listSourceRecordsOfCustomer(db, id)]);
  const label = new Map(records.map((r) => [r.id, r.source_label ?? r.source]));
  // A registered company shows as the ledger names it (as its page does); the spelling a record used stays beside it.
  const registered = await repo.loadCompanyNames(db, [...new Set(periods.flatMap((p) => (p.companyId === null ? [] : [p.companyId])))]);
  return {
    items: periods.map((p) => ({
      companyId: p.companyId, companyName: (p.companyId !== null ? registered.get(p.companyId) : undefined) ?? p.companyName, writtenAs: p.companyName, department: p.department, title: p.title, firstSeen: p.firstSeen, lastSeen: p.lastSeen,
      status: p.status, change: p.change,
      sources: p.sourceRecordIds.map((rid) => {
        const r = records.find((x) => x.id === rid);
        return { sourceRecordId: rid, source: r?.source ?? '', label: label.get(rid) ?? '' };
      }),
    })),
  };
}

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
  // Not a column: the golden record's placeholder e-mail is the value the record named in its provenance holds.
  const placeholderFrom = row.provenance[EMAIL_PLACEHOLDER_FIELD];
  const placeholder = placeholderFrom ? byRecord.get(placeholderFrom.sourceRecordId)?.normalized[EMAIL_PLACEHOLDER_FIELD] : undefined;
  customer.emailPlaceholder = typeof placeholder === 'string' ? (customer.masked ? maskEmail(placeholder) : placeholder) : null;
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

/**
 * How many customers a list matches: exact up to COUNT_BOUND (10,000; a search counts within its first
 * SEARCH_COUNT_BOUND hits), beyond that "at least `count`" (`exact` false). Never an estimate passed off as a count.
 */
export interface ListTotal { count: number; exact: boolean }
export const COUNT_BOUND = 10_000;
export const SEARCH_COUNT_BOUND = 1_000;

export type CustomerListQuery = { q?: string | undefined; stage?: string | undefined; source?: string | undefined; owner?: string | undefined; prefecture?: string | undefined; companyId?: string | undefined; email?: string | undefined; sort?: repo.CustomerSort | undefined; cursor?: string | undefined; limit?: number | undefined };

function filterOf(query: CustomerListQuery): repo.CustomerListFilter {
  return {
    lifecycleStage: query.stage,
    source: query.source,
    ownerUserId: query.owner,
    prefecture: query.prefecture,
    companyId: query.companyId,
    email: query.email ? normalizeEmail(query.email).value : undefined,
  };
}

const hasAnyFilter = (filter: repo.CustomerListFilter) => Object.values(filter).some((v) => v !== undefined);

/** The total of a list (see ListTotal): a bounded count, or for a search the matches among its first hits that pass the filters. */
export async function countCustomers(db: Db, query: CustomerListQuery, auth: AuthContext | null): Promise<ListTotal> {
  const filter = filterOf(query);
  if (query.q && query.q.trim()) {
    const personal = auth !== null && can(auth.role, 'customers:read_personal');
    const result = await searchCustomerIds(db, query.q, { limit: SEARCH_COUNT_BOUND, personal });
    const ids = result.hits.map((h) => h.id);
    const count = hasAnyFilter(filter) && ids.length > 0 ? await repo.countCustomerRows(db, { ...filter, ids }, SEARCH_COUNT_BOUND) : ids.length;
    return { count, exact: !result.hasMore };
  }
  const count = await repo.countCustomerRows(db, filter, COUNT_BOUND);
  return count > COUNT_BOUND ? { count: COUNT_BOUND, exact: false } : { count, exact: true };
}

export async function listCustomers(
  db: Db,
  query: CustomerListQuery,
  auth: AuthContext | null,
  options: { /** Count the matches too (the list's first page: later pages keep the count they were shown). */ total?: boolean } = {},
): Promise<CustomerList> {
  const limit = query.limit ?? 50;
  const filter = filterOf(query);
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
  if (!options.total) return { items, nextCursor, hasMore };
  // A first page that holds every match is its own exact count: no second query.
  // (A filtered search's page comes from a window of search hits, so it counts like any search.)
  const whole = !query.cursor && !hasMore && !(query.q?.trim() && hasAnyFilter(filter));
  const total = whole ? { count: items.length, exact: true } : await countCustomers(db, query, auth);
  return { items, nextCursor, hasMore, total };
}

/** Customers by id, in the order given (a page of a segment's members), masked for the reader like the list. */
export async function listCustomersByIds(db: Db, ids: readonly string[], auth: AuthContext | null): Promise<CustomerListItem[]> {
  if (ids.length === 0) return [];
  const rows = await repo.findCustomerRowsByIds(db, [...ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  const [companies, users] = await Promise.all([
    repo.loadCompanyNames(db, unique(ordered.map((r) => r.company_id))),
    repo.loadUserNames(db, unique(ordered.map((r) => r.owner_user_id))),
  ]);
  return ordered.map((r) => {
    const { provenance: _provenance, ...rest } = toCustomer(r, companies, users, auth);
    return rest;
  });
}

/** Export rows (whole: masking is the export permission's business) of customers by id, in the order given. */
export async function customerExportRowsByIds(db: Db, ids: readonly string[]): Promise<CustomerExportRow[]> {
  if (ids.length === 0) return [];
  const rows = await repo.findCustomerRowsByIds(db, [...ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  const companies = await repo.loadCompanyNames(db, unique(ordered.map((r) => r.company_id)));
  return ordered.map((r) => ({ ...r, company_name: r.company_id ? companies.get(r.company_id) ?? null : null }));
}

export async function listCustomerSourceRecords(db: Db, id: string, auth: AuthContext | null): Promise<SourceRecord[]> {
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

/**
 * What the customer's source records say besides the golden record: 「他のデータソースの値」 per group or field
 * (otherSourceValues), and the values kept under the source's own names (`custom.<column>`: an unmapped file column,
 * a form's own question) per record. Masked like the rest of the customer for roles without customers:read_personal.
 */
export async function getCustomerSourceValues(db: Db, id: string, auth: AuthContext | null): Promise<CustomerSourceValues> {
  const row = await repo.findCustomerRow(db, id);
  if (!row) throw notFound('Customer');
  const personal = auth !== null && can(auth.role, 'customers:read_personal');
  const records = await repo.listSourceRecordsOfCustomer(db, id);
  const labelOf = new Map(records.map((r) => [r.id, r.source_label]));
  const otherValues: CustomerSourceValues['otherValues'] = {};
  for (const [key, list] of Object.entries(otherSourceValues(repo.statementsOf(records)))) {
    // Values under a source's own names are listed per record below, where their column name says what they are.
    if (key.startsWith(CUSTOM_PREFIX)) continue;
    otherValues[key] = list.map((v) => ({
      values: personal ? v.values : maskStatement(v.values), source: v.source, sourceLabel: labelOf.get(v.sourceRecordId) ?? v.source,
      sourceRecordId: v.sourceRecordId, at: v.at,
    }));
  }
  const attributes: CustomerSourceValues['attributes'] = [];
  for (const r of [...records].sort((a, b) => b.received_at.getTime() - a.received_at.getTime() || b.id - a.id)) {
    for (const [key, value] of Object.entries(r.normalized)) {
      if (!key.startsWith(CUSTOM_PREFIX) || value === null || value === undefined || value === '') continue;
      attributes.push({
        name: key.slice(CUSTOM_PREFIX.length), value: personal ? value : maskText('x'),
        source: r.source, sourceLabel: r.source_label, sourceRecordId: r.id, at: r.received_at.toISOString(),
      });
    }
  }
  return { otherValues, attributes };
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

/** A search exports at most this many ranked matches (a search is ranked, not walked: see searchCustomerIds). */
export const EXPORT_SEARCH_MAX = 10_000;
const EXPORT_PAGE = 2_000;

export type CustomerExportRow = CustomerRow & { company_name: string | null };

/**
 * The customers of a list as the person sees it — its search, filters and sort — for an export, page by page.
 * Without a search every match is walked by the list's own keyset; a search exports its first EXPORT_SEARCH_MAX
 * ranked matches (`truncated` when there were more). Rows are whole: masking is the export permission's business.
 */
export async function customersForExport(
  db: Db, query: CustomerListQuery, auth: AuthContext | null,
  /** A condition over `customers` the exporting feature adds (a provision export: the third_party consent). */
  extra?: Expression<SqlBool>,
): Promise<{ truncated: boolean; pages: AsyncGenerator<CustomerExportRow[]> }> {
  // 利用停止: an export never carries a customer whose use is stopped.
  const filter = { ...filterOf(query), excludeUseStopped: true, extra };
  const withCompanies = async (rows: Array<CustomerRow & { created_cursor?: string; updated_cursor?: string }>): Promise<CustomerExportRow[]> => {
    const companies = await repo.loadCompanyNames(db, unique(rows.map((r) => r.company_id)));
    return rows.map(({ created_cursor: _c, updated_cursor: _u, ...r }) => ({ ...r, company_name: r.company_id ? companies.get(r.company_id) ?? null : null }));
  };
  if (query.q && query.q.trim()) {
    const personal = auth !== null && can(auth.role, 'customers:read_personal');
    const result = await searchCustomerIds(db, query.q, { limit: EXPORT_SEARCH_MAX, personal });
    const ids = result.hits.map((h) => h.id);
    async function* pages() {
      for (let i = 0; i < ids.length; i += EXPORT_PAGE) {
        const chunk = ids.slice(i, i + EXPORT_PAGE);
        const found = new Map((await repo.listCustomerRows(db, { ...filter, ids: chunk }, 'updated', null, chunk.length)).map((r) => [r.id, r]));
        const ranked = chunk.map((id) => found.get(id)).filter((r) => r !== undefined);
        if (ranked.length) yield await withCompanies(ranked);
      }
    }
    return { truncated: result.hasMore, pages: pages() };
  }
  const sort = query.sort ?? 'updated';
  async function* pages() {
    let after: { value: string; id: string } | null = null;
    for (;;) {
      const rows = await repo.listCustomerRows(db, filter, sort, after, EXPORT_PAGE);
      if (rows.length === 0) return;
      yield await withCompanies(rows);
      if (rows.length < EXPORT_PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { value: sort === 'name' ? last.sort_key : sort === 'created' ? last.created_cursor : last.updated_cursor, id: last.id };
    }
  }
  return { truncated: false, pages: pages() };
}

/** How many customers of the export's list a condition keeps (a provision export: those it refuses), up to `bound`. */
export async function countForExport(db: Db, query: CustomerListQuery, condition: Expression<SqlBool>, bound: number): Promise<number> {
  if (query.q && query.q.trim()) {
    const result = await searchCustomerIds(db, query.q, { limit: EXPORT_SEARCH_MAX, personal: true });
    return repo.countCustomerRows(db, { ...filterOf(query), excludeUseStopped: true, extra: condition, ids: result.hits.map((h) => h.id) }, bound);
  }
  return repo.countCustomerRows(db, { ...filterOf(query), excludeUseStopped: true, extra: condition }, bound);
}

/** The list parameters that are set: what an export's audit entry records as its filters. */
export function activeListFilters(query: CustomerListQuery): Record<string, string> {
  const keys = ['q', 'stage', 'source', 'owner', 'prefecture', 'companyId', 'email', 'sort'] as const;
  return Object.fromEntries(keys.filter((k) => query[k]).map((k) => [k, String(query[k])]));
}
