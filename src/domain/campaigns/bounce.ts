/**
 * Bounces: a delivery status notification (RFC 3464) says per recipient `Status: 5.1.1` (permanent: hard) or
 * `4.2.2` (transient: soft); an SMTP reply code says the same of the transaction (5xx permanent, 4xx transient).
 */
export type BounceKind = 'hard' | 'soft';

/** The kind of a DSN status (`5.1.1`, `4.4.7`) or an enhanced code in a diagnostic text; null when neither. */
export function bounceKindOfStatus(status: string): BounceKind | null {
  const m = /\b([245])\.\d{1,3}\.\d{1,3}\b/u.exec(status);
  if (!m) return null;
  return m[1] === '5' ? 'hard' : m[1] === '4' ? 'soft' : null;
}

/**
 * What a DSN's text reports: the Status fields of its per-recipient parts (the first failing one wins), else the
 * first enhanced status code in a Diagnostic-Code, else a bare SMTP reply code; null when it reports no failure
 * (a delay notice with action `delayed` is still soft).
 */
export function parseDsn(text: string): { kind: BounceKind; status: string | null; diagnostic: string | null } | null {
  const statuses = [...text.matchAll(/^Status:\s*([245]\.\d{1,3}\.\d{1,3})/gimu)].map((m) => m[1]!);
  const diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+(?:\r?\n[ \t].+)*)/imu.exec(text)?.[1]?.replace(/\s+/gu, ' ').trim() ?? null;
  const failing = statuses.find((s) => !s.startsWith('2'));
  if (failing) return { kind: failing.startsWith('5') ? 'hard' : 'soft', status: failing, diagnostic };
  if (statuses.length > 0) return null;
  if (diagnostic) {
    const kind = bounceKindOfStatus(diagnostic) ?? smtpCodeKind(diagnostic);
    if (kind) return { kind, status: null, diagnostic };
  }
  return null;
}

/** 5xx → hard, 4xx → soft, for the first SMTP reply code at the start of a text. */
export function smtpCodeKind(text: string): BounceKind | null {
  const m = /^\s*([45])\d\d\b/u.exec(text);
  return m ? (m[1] === '5' ? 'hard' : 'soft') : null;
}
