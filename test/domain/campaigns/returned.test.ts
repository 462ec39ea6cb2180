import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DmLabel } from '../../../src/domain/campaigns/dm.ts';
import { returnedColumns, returnedHeaderProblem, returnedIndex } from '../../../src/domain/campaigns/returned.ts';

const label = (customerId: string, postalCode: string, address1: string, name: string, company = ''): DmLabel =>
  ({ customerId, postalCode, address1, address2: '', company, department: '', title: '', name, honorific: company && !name ? '御中' : '様' });

const labels = [
  label('a1', '100-0005', '東京都千代田区丸の内1-1-1', '山田 太郎'),
  label('b2', '530-0001', '大阪府大阪市北区梅田2-2', '佐藤 花子'),
  label('c3', '530-0001', '大阪府大阪市北区梅田2-2', '', '株式会社さくら'),
];

test('headers: the exported list, envelope words, English; a file with neither key is refused', () => {
  assert.deepEqual(returnedColumns(['郵便番号', '住所1', '住所2', '会社名', '部署', '役職', '氏名', '敬称', '顧客ID']),
    { postalCode: 0, address1: 1, address2: 2, company: 3, name: 6, customerId: 8 });
  assert.deepEqual(returnedColumns(['\uFEFF〒', '住所', '宛名', '備考']), { postalCode: 0, address1: 1, name: 2, detail: 3 });
  assert.deepEqual(returnedColumns(['Customer ID']), { customerId: 0 });
  assert.equal(returnedHeaderProblem(returnedColumns(['氏名', '住所1'])), '「顧客ID」の列か、「郵便番号」と「住所1」の列が必要です (a 顧客ID column, or 郵便番号 and 住所1 columns)');
  assert.equal(returnedHeaderProblem(returnedColumns(['郵便番号', '住所1'])), null);
});

test('matching: 顧客ID first; 〒 + address folded (width, dashes, spaces); the name or company picks among a household', () => {
  const index = returnedIndex(labels);
  assert.deepEqual(index.match({ customerId: 'A1' }), { ok: true, customerId: 'a1' });
  assert.equal(index.match({ customerId: 'zz' }).ok, false);
  assert.deepEqual(index.match({ postalCode: '１００－０００５', address1: '東京都千代田区丸の内１ー１ー１' }), { ok: true, customerId: 'a1' });
  const both = index.match({ postalCode: '5300001', address1: '大阪府大阪市北区梅田2-2' });
  assert.equal(both.ok === false && both.reason, 'ambiguous');
  assert.deepEqual(index.match({ postalCode: '530-0001', address1: '大阪府大阪市北区梅田2-2', name: '佐藤　花子 様' }), { ok: true, customerId: 'b2' });
  assert.deepEqual(index.match({ postalCode: '530-0001', address1: '大阪府大阪市北区梅田2-2', company: '株式会社さくら 御中' }), { ok: true, customerId: 'c3' });
  const stranger = index.match({ postalCode: '530-0001', address1: '大阪府大阪市北区梅田2-2', name: '鈴木 一郎' });
  assert.equal(stranger.ok === false && stranger.reason, 'not_in_list');
  const nothing = index.match({ name: '山田 太郎' });
  assert.equal(nothing.ok === false && nothing.reason, 'no_key');
});
