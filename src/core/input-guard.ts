import type { MiddlewareHandler } from 'hono';
import { findUnstorable, hasUnstorable } from '../domain/normalize/storable.ts';
import type { AppEnv } from './context.ts';
import { AppError } from './errors.ts';

export const UNSTORABLE_MESSAGE = '保存できない文字 (NUL など) が含まれています / contains a character that cannot be stored (NUL or an unpaired surrogate)';

/**
 * The HTTP door for text PostgreSQL cannot store (NUL, lone surrogates: src/domain/normalize/storable.ts), part one:
 * a request whose path or query holds one is refused with 400 before any route sees it. Bodies are checked where
 * they are parsed (refuseUnstorableInput below, for every route's declared JSON and form input), so a route that
 * streams its body (an upload) is not made to buffer it.
 */
export const refuseUnstorableUrl: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  if (url.pathname.split('/').map(decodeSafely).some(hasUnstorable)) throw unstorable('(path)');
  for (const [name, value] of url.searchParams) {
    if (hasUnstorable(name) || hasUnstorable(value)) throw unstorable(`query.${hasUnstorable(name) ? '(name)' : name}`);
  }
  await next();
};

/**
 * Part two: a route's validated input (its JSON body, form, query, path parameters) holding such text is refused
 * with 400 and the value's path. Called from the app's validation hook for every route declared with secureRoute;
 * a route that reads its body itself (public forms, the tracker) checks what it reads.
 */
export function refuseUnstorableInput(target: string, data: unknown): void {
  const found = findUnstorable(data);
  if (found !== null) throw unstorable(target === 'json' || target === 'form' || found === '(body)' ? found : `${target}.${found}`);
}

export function unstorable(field: string): AppError {
  return new AppError('validation_failed', UNSTORABLE_MESSAGE, [{ field, message: UNSTORABLE_MESSAGE }]);
}

/** A path segment as the router will see it; a malformed escape is left as it is (the router answers 404 for it). */
function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
