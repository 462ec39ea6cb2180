import { findUnstorable } from '../domain/normalize/storable.ts';
import { AppError } from './errors.ts';

/** Opaque page cursors: base64url JSON. Each list decides what it stores and checks the shape it reads back. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Parses a cursor; anything that is not one of ours is a 400 on the `cursor` field. A cursor is client input like any
 * other: each list checks every field it reads with the helpers below, so that no crafted value reaches a query.
 */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && findUnstorable(parsed) === null) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

export const invalidCursor = () =>
  new AppError('validation_failed', 'Invalid cursor', [{ field: 'cursor', message: 'Use the nextCursor of the previous page' }]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
/** What the lists write as a cursor's time: ISO 8601 in UTC, to the millisecond or the microsecond. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/u;

/** A cursor field holding a row's UUID. */
export function cursorUuid(value: unknown): string {
  if (typeof value === 'string' && UUID.test(value)) return value;
  throw invalidCursor();
}

/** A cursor field holding a time the list wrote (ISO 8601 UTC, a real date), as the string the query compares. */
export function cursorTime(value: unknown): string {
  // A real calendar date: Date.parse takes 2026-02-30 (as March 2nd), PostgreSQL does not.
  if (typeof value === 'string' && ISO_UTC.test(value)) {
    const time = Date.parse(value);
    if (!Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19)) return value;
  }
  throw invalidCursor();
}

/** A cursor field holding a bigint row id. */
export function cursorBigId(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidCursor();
}

/** A cursor field holding text (a sort key, a SKU) of bounded length. */
export function cursorText(value: unknown, maxLength = 1000): string {
  if (typeof value === 'string' && value.length <= maxLength) return value;
  throw invalidCursor();
}
