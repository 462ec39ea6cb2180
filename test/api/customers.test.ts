import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MASK } from '../../src/domain/customers/masking.ts';
import { addNote } from '../../src/ledger/activities/activities.service.ts';
import { ENGINES } from '../support/engines.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';

for (const engine of ENGINES) {
  describe(`customers API [${engine}]`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(engine);
      admin = await t.as('admin');
    });
    after(async () => t.close());

    const hanako = {
      familyName: '佐藤', givenName: '花子', familyNameKana: 'さとう', givenNameKana: 'ﾊﾅｺ',
      email: ' Hanako.Sato@Example.CO.JP ', phone: '０９０－１２３４－５６７８', postalCode: '〒100-0001',
      prefecture: '東京都', address: '千代田区千代田１－１', companyName: '株式会社ヤマト精工', title: '課長',
      acquisitionChannel: 'brochure',
    };

    test('create normalises input, keeps the raw input and records provenance', async () => {
      const { status, body } = await admin.json('POST', '/api/v1/customers', hanako);
      assert.equal(status, 201, JSON.stringify(body));
      assert.equal(body.displayName, '佐藤 花子');
      assert.equal(body.familyNameKana, 'サトウ');
      assert.equal(body.givenNameKana, 'ハナコ');
      assert.equal(body.email, 'hanako.sato@example.co.jp');
      assert.equal(body.phone, '+819012345678');
      assert.equal(body.phoneNational, '090-1234-5678');
      assert.equal(body.postalCode, '1000001');
      assert.equal(body.address, '千代田区千代田1-1');
      assert.equal(body.company.name, '株式会社ヤマト精工');
      assert.equal(body.lifecycleStage, 'prospect');
      assert.equal(body.masked, false);
      assert.equal(body.provenance.email.source, 'manual');
      assert.equal(body.provenance.email.by, 'admin user');
      const records = await admin.json('GET', `/api/v1/customers/${body.id}/source-records`);
      assert.equal(records.body.items.length, 1);
      assert.equal(records.body.items[0].raw.phone, '０９０－１２３４－５６７８', 'raw value is kept as received');
      assert.equal(records.body.items[0].normalized.phone, '+819012345678');
    });

    test('an edit is a new manual source record, shows on the timeline and in provenance', async () => {
      const created = (await admin.json('POST', '/api/v1/customers', { ...hanako, email: 'h2@example.co.jp' })).body;
      const patched = await admin.json('PATCH', `/api/v1/customers/${created.id}`, { title: '部長', phone: null });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.title, '部長');
      assert.equal(patched.body.phone, null, 'null clears a field');
      assert.notEqual(patched.body.provenance.title.sourceRecordId, created.provenance.title.sourceRecordId);
      assert.equal(patched.body.provenance.familyName.sourceRecordId, created.provenance.familyName.sourceRecordId, 'untouched fields keep their provenance');
      const records = await admin.json('GET', `/api/v1/customers/${created.id}/source-records`);
      assert.equal(records.body.items.length, 2);
      const timeline = await admin.json('GET', `/api/v1/customers/${created.id}/activities`);
      assert.deepEqual(timeline.body.items.map((a: { type: string }) => a.type), ['edit', 'customer_created']);
      const changes = timeline.body.items[0].properties.changes;
      assert.deepEqual(changes.find((c: { field: string }) => c.field === 'title'), { field: 'title', from: '課長', to: '部長' });
      assert.ok(changes.find((c: { field: string }) => c.field === 'phone'));
      assert.equal(timeline.body.items[0].actor, 'admin user');
      const filtered = await admin.json('GET', `/api/v1/customers/${created.id}/activities?types=customer_created`);
      assert.deepEqual(filtered.body.items.map((a: { type: string }) => a.type), ['customer_created']);
    });

    test('bad input gets 400 problem details with field messages, never a 500', async () => {
      const bad = await admin.json('POST', '/api/v1/customers', { familyName: '山田', email: 'no-at-sign', phone: '12', postalCode: '12', birthDate: '2023-02-30', familyNameKana: '山田', prefecture: '東京' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'validation_failed');
      assert.ok(bad.body.errors.some((e: { field: string }) => e.field === 'prefecture'), JSON.stringify(bad.body));
      const bad2 = await admin.json('POST', '/api/v1/customers', { familyName: '山田', email: 'no-at-sign', phone: '12', postalCode: '12', birthDate: '2023-02-30', familyNameKana: '山田' });
      assert.equal(bad2.status, 400);
      const fields = bad2.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['birthDate', 'email', 'familyNameKana', 'phone', 'postalCode']);
      const empty = await admin.json('POST', '/api/v1/customers', {});
      assert.equal(empty.status, 400);
      const res = await admin.request('POST', '/api/v1/customers', undefined, { 'content-type': 'application/json' });
      assert.equal(res.status, 400);
      const malformed = await t.app.request('/api/v1/customers', { method: 'POST', headers: { authorization: (await admin.request('GET', '/x')).headers.get('x') ?? '', 'content-type': 'application/json' }, body: '{' });
      assert.ok([400, 401].includes(malformed.status));
      const badJson = await admin.request('POST', '/api/v1/customers', undefined, { 'content-type': 'application/json', 'x-raw': '1' });
      assert.equal(badJson.status, 400);
      assert.equal((await admin.json('GET', '/api/v1/customers/not-a-uuid')).status, 400);
      assert.equal((await admin.json('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000')).status, 404);
      assert.equal((await admin.json('PATCH', '/api/v1/customers/00000000-0000-4000-8000-000000000000', { title: 'x' })).status, 404);
      assert.equal((await admin.json('GET', '/api/v1/customers?limit=0')).status, 400);
      assert.equal((await admin.json('GET', '/api/v1/customers?cursor=garbage')).status, 400);
    });

    test('delete is soft, audited, and hides the customer', async () => {
      const created = (await admin.json('POST', '/api/v1/customers', { familyName: '削除', givenName: 'テスト' })).body;
      assert.equal((await admin.request('DELETE', `/api/v1/customers/${created.id}`)).status, 204);
      assert.equal((await admin.json('GET', `/api/v1/customers/${created.id}`)).status, 404);
      assert.equal((await admin.request('DELETE', `/api/v1/customers/${created.id}`)).status, 404);
      const row = await t.database.db.selectFrom('customers').select(['deleted_at', 'family_name']).where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.ok(row.deleted_at, 'row is kept');
      assert.equal(row.family_name, '削除');
      const log = await admin.json('GET', `/api/v1/audit-log?action=customer.delete&entityId=${created.id}`);
      assert.equal(log.body.items.length, 1);
      assert.equal(log.body.items[0].actorLabel, admin.email);
    });

    test('list: filters, sort and cursor pagination visit every row once', async () => {
      for (let i = 0; i < 7; i++) {
        const res = await admin.json('POST', '/api/v1/customers', { familyName: `頁${i}`, givenName: 'テスト', familyNameKana: 'ページ', prefecture: i % 2 ? '大阪府' : '京都府', lifecycleStage: i < 3 ? 'customer' : 'prospect' });
        assert.equal(res.status, 201);
      }
      for (const sort of ['updated', 'created', 'name']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await admin.json('GET', `/api/v1/customers?limit=3&sort=${sort}&familyName=x${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...page.body.items.map((c) => c.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        const total = (await admin.json('GET', '/api/v1/customers?limit=200')).body.items.length;
        assert.equal(seen.length, total, `sort=${sort}`);
        assert.equal(new Set(seen).size, total);
      }
      const osaka = await admin.json('GET', '/api/v1/customers?prefecture=大阪府&stage=prospect');
      assert.ok(osaka.body.items.length >= 1);
      assert.ok(osaka.body.items.every((c: { prefecture: string; lifecycleStage: string }) => c.prefecture === '大阪府' && c.lifecycleStage === 'prospect'));
      const manual = await admin.json('GET', '/api/v1/customers?source=manual&limit=200');
      assert.equal(manual.body.items.length, (await admin.json('GET', '/api/v1/customers?limit=200')).body.items.length);
      const none = await admin.json('GET', '/api/v1/customers?source=meishi');
      assert.equal(none.body.items.length, 0);
      const byEmail = await admin.json('GET', '/api/v1/customers?email=HANAKO.SATO@example.co.jp');
      assert.equal(byEmail.body.items.length, 1);
    });

    test('cursors keep microsecond timestamps: rows written in one transaction are all paged', async () => {
      const ids: string[] = [];
      for (const name of ['一', '二', '三', '四']) ids.push((await admin.json('POST', '/api/v1/customers', { familyName: `同時${name}` })).body.id);
      await t.database.db.updateTable('customers').set({ created_at: '2026-01-02T03:04:05.123456Z', updated_at: '2026-01-02T03:04:05.123456Z' } as never) // created_at is read-only in the row type.where('id', 'in', ids).execute();
      for (const sort of ['created', 'updated']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await admin.json('GET', `/api/v1/customers?limit=1&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...page.body.items.map((c) => c.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        for (const id of ids) assert.ok(seen.includes(id), `sort=${sort} skipped a row`);
      }
      const customer = ids[0]!;
      for (let i = 0; i < 3; i++) await admin.json('POST', `/api/v1/customers/${customer}/notes`, { body: `メモ${i}` });
      await t.database.db.updateTable('activities').set({ occurred_at: '2026-01-02T03:04:05.123456Z' }).where('customer_id', '=', customer).execute();
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await admin.json('GET', `/api/v1/customers/${customer}/activities?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((a) => a.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.equal(seen.length, 4, 'created + three notes');
    });

    test('search finds by 2-char kanji, half-width kana, e-mail and phone fragments', async () => {
      for (const q of ['佐藤', 'ｻﾄｳ', 'さとう', 'hanako.sato', '1234-5678', '５６７８', 'ヤマト精工']) {
        const res = await admin.json('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, q);
        assert.ok(res.body.items.some((c: { displayName: string }) => c.displayName === '佐藤 花子'), `query ${q}`);
      }
      const nothing = await admin.json('GET', `/api/v1/search?q=${encodeURIComponent('該当なし')}`);
      assert.deepEqual(nothing.body.items, []);
    });

    test('notes go on the timeline', async () => {
      const created = (await admin.json('POST', '/api/v1/customers', { familyName: '林' })).body;
      const note = await admin.json('POST', `/api/v1/customers/${created.id}/notes`, { body: '展示会で名刺交換。来月デモ予定。' });
      assert.equal(note.status, 201);
      const timeline = await admin.json('GET', `/api/v1/customers/${created.id}/activities`);
      assert.equal(timeline.body.items[0].type, 'note');
      assert.equal(timeline.body.items[0].properties.body, '展示会で名刺交換。来月デモ予定。');
    });

    test('a note mentions only active users: an unknown or disabled one is a 400 naming it, and nothing is written', async () => {
      const created = (await admin.json('POST', '/api/v1/customers', { familyName: '森' })).body;
      const sales = await t.as('sales');
      const gone = await t.as('marketing');
      assert.equal((await admin.json('PATCH', `/api/v1/users/${gone.userId}`, { disabled: true })).status, 200);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const bad = await admin.json('POST', `/api/v1/customers/${created.id}/notes`, { body: '来週訪問', mentions: [sales.userId, unknown, gone.userId] });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.code, 'validation_failed');
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field), ['mentions.1', 'mentions.2']);
      assert.ok(bad.body.errors[0].message.includes(unknown), JSON.stringify(bad.body));
      assert.ok(bad.body.errors[1].message.includes(gone.userId), JSON.stringify(bad.body));
      const timeline = await admin.json('GET', `/api/v1/customers/${created.id}/activities?types=note`);
      assert.deepEqual(timeline.body.items, [], 'the refused note was not written');
      const ok = await admin.json('POST', `/api/v1/customers/${created.id}/notes`, { body: '来週訪問', mentions: [sales.userId, sales.userId] });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.properties.mentions, [sales.userId], 'a repeated mention is one');
    });

    test('note bodies are masked for roles without customers:read_personal, in the timeline and in the answer to adding one', async () => {
      const created = (await admin.json('POST', '/api/v1/customers', { familyName: '岡' })).body;
      const sales = await t.as('sales');
      const body = '携帯 090-1111-2222、自宅は横浜市青葉区。';
      const note = await admin.json('POST', `/api/v1/customers/${created.id}/notes`, { body, mentions: [sales.userId] });
      assert.equal(note.body.properties.body, body, 'the writer (with customers:read_personal) sees what was written');
      const viewer = await t.as('viewer');
      const seen = await viewer.json('GET', `/api/v1/customers/${created.id}/activities?types=note`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.items[0].properties.body, MASK);
      assert.deepEqual(seen.body.items[0].properties.mentions, [sales.userId], 'who was mentioned is not personal data of the customer');
      assert.ok(!JSON.stringify(seen.body).includes('090-1111-2222'));
      assert.equal((await sales.json('GET', `/api/v1/customers/${created.id}/activities?types=note`)).body.items[0].properties.body, body);
      // A role that may write notes without customers:read_personal (none of the built-in ones) gets its own note back masked too.
      const viewerRow = await t.database.db.selectFrom('users').select(['id', 'email', 'display_name']).where('id', '=', viewer.userId).executeTakeFirstOrThrow();
      const echoed = await addNote(t.database.db, created.id, { body }, {
        auth: { userId: viewerRow.id, email: viewerRow.email, displayName: viewerRow.display_name, role: 'viewer', via: 'api_key', apiKeyId: null, csrfToken: null },
        ip: null, userAgent: null,
      });
      assert.equal(echoed.properties.body, MASK);
    });

    test('companies, sources and custom fields', async () => {
      const company = await admin.json('POST', '/api/v1/companies', { name: '株式会社テスト', corporateNumber: '1234567890123', prefecture: '愛知県' });
      assert.equal(company.status, 201);
      assert.equal((await admin.json('POST', '/api/v1/companies', { name: '別会社', corporateNumber: '1234567890123' })).status, 409);
      const person = await admin.json('POST', '/api/v1/customers', { familyName: '鈴木', companyId: company.body.id, department: '営業部' });
      assert.equal(person.body.company.id, company.body.id);
      const detail = await admin.json('GET', `/api/v1/companies/${company.body.id}`);
      assert.equal(detail.body.people[0].department, '営業部');
      const list = await admin.json('GET', '/api/v1/companies?q=テスト');
      assert.equal(list.body.items[0].peopleCount, 1);

      const source = await admin.json('POST', '/api/v1/sources', { name: 'meishi', label: '名刺管理', kind: 'file_import', party: 'first', owningDepartment: '営業部', freshnessSlaDays: 30 });
      assert.equal(source.status, 201);
      assert.equal(source.body.stale, true, 'a source that never delivered is stale once it has an SLA');
      assert.equal((await admin.json('POST', '/api/v1/sources', { name: 'meishi', label: 'x', kind: 'api', party: 'first' })).status, 409);
      assert.equal((await admin.json('POST', '/api/v1/sources', { name: 'Bad Name', label: 'x', kind: 'api', party: 'first' })).status, 400);

      const field = await admin.json('POST', '/api/v1/custom-fields', { entity: 'customer', key: 'interest', labelJa: '興味分野', type: 'multi_select', options: ['会計', '人事'] });
      assert.equal(field.status, 201);
      const ok = await admin.json('PATCH', `/api/v1/customers/${person.body.id}`, { customFields: { interest: ['会計'] } });
      assert.deepEqual(ok.body.customFields, { interest: ['会計'] });
      const bad = await admin.json('PATCH', `/api/v1/customers/${person.body.id}`, { customFields: { interest: ['釣り'], nope: 1 } });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['customFields.interest', 'customFields.nope']);
    });
  });
}
