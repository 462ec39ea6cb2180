import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../src/web/api.ts';
import { errorMessage, localizeProblemTitle } from '../../src/web/error-message.ts';
import { DICTIONARIES, type Lang, type MessageKey, type Translate } from '../../src/web/i18n.ts';

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/u;
const translator = (lang: Lang): Translate => (key: MessageKey, params) => {
  let s = DICTIONARIES[lang][key];
  for (const [k, v] of Object.entries(params ?? {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
};
const message = (error: unknown, lang: Lang) => errorMessage(error, translator(lang), lang);

test('a state conflict shows the server\'s reason, not 「すでに登録されています」', () => {
  const closed = new ApiError(409, 'conflict', 'The task is already done (このタスクは完了済みです)');
  assert.equal(message(closed, 'ja'), '実行できませんでした：このタスクは完了済みです');
  assert.equal(message(closed, 'en'), 'Not done: The task is already done');
  const running = new ApiError(409, 'conflict', 'この処理は実行中です。再実行できるのは失敗・停止したものだけです (only a failed or dead job can be retried; this one is running)');
  assert.equal(message(running, 'ja'), '実行できませんでした：この処理は実行中です。再実行できるのは失敗・停止したものだけです');
  assert.equal(message(running, 'en'), 'Not done: only a failed or dead job can be retried; this one is running');
  for (const lang of ['ja', 'en'] as const) {
    assert.doesNotMatch(message(closed, lang), /すでに登録|already exists/);
    assert.doesNotMatch(message(running, lang), /すでに登録|already exists/);
  }
});

test('a duplicate says what is duplicated, in both languages; its field reasons stay with the fields', () => {
  const duplicate = new ApiError(409, 'conflict', 'A user with this e-mail already exists', [{ field: 'email', message: 'Already registered' }]);
  assert.equal(message(duplicate, 'ja'), '実行できませんでした：このメールアドレスのユーザーはすでに登録されています');
  assert.equal(message(duplicate, 'en'), 'Not done: A user with this e-mail already exists');
  const slug = new ApiError(409, 'conflict', 'URL「spring」は使われています (the URL is taken)', [{ field: 'slug', message: 'このURLは既に使われています' }]);
  assert.equal(message(slug, 'ja'), '実行できませんでした：URL「spring」は使われています');
  assert.equal(message(slug, 'en'), 'Not done: the URL is taken');
  const smtp = new ApiError(409, 'conflict', 'メールを送信できませんでした (the mail server refused the reply): 550 5.1.1 mailbox unavailable');
  assert.equal(message(smtp, 'ja'), '実行できませんでした：メールを送信できませんでした: 550 5.1.1 mailbox unavailable');
  assert.equal(message(smtp, 'en'), 'Not done: the mail server refused the reply: 550 5.1.1 mailbox unavailable');
});

test('a 409 with nothing but its status text gets a general conflict line; other codes keep their headlines', () => {
  assert.equal(message(new ApiError(409, 'conflict', 'Conflict'), 'ja'), DICTIONARIES.ja['error.conflictUnknown']);
  assert.equal(message(new ApiError(409, 'conflict', ''), 'en'), DICTIONARIES.en['error.conflictUnknown']);
  assert.equal(message(new ApiError(404, 'not_found', 'Voice item not found'), 'ja'), DICTIONARIES.ja['error.notFound']);
  assert.equal(message(new ApiError(400, 'bad_request', 'このメモには本文がありません (the note has no text)'), 'en'), `${DICTIONARIES.en['error.validation']} (the note has no text)`);
  assert.equal(message(new Error('boom'), 'ja'), DICTIONARIES.ja['error.generic']);
});

test('titles that are not bilingual translations are left whole', () => {
  assert.equal(localizeProblemTitle('法人番号が異なるため統合できません（1234567890123 と 9876543210987）', 'en'), '法人番号が異なるため統合できません（1234567890123 と 9876543210987）');
  assert.equal(localizeProblemTitle('The campaign is sending (scheduled)', 'ja'), 'The campaign is sending (scheduled)');
  assert.equal(localizeProblemTitle('The review item was already decided (merged)', 'en'), 'The review item was already decided (merged)');
  assert.equal(localizeProblemTitle('The review item was already decided (merged)', 'ja'), 'この確認項目はすでに判断済みです');
});

// Every 409 a service throws, as the banner shows it: Japanese in Japanese mode, and English in English mode whenever
// the server gave English. Template parts (${…}) are filled with a sample value.
test('every conflict title the services throw reads in the page\'s language', () => {
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  const titles: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) { if (entry.name !== 'web') walk(path); continue; }
      if (!entry.name.endsWith('.ts')) continue;
      const source = readFileSync(path, 'utf8');
      for (const m of source.matchAll(/new AppError\(\s*'conflict',\s*(?:'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`)/gu)) {
        titles.push((m[1] ?? m[2]!).replace(/\$\{[^}]*\}/gu, 'sample'));
      }
    }
  };
  walk(root);
  assert.ok(titles.length >= 40, `found ${titles.length} conflict titles`);
  for (const title of titles) {
    const ja = message(new ApiError(409, 'conflict', title), 'ja');
    const en = message(new ApiError(409, 'conflict', title), 'en');
    assert.match(ja.replace(/^実行できませんでした：/u, ''), JAPANESE, `ja: ${title} → ${ja}`);
    assert.doesNotMatch(ja, /[a-z]{3,} [a-z]{3,} [a-z]{3,}/u, `ja has no English sentence: ${ja}`);
    // Bilingual (the translation in trailing parentheses or after " / "): only the English part in English mode.
    if (JAPANESE.test(title) && /[a-z]{2,} [a-z]{2,}/iu.test(title) && /\)$|\): | \/ /u.test(title)) assert.doesNotMatch(en, JAPANESE, `en: ${title} → ${en}`);
    else if (!JAPANESE.test(title)) assert.equal(en, `Not done: ${title}`);
    else console.log(`  no English from the server: ${title}`);
  }
});
