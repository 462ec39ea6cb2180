import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as normalize from '../../../src/domain/normalize/index.ts';

test('index re-exports every public function', () => {
  const expected = [
    'nfkc', 'toHiragana', 'foldKana', 'foldVariantKanji', 'foldForSearch',
    'kanjiToNumber', 'replaceKanjiNumeralsBefore',
    'normalizeEmail', 'isPlaceholderEmail', 'emailMatchKey',
    'normalizePhone', 'isPlaceholderPhone',
    'normalizePostalCode', 'extractPostalCode', 'prefectureFromPostal',
    'parseDate', 'parseBirthDate', 'toWareki',
    'splitFullName', 'isKnownSurname', 'foldRomaji',
    'parseCompanyName', 'companyMatchKey',
    'prefectureByCode', 'prefectureCode',
    'parseAddress', 'normalizeAddressNumbers',
  ];
  for (const name of expected) {
    assert.equal(typeof (normalize as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(normalize.PREFECTURES.length, 47);
});
