import type { Actor } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { MatchRecord } from '../../domain/match/types.ts';
import { tombstoneIdentifiers, type TombstoneIdentifier } from '../../domain/privacy/tombstone.ts';
import { normalizeEmail } from '../../domain/normalize/email.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import type { ErasureSubject, PrivacyParts } from './parts.ts';
import { ERASE_CONFIRMATION } from './privacy.schemas.ts';
import * as repo from './privacy.repository.ts';
import * as subject from './subject.repository.ts';
import { hashIdentifiers, tombstoneKey } from './tombstones.service.ts';

/**
 * 消去: deletes everything Daicho holds on the request's customers (and every customer merged into them), for real,
 * in one transaction: each owner's eraser deletes its own tables (parts.erasers, in order), then the request's own
 * reports and flags go and the requester's name and contact are replaced. What stays is the tombstone: the request,
 * the date, how many rows each table lost, and keyed hashes of the person's identifiers, so a later record of the same
 * person is flagged (tombstones.service.ts) instead of silently becoming a new customer. docs/PRIVACY.md.
 */
export async function eraseRequest(db: Db, requestId: string, confirm: string, actor: Actor, parts: PrivacyParts) {
  if (confirm !== ERASE_CONFIRMATION) {
    throw new AppError('validation_failed', `確認のため「${ERASE_CONFIRMATION}」と入力してください (type ${ERASE_CONFIRMATION} to confirm)`, [
      { field: 'confirm', message: `「${ERASE_CONFIRMATION}」と入力してください` },
    ]);
  }
  return db.transaction().execute(async (trx) => {
    const request = await repo.findRequest(trx, requestId, { forUpdate: true });
    if (!request) throw notFound('Privacy request');
    if (request.kind !== 'erasure') throw new AppError('conflict', '消去は種類が「消去」の請求でだけ実行できます (only an erasure request erases)');
    if (request.erased_at) throw new AppError('conflict', 'この請求の消去は実行済みです (already erased)');
    const asked = (await repo.listRequestCustomers(trx, requestId)).filter((c) => c.display_name !== null).map((c) => c.customer_id);
    if (asked.length === 0) throw new AppError('conflict', '請求に対象の顧客がいません (the request concerns no customer)');

    const who = await loadSubject(trx, asked);
    const key = await tombstoneKey(trx);
    const tombstoneId = await repo.insertTombstone(trx, {
      requestId, userId: actor.auth?.userId ?? null, customerCount: who.subject.customerIds.length, recordCount: who.subject.recordIds.length, deleted: {},
    });
    await repo.insertTombstoneHashes(trx, tombstoneId, hashIdentifiers(key, who.identifiers));

    const deleted: Record<string, number> = {};
    // The requests about these people (this one included) lose their reports, which copy the person's data.
    const requestIds = await repo.requestIdsOfCustomers(trx, who.subject.customerIds);
    deleted.disclosure_reports = await repo.eraseReportsOf(trx, requestIds);
    deleted.tombstone_matches = await repo.eraseTombstoneMatchesOf(trx, who.subject.recordIds);
    for (const eraser of parts.erasers) deleted[eraser.table] = (deleted[eraser.table] ?? 0) + await eraser.erase(trx, who.subject);
    await repo.redactRequests(trx, requestIds);
    await repo.setTombstoneCounts(trx, tombstoneId, deleted);
    await repo.updateRequest(trx, requestId, { status: 'completed' });
    // Counts only: the audit log must not become a copy of what was erased.
    await audit(trx, actor, 'privacy.erase', { type: 'privacy_request', id: requestId }, {
      tombstone: tombstoneId, customers: who.subject.customerIds.length, records: who.subject.recordIds.length,
    });
    return { tombstoneId, customers: who.subject.customerIds.length, records: who.subject.recordIds.length, deleted };
  });
}

/** Who the customers are for an erasure: them and those merged into them, their records, addresses and values. */
export async function loadSubject(db: Db, customerIds: string[]): Promise<{ subject: ErasureSubject; identifiers: TombstoneIdentifier[] }> {
  const ids = await subject.customersWithMergedAway(db, customerIds);
  const records = await subject.recordsOfCustomers(db, ids);
  const identifiers = new Map<string, TombstoneIdentifier>();
  const addresses = new Set<string>();
  const values = new Set<string>();
  for (const r of records) {
    if (r.match_record) for (const id of tombstoneIdentifiers(r.match_record as unknown as MatchRecord)) identifiers.set(`${id.kind}:${id.value}`, id);
    collectStrings(r.raw, values);
    collectStrings(r.normalized, values);
    const email = (r.normalized as Record<string, unknown> | null)?.email;
    if (typeof email === 'string') addresses.add(email.trim().toLowerCase());
  }
  for (const c of await subject.contactsOfCustomers(db, ids)) {
    if (c.email) {
      addresses.add(c.email.trim().toLowerCase());
      const key = normalizeEmail(c.email);
      if (key.value) addresses.add(key.value.toLowerCase());
    }
    if (c.phone) values.add(c.phone);
  }
  return {
    subject: { customerIds: ids, recordIds: records.map((r) => r.id), addresses: [...addresses], values: [...values] },
    identifiers: [...identifiers.values()],
  };
}

/** Every string of a record's JSON of four characters or more (shorter ones, like a prefecture code, identify nobody). */
function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value.trim().length >= 4) into.add(value);
  } else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, into);
}
