import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DICTIONARIES } from '../../src/web/i18n.ts';
import { IMPORT_FIELDS } from '../../src/web/pages/import/mapping.ts';
import { ISSUE_REASONS, issueReasonText } from '../../src/domain/import/reasons.ts';
import { ORDER_TARGETS } from '../../src/domain/commerce/suggest.ts';

// Keys that pages put together at run time (tOr falls back to the raw code, so a missing one would not fail the build).
const RUNTIME_KEYS = [
  ...IMPORT_FIELDS.map((f) => `import.fieldLabel.${f.key}`),
  // The order wizard's targets come from the server (ORDER_TARGETS), with the rule that makes one required.
  ...ORDER_TARGETS.map((f) => `orderImport.field.${f.key}`),
  ...['always', 'customer_key', 'price', 'source'].map((k) => `orderImport.required.${k}`),
  ...['new', 'merge', 'review', 'accept', 'reject', 'never', 'unmerge', 'manual_merge'].map((k) => `identity.kind.${k}`),
  // Reason codes of flagged values that the validation report shows (src/domain/normalize, src/domain/import).
  ...['placeholder', 'invalid', 'too_short', 'unparseable', 'unrecognized', 'invalid_date', 'not_kana', 'unknown_prefecture'].map((r) => `import.reason.${r}`),
];

test('the keys pages build at run time are in both dictionaries, Japanese text in the Japanese one', () => {
  for (const key of RUNTIME_KEYS) {
    for (const lang of ['ja', 'en'] as const) assert.ok(key in DICTIONARIES[lang], `${lang}: ${key}`);
    const ja = (DICTIONARIES.ja as Record<string, string>)[key]!;
    if (key.startsWith('import.') || key.startsWith('orderImport.')) assert.match(ja, /[\u3040-\u30ff\u4e00-\u9fff]/u, `${key} reads in Japanese: ${ja}`);
  }
});

test('both dictionaries have the same keys and no empty text', () => {
  assert.deepEqual(Object.keys(DICTIONARIES.en).sort(), Object.keys(DICTIONARIES.ja).sort());
  for (const lang of ['ja', 'en'] as const) {
    for (const [key, text] of Object.entries(DICTIONARIES[lang])) assert.ok(text.trim(), `${lang}: ${key} is empty`);
  }
});

test('the reasons of flagged values read alike on screen and in the report CSV: one table (src/domain/import/reasons.ts)', () => {
  for (const lang of ['ja', 'en'] as const) {
    const screen = Object.fromEntries(Object.entries(DICTIONARIES[lang]).flatMap(([k, v]) => (k.startsWith('import.reason.') ? [[k.slice('import.reason.'.length), v]] : [])));
    assert.deepEqual(screen, Object.fromEntries(Object.entries(ISSUE_REASONS).map(([code, text]) => [code, text[lang]])), lang);
  }
  assert.equal(issueReasonText('invalid_number'), '存在しない番号です (not a valid number)');
  assert.equal(issueReasonText('列数が見出しと違います'), '列数が見出しと違います'); // a sentence already
  assert.equal(issueReasonText('constructor'), 'constructor');
});
