import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMON_PASSWORDS } from '../../../src/domain/auth/common-passwords.generated.ts';
import { foldPassword } from '../../../src/domain/auth/password-fold.ts';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../../src/domain/auth/password-policy.ts';

const refused = (password: string, pattern: RegExp, context = {}) => {
  const problem = passwordProblem(password, context);
  assert.ok(problem !== null, `${JSON.stringify(password)} should be refused`);
  assert.match(problem, pattern, JSON.stringify(password));
};

test('length: at least 10 characters as a person counts them, at most 256', () => {
  refused('short', /at least 10 characters/);
  refused('🍣🍣🍣🍣🍣', /at least 10 characters/, {}); // ten UTF-16 units, five characters
  refused('x'.repeat(257), /at most 256/);
  assert.equal(MIN_PASSWORD_LENGTH, 10);
});

test('blanks, one character or a short pattern repeated, few different characters, consecutive runs', () => {
  refused(' '.repeat(10), /only spaces/);
  refused('\u3000'.repeat(10), /only spaces/); // 全角スペース
  refused('\t \u200b'.repeat(4), /only spaces or invisible/);
  refused('aaaaaaaaaa', /repeated/);
  refused('ＡＡＡＡＡＡＡＡＡＡ', /repeated/);
  refused('AaAaAaAaAa', /repeated/);
  refused('abcabcabca', /repeated/);
  refused('1212121212', /repeated/);
  refused('abcdabcdabcd', /repeated/);
  refused('aaaaaaaaab', /at least 4 different characters/);
  refused('1111122222', /at least 4 different characters/);
  refused('abcdefghij', /consecutive/);
  refused('9876543210', /consecutive/);
  refused('あぃいぅうぇえぉおか', /consecutive/);
});

test('the most common passwords are refused whatever their case or width, and stretched by a few digits or symbols', () => {
  refused('qwertyuiop', /most commonly used/);
  refused('password123', /most commonly used/);
  refused('Password123', /most commonly used/);
  refused('ＰＡＳＳＷＯＲＤ１２３', /most commonly used/); // typed with the IME in full-width mode
  refused(' password123 ', /most commonly used/);
  refused('iloveyou2024', /most commonly used/);
  refused('baseball!!', /most commonly used/);
  refused('monkey1234', /most commonly used/);
  refused('1q2w3e4r5t', /most commonly used/);
  assert.equal(passwordProblem('monkey-business-1234'), null, 'a common word inside a longer password is fine');
  assert.equal(passwordProblem('baseballbat'), null, 'letters after a common password make a different one');
});

test('the own e-mail address, or its part before @, is refused', () => {
  refused('Taro.Yamada@example.co.jp', /e-mail address/, { email: 'taro.yamada@example.co.jp' });
  refused('taro.yamada', /e-mail address/, { email: 'Taro.Yamada@Example.co.jp' });
  assert.equal(passwordProblem('taro.yamada', { email: 'hanako@example.co.jp' }), null);
});

test('ordinary passwords pass', () => {
  for (const ok of ['correct horse battery', 'long enough pw', 'admin-password-2026', 'kasumigaseki-7-route', '東京タワーの夜景がきれい', 'Tr0ub4dor&3xyz']) {
    assert.equal(passwordProblem(ok), null, ok);
  }
});

test('the bundled list: 10,000 passwords, folded as the check folds, no repeats', () => {
  const list = COMMON_PASSWORDS.split('\n');
  assert.equal(list.length, 10_000);
  assert.equal(new Set(list).size, list.length);
  for (const p of list) assert.equal(foldPassword(p), p);
  assert.equal(list[0], '123456', 'most common first');
});
