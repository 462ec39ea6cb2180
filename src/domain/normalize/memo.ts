/**
 * Bounded memoisation for the normalisers a bulk import calls once per row and field. Department exports repeat
 * their values (surnames, given names, company names, a company's main number, an office's address), and the dearest
 * normalisers (libphonenumber, address parsing, name splitting) cost tens of microseconds a call. A cache holds at most
 * `max` entries and starts afresh when full, so memory stays bounded whatever the file size. Results are frozen:
 * a caller that tried to change a shared result would throw instead of corrupting other rows.
 */
export function memoize<A extends string, R>(fn: (arg: A) => R, max = 20_000): (arg: A) => R {
  let cache = new Map<string, R>();
  return (arg: A) => {
    const hit = cache.get(arg);
    if (hit !== undefined) return hit;
    const result = fn(arg);
    if (cache.size >= max) cache = new Map();
    cache.set(arg, freeze(result));
    return result;
  };
}

function freeze<R>(value: R): R {
  if (value !== null && typeof value === 'object') Object.freeze(value);
  return value;
}
