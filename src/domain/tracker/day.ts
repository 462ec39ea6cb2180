/** Counts are per calendar day in Japan, whatever the server's time zone. */
const TOKYO_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Japan ('YYYY-MM-DD'): counts are per Japanese business day. */
export function tokyoDay(at: Date): string {
  return TOKYO_DAY.format(at);
}

/** Midnight of today in Japan, as an instant. */
export function startOfTokyoDay(at: Date): Date {
  return new Date(`${tokyoDay(at)}T00:00:00+09:00`);
}
