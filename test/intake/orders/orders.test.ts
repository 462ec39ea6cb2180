import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { ingestRecords } from '../../../src/resolution/staging.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const actor = { auth: null, ip: null, userAgent: 'test' };

const PROFILE = {
  kind: 'orders', source: 'ec', encoding: 'cp932', order_id_column: '注文番号',
  fields: {
    ordered_at: '注文日', sku: '商品コード', product_name: '商品名', quantity: '数量', unit_price: '単価', amount: '金額',
    channel: 'チャネル', status: 'ステータス', customer_email: 'メールアドレス', customer_name: '氏名', customer_phone: '電話番号', member_id: '会員番号',
  },
};

const HEADER = '注文番号,注文日,商品コード,商品名,数量,単価,金額,チャネル,ステータス,メールアドレス,氏名,電話番号,会員番号';
const ORDERS_CSV = [
  HEADER,
  'A-1001,2026/4/3,CF-1,コーヒー豆 1kg,2,"¥3,200","¥6,400",EC,,hanako@kaisha-a.co.jp,佐藤 花子,,', // line 2
  'A-1001,2026/4/3,MG-1,マグカップ,１,"1,500",,EC,,hanako@kaisha-a.co.jp,佐藤 花子,,', //             line 3
  'A-1002,令和8年4月10日,CF-1,コーヒー豆 1kg,1,3200,3200,EC,キャンセル,hanako@kaisha-a.co.jp,佐藤 花子,,', // line 4
  'A-1003,2026/4/20 10:30,CF-1,コーヒー豆 1kg,3,3200,9600,EC,,hanako@kaisha-a.co.jp,佐藤 花子,,', //        line 5
  'A-1003,2026/4/20 10:30,CF-1,コーヒー豆 1kg,-1,3200,-3200,EC,,hanako@kaisha-a.co.jp,佐藤 花子,,', //      line 6
  'A-1004,2026/4/31,CF-1,コーヒー豆 1kg,1,3200,3200,EC,,taro@kaisha-b.co.jp,山田 太郎,,', //              line 7: bad date
  'A-1005,2026/5/1,CF-1,コーヒー豆 1kg,abc,3200,,店舗,,jiro@kaisha-c.co.jp,鈴木 次郎,,', //                line 8: bad quantity
  'A-1005,2026/5/1,MG-1,マグカップ,1,1500,1500,店舗,,jiro@kaisha-c.co.jp,鈴木 次郎,,', //                   line 9: same order held back
  'A-1006,2026/5/2,MG-1,マグカップ,1,1500,1500,店舗,,,名無し,,', //                                          line 10: no customer key
  'A-1007,2026/5/3,MG-1,マグカップ,2,1500,3000,電話,,,高橋 一郎,090-1234-9876,M-77', //                       line 11
].join('\r\n');

const keys = new Map<string, string>();
async function upload(t: TestApp, client: Client, path: string, csv: string | Uint8Array, profile: unknown, extra: Record<string, string> = {}) {
  let key = keys.get(client.userId);
  if (!key) {
    key = (await createApiKey(t.database.db, client.userId, 'upload key')).key;
    keys.set(client.userId, key);
  }
  const form = new FormData();
  const bytes = typeof csv === 'string' ? iconv.encode(csv, 'cp932') : csv;
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), 'orders.csv');
  form.append('profile', JSON.stringify(profile));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  const res = await t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: res.status, body: await res.json() };
}

