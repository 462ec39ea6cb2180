/**
 * The order import wizard's API: upload (Shift_JIS, title lines) → suggested order mapping from Japanese and English
 * headers, with value-fit → validate (every problem row with its line and a Japanese reason, nothing written) → run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

/** A shop's export as Excel saves it: a title line, then 受注番号 / 購入日 / 会員番号 / 品番 / 小計… */
const SHOP_CSV = [
  '受注データ 2026年4月',
  '受注番号,購入日,会員番号,メールアドレス,氏名,品番,商品名,数量,単価,小計,ステータス,店舗',
  'S-1,2026/4/3,,hanako@kaisha-a.co.jp,佐藤 花子,CF-1,コーヒー豆 1kg,2,"3,200","6,400",完了,EC', //   line 3
  'S-1,2026/4/3,,hanako@kaisha-a.co.jp,佐藤 花子,MG-1,マグカップ,1,1500,1500,完了,EC', //               line 4
  'S-2,2026/4/5,M-9,,高橋 一郎,MG-1,マグカップ,2,1500,3000,,店舗', //                                     line 5
  'S-3,2026/4/6,,,名無し,MG-1,マグカップ,1,1500,1500,,EC', //                                            line 6: no buyer key
  'S-4,2026/4/7,M-9,,高橋 一郎,CF-1,コーヒー豆 1kg,たくさん,3200,,,EC', //                               line 7: bad quantity
].join('\r\n');

function bytes(csv: string, encoding: 'cp932' | 'utf-8'): Uint8Array {
  return encoding === 'cp932' ? new Uint8Array(iconv.encode(csv, 'cp932')) : new TextEncoder().encode(csv);
}

const keys = new Map<string, string>();
/** The file as the raw body, as the browser wizard sends it (the test client would send JSON). */
async function uploadRaw(t: TestApp, client: Client, csv: string, encoding: 'cp932' | 'utf-8', name = 'juchu.csv') {
  let key = keys.get(client.userId);
  if (!key) {
    key = (await createApiKey(t.database.db, client.userId, 'upload key')).key;
    keys.set(client.userId, key);
  }
  const res = await t.app.request('/api/v1/orders/import/uploads', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
    body: new Blob([bytes(csv, encoding) as Uint8Array<ArrayBuffer>]),
  });
  return { status: res.status, body: await res.json() };
}

