/**
 * What the codes of flagged and rejected values mean, for people: the one table the per-row import report (CSV) reads,
 * and that the web dictionary's import.reason.* keys repeat (test/web/i18n-keys.test.ts keeps them alike). Codes
 * come from the normalisers (e-mail, phone, dates, postal codes, kana, prefectures…).
 */
export const ISSUE_REASONS: Readonly<Record<string, { ja: string; en: string }>> = {
  placeholder: { ja: 'ダミー値（例: test@、000-0000-0000）', en: 'placeholder (test@, 000-0000-0000…)' },
  invalid: { ja: '形式が正しくありません', en: 'invalid' },
  missing_at: { ja: '@ がありません', en: 'no @' },
  multiple_at: { ja: '@ が複数あります', en: 'more than one @' },
  invalid_local: { ja: '@ の前が正しくありません', en: 'invalid local part' },
  invalid_domain: { ja: 'ドメインが正しくありません', en: 'invalid domain' },
  too_long: { ja: '長すぎます', en: 'too long' },
  too_short: { ja: '桁数が足りません', en: 'too short' },
  unparseable: { ja: '電話番号として読めません', en: 'not a phone number' },
  invalid_number: { ja: '存在しない番号です', en: 'not a valid number' },
  unrecognized: { ja: '日付として読めません', en: 'not a date' },
  incomplete: { ja: '日付が不完全です', en: 'incomplete date' },
  invalid_date: { ja: '存在しない日付です', en: 'no such date' },
  before_era_start: { ja: '元号の始まりより前です', en: 'before the era began' },
  out_of_range: { ja: '範囲外の日付です', en: 'out of range' },
  future: { ja: '未来の日付です', en: 'in the future' },
  wrong_length: { ja: '7桁ではありません', en: 'not 7 digits' },
  not_digits: { ja: '数字以外が含まれます', en: 'not digits' },
  not_kana: { ja: 'カナではありません', en: 'not kana' },
  unknown_value: { ja: '判別できない値です', en: 'unknown value' },
  unstorable_text: { ja: '保存できない文字 (NUL など) を除きました', en: 'characters that cannot be stored (NUL) removed' },
  unknown_prefecture: { ja: '都道府県名ではありません', en: 'not a prefecture' },
  erased_person: { ja: '消去済みの本人と一致', en: 'matches a person erased on request' },
};

/**
 * A report's reason as a person reads it: a known code in Japanese, then English («存在しない番号です (not a valid
 * number)»); a reason that is already a sentence (a reader's or a mapper's message) as it is.
 *
 * @example issueReasonText('invalid_number') // => '存在しない番号です (not a valid number)'
 */
export function issueReasonText(reason: string): string {
  const known = Object.hasOwn(ISSUE_REASONS, reason) ? ISSUE_REASONS[reason] : undefined;
  return known ? `${known.ja} (${known.en})` : reason;
}
