import { hash } from 'node:crypto';

/**
 * A blocking key as stored in match_keys.key_hash: the first 8 bytes of its MD5 as a signed 64-bit integer, in
 * decimal (the driver's text form of a bigint). Migration 0008 computes the same in SQL:
 * ('x' || substr(md5(key), 1, 16))::bit(64)::bigint.
 */
export function keyHash(key: string): string {
  return (hash('md5', key, 'buffer') as Buffer).readBigInt64BE(0).toString();
}
