import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toStatement } from '../../../src/domain/import/statement.ts';
import { reconcileNameParts } from '../../../src/domain/normalize/name.ts';

const reading = (fields: Record<string, string>) => {
  const { statement } = toStatement(fields, {});
  return [statement.familyNameKana ?? null, statement.givenNameKana ?? null];
};

test('a whole reading typed into セイ is split, so it never reads 「タワラ ヨシヒコ ヨシヒコ」', () => {
  assert.deepEqual(reading({ family_name_kana: 'タワラ ヨシヒコ' }), ['タワラ', 'ヨシヒコ']);
  assert.deepEqual(reading({ family_name_kana: 'たわら　よしひこ', given_name_kana: 'ヨシヒコ' }), ['タワラ', 'ヨシヒコ'], 'セイ holds メイ too');
  assert.deepEqual(reading({ full_name_kana: 'ﾀﾜﾗ ﾖｼﾋｺ', given_name_kana: 'ヨシヒコ' }), ['タワラ', 'ヨシヒコ'], 'the family part comes from the whole reading');
  assert.deepEqual(reading({ full_name_kana: 'タワラ ヨシヒコ', family_name_kana: 'タワラ' }), ['タワラ', 'ヨシヒコ']);
  assert.deepEqual(reading({ full_name_kana: 'モリシタ ソーカ', given_name_kana: 'ヨシヒコ' }), [null, 'ヨシヒコ'], 'a whole reading that disagrees gives nothing');
  assert.deepEqual(reading({ family_name_kana: 'タワラ', given_name_kana: 'ヨシヒコ', full_name_kana: 'ワタナベ ソーカ' }), ['タワラ', 'ヨシヒコ'], 'split columns win');
});

test('names get the same treatment as their readings', () => {
  const { statement } = toStatement({ family_name: '田原 嘉彦', given_name: '嘉彦' }, {});
  assert.equal(statement.familyName, '田原');
  assert.equal(statement.givenName, '嘉彦');
  assert.deepEqual(toStatement({ full_name: '山田　太郎' }, {}).statement, { familyName: '山田', givenName: '太郎' });
});

test('reconcileNameParts keeps what it cannot explain', () => {
  assert.deepEqual(reconcileNameParts('ヴァン デル', 'ベルク', null), { family: 'ヴァン デル', given: 'ベルク' }, 'a 姓 with a space that does not end in the 名');
  assert.deepEqual(reconcileNameParts('タワラ', 'ヨシヒコ', null), { family: 'タワラ', given: 'ヨシヒコ' });
  assert.deepEqual(reconcileNameParts('ヨシヒコ', 'ヨシヒコ', null), { family: 'ヨシヒコ', given: 'ヨシヒコ' }, 'nothing to cut without a space');
  assert.deepEqual(reconcileNameParts(null, null, null), { family: null, given: null });
  assert.deepEqual(reconcileNameParts('  ', null, 'サトウ ハナコ'), { family: 'サトウ', given: 'ハナコ' });
});
