import { createHash, randomBytes } from 'node:crypto';

/** Random, URL-safe token with 256 bits of entropy. */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are stored hashed (SHA-256 is enough for 256-bit random secrets: no brute force to slow down). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
