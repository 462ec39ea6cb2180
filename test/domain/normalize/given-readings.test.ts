import { test } from 'node:test';
import assert from 'node:assert/strict';
import { givenNameReadings } from '../../../src/domain/normalize/given-readings.ts';
import { prepareMatchRecord } from '../../../src/domain/match/index.ts';

test('a given name\'s known readings, looked up by the text a prepared record holds', () => {
  assert.ok(givenNameReadings('健二')!.includes('kenji'));
  assert.ok(!givenNameReadings('健二')!.includes('kenta'));
  // Spellings with kana inside are folded as the record's written name is (龍ノ介 → 竜の介).
  const rec = prepareMatchRecord({ id: '1', source: 's', fields: { family_name: '佐藤', given_name: '龍ノ介' } });
  assert.ok(givenNameReadings(rec.given!.text!)!.length > 0);
  assert.equal(givenNameReadings('未登録名'), undefined);
});
