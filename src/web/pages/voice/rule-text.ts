/**
 * The settings page's text fields as the rules API wants them, pure (tested in test/web/voice-filters.test.ts):
 * keyword and SKU lists typed on one line, separated by 、 ， , or new lines as Japanese users type them.
 */

/** 「配送、遅い, 届かない」 → ['配送', '遅い', '届かない']: trimmed, blanks and repeats dropped, order kept. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[、，,\n]/u).map((s) => s.trim()).filter(Boolean))];
}

/** The list back on one line, as the form shows it for editing. */
export function joinList(list: readonly string[]): string {
  return list.join('、');
}

/** A whole number from a text field, or null when blank; NaN (sent as is, so the API says what is wrong) otherwise. */
export function numberOrNull(text: string): number | null {
  const v = text.trim();
  if (v === '') return null;
  return /^-?\d+$/u.test(v) ? Number(v) : Number.NaN;
}
