import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import type { Role } from '../../../src/domain/auth/permissions.ts';
import { createApiKey } from '../../../src/platform/accounts/auth.service.ts';
import { runImport } from '../../../src/intake/files/import.service.ts';
import { parseImportProfile } from '../../../src/domain/import/profile.ts';
import { findUpload } from '../../../src/intake/files/uploads.ts';
import { ENGINES } from '../../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../../support/app.ts';

const CSV = '名刺ID,氏名,メールアドレス\r\nM1,髙橋 一郎,ichiro@daicho-shoji.co.jp\r\n';
const profile = (source: string) => ({ source, id_column: '名刺ID', fields: { full_name: '氏名', email: 'メールアドレス' } });
const ORDERS_CSV = '注文番号,注文日,商品コード,数量,単価,メールアドレス\r\nA-1,2026/4/3,S-1,1,1000,ichiro@daicho-shoji.co.jp\r\n';
const ordersProfile = (source: string) => ({ kind: 'orders', source, order_id_column: '注文番号', fields: { ordered_at: '注文日', sku: '商品コード', quantity: '数量', unit_price: '単価', customer_email: 'メールアドレス' } });
const ATTENDANCE_CSV = '受付ID,氏名,メール,出欠\r\nR-1,髙橋 一郎,ichiro@daicho-shoji.co.jp,出席\r\n';
const attendanceProfile = (source: string) => ({ kind: 'event_attendance', source, id_column: '受付ID', fields: { full_name: '氏名', email: 'メール', status: '出欠' } });
/** Sources a customer export may never be imported into, whoever asks, and why. */
const RESERVED = ['manual', 'form-catalog', 'web-3f1c2b1e-0000-4000-8000-000000000000', 'orders-ec', 'events-peatix', 'events-form-catalog'];
const INVALID = ['a'.repeat(300), 'Meishi', 'meishi 2', '-meishi', 'meishi.csv'];

