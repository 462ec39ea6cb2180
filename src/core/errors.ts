/** The one error type services throw; src/app/app.ts renders it as RFC 9457 problem details. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'setup_closed'
  | 'timeout'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  setup_closed: 409,
  /** A read that gave up after its time limit (statement_timeout): try again later or with narrower filters. */
  timeout: 503,
  internal: 500,
};

export interface FieldError { field: string; message: string }

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('forbidden', message);

/** PostgreSQL SQLSTATE codes we react to (never match on message text). */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';
/** query_canceled: a statement stopped by statement_timeout (or a cancel request). */
export const PG_QUERY_CANCELED = '57014';
/** SQLSTATE class 22, data exception: a value the database could not take (bad format, out of range, NUL…). */
export const PG_DATA_EXCEPTION_CLASS = '22';

export function sqlState(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    const code = (error as { code: string }).code;
    return /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  }
  return undefined;
}

/**
 * One log line for an unexpected error, without personal values: a database error gives its SQLSTATE and where it
 * happened (table, column, constraint, routine) and its message with every quoted part elided (PostgreSQL quotes the
 * offending value: invalid input syntax for type uuid: "…"); never the statement or its parameters, which the
 * drivers attach to the error and which hold what users typed. Other errors give their name, message and the first
 * frame of their stack.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const state = sqlState(error);
  if (state !== undefined) {
    const e = error as Error & { table?: string; column?: string; constraint?: string; routine?: string };
    const where = [e.table && `table ${e.table}`, e.column && `column ${e.column}`, e.constraint && `constraint ${e.constraint}`, e.routine && `routine ${e.routine}`]
      .filter(Boolean).join(', ');
    return `database error ${state}: ${error.message.replace(/"[^"]*"|'[^']*'/gu, '"…"')}${where ? ` (${where})` : ''}`;
  }
  const frame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '))?.trim();
  return `${error.name}: ${error.message}${frame ? ` ${frame}` : ''}`;
}
