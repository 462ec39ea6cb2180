/**
 * Whether a file can be imported as a table at all (pure): the verdict the readers give at open, so that the upload's
 * preview, the validation and the import refuse the same files with the same message.
 */
import { hasUnstorable } from '../normalize/storable.ts';

/** Characters at the start of a decoded file looked at to tell a text table from anything else. */
export const TEXT_PROBE_CHARS = 1024;
/**
 * Share of those that may be NUL, other control characters or undecodable bytes. A text table has next to none;
 * random bytes decoded as CP932 (the most forgiving encoding) have ~22%, as UTF-8 ~55%, and UTF-16 read as an
 * 8-bit encoding ~50% (every other byte a NUL).
 */
const MAX_NOT_TEXT_SHARE = 0.1;

/** Why the start of a decoded file is not a text table, or null when it may be one. */
export function notTextTableReason(start: string, encoding: string): string | null {
  const probe = start.slice(0, TEXT_PROBE_CHARS);
  if (probe.length === 0) return null;
  let notText = 0;
  for (let i = 0; i < probe.length; i++) {
    const c = probe.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) notText++;
  }
  if (notText / probe.length <= MAX_NOT_TEXT_SHARE) return null;
  const pct = Math.round((100 * notText) / probe.length);
  return `テキストの表ではないか、文字コードが ${encoding} ではありません: 先頭 ${probe.length} 文字の ${pct}% が NUL・制御文字・${encoding} として読めないバイトです ` +
    `(not a text table, or not ${encoding}: ${pct}% of the first ${probe.length} characters are NUL, control characters or bytes that are not ${encoding})`;
}

/**
 * Why a header row cannot be imported, or null: a header name becomes a key of every stored record, and PostgreSQL
 * cannot store NUL or an unpaired surrogate. (Cells are the row preparation's: it strips such characters and flags the value.)
 */
export function headerRefusal(headers: readonly string[]): string | null {
  const at = headers.findIndex((h) => hasUnstorable(h));
  if (at === -1) return null;
  const column = at + 1;
  const header = headers[at]!;
  if (header.includes('\u0000')) {
    return `見出し行の ${column} 列目に NUL 文字 (U+0000) があります。テキストの表ではないファイルかもしれません ` +
      `(the header row has a NUL character in column ${column}: the file may not be a text table)`;
  }
  const surrogate = /[\uD800-\uDFFF]/u.exec(header)![0].charCodeAt(0).toString(16).toUpperCase();
  return `見出し行の ${column} 列目に対になっていないサロゲート (U+${surrogate}) があります。文字コードが違うか、壊れたファイルかもしれません ` +
    `(the header row has an unpaired surrogate U+${surrogate} in column ${column}: a wrong encoding or a damaged file)`;
}
