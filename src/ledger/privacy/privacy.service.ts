import type { Actor, AuthContext } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { can } from '../../domain/auth/permissions.ts';
import { maskText } from '../../domain/customers/masking.ts';
import { defaultDueOn } from '../../domain/privacy/requests.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { recordConsent } from '../consents/consents.service.ts';
import { loadUserNames, setUseStopped, userExists } from '../customers/customers.repository.ts';
import type { PrivacyParts } from './parts.ts';
import * as repo from './privacy.repository.ts';
import type { PrivacyRequest, ProvisionList, RequestInput, RequestList, RequestPatch } from './privacy.schemas.ts';

/**
 * APPI data-subject requests (本人からの請求): the inbox, a request's customers, 利用停止 and 第三者提供の停止.
 * Disclosure is disclosure.service.ts, erasure erasure.service.ts, a correction the manual door's
 * (src/intake/manual). Every change is audited; the requester's name and contact are personal data and masked for a
 * role without customers:read_personal.
 */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const today = () => new Date().toISOString().slice(0, 10);

function personal(auth: AuthContext | null): boolean {
  return auth !== null && can(auth.role, 'customers:read_personal');
}

type Listed = Awaited<ReturnType<typeof repo.listRequests>>[number];

function toItem(r: repo.RequestRowDb | Listed, names: Map<string, string>, auth: AuthContext | null) {
  const open = r.status === 'open' || r.status === 'in_progress';
  const show = personal(auth);
  return {
    id: r.id, kind: r.kind, status: r.status, receivedOn: r.received_on, dueOn: r.due_on, overdue: open && r.due_on < today(),
    requesterName: show ? r.requester_name : maskText(r.requester_name)!, requesterContact: show ? r.requester_contact : maskText(r.requester_contact),
    identityVerifiedBy: r.identity_verified_by_user_id,
    identityVerifiedByName: r.identity_verified_by_user_id ? names.get(r.identity_verified_by_user_id) ?? null : null,
    identityVerifiedAt: iso(r.identity_verified_at), identityMethod: r.identity_method, notes: r.notes,
    createdBy: r.created_by_user_id, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, completedAt: iso(r.completed_at), erasedAt: iso(r.erased_at),
  };
}

async function checkReferences(db: Db, input: { identityVerifiedBy?: string | null | undefined; customerIds?: string[] | undefined; receivedOn?: string | undefined; dueOn?: string | undefined }) {
  const errors: Array<{ field: string; message: string }> = [];
  if (input.identityVerifiedBy && !(await userExists(db, input.identityVerifiedBy))) {
    errors.push({ field: 'identityVerifiedBy', message: '本人確認をしたユーザーが見つかりません (no such user)' });
  }
  if (input.customerIds?.length) {
    const found = new Set((await repo.existingCustomers(db, input.customerIds)));
    input.customerIds.forEach((id, i) => {
      if (!found.has(id)) errors.push({ field: `customerIds[${i}]`, message: '顧客が見つかりません (no such customer)' });
    });
  }
  if (input.receivedOn && input.dueOn && input.dueOn < input.receivedOn) {
    errors.push({ field: 'dueOn', message: '期限は受付日以降にしてください (the due date is before the received date)' });
  }
  if (errors.length) throw new AppError('validation_failed', '入力内容を確認してください (invalid input)', errors);
}

export async function createRequest(db: Db, input: RequestInput, actor: Actor, parts: PrivacyParts): Promise<PrivacyRequest> {
  const id = await db.transaction().execute(async (trx) => {
    const dueOn = input.dueOn ?? defaultDueOn(input.receivedOn);
    await checkReferences(trx, { ...input, dueOn });
    const id = await repo.insertRequest(trx, {
      kind: input.kind, receivedOn: input.receivedOn, dueOn, requesterName: input.requesterName, requesterContact: input.requesterContact ?? null,
      identityVerifiedByUserId: input.identityVerifiedBy ?? null, identityVerifiedAt: input.identityVerifiedAt ? new Date(input.identityVerifiedAt) : null,
      identityMethod: input.identityMethod ?? null, notes: input.notes ?? null,
    }, actor.auth?.userId ?? null);
    await repo.setRequestCustomers(trx, id, [...new Set(input.customerIds)]);
    await audit(trx, actor, 'privacy.request.create', { type: 'privacy_request', id }, { kind: input.kind, customers: input.customerIds.length });
    return id;
  });
  return getRequest(db, id, actor.auth, parts);
}

