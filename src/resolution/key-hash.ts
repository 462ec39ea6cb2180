import { hash } from 'node:crypto';
import { blockingKeys, type MatchRecord } from '../domain/match/index.ts';

/**
 * A blocking key as stored in match_keys.key_hash: the first 8 bytes of its MD5 as a signed 64-bit integer, in
 * decimal (the driver's text form of a bigint). Migration 0008 computes the same in SQL:
 * ('x' || substr(md5(key), 1, 16))::bit(64)::bigint.
 */
export function keyHash(key: string): string {
  return (hash('md5', key, 'buffer') as Buffer).readBigInt64BE(0).toString();
}

/**
 * A blocking key in the form staging stores it with the record (match_record.blockKeys): its kind, then its hash
 * ("b:-4167…"). The kind keeps the key's block cap readable (blockCap); the hash is what match_keys holds. The matcher
 * blocks on these strings as it would on the keys themselves (equal keys, equal strings), so resolution neither
 * recomputes nor rehashes the keys the worker threads already derived.
 */
export function storedKey(key: string): string {
  return `${key.slice(0, key.indexOf(':'))}:${keyHash(key)}`;
}

/** match_keys.key_hash of a stored key. */
export function storedKeyHash(stored: string): string {
  return stored.slice(stored.indexOf(':') + 1);
}

/** A matcher form as staging stores it: with its blocking keys in stored form (absent in records staged before). */
export type StoredMatchRecord = MatchRecord & { blockKeys?: readonly string[] };

/** The record's stored keys: those staging kept with it, else derived now (records staged by an older version). */
export function storedKeysOf(record: StoredMatchRecord): readonly string[] {
  return record.blockKeys ?? blockingKeys(record).map(storedKey);
}
