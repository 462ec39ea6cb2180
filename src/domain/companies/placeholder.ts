/**
 * Values typed into a 会社名 field that name no company: 「なし」, 「個人」, 「-」, 「会社員」, 「テスト」…
 *
 * Why: with the company keyed by its name, every 「なし」 became one company that "employed" everyone who left the
 * field blank (14 people in one ledger). Such a value means "no company" and must not link anybody to anybody.
 */
import { nfkc } from '../normalize/text.ts';

/**
 * Why a value is not a company:
 *  - empty: blank, or punctuation only (-, ー, ―, ・, *, ?, 〃, 同上);
 *  - none: なし / 無し / 該当なし / 不明 / n/a / none …;
 *  - individual: 個人 / 個人事業主 / 自営業 / フリーランス (a person, not an organisation);
 *  - occupation: 会社員 / 公務員 / 学生 / 主婦 / 無職 / パート … (what the person does, not where);
 *  - test: テスト / test / ダミー / xxx;
 *  - legal_form_only: 「株式会社」「(株)」 with no name.
 */
export type CompanyPlaceholderReason = 'empty' | 'none' | 'individual' | 'occupation' | 'test' | 'legal_form_only';

const WORDS: ReadonlyArray<readonly [CompanyPlaceholderReason, readonly string[]]> = [
  ['empty', ['同上', '同', '〃', '空欄', '未記入', '未入力', '記入なし']],
  ['none', [
    'なし', '無し', 'ナシ', '無', '特になし', '特に無し', '該当なし', '該当無し', 'なし。', '不明', '未定', '未詳', '無所属', '所属なし',
    'n/a', 'na', 'none', 'nil', 'null', 'no', 'nothing', 'unknown', 'ー', 'その他なし',
  ]],
  ['individual', [
    '個人', '個人事業', '個人事業主', '個人経営', '自営', '自営業', 'フリー', 'フリーランス', 'フリーランサー', '個人的', '個人利用', '個人のため',
    'private', 'personal', 'individual', 'self', 'self-employed', 'selfemployed', 'freelance', 'freelancer',
  ]],
  ['occupation', [
    '無職', '学生', '大学生', '大学院生', '高校生', '専門学校生', '主婦', '主夫', '専業主婦', '専業主夫', '家事', '家事手伝い', '会社員', '公務員',
    '団体職員', '自由業', 'パート', 'アルバイト', 'パート・アルバイト', '年金生活', '年金生活者', '年金受給者', '退職', '定年退職', '退職者',
    '求職中', '休職中', '会社役員', '役員', 'student', 'housewife', 'retired', 'unemployed', 'employee',
  ]],
  ['test', ['テスト', 'てすと', 'test', 'testtest', 'ダミー', 'dummy', 'sample', 'サンプル', 'xxx', 'xx', 'aaa', 'あああ', 'ああ', 'hoge']],
];

const BY_WORD: ReadonlyMap<string, CompanyPlaceholderReason> = new Map(
  WORDS.flatMap(([reason, words]) => words.map((w) => [fold(w), reason] as const)),
);

/** Legal-form spellings that, alone, are no name (the parser keeps an empty core for them). */
const LEGAL_FORM_ONLY = /^(?:株式会社|有限会社|合同会社|合資会社|合名会社|\((?:株|有|同|資|名)\)|co\.?,?ltd\.?|inc\.?|llc|kk|k\.k\.)$/u;

function fold(s: string): string {
  return nfkc(s).toLowerCase().replace(/\s+/gu, '');
}

/** Separators between placeholder words: 「なし（個人）」, 「個人/自営」, 「学生・主婦」. */
const SEPARATORS = /[()[\]{}<>「」『』【】〔〕/／,、・]+/u;

/**
 * Why `raw` names no company, or null when it may be one. Case, width and spacing are ignored; a value made only of
 * placeholder words (「なし（個人）」「個人/自営」) is a placeholder too, with the reason of its first word.
 *
 * @example companyPlaceholderReason('なし（個人）') // => 'none'
 * @example companyPlaceholderReason('ー') // => 'none'
 * @example companyPlaceholderReason('会社員') // => 'occupation'
 * @example companyPlaceholderReason('(株)') // => 'legal_form_only'
 * @example companyPlaceholderReason('個人タクシー山田') // => null (a business's name)
 */
export function companyPlaceholderReason(raw: string | null | undefined): CompanyPlaceholderReason | null {
  if (raw == null) return 'empty';
  const s = fold(raw);
  if (s === '') return 'empty';
  const whole = BY_WORD.get(s);
  if (whole !== undefined) return whole;
  // Punctuation only: -, ー, ―, ・, *, ?, 0 … (a dash typed to get past a required field).
  if (/^[\p{P}\p{S}ー0\s]+$/u.test(s)) return 'empty';
  if (LEGAL_FORM_ONLY.test(s)) return 'legal_form_only';
  const words = s.split(SEPARATORS).filter((w) => w !== '');
  if (words.length > 1) {
    const reasons = words.map((w) => BY_WORD.get(w));
    if (reasons.every((r) => r !== undefined)) return reasons[0]!;
  }
  return null;
}

/** `companyPlaceholderReason(raw) !== null`. */
export function isCompanyPlaceholder(raw: string | null | undefined): boolean {
  return companyPlaceholderReason(raw) !== null;
}
