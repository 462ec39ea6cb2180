/** fast-check arbitraries for the import tests. */
import fc from 'fast-check';

/** Characters that exist in CP932 and make CSV interesting: delimiters, quotes, line breaks, Japanese, CP932-only. */
export const CP932_CHARS = [
  ...'abcXYZ019 .-@_/',
  ',',
  ';',
  '\t',
  '"',
  "'",
  '\n',
  '\r\n',
  '\r',
  ...'あいうえおがぱっゃアイウエオガパッャー山田髙﨑邉齋澤㈱①⑩Ⅳ№～－〒丁目番地号ｱｲｳｶﾞﾊﾟｶﾀｶﾅ　',
];

/** UTF-8 adds what CP932 cannot hold: 〜 (U+301C), emoji, 𠮷, combining marks. */
export const UTF8_CHARS = [...CP932_CHARS, '〜', '😀', '𠮷', '\u3099', 'é', '−', '—'];

export const cellFrom = (chars: readonly string[], maxLength = 8) =>
  fc.array(fc.constantFrom(...chars), { maxLength }).map((a) => a.join(''));

/**
 * A table: unique non-blank headers and rows of the same width. Rows whose cells are all blank are allowed
 * (the reader skips them, so expectations must filter them out).
 */
export const tableFrom = (chars: readonly string[]) =>
  fc.integer({ min: 1, max: 5 }).chain((width) =>
    fc.record({
      headers: fc.uniqueArray(
        cellFrom(chars, 6)
          .map((h) => h.replace(/[\r\n]/gu, ' ').trim())
          .filter((h) => h !== ''),
        { minLength: width, maxLength: width, selector: (h) => h },
      ),
      rows: fc.array(fc.array(cellFrom(chars), { minLength: width, maxLength: width }), { maxLength: 12 }),
    }),
  );

/**
 * Writes rows as CSV text exactly as given (RFC 4180 quoting, CRLF as Excel does): the files a department exports, for
 * the readers to read back. Cells that start like a formula are written as they are: Daicho's own exports escape
 * them (csvLine), a department's file may hold them.
 */
export function formatCsv(rows: readonly (readonly string[])[], delimiter: string = ',', newline: string = '\r\n'): string {
  const field = (value: string) =>
    value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r') || /^\s|\s$/u.test(value)
      ? `"${value.replaceAll('"', '""')}"`
      : value;
  // A lone empty field is written as "" so that the line is not mistaken for an empty (skipped) line.
  const line = (row: readonly string[]) => (row.length === 1 && row[0] === '' ? '""' : row.map(field).join(delimiter));
  return rows.map(line).join(newline) + newline;
}
