import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordProblem } from '../../src/domain/auth/password-policy.ts';
import { localizeFieldMessage } from '../../src/web/i18n.ts';

// The setup page and user admin show the server's field message; in Japanese mode each password reason is Japanese.
test('every reason a password is refused reads in Japanese on the setup page and in user admin', () => {
  const weak = ['short', 'x'.repeat(300), ' '.repeat(10), 'aaaaaaaaaa', 'aaaaaaaaab', 'abcdefghij', 'password123', 'taro.yamada'];
  const messages = new Set(weak.map((p) => passwordProblem(p, { email: 'taro.yamada@example.co.jp' })));
  assert.equal(messages.size, weak.length, 'one sample for each reason');
  for (const message of messages) {
    assert.ok(message);
    const ja = localizeFieldMessage(message, 'ja');
    assert.match(ja, /[\u3040-\u30ff\u4e00-\u9fff]/, `${message} → ${ja}`);
    assert.doesNotMatch(ja, /[a-z]{4,} [a-z]{4,}/, `no English left over: ${ja}`);
  }
});