for (const engine of ENGINES) {
  describe(`which sources an import may write into [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    const keys = new Map<Role, string>();
    /** Multipart requests (uploads, order and attendance files) as `role`, with an API key of its own. */
    const multipart = async (role: Role, path: string, fields: Record<string, string | Blob>) => {
      let key = keys.get(role);
      if (!key) {
        key = (await createApiKey(t.database.db, (await t.as(role)).userId, 'multipart')).key;
        keys.set(role, key);
      }
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const res = await t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
      return { status: res.status, body: await res.json() };
    };
    const csv = (text: string) => new Blob([new Uint8Array(iconv.encode(text, 'cp932'))], { type: 'text/csv' });
    const upload = async (role: Role) => {
      const res = await multipart(role, '/api/v1/imports/uploads', { file: new File([csv(CSV)], 'meishi.csv', { type: 'text/csv' }) });
      assert.equal(res.status, 201);
      return (res.body as { uploadId: string }).uploadId;
    };
    /** Every HTTP door of a customer import with `source`, as `role`: the status each answers. */
    const doors = async (role: Role, source: string) => {
      const client = await t.as(role);
      const uploadId = await upload(role);
      const body = { uploadId, profile: profile(source) };
      return {
        validate: (await client.json('POST', '/api/v1/imports/validate', body)).status,
        validations: (await client.json('POST', '/api/v1/imports/validations', body)).status,
        jobs: (await client.json('POST', '/api/v1/imports/jobs', body)).status,
        run: (await client.json('POST', '/api/v1/imports', body)).status,
      };
    };
    const all = (status: number) => ({ validate: status, validations: status, jobs: status, run: status });
    const sourceCount = async () => Number((await t.database.db.selectFrom('sources').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
      for (const [name, kind] of [['meishi', 'file_import'], ['crm-sync', 'api'], ['legacy-form', 'form'], ['orders-ec', 'file_import']] as const) {
        const res = await admin.json('POST', '/api/v1/sources', { name, label: name, kind, party: 'first' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => t.close());

    test('a sales user imports into a registered file-import source through every door', async () => {
      assert.deepEqual(await doors('sales', 'meishi'), { validate: 200, validations: 202, jobs: 202, run: 200 });
    });

    test('reserved sources and invalid names are refused at every door, for an admin too, and nothing is registered', async () => {
      const before = await sourceCount();
      for (const source of [...RESERVED, 'legacy-form', ...INVALID]) {
        for (const role of ['sales', 'admin'] as const) {
          const client = await t.as(role);
          const uploadId = await upload(role);
          for (const path of ['/api/v1/imports/validate', '/api/v1/imports/validations', '/api/v1/imports/jobs', '/api/v1/imports']) {
            const res = await client.json('POST', path, { uploadId, profile: profile(source) });
            assert.equal(res.status, 400, `${role} ${path} ${source.slice(0, 20)}: ${res.status} ${JSON.stringify(res.body)}`);
            assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'profile.source' || e.field === 'profile'), JSON.stringify(res.body));
          }
        }
      }
      assert.equal(await sourceCount(), before);
      assert.equal(await t.database.db.selectFrom('source_records').innerJoin('sources', 'sources.id', 'source_records.source_id').select('sources.name').where('sources.name', 'in', ['manual', 'orders-ec', 'legacy-form']).execute().then((r) => r.length), 0);
    });

    test('registering a new source by importing needs sources:write (403 for sales and marketing; a manager may)', async () => {
      for (const role of ['sales', 'marketing'] as const) {
        const refused = await doors(role, 'brand-new');
        assert.deepEqual(refused, all(403), role);
      }
      const res = await (await t.as('sales')).json('POST', '/api/v1/imports/validate', { uploadId: await upload('sales'), profile: profile('brand-new') });
      assert.match(res.body.detail ?? res.body.title, /sources:write/);
      assert.equal(await t.database.db.selectFrom('sources').select('id').where('name', '=', 'brand-new').executeTakeFirst(), undefined);
      const manager = await t.as('manager');
      const run = await manager.json('POST', '/api/v1/imports', { uploadId: await upload('manager'), profile: profile('brand-new') });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal((await t.database.db.selectFrom('sources').select('kind').where('name', '=', 'brand-new').executeTakeFirstOrThrow()).kind, 'file_import');
    });

    test('a source fed by an API or an integration takes a file only from those who manage the registry', async () => {
      assert.deepEqual(await doors('sales', 'crm-sync'), all(403));
      assert.deepEqual(await doors('manager', 'crm-sync'), { validate: 200, validations: 202, jobs: 202, run: 200 });
    });

    test('the command line acts as the operator: it registers sources, but reserved ones stay out of reach', async () => {
      const uploadId = await upload('admin');
      const filePath = findUpload(uploadId)!.filePath;
      const operator = { auth: null, ip: null, userAgent: 'daicho-cli (test)' };
      const summary = await runImport(t.database.db, { filePath, profile: parseImportProfile(profile('from-terminal')), actor: operator });
      assert.equal(summary.source, 'from-terminal');
      for (const source of ['manual', 'legacy-form', 'orders-ec']) {
        await assert.rejects(runImport(t.database.db, { filePath, profile: parseImportProfile(profile(source)), actor: operator }), (e: { status?: number }) => e.status === 400, source);
      }
    });

    test('orders: only into orders-…, a new one registered by sources:write holders only', async () => {
      const file = new File([csv(ORDERS_CSV)], 'orders.csv', { type: 'text/csv' });
      assert.equal((await multipart('sales', '/api/v1/orders/import', { file, profile: JSON.stringify(ordersProfile('rakuten')) })).status, 403);
      assert.equal(await t.database.db.selectFrom('sources').select('id').where('name', '=', 'orders-rakuten').executeTakeFirst(), undefined);
      // Registered by a manager (orders-… may be registered ahead of the first file), then a sales user may import.
      assert.equal((await admin.json('POST', '/api/v1/sources', { name: 'orders-rakuten', label: '楽天', kind: 'file_import', party: 'first' })).status, 201);
      const ok = await multipart('sales', '/api/v1/orders/import', { file, profile: JSON.stringify(ordersProfile('rakuten')) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.created, 1);
      // An order profile's source is a system name; the result must be an orders source.
      assert.equal((await multipart('admin', '/api/v1/orders/import', { file, profile: JSON.stringify(ordersProfile('a'.repeat(300))) })).status, 400);
    });

    test('attendance: only into events-…, never a form\'s events-form-…; a new one by sources:write holders only', async () => {
      const event = await admin.json('POST', '/api/v1/events', { name: '説明会', startsAt: '2026-05-20T14:00:00+09:00' });
      const file = new File([csv(ATTENDANCE_CSV)], 'attendance.csv', { type: 'text/csv' });
      const post = (role: Role, source: string) => multipart(role, '/api/v1/events/attendance/import', { file, profile: JSON.stringify(attendanceProfile(source)), eventId: event.body.id });
      assert.equal((await post('sales', 'peatix')).status, 403);
      assert.equal((await post('admin', 'form-catalog')).status, 400);
      const ok = await post('admin', 'peatix');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal((await post('sales', 'peatix')).status, 200, 'registered: a sales user may import into it');
    });

    test('POST /sources: valid names only, never a name a feature registers itself', async () => {
      for (const name of ['form-catalog', 'web-site', 'events-form-catalog', 'manual', 'a'.repeat(64), 'Meishi']) {
        const res = await admin.json('POST', '/api/v1/sources', { name, label: 'x', kind: 'file_import', party: 'first' });
        assert.equal(res.status, 400, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      assert.equal((await admin.json('POST', '/api/v1/sources', { name: 'a'.repeat(63), label: 'x', kind: 'file_import', party: 'first' })).status, 201);
      assert.equal((await admin.json('POST', '/api/v1/sources', { name: 'events-sansan', label: 'Sansan', kind: 'file_import', party: 'first' })).status, 201);
      assert.equal((await (await t.as('sales')).json('POST', '/api/v1/sources', { name: 'sales-own', label: 'x', kind: 'file_import', party: 'first' })).status, 403);
    });
  });
}
