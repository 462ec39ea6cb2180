/** The source a tracker site's identified visitors become records of: one per site, named after its id. */
/** The site's data source (kind tracker): identified visitors are its records. */
export function sourceName(siteId: string): string {
  return `web-${siteId}`;
}

export function sourceLabel(siteName: string): string {
  return `Webサイト: ${siteName}`;
}
