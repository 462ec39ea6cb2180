import { createHash } from 'node:crypto';
import { blockingKeys, countLedgerNames, prepareMatchRecord } from '../domain/match/index.ts';
import type { Actor } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { type Db } from '../db/database.ts';
import type { ImportField } from '../domain/import/profile.ts';
import { recomputeCustomers } from '../ledger/customers/golden.service.ts';
import { flagErasedPeople } from '../ledger/privacy/tombstones.service.ts';
import type { MatchRecord } from '../domain/match/types.ts';
import { ensureSource, findSource } from '../ledger/sources/sources.service.ts';
import * as repo from './resolution.repository.ts';
import { keyHash, storedKeyHash, storedKeysOf, type StoredMatchRecord } from './key-hash.ts';
import { prepareMapped, type PreparedRow } from './stage-prepare.ts';
import { chunkResolver, RESOLVE_CHUNK } from './resolver.ts';

/**
 * Stages prepared rows as source records of one source (insert, update or leave unchanged). A new record's blocking
 * keys are stored when it is linked (resolveChunk), not here: match_keys holds linked records only, so a neighbour
 * probe finds the customers a record may join, not the rest of the file still waiting for its turn (each hit costs a
 * lookup in source_records: at 300k rows the probes had taken 243 s of 480 s of database time, 8 s at 100k).
 * An updated record that is linked gets its new keys now (it stays with its customer).
 */
export async function stagePrepared(
  db: Db, sourceId: string, prepared: readonly PreparedRow[], userId: string | null,
  /** The source's records with these rows' keys, when the caller has just read them. */
  found?: readonly ExistingRecord[],
) {
  // Last occurrence wins when a file repeats an id.
  const staged = new Map<string, PreparedRow>();
  for (const row of prepared) staged.set(row.externalId, row);
  const existing = new Map((found ?? await repo.findRecords(db, sourceId, [...staged.keys()])).map((r) => [r.external_id, r]));
  const fresh: PreparedRow[] = [];
  const keys: Array<{ keyHash: string; recordId: number }> = [];
  const touchedCustomers: string[] = [];
  let updated = 0;
  let unchanged = 0;
  const changedIds = [...staged.values()].map((r) => existing.get(r.externalId)).filter((b) => b && b.content_hash !== staged.get(b.external_id)!.contentHash).map((b) => b!.id);
  const oldKeys = (await repo.findMatchRecords(db, changedIds)).flatMap((r) =>
    r.match_record ? storedKeysOf(r.match_record as unknown as StoredMatchRecord).map((key) => ({ keyHash: storedKeyHash(key), recordId: r.id })) : []);
  await repo.deleteMatchKeys(db, oldKeys);
  for (const record of staged.values()) {
    const before = existing.get(record.externalId);
    if (!before) fresh.push(record);
    else if (before.content_hash === record.contentHash) unchanged++;
    else {
      updated++;
      await repo.updateRecord(db, before.id, record);
      if (before.customer_id) {
        for (const hash of record.keyHashes) keys.push({ keyHash: hash, recordId: before.id });
        touchedCustomers.push(before.customer_id);
      }
    }
  }
  const inserted = await repo.insertRecords(db, sourceId, fresh, userId);
  // A record missing from `inserted` was staged by a concurrent writer at the same moment (a double-clicked form,
  // a retried beacon): it exists now, so this run counts it as unchanged.
  unchanged += fresh.length - inserted.length;
  await repo.insertMatchKeys(db, keys);
  // Flagged values are reported once per record version (unchanged rows were reported by the run that brought them);
  // the caller files them where its door reports (an import run's issues).
  const reportable: Array<{ line: number; severity: 'flagged'; field: string; reason: string; value: string | null }> = [...staged.values()]
    .filter((r) => existing.get(r.externalId)?.content_hash !== r.contentHash)
    .flatMap((r) => r.flagged.map((f) => ({ line: r.line, severity: 'flagged' as const, field: f.field, reason: f.reason, value: f.value })));
  // A new record of a person erased before (消去済みの本人と一致) is flagged, never silently a new customer again;
  // until the first erasure this costs one probe of an empty table per batch.
  const byExternalId = new Map(fresh.map((r) => [r.externalId, r]));
  const erased = await flagErasedPeople(db, sourceId, inserted.map((row) => {
    const prepared = byExternalId.get(row.external_id)!;
    return { recordId: row.id, line: prepared.line, get matchRecord() { return JSON.parse(prepared.matchRecordJson) as MatchRecord; } };
  }));
  for (const e of erased) reportable.push({ line: e.line, severity: 'flagged', field: ERASED_FIELD[e.kinds[0] ?? 'email'] ?? 'email', reason: 'erased_person', value: null });
  // An updated record stays with its customer, whose golden record changes with it (in the same transaction, so a
  // killed import never leaves it stale).
  await recomputeCustomers(db, touchedCustomers);
  return { new: inserted.length, updated, unchanged, flagged: reportable, externalIds: [...staged.keys()] };
}

