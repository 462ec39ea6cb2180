import { AppError } from './errors.ts';

/** Opaque page cursors: base64url JSON. Each list decides what it stores and checks the shape it reads back. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Parses a cursor; anything that is not one of ours is a 400 on the `cursor` field. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

export const invalidCursor = () =>
  new AppError('validation_failed', 'Invalid cursor', [{ field: 'cursor', message: 'Use the nextCursor of the previous page' }]);
