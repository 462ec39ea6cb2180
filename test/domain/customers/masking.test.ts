import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MASK, maskExternalId, maskSourceRecord, maskStatement } from '../../../src/domain/customers/masking.ts';
import { foldForSearch } from '../../../src/domain/normalize/text.ts';

const NORMALIZED = {
  familyName: '鷹司', givenName: '桃子', familyNameKana: 'タカツカサ', givenNameKana: 'モモコ', companyName: '株式会社マスク商事',
  email: 'momoko@example.jp', phone: '+819044172938', postalCode: '1500042', prefecture: '東京都', address: '渋谷区宇田川町9-9-9',
  birthDate: '1979-11-23', 'custom.趣味': '盆栽',
};

test('raw values of mapped personal fields and unmapped columns are masked, whatever the file called them', () => {
  const { raw } = maskSourceRecord({
    externalId: 'R-1',
    normalized: NORMALIZED,
    raw: {
      受付番号: 'R-1', 氏名: '鷹司　桃子', フリガナ: 'ﾀｶﾂｶｻ ﾓﾓｺ', 会社名: '株式会社マスク商事', 都道府県: '東京都',
      name: 'momoko@example.jp', 電話: '090-4417-2938', 住所: '東京都渋谷区宇田川町9-9-9', 生年月日: '1979/11/23', 趣味: '盆栽', 空欄: '',
    },
  });
  assert.deepEqual(raw, {
    受付番号: 'R-1', 氏名: '鷹司　桃子', フリガナ: 'ﾀｶﾂｶｻ ﾓﾓｺ', 会社名: '株式会社マスク商事', 都道府県: '東京都',
    name: MASK, 電話: MASK, 住所: MASK, 生年月日: MASK, 趣味: MASK, 空欄: '',
  });
});

test('form answers: choices lists and free text alike are shown only when the statement shows them', () => {
  const { raw } = maskSourceRecord({
    externalId: 'sub-1',
    normalized: { familyName: '鷹司', 'custom.ご相談内容': 'ひみつ' },
    raw: { family_name: '鷹司', message: 'ひみつ', topics: ['鷹司', '料金'], _consent: true, _form: 'contact', nested: { a: 1 } },
  });
  assert.deepEqual(raw, { family_name: '鷹司', message: MASK, topics: ['鷹司', MASK], _consent: true, _form: MASK, nested: MASK });
});

test('the external id is masked when it is one of the record\'s personal values', () => {
  assert.equal(maskExternalId('momoko@example.jp', NORMALIZED), MASK);
  assert.equal(maskExternalId('090-4417-2938', NORMALIZED), MASK);
  assert.equal(maskExternalId('150-0042', NORMALIZED), MASK);
  assert.equal(maskExternalId('R-1', NORMALIZED), 'R-1');
  const { raw, externalId } = maskSourceRecord({ externalId: 'momoko@example.jp', normalized: NORMALIZED, raw: { メール: 'momoko@example.jp' } });
  assert.deepEqual([externalId, raw.メール], [MASK, MASK], 'a masked id does not let its column through');
});

test('the statement is masked by its own field names', () => {
  const masked = maskStatement(NORMALIZED);
  assert.equal(masked.familyName, '鷹司');
  assert.equal(masked.prefecture, '東京都');
  for (const k of ['email', 'phone', 'postalCode', 'address', 'birthDate', 'custom.趣味']) assert.equal(masked[k], MASK, k);
});

test('property: a raw value left in clear folds to something the masked statement or the shown id already shows', () => {
  const text = fc.oneof(fc.constantFrom(...Object.values(NORMALIZED), '鷹司 桃子', 'R-1', ''), fc.string({ maxLength: 12 }));
  fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), text), fc.constantFrom('R-1', 'momoko@example.jp'), (raw, externalId) => {
    const masked = maskSourceRecord({ externalId, normalized: NORMALIZED, raw });
    const shown = new Set([...Object.values(masked.normalized), masked.externalId].filter((v) => typeof v === 'string' && v !== MASK).map((v) => foldForSearch(v as string)));
    shown.add(foldForSearch('鷹司桃子'));
    for (const [k, v] of Object.entries(masked.raw)) {
      if (v === MASK || (typeof v === 'string' && v.trim() === '')) continue;
      assert.ok(shown.has(foldForSearch(String(v))), `${k}: ${String(v)}`);
    }
  }));
});
