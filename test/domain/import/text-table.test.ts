import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { headerRefusal, notTextTableReason } from '../../../src/domain/import/text-table.ts';

describe('notTextTableReason', () => {
  test('a text table passes, with tabs and line breaks, and a stray undecodable byte', () => {
    assert.equal(notTextTableReason('氏名\t住所\r\n山田\t東京都\r\n', 'cp932'), null);
    assert.equal(notTextTableReason(`名前,メモ\r\n${'山田,テスト\r\n'.repeat(20)}田\ufffd,x\r\n`, 'utf-8'), null);
    assert.equal(notTextTableReason('', 'utf-8'), null);
  });

  test('UTF-16 read as an 8-bit encoding (every other character a NUL) is refused, naming the encoding', () => {
    const reason = notTextTableReason('n\u0000a\u0000m\u0000e\u0000,\u0000i\u0000d\u0000\r\u0000\n\u0000', 'utf-8');
    assert.match(reason ?? '', /50% .*utf-8/u);
  });
});

describe('headerRefusal', () => {
  test('names the column of a NUL or an unpaired surrogate; a surrogate pair (𠮷) is fine', () => {
    assert.equal(headerRefusal(['ID', '𠮷田', '氏名']), null);
    assert.match(headerRefusal(['ID', '氏名', 'メ\u0000モ']) ?? '', /3 列目に NUL 文字.*column 3/u);
    assert.match(headerRefusal(['\uDC00ID']) ?? '', /1 列目に対になっていないサロゲート \(U\+DC00\).*column 1/u);
  });
});