for (const engine of ENGINES) {
  describe(`commerce [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    let hanako: string;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      // She came in through a web form.
      const [rec] = await ingestRecords(t.database.db, {
        source: { name: 'form-brochure', label: '資料請求フォーム', kind: 'form' },
        records: [{ externalId: 'sub-1', fields: { full_name: '佐藤 花子', full_name_kana: 'サトウ ハナコ', email: 'Hanako@Kaisha-A.co.jp' } }],
        actor,
      });
      hanako = rec!.customerId;
    });
    after(async () => t.close());

    test('product catalogue: create, duplicate SKU, edit, list, permissions', async () => {
      const created = await admin.json('POST', '/api/v1/products', { sku: 'CF-1', name: 'コーヒー豆 1kg', category: '食品', price: '¥3,200' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.price, '3200.00');
      assert.equal((await admin.json('POST', '/api/v1/products', { sku: 'ＣＦ-1', name: 'dup' })).status, 409);
      const patched = await admin.json('PATCH', `/api/v1/products/${created.body.id}`, { price: 3500, active: false });
      assert.equal(patched.body.price, '3500.00');
      assert.equal(patched.body.active, false);
      assert.equal((await admin.json('PATCH', `/api/v1/products/${created.body.id}`, { price: 'abc' })).status, 400);
      await admin.json('POST', '/api/v1/products', { sku: 'MG-1', name: 'マグカップ', category: '雑貨', price: 1500 });
      const list = await admin.json('GET', '/api/v1/products?q=マグ');
      assert.deepEqual(list.body.items.map((p: { sku: string }) => p.sku), ['MG-1']);
      const viewer = await t.as('viewer');
      assert.equal((await viewer.json('GET', '/api/v1/products')).status, 200);
      assert.equal((await viewer.json('POST', '/api/v1/products', { sku: 'X', name: 'x' })).status, 403);
    });

    test('order CSV (CP932): a buyer\'s e-mail lands on the existing customer; bad rows reported with their line; good rows land', async () => {
      const res = await upload(t, admin, '/api/v1/orders/import', ORDERS_CSV, PROFILE);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const s = res.body;
      assert.equal(s.read, 10);
      assert.equal(s.created, 4, JSON.stringify(s));
      const lines = s.problems.map((p: { line: number }) => p.line);
      assert.deepEqual(lines, [7, 8, 9, 10]);
      assert.match(s.problems[0].reason, /日付/);
      assert.equal(s.problems[1].field, 'quantity');
      assert.match(s.problems[2].reason, /8 行目/);
      assert.match(s.problems[3].reason, /顧客を特定できません/);
      const orders = await admin.json('GET', `/api/v1/orders?customerId=${hanako}`);
      assert.deepEqual(orders.body.items.map((o: { orderId: string }) => o.orderId).sort(), ['A-1001', 'A-1002', 'A-1003']);
      const a1001 = orders.body.items.find((o: { orderId: string }) => o.orderId === 'A-1001');
      assert.equal(a1001.totalAmount, '7900.00');
      assert.equal(a1001.customerName, '佐藤 花子');
      const detail = await admin.json('GET', `/api/v1/orders/${a1001.id}`);
      assert.equal(detail.body.lines.length, 2);
      assert.equal(detail.body.lines[1].amount, '1500.00', 'amount from quantity × unit price');
      assert.ok(detail.body.lines[0].productId, 'linked to the catalogue by SKU');
      assert.equal(orders.body.items.find((o: { orderId: string }) => o.orderId === 'A-1003').status, 'partially_returned');
      // The member-id buyer became a customer of their own.
      const other = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.external_id', 'source_records.customer_id']).where('sources.name', '=', 'orders-ec').execute();
      assert.deepEqual(other.map((r) => r.external_id.replace(/^email:[0-9a-f]{32}$/u, 'email:<hash>')).sort(), ['email:<hash>', 'member:M-77']);
      assert.ok(!other.some((r) => r.external_id.includes('hanako')), 'e-mail keys are hashed');
      assert.equal(other.find((r) => r.external_id.startsWith('email'))!.customer_id, hanako);
    });

    test('a buyer with an e-mail is identified, at a reserved domain too; a shared dummy address or a missing column is refused with its reason', async () => {
      const csv = [
        HEADER,
        'B-2001,2026/5/10,MG-1,マグカップ,1,1500,1500,EC,,yuki@example.jp,見本 ゆき,,', //        line 2: identified by e-mail
        'B-2002,2026/5/11,MG-1,マグカップ,1,1500,1500,EC,,noreply@shop.co.jp,見本 ゲスト,,', //   line 3: everyone's dummy
        'B-2003,2026/5/12,MG-1,マグカップ,1,1500,1500,EC,,yuki＠example,見本 ゆき,,', //          line 4: not an address
      ].join('\r\n');
      const res = await upload(t, admin, '/api/v1/orders/import', csv, PROFILE);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.created, 1, JSON.stringify(res.body));
      assert.deepEqual(res.body.problems.map((p: { line: number; field: string }) => [p.line, p.field]), [[3, 'customer'], [4, 'customer']]);
      assert.match(res.body.problems[0].reason, /noreply@shop\.co\.jp」は共用のダミー/u);
      assert.match(res.body.problems[1].reason, /yuki＠example」の形が正しくありません/u);

      // A column the profile names but the file lacks: a 400 whose field errors say which.
      const missing = await upload(t, admin, '/api/v1/orders/import', csv.replace('会員番号', '会員ID'), PROFILE);
      assert.equal(missing.status, 400, JSON.stringify(missing.body));
      assert.ok(missing.body.errors.some((e: { message: string }) => e.message.includes('列「会員番号」がファイルにありません')), JSON.stringify(missing.body));
    });

    test('summary: lifetime value net of the cancellation and the return, order count, first and last purchase', async () => {
      const res = await admin.json('GET', `/api/v1/customers/${hanako}/purchases/summary`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        customerId: hanako, currency: 'JPY', lifetimeValue: '14300.00', orderCount: 2, cancelledCount: 1, returnedAmount: '3200.00',
        firstPurchaseAt: '2026-04-02T15:00:00.000Z', lastPurchaseAt: '2026-04-20T01:30:00.000Z',
      });
      const timeline = await admin.json('GET', `/api/v1/customers/${hanako}/activities?types=purchase,purchase_cancelled,purchase_returned`);
      const types = timeline.body.items.map((a: { type: string }) => a.type).sort();
      assert.deepEqual(types, ['purchase', 'purchase', 'purchase', 'purchase_cancelled', 'purchase_returned']);
      const purchase = timeline.body.items.find((a: { type: string; properties: { orderId: string } }) => a.type === 'purchase' && a.properties.orderId === 'A-1001');
      assert.equal(purchase.amount, '7900.00');
      assert.equal(purchase.currency, 'JPY');
      assert.deepEqual(purchase.properties.lines.map((l: { sku: string }) => l.sku), ['CF-1', 'MG-1']);
      assert.equal(purchase.properties.channel, 'EC');
      assert.equal((await admin.json('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000/purchases/summary')).status, 404);
    });

    test('re-importing the same file changes nothing; a returns-only file updates the order and survives re-import of the original', async () => {
      const count = async () => Number((await t.database.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const again = await upload(t, admin, '/api/v1/orders/import', ORDERS_CSV, PROFILE);
      assert.equal(again.body.created, 0);
      assert.equal(again.body.updated, 0);
      assert.equal(again.body.unchanged, 4);
      assert.equal(await count(), before);
      const returns = [HEADER, 'A-1001,,MG-1,マグカップ,-1,1500,,EC,,,,,'].join('\r\n');
      const r = await upload(t, admin, '/api/v1/orders/import', returns, PROFILE);
      assert.equal(r.body.updated, 1, JSON.stringify(r.body));
      const third = await upload(t, admin, '/api/v1/orders/import', ORDERS_CSV, PROFILE);
      assert.equal(third.body.unchanged, 4, 'the original file does not undo the return');
      const sum = await admin.json('GET', `/api/v1/customers/${hanako}/purchases/summary`);
      assert.equal(sum.body.lifetimeValue, '12800.00');
      const unknown = await upload(t, admin, '/api/v1/orders/import', [HEADER, 'Z-9,,MG-1,マグカップ,-1,1500,,EC,,,,,'].join('\r\n'), PROFILE);
      assert.equal(unknown.body.problems[0].line, 2);
      assert.match(unknown.body.problems[0].reason, /返品行だけ/);
    });

    test('orders through the API: idempotent on order id, cancel and returns; validation errors name the field', async () => {
      const body = {
        source: 'pos', orderId: 'P-1', orderedAt: '2026/6/1 12:00', channel: '店舗',
        customer: { email: 'hanako@kaisha-a.co.jp', name: '佐藤 花子' },
        lines: [{ sku: 'CF-1', quantity: '2', unitPrice: '3200' }, { sku: 'MG-1', quantity: 1, amount: '¥1,500' }],
      };
      const first = await admin.json('POST', '/api/v1/orders', body);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.customerId, hanako);
      assert.equal(first.body.totalAmount, '7900.00');
      const second = await admin.json('POST', '/api/v1/orders', body);
      assert.equal(second.body.id, first.body.id);
      const n = await t.database.db.selectFrom('activities').select('id').where('dedupe_key', '=', 'order:pos:P-1').execute();
      assert.equal(n.length, 1);
      const ret = await admin.json('POST', `/api/v1/orders/${first.body.id}/returns`, { lines: [{ sku: 'CF-1', quantity: '1' }] });
      assert.equal(ret.status, 200, JSON.stringify(ret.body));
      assert.equal(ret.body.status, 'partially_returned');
      assert.equal(ret.body.returnedAmount, '3200.00');
      assert.equal(ret.body.netAmount, '4700.00');
      const cancelled = await admin.json('POST', `/api/v1/orders/${first.body.id}/cancel`);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal(cancelled.body.netAmount, '0.00');
      const sum = await admin.json('GET', `/api/v1/customers/${hanako}/purchases/summary`);
      assert.equal(sum.body.lifetimeValue, '12800.00', 'the cancelled order does not count');
      assert.equal(sum.body.cancelledCount, 2);
      const bad = await admin.json('POST', '/api/v1/orders', { ...body, orderId: 'P-2', orderedAt: '2026/2/30', customer: {}, lines: [{ sku: 'CF-1', quantity: 'x', unitPrice: '1' }] });
      assert.equal(bad.status, 400);
      const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['customer', 'lines.0.quantity', 'orderedAt']);
    });

    test('unmerge moves the order and its activity with the buyer\'s record', async () => {
      const records = await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id')
        .select(['source_records.id']).where('sources.name', '=', 'orders-ec').where('source_records.customer_id', '=', hanako).execute();
      assert.equal(records.length, 1);
      const manager = await t.as('manager');
      const split = await manager.json('POST', `/api/v1/customers/${hanako}/unmerge`, { sourceRecordIds: [records[0]!.id] });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      const moved = split.body.newCustomerId as string;
      const theirs = await admin.json('GET', `/api/v1/orders?customerId=${moved}&source=ec`);
      assert.deepEqual(theirs.body.items.map((o: { orderId: string }) => o.orderId).sort(), ['A-1001', 'A-1002', 'A-1003']);
      const acts = await admin.json('GET', `/api/v1/customers/${moved}/activities?types=purchase`);
      assert.equal(acts.body.items.length, 3);
      const left = await admin.json('GET', `/api/v1/customers/${hanako}/purchases/summary`);
      assert.equal(left.body.orderCount, 0, 'the API order (source pos) was cancelled; the file orders moved away');
      const summary = await admin.json('GET', `/api/v1/customers/${moved}/purchases/summary`);
      assert.equal(summary.body.lifetimeValue, '12800.00');
    });

    test('permissions: a viewer reads orders and figures but not buyer names without customers:read? (viewer has it); writes are refused', async () => {
      const viewer = await t.as('viewer');
      const list = await viewer.json('GET', '/api/v1/orders');
      assert.equal(list.status, 200);
      assert.ok(list.body.items.length > 0);
      assert.equal((await viewer.json('POST', '/api/v1/orders', {})).status, 403);
      const up = await upload(t, viewer, '/api/v1/orders/import', ORDERS_CSV, PROFILE);
      assert.equal(up.status, 403);
      const notMultipart = await admin.json('POST', '/api/v1/orders/import', {});
      assert.equal(notMultipart.status, 400);
      const badProfile = await upload(t, admin, '/api/v1/orders/import', ORDERS_CSV, { ...PROFILE, order_id_column: undefined });
      assert.equal(badProfile.status, 400);
      assert.ok(badProfile.body.errors.some((e: { field: string }) => e.field === 'profile.order_id_column'));
      const missing = await upload(t, admin, '/api/v1/orders/import', ORDERS_CSV, { ...PROFILE, fields: { ...PROFILE.fields, sku: '品番' } });
      assert.equal(missing.status, 400);
    });
  });
}
