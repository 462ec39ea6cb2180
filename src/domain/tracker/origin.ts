/**
 * Which page origins may send events for a site. An allowed origin is exact (`https://www.example.co.jp`, with a
 * port if not the default) or has one leading wildcard label (`https://*.example.co.jp`, any subdomain, not the bare
 * domain). Browsers send `Origin` with every cross-origin POST, sendBeacon included.
 */

/** Normalises what a user typed into an origin (`https://www.Example.co.jp/` → `https://www.example.co.jp`), or null. */
export function normalizeOrigin(input: string): string | null {
  const text = input.trim();
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(text);
  const candidate = wildcard ? `${wildcard[1]}://wildcard.${wildcard[2]}` : text;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  if (!url.hostname || url.hostname.endsWith('.')) return null;
  const origin = url.origin;
  return wildcard ? origin.replace('://wildcard.', '://*.') : origin;
}

export function originAllowed(origin: string | null | undefined, allowed: readonly string[]): boolean {
  if (!origin || origin === 'null') return false;
  const o = origin.toLowerCase();
  for (const pattern of allowed) {
    if (pattern === o) return true;
    const star = pattern.indexOf('://*.');
    if (star < 0) continue;
    const scheme = pattern.slice(0, star + 3);
    const suffix = pattern.slice(star + 4); // ".example.co.jp[:port]"
    if (!o.startsWith(scheme)) continue;
    const host = o.slice(scheme.length);
    if (host.endsWith(suffix) && host.length > suffix.length && !host.slice(0, host.length - suffix.length).includes('/')) return true;
  }
  return false;
}
