import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { MatchRecord } from '../../domain/match/types.ts';
import { tombstoneHash, tombstoneIdentifiers, type TombstoneIdentifier } from '../../domain/privacy/tombstone.ts';
import * as repo from './privacy.repository.ts';

/** The installation's tombstone key (32 random bytes, created on the first erasure). */
export function tombstoneKey(db: Db): Promise<string> {
  return repo.tombstoneKey(db, () => randomBytes(32).toString('base64'));
}

export function hashIdentifiers(key: string, ids: readonly TombstoneIdentifier[]) {
  return ids.map((id) => ({ kind: id.kind, hash: tombstoneHash(key, id) }));
}

export const TOMBSTONE_REASON = '消去済みの本人と一致';

/**
 * Staging's check (src/resolution/staging.ts): which of these just-staged records carry an identifier of an erased
 * person. Nothing is hashed until the first erasure (one indexed probe of an empty table per staged batch); after it,
 * three HMACs a record and one lookup a batch. Each match is recorded (tombstone_matches, listed on the requests page)
 * and returned so a file import files it as an issue of its row.
 */
export async function flagErasedPeople(
  db: Db, sourceId: string, records: ReadonlyArray<{ recordId: number; line: number; matchRecord: Pick<MatchRecord, 'emails' | 'phones' | 'family' | 'given' | 'unsplit' | 'birthDate'> }>,
): Promise<Array<{ line: number; kinds: string[] }>> {
  if (records.length === 0 || !(await repo.hasTombstones(db))) return [];
  const key = await tombstoneKey(db);
  const hashed = records.map((r) => ({ ...r, hashes: hashIdentifiers(key, tombstoneIdentifiers(r.matchRecord)) }));
  const found = await repo.findTombstoneHashes(db, [...new Set(hashed.flatMap((r) => r.hashes.map((h) => h.hash)))]);
  if (found.length === 0) return [];
  const byHash = new Map<string, Array<{ tombstone_id: string; kind: string }>>();
  for (const f of found) byHash.set(f.hash, [...(byHash.get(f.hash) ?? []), f]);
  const matches: Array<{ tombstoneId: string; sourceRecordId: number; sourceId: string; kinds: string[]; line: number }> = [];
  for (const r of hashed) {
    const perTombstone = new Map<string, Set<string>>();
    for (const h of r.hashes) for (const f of byHash.get(h.hash) ?? []) perTombstone.set(f.tombstone_id, (perTombstone.get(f.tombstone_id) ?? new Set()).add(f.kind));
    for (const [tombstoneId, kinds] of perTombstone) matches.push({ tombstoneId, sourceRecordId: r.recordId, sourceId, kinds: [...kinds].sort(), line: r.line });
  }
  await repo.insertTombstoneMatches(db, matches);
  return matches.map((m) => ({ line: m.line, kinds: m.kinds }));
}