/** The field an import issue names for a tombstone match (its value is never written: it is the erased person's). */
const ERASED_FIELD: Record<string, string> = { email: 'email', phone: 'phone', name_birth: 'birth_date' };

export type ExistingRecord = Awaited<ReturnType<typeof repo.findRecords>>[number];

/** Whether staging these rows changes one of the records staged before (same key, other content). */
export function changesRecords(prepared: readonly PreparedRow[], found: readonly ExistingRecord[]): boolean {
  const hashOf = new Map(prepared.map((r) => [r.externalId, r.contentHash]));
  return found.some((r) => r.content_hash !== hashOf.get(r.external_id));
}

export interface IngestRecord {
  /** The source's own key (form submission id, visitor id, member id); null → content hash. */
  externalId: string | null;
  fields: Partial<Record<ImportField, string>>;
  attributes?: Record<string, string>;
  /** Kept as the record's raw value; defaults to fields + attributes. */
  raw?: Record<string, unknown>;
}

export interface IngestedRecord {
  externalId: string;
  recordId: number;
  customerId: string;
}

/**
 * One entry point for every non-file source (forms, tracker identify, order customer keys, the API): stages the
 * records as source records of `source` (created on first use) and resolves them through the same identity
 * resolution as a file import, so a form submission or an identified visitor lands on the right customer and can be
 * split off again. Idempotent on source + externalId. Returns each record's id and customer.
 */
export async function ingestRecords(
  db: Db,
  input: { source: { name: string; label: string; kind: 'form' | 'api' | 'tracker' | 'integration' | 'file_import' }; records: IngestRecord[]; actor: Actor },
): Promise<IngestedRecord[]> {
  if (input.records.length === 0) return [];
  const source = await ensureSource(db, input.source.name, input.source.label, input.source.kind);
  const userId = input.actor.auth?.userId ?? null;
  const prepared = prepareMapped(input.records.map((r, i) => ({
    line: i + 1,
    raw: r.raw ?? { ...r.fields, ...(r.attributes ?? {}) },
    externalId: r.externalId,
    fields: r.fields,
    attributes: r.attributes ?? {},
  })), source.name);
  const staged = await db.transaction().execute((trx) => stagePrepared(trx, source.id, prepared, userId));
  await chunkResolver(db, null, RESOLVE_CHUNK).finish();
  const rows = await repo.findRecords(db, source.id, staged.externalIds);
  // Resolution went on past a record that failed on its own and set it aside (quarantine): it is kept, and this
  // caller, which needs its customer, says so instead of failing everyone's resolution after it.
  if (rows.some((r) => r.customer_id === null)) {
    throw new AppError('internal', '受け付けた内容は保存しましたが、名寄せに失敗したため保留しました。管理者が「名寄せレビュー」から再試行できます (the record was kept, but identity resolution failed on it: it is set aside for an administrator to retry)');
  }
  return rows.map((r) => ({ externalId: r.external_id, recordId: r.id, customerId: r.customer_id! }));
}

/**
 * Stages a record that is linked already: a user's statement about the customer they chose. It takes part in
 * identity resolution like any record: its blocking keys are stored, so a later form submission, order or import with
 * the same e-mail or phone finds this customer.
 */
export async function stageLinkedRecord(
  db: Db,
  input: {
    sourceName: string; externalId: string; customerId: string; raw: unknown; normalized: Record<string, unknown>;
    /** The statement in import field names, which the matcher prepares from. */
    matchFields: Partial<Record<ImportField, string>>;
    userId: string | null;
  },
) {
  const source = await findSource(db, input.sourceName);
  if (!source) throw new Error(`The ${input.sourceName} source is missing: run the migrations`);
  const matchRecord = prepareMatchRecord({ id: '', source: input.sourceName, fields: input.matchFields });
  const record = await repo.insertSourceRecord(db, {
    sourceId: source.id,
    externalId: input.externalId,
    customerId: input.customerId,
    raw: input.raw,
    normalized: input.normalized,
    contentHash: createHash('sha256').update(JSON.stringify(input.normalized)).digest('hex'),
    userId: input.userId,
    matchRecord,
  });
  await repo.insertMatchKeys(db, blockingKeys({ ...matchRecord, id: String(record.id) }).map((key) => ({ keyHash: keyHash(key), recordId: record.id })));
  // It is a linked record of the ledger like any other: counted as erasure and the daily recount count it.
  await repo.addLinkedRecords(db, 1);
  await repo.addNameCounts(db, countLedgerNames([matchRecord]));
  return record;
}
