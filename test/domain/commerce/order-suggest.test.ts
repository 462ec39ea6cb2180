import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderGroupProblem, type OrderRow } from '../../../src/domain/commerce/orders.ts';
import { classifyOrderHeader, suggestOrderMapping } from '../../../src/domain/commerce/suggest.ts';

test('order headers in Japanese and English name their fields; the buyer\'s details use the customer vocabulary', () => {
  const cases: Array<[string, string | null]> = [
    ['注文番号', 'order_id'], ['受注番号', 'order_id'], ['ｵｰﾀﾞｰ番号', 'order_id'], ['InvoiceNo', 'order_id'], ['Order ID', 'order_id'],
    ['注文日', 'ordered_at'], ['購入日時', 'ordered_at'], ['InvoiceDate', 'ordered_at'], ['受注日付', 'ordered_at'],
    ['会員番号', 'member_id'], ['顧客ID', 'member_id'], ['CustomerID', 'member_id'],
    ['商品コード', 'sku'], ['品番', 'sku'], ['StockCode', 'sku'], ['ＳＫＵ', 'sku'],
    ['商品名', 'product_name'], ['Description', 'product_name'],
    ['数量', 'quantity'], ['Quantity', 'quantity'], ['単価', 'unit_price'], ['UnitPrice', 'unit_price'],
    ['金額', 'amount'], ['小計', 'amount'], ['ステータス', 'status'], ['チャネル', 'channel'], ['店舗', 'channel'],
    ['メールアドレス', 'customer_email'], ['電話番号', 'customer_phone'], ['氏名', 'customer_name'], ['フリガナ', 'customer_name_kana'],
    ['会社名', 'company_name'], ['郵便番号', 'postal_code'], ['都道府県', 'prefecture'], ['住所', 'address'],
    ['Country', null], ['備考', null], ['通貨', null],
  ];
  for (const [header, kind] of cases) assert.equal(classifyOrderHeader(header)?.kind ?? null, kind, header);
});

test('a column whose values do not fit is not suggested, and says why; the next candidate takes the field', () => {
  const s = suggestOrderMapping(['注文番号', '注文日', '受注日', '数量', '金額'], [
    { 注文番号: 'A-1', 注文日: '済', 受注日: '2026/4/3', 数量: '2026-04-03', 金額: '¥1,200' },
    { 注文番号: 'A-2', 注文日: '未', 受注日: '令和8年4月4日', 数量: '2026-04-04', 金額: '△300' },
  ]);
  assert.equal(s.orderIdColumn, '注文番号');
  assert.deepEqual(s.fields, { ordered_at: '受注日', amount: '金額' });
  const misfits = s.columns.filter((c) => c.misfit).map((c) => c.header);
  assert.deepEqual(misfits, ['注文日', '数量']);
  assert.match(s.columns[3]!.misfit!.message, /^列「数量」の値は quantity に合いません: 2 件中 2 件/u);
  assert.deepEqual(s.unmapped, ['注文日', '数量']);
});

const row = (over: Partial<OrderRow>): OrderRow => ({
  line: 2, orderId: 'A-1', orderedAt: '2026-04-03T00:00:00.000Z', sku: 'X', productName: null, quantity: 1000, unitPrice: null, amount: 100,
  channel: null, status: 'completed', customer: { email: 'a@kaisha.co.jp' }, memberId: null, ...over,
});

test('an order\'s rows: the import and its validation refuse alike (no buyer key, no date, returns of an unknown order)', () => {
  assert.equal(orderGroupProblem([row({})], false), null);
  assert.equal(orderGroupProblem([row({ customer: {} })], false)?.field, 'customer');
  assert.equal(orderGroupProblem([row({ customer: {}, memberId: 'M-1' })], false), null);
  assert.equal(orderGroupProblem([row({ orderedAt: null })], false)?.field, 'ordered_at');
  assert.match(orderGroupProblem([row({ quantity: -1000 })], false)!.reason, /^返品行だけで/u);
  assert.equal(orderGroupProblem([row({ quantity: -1000, customer: {}, orderedAt: null })], true), null, 'a stored order takes its returns');
});
