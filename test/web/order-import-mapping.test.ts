import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrderImportUpload, OrderValidation } from '../../src/web/api.ts';
import { ORDER_TARGETS } from '../../src/domain/commerce/suggest.ts';
import { missingTargets, orderMappingFrom, toOrderProfile } from '../../src/web/pages/order-import/order-mapping.ts';
import { INITIAL_ORDER_WIZARD, orderWizardReducer } from '../../src/web/pages/order-import/useOrderImportWizard.ts';

const TARGETS = ORDER_TARGETS.map((t) => ({ key: t.key, required: t.required ?? null }));

function upload(fileName: string, orderIdColumn: string | null, fields: Record<string, string>, headerLine = 1): OrderImportUpload {
  return {
    uploadId: 'u1', fileName, size: 100,
    preview: { format: 'csv', encoding: 'cp932', delimiter: ',', headers: [], headerLine, headerReason: null, rows: [], more: false, warnings: [], suggestion: {} },
    suggestion: { orderIdColumn, fields, columns: [], unmapped: [], targets: TARGETS },
  } as unknown as OrderImportUpload;
}

test('the mapping starts from the suggestion and becomes the profile the API takes', () => {
  const m = orderMappingFrom('juchu_202604.csv', upload('juchu_202604.csv', '受注番号', { ordered_at: '購入日', member_id: '会員番号', quantity: '数量', amount: '小計' }, 2));
  assert.equal(m.source, 'juchu');
  assert.equal(m.columns.order_id, '受注番号');
  assert.equal(m.columns.sku, '');
  assert.deepEqual(missingTargets(m, TARGETS), []);
  assert.deepEqual(toOrderProfile({ ...m, channel: ' EC ', encoding: 'cp932' }), {
    source: 'juchu', order_id_column: '受注番号', encoding: 'cp932', header_row: 2, channel: 'EC',
    fields: { ordered_at: '購入日', member_id: '会員番号', quantity: '数量', amount: '小計' },
  });
});

test('what is missing: the order number and date, one customer key, an amount or unit price, a source name', () => {
  const m = orderMappingFrom('名刺.csv', upload('名刺.csv', null, { quantity: '数量' }));
  assert.equal(m.source, 'ec', 'a file name without letters: the default');
  assert.deepEqual(missingTargets({ ...m, source: ' ' }, TARGETS), ['order_id', 'ordered_at', 'customer_key', 'price', 'source']);
  const fixed = { ...m, columns: { ...m.columns, order_id: 'No', ordered_at: '日付', customer_phone: '電話', unit_price: '単価' } };
  assert.deepEqual(missingTargets(fixed, TARGETS), []);
});

test('the wizard state: upload, a mapping change marks the validation stale, another header line keeps what was typed, reset', () => {
  let s = orderWizardReducer(INITIAL_ORDER_WIZARD, { type: 'busy', busy: 'upload' });
  s = orderWizardReducer({ ...s, error: new Error('old') }, { type: 'busy', busy: 'validate' });
  assert.equal(s.error, null, 'a new step clears the last error');
  s = orderWizardReducer(s, { type: 'uploaded', upload: upload('ec.csv', '注文番号', { ordered_at: '注文日' }) });
  s = orderWizardReducer(s, { type: 'mapping', mapping: { ...s.mapping!, source: 'shop', channel: '店舗' } });
  s = orderWizardReducer(s, { type: 'validated', report: { problems: [] } as unknown as OrderValidation });
  assert.equal(s.validation?.stale, false);
  s = orderWizardReducer(s, { type: 'mapping', mapping: { ...s.mapping!, encoding: 'utf-8' } });
  assert.equal(s.validation?.stale, true);
  const other = upload('ec.csv', null, {}, 3);
  s = orderWizardReducer(s, { type: 'previewed', preview: { preview: other.preview, suggestion: other.suggestion } });
  assert.equal(s.validation, null);
  assert.deepEqual([s.mapping!.source, s.mapping!.channel, s.mapping!.encoding, s.mapping!.headerRow, s.mapping!.columns.order_id], ['shop', '店舗', 'utf-8', 3, '']);
  assert.deepEqual(orderWizardReducer(s, { type: 'reset' }), INITIAL_ORDER_WIZARD);
});
