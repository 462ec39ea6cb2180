import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cellKind, isDataKind, type CellKind } from '../../../src/domain/import/cell-kind.ts';

describe('cellKind', () => {
  const cases: Record<CellKind, string[]> = {
    blank: ['', '  ', '\u3000'],
    email: ['taro@example.jp', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', ' first.last+tag@sub.example.co.jp '],
    url: ['https://example.jp/a', 'www.example.com', 'example.com', 'dummy.example.co.jp'],
    date: [
      '2015-03-16 14:40:47', '2024-05-01T10:00:00.000Z', '1960/10/10', '2019/3/2', '1960年10月10日', '昭和45年1月2日',
      'S45.1.2', '令和元年5月1日', '16/03/2015', 'March 16, 2015', '16-Mar-2015', 'Mon, 16 Mar 2015 14:40:47 +0000', '14:40',
    ],
    number: ['1000001', '4.5', '-0.5', '1,234', '35.6800000', '192.0.2.10'],
    phone: ['0862775651', '025-763-7279', '+81 90-1234-5678', '(03) 1234-5678 内線12', '06-1234-5678', '+1 (555) 010-9999'],
    postal: ['947-8503', '〒702-8609', '〒 100ー0001', '12345-6789'],
    text: ['山田 太郎', '株式会社サンプル商事', 'Junko', '3M', '120件', '名刺ID', 'e-mail', 'CONFIRM_TIME', '東京都千代田区千代田1-1'],
  };
  for (const [kind, values] of Object.entries(cases)) {
    test(kind, () => {
      for (const v of values) assert.equal(cellKind(v), kind, JSON.stringify(v));
    });
  }

  test('data kinds are what a header label never is', () => {
    assert.deepEqual(
      (['blank', 'email', 'url', 'date', 'number', 'phone', 'postal', 'text'] as const).filter(isDataKind),
      ['email', 'url', 'date', 'number', 'phone', 'postal'],
    );
  });
});
