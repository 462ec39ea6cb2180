/**
 * A consent column's cell (an import's 「メルマガ」 column) read as granted or denied (pure). Accepted spellings, in
 * full or half width and any case: 希望する/希望しない, する/しない, 同意する/同意しない, 許可/拒否, 可/不可, はい/いいえ,
 * 1/0, yes/no, y/n, true/false, on/off, ○/×. A blank cell says nothing.
 */

const GRANTED = ['希望する', '希望', 'する', '同意する', '同意', '許可', '許諾', '可', 'はい', '1', 'yes', 'y', 'true', 'on', '○', '〇', '◯', 'ok'];
const DENIED = ['希望しない', '不要', 'しない', '同意しない', '拒否', '不可', 'いいえ', '0', 'no', 'n', 'false', 'off', '×', '✕', 'x'];

function fold(value: string): string {
  // NFKC folds full-width letters and digits (ＹＥＳ, １) and half-width kana; spaces inside do not matter.
  return value.normalize('NFKC').trim().toLowerCase().replace(/[\s\u3000]+/gu, '');
}

const TABLE = new Map<string, 'granted' | 'denied'>([
  ...GRANTED.map((v) => [fold(v), 'granted'] as const),
  ...DENIED.map((v) => [fold(v), 'denied'] as const),
]);

export type ConsentCell = { kind: 'blank' } | { kind: 'state'; state: 'granted' | 'denied' } | { kind: 'unrecognised'; value: string };

export function parseConsentValue(value: string | null | undefined): ConsentCell {
  if (value === null || value === undefined) return { kind: 'blank' };
  const folded = fold(value);
  if (folded === '') return { kind: 'blank' };
  const state = TABLE.get(folded);
  return state ? { kind: 'state', state } : { kind: 'unrecognised', value: value.trim() };
}

/** The spellings named in messages (Japanese first). */
export const CONSENT_VALUE_HELP = '希望する/希望しない、する/しない、はい/いいえ、1/0、yes/no、true/false、○/×';
