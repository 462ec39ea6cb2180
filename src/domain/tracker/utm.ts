/** UTM parameters and paths of tracked URLs (pure). */

export interface Utm {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  term: string | null;
  content: string | null;
}

export const NO_UTM: Utm = { source: null, medium: null, campaign: null, term: null, content: null };

const MAX_UTM = 200;

/** The utm_* parameters of an absolute http(s) URL; values are trimmed, empty ones are null. */
export function parseUtm(url: string): Utm {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return NO_UTM;
  }
  const get = (name: string) => {
    const v = params.get(`utm_${name}`)?.trim();
    return v ? v.slice(0, MAX_UTM) : null;
  };
  return { source: get('source'), medium: get('medium'), campaign: get('campaign'), term: get('term'), content: get('content') };
}

export function hasUtm(utm: Utm): boolean {
  return Boolean(utm.source || utm.medium || utm.campaign || utm.term || utm.content);
}

/** Only absolute http(s) URLs are page addresses; anything else (javascript:, data:, relative) is not. */
export function parsePageUrl(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** The path of a page URL for grouping ("/products/a"), without query or fragment. */
export function pagePath(url: URL): string {
  return decodeSafe(url.pathname) || '/';
}

function decodeSafe(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
