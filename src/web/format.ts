/** Display formats Japanese office staff expect: 2026/11/22 12:00, 〒123-4567, 090-1234-5678. */

const TIME_ZONE = 'Asia/Tokyo';

const dateTimeFormat = new Intl.DateTimeFormat('ja-JP', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** ISO timestamp → "2026/11/22 12:00" (Japan time). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts: Record<string, string> = {};
  for (const p of dateTimeFormat.formatToParts(d)) parts[p.type] = p.value;
  const hour = parts.hour === '24' ? '00' : parts.hour;
  return `${parts.year}/${parts.month}/${parts.day} ${hour}:${parts.minute}`;
}

/** ISO timestamp → its Japan calendar day "2026/11/22". */
export function formatDay(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

/** "1990-04-01" → "1990/04/01"; anything else (a mask) unchanged. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : value;
}

/** "1234567" → "123-4567"; anything else unchanged. */
export function formatPostal(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{3})-?(\d{4})$/.exec(value);
  return m ? `${m[1]}-${m[2]}` : value;
}

/**
 * "+819012345678" → "090-1234-5678" for the timeline (profiles carry phoneNational from the API).
 * Hyphenates the common shapes (mobile/IP 0X0, Tokyo/Osaka 0X, free dial); others keep the digits.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '';
  if (!/^\+81\d{9,10}$/.test(value)) return value;
  const national = '0' + value.slice(3);
  if (/^0[5789]0\d{8}$/.test(national)) return `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`;
  if (/^0120\d{6}$/.test(national)) return `${national.slice(0, 4)}-${national.slice(4, 7)}-${national.slice(7)}`;
  if (/^0[36]\d{8}$/.test(national)) return `${national.slice(0, 2)}-${national.slice(2, 6)}-${national.slice(6)}`;
  return national;
}

/** True for the strings the API puts in place of personal data for roles without customers:read_personal. */
export function isMaskedValue(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('＊＊＊') || value.includes('***'));
}

export function joinName(a: string | null | undefined, b: string | null | undefined): string {
  return [a, b].filter((s) => s && s.trim()).join(' ');
}

/**
 * A match probability as a whole percent. The ends are shown as bounds, not as 100% or 0%: the model is never
 * certain, and a review item read 「100.0%」 for pairs that were two people.
 */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p >= 0.995) return '>99%';
  if (p < 0.005) return '<1%';
  return `${Math.round(p * 100)}%`;
}
