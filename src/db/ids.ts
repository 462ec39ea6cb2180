import { randomUUID } from 'node:crypto';

/**
 * A time-ordered UUID (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. For rows created in bulk
 * (an import's new customers): their ids land at the right edge of every index that holds them (customers' primary
 * key, and the customer columns of source records, decisions and activities) instead of on random pages all over.
 * As unguessable as a random UUID after the timestamp (74 random bits), and any UUID column takes it.
 */
export function uuidv7(now: number = Date.now()): string {
  const uuid = randomUUID(); // xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx, N = variant 10xx
  const ms = now.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${uuid.slice(15)}`;
}
