/** HTML escaping for text put into a message's HTML (merged values, the law footer, product names). */
export function escapeHtml(s: string): string {
  return s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#39;');
}

/** The few entities an href written in HTML carries (&amp; above all), back to the URL they stand for. */
export function unescapeHref(s: string): string {
  return s.replace(/&(amp|quot|#39|lt|gt);/gu, (_, e: string) => ({ amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>' } as Record<string, string>)[e]!);
}