for (const engine of ENGINES) {
  describe(`order import wizard [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let hanako: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      const [rec] = await ingestRecords(t.database.db, {
        source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' },
        records: [{ externalId: 'sub-1', fields: { full_name: '佐藤 花子', email: 'hanako@kaisha-a.co.jp' } }],
        actor,
      });
      hanako = rec!.customerId;
    });
    after(async () => t.close());

    let uploadId = '';
    let profile: Record<string, unknown> = {};

    test('upload: Shift_JIS detected, the header found under the title line, every order column suggested from its Japanese header', async () => {
      const res = await uploadRaw(t, admin, SHOP_CSV, 'cp932');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const { preview, suggestion } = res.body;
      assert.equal(preview.encoding, 'cp932');
      assert.equal(preview.headerLine, 2);
      assert.equal(preview.rows[0].line, 3);
      assert.equal(preview.rows[0].values['商品名'], 'コーヒー豆 1kg');
      assert.equal(suggestion.orderIdColumn, '受注番号');
      assert.deepEqual(suggestion.fields, {
        ordered_at: '購入日', member_id: '会員番号', customer_email: 'メールアドレス', customer_name: '氏名', sku: '品番', product_name: '商品名',
        quantity: '数量', unit_price: '単価', amount: '小計', status: 'ステータス', channel: '店舗',
      });
      assert.deepEqual(suggestion.targets.slice(0, 3), [{ key: 'order_id', required: 'always' }, { key: 'ordered_at', required: 'always' }, { key: 'member_id', required: 'customer_key' }]);
      uploadId = res.body.uploadId;
      profile = { source: 'shop', order_id_column: suggestion.orderIdColumn, header_row: preview.headerLine, fields: suggestion.fields };
    });

    test('upload: English headers (InvoiceNo, StockCode, UnitPrice, CustomerID); a column whose values do not fit is not suggested, with its reason', async () => {
      const csv = [
        'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
        '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26,2.55,17850,United Kingdom',
        '536366,22633,HAND WARMER UNION JACK,six,2010-12-01 08:28,1.85,17850,United Kingdom',
        '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,many,2010-12-01 08:34,1.69,13047,United Kingdom',
      ].join('\n');
      const res = await uploadRaw(t, admin, csv, 'utf-8', 'online-retail.csv');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const s = res.body.suggestion;
      assert.equal(s.orderIdColumn, 'InvoiceNo');
      assert.deepEqual(s.fields, { ordered_at: 'InvoiceDate', member_id: 'CustomerID', sku: 'StockCode', product_name: 'Description', unit_price: 'UnitPrice' });
      const quantity = s.columns.find((c: { header: string }) => c.header === 'Quantity');
      assert.equal(quantity.kind, 'quantity');
      assert.equal(quantity.used, false);
      assert.match(quantity.misfit.message, /列「Quantity」の値は quantity に合いません: 3 件中 2 件/u);
      assert.ok(s.unmapped.includes('Country'));
    });

    test('validate: a column the file lacks is a 400 naming it; a bad profile names its fields', async () => {
      const missing = await admin.json('POST', '/api/v1/orders/import/validate', { uploadId, profile: { ...profile, fields: { ...(profile.fields as object), member_id: '顧客ID' } } });
      assert.equal(missing.status, 400, JSON.stringify(missing.body));
      assert.ok(missing.body.errors.some((e: { message: string }) => e.message === '列「顧客ID」がファイルにありません (column not in file)'), JSON.stringify(missing.body));
      const bad = await admin.json('POST', '/api/v1/orders/import/validate', { uploadId, profile: { source: 'shop', fields: { quantity: '数量' } } });
      assert.equal(bad.status, 400);
      const fields = bad.body.errors.map((e: { field: string }) => e.field);
      assert.ok(fields.includes('profile.order_id_column') && fields.includes('profile.fields'), JSON.stringify(bad.body));
    });

    test('validate: every problem row with its line and reason, how many orders are new; nothing is written', async () => {
      const res = await admin.json('POST', '/api/v1/orders/import/validate', { uploadId, profile });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const v = res.body;
      assert.equal(v.read, 5);
      assert.equal(v.orders, 4);
      assert.equal(v.newOrders, 2);
      assert.equal(v.existingOrders, 0);
      assert.deepEqual(v.problems.map((p: { line: number; field: string | null }) => [p.line, p.field]), [[6, 'customer'], [7, 'quantity']]);
      assert.match(v.problems[0].reason, /^顧客を特定できません/u);
      assert.match(v.problems[1].reason, /^数量として読めません/u);
      assert.equal(v.rejectedRows, 2);
      assert.equal((await admin.json('GET', '/api/v1/orders')).body.items.length, 0, 'validation writes nothing');
    });

    test('run: the orders land on the buyers; validating again says they exist; running again changes nothing', async () => {
      const res = await admin.json('POST', '/api/v1/orders/import/run', { uploadId, profile });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.created, 2);
      assert.deepEqual(res.body.problems.map((p: { line: number }) => p.line), [6, 7]);
      const hers = await admin.json('GET', `/api/v1/orders?customerId=${hanako}`);
      assert.deepEqual(hers.body.items.map((o: { orderId: string; totalAmount: string }) => [o.orderId, o.totalAmount]), [['S-1', '7900.00']]);
      const again = await admin.json('POST', '/api/v1/orders/import/validate', { uploadId, profile });
      assert.equal(again.body.existingOrders, 2);
      assert.equal(again.body.newOrders, 0);
      const rerun = await admin.json('POST', '/api/v1/orders/import/run', { uploadId, profile });
      assert.equal(rerun.body.unchanged, 2);
    });

    test('the header read from another line; someone else\'s upload is unknown; a viewer may not upload', async () => {
      const other = await admin.json('GET', `/api/v1/orders/import/uploads/${uploadId}/preview?headerRow=1`);
      assert.equal(other.status, 200, JSON.stringify(other.body));
      assert.deepEqual(other.body.preview.headers, ['受注データ 2026年4月']);
      assert.equal(other.body.suggestion.orderIdColumn, null);
      const staff = await t.as('sales');
      assert.equal((await staff.json('POST', '/api/v1/orders/import/validate', { uploadId, profile })).status, 404);
      const viewer = await t.as('viewer');
      assert.equal((await uploadRaw(t, viewer, SHOP_CSV, 'cp932')).status, 403);
      assert.equal((await admin.json('POST', '/api/v1/orders/import/run', { uploadId: '00000000-0000-4000-8000-000000000000', profile })).status, 404);
    });
  });
}
