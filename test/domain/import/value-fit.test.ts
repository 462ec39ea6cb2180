import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { columnFit, misfitMessage, valueFits } from '../../../src/domain/import/value-fit.ts';
import type { ImportField } from '../../../src/domain/import/profile.ts';

describe('valueFits', () => {
  const fits: Array<[ImportField, string[], string[]]> = [
    // field, values that fit, values that do not
    ['company_name', ['株式会社サンプル商事', 'Sample Shoji K.K.', '3M'], ['2015-03-16 14:40:47', '12345', 'info@example.jp', 'https://example.jp', '03-5555-0100']],
    ['full_name', ['見本 太郎', 'Taro Mihon', 'ミホン タロウ'], ['2015-03-16 14:40:47', '4', 'taro@example.jp']],
    ['family_name_kana', ['ミホン'], ['1980-01-02']],
    ['department', ['営業部'], ['2023/04/10']],
    ['title', ['部長', 'Sales Manager'], ['35.68']],
    ['email', ['taro@example.jp', 'ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ', 'taro@localhost'], ['Taro Mihon', '2015-03-16', '03-5555-0100', 'example.jp']],
    ['phone', ['03-5555-0100', '0862775651', '862775651', '+81 90-0000-0001', '03-5555-0100（代表）', '(03) 5555-0100 内線 12'], ['2015-03-16 14:40:47', 'taro@example.jp', '見本 太郎', '12', '35.6800000']],
    ['postal_code', ['100-0001', '〒100-0001', '1000001', '2000', 'SW1A 1AA', 'K1A 0B1', '12345-6789'], ['2015-03-16', '東京都', 'taro@example.jp']],
    ['birth_date', ['1980-01-02', '1980/1/2', '昭和55年1月2日', 'S55.1.2', '19800102', '1980-01-02 00:00:00', 'January 2, 1980'], ['2015-03-16 14:40:47', '45', 'Taro', '20231399']],
    ['gender', ['男性', '女', 'F', 'male', '1', 'その他'], ['2015-03-16', 'taro@example.jp', '一身上の都合により回答を控えさせていただきます']],
    ['prefecture', ['東京都', 'Tokyo', 'CA', '13'], ['2015-03-16 14:40:47', '100-0001', '03-5555-0100', '4.5']],
    ['address', ['東京都千代田区千代田1-1', '12', '〒100-0001 東京都千代田区', '100-0001'], ['2015-03-16 14:40:47', 'taro@example.jp', '03-5555-0100']],
  ];
  for (const [field, good, bad] of fits) {
    test(field, () => {
      for (const v of good) assert.equal(valueFits(field, v), true, `${field} ← ${JSON.stringify(v)} should fit`);
      for (const v of bad) assert.equal(valueFits(field, v), false, `${field} ← ${JSON.stringify(v)} should not fit`);
      assert.equal(valueFits(field, '  '), true, 'a blank cell is no evidence');
    });
  }
});

describe('columnFit', () => {
  test('counts non-blank values only and keeps the first misfit as the example', () => {
    const fit = columnFit('company_name', ['', '2015-03-16 14:40:47', ' ', '2016-07-01 09:05:12', 'サンプル商事']);
    assert.equal(fit.checked, 3);
    assert.equal(fit.misfits, 2);
    assert.equal(fit.share, 1 / 3);
    assert.deepEqual(fit.example, { value: '2015-03-16 14:40:47', kind: 'date' });
  });

  test('an all-blank column fits (nothing to judge)', () => {
    assert.deepEqual(columnFit('company_name', ['', '', '']), { field: 'company_name', checked: 0, misfits: 0, share: 1, example: null });
  });

  test('the message names the column, the field, the count and an example, in Japanese then English', () => {
    const fit = columnFit('company_name', ['2015-03-16 14:40:47']);
    assert.equal(
      misfitMessage('会社名', fit),
      '列「会社名」の値は company_name に合いません: 1 件中 1 件（例「2015-03-16 14:40:47」: 日付・日時） ' +
        '(the values of column "会社名" do not fit company_name: 1 of 1 (e.g. "2015-03-16 14:40:47": dates or timestamps))',
    );
  });
});
