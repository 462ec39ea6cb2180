/**
 * What an error banner says: a headline per API error code, and for a conflict (409) the server's own reason
 * (the problem's title) in the page's language, since a 409 is as often a state conflict (closing what is closed,
 * a job already running, a campaign already sent) as a duplicate registration.
 *
 * Server titles come in three shapes: Japanese with the English in trailing parentheses (「… (the URL is taken)」,
 * or 「… (…): detail」 when a detail from outside follows), English with the Japanese in trailing parentheses, or one
 * language only. The bilingual ones are split and the
 * page's language is shown; an English-only title is put into Japanese from PROBLEM_TITLES_JA when known, else shown
 * as sent.
 */
import { ApiError } from './api.ts';
import type { Lang, Translate } from './i18n.ts';

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]/u;

const BILINGUAL = [/^(.+?)\s+\/\s+(.+)$/su, /^(.*?\S)\s*\(([^()]+)\)(: .+)$/su, /^(.*\S)\s*\(([^()]+)\)$/su];

/** English-only 409 titles of the services, in Japanese (same order as they are thrown: accounts, ledger, resolution, use). */
const PROBLEM_TITLES_JA: Array<[RegExp, string]> = [
  [/^A user with this e-mail already exists$/, 'このメールアドレスのユーザーはすでに登録されています'],
  [/^The last active administrator cannot be demoted or disabled$/, '有効な管理者が最後の1人のため、ロールを下げることも無効にすることもできません'],
  [/^A company with this corporate number exists$/, 'この法人番号の会社はすでに登録されています'],
  [/^Another process is recomputing customer values; try again in a moment$/, '別の処理が顧客の価値指標を再計算しています。しばらくしてから再度お試しください'],
  [/^A source with this name exists$/, 'この名前のデータソースはすでに登録されています'],
  [/^A field with this key exists$/, 'このキーの項目はすでに定義されています'],
  [/^The review item was already decided \(\w+\)$/, 'この確認項目はすでに判断済みです'],
  [/^A record of this pair is not linked to a customer yet$/, 'この組のレコードはまだ顧客に結び付いていません'],
  [/^A customer of this pair was deleted$/, 'この組の顧客は削除されています'],
  [/^These customers hold a pair marked never to be merged \(review item (.+)\)$/, 'これらの顧客には「統合しない」と判断された組が含まれます（確認項目 $1）'],
  [/^A snapshot keeps the members it was saved with; save a new segment to change its conditions$/,
    'スナップショットは保存時のメンバーを保持します。条件を変えるには新しいセグメントとして保存してください'],
];

/** The part of `title` in `lang`: a bilingual title split at its trailing parentheses (or " / "), else the whole. */
export function localizeProblemTitle(title: string, lang: Lang): string {
  const text = title.trim();
  // 「… / …」, 「… (translation): detail」 (a detail from outside, e.g. the mail server's answer, follows both),
  // 「… (translation)」: the first shape whose two parts are in different languages.
  for (const shape of BILINGUAL) {
    const split = shape.exec(text);
    if (!split) continue;
    const [, head, tail, detail = ''] = split as unknown as [string, string, string, string | undefined];
    const headJa = JAPANESE.test(head);
    if (headJa !== JAPANESE.test(tail)) return `${(lang === 'ja') === headJa ? head : tail}${detail}`;
  }
  if (lang === 'ja' && !JAPANESE.test(text)) {
    for (const [pattern, ja] of PROBLEM_TITLES_JA) if (pattern.test(text)) return text.replace(pattern, ja);
  }
  return text;
}

/** The banner's text for an error of any kind (the field reasons, when there are some, are listed under it). */
export function errorMessage(error: unknown, t: Translate, lang: Lang): string {
  if (!(error instanceof ApiError)) return t('error.generic');
  const reason = localizeProblemTitle(error.title, lang);
  switch (error.code) {
    case 'validation_failed':
      return error.fieldErrors.length ? t('error.validation') : `${t('error.validation')} (${reason})`;
    case 'bad_request':
      return `${t('error.validation')} (${reason})`;
    case 'forbidden':
    case 'csrf_failed':
      return t('error.forbidden');
    case 'not_found':
      return t('error.notFound');
    case 'conflict':
      // The server always says what conflicted; a bare status text (a proxy's 409) says nothing worth showing.
      return reason && reason.toLowerCase() !== 'conflict' ? t('error.conflict', { reason }) : t('error.conflictUnknown');
    case 'too_many_requests':
      return t('error.tooMany');
    case 'unauthenticated':
      return t('error.sessionExpired');
    case 'setup_closed':
      return t('error.setupClosed');
    case 'network':
      return t('error.network');
    case 'internal':
      return t('error.internal');
    default:
      return `${t('error.generic')} (${reason})`;
  }
}