export async function updateRequest(db: Db, id: string, patch: RequestPatch, actor: Actor, parts: PrivacyParts): Promise<PrivacyRequest> {
  await db.transaction().execute(async (trx) => {
    const before = await repo.findRequest(trx, id, { forUpdate: true });
    if (!before) throw notFound('Privacy request');
    if (before.erased_at && (patch.requesterName !== undefined || patch.requesterContact !== undefined || patch.customerIds !== undefined)) {
      throw new AppError('conflict', '消去済みの請求の請求者と対象は変更できません (the request was erased)');
    }
    await checkReferences(trx, { ...patch, receivedOn: patch.receivedOn ?? before.received_on, dueOn: patch.dueOn ?? before.due_on });
    await repo.updateRequest(trx, id, {
      ...(patch.receivedOn !== undefined ? { receivedOn: patch.receivedOn } : {}),
      ...(patch.dueOn !== undefined ? { dueOn: patch.dueOn } : {}),
      ...(patch.requesterName !== undefined ? { requesterName: patch.requesterName } : {}),
      ...(patch.requesterContact !== undefined ? { requesterContact: patch.requesterContact } : {}),
      ...(patch.identityVerifiedBy !== undefined ? { identityVerifiedByUserId: patch.identityVerifiedBy } : {}),
      ...(patch.identityVerifiedAt !== undefined ? { identityVerifiedAt: patch.identityVerifiedAt ? new Date(patch.identityVerifiedAt) : null } : {}),
      ...(patch.identityMethod !== undefined ? { identityMethod: patch.identityMethod } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
    });
    if (patch.customerIds !== undefined) await repo.setRequestCustomers(trx, id, [...new Set(patch.customerIds)]);
    const fields = Object.keys(patch);
    await audit(trx, actor, 'privacy.request.update', { type: 'privacy_request', id }, { fields, ...(patch.status ? { status: patch.status } : {}) });
  });
  return getRequest(db, id, actor.auth, parts);
}

export async function listRequests(db: Db, filter: { status?: RequestPatch['status']; customerId?: string | undefined }, auth: AuthContext | null): Promise<RequestList> {
  const rows = await repo.listRequests(db, filter, 500);
  const names = await loadUserNames(db, [...new Set(rows.map((r) => r.identity_verified_by_user_id).filter((v): v is string => v !== null))]);
  return { items: rows.map((r) => ({ ...toItem(r, names, auth), customerCount: Number(r.customer_count ?? 0) })) };
}

export async function loadRequest(db: Db, id: string): Promise<repo.RequestRowDb> {
  const row = await repo.findRequest(db, id);
  if (!row) throw notFound('Privacy request');
  return row;
}

export async function getRequest(db: Db, id: string, auth: AuthContext | null, parts: PrivacyParts): Promise<PrivacyRequest> {
  const row = await loadRequest(db, id);
  const names = await loadUserNames(db, row.identity_verified_by_user_id ? [row.identity_verified_by_user_id] : []);
  const customers = await repo.listRequestCustomers(db, id);
  const tombstone = await repo.findTombstoneOfRequest(db, id);
  const backups = tombstone ? await parts.backupsTakenBefore(db, new Date(tombstone.erased_at)) : [];
  const show = personal(auth);
  return {
    ...toItem(row, names, auth),
    customers: customers.map((c) => ({
      customerId: c.customer_id, displayName: c.display_name === null ? null : show ? c.display_name : maskText(c.display_name),
      erased: c.display_name === null, deleted: c.deleted_at !== null, useStopped: c.use_stopped_request_id !== null,
    })),
    tombstone: tombstone ? {
      id: tombstone.id, erasedAt: iso(tombstone.erased_at)!, customerCount: tombstone.customer_count, recordCount: tombstone.record_count,
      deleted: tombstone.deleted as Record<string, number>,
    } : null,
    backupsHoldingData: backups === null
      ? { known: false, items: [] }
      : { known: true, items: backups.map((b) => ({ id: b.id, takenAt: b.takenAt.toISOString(), expiresAt: iso(b.expiresAt), location: b.location })) },
  };
}

/** The request's customers that are still there; a request without any cannot be acted on. */
async function liveCustomersOf(db: Db, requestId: string): Promise<string[]> {
  const ids = (await repo.listRequestCustomers(db, requestId)).filter((c) => c.display_name !== null).map((c) => c.customer_id);
  if (ids.length === 0) throw new AppError('conflict', '請求に対象の顧客がいません。先に顧客を選んでください (the request concerns no customer)');
  return ids;
}

/** 利用停止: every customer of the request is left out of segments, audiences, recommendations and exports. */
export async function stopUse(db: Db, requestId: string, actor: Actor): Promise<{ customers: number }> {
  return db.transaction().execute(async (trx) => {
    const request = await repo.findRequest(trx, requestId, { forUpdate: true });
    if (!request) throw notFound('Privacy request');
    const ids = await liveCustomersOf(trx, requestId);
    const n = await setUseStopped(trx, ids, requestId);
    if (request.status === 'open') await repo.updateRequest(trx, requestId, { status: 'in_progress' });
    await audit(trx, actor, 'privacy.use_stop', { type: 'privacy_request', id: requestId }, { customers: ids });
    return { customers: n };
  });
}

/** Lifts the stop (the person asked again, or it was recorded by mistake). */
export async function resumeUse(db: Db, requestId: string, actor: Actor): Promise<{ customers: number }> {
  return db.transaction().execute(async (trx) => {
    await loadRequest(trx, requestId);
    const ids = await liveCustomersOf(trx, requestId);
    const n = await setUseStopped(trx, ids, null);
    await audit(trx, actor, 'privacy.use_resume', { type: 'privacy_request', id: requestId }, { customers: ids });
    return { customers: n };
  });
}

/** 第三者提供の停止: a withdrawn third_party consent per customer, with the request as how it was recorded. */
export async function stopProvision(db: Db, requestId: string, actor: Actor): Promise<{ customers: number }> {
  return db.transaction().execute(async (trx) => {
    const request = await repo.findRequest(trx, requestId, { forUpdate: true });
    if (!request) throw notFound('Privacy request');
    const ids = await liveCustomersOf(trx, requestId);
    for (const customerId of ids) {
      await recordConsent(trx, {
        customerId, purposeCode: 'third_party', state: 'withdrawn', method: 'request', actorUserId: actor.auth?.userId ?? null,
        textShown: `本人からの請求 ${requestId}`, dedupeKey: `privacy:${requestId}:${customerId}:third_party`,
      });
    }
    if (request.status === 'open') await repo.updateRequest(trx, requestId, { status: 'in_progress' });
    await audit(trx, actor, 'privacy.provision_stop', { type: 'privacy_request', id: requestId }, { customers: ids });
    return { customers: ids.length };
  });
}

/** The stop on a customer, for the customer page's banner. */
export async function useStopOf(db: Db, customerId: string) {
  return repo.useStopOfCustomer(db, customerId);
}

export async function listTombstoneMatches(db: Db, status: 'open' | 'dismissed') {
  const rows = await repo.listTombstoneMatches(db, status, 500);
  return {
    items: rows.map((r) => ({
      id: r.id, tombstoneId: r.tombstone_id, requestId: r.request_id, erasedAt: iso(r.erased_at)!, sourceRecordId: r.source_record_id,
      sourceName: r.source_name, sourceLabel: r.source_label, customerId: r.customer_id, kinds: r.kinds, status: r.status, matchedAt: iso(r.matched_at)!,
    })),
  };
}

export async function dismissTombstoneMatch(db: Db, id: number, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.dismissTombstoneMatch(trx, id, actor.auth?.userId ?? null))) throw notFound('Open tombstone match');
    await audit(trx, actor, 'privacy.tombstone_match.dismiss', { type: 'tombstone_match', id: String(id) });
  });
}

export async function listProvisions(db: Db, filter: { customerId?: string | undefined }): Promise<ProvisionList> {
  const rows = await repo.listProvisions(db, filter, 500);
  return {
    items: rows.map((r) => ({
      id: r.id, recipient: r.recipient, purpose: r.purpose, items: r.items, format: r.format, customerCount: r.customer_count,
      refusedCount: r.refused_count, providedBy: r.provided_by_user_id, providedByName: r.provided_by_name, providedAt: iso(r.provided_at)!,
    })),
  };
}

export async function requestConcerns(db: Db, requestId: string, customerId: string): Promise<boolean> {
  return (await repo.listRequestCustomers(db, requestId)).some((c) => c.customer_id === customerId && c.display_name !== null);
}
